//! A page-flowing canvas over printpdf's operations: points measured from
//! the top-left of an A4 page, text in the document's fonts (with fallback
//! runs), rectangles and rules, and a cursor that breaks to a new page.
//!
//! The canvas also builds the document's structure tree as it draws: the
//! layout opens and closes elements ([`Role`]) around what it draws, and
//! every piece of text becomes a marked-content sequence with an MCID owned
//! by the innermost element (a bare paragraph gets a `P` of its own).
//! Rectangles and rules are artifacts unless they are part of a `Figure`, so
//! reading order is drawing order, which is top to bottom on each page.

use std::collections::BTreeMap;

use printpdf::{
    Color, DictItem, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem, WindingOrder,
};

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
    pub const BELOW: Colour = Colour(0x9a, 0x5c, 0x00);
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

/// A standard structure type (ISO 32000-1, 14.8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Document,
    H1,
    H2,
    H3,
    P,
    L,
    LI,
    Lbl,
    LBody,
    Table,
    TR,
    TH,
    TD,
    Figure,
}

impl Role {
    /// The structure type's name, `/S`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Document => "Document",
            Role::H1 => "H1",
            Role::H2 => "H2",
            Role::H3 => "H3",
            Role::P => "P",
            Role::L => "L",
            Role::LI => "LI",
            Role::Lbl => "Lbl",
            Role::LBody => "LBody",
            Role::Table => "Table",
            Role::TR => "TR",
            Role::TH => "TH",
            Role::TD => "TD",
            Role::Figure => "Figure",
        }
    }

    /// Whether the element holds content itself, rather than other elements.
    fn holds_content(self) -> bool {
        matches!(
            self,
            Role::H1 | Role::H2 | Role::H3 | Role::P | Role::Lbl | Role::LBody | Role::TH | Role::TD | Role::Figure
        )
    }
}

/// What a structure element contains, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kid {
    /// Another element, by index.
    Element(usize),
    /// A marked-content sequence: the page (from 0) and its MCID there.
    Content { page: usize, mcid: u32 },
}

/// One structure element.
#[derive(Debug, Clone)]
pub struct Element {
    pub role: Role,
    /// The parent's index; the root (index 0) has none.
    pub parent: Option<usize>,
    pub kids: Vec<Kid>,
    /// Alternative text (figures).
    pub alt: Option<String>,
    /// `/Scope` of a header cell: `Column` or `Row`.
    pub scope: Option<&'static str>,
    /// `/ColSpan` of a cell spanning several columns.
    pub colspan: Option<u32>,
}

/// The structure tree: element 0 is the `Document`.
#[derive(Debug, Clone)]
pub struct Structure {
    pub elements: Vec<Element>,
    /// The number of MCIDs used on each page.
    pub mcids: Vec<u32>,
}

/// The graphics state a page's operations have set so far (the canvas never
/// saves or restores it), so an operation that would not change it is left
/// out: fewer operations to encode, smaller content streams.
#[derive(Debug, Clone, Default)]
struct PageState {
    fill: Option<Colour>,
    stroke: Option<(Colour, f32)>,
    /// Font resource and size (text state persists across text objects).
    font: Option<(printpdf::FontId, f32)>,
}

/// Pages of operations, filled top to bottom, and the structure of what they show.
pub struct Canvas {
    pub fonts: FontSet,
    pages: Vec<Vec<Op>>,
    states: Vec<PageState>,
    /// Distance of the cursor from the top of the current page.
    pub y: f32,
    structure: Structure,
    /// The open elements, innermost last; the root is always open.
    open: Vec<usize>,
    /// Inside [`Canvas::artifact`]: drawing is not part of the structure.
    artifact: usize,
}

impl Canvas {
    pub fn new(fonts: FontSet) -> Self {
        let root =
            Element { role: Role::Document, parent: None, kids: Vec::new(), alt: None, scope: None, colspan: None };
        Canvas {
            fonts,
            pages: vec![Vec::new()],
            states: vec![PageState::default()],
            y: MARGIN,
            structure: Structure { elements: vec![root], mcids: vec![0] },
            open: vec![0],
            artifact: 0,
        }
    }

    /// Open a structure element inside the innermost open one.
    pub fn open(&mut self, role: Role) {
        self.open_element(Element { role, parent: None, kids: Vec::new(), alt: None, scope: None, colspan: None });
    }

    /// Open a figure with its alternative text.
    pub fn open_figure(&mut self, alt: String) {
        let figure =
            Element { role: Role::Figure, parent: None, kids: Vec::new(), alt: Some(alt), scope: None, colspan: None };
        self.open_element(figure);
    }

    /// Open a header cell for the column (`Column`) or row (`Row`) it heads.
    pub fn open_header(&mut self, scope: &'static str, colspan: Option<u32>) {
        let cell = Element { role: Role::TH, parent: None, kids: Vec::new(), alt: None, scope: Some(scope), colspan };
        self.open_element(cell);
    }

    /// Open a data cell, spanning `colspan` columns when given.
    pub fn open_cell(&mut self, colspan: Option<u32>) {
        self.open_element(Element { role: Role::TD, parent: None, kids: Vec::new(), alt: None, scope: None, colspan });
    }

    fn open_element(&mut self, mut element: Element) {
        let parent = *self.open.last().expect("the root is always open");
        element.parent = Some(parent);
        let index = self.structure.elements.len();
        self.structure.elements.push(element);
        self.structure.elements[parent].kids.push(Kid::Element(index));
        self.open.push(index);
    }

    /// Close the innermost open element.
    pub fn close(&mut self) {
        if self.open.len() > 1 {
            self.open.pop();
        }
    }

    /// Draw `f` inside an element of `role`.
    pub fn tagged(&mut self, role: Role, f: impl FnOnce(&mut Canvas)) {
        self.open(role);
        f(self);
        self.close();
    }

    /// Draw `f` as an artifact (e.g. a table header repeated after a page break).
    pub fn artifact(&mut self, f: impl FnOnce(&mut Canvas)) {
        self.artifact += 1;
        f(self);
        self.artifact -= 1;
    }

    /// Begin a marked-content sequence on `page` for text (or, when not
    /// `text`, graphics); the matching [`Op::EndMarkedContent`] follows
    /// what is drawn.
    fn begin_mark(&mut self, page: usize, text: bool) {
        let innermost = *self.open.last().expect("the root is always open");
        let role = self.structure.elements[innermost].role;
        let owner = if self.artifact > 0 {
            None
        } else if role.holds_content() && (text || role == Role::Figure) {
            Some(innermost)
        } else if text {
            // Text outside any content element is a paragraph of its own.
            self.open(Role::P);
            self.close();
            Some(self.structure.elements.len() - 1)
        } else {
            None
        };
        let op = match owner {
            None => Op::BeginMarkedContent { tag: "Artifact".to_owned() },
            Some(owner) => {
                let mcid = self.structure.mcids[page];
                self.structure.mcids[page] += 1;
                self.structure.elements[owner].kids.push(Kid::Content { page, mcid });
                let properties =
                    DictItem::Dict { map: BTreeMap::from([("MCID".to_owned(), DictItem::Int(mcid.into()))]) };
                Op::BeginMarkedContentWithProperties {
                    tag: self.structure.elements[owner].role.name().to_owned(),
                    properties,
                }
            }
        };
        self.pages[page].push(op);
    }

    /// The bottom of the writable area.
    pub fn bottom(&self) -> f32 {
        PAGE_HEIGHT - MARGIN - FOOTER_SPACE
    }

    /// Start a new page and put the cursor at its top.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.states.push(PageState::default());
        self.structure.mcids.push(0);
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

    /// Set the fill colour on `page` unless it is set already.
    fn fill(&mut self, page: usize, colour: Colour) {
        if self.states[page].fill != Some(colour) {
            self.states[page].fill = Some(colour);
            self.pages[page].push(Op::SetFillColor { col: colour.pdf() });
        }
    }

    /// Draw one line of text with its baseline at `baseline` (from the top),
    /// on page `page`; text on an earlier page (footers) is an artifact.
    pub fn text_on(&mut self, page: usize, x: f32, baseline: f32, style: Style, text: &str) {
        if text.is_empty() {
            return;
        }
        self.begin_mark(page, true);
        self.fill(page, style.colour);
        let (ops, state) = (&mut self.pages[page], &mut self.states[page]);
        ops.push(Op::StartTextSection);
        ops.push(Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(PAGE_HEIGHT - baseline) } });
        for (id, run) in self.fonts.runs(style.face, text) {
            if state.font.as_ref().is_none_or(|(font, size)| font != id || *size != style.size) {
                state.font = Some((id.clone(), style.size));
                ops.push(Op::SetFont { font: PdfFontHandle::External(id.clone()), size: Pt(style.size) });
            }
            ops.push(Op::ShowText { items: vec![TextItem::Text(run.to_owned())] });
        }
        ops.push(Op::EndTextSection);
        ops.push(Op::EndMarkedContent);
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

    /// Draw text wrapped to `width` from the cursor, as one paragraph (or as
    /// content of the open element); moves the cursor below it.
    pub fn paragraph(&mut self, x: f32, width: f32, style: Style, text: &str) {
        let innermost = self.structure.elements[*self.open.last().expect("the root is always open")].role;
        if !innermost.holds_content() && self.artifact == 0 {
            self.open(Role::P);
            self.lines(x, width, style, text);
            self.close();
        } else {
            self.lines(x, width, style, text);
        }
    }

    fn lines(&mut self, x: f32, width: f32, style: Style, text: &str) {
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
        let page = self.pages.len() - 1;
        self.begin_mark(page, false);
        self.fill(page, colour);
        let ops = self.ops();
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
        ops.push(Op::EndMarkedContent);
    }

    /// A horizontal rule at `y`.
    pub fn rule(&mut self, x: f32, y: f32, width: f32, colour: Colour, thickness: f32) {
        let page = self.pages.len() - 1;
        self.begin_mark(page, false);
        if self.states[page].stroke != Some((colour, thickness)) {
            self.states[page].stroke = Some((colour, thickness));
            self.pages[page].push(Op::SetOutlineColor { col: colour.pdf() });
            self.pages[page].push(Op::SetOutlineThickness { pt: Pt(thickness) });
        }
        let ops = self.ops();
        let point = |x: f32| LinePoint { p: Point { x: Pt(x), y: Pt(PAGE_HEIGHT - y) }, bezier: false };
        ops.push(Op::DrawLine { line: Line { points: vec![point(x), point(x + width)], is_closed: false } });
        ops.push(Op::EndMarkedContent);
    }

    /// The pages' operations and the structure tree.
    pub fn into_parts(self) -> (Vec<Vec<Op>>, Structure) {
        (self.pages, self.structure)
    }
}
