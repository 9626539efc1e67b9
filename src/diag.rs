//! Diagnostics as plain data: what is wrong, where, and what to do.
//!
//! A [`Diagnostic`] is built where a problem is found and rendered once, at
//! the edge (the CLI), as human text, JSON, GitHub annotations or SARIF.
//! Nothing here prints or formats for a terminal.

use std::ops::Range;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $summary:literal;)*) => {
        /// Every diagnostic vendorscore can report. The string form (`VS0104`)
        /// is stable; `docs/diagnostics.md` documents each one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable code string, e.g. `VS0104`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity a diagnostic of this code has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// A one-line description of the problem.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    // Files and TOML.
    Unreadable = "VS0001", Error, "file cannot be read or is not UTF-8 text";
    Syntax = "VS0002", Error, "TOML syntax error";
    UnknownFileKind = "VS0003", Warning, "TOML file is not a vendorscore file (first table not recognised)";
    UnknownKey = "VS0004", Error, "unknown key";
    WrongType = "VS0005", Error, "value has the wrong type";
    MissingKey = "VS0006", Error, "required key is missing";
    NotAllowed = "VS0007", Error, "value is not one of the allowed values";
    OutOfRange = "VS0008", Error, "number is out of range";
    InvalidId = "VS0009", Error, "identifier has an invalid form";
    DuplicateId = "VS0010", Error, "identifier is used twice";
    InvalidVersion = "VS0011", Error, "version is not semantic (MAJOR.MINOR.PATCH)";
    InvalidCountry = "VS0012", Error, "not an ISO 3166-1 alpha-2 country code";
    InvalidDuration = "VS0013", Error, "not a duration such as 60s, 15m, 4h or 2d";
    IdMismatch = "VS0014", Warning, "id does not match the file or folder name";
    // Rubrics.
    NoCategories = "VS0101", Error, "rubric has no categories";
    EmptyCategory = "VS0102", Error, "category has no criteria";
    KeyNotForKind = "VS0103", Error, "key does not apply to this criterion kind";
    NonPositiveWeight = "VS0104", Error, "weight must be greater than 0";
    BadLevels = "VS0105", Error, "scale levels are invalid";
    BadNumberScoring = "VS0106", Error, "number criterion needs either worst and best, or bands";
    BadBands = "VS0107", Error, "bands are invalid";
    BadOptions = "VS0108", Error, "set options are invalid";
    BadGate = "VS0109", Error, "gate does not fit the criterion";
    BadSource = "VS0110", Error, "criterion source does not fit its kind";
    BadMeasure = "VS0111", Error, "measured criterion is incomplete or inconsistent";
    TooManyPrices = "VS0112", Error, "rubric has more than one price criterion";
    // Vendors and evaluations.
    UnknownCategory = "VS0201", Error, "answer names a category the rubric does not have";
    UnknownCriterion = "VS0202", Error, "answer names a criterion the rubric does not have";
    AnswerType = "VS0203", Error, "answer does not fit the criterion's kind";
    UnknownLevel = "VS0204", Error, "answer is not a level of the scale";
    UnknownOption = "VS0205", Error, "answer is not an option of the set";
    NotVendorAnswerable = "VS0206", Error, "vendor answers a panel or measured criterion";
    EvidenceNotFound = "VS0207", Error, "cited evidence file does not exist";
    EvidenceEscapes = "VS0208", Error, "cited evidence path leaves the vendor's folder";
    EvidenceNotCited = "VS0209", Warning, "criterion requires evidence but the answer cites none";
    DuplicateVendor = "VS0210", Error, "two vendors have the same id";
    NotPanelCriterion = "VS0211", Error, "evaluation scores a criterion that is not a panel criterion";
    NotInVendorFolder = "VS0212", Warning, "file is not where the workspace layout expects it";
    NotAVendorFolder = "VS0213", Error, "folder under vendors/ holds no vendor.toml";
    // Contracts.
    UnknownContractVendor = "VS0301", Error, "contract names a vendor that does not exist";
    InvalidCurrency = "VS0302", Error, "not an ISO 4217 currency code";
    BadSlaClause = "VS0303", Error, "SLA clause is inconsistent";
    InconsistentContract = "VS0304", Warning, "contract terms contradict each other";
    // Policies.
    ExpressionSyntax = "VS0401", Error, "rule expression does not compile";
    UnknownPath = "VS0402", Error, "rule expression reads a field the contract schema does not have";
    ExpressionFails = "VS0403", Error, "rule expression fails when evaluated";
    // Workspace and templates.
    MissingReference = "VS0501", Error, "referenced file does not exist";
    TemplateSyntax = "VS0502", Error, "template does not compile";
    OutsideWorkspace = "VS0503", Error, "reference leaves the workspace";
    // Tiering.
    BadPeriod = "VS0601", Error, "not an ISO 8601 period such as P12M, P1Y or P90D";
    BadTiers = "VS0602", Error, "tiers are invalid: none, a tier without a rule before the last, or a rule on the last";
    TierOverride = "VS0603", Error, "tier set by hand without a tier_note, or naming a tier the tiering file lacks";
    // Questionnaires (SPEC section 10).
    QuestionnaireMismatch = "VS0701", Error, "questionnaire was made for another rubric or format";
    QuestionnaireLayout = "VS0702", Error, "questionnaire sheet or header is missing or unreadable";
    NoCachedValue = "VS0703", Error, "formula cell has no cached value";
    QuestionEdited = "VS0704", Warning, "question text was edited since the questionnaire was made";
    // Ticket exports and business-hours calendars (SPEC section 11).
    UnknownTimeZone = "VS0801", Error, "not an IANA time zone";
    BadInterval = "VS0802", Error, "not a business-hours interval such as 08:00-18:00";
    OverlappingIntervals = "VS0803", Error, "business-hours intervals of one day overlap";
    UnknownCalendar = "VS0804", Error, "business clock names no calendar the contract or workspace defines";
    BadCalendar = "VS0805", Error, "business-hours calendar or clock is inconsistent";
    DurationClock = "VS0806", Error, "duration column counted on one clock, clause measured on the other";
    BadTicketMapping = "VS0807", Error, "[tickets] durations, channels or csat labels are inconsistent";
    UnknownPreset = "VS0808", Error, "[tickets] preset names no helpdesk preset";
    // SLA regimes (SPEC section 12).
    BadAbandons = "VS0901", Error, "abandons or short_abandon on a clause they do not apply to";
    BadCredit = "VS0902", Error, "service credit model is incomplete or inconsistent";
    BadThreshold = "VS0903", Error, "minimum, earn-back or chronic threshold contradicts the clause";
    BadExclusion = "VS0904", Error, "exclusion window is empty or ends before it starts";
    BadForecast = "VS0905", Error, "forecast or volume tolerance does not fit the clauses";
    // Signed decisions and procurement records (SPEC section 15).
    ModerationCriterion = "VS1001", Error, "moderation names a criterion that is not a panel criterion of the rubric";
    ModeratedOutOfScale = "VS1002", Error, "moderated value is outside the criterion's scale";
    ModeratedTwice = "VS1003", Error, "criterion is moderated more than once";
    ModerationPanel = "VS1004", Error, "moderation panel names someone with no evaluation of this vendor";
    UndeclaredEvaluator = "VS1005", Error, "evaluator has no declaration of interests";
    LateDeclaration = "VS1006", Error, "declaration of interests is dated after the evaluation, or the evaluation has no date";
    ConflictOfInterest = "VS1007", Error, "evaluator declared an interest in the vendor evaluated";
    // Reports (SPEC section 9).
    NoGlyph = "VS1101", Error, "no font has a glyph for a character a PDF report prints";
    RightToLeft = "VS1102", Error, "right-to-left text cannot be set in a PDF report";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The span of a value that stands in for a missing one (see
/// `validate::schema`): problems found in it follow from the missing key,
/// which is already reported, so they are dropped.
pub const PLACEHOLDER: Range<usize> = usize::MAX / 2..usize::MAX / 2;

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Workspace-relative path of the file the problem is in.
    pub file: String,
    /// Byte range in that file; `None` when the problem is the file as a whole.
    pub span: Option<Range<usize>>,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// For a problem in a spreadsheet: the sheet and cell (there is no text span).
    pub cell: Option<CellRef>,
}

/// A cell of a spreadsheet: sheet name, 1-based row and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CellRef {
    pub sheet: String,
    pub row: u32,
    pub column: u32,
}

impl CellRef {
    /// The A1-style address, e.g. `F17`.
    pub fn a1(&self) -> String {
        let mut letters = Vec::new();
        let mut n = self.column;
        while n > 0 {
            let rem = (n - 1) % 26;
            letters.push(b'A' + rem as u8);
            n = (n - 1) / 26;
        }
        letters.reverse();
        format!("{}{}", String::from_utf8_lossy(&letters), self.row)
    }
}

impl std::fmt::Display for CellRef {
    /// `Questionnaire!F17`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}!{}", self.sheet, self.a1())
    }
}

impl Diagnostic {
    /// A diagnostic with the code's own severity.
    pub fn new(code: Code, file: impl Into<String>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            file: file.into(),
            span,
            message: message.into(),
            help: None,
            cell: None,
        }
    }

    /// Add a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Locate the problem at a spreadsheet cell.
    pub fn at_cell(mut self, cell: CellRef) -> Self {
        self.cell = Some(cell);
        self
    }

    /// Add a help line to a diagnostic already recorded.
    pub fn add_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
}

/// Diagnostics collected while reading one or more files.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Record a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Record a diagnostic for `file` at `span`.
    pub fn report(
        &mut self,
        code: Code,
        file: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.items.push(Diagnostic::new(code, file, span, message));
        self.items.last_mut().expect("just pushed")
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many diagnostics of a severity were recorded.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Move all of `other`'s diagnostics into this set.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Sort by file, then position, then code, so output is stable; drop
    /// follow-on problems of placeholders.
    pub fn sort(&mut self) {
        self.items.retain(|d| d.span.as_ref().is_none_or(|s| s.start != PLACEHOLDER.start));
        self.items.sort_by(|a, b| {
            let start = |d: &Diagnostic| d.span.as_ref().map_or(0, |s| s.start);
            (a.file.as_str(), &a.cell, start(a), a.code).cmp(&(b.file.as_str(), &b.cell, start(b), b.code))
        });
        self.items.dedup();
    }

    /// Report problems of `code` as warnings: a command that can go on
    /// despite them (scoring treats missing evidence as unevidenced).
    pub fn downgrade(&mut self, code: Code) {
        for d in self.items.iter_mut().filter(|d| d.code == code) {
            d.severity = Severity::Warning;
        }
    }

    /// Make every warning an error (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(s.len() == 6 && s.starts_with("VS") && s[2..].chars().all(|c| c.is_ascii_digit()), "{s}");
            assert!(seen.insert(s), "duplicate {s}");
            assert!(!code.summary().is_empty());
        }
    }

    #[test]
    fn cells_are_addressed_like_spreadsheets() {
        let cell = |column| CellRef { sheet: "Questionnaire".into(), row: 17, column };
        assert_eq!(cell(6).to_string(), "Questionnaire!F17");
        assert_eq!(cell(26).a1(), "Z17");
        assert_eq!(cell(27).a1(), "AA17");
        assert_eq!(cell(703).a1(), "AAA17");
    }

    #[test]
    fn near_misses_are_suggested_and_far_ones_are_not() {
        let keys = ["weight", "name", "kind"];
        assert_eq!(did_you_mean("wieght", keys), Some("weight"));
        assert_eq!(did_you_mean("colour", keys), None);
    }

    #[test]
    fn deny_warnings_turns_warnings_into_errors() {
        let mut d = Diagnostics::default();
        d.report(Code::UnknownFileKind, "x.toml", None, "not ours");
        assert!(!d.has_errors());
        d.deny_warnings();
        assert!(d.has_errors());
    }
}
