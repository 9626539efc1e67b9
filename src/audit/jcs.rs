//! Canonical JSON (RFC 8785, JCS) for ledger entries, which hold no
//! floating-point numbers: compact, object keys sorted by their UTF-16 code
//! units, strings escaping only `"`, `\` and control characters.

use serde_json::Value;

/// Why a value has no canonical form here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// Ledger entries hold decimals as strings; a float is not allowed.
    #[error("floating-point number {0} (ledger entries write decimals as strings)")]
    Float(String),
    /// RFC 8785 writes numbers as IEEE 754 doubles: an integer beyond ±2^53
    /// would not survive that exactly.
    #[error("integer {0} is beyond ±2^53 and has no exact canonical form (write it as a string)")]
    Integer(String),
}

/// The largest integer magnitude an IEEE 754 double holds exactly.
const MAX_EXACT: u64 = 1 << 53;

/// The canonical bytes of `value`.
pub fn canonical(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = Vec::with_capacity(256);
    write(value, &mut out)?;
    Ok(out)
}

/// The canonical bytes of `value`, into `out` (cleared first; its capacity is reused).
pub fn canonical_into(value: &Value, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    out.clear();
    write(value, out)
}

fn write(value: &Value, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if n.is_f64() {
                return Err(CanonicalError::Float(n.to_string()));
            }
            let exact =
                n.as_u64().map(|u| u <= MAX_EXACT).or_else(|| n.as_i64().map(|i| i.unsigned_abs() <= MAX_EXACT));
            if exact != Some(true) {
                return Err(CanonicalError::Integer(n.to_string()));
            }
            out.extend_from_slice(n.to_string().as_bytes());
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            // For ASCII keys byte order is UTF-16 order, and serde_json's map
            // is usually sorted already: then write it as it stands.
            if map.keys().all(|k| k.is_ascii()) && map.keys().is_sorted() {
                for (i, (key, item)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_string(key, out);
                    out.push(b':');
                    write(item, out)?;
                }
            } else {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_string(key, out);
                    out.push(b':');
                    write(&map[key], out)?;
                }
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(value: Value) -> String {
        String::from_utf8(canonical(&value).unwrap()).unwrap()
    }

    #[test]
    fn keys_sort_and_output_is_compact() {
        assert_eq!(text(json!({"b": 1, "a": [true, null, "x"], "A": {}})), r#"{"A":{},"a":[true,null,"x"],"b":1}"#);
        assert_eq!(text(json!([])), "[]");
        assert_eq!(text(json!(-42)), "-42");
        assert_eq!(text(json!(9007199254740992u64)), "9007199254740992");
        // Beyond 2^53 a double cannot hold it: no canonical form (RFC 8785 writes numbers as doubles).
        assert!(matches!(canonical(&json!(18446744073709551615u64)), Err(CanonicalError::Integer(_))));
    }

    #[test]
    fn only_quotes_backslashes_and_control_characters_are_escaped() {
        assert_eq!(text(json!("a\"b\\c/d")), r#""a\"b\\c/d""#);
        assert_eq!(text(json!("\n\r\t\u{8}\u{c}\u{1}\u{1f}")), r#""\n\r\t\b\f\u0001\u001f""#);
        // Non-ASCII stays as UTF-8, including U+2028 and emoji.
        assert_eq!(text(json!("Łódź € ≤ \u{2028} 😀")), "\"Łódź € ≤ \u{2028} 😀\"");
        assert_eq!(text(json!("\u{7f}")), "\"\u{7f}\"");
    }

    #[test]
    fn non_ascii_keys_sort_by_utf16_code_units() {
        // RFC 8785 3.2.3: U+E000 sorts after U+1F600 in UTF-16 (0xD83D < 0xE000)
        // but before it in UTF-8.
        let value = json!({"\u{e000}": 1, "\u{1f600}": 2, "z": 3, "é": 4});
        assert_eq!(text(value), "{\"z\":3,\"é\":4,\"\u{1f600}\":2,\"\u{e000}\":1}");
    }

    #[test]
    fn floats_are_refused() {
        assert_eq!(canonical(&json!({"score": 78.42})), Err(CanonicalError::Float("78.42".into())));
        assert!(canonical(&json!({"score": "78.42"})).is_ok());
    }
}
