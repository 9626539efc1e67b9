//! Size limits for minijinja evaluation, shared by policy expressions
//! ([`crate::expr`]) and report templates (`report::templates`).
//!
//! Fuel counts instructions, not bytes: one `join` is one instruction however
//! much it builds, so `x | join(y)` nested five deep asked for 8 GB. Here every
//! built-in filter that can build a value is registered in a bounded form:
//!
//! - its inputs and its result may be at most [`Limits::max_value`] bytes;
//! - the filters whose result can be much larger than their inputs (`join`,
//!   `replace`, `indent`, `format`, `batch`, `slice`) check the size their
//!   result *would* have before building it, and widths and counts they take
//!   are at most [`MAX_WIDTH`] and [`MAX_COUNT`];
//! - what all filters of one evaluation read and build is added up, and the
//!   evaluation stops past [`Limits::budget`] bytes (so a `map` over a large
//!   list, which runs filters without spending fuel, is bounded too).
//!
//! A value a filter builds is counted by [`size_of`]: a string by its bytes,
//! every other value (and every item of a list or map) as 8 bytes, shared
//! parts as often as they are reached. What a filter takes is counted one
//! level deep (`taken_size`: a list's own items, not what is nested in them;
//! what a filter copies of that is counted in what it builds), and a lazy
//! view (the result of `selectattr` or `map`) as 8 bytes: its items are
//! counted by whatever builds a value from them. Filters that only pick a
//! part (`first`, `length`, `default`, …) are registered as they are: they
//! build nothing.

use std::sync::atomic::{AtomicU64, Ordering};

use minijinja::value::{Object, Rest, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State, Value, filters};

/// The widest `indent` or `format` width or precision allowed.
pub const MAX_WIDTH: usize = 1_000;

/// The largest count `batch` and `slice` take.
pub const MAX_COUNT: usize = 10_000;

/// The size limits of one kind of evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest value, in bytes, a filter may take or build.
    pub max_value: u64,
    /// Bytes all filters of one evaluation may read and build together.
    pub budget: u64,
}

/// The minijinja built-in filters, by name.
fn builtin(name: &str) -> Option<Value> {
    Some(match name {
        "abs" => Value::from_function(filters::abs),
        "attr" => Value::from_function(filters::attr),
        "batch" => Value::from_function(filters::batch),
        "bool" => Value::from_function(filters::bool),
        "capitalize" => Value::from_function(filters::capitalize),
        "chain" => Value::from_function(filters::chain),
        "count" | "length" => Value::from_function(filters::length),
        "d" | "default" => Value::from_function(filters::default),
        "dictsort" => Value::from_function(filters::dictsort),
        "e" | "escape" => Value::from_function(filters::escape),
        "first" => Value::from_function(filters::first),
        "float" => Value::from_function(filters::float),
        "format" => Value::from_function(filters::format),
        "groupby" => Value::from_function(filters::groupby),
        "indent" => Value::from_function(filters::indent),
        "int" => Value::from_function(filters::int),
        "items" => Value::from_function(filters::items),
        "join" => Value::from_function(filters::join),
        "last" => Value::from_function(filters::last),
        "lines" => Value::from_function(filters::lines),
        "list" => Value::from_function(filters::list),
        "lower" => Value::from_function(filters::lower),
        "map" => Value::from_function(filters::map),
        "max" => Value::from_function(filters::max),
        "min" => Value::from_function(filters::min),
        "pprint" => Value::from_function(filters::pprint),
        "reject" => Value::from_function(filters::reject),
        "rejectattr" => Value::from_function(filters::rejectattr),
        "replace" => Value::from_function(filters::replace),
        "reverse" => Value::from_function(filters::reverse),
        "round" => Value::from_function(filters::round),
        "safe" => Value::from_function(filters::safe),
        "select" => Value::from_function(filters::select),
        "selectattr" => Value::from_function(filters::selectattr),
        "slice" => Value::from_function(filters::slice),
        "sort" => Value::from_function(filters::sort),
        "split" => Value::from_function(filters::split),
        "string" => Value::from_function(filters::string),
        "sum" => Value::from_function(filters::sum),
        "title" => Value::from_function(filters::title),
        "trim" => Value::from_function(filters::trim),
        "unique" => Value::from_function(filters::unique),
        "upper" => Value::from_function(filters::upper),
        "zip" => Value::from_function(filters::zip),
        _ => return None,
    })
}

/// Every built-in filter [`add_builtin_filters`] knows.
pub const BUILTIN_FILTERS: &[&str] = &[
    "abs",
    "attr",
    "batch",
    "bool",
    "capitalize",
    "chain",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "float",
    "format",
    "groupby",
    "indent",
    "int",
    "items",
    "join",
    "last",
    "length",
    "lines",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "pprint",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "slice",
    "sort",
    "split",
    "string",
    "sum",
    "title",
    "trim",
    "unique",
    "upper",
    "zip",
];

/// Filters that build nothing: they return their input, a part of it or a number.
const PICKERS: &[&str] =
    &["abs", "attr", "bool", "count", "d", "default", "first", "float", "int", "last", "length", "round", "safe"];

/// Register the built-in filters `names` on `env`, bounded by `limits`.
///
/// # Panics
/// When a name is not a built-in filter (a programming error, caught by the tests).
pub fn add_builtin_filters(env: &mut Environment<'static>, names: &[&'static str], limits: Limits) {
    for &name in names {
        let filter = builtin(name).unwrap_or_else(|| panic!("`{name}` is not a minijinja built-in filter"));
        if PICKERS.contains(&name) {
            env.add_filter(name, move |state: &State, args: Rest<Value>| filter.call(state, &args));
        } else {
            add_bounded(env, name, filter, limits);
        }
    }
}

/// Register `filter` (any callable value) as filter `name`, bounded by `limits`.
pub fn add_bounded(env: &mut Environment<'static>, name: &'static str, filter: Value, limits: Limits) {
    env.add_filter(name, move |state: &State, args: Rest<Value>| -> Result<Value, Error> {
        let mut read = 0;
        for arg in args.iter() {
            let size = taken_size(arg, limits.max_value);
            if size > limits.max_value {
                return Err(too_large(name, "takes", limits));
            }
            read += size;
        }
        check_growth(name, &args, limits)?;
        spend(state, read, limits)?;
        let built = filter.call(state, &args)?;
        // A lazy view (`selectattr`, `map`, …) holds nothing of its own: its
        // items are counted by whatever builds a value from them. Walking it
        // here would run the whole chain behind it once more.
        let size = if built.kind() == ValueKind::Iterable { 8 } else { size_of(&built, limits.max_value) };
        if size > limits.max_value {
            return Err(too_large(name, "builds", limits));
        }
        spend(state, size, limits)?;
        Ok(built)
    });
}

/// What a filter reads of an argument: a string's bytes; a list's or map's
/// own items (8 bytes each, or a string item's bytes), not what is nested in
/// them (what a filter copies of that is counted in what it builds); 8 for a
/// lazy view or any other value. Stops once past `limit`.
fn taken_size(value: &Value, limit: u64) -> u64 {
    let item = |v: &Value| if v.kind() == ValueKind::String { v.as_str().map_or(8, |s| s.len() as u64) } else { 8 };
    let mut total = 8u64;
    match value.kind() {
        ValueKind::String | ValueKind::Bytes => return size_of(value, limit),
        ValueKind::Seq => {
            for v in value.try_iter().into_iter().flatten() {
                total += item(&v);
                if total > limit {
                    break;
                }
            }
        }
        ValueKind::Map => {
            for (k, v) in value.as_object().and_then(|map| map.try_iter_pairs()).into_iter().flatten() {
                total += item(&k) + item(&v);
                if total > limit {
                    break;
                }
            }
        }
        _ => {}
    }
    total
}

/// The size of `value` as this module counts it, stopping once past `limit`.
pub fn size_of(value: &Value, limit: u64) -> u64 {
    /// A string's bytes, 8 for any other leaf; `None` for a list or map.
    fn leaf(value: &Value) -> Option<u64> {
        match value.kind() {
            ValueKind::String => Some(value.as_str().map_or(8, |s| s.len() as u64)),
            ValueKind::Bytes => Some(value.as_bytes().map_or(8, |b| b.len() as u64)),
            ValueKind::Seq | ValueKind::Iterable | ValueKind::Map => None,
            _ => Some(8),
        }
    }
    // Leaves are counted where they are met; only lists and maps wait.
    let mut total = 0u64;
    let mut pending = Vec::new();
    let meet = |value: Value, total: &mut u64, pending: &mut Vec<Value>| match leaf(&value) {
        Some(size) => *total += size,
        None => pending.push(value),
    };
    meet(value.clone(), &mut total, &mut pending);
    while let Some(value) = pending.pop() {
        total += 8;
        let past = |total: u64, pending: &Vec<Value>| total.saturating_add(pending.len() as u64 * 8) > limit;
        if past(total, &pending) {
            return limit + 1;
        }
        if value.kind() == ValueKind::Map {
            for (key, item) in value.as_object().and_then(|map| map.try_iter_pairs()).into_iter().flatten() {
                meet(key, &mut total, &mut pending);
                meet(item, &mut total, &mut pending);
                if past(total, &pending) {
                    return limit + 1;
                }
            }
        } else if let Ok(items) = value.try_iter() {
            for item in items {
                meet(item, &mut total, &mut pending);
                if past(total, &pending) {
                    return limit + 1;
                }
            }
        }
    }
    total
}

/// Bytes read and built so far in one evaluation (kept in minijinja's per-evaluation state).
#[derive(Debug, Default)]
struct Spent(AtomicU64);

impl Object for Spent {}

fn spend(state: &State, bytes: u64, limits: Limits) -> Result<(), Error> {
    let spent = state.get_or_set_temp_object("vendorscore.bytes_spent", Spent::default);
    let total = spent.0.fetch_add(bytes, Ordering::Relaxed).saturating_add(bytes);
    if total > limits.budget {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "filters read and built more than {} in all; that is the limit for one evaluation",
                bytes_in_words(limits.budget)
            ),
        ));
    }
    Ok(())
}

fn too_large(name: &str, verb: &str, limits: Limits) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("`{name}` {verb} a value larger than {}, the limit for one value", bytes_in_words(limits.max_value)),
    )
}

/// `1 MiB`, `64 KiB` or `100 bytes`.
pub fn bytes_in_words(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Refuse a call to one of the filters whose result can dwarf its inputs
/// when that result would be too large, before it is built.
fn check_growth(name: &str, args: &[Value], limits: Limits) -> Result<(), Error> {
    let text_len = |i: usize| args.get(i).and_then(Value::as_str).map_or(0, |s| s.len() as u64);
    let value_size = || args.first().map_or(0, |v| size_of(v, limits.max_value));
    let would_build = match name {
        "join" => {
            let items = match args.first() {
                Some(v) if v.kind() == ValueKind::String => v.as_str().map_or(0, |s| s.chars().count()) as u64,
                Some(v) => v.try_iter().map_or(0, |i| i.count()) as u64,
                None => 0,
            };
            // Items may be HTML-escaped (up to 6 bytes for one).
            value_size().saturating_mul(6).saturating_add(items.saturating_mul(text_len(1)))
        }
        "replace" => {
            let matches = text_len(0) / text_len(1).max(1) + 1;
            text_len(0).saturating_add(matches.saturating_mul(text_len(2)))
        }
        "indent" => {
            let width = args.get(1).filter(|v| v.kind() == ValueKind::Number).cloned().or_else(|| kwarg(args, "width"));
            let width = width.map_or(Ok(4), |w| bounded_count(name, "width", &w, MAX_WIDTH))?;
            let lines = args.first().and_then(Value::as_str).map_or(0, |s| s.lines().count() + 1) as u64;
            text_len(0).saturating_add(lines.saturating_mul(width))
        }
        "format" => {
            let specs = format_specs(args.first().and_then(Value::as_str).unwrap_or_default())?;
            let arguments: u64 = args[1..].iter().map(|a| size_of(a, limits.max_value)).sum();
            let per_spec = (MAX_WIDTH as u64).saturating_add(arguments.saturating_mul(6));
            text_len(0).saturating_add(specs.saturating_mul(per_spec))
        }
        "batch" | "slice" => {
            let count = args.get(1).map_or(Ok(1), |c| bounded_count(name, "count", c, MAX_COUNT))?;
            value_size().saturating_add(count.saturating_mul(8))
        }
        _ => 0,
    };
    if would_build > limits.max_value {
        return Err(too_large(name, "would build", limits));
    }
    Ok(())
}

/// The keyword argument `name`, when the last argument holds keyword arguments.
fn kwarg(args: &[Value], name: &str) -> Option<Value> {
    let last = args.last().filter(|v| v.kind() == ValueKind::Map)?;
    last.get_attr(name).ok().filter(|v| !v.is_undefined())
}

/// A count or width argument, refused above `max`.
fn bounded_count(filter: &str, what: &str, value: &Value, max: usize) -> Result<u64, Error> {
    match value.as_usize() {
        Some(n) if n <= max => Ok(n as u64),
        _ => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`{filter}` takes a {what} of at most {max}, not {value}"),
        )),
    }
}

/// The conversions in a printf-style format string, with every width and
/// precision checked against [`MAX_WIDTH`].
fn format_specs(text: &str) -> Result<u64, Error> {
    let bytes = text.as_bytes();
    let mut specs = 0u64;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        i += 1;
        if bytes.get(i) == Some(&b'%') {
            i += 1;
            continue;
        }
        specs += 1;
        if bytes.get(i) == Some(&b'(') {
            while i < bytes.len() && bytes[i] != b')' {
                i += 1;
            }
            i += 1;
        }
        while i < bytes.len() && b"-+ #0".contains(&bytes[i]) {
            i += 1;
        }
        for part in ["width", "precision"] {
            if part == "precision" {
                if bytes.get(i) != Some(&b'.') {
                    break;
                }
                i += 1;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &text[start..i];
            if digits.len() > 4 || digits.parse::<usize>().is_ok_and(|n| n > MAX_WIDTH) {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("`format` takes a {part} of at most {MAX_WIDTH}, not {digits}"),
                ));
            }
        }
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limits = Limits { max_value: 1 << 16, budget: 1 << 20 };

    fn env() -> Environment<'static> {
        let mut env = Environment::empty();
        add_builtin_filters(&mut env, BUILTIN_FILTERS, SMALL);
        env
    }

    fn eval(env: &Environment<'_>, expression: &str) -> Result<Value, Error> {
        env.compile_expression(expression).unwrap().eval(minijinja::context! {})
    }

    #[test]
    fn every_listed_filter_is_a_builtin() {
        for name in BUILTIN_FILTERS.iter().chain(PICKERS) {
            assert!(builtin(name).is_some(), "{name}");
        }
    }

    #[test]
    fn sizes_count_bytes_items_and_stop_past_the_limit() {
        assert_eq!(size_of(&Value::from("abc"), 100), 3);
        assert_eq!(size_of(&Value::from(vec!["ab", "c"]), 100), 8 + 3);
        let many: Vec<u32> = (0..1000).collect();
        assert!(size_of(&Value::from(many), 100) > 100);
    }

    #[test]
    fn nested_joins_are_refused_before_they_are_built() {
        let env = env();
        let sep = "x".repeat(100);
        let expression =
            format!("'{sep}' | join('{sep}') | join('{sep}') | join('{sep}') | join('{sep}') | join('{sep}') | length");
        let err = eval(&env, &expression).unwrap_err();
        assert!(err.to_string().contains("`join` would build a value larger than 64 KiB"), "{err}");
        assert_eq!(eval(&env, "['a', 'b'] | join(', ')").unwrap(), Value::from("a, b"));
    }

    #[test]
    fn widths_counts_and_replacements_are_bounded() {
        let env = env();
        for (expression, expected) in [
            ("'%1000000000d' | format(1)", "`format` takes a width of at most 1000"),
            ("'%.99999f' | format(1.5)", "`format` takes a precision of at most 1000"),
            ("'a\nb' | indent(100000000)", "`indent` takes a width of at most 1000"),
            ("'a' | indent(width=100000000)", "`indent` takes a width of at most 1000"),
            ("[1] | batch(1000000000, 0)", "`batch` takes a count of at most 10000"),
            ("[1] | slice(1000000000)", "`slice` takes a count of at most 10000"),
            ("('a' | indent(1000, true)) | replace('', ('b' | indent(1000, true)))", "`replace` would build"),
        ] {
            let err = eval(&env, expression).unwrap_err();
            assert!(err.to_string().contains(expected), "{expression}: {err}");
        }
        assert_eq!(eval(&env, "'%5.1f|%s' | format(2.25, 'x')").unwrap(), Value::from("  2.2|x"));
        assert_eq!(eval(&env, "'a\nb' | indent(2)").unwrap(), Value::from("a\n  b"));
    }

    #[test]
    fn a_map_over_a_large_list_stops_at_the_budget() {
        let env = env();
        let list: Vec<String> = (0..4000).map(|i| format!("item {i}")).collect();
        let expression = env.compile_expression("items | map('indent', 1000, true) | list | length").unwrap();
        let err = expression.eval(minijinja::context! { items => list }).unwrap_err();
        assert!(err.to_string().contains("limit for one"), "{err}");
    }
}
