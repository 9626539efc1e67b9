//! Rubric semantics (SPEC section 2): ids, weights, levels, bands, options,
//! gates and sources. Builds the trusted [`Rubric`] when nothing is wrong.

use std::collections::HashSet;
use std::ops::Range;

use crate::diag::{Code, Diagnostics};
use crate::model::{
    AnswerSource, BandDef, Category, CategoryDef, Criterion, CriterionDef, CriterionKind, Duration, EvidenceRule, Gate,
    GateDef, Level, Measure, NumberScoring, Rubric, RubricFile, Scoring, SetOption, Spanned, Stat, is_ident, is_semver,
    is_slug,
};

/// Check a parsed rubric; the trusted rubric when it has no errors.
/// `complete` is false when the schema check removed invalid parts, so
/// emptiness is not reported again.
pub fn check(
    file: &RubricFile,
    path: &str,
    sha256: &str,
    complete: bool,
    diagnostics: &mut Diagnostics,
) -> Option<Rubric> {
    let before = diagnostics.count(crate::diag::Severity::Error);
    let mut c = Checker { path, diagnostics, complete };
    let head = &file.rubric;
    if !is_slug(&head.id) {
        c.report(
            Code::InvalidId,
            &head.id.span,
            format!("rubric id `{}` is not of the form [a-z0-9][a-z0-9-]*", *head.id),
        )
        .add_help("use lowercase letters, digits and hyphens, e.g. `ecommerce-outsourcing`");
    }
    if !is_semver(&head.version) {
        c.report(
            Code::InvalidVersion,
            &head.version.span,
            format!("version `{}` is not MAJOR.MINOR.PATCH", *head.version),
        )
        .add_help("e.g. `1.0.0`; raise it whenever the rubric changes");
    }
    if let Some(mark) = &head.pass_mark
        && !(0.0..=100.0).contains(&mark.value)
    {
        c.report(Code::OutOfRange, &mark.span, format!("pass_mark {} is outside 0..=100", mark.value));
    }
    let max_spread = head.panel.as_ref().and_then(|p| p.max_spread.as_ref());
    if let Some(spread) = max_spread
        && spread.value <= 0.0
    {
        c.report(Code::OutOfRange, &spread.span, "max_spread must be greater than 0".to_owned());
    }
    if file.category.is_empty() && complete {
        c.report(Code::NoCategories, &head.id.span, "the rubric has no categories".to_owned())
            .add_help("add at least one [[category]] with [[category.criterion]] entries");
    }

    let mut category_ids = HashSet::new();
    let mut prices = Vec::new();
    let mut categories = Vec::new();
    for category in &file.category {
        categories.push(c.category(category, &mut category_ids, &mut prices));
    }
    c.weight_sum(file.category.iter().map(|k| &k.weight), "category");
    for extra in prices.iter().skip(1) {
        c.report(Code::TooManyPrices, extra, "a rubric may have only one price criterion".to_owned()).add_help(
            "price is scored relative to the cohort; keep one total price and express other costs as numbers",
        );
    }

    if diagnostics.count(crate::diag::Severity::Error) > before {
        return None;
    }
    Some(Rubric {
        id: head.id.value.clone(),
        name: head.name.value.clone(),
        version: head.version.value.clone(),
        description: head.description.clone(),
        pass_mark: head.pass_mark.as_ref().map(|m| m.value),
        missing: head.missing,
        aggregate: head.panel.as_ref().map(|p| p.aggregate).unwrap_or_default(),
        max_spread: max_spread.map(|s| s.value),
        require_declarations: head.panel.as_ref().is_some_and(|p| p.require_declarations),
        categories: categories.into_iter().collect::<Option<Vec<_>>>()?,
        origin: path.to_owned(),
        sha256: sha256.to_owned(),
    })
}

struct Checker<'a> {
    path: &'a str,
    diagnostics: &'a mut Diagnostics,
    complete: bool,
}

impl Checker<'_> {
    fn report(&mut self, code: Code, span: &Range<usize>, message: String) -> &mut crate::diag::Diagnostic {
        self.diagnostics.report(code, self.path, Some(span.clone()), message)
    }

    fn weight(&mut self, weight: &Spanned<f64>, what: &str) {
        if weight.value <= 0.0 {
            self.report(Code::NonPositiveWeight, &weight.span, format!("{what} weight must be greater than 0"))
                .add_help("weights are relative; to drop an item, delete it");
        }
    }

    /// Report the first of `weights` at which their sum stops being a finite
    /// number (effective weights would all become 0), if any.
    fn weight_sum<'w>(&mut self, weights: impl IntoIterator<Item = &'w Spanned<f64>>, what: &str) {
        let mut sum = 0.0f64;
        for weight in weights {
            if !weight.value.is_finite() {
                return;
            }
            sum += weight.value;
            if !sum.is_finite() {
                self.report(
                    Code::OutOfRange,
                    &weight.span,
                    format!("the {what} weights add up to more than the largest number ({:e})", f64::MAX),
                )
                .add_help("weights are relative: 1, 2 and 3 weigh the same as 100, 200 and 300");
                return;
            }
        }
    }

    fn category(
        &mut self,
        def: &CategoryDef,
        seen: &mut HashSet<String>,
        prices: &mut Vec<Range<usize>>,
    ) -> Option<Category> {
        if !is_ident(&def.id) {
            self.report(
                Code::InvalidId,
                &def.id.span,
                format!("category id `{}` is not of the form [a-z][a-z0-9_]*", *def.id),
            );
        } else if !seen.insert(def.id.value.clone()) {
            self.report(Code::DuplicateId, &def.id.span, format!("category id `{}` is used twice", *def.id));
        }
        self.weight(&def.weight, "category");
        if def.criterion.is_empty() && self.complete {
            self.report(Code::EmptyCategory, &def.id.span, format!("category `{}` has no criteria", *def.id))
                .add_help("add [[category.criterion]] entries after this [[category]], or remove it");
        }
        self.weight_sum(def.criterion.iter().map(|k| &k.weight), &format!("`{}` criterion", *def.id));
        let mut ids = HashSet::new();
        let criteria: Vec<Option<Criterion>> =
            def.criterion.iter().map(|k| self.criterion(&def.id, k, &mut ids, prices)).collect();
        Some(Category {
            id: def.id.value.clone(),
            name: def.name.value.clone(),
            weight: def.weight.value,
            criteria: criteria.into_iter().collect::<Option<Vec<_>>>()?,
        })
    }

    fn criterion(
        &mut self,
        category: &str,
        def: &CriterionDef,
        seen: &mut HashSet<String>,
        prices: &mut Vec<Range<usize>>,
    ) -> Option<Criterion> {
        let full_id = format!("{category}.{}", *def.id);
        if !is_ident(&def.id) {
            self.report(
                Code::InvalidId,
                &def.id.span,
                format!("criterion id `{}` is not of the form [a-z][a-z0-9_]*", *def.id),
            );
        } else if !seen.insert(def.id.value.clone()) {
            self.report(Code::DuplicateId, &def.id.span, format!("criterion id `{full_id}` is used twice"));
        }
        self.weight(&def.weight, "criterion");
        let kind = def.kind.value;
        self.keys_for_kind(def, kind);
        let source = def.source.as_ref().map_or(AnswerSource::Vendor, |s| s.value);
        let scoring = match kind {
            CriterionKind::Scale => self.levels(def).map(|levels| Scoring::Scale { levels }),
            CriterionKind::Boolean => Some(Scoring::Boolean),
            CriterionKind::Number => self.number(def).map(Scoring::Number),
            CriterionKind::Set => self.options(def),
            CriterionKind::Price => {
                prices.push(def.id.span.clone());
                let pct = def.abnormally_low_pct.as_ref();
                if let Some(pct) = pct
                    && !(pct.value > 0.0 && pct.value < 100.0)
                {
                    self.report(Code::OutOfRange, &pct.span, "abnormally_low_pct must be between 0 and 100".to_owned());
                }
                Some(Scoring::Price { abnormally_low_pct: pct.map_or(30.0, |p| p.value) })
            }
        };
        let gate = def.gate.as_ref().and_then(|g| self.gate(g, scoring.as_ref()?));
        let measure = self.source(def, source, kind);
        Some(Criterion {
            id: def.id.value.clone(),
            full_id,
            name: def.name.value.clone(),
            weight: def.weight.value,
            source,
            evidence: def.evidence.as_ref().map_or(EvidenceRule::None, |e| e.value),
            reference: def.reference.clone(),
            guidance: def.guidance.clone(),
            unit: def.unit.as_ref().map(|u| u.value.clone()),
            scoring: scoring?,
            gate,
            measure,
        })
    }

    fn keys_for_kind(&mut self, def: &CriterionDef, kind: CriterionKind) {
        use CriterionKind::*;
        type KeyOwners<'k> = (&'k str, Option<Range<usize>>, &'k [CriterionKind]);
        let spans: [KeyOwners; 8] = [
            ("levels", def.levels.as_ref().map(|v| v.span.clone()), &[Scale]),
            ("worst", def.worst.as_ref().map(|v| v.span.clone()), &[Number]),
            ("best", def.best.as_ref().map(|v| v.span.clone()), &[Number]),
            ("bands", def.bands.as_ref().map(|v| v.span.clone()), &[Number]),
            ("options", def.options.as_ref().map(|v| v.span.clone()), &[Set]),
            ("cap", def.cap.as_ref().map(|v| v.span.clone()), &[Set]),
            ("abnormally_low_pct", def.abnormally_low_pct.as_ref().map(|v| v.span.clone()), &[Price]),
            ("unit", def.unit.as_ref().map(|v| v.span.clone()), &[Number, Price]),
        ];
        for (key, span, kinds) in spans {
            if let Some(span) = span
                && !kinds.contains(&kind)
            {
                let owners = kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" or ");
                self.report(
                    Code::KeyNotForKind,
                    &span,
                    format!("`{key}` does not apply to a {} criterion", kind.as_str()),
                )
                .add_help(format!("`{key}` belongs to {owners} criteria; remove it or change `kind`"));
            }
        }
    }

    fn levels(&mut self, def: &CriterionDef) -> Option<Vec<Level>> {
        let Some(levels) = &def.levels else {
            self.report(Code::BadLevels, &def.kind.span, "a scale criterion needs `levels`".to_owned())
                .add_help("e.g. levels = [{ score = 0, label = \"None\" }, { score = 5, label = \"Expert\" }]");
            return None;
        };
        let mut ok = true;
        let mut scores = HashSet::new();
        let mut labels = HashSet::new();
        for level in &levels.value {
            if !scores.insert(level.score.value) {
                ok = false;
                self.report(
                    Code::BadLevels,
                    &level.score.span,
                    format!("level score {} is used twice", level.score.value),
                );
            }
            if !labels.insert(level.label.value.to_lowercase()) {
                ok = false;
                self.report(
                    Code::BadLevels,
                    &level.label.span,
                    format!("level label `{}` is used twice", *level.label),
                );
            }
        }
        if scores.len() < 2 {
            ok = false;
            self.report(
                Code::BadLevels,
                &levels.span,
                "a scale needs at least two levels with different scores".to_owned(),
            )
            .add_help("with one score, every answer would divide by zero; use a boolean instead");
        }
        let mut out: Vec<Level> = levels
            .value
            .iter()
            .map(|l| Level { score: l.score.value, label: l.label.value.clone(), description: l.description.clone() })
            .collect();
        out.sort_by_key(|l| l.score);
        ok.then_some(out)
    }

    fn number(&mut self, def: &CriterionDef) -> Option<NumberScoring> {
        match (&def.worst, &def.best, &def.bands) {
            (Some(worst), Some(best), None) => {
                if worst.value == best.value {
                    self.report(Code::BadNumberScoring, &best.span, "`worst` and `best` must differ".to_owned());
                    return None;
                }
                Some(NumberScoring::Linear { worst: worst.value, best: best.value })
            }
            (None, None, Some(bands)) => self.bands(&bands.value, &bands.span),
            (_, _, Some(bands)) => {
                self.report(
                    Code::BadNumberScoring,
                    &bands.span,
                    "give either `worst` and `best`, or `bands`, not both".to_owned(),
                );
                None
            }
            (Some(one), None, None) | (None, Some(one), None) => {
                self.report(Code::BadNumberScoring, &one.span, "`worst` and `best` go together".to_owned())
                    .add_help("give both: the value that scores 0 and the value that scores 1");
                None
            }
            (None, None, None) => {
                self.report(
                    Code::BadNumberScoring,
                    &def.kind.span,
                    "a number criterion needs `worst` and `best`, or `bands`".to_owned(),
                )
                .add_help("e.g. worst = 45, best = 30 for attrition in percent (lower is better)");
                None
            }
        }
    }

    fn bands(&mut self, bands: &[BandDef], span: &Range<usize>) -> Option<NumberScoring> {
        if bands.is_empty() {
            self.report(Code::BadBands, span, "`bands` is empty".to_owned());
            return None;
        }
        let mut ok = true;
        let mut at_least = Vec::new();
        let mut at_most = Vec::new();
        for band in bands {
            if !(0.0..=1.0).contains(&band.score.value) {
                ok = false;
                self.report(
                    Code::BadBands,
                    &band.score.span,
                    format!("band score {} is outside [0, 1]", band.score.value),
                );
            }
            match (&band.at_least, &band.at_most) {
                (Some(t), None) => at_least.push((t.clone(), band.score.value)),
                (None, Some(t)) => at_most.push((t.clone(), band.score.value)),
                _ => {
                    ok = false;
                    self.report(
                        Code::BadBands,
                        &band.score.span,
                        "a band needs exactly one of `at_least` and `at_most`".to_owned(),
                    );
                }
            }
        }
        if !at_least.is_empty() && !at_most.is_empty() {
            self.report(Code::BadBands, span, "bands mix `at_least` and `at_most`".to_owned())
                .add_help("use all `at_least` (higher is better) or all `at_most` (lower is better)");
            return None;
        }
        let descending = !at_least.is_empty();
        let thresholds = if descending { &at_least } else { &at_most };
        for pair in thresholds.windows(2) {
            let (a, b) = (pair[0].0.value, pair[1].0.value);
            if (descending && b >= a) || (!descending && b <= a) {
                ok = false;
                let order = if descending { "strictly descend" } else { "strictly ascend" };
                self.report(Code::BadBands, &pair[1].0.span, format!("band thresholds must {order}: {b} follows {a}"))
                    .add_help("the first band that holds gives the score, so list the best band first");
            }
        }
        if !ok {
            return None;
        }
        let plain = thresholds.iter().map(|(t, s)| (t.value, *s)).collect();
        Some(if descending { NumberScoring::AtLeast(plain) } else { NumberScoring::AtMost(plain) })
    }

    fn options(&mut self, def: &CriterionDef) -> Option<Scoring> {
        let Some(options) = &def.options else {
            self.report(Code::BadOptions, &def.kind.span, "a set criterion needs `options`".to_owned())
                .add_help("e.g. options = [{ value = \"iso27001\", points = 3 }]");
            return None;
        };
        let mut ok = true;
        let mut seen = HashSet::new();
        let mut total = 0.0;
        for option in &options.value {
            let valid = !option.value.is_empty()
                && option.value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                ok = false;
                self.report(
                    Code::InvalidId,
                    &option.value.span,
                    format!("option value `{}` is not of the form [a-z0-9_]+", *option.value),
                );
            } else if !seen.insert(option.value.value.as_str()) {
                ok = false;
                self.report(
                    Code::BadOptions,
                    &option.value.span,
                    format!("option `{}` is listed twice", *option.value),
                );
            }
            if option.points.value < 0.0 {
                ok = false;
                self.report(Code::BadOptions, &option.points.span, "option points must not be negative".to_owned());
            }
            total += option.points.value.max(0.0);
        }
        if total <= 0.0 {
            self.report(Code::BadOptions, &options.span, "the options' points add up to 0".to_owned())
                .add_help("give at least one option points > 0, or every answer would divide by zero");
            return None;
        }
        let cap = match &def.cap {
            Some(cap) if cap.value <= 0.0 || cap.value > total => {
                self.report(
                    Code::BadOptions,
                    &cap.span,
                    format!("cap {} must be greater than 0 and at most the total points {total}", cap.value),
                );
                return None;
            }
            Some(cap) => cap.value,
            None => total,
        };
        let options = options
            .value
            .iter()
            .map(|o| SetOption { value: o.value.value.clone(), points: o.points.value, label: o.label.clone() })
            .collect();
        ok.then_some(Scoring::Set { options, cap })
    }

    fn gate(&mut self, gate: &Spanned<GateDef>, scoring: &Scoring) -> Option<Gate> {
        let misfit = |what: &str| format!("this gate does not fit a {} criterion: {what}", scoring.kind().as_str());
        match (&gate.value, scoring) {
            (GateDef::MustBeTrue(true), Scoring::Boolean) => Some(Gate::MustBeTrue),
            (GateDef::MustBeTrue(false), Scoring::Boolean) => {
                self.report(
                    Code::BadGate,
                    &gate.span,
                    "`gate = false` would require the answer to be false".to_owned(),
                )
                .add_help("write `gate = true` to require true, or remove the gate");
                None
            }
            (GateDef::MustBeTrue(_), _) => {
                self.report(Code::BadGate, &gate.span, misfit("`true` is for boolean criteria"))
                    .add_help("use { min = N } for scales and numbers, { includes = [...] } for sets");
                None
            }
            (GateDef::Bounds(_), Scoring::Boolean) => {
                self.report(Code::BadGate, &gate.span, misfit("write `gate = true`"));
                None
            }
            (GateDef::Bounds(_), Scoring::Price { .. }) => {
                self.report(Code::BadGate, &gate.span, misfit("price criteria have no gate"))
                    .add_help("a budget ceiling belongs in the tender, not in relative price scoring");
                None
            }
            (GateDef::Bounds(b), Scoring::Set { options, .. }) => {
                if b.min.is_some() || b.max.is_some() || b.includes.is_none() {
                    self.report(Code::BadGate, &gate.span, misfit("use { includes = [...] }"));
                    return None;
                }
                let mut ok = true;
                for value in b.includes.iter().flatten() {
                    if !options.iter().any(|o| o.value == value.value) {
                        ok = false;
                        let near = crate::diag::did_you_mean(value, options.iter().map(|o| o.value.as_str()));
                        let d = self.report(
                            Code::BadGate,
                            &value.span,
                            format!("gate includes `{}`, which is not an option", value.value),
                        );
                        if let Some(near) = near {
                            d.help = Some(format!("did you mean `{near}`?"));
                        }
                    }
                }
                ok.then(|| Gate::Includes(b.includes.iter().flatten().map(|v| v.value.clone()).collect()))
            }
            (GateDef::Bounds(b), Scoring::Scale { .. } | Scoring::Number(_)) => {
                if let Some(includes) = b.includes.as_ref().and_then(|i| i.first()) {
                    self.report(Code::BadGate, &includes.span, misfit("`includes` is for set criteria"));
                    return None;
                }
                if let Scoring::Scale { levels } = scoring {
                    if let Some(max) = &b.max {
                        self.report(Code::BadGate, &max.span, misfit("a scale gate takes `min` only"));
                        return None;
                    }
                    if let Some(min) = &b.min
                        && !levels.iter().any(|l| l.score as f64 == min.value)
                    {
                        let scores = levels.iter().map(|l| l.score.to_string()).collect::<Vec<_>>().join(", ");
                        self.report(Code::BadGate, &min.span, format!("gate min {} is not a level score", min.value))
                            .add_help(format!("level scores: {scores}"));
                        return None;
                    }
                }
                match (&b.min, &b.max) {
                    (None, None) => {
                        self.report(Code::BadGate, &gate.span, "the gate sets no bound".to_owned());
                        None
                    }
                    (Some(min), Some(max)) if min.value > max.value => {
                        self.report(
                            Code::BadGate,
                            &max.span,
                            format!("gate max {} is below min {}", max.value, min.value),
                        );
                        None
                    }
                    (min, max) => {
                        Some(Gate::Bounds { min: min.as_ref().map(|m| m.value), max: max.as_ref().map(|m| m.value) })
                    }
                }
            }
        }
    }

    fn source(&mut self, def: &CriterionDef, source: AnswerSource, kind: CriterionKind) -> Option<Measure> {
        let span = def.source.as_ref().map_or(def.kind.span.clone(), |s| s.span.clone());
        let fits = match source {
            AnswerSource::Vendor => true,
            AnswerSource::Panel => matches!(kind, CriterionKind::Scale | CriterionKind::Number),
            AnswerSource::Measured => kind == CriterionKind::Number,
        };
        if !fits {
            let allowed = if source == AnswerSource::Panel { "scale or number" } else { "number" };
            self.report(
                Code::BadSource,
                &span,
                format!("a {} criterion cannot have source `{}`", kind.as_str(), source.as_str()),
            )
            .add_help(format!("{} criteria must be of kind {allowed}", source.as_str()));
        }
        if source != AnswerSource::Vendor
            && let Some(evidence) = &def.evidence
            && evidence.value != EvidenceRule::None
        {
            self.report(
                Code::BadSource,
                &evidence.span,
                format!("`evidence` applies to vendor answers, not to {} criteria", source.as_str()),
            );
        }
        if source != AnswerSource::Measured {
            for (key, span) in
                [("measure", def.measure.as_ref().map(|m| &m.span)), ("target", def.target.as_ref().map(|t| &t.span))]
            {
                if let Some(span) = span {
                    self.report(Code::KeyNotForKind, span, format!("`{key}` applies to measured criteria only"))
                        .add_help("set source = \"measured\", or remove it");
                }
            }
            return None;
        }
        let Some(measure) = &def.measure else {
            self.report(Code::BadMeasure, &span, "a measured criterion needs `measure`".to_owned())
                .add_help("e.g. measure = { metric = \"first_response\", channel = \"chat\", stat = \"attainment\" }");
            return None;
        };
        let stat = measure.value.stat.value;
        let target = match (&def.target, stat) {
            (Some(t), Stat::Attainment) => match Duration::parse(&t.value) {
                Some(d) => Some(d),
                None => {
                    self.report(Code::InvalidDuration, &t.span, Duration::problem(&t.value))
                        .add_help("write a whole number and a unit, at most 100 years: 60s, 15m, 4h or 2d");
                    return None;
                }
            },
            (None, Stat::Attainment) => {
                self.report(Code::BadMeasure, &measure.span, "stat `attainment` needs a `target` duration".to_owned())
                    .add_help("e.g. target = \"60s\"");
                return None;
            }
            (Some(t), _) => {
                self.report(Code::BadMeasure, &t.span, "`target` applies only to stat `attainment`".to_owned());
                return None;
            }
            (None, _) => None,
        };
        let m = &measure.value;
        if matches!(m.metric.value, crate::model::Metric::Csat | crate::model::Metric::ReopenRate) {
            self.report(Code::BadMeasure, &m.metric.span, format!("`{}` cannot be a measured criterion", m.metric.value.as_str()))
                .add_help("measured criteria take first_response or resolution times; check csat and reopen_rate with SLA clauses");
            return None;
        }
        Some(Measure {
            metric: m.metric.value,
            channel: m.channel.as_ref().map_or(crate::model::Channel::Any, |c| c.value),
            stat,
            target,
            tier: m.tier.as_ref().map(|t| t.value),
            priority: m.priority.as_ref().map(|p| p.value.clone()),
        })
    }
}
