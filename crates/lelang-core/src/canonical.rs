//! Canonical JSON (RFC 8785, JSON Canonicalization Scheme) for event payloads.
//!
//! Every event is stored as the canonical form of its payload so that the same event always hashes
//! to the same bytes, whichever backend stored it and whichever tool re-serialises it: the
//! transparency log and outside verifiers depend on that.
//!
//! Payloads in lelang carry integers, strings, booleans, nulls, arrays and objects. Numbers are
//! written as RFC 8785 prescribes for the values we produce: integers within the IEEE-754 safe range
//! as plain decimals. Other numbers (fractions, huge integers) are refused rather than written in a
//! form another implementation might not reproduce — amounts of money are integers of rupiah.

use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;
use thiserror::Error;

/// Why a value has no canonical form.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum CanonicalError {
    /// A number that is not an integer within ±(2^53 − 1).
    #[error("number {0} is not an integer within the IEEE-754 safe range")]
    UnsafeNumber(String),
    /// An event payload larger than a log entry may be.
    #[error("payload of {0} bytes exceeds the log's entry limit")]
    TooLarge(usize),
    /// The value could not be turned into JSON at all.
    #[error("value is not representable as JSON: {0}")]
    NotJson(String),
}

const MAX_SAFE: u64 = (1 << 53) - 1;

/// The canonical JSON text of any serialisable value.
pub fn to_canonical_string<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    let v = serde_json::to_value(value).map_err(|e| CanonicalError::NotJson(e.to_string()))?;
    let mut out = String::new();
    write_value(&v, &mut out)?;
    Ok(out)
}

/// The canonical JSON text of an already parsed value.
pub fn canonicalize(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out)
}

fn write_value(v: &Value, out: &mut String) -> Result<(), CanonicalError> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                if u > MAX_SAFE {
                    return Err(CanonicalError::UnsafeNumber(n.to_string()));
                }
                let _ = write!(out, "{u}");
            } else if let Some(i) = n.as_i64() {
                if i.unsigned_abs() > MAX_SAFE {
                    return Err(CanonicalError::UnsafeNumber(n.to_string()));
                }
                let _ = write!(out, "{i}");
            } else {
                match n.as_f64() {
                    // -0.0 and integral floats have an exact integer form in ES6 number serialisation.
                    Some(f) if f.fract() == 0.0 && f.abs() <= MAX_SAFE as f64 => {
                        let _ = write!(out, "{}", f as i64);
                    }
                    _ => return Err(CanonicalError::UnsafeNumber(n.to_string())),
                }
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            // RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (k, val)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(val, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// RFC 8785 §3.2.2.2: the ECMAScript JSON.stringify string form.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{09}' => out.push_str("\\t"),
            '\u{0A}' => out.push_str("\\n"),
            '\u{0C}' => out.push_str("\\f"),
            '\u{0D}' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_by_utf16_code_units() {
        // The RFC 8785 §3.2.3 example: sorting by UTF-16 puts U+1F600 (a surrogate pair, 0xD83D…)
        // before U+FB33 although its code point is larger.
        let v = json!({"\u{20ac}": "Euro Sign", "\r": "Carriage Return", "\u{fb33}": "Hebrew Letter Dalet With Dagesh",
            "1": "One", "\u{1f600}": "Emoji: Grinning Face", "\u{0080}": "Control", "\u{00f6}": "Latin Small Letter O With Diaeresis"});
        let s = canonicalize(&v).unwrap();
        let order: Vec<&str> = [
            "\\r",
            "1",
            "\u{0080}",
            "\u{00f6}",
            "\u{20ac}",
            "\u{1f600}",
            "\u{fb33}",
        ]
        .to_vec();
        let mut last = 0;
        for key in order {
            let pos = s.find(&format!("\"{key}\":")).unwrap();
            assert!(pos >= last, "{key} out of order in {s}");
            last = pos;
        }
    }

    #[test]
    fn escapes_like_ecmascript() {
        let v = json!({"s": "\u{0}\u{1f}\"\\/\n\té€"});
        assert_eq!(canonicalize(&v).unwrap(), r#"{"s":"\u0000\u001f\"\\/\n\té€"}"#);
    }

    #[test]
    fn integers_plain_and_unsafe_numbers_refused() {
        assert_eq!(
            canonicalize(&json!([0, -1, 9007199254740991_u64, 1.0])).unwrap(),
            "[0,-1,9007199254740991,1]"
        );
        assert!(canonicalize(&json!(9007199254740992_u64)).is_err());
        assert!(canonicalize(&json!(1.5)).is_err());
    }

    #[test]
    fn no_whitespace_and_nested() {
        let v: Value =
            serde_json::from_str(r#"{ "b" : [ 1 , { "z": null, "a": true } ], "a": "x" }"#).unwrap();
        assert_eq!(
            canonicalize(&v).unwrap(),
            r#"{"a":"x","b":[1,{"a":true,"z":null}]}"#
        );
    }

    proptest::proptest! {
        /// Canonicalising is idempotent: the canonical text parses back to a value whose canonical
        /// text is byte-identical.
        #[test]
        fn idempotent(keys in proptest::collection::vec("\\PC{0,6}", 0..6), n in -1000i64..1000, s in "\\PC{0,12}") {
            let mut m = serde_json::Map::new();
            for (i, k) in keys.iter().enumerate() {
                m.insert(k.clone(), if i % 2 == 0 { json!(n) } else { json!([s.clone(), null, false]) });
            }
            let once = canonicalize(&Value::Object(m)).unwrap();
            let back: Value = serde_json::from_str(&once).unwrap();
            proptest::prop_assert_eq!(canonicalize(&back).unwrap(), once);
        }
    }
}
