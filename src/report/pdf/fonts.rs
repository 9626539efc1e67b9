//! The fonts reports embed: DejaVu Sans (regular and bold, free licence in
//! `assets/fonts/`), compiled in and parsed once per process, plus an
//! optional fallback font (`[report] font`) for glyphs DejaVu lacks.
//! Text is measured here, so layout can wrap and align it.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use printpdf::{FontId, ParsedFont};

const REGULAR_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

/// A parsed font with fast advance lookups.
pub struct Metrics {
    pub parsed: ParsedFont,
    /// Stable resource name in the PDF (also the subset tag's source).
    pub id: FontId,
    units_per_em: f32,
    /// Advance in font units for code points below 0x600 (0 = missing).
    ascii: Vec<u16>,
}

impl Metrics {
    fn new(bytes: &[u8], id: &str) -> Option<Metrics> {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em.max(1));
        let ascii = (0..0x600u32)
            .map(|cp| parsed.lookup_glyph_index(cp).map_or(0, |gid| parsed.get_horizontal_advance(gid)))
            .collect();
        Some(Metrics { parsed, id: FontId(id.to_owned()), units_per_em, ascii })
    }

    /// Whether the font has a glyph for `c`.
    pub fn has(&self, c: char) -> bool {
        let cp = c as u32;
        match self.ascii.get(cp as usize) {
            Some(&advance) if advance > 0 => true,
            _ => self.parsed.lookup_glyph_index(cp).is_some(),
        }
    }

    /// Width of `c` in points at `size`.
    pub fn char_width(&self, c: char, size: f32) -> f32 {
        let cp = c as u32;
        let units = match self.ascii.get(cp as usize) {
            Some(&advance) if advance > 0 => advance,
            _ => self.parsed.lookup_glyph_index(cp).map_or(0, |gid| self.parsed.get_horizontal_advance(gid)),
        };
        f32::from(units) * size / self.units_per_em
    }
}

/// The built-in faces, parsed once.
pub fn builtin(face: Face) -> &'static Metrics {
    static REGULAR: OnceLock<Metrics> = OnceLock::new();
    static BOLD: OnceLock<Metrics> = OnceLock::new();
    match face {
        Face::Regular => REGULAR.get_or_init(|| Metrics::new(REGULAR_BYTES, "VSREGU").expect("DejaVu Sans parses")),
        Face::Bold => BOLD.get_or_init(|| Metrics::new(BOLD_BYTES, "VSBOLD").expect("DejaVu Sans Bold parses")),
    }
}

/// A fallback font loaded from the workspace (`[report] font`).
pub fn fallback(bytes: &[u8]) -> Option<Arc<Metrics>> {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<[u8; 32], Arc<Metrics>>>> = OnceLock::new();
    let key: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(bytes).into();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().ok()?.get(&key) {
        return Some(found.clone());
    }
    let metrics = Arc::new(Metrics::new(bytes, "VSFALL")?);
    cache.lock().ok()?.insert(key, metrics.clone());
    Some(metrics)
}

/// The fonts one document uses.
#[derive(Clone)]
pub struct FontSet {
    pub fallback: Option<Arc<Metrics>>,
}

impl FontSet {
    pub fn metrics(&self, face: Face) -> &Metrics {
        builtin(face)
    }

    /// Split text into runs: (use the fallback font, text).
    pub fn runs<'t>(&self, face: Face, text: &'t str) -> Vec<(bool, &'t str)> {
        let main = self.metrics(face);
        let Some(fallback) = &self.fallback else { return vec![(false, text)] };
        let mut runs: Vec<(bool, &str)> = Vec::new();
        let mut start = 0;
        let mut current: Option<bool> = None;
        for (i, c) in text.char_indices() {
            let use_fallback = !main.has(c) && fallback.has(c);
            match current {
                Some(f) if f == use_fallback => {}
                Some(f) => {
                    runs.push((f, &text[start..i]));
                    start = i;
                    current = Some(use_fallback);
                }
                None => current = Some(use_fallback),
            }
        }
        if let Some(f) = current {
            runs.push((f, &text[start..]));
        }
        runs
    }

    /// Width of `text` in points.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let main = self.metrics(face);
        text.chars()
            .map(|c| match &self.fallback {
                Some(fallback) if !main.has(c) && fallback.has(c) => fallback.char_width(c, size),
                _ => main.char_width(c, size),
            })
            .sum()
    }

    /// Break `text` into lines no wider than `width` (words longer than a line are cut).
    pub fn wrap(&self, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
                if self.width(face, size, &candidate) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word wider than the line is cut into pieces that fit.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(face, size, &piece) > width && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line = piece;
            }
            lines.push(line);
        }
        lines
    }

    /// `text` cut to fit `width`, ending with "…" when cut.
    pub fn ellipsize(&self, face: Face, size: f32, text: &str, width: f32) -> String {
        if self.width(face, size, text) <= width {
            return text.to_owned();
        }
        let mut out = String::new();
        for c in text.chars() {
            out.push(c);
            if self.width(face, size, &out) + self.width(face, size, "…") > width {
                out.pop();
                break;
            }
        }
        format!("{}…", out.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dejavu_covers_the_names_we_print_and_measures_them() {
        let fonts = FontSet { fallback: None };
        for c in "Łódź Müller Ærø € ≤ ñ ß Ω".chars() {
            assert!(builtin(Face::Regular).has(c), "{c}");
        }
        assert!(!builtin(Face::Regular).has('漢'));
        let narrow = fonts.width(Face::Regular, 10.0, "iiii");
        let wide = fonts.width(Face::Regular, 10.0, "WWWW");
        assert!(narrow > 0.0 && wide > 2.0 * narrow);
        assert!(fonts.width(Face::Bold, 10.0, "Score") > fonts.width(Face::Regular, 10.0, "Score"));
    }

    #[test]
    fn wrapping_and_ellipsis_keep_text_inside_its_width() {
        let fonts = FontSet { fallback: None };
        let text =
            "Northwind CX Sp. z o.o. delivers Shopify Plus stores with a supercalifragilisticexpialidocious word";
        let lines = fonts.wrap(Face::Regular, 9.0, text, 80.0);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| fonts.width(Face::Regular, 9.0, l) <= 80.0), "{lines:?}");
        assert_eq!(lines.join(" ").replace(' ', ""), text.replace(' ', ""));
        let cut = fonts.ellipsize(Face::Regular, 9.0, text, 60.0);
        assert!(cut.ends_with('…') && fonts.width(Face::Regular, 9.0, &cut) <= 60.0, "{cut}");
        assert_eq!(fonts.ellipsize(Face::Regular, 9.0, "short", 60.0), "short");
    }
}
