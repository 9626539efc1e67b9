//! A page-flowing canvas over printpdf's operations: points measured from
//! the top-left of an A4 page, text in the document's fonts (with fallback
//! runs), rectangles and rules, and a cursor that breaks to a new page.

use printpdf::{Color, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem, WindingOrder};

use super::fonts::{Face, FontSet};

pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub const MARGIN: f32 = 48.0;
/// Space kept free at the bottom for the footer.
pub const FOOTER_SPACE: f32 = 40.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

/// An sRGB colour from 0–255 components.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    pub const TEXT: Colour = Colour(0x1f, 0x23, 0x28);
    pub const MUTED: Colour = Colour(0x5f, 0x66, 0x6d);
    pub const RULE: Colour = Colour(0xd0, 0xd5, 0xdb);
    pub const TRACK: Colour = Colour(0xec, 0xef, 0xf2);
    pub const ACCENT: Colour = Colour(0x1d, 0x4e, 0x89);
    pub const QUALIFIED: Colour = Colour(0x1b, 0x7f, 0x3b);
    pub const BELOW: Colour = Colour(0xb2, 0x6a, 0x00);
    pub const DISQUALIFIED: Colour = Colour(0xb3, 0x26, 0x1e);
    pub const WHITE: Colour = Colour(0xff, 0xff, 0xff);

    fn pdf(self) -> Color {
        let c = |v: u8| f32::from(v) / 255.0;
        Color::Rgb(Rgb::new(c(self.0), c(self.1), c(self.2), None))
    }
}

/// A text style.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub colour: Colour,
}

impl Style {
    pub const fn new(face: Face, size: f32, colour: Colour) -> Self {
        Style { face, size, colour }
    }

    /// Line height for this style.
    pub fn leading(&self) -> f32 {
        self.size * 1.3
    }
}

/// Pages of operations, filled top to bottom.
pub struct Canvas {
    pub fonts: FontSet,
    pages: Vec<Vec<Op>>,
    /// Distance of the cursor from the top of the current page.
    pub y: f32,
}

impl Canvas {
    pub fn new(fonts: FontSet) -> Self {
        Canvas { fonts, pages: vec![Vec::new()], y: MARGIN }
    }

    /// The bottom of the writable area.
    pub fn bottom(&self) -> f32 {
        PAGE_HEIGHT - MARGIN - FOOTER_SPACE
    }

    /// Start a new page and put the cursor at its top.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Break to a new page unless `height` still fits; true when it broke.
    pub fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > self.bottom() {
            self.new_page();
            return true;
        }
        false
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a canvas always has a page")
    }

    /// Draw one line of text with its baseline at `baseline` (from the top), on page `page`.
    pub fn text_on(&mut self, page: usize, x: f32, baseline: f32, style: Style, text: &str) {
        if text.is_empty() {
            return;
        }
        let fonts = self.fonts.clone();
        let ops = &mut self.pages[page];
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFillColor { col: style.colour.pdf() });
        ops.push(Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(PAGE_HEIGHT - baseline) } });
        for (id, run) in fonts.runs(style.face, text) {
            ops.push(Op::SetFont { font: PdfFontHandle::External(id.clone()), size: Pt(style.size) });
            ops.push(Op::ShowText { items: vec![TextItem::Text(run.to_owned())] });
        }
        ops.push(Op::EndTextSection);
    }

    /// Draw one line of text on the current page.
    pub fn text(&mut self, x: f32, baseline: f32, style: Style, text: &str) {
        let page = self.pages.len() - 1;
        self.text_on(page, x, baseline, style, text);
    }

    /// Draw text ending at `right`.
    pub fn text_right(&mut self, right: f32, baseline: f32, style: Style, text: &str) {
        let width = self.fonts.width(style.face, style.size, text);
        self.text(right - width, baseline, style, text);
    }

    /// Draw text wrapped to `width` from the cursor; moves the cursor below it.
    pub fn paragraph(&mut self, x: f32, width: f32, style: Style, text: &str) {
        for line in self.fonts.wrap(style.face, style.size, text, width) {
            self.ensure(style.leading());
            self.y += style.leading();
            let baseline = self.y - style.leading() * 0.25;
            self.text(x, baseline, style, &line);
        }
    }

    /// A filled rectangle; `y` is its top.
    pub fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, colour: Colour) {
        if width <= 0.0 || height <= 0.0 {
            return;
        }
        let ops = self.ops();
        ops.push(Op::SetFillColor { col: colour.pdf() });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(PAGE_HEIGHT - y - height),
                width: Pt(width),
                height: Pt(height),
                mode: Some(PaintMode::Fill),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    /// A horizontal rule at `y`.
    pub fn rule(&mut self, x: f32, y: f32, width: f32, colour: Colour, thickness: f32) {
        let ops = self.ops();
        ops.push(Op::SetOutlineColor { col: colour.pdf() });
        ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        let point = |x: f32| LinePoint { p: Point { x: Pt(x), y: Pt(PAGE_HEIGHT - y) }, bezier: false };
        ops.push(Op::DrawLine { line: Line { points: vec![point(x), point(x + width)], is_closed: false } });
    }

    /// The pages' operations.
    pub fn into_pages(self) -> Vec<Vec<Op>> {
        self.pages
    }
}
