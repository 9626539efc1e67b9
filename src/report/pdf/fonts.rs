//! The fonts reports embed: DejaVu Sans (regular and bold, free licence in
//! `assets/fonts/`), compiled in and parsed once per process, plus fallback
//! fonts for glyphs DejaVu lacks: the workspace's `[report] font` first,
//! then installed fonts found for the missing characters (see
//! `pipeline::report`). Text is measured here, so layout can wrap and align
//! it; [`FontSet::missing`] names what no font can draw, so nothing is ever
//! set as `.notdef`.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use allsorts::tables::cmap::Cmap;
use allsorts::tables::{FontTableProvider, HeadTable, HheaTable, HmtxTable, MaxpTable};
use allsorts::tag;
use printpdf::{FontId, ParsedFont};

const REGULAR_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

/// A font's character map and advances, read straight from its tables
/// (no outline is parsed), and what a PDF embeds of it.
pub struct Metrics {
    /// Stable resource name in the PDF (also the subset tag's source).
    pub id: FontId,
    bytes: Cow<'static, [u8]>,
    index: usize,
    units_per_em: f32,
    /// Advance in font units for code points below 0x600 (0 = missing).
    ascii: Vec<u16>,
    /// Every mapped code point (glyph 0 is "missing") with its glyph and
    /// advance, by code point.
    chars: Vec<(u32, Glyph)>,
    /// TrueType outlines (`glyf`): embedded from a reduced copy of the font.
    truetype: bool,
    /// The reduced copy: the glyphs of every character documents have used
    /// so far, grown as a document needs more (see [`Metrics::embeddable`]).
    reduced: Mutex<Option<(BTreeSet<char>, ParsedFont)>>,
    /// The whole font parsed, for outlines that are not reduced (CFF).
    whole: OnceLock<Option<ParsedFont>>,
}

impl Metrics {
    fn new(bytes: Cow<'static, [u8]>, index: usize, id: &str) -> Option<Metrics> {
        let (units_per_em, chars, truetype) = read_tables(&bytes, index).ok()?;
        let mut ascii = vec![0; 0x600];
        for &(cp, glyph) in chars.iter().take_while(|(cp, _)| *cp < 0x600) {
            ascii[cp as usize] = glyph.advance;
        }
        Some(Metrics {
            id: FontId(id.to_owned()),
            bytes,
            index,
            units_per_em,
            ascii,
            chars,
            truetype,
            reduced: Mutex::new(None),
            whole: OnceLock::new(),
        })
    }

    /// Whether the font has a glyph for `c`.
    pub fn has(&self, c: char) -> bool {
        let cp = c as u32;
        match self.ascii.get(cp as usize) {
            Some(&advance) if advance > 0 => true,
            _ => self.glyph(cp).is_some(),
        }
    }

    fn glyph(&self, cp: u32) -> Option<Glyph> {
        self.chars.binary_search_by_key(&cp, |&(c, _)| c).ok().map(|i| self.chars[i].1)
    }

    /// Width of `c` in points at `size`.
    pub fn char_width(&self, c: char, size: f32) -> f32 {
        let cp = c as u32;
        let units = match self.ascii.get(cp as usize) {
            Some(&advance) if advance > 0 => advance,
            _ => self.glyph(cp).map_or(0, |g| g.advance),
        };
        f32::from(units) * size / self.units_per_em
    }

    /// The font a document that sets `used` embeds (printpdf subsets it to
    /// the document's glyphs). A TrueType font is first reduced, once per
    /// process, to the glyphs of the characters documents use (glyph order
    /// kept, with every code point that maps to a kept glyph), so each
    /// document subsets a font of a few hundred glyphs instead of
    /// thousands; the subset a document embeds is the same either way, so
    /// its bytes do not depend on which documents came before (tested).
    /// Should reducing ever fail, the whole font is embedded (printpdf
    /// parses every fallback whole when it is added, [`fallback`], so that
    /// always works).
    pub fn embeddable(&self, used: &BTreeSet<char>) -> Option<ParsedFont> {
        if self.truetype
            && let Some(font) = self.reduced_for(used)
        {
            return Some(font);
        }
        self.whole().cloned()
    }

    fn reduced_for(&self, used: &BTreeSet<char>) -> Option<ParsedFont> {
        let used = used.iter().copied().filter(|&c| self.has(c));
        let mut reduced = self.reduced.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((chars, font)) = reduced.as_ref()
            && used.clone().all(|c| chars.contains(&c))
        {
            return Some(font.clone());
        }
        let mut chars = reduced.as_ref().map(|(chars, _)| chars.clone()).unwrap_or_default();
        chars.extend(used);
        let glyphs = chars.iter().filter_map(|&c| self.glyph(c as u32)).map(|g| g.id);
        let bytes = reduce(&self.bytes, self.index, glyphs).ok()?;
        let font = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())?;
        *reduced = Some((chars, font.clone()));
        Some(font)
    }

    /// The whole font as printpdf parses it (once).
    fn whole(&self) -> Option<&ParsedFont> {
        self.whole.get_or_init(|| ParsedFont::from_bytes(&self.bytes, self.index, &mut Vec::new())).as_ref()
    }
}

/// A character's glyph in a font.
#[derive(Clone, Copy)]
struct Glyph {
    id: u16,
    advance: u16,
}

/// A font face's units per em, mapped code points with their glyphs, and
/// whether its outlines are TrueType.
type Tables = (f32, Vec<(u32, Glyph)>, bool);

fn read_tables(bytes: &[u8], index: usize) -> Result<Tables, Box<dyn std::error::Error>> {
    let file = ReadScope::new(bytes).read::<FontData<'_>>()?;
    let provider = file.table_provider(index)?;
    let head = ReadScope::new(&provider.read_table_data(tag::HEAD)?).read::<HeadTable>()?;
    let maxp = ReadScope::new(&provider.read_table_data(tag::MAXP)?).read::<MaxpTable>()?;
    let hhea = ReadScope::new(&provider.read_table_data(tag::HHEA)?).read::<HheaTable>()?;
    let hmtx_data = provider.read_table_data(tag::HMTX)?;
    let hmtx = ReadScope::new(&hmtx_data)
        .read_dep::<HmtxTable<'_>>((usize::from(maxp.num_glyphs), usize::from(hhea.num_h_metrics)))?;
    let cmap_data = provider.read_table_data(tag::CMAP)?;
    let cmap = ReadScope::new(&cmap_data).read::<Cmap<'_>>()?;
    let (_, subtable) = allsorts::font::read_cmap_subtable(&cmap)?.ok_or("no Unicode character map")?;
    let mut chars = Vec::new();
    subtable.mappings_fn(|cp, gid| {
        if gid != 0 {
            chars.push((cp, Glyph { id: gid, advance: hmtx.horizontal_advance(gid).unwrap_or(0) }));
        }
    })?;
    chars.sort_unstable_by_key(|&(cp, _)| cp);
    chars.dedup_by_key(|&mut (cp, _)| cp);
    Ok((f32::from(head.units_per_em.max(1)), chars, provider.has_table(tag::GLYF)))
}

/// Face `index` of a TrueType font reduced to `glyphs` (and .notdef), in
/// their original order, keeping the tables printpdf reads.
fn reduce(
    bytes: &[u8],
    index: usize,
    glyphs: impl Iterator<Item = u16>,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let file = ReadScope::new(bytes).read::<FontData<'_>>()?;
    let provider = file.table_provider(index)?;
    let glyphs: Vec<u16> = std::iter::once(0).chain(glyphs).collect::<BTreeSet<u16>>().into_iter().collect();
    let profile = SubsetProfile::Custom(vec![
        tag::CMAP,
        tag::HEAD,
        tag::CVT,
        tag::FPGM,
        tag::HHEA,
        tag::HMTX,
        tag::MAXP,
        tag::NAME,
        tag::OS_2,
        tag::POST,
        tag::PREP,
    ]);
    Ok(allsorts::subset::subset(&provider, &glyphs, &profile, CmapTarget::Unicode)?)
}

/// The built-in faces, read once.
pub fn builtin(face: Face) -> &'static Metrics {
    static REGULAR: OnceLock<Metrics> = OnceLock::new();
    static BOLD: OnceLock<Metrics> = OnceLock::new();
    match face {
        Face::Regular => {
            REGULAR.get_or_init(|| Metrics::new(Cow::Borrowed(REGULAR_BYTES), 0, "VSREGU").expect("DejaVu Sans parses"))
        }
        Face::Bold => {
            BOLD.get_or_init(|| Metrics::new(Cow::Borrowed(BOLD_BYTES), 0, "VSBOLD").expect("DejaVu Sans Bold parses"))
        }
    }
}

/// Characters nearly every report sets: printable ASCII, Latin-1, Latin
/// Extended-A (Polish, Czech, Turkish... names) and the dashes, quotes,
/// signs and marks the layout itself prints.
fn common() -> impl Iterator<Item = char> {
    let ranges = [0x20..=0x7E, 0xA0..=0x17F, 0x2010..=0x2027, 0x2030..=0x203A, 0x2190..=0x2193];
    let signs = ['€', '−', '≤', '≥', '✓', '✗'];
    ranges.into_iter().flatten().filter_map(char::from_u32).chain(signs)
}

/// Reduce both built-in faces to the [`common`] characters (once per
/// process), so that documents find the reduced copies ready: a PDF run
/// does this on another thread while it loads the workspace
/// (`pipeline::prepare_in_background`). A document that sets a character
/// outside them grows the copy then, as without this; what a document
/// embeds is the same either way ([`Metrics::embeddable`]).
pub fn reduce_builtin() {
    for face in [Face::Regular, Face::Bold] {
        let metrics = builtin(face);
        if metrics.reduced.lock().map_or(true, |reduced| reduced.is_none()) {
            metrics.reduced_for(&common().collect());
        }
    }
}

/// A fallback font: face `index` of `bytes` (a `.ttc` holds several),
/// named `id` in the PDF (six capitals: it is also the subset tag).
/// Read once per process.
pub fn fallback(bytes: &[u8], index: usize, id: &str) -> Option<Arc<Metrics>> {
    type Cache = Mutex<HashMap<([u8; 32], usize, String), Arc<Metrics>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key: ([u8; 32], usize, String) = (<sha2::Sha256 as sha2::Digest>::digest(bytes).into(), index, id.to_owned());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().ok()?.get(&key) {
        return Some(found.clone());
    }
    let metrics = Arc::new(Metrics::new(Cow::Owned(bytes.to_vec()), index, id)?);
    // A font printpdf cannot parse is refused here, not found missing in a PDF.
    metrics.whole()?;
    cache.lock().ok()?.insert(key, metrics.clone());
    Some(metrics)
}

/// Characters that need no glyph: they are never drawn (the layout turns
/// them into line breaks and spaces).
fn invisible(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// Whether `c` is written right to left (Hebrew, Arabic, Syriac, Thaana,
/// N'Ko, Samaritan, Mandaic and their presentation forms, and the
/// right-to-left scripts outside the Basic Multilingual Plane). The layout
/// sets text left to right without shaping, so such text is refused.
pub fn right_to_left(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// The fonts one document uses.
#[derive(Clone, Default)]
pub struct FontSet {
    /// Tried in order for a character DejaVu lacks.
    pub fallbacks: Vec<Arc<Metrics>>,
}

impl FontSet {
    pub fn metrics(&self, face: Face) -> &Metrics {
        builtin(face)
    }

    /// The font that draws `c` in `face`: DejaVu, else the first fallback
    /// that has it (DejaVu again when none has: [`FontSet::missing`] keeps
    /// that from being rendered).
    pub fn font_for(&self, face: Face, c: char) -> &Metrics {
        let main = self.metrics(face);
        if invisible(c) || main.has(c) {
            return main;
        }
        self.fallbacks.iter().find(|f| f.has(c)).map_or(main, |f| f)
    }

    /// The characters of `text` that no font of the set can draw (in either
    /// face), each once, in order of code point.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = text
            .chars()
            .filter(|&c| !c.is_ascii() && !invisible(c))
            .filter(|&c| {
                let dejavu = builtin(Face::Regular).has(c) && builtin(Face::Bold).has(c);
                !dejavu && !self.fallbacks.iter().any(|f| f.has(c))
            })
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }

    /// Split text into runs set in one font each: (the font's id, text).
    pub fn runs<'t>(&self, face: Face, text: &'t str) -> Vec<(&FontId, &'t str)> {
        let mut runs: Vec<(&FontId, &str)> = Vec::new();
        let mut start = 0;
        let mut current: Option<&FontId> = None;
        for (i, c) in text.char_indices() {
            let id = &self.font_for(face, c).id;
            match current {
                Some(f) if f == id => {}
                Some(f) => {
                    runs.push((f, &text[start..i]));
                    start = i;
                    current = Some(id);
                }
                None => current = Some(id),
            }
        }
        if let Some(f) = current {
            runs.push((f, &text[start..]));
        }
        runs
    }

    /// Width of `text` in points.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        text.chars().map(|c| self.font_for(face, c).char_width(c, size)).sum()
    }

    /// Break `text` into lines no wider than `width`: at spaces, and within
    /// a word only after a hyphen or a slash (`email-first-` / `response`),
    /// never between digits (`2026-12-01` stays whole).
    /// Only a run without either that is wider than a whole line (a digest)
    /// is cut between characters.
    pub fn wrap(&self, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
        let fits = |s: &str| self.width(face, size, s) <= width;
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                for (i, piece) in word_pieces(word).into_iter().enumerate() {
                    let joined = match (line.is_empty(), i) {
                        (true, _) => piece.to_owned(),
                        (false, 0) => format!("{line} {piece}"),
                        (false, _) => format!("{line}{piece}"),
                    };
                    if fits(&joined) {
                        line = joined;
                        continue;
                    }
                    if !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                    }
                    for c in piece.chars() {
                        line.push(c);
                        if !fits(&line) && line.chars().count() > 1 {
                            line.pop();
                            lines.push(std::mem::take(&mut line));
                            line.push(c);
                        }
                    }
                }
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

/// A word cut after each hyphen or slash that does not stand between two digits.
fn word_pieces(word: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    for (k, &(at, c)) in chars.iter().enumerate() {
        let between_digits = k > 0
            && chars[k - 1].1.is_ascii_digit()
            && chars.get(k + 1).is_some_and(|&(_, next)| next.is_ascii_digit());
        if matches!(c, '-' | '/') && !between_digits {
            pieces.push(&word[start..at + 1]);
            start = at + 1;
        }
    }
    if start < word.len() {
        pieces.push(&word[start..]);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn dejavu_covers_the_names_we_print_and_measures_them() {
        let fonts = FontSet::default();
        // Polish, German, Danish, Cyrillic and Greek need no other font.
        for c in "Łódź Zażółć gęślą jaźń Müller Ærø Søndergård € ≤ ñ ß Ω Баянихан Ελληνική".chars()
        {
            assert!(builtin(Face::Regular).has(c) && builtin(Face::Bold).has(c), "{c}");
        }
        assert_eq!(fonts.missing("Баянихан Ελληνική Łódź"), []);
        assert_eq!(fonts.missing("北风 a 北"), ['北', '风']);
        assert!(!builtin(Face::Regular).has('漢'));
        assert!(right_to_left('ש') && right_to_left('ع') && !right_to_left('Ł') && !right_to_left('北'));
        let narrow = fonts.width(Face::Regular, 10.0, "iiii");
        let wide = fonts.width(Face::Regular, 10.0, "WWWW");
        assert!(narrow > 0.0 && wide > 2.0 * narrow);
        assert!(fonts.width(Face::Bold, 10.0, "Score") > fonts.width(Face::Regular, 10.0, "Score"));
    }

    #[test]
    fn metrics_read_from_the_tables_agree_with_printpdfs_parse() {
        // azul-layout (printpdf's parser) reads the same font independently.
        for (face, bytes) in [(Face::Regular, REGULAR_BYTES), (Face::Bold, BOLD_BYTES)] {
            let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).unwrap();
            let upem = f32::from(parsed.font_metrics.units_per_em);
            for c in "AWiz09 Łódź Ærø € ≤ Ω Ω Баянихан Ελληνική ﬁ \u{a0}\u{2003}漢".chars()
            {
                let gid = parsed.lookup_glyph_index(c as u32).filter(|&g| g != 0);
                assert_eq!(builtin(face).has(c), gid.is_some(), "{c:?}");
                let width = gid.map_or(0.0, |g| f32::from(parsed.get_horizontal_advance(g)) * 10.0 / upem);
                assert_eq!(builtin(face).char_width(c, 10.0), width, "{c:?}");
            }
        }
    }

    #[test]
    fn a_document_embeds_the_same_subset_whatever_the_reduced_font_holds() {
        // Composites (ż, é are built from other glyphs), a character sharing
        // another's glyph (no-break space), and the ohm sign next to omega.
        let document = "Zażółć gęślą jaźń Müller é\u{a0}Ω Ω 2026";
        let subset = |font: &ParsedFont| {
            let glyphs: BTreeMap<u16, String> =
                document.chars().filter_map(|c| Some((font.lookup_glyph_index(c as u32)?, c.to_string()))).collect();
            let subset = printpdf::subset_font(font, &glyphs).unwrap();
            (subset.bytes, subset.glyph_mapping.into_values().collect::<Vec<_>>())
        };
        let whole = subset(&ParsedFont::from_bytes(REGULAR_BYTES, 0, &mut Vec::new()).unwrap());
        for more in ["", "ABC xyz ÆØÅ Ελληνική Баянихан € ≤ ﬁ"] {
            let chars: BTreeSet<char> = document.chars().chain(more.chars()).collect();
            let regular = builtin(Face::Regular);
            let bytes =
                reduce(REGULAR_BYTES, 0, chars.iter().filter_map(|&c| regular.glyph(c as u32)).map(|g| g.id)).unwrap();
            let reduced = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()).unwrap();
            assert!(bytes.len() < REGULAR_BYTES.len() / 10, "{} bytes", bytes.len());
            assert!(subset(&reduced) == whole, "the subset differs when the reduced font also holds {more:?}");
        }
    }

    #[test]
    fn wrapping_and_ellipsis_keep_text_inside_its_width() {
        let fonts = FontSet::default();
        let text =
            "Northwind CX Sp. z o.o. delivers Shopify Plus stores with a supercalifragilisticexpialidocious word";
        let lines = fonts.wrap(Face::Regular, 9.0, text, 80.0);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| fonts.width(Face::Regular, 9.0, l) <= 80.0), "{lines:?}");
        assert_eq!(lines.join(" ").replace(' ', ""), text.replace(' ', ""));
        // Rule ids break after their hyphens, never inside a part.
        let id = "email-first-response-attainment";
        let lines = fonts.wrap(Face::Regular, 7.5, id, 60.0);
        assert_eq!(lines.concat(), id);
        assert!(lines.len() > 1 && lines[..lines.len() - 1].iter().all(|l| l.ends_with('-')), "{lines:?}");
        assert_eq!(
            fonts.wrap(Face::Regular, 7.5, "evidence/soc2/report-2026.pdf", 50.0).concat(),
            "evidence/soc2/report-2026.pdf"
        );
        let cut = fonts.ellipsize(Face::Regular, 9.0, text, 60.0);
        assert!(cut.ends_with('…') && fonts.width(Face::Regular, 9.0, &cut) <= 60.0, "{cut}");
        assert_eq!(fonts.ellipsize(Face::Regular, 9.0, "short", 60.0), "short");
    }

    #[test]
    fn words_break_after_hyphens_and_slashes_but_not_inside_numbers() {
        assert_eq!(word_pieces("email-first-response"), ["email-", "first-", "response"]);
        assert_eq!(word_pieces("2026-12-01"), ["2026-12-01"]);
        assert_eq!(word_pieces("a/b-"), ["a/", "b-"]);
        assert_eq!(word_pieces("v1-2/x"), ["v1-2/", "x"]);
    }
}
