//! What a workspace template may not use. minijinja's fuel counts
//! instructions, not bytes, and a few constructs build values no limit can
//! see: `~`, `+` and `*` join or repeat strings and lists inside the engine
//! (`{% set ns.s = ns.s ~ ns.s %}` in a loop doubles a string per step),
//! and macros, `call`, `filter` and `set` blocks, `super()`, `self` and
//! recursive loops capture output into values. Without them, and with
//! `namespace` (the one way to carry a value from one loop iteration to the
//! next) left out, every value is built by bounded filters
//! (`jinja_limits`) and all output goes to the capped report. The built-in
//! templates, which ship with the tool, are not checked.

/// The first construct in `text` that workspace templates may not use, as (1-based line, why).
pub fn forbidden(text: &str) -> Option<(usize, String)> {
    let bytes = text.as_bytes();
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'{', b'#') => match text[i + 2..].find("#}") {
                Some(end) => i += 2 + end + 2,
                None => return None,
            },
            (b'{', open @ (b'{' | b'%')) => {
                let statement = open == b'%';
                let start = i + 2;
                let end = tag_end(bytes, start, if statement { b'%' } else { b'}' })?;
                let code = trim_whitespace_control(&text[start..end]);
                if let Some(why) = check_code(code, statement) {
                    return Some((line_of(start), why));
                }
                i = end + 2;
                if statement && first_word(code) == "raw" {
                    i = after_endraw(text, i)?;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Where the tag starting at `start` closes (`%}` or `}}`), outside string literals.
fn tag_end(bytes: &[u8], start: usize, close: u8) -> Option<usize> {
    let mut j = start;
    while j + 1 < bytes.len() {
        match bytes[j] {
            quote @ (b'"' | b'\'') => j = skip_string(bytes, j + 1, quote),
            c if c == close && bytes[j + 1] == b'}' => return Some(j),
            _ => j += 1,
        }
    }
    None
}

/// The index after the string literal whose body starts at `j`.
fn skip_string(bytes: &[u8], mut j: usize, quote: u8) -> usize {
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            c if c == quote => return j + 1,
            _ => j += 1,
        }
    }
    j
}

/// Where text resumes after the `{% endraw %}` that closes a raw block.
fn after_endraw(text: &str, mut i: usize) -> Option<usize> {
    while let Some(found) = text[i..].find("{%") {
        let start = i + found + 2;
        let end = start + text[start..].find("%}")?;
        if first_word(trim_whitespace_control(&text[start..end])) == "endraw" {
            return Some(end + 2);
        }
        i = end + 2;
    }
    None
}

fn trim_whitespace_control(code: &str) -> &str {
    let code = code.strip_prefix(['-', '+']).unwrap_or(code);
    let trimmed = code.trim_end();
    trimmed.strip_suffix(['-', '+']).unwrap_or(trimmed)
}

fn first_word(code: &str) -> &str {
    let code = code.trim_start();
    let end = code.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(code.len());
    &code[..end]
}

/// Why the code of one tag is outside the subset, if it is.
fn check_code(code: &str, statement: bool) -> Option<String> {
    if statement {
        let keyword = first_word(code);
        if ["macro", "call", "filter", "import", "from"].contains(&keyword) {
            return Some(format!(
                "`{{% {keyword} %}}` is not available in workspace templates: macros and filter blocks capture output \
                 without a size limit"
            ));
        }
        if keyword == "set" && !assigns(code) {
            return Some(
                "a `{% set %}` block is not available in workspace templates: it captures output without a size \
                 limit; write `{% set name = expression %}`"
                    .to_owned(),
            );
        }
    }
    let bytes = code.as_bytes();
    let mut j = 0;
    while j < bytes.len() {
        let c = bytes[j];
        match c {
            b'"' | b'\'' => {
                j = skip_string(bytes, j + 1, c);
                continue;
            }
            b'~' => {
                return Some(
                    "the `~` operator is not available in workspace templates: it joins strings without \
                                  a size limit; write `{{ a }}{{ b }}` or use `join`"
                        .to_owned(),
                );
            }
            b'+' => {
                return Some(
                    "the `+` operator is not available in workspace templates: it joins strings and \
                                  lists without a size limit; use `loop.index` or compute the number in the report \
                                  data"
                        .to_owned(),
                );
            }
            b'*' if bytes.get(j + 1) == Some(&b'*') => j += 1,
            b'*' => {
                return Some(
                    "the `*` operator is not available in workspace templates: it repeats strings and \
                                  lists without a size limit"
                        .to_owned(),
                );
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = j;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                let word = &code[start..j];
                let attribute = code[..start].trim_end().ends_with('.');
                if !attribute && ["namespace", "super", "self", "caller", "recursive"].contains(&word) {
                    return Some(format!(
                        "`{word}` is not available in workspace templates: it lets a value grow from one step to \
                         the next, or captures output, without a size limit"
                    ));
                }
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Whether a `set` tag assigns (`set x = …`) rather than opening a block:
/// it has an `=` outside strings and brackets that is not part of `==`, `!=`, `<=` or `>=`.
fn assigns(code: &str) -> bool {
    let bytes = code.as_bytes();
    let mut depth = 0i32;
    let mut j = 0;
    while j < bytes.len() {
        match bytes[j] {
            quote @ (b'"' | b'\'') => {
                j = skip_string(bytes, j + 1, quote);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'=' if depth == 0 => {
                let before = j.checked_sub(1).map(|k| bytes[k]);
                let after = bytes.get(j + 1).copied();
                if !matches!(before, Some(b'=' | b'!' | b'<' | b'>')) && after != Some(b'=') {
                    return true;
                }
            }
            _ => {}
        }
        j += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::forbidden;

    /// Built-ins are not checked when loaded, but users copy them to start an
    /// override, and the copy must load.
    #[test]
    fn the_built_in_templates_stay_inside_the_subset() {
        for name in ["scorecard.md.j2", "scorecard.html.j2", "comparison.md.j2", "comparison.html.j2"] {
            let text = crate::builtin::template(name).unwrap().text();
            assert_eq!(forbidden(text), None, "{name}");
        }
    }

    #[test]
    fn growth_and_capture_constructs_are_found_with_their_line() {
        for (text, line, expected) in [
            ("a\n{{ x ~ x }}", 2, "`~` operator"),
            ("{% set ns = namespace(s='x') %}", 1, "`namespace`"),
            ("\n\n{% for i in range(9) %}{% set s = s + s %}{% endfor %}", 3, "`+` operator"),
            ("{{ 'x' * 1000 }}", 1, "`*` operator"),
            ("{%- macro f() -%}x{% endmacro %}", 1, "`{% macro %}`"),
            ("{% filter upper %}x{% endfilter %}", 1, "`{% filter %}`"),
            ("{% set s %}{{ s }}{{ s }}{% endset %}", 1, "`{% set %}` block"),
            ("{% set s | upper %}x{% endset %}", 1, "`{% set %}` block"),
            ("{% set s | f(a=1) %}x{% endset %}", 1, "`{% set %}` block"),
            ("{% block b %}{{ super() }}{% endblock %}", 1, "`super`"),
            ("{{ self.b() }}", 1, "`self`"),
            ("{% for x in xs recursive %}{{ loop(x.c) }}{% endfor %}", 1, "`recursive`"),
            ("{% from 'a.j2' import m %}", 1, "`{% from %}`"),
        ] {
            let (found_line, why) = forbidden(text).unwrap_or_else(|| panic!("{text}: not found"));
            assert_eq!(found_line, line, "{text}");
            assert!(why.contains(expected), "{text}: {why}");
        }
    }

    #[test]
    fn strings_comments_raw_blocks_attributes_and_power_are_not_mistaken() {
        for text in [
            "{{ '~ + * {{' }} {# ~ + * #} {% raw %}{{ a ~ b }}{% endraw %} {{ x.self }} {{ 2 ** 3 }}",
            "{%- set s = findings.summary -%}{% set a, b = 1, 2 %}{% if a == b or a != b %}x{% endif %}",
            "{{- x -}} {%+ if x -%}y{% endif %} {{ \"%}\" }} {{ x | join(', ') }} {{ 5 - 1 }}",
        ] {
            assert_eq!(forbidden(text), None, "{text}");
        }
    }
}
