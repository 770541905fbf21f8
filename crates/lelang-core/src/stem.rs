//! Indonesian stemming for full-text search of tender announcements.
//!
//! SQLite FTS5 has no Indonesian stemmer while PostgreSQL's `indonesian` configuration has one, so
//! both backends index and query the tokens stemmed here and search behaves the same on either. The
//! stemmer is the Snowball Indonesian algorithm (Tala, 2003), the one PostgreSQL uses, so a stem
//! computed here equals `ts_lexize('indonesian_stem', word)` for a lowercase word.

/// Longest token kept, in characters: longer runs are noise (hashes, pasted blobs), not words.
pub const MAX_TERM_CHARS: usize = 64;
/// Most terms taken from one text, bounding the work and the size of an FTS query.
pub const MAX_TERMS: usize = 64;

/// Which derivational prefix was removed; it decides which suffixes may still be removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    None,
    /// `di-`, `meng-` and its variants, `ter-`.
    DiMengTer,
    /// `per-`, `pe-`.
    Per,
    /// `ke-`, `peng-` and its variants.
    KePeng,
    /// `ber-`, `be-`, `bel-`.
    Ber,
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// The algorithm's measure: the number of vowels. Nothing is removed unless it is above 2.
fn measure(word: &str) -> usize {
    word.chars().filter(|&c| is_vowel(c)).count()
}

/// First-order prefixes deleted outright, longest first so that `meny-` before a consonant falls
/// back to `men-` as in Snowball.
const FIRST_ORDER: [(&str, Prefix); 8] = [
    ("meng", Prefix::DiMengTer),
    ("peng", Prefix::KePeng),
    ("men", Prefix::DiMengTer),
    ("pen", Prefix::KePeng),
    ("ter", Prefix::DiMengTer),
    ("di", Prefix::DiMengTer),
    ("me", Prefix::DiMengTer),
    ("ke", Prefix::KePeng),
];

/// Second-order prefixes deleted outright, longest first.
const SECOND_ORDER: [(&str, Prefix); 3] = [("per", Prefix::Per), ("pe", Prefix::Per), ("ber", Prefix::Ber)];

fn starts_with_vowel(s: &str) -> bool {
    s.chars().next().is_some_and(is_vowel)
}

/// Stems one lowercase Indonesian word (Snowball Indonesian); words of two vowels or fewer are
/// returned unchanged, because the algorithm never shortens a word below that.
#[must_use]
pub fn stem(word: &str) -> String {
    let mut w = word.to_owned();
    if measure(&w) <= 2 {
        return w;
    }
    // Inflectional suffixes: a particle, then a possessive pronoun.
    for endings in [["kah", "lah", "pun"], ["ku", "mu", "nya"]] {
        if let Some(ending) = endings.iter().find(|e| w.ends_with(*e)) {
            w.truncate(w.len() - ending.len());
        }
        if measure(&w) <= 2 {
            return w;
        }
    }
    if let Some((rest, prefix, recoded)) = first_order_prefix(&w) {
        w = rest;
        if measure(&w) > 2
            && let Some(rest) = derivational_suffix(&w, prefix)
        {
            w = rest;
            // After a recoding (`meny-` → `s`, `mem-` → `p`) Snowball's cursor sits after the new
            // letter, in front of a vowel, where no second-order prefix can match.
            if !recoded
                && measure(&w) > 2
                && let Some((rest, _)) = second_order_prefix(&w)
            {
                w = rest;
            }
        }
    } else {
        let mut prefix = Prefix::None;
        if let Some((rest, removed)) = second_order_prefix(&w) {
            w = rest;
            prefix = removed;
        }
        if measure(&w) > 2
            && let Some(rest) = derivational_suffix(&w, prefix)
        {
            w = rest;
        }
    }
    w
}

/// Removes `di-`, `ke-`, `ter-`, `meng-`/`peng-` and their variants; returns the rest, the prefix
/// kind and whether the prefix was recoded into the root's first letter rather than deleted.
fn first_order_prefix(w: &str) -> Option<(String, Prefix, bool)> {
    for (prefix, kind) in [("meny", Prefix::DiMengTer), ("peny", Prefix::KePeng)] {
        if let Some(rest) = w.strip_prefix(prefix)
            && starts_with_vowel(rest)
        {
            return Some((format!("s{rest}"), kind, true));
        }
    }
    for (prefix, kind) in [("mem", Prefix::DiMengTer), ("pem", Prefix::KePeng)] {
        if let Some(rest) = w.strip_prefix(prefix) {
            return Some(if starts_with_vowel(rest) {
                (format!("p{rest}"), kind, true)
            } else {
                (rest.to_owned(), kind, false)
            });
        }
    }
    FIRST_ORDER
        .iter()
        .find_map(|&(prefix, kind)| w.strip_prefix(prefix).map(|rest| (rest.to_owned(), kind, false)))
}

/// Removes `ber-`, `be-` (before consonant + `er`), `per-`, `pe-`, and `bel-`/`pel-` before `ajar`.
fn second_order_prefix(w: &str) -> Option<(String, Prefix)> {
    if let Some(rest) = w.strip_prefix("pelajar") {
        // Snowball leaves the prefix kind unset here, so every suffix stays removable.
        return Some((format!("ajar{rest}"), Prefix::None));
    }
    if let Some(rest) = w.strip_prefix("belajar") {
        return Some((format!("ajar{rest}"), Prefix::Ber));
    }
    if let Some(found) = SECOND_ORDER
        .iter()
        .find_map(|&(prefix, kind)| w.strip_prefix(prefix).map(|rest| (rest.to_owned(), kind)))
    {
        return Some(found);
    }
    let rest = w.strip_prefix("be")?;
    let mut after = rest.chars();
    let ker = after.next().is_some_and(|c| !is_vowel(c)) && after.as_str().starts_with("er");
    ker.then(|| (rest.to_owned(), Prefix::Ber))
}

/// Removes `-kan`, `-an` or `-i` where the prefix already removed allows it (Tala's disallowed
/// prefix–suffix pairs, with Snowball's amendment that `-kan` is kept after `per-`).
fn derivational_suffix(w: &str, prefix: Prefix) -> Option<String> {
    if let Some(rest) = w.strip_suffix("kan")
        && !matches!(prefix, Prefix::Per | Prefix::KePeng)
    {
        return Some(rest.to_owned());
    }
    if let Some(rest) = w.strip_suffix("an")
        && prefix != Prefix::DiMengTer
    {
        return Some(rest.to_owned());
    }
    let rest = w.strip_suffix('i')?;
    let allowed = matches!(prefix, Prefix::None | Prefix::DiMengTer | Prefix::Per) && !rest.ends_with('s');
    allowed.then(|| rest.to_owned())
}

/// The terms of a text, in order: lowercased, split on anything not alphanumeric, words stemmed,
/// codes with digits ("2026", "kbli41011") kept as they are. Used for both indexing and querying,
/// so that a query matches every inflection of its words; terms hold only letters and digits, so
/// they carry no FTS5 or tsquery operators.
#[must_use]
pub fn search_terms(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|token| !token.is_empty() && token.chars().count() <= MAX_TERM_CHARS)
        .take(MAX_TERMS)
        .map(|token| {
            if token.chars().all(char::is_alphabetic) {
                stem(token)
            } else {
                token.to_owned()
            }
        })
        .collect()
}

/// The text to store in a full-text column: its [`search_terms`] joined by single spaces. Index it
/// with a non-stemming tokenizer (FTS5 `unicode61`, PostgreSQL `simple`): stemming is not
/// idempotent (`pelihara` → `lihara`), so stemming twice would split index and query.
#[must_use]
pub fn index_text(text: &str) -> String {
    search_terms(text).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each pair was checked against PostgreSQL 15's `ts_lexize('indonesian_stem', word)`.
    #[test]
    fn stems_match_snowball() {
        let cases = [
            ("pembangunan", "bangun"),
            ("membangun", "bangun"),
            ("dibangun", "bangun"),
            ("jembatan", "jembat"),
            ("perbaikan", "baik"),
            ("diperbaiki", "baik"),
            ("pengadaan", "ada"),
            ("kendaraan", "ndara"),
            ("peralatan", "alat"),
            ("bukunya", "buku"),
            ("rumahku", "rumah"),
            ("pemeliharaan", "pelihara"),
            ("pemerintahan", "perintah"),
            ("menyapu", "sapu"),
            ("menyebarkan", "sebar"),
            ("memakai", "paka"),
            ("pekerjaan", "kerja"),
            ("bekerja", "kerja"),
            ("pelajaran", "ajar"),
            ("pelajarkan", "ajar"),
            ("belajari", "ajari"),
            ("berdasarkan", "dasar"),
            ("keberhasilan", "hasil"),
            ("diperbesar", "perbesar"),
            ("pelaksanaan", "laksana"),
            ("konstruksi", "konstruksi"),
            ("jalan", "jalan"),
            ("desa", "desa"),
        ];
        for (word, expected) in cases {
            assert_eq!(stem(word), expected, "stem({word})");
        }
    }

    #[test]
    fn search_terms_lowercase_stem_and_keep_codes() {
        assert_eq!(
            search_terms("Pembangunan Jalan Desa Kemiren 2026"),
            ["bangun", "jalan", "desa", "miren", "2026"]
        );
        assert_eq!(
            search_terms("KBLI41011: Pengadaan—kendaraan!"),
            ["kbli41011", "ada", "ndara"]
        );
        assert!(search_terms("  ,;- ").is_empty());
    }

    #[test]
    fn search_terms_drop_long_tokens_and_cap_count() {
        let long = "a".repeat(MAX_TERM_CHARS + 1);
        assert_eq!(search_terms(&format!("jalan {long} desa")), ["jalan", "desa"]);
        assert_eq!(search_terms(&"desa ".repeat(100)).len(), MAX_TERMS);
    }

    #[test]
    fn query_terms_are_found_in_index() {
        let index = index_text("Pembangunan Jalan Desa");
        assert_eq!(index, "bangun jalan desa");
        let indexed: Vec<&str> = index.split(' ').collect();
        for term in search_terms("membangun jalan") {
            assert!(indexed.contains(&term.as_str()), "{term} not in {index}");
        }
    }
}
