//! SQLite's placeholders for statements written with PostgreSQL's `$n`.

/// `$n` as SQLite writes it (`?n`, bound by the same index); a `$` not followed by a digit (a
/// JSON path) stays. Only ever applied to this crate's `&'static str` statements.
pub fn numbered_for_sqlite(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// A statement this crate generated (each `$n` once, in order) with anonymous `?` placeholders:
/// SQLite looks a numbered parameter's name up in a list, once per parameter per run, which costs
/// the square of their count on a many-row insert; positional ones cost nothing.
pub fn positional_for_sqlite(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}
