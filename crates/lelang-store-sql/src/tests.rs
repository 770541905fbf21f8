//! Unit tests of the dialect helpers.

use super::*;

#[test]
fn placeholders_keep_their_index_and_json_paths_stay() {
    assert_eq!(
        numbered_for_sqlite("SELECT json_extract(data, '$.a') FROM t WHERE a = $2 AND b = $1"),
        "SELECT json_extract(data, '$.a') FROM t WHERE a = ?2 AND b = ?1"
    );
}

#[test]
fn generated_statements_bind_by_position_on_sqlite() {
    assert_eq!(
        positional_for_sqlite("INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"),
        "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
    );
}

#[test]
fn a_null_keeps_its_type() {
    assert_eq!(Value::from(None::<Uuid>), Value::Null(Kind::Uuid));
    assert_eq!(Value::from(Some(3_i64)), Value::Int(3));
}
