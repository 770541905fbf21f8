//! What may appear in text people enter: names, titles, file names, questions and notes.
//!
//! Control characters and the invisible format characters — bidirectional overrides and
//! isolates, zero-width characters, the byte-order mark, tag characters — are refused, because
//! they make text read differently from what it is: `spesifikasi\u{202E}fdp.exe` shows as
//! `spesifikasiexe.pdf`. Every script people write in stays allowed.

/// Whether `c` hides or rewrites what text shows: a control character, or an invisible format
/// character (Unicode general category Cf, the ones that occur in practice).
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'                    // soft hyphen
            | '\u{061C}'                  // Arabic letter mark
            | '\u{180E}'                  // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}'     // zero-width space, (non-)joiner, LRM, RLM
            | '\u{202A}'..='\u{202E}'     // bidirectional embeddings and overrides
            | '\u{2060}'..='\u{2064}'     // word joiner, invisible operators
            | '\u{2066}'..='\u{206F}'     // bidirectional isolates, deprecated format characters
            | '\u{FEFF}'                  // byte-order mark
            | '\u{FFF9}'..='\u{FFFB}'     // interlinear annotation
            | '\u{E0000}'..='\u{E007F}' // tag characters
        )
}

/// One line of text (a name, a title, a file name) holds no hidden character.
pub fn is_clean_line(s: &str) -> bool {
    !s.chars().any(is_hidden)
}

/// Prose (a question, a note) may also break lines and use tabs.
pub fn is_clean_prose(s: &str) -> bool {
    !s.chars()
        .any(|c| is_hidden(c) && !matches!(c, '\n' | '\r' | '\t'))
}

/// An amount of rupiah as Indonesians write it: `Rp1.250.000.000`.
pub fn rupiah(v: i64) -> String {
    let digits = v.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("Rp{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_refused_and_scripts_kept() {
        for bad in [
            "spesifikasi\u{202E}fdp.exe",
            "a\u{200B}b",
            "\u{2066}x",
            "x\u{FEFF}",
            "x\u{E0041}",
            "a\u{0007}b",
            "a\nb",
        ] {
            assert!(!is_clean_line(bad), "{bad:?}");
        }
        for good in [
            "Spesifikasi Teknis — Jembatan (revisi) 2026.pdf",
            "Pembangunan Gedung Kantor Desa Kemiren",
            "مواصفات",
            "规格说明",
            "Ñandú café",
        ] {
            assert!(is_clean_line(good), "{good:?}");
        }
        assert!(is_clean_prose("Baris satu\r\nBaris dua\tdengan tab"));
        assert!(!is_clean_prose("Baris\u{202E}satu"));
    }
}
