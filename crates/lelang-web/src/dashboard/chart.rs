//! Bar charts drawn on the server as SVG: readable without JavaScript, a few hundred bytes each,
//! and always shown beside a table with the same numbers (the table is what a screen reader and
//! a printout rely on; the chart's `title` names it).

use std::fmt::Write;

/// One bar.
#[derive(Debug, Clone)]
pub(crate) struct Bar {
    /// What it measures (already translated).
    pub label: String,
    /// Its length.
    pub value: i64,
    /// Its value as printed beside it.
    pub text: String,
    /// A comparison bar (the plan, another regency's figure): drawn lighter.
    pub muted: bool,
}

const WIDTH: i64 = 640;
const LABEL: i64 = 250;
const AREA: i64 = 300;
const ROW: i64 = 26;

/// Escapes text for SVG (XML) content and attributes.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A label cut to fit its column (the table beside the chart has it whole).
fn fit(s: &str) -> String {
    const MAX: usize = 30;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}

/// A horizontal bar chart: `id` makes its title's id unique in the page.
pub(crate) fn bars(id: &str, title: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = ROW * i64::try_from(bars.len()).unwrap_or(0) + 8;
    let mut s = String::with_capacity(200 + bars.len() * 260);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{id}-title" viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{}</title>"#,
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 4 + ROW * i64::try_from(i).unwrap_or(0);
        let w = if b.value <= 0 {
            0
        } else {
            (b.value.saturating_mul(AREA) / max).max(2)
        };
        let class = if b.muted { "bar muted" } else { "bar" };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text><rect x="{LABEL}" y="{}" width="{w}" height="{}" class="{class}"/><text x="{}" y="{}" class="value">{}</text>"#,
            LABEL - 8,
            y + 17,
            esc(&fit(&b.label)),
            y + 3,
            ROW - 8,
            LABEL + w + 6,
            y + 17,
            esc(&b.text),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: i64) -> Bar {
        Bar {
            label: label.into(),
            value,
            text: value.to_string(),
            muted: false,
        }
    }

    #[test]
    fn bars_are_as_long_as_their_values_and_text_is_escaped() {
        let svg = bars(
            "c",
            "Tender <per> tahap",
            &[bar("A & B", 10), bar("C", 5), bar("D", 0)],
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<title id=\"c-title\">Tender &lt;per&gt; tahap</title>"));
        assert!(svg.contains("A &amp; B"));
        // The longest bar fills the area; half the value, half the length; zero draws nothing.
        assert!(svg.contains(&format!("width=\"{AREA}\"")));
        assert!(svg.contains(&format!("width=\"{}\"", AREA / 2)));
        assert!(svg.contains("width=\"0\""));
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn long_labels_are_cut_to_their_column() {
        let long = "Dinas Pekerjaan Umum, Cipta Karya dan Penataan Ruang";
        let svg = bars("c", "t", &[bar(long, 1)]);
        assert!(!svg.contains(long));
        assert!(svg.contains("Dinas Pekerjaan Umum, Cipta K…"));
    }
}
