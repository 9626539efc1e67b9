//! Which contract fields an expression reads, and which of those reads are
//! guarded: written as `path is defined`, `path is undefined`, `path is none`
//! (with or without `not`) or `path | default(...)` (`| d(...)`), the forms
//! that handle a field the contract leaves out instead of failing on it.
//!
//! The paths come from minijinja (`undeclared_variables(true)`: the dotted
//! chains an expression reads, such as `data_protection.audit_rights`); the
//! guards from a scan of the expression's text, outside string literals.

use std::collections::{BTreeSet, HashSet};

/// The fields an expression reads, as dotted paths, sorted; `as_of` left out.
pub fn paths_read(read: &HashSet<String>) -> Vec<String> {
    let sorted: BTreeSet<&String> = read.iter().filter(|p| p.as_str() != "as_of").collect();
    sorted.into_iter().cloned().collect()
}

/// The paths all of whose occurrences in `expression` are guarded.
pub fn guarded_only(expression: &str) -> HashSet<String> {
    let mut guarded = HashSet::new();
    let mut unguarded = HashSet::new();
    for (path, is_guarded) in occurrences(expression) {
        if is_guarded {
            guarded.insert(path);
        } else {
            unguarded.insert(path);
        }
    }
    guarded.retain(|p| !unguarded.contains(p));
    guarded
}

/// Every dotted name chain in `expression` (outside strings, not after a
/// `.`), with whether a guard follows it.
fn occurrences(expression: &str) -> Vec<(String, bool)> {
    let chars: Vec<char> = expression.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    let mut after_dot = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            after_dot = false;
        } else if is_name_start(c) && !after_dot {
            let (path, end) = dotted_name(&chars, i);
            found.push((path, guard_follows(&chars, end)));
            i = end;
        } else if is_name_start(c) {
            // A name after a `.` that did not start a chain (`(x).y`): skip it.
            while i < chars.len() && is_name_char(chars[i]) {
                i += 1;
            }
            after_dot = false;
        } else {
            after_dot = c == '.';
            i += 1;
        }
    }
    found
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The chain `name(.name)*` starting at `start`, and the index after it.
fn dotted_name(chars: &[char], start: usize) -> (String, usize) {
    let mut end = start;
    let mut path = String::new();
    loop {
        while end < chars.len() && is_name_char(chars[end]) {
            path.push(chars[end]);
            end += 1;
        }
        if end + 1 < chars.len() && chars[end] == '.' && is_name_start(chars[end + 1]) {
            path.push('.');
            end += 1;
        } else {
            return (path, end);
        }
    }
}

/// Whether `is [not] defined|undefined|none` or `| default|d` follows at `at`.
fn guard_follows(chars: &[char], at: usize) -> bool {
    let mut i = skip_spaces(chars, at);
    if chars.get(i) == Some(&'|') {
        let (word, _) = word_at(chars, skip_spaces(chars, i + 1));
        return word == "default" || word == "d";
    }
    let (word, end) = word_at(chars, i);
    if word != "is" {
        return false;
    }
    i = skip_spaces(chars, end);
    let (mut word, end) = word_at(chars, i);
    if word == "not" {
        word = word_at(chars, skip_spaces(chars, end)).0;
    }
    matches!(word.as_str(), "defined" | "undefined" | "none")
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    i
}

fn word_at(chars: &[char], start: usize) -> (String, usize) {
    let mut end = start;
    while end < chars.len() && is_name_char(chars[end]) {
        end += 1;
    }
    (chars[start..end].iter().collect(), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn guards_are_is_defined_is_none_and_default() {
        assert_eq!(guarded_only("extra.x is defined and extra.y is not none"), set(&["extra.x", "extra.y"]));
        assert_eq!(guarded_only("'chat' in (extra.cx_channels | default([]))"), set(&["extra.cx_channels"]));
        assert_eq!(guarded_only("extra.a|d(1) > 0 and extra.b is undefined"), set(&["extra.a", "extra.b"]));
    }

    #[test]
    fn one_unguarded_read_makes_the_path_unguarded() {
        assert!(guarded_only("extra.x is not none and extra.x > 3").is_empty());
        assert!(guarded_only("security.mfa and security.encryption_at_rest").is_empty());
        assert!(!guarded_only("extra.x | lower | default('')").contains("extra.x"), "a filter before the guard");
    }

    #[test]
    fn strings_and_attribute_names_are_not_paths() {
        assert!(guarded_only("'extra.x is defined' == contract.title").is_empty());
        let found = occurrences("(sla | first).target is defined and x.y['z']");
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["sla", "first", "is", "defined", "and", "x.y"]);
    }

    #[test]
    fn paths_read_are_sorted_without_as_of() {
        assert_eq!(paths_read(&set(&["security.mfa", "as_of", "contract.start"])), ["contract.start", "security.mfa"]);
    }
}
