//! The first sheet of an XLSX workbook as rows of text, read under explicit limits.
//!
//! A workbook is a ZIP of XML parts, and both layers can claim or expand to far more than they
//! hold: a 1.8 KB file may declare a hundred billion shared strings, a 196 KB one may inflate to a
//! 200 MB string, a 130 KB one may reference one 20 KB string from 50,000 cells. So nothing here
//! sizes anything from what the file declares: every part is read through a limit on its inflated
//! bytes, shared strings are counted as they come, each cell's text and the whole table's are
//! bounded, and the sheet is read as a stream, never whole. The reader knows just what a plan
//! import needs: text, numbers, booleans and dates (a number with a date style).

use std::io::{BufRead, BufReader, Read, Seek};
use std::ops::ControlFlow;

use quick_xml::events::{BytesStart, Event};

/// The limits a read stays within.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Entries in the archive.
    pub entries: usize,
    /// Inflated bytes of the small parts (workbook, relationships, styles).
    pub part_bytes: u64,
    /// Inflated bytes of the shared strings part.
    pub shared_strings_bytes: u64,
    /// Shared strings.
    pub shared_strings: usize,
    /// Inflated bytes of the sheet.
    pub sheet_bytes: u64,
    /// Rows, counting from the top of the sheet.
    pub rows: u32,
    /// Columns.
    pub columns: u32,
    /// Characters in one cell.
    pub cell_chars: usize,
    /// Bytes of text in the whole table.
    pub table_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            entries: 200,
            part_bytes: 2 * 1024 * 1024,
            shared_strings_bytes: 8 * 1024 * 1024,
            shared_strings: 100_000,
            sheet_bytes: 32 * 1024 * 1024,
            rows: 5_001,
            columns: 50,
            cell_chars: 1_000,
            table_bytes: 8 * 1024 * 1024,
        }
    }
}

/// Why a workbook was not read. Rows count from 1, as a spreadsheet shows them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XlsxError {
    /// Not a workbook, or a broken one.
    #[error("not a readable XLSX workbook")]
    Malformed,
    /// A part, or the table, is larger than the limits.
    #[error("the workbook is larger than allowed")]
    TooLarge,
    /// A cell beyond the last row allowed.
    #[error("row {0} is beyond the last row allowed")]
    TooManyRows(usize),
    /// A cell beyond the last column allowed.
    #[error("row {0} has a cell beyond the last column allowed")]
    TooManyColumns(usize),
    /// A cell holds more text than allowed.
    #[error("row {0} has a cell longer than allowed")]
    CellTooLong(usize),
}

impl XlsxError {
    /// The message key (and problem code) of this error.
    pub fn code(&self) -> &'static str {
        match self {
            XlsxError::Malformed => "import-bad-xlsx",
            XlsxError::TooLarge => "import-too-large",
            XlsxError::TooManyRows(_) => "import-too-many-rows",
            XlsxError::TooManyColumns(_) => "import-too-many-columns",
            XlsxError::CellTooLong(_) => "import-cell-too-long",
        }
    }

    /// The row it concerns (1 for the workbook as a whole).
    pub fn row(&self) -> usize {
        match self {
            XlsxError::TooManyRows(r) | XlsxError::TooManyColumns(r) | XlsxError::CellTooLong(r) => *r,
            XlsxError::Malformed | XlsxError::TooLarge => 1,
        }
    }
}

impl From<quick_xml::Error> for XlsxError {
    fn from(_: quick_xml::Error) -> Self {
        XlsxError::Malformed
    }
}

/// The first sheet's cells as text, row by row (rows and cells as placed, gaps empty).
pub fn first_sheet(bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<String>>, XlsxError> {
    let mut cursor = std::io::Cursor::new(bytes);
    crate::zipcheck::check(&mut cursor, limits.entries as u64, limits.part_bytes).map_err(|e| match e {
        crate::zipcheck::ZipRefused::TooLarge => XlsxError::TooLarge,
        crate::zipcheck::ZipRefused::Malformed => XlsxError::Malformed,
    })?;
    let mut zip = zip::ZipArchive::new(cursor).map_err(|_| XlsxError::Malformed)?;
    let workbook = Workbook::read(&mut zip, limits)?;
    let shared = match &workbook.shared_strings {
        Some(path) => read_shared_strings(&mut zip, path, limits)?,
        None => Vec::new(),
    };
    let date_styles = match &workbook.styles {
        Some(path) => read_date_styles(&mut zip, path, limits)?,
        None => Vec::new(),
    };
    let sheet = Sheet {
        shared: &shared,
        date_styles: &date_styles,
        date1904: workbook.date1904,
        limits,
    };
    let part = open(&mut zip, &workbook.first_sheet, limits.sheet_bytes)?;
    sheet.read(part)
}

/// Opens a part for reading through a limit on its inflated size: a declared size over the limit
/// is refused at once, and a part that lies about its size stops at the limit.
fn open<'a, R: Read + Seek>(
    zip: &'a mut zip::ZipArchive<R>,
    path: &str,
    limit: u64,
) -> Result<impl BufRead + 'a, XlsxError> {
    let file = zip.by_name(path).map_err(|_| XlsxError::Malformed)?;
    if file.size() > limit {
        return Err(XlsxError::TooLarge);
    }
    Ok(BufReader::new(file.take(limit)))
}

/// Runs `on_event` over every XML event of a part until it breaks or the part ends.
fn each_event<R: BufRead>(
    source: R,
    mut on_event: impl FnMut(Event<'_>) -> Result<ControlFlow<()>, XlsxError>,
) -> Result<(), XlsxError> {
    let mut reader = quick_xml::Reader::from_reader(source);
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf)?;
        if matches!(event, Event::Eof) {
            return Ok(());
        }
        if on_event(event)?.is_break() {
            return Ok(());
        }
        buf.clear();
    }
}

/// The value of an attribute by its local name (prefixes such as `r:` ignored).
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The text an event adds to the element being read: text, CDATA and references resolved.
fn text_of(event: &Event<'_>) -> Option<String> {
    match event {
        Event::Text(t) => Some(t.xml_content(quick_xml::XmlVersion::Implicit1_0).into_owned()),
        Event::CData(c) => Some(c.xml_content(quick_xml::XmlVersion::Implicit1_0).into_owned()),
        Event::GeneralRef(r) => match r.resolve_char_ref() {
            Ok(Some(c)) => Some(c.to_string()),
            _ => quick_xml::escape::resolve_predefined_entity(r).map(str::to_owned),
        },
        _ => None,
    }
}

/// Where the parts of the workbook are.
struct Workbook {
    first_sheet: String,
    shared_strings: Option<String>,
    styles: Option<String>,
    date1904: bool,
}

impl Workbook {
    fn read<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, limits: &Limits) -> Result<Self, XlsxError> {
        let mut first_id = None;
        let mut date1904 = false;
        each_event(open(zip, "xl/workbook.xml", limits.part_bytes)?, |e| {
            if let Event::Start(s) | Event::Empty(s) = &e {
                match s.local_name().as_ref() {
                    "workbookPr" => {
                        date1904 = matches!(attr(s, "date1904").as_deref(), Some("1" | "true"));
                    }
                    "sheet" if first_id.is_none() => first_id = attr(s, "id"),
                    _ => {}
                }
            }
            Ok(ControlFlow::Continue(()))
        })?;
        let first_id = first_id.ok_or(XlsxError::Malformed)?;
        let (mut first_sheet, mut shared_strings, mut styles) = (None, None, None);
        each_event(open(zip, "xl/_rels/workbook.xml.rels", limits.part_bytes)?, |e| {
            if let Event::Start(s) | Event::Empty(s) = &e
                && s.local_name().as_ref() == "Relationship"
                && let Some(target) = attr(s, "Target")
            {
                let kind = attr(s, "Type").unwrap_or_default();
                let path = part_path(&target);
                if attr(s, "Id").as_deref() == Some(first_id.as_str()) {
                    first_sheet = Some(path);
                } else if kind.ends_with("/sharedStrings") {
                    shared_strings = Some(path);
                } else if kind.ends_with("/styles") {
                    styles = Some(path);
                }
            }
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(Self {
            first_sheet: first_sheet.ok_or(XlsxError::Malformed)?,
            shared_strings,
            styles,
            date1904,
        })
    }
}

/// A relationship's target as a path in the archive (targets are relative to `xl/`, or
/// absolute from the package root).
fn part_path(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("xl/{target}"),
    }
}

/// The shared strings, counted as they come (the declared count is never trusted).
fn read_shared_strings<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    path: &str,
    limits: &Limits,
) -> Result<Vec<String>, XlsxError> {
    let mut out: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    // Phonetic readings (`rPh`) hold text that is not part of the string.
    let mut in_text = false;
    let mut phonetic = 0u32;
    each_event(open(zip, path, limits.shared_strings_bytes)?, |e| {
        match &e {
            Event::Start(s) => match s.local_name().as_ref() {
                "si" => {
                    if out.len() >= limits.shared_strings {
                        return Err(XlsxError::TooLarge);
                    }
                    current = Some(String::new());
                }
                "rPh" => phonetic += 1,
                "t" => in_text = phonetic == 0,
                _ => {}
            },
            Event::Empty(s) if s.local_name().as_ref() == "si" => {
                if out.len() >= limits.shared_strings {
                    return Err(XlsxError::TooLarge);
                }
                out.push(String::new());
            }
            Event::End(s) => match s.local_name().as_ref() {
                "si" => out.push(current.take().unwrap_or_default()),
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "t" => in_text = false,
                _ => {}
            },
            other => {
                if in_text && let (Some(cur), Some(t)) = (current.as_mut(), text_of(other)) {
                    cur.push_str(&t);
                }
            }
        }
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(out)
}

/// Which cell styles (by index) show a number as a date.
fn read_date_styles<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    path: &str,
    limits: &Limits,
) -> Result<Vec<bool>, XlsxError> {
    let mut custom: Vec<(u32, bool)> = Vec::new();
    let mut styles = Vec::new();
    let mut in_cell_xfs = false;
    each_event(open(zip, path, limits.part_bytes)?, |e| {
        match &e {
            Event::Start(s) | Event::Empty(s) => match s.local_name().as_ref() {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (attr(s, "numFmtId"), attr(s, "formatCode"))
                        && let Ok(id) = id.parse()
                    {
                        custom.push((id, is_date_format(&code)));
                    }
                }
                "cellXfs" => in_cell_xfs = matches!(e, Event::Start(_)),
                "xf" if in_cell_xfs => {
                    let id: u32 = attr(s, "numFmtId").and_then(|v| v.parse().ok()).unwrap_or(0);
                    let date = custom
                        .iter()
                        .find(|(c, _)| *c == id)
                        .map_or_else(|| is_builtin_date(id), |(_, d)| *d);
                    styles.push(date);
                }
                _ => {}
            },
            Event::End(s) if s.local_name().as_ref() == "cellXfs" => {
                in_cell_xfs = false;
                return Ok(ControlFlow::Break(()));
            }
            _ => {}
        }
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(styles)
}

/// The built-in number formats that are dates or times (ECMA-376 part 1, 18.8.30).
fn is_builtin_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a custom format code shows a date or time: a day, month, year, hour or second
/// placeholder outside quoted text, escapes and bracketed colours or conditions.
fn is_date_format(code: &str) -> bool {
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' if !quoted && !bracket => {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// A spreadsheet's day number as a date: 1900 system (with its phantom 29 February 1900) or
/// 1904 system.
fn serial_date(serial: f64, date1904: bool) -> Option<time::Date> {
    if !(0.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let (base, days) = match (date1904, days) {
        (true, d) => (time::macros::date!(1904 - 01 - 01), d),
        (false, d) if d < 60 => (time::macros::date!(1899 - 12 - 31), d),
        (false, d) => (time::macros::date!(1899 - 12 - 30), d),
    };
    base.checked_add(time::Duration::days(days))
}

/// The cell being read.
#[derive(Default)]
struct Cell {
    row: u32,
    col: u32,
    kind: String,
    style: usize,
    value: String,
    /// Inside `<v>`, or inside a `<t>` of an inline string (not a phonetic reading).
    collecting: bool,
}

/// Reads a sheet with the workbook's shared strings and date styles.
struct Sheet<'a> {
    shared: &'a [String],
    date_styles: &'a [bool],
    date1904: bool,
    limits: &'a Limits,
}

impl Sheet<'_> {
    fn read(&self, part: impl BufRead) -> Result<Vec<Vec<String>>, XlsxError> {
        let limits = self.limits;
        let mut table: Vec<Vec<String>> = Vec::new();
        let mut table_bytes = 0usize;
        // The current row, once a `<row>` has been seen.
        let mut row: Option<u32> = None;
        let mut next_col = 0u32;
        let mut cell: Option<Cell> = None;
        let mut phonetic = 0u32;
        let mut in_inline = false;
        // A cell's raw value may hold at most this many bytes before it is known too long.
        let max_value_bytes = limits.cell_chars * 4;
        let mut store = |c: Cell, table: &mut Vec<Vec<String>>| -> Result<(), XlsxError> {
            let text = self.text(&c);
            if text.is_empty() {
                return Ok(());
            }
            let row_no = c.row as usize + 1;
            if text.chars().count() > limits.cell_chars {
                return Err(XlsxError::CellTooLong(row_no));
            }
            table_bytes += text.len();
            if table_bytes > limits.table_bytes {
                return Err(XlsxError::TooLarge);
            }
            let (r, col) = (c.row as usize, c.col as usize);
            if table.len() <= r {
                table.resize(r + 1, Vec::new());
            }
            if table[r].len() <= col {
                table[r].resize(col + 1, String::new());
            }
            table[r][col] = text;
            Ok(())
        };
        let check = |r: u32, c: u32| {
            if r >= limits.rows {
                Err(XlsxError::TooManyRows(r as usize + 1))
            } else if c >= limits.columns {
                Err(XlsxError::TooManyColumns(r as usize + 1))
            } else {
                Ok(())
            }
        };
        each_event(part, |e| {
            match &e {
                Event::Start(s) | Event::Empty(s) => match s.local_name().as_ref() {
                    "row" => {
                        let r = match attr(s, "r").and_then(|v| v.parse::<u32>().ok()) {
                            Some(r) if r >= 1 => r - 1,
                            _ => row.map_or(0, |r| r.saturating_add(1)),
                        };
                        row = Some(r);
                        next_col = 0;
                        check(r, 0)?;
                    }
                    "c" => {
                        let (r, c) = match attr(s, "r").as_deref().and_then(cell_ref) {
                            Some(at) => at,
                            None => (row.unwrap_or(0), next_col),
                        };
                        check(r, c)?;
                        next_col = c.saturating_add(1);
                        let new = Cell {
                            row: r,
                            col: c,
                            kind: attr(s, "t").unwrap_or_default(),
                            style: attr(s, "s").and_then(|v| v.parse().ok()).unwrap_or(0),
                            ..Cell::default()
                        };
                        if matches!(e, Event::Start(_)) {
                            cell = Some(new);
                        }
                    }
                    "v" => {
                        if let Some(c) = cell.as_mut() {
                            c.collecting = true;
                        }
                    }
                    "is" => in_inline = true,
                    "rPh" => phonetic += 1,
                    "t" if in_inline && phonetic == 0 => {
                        if let Some(c) = cell.as_mut() {
                            c.collecting = true;
                        }
                    }
                    _ => {}
                },
                Event::End(s) => match s.local_name().as_ref() {
                    "c" => {
                        if let Some(c) = cell.take() {
                            store(c, &mut table)?;
                        }
                        in_inline = false;
                    }
                    "v" | "t" => {
                        if let Some(c) = cell.as_mut() {
                            c.collecting = false;
                        }
                    }
                    "is" => in_inline = false,
                    "rPh" => phonetic = phonetic.saturating_sub(1),
                    "sheetData" => return Ok(ControlFlow::Break(())),
                    _ => {}
                },
                other => {
                    if let Some(c) = cell.as_mut().filter(|c| c.collecting)
                        && let Some(t) = text_of(other)
                    {
                        c.value.push_str(&t);
                        if c.value.len() > max_value_bytes {
                            return Err(XlsxError::CellTooLong(c.row as usize + 1));
                        }
                    }
                }
            }
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(table)
    }

    /// A cell as the plan reader expects text: whole numbers without decimals, dates as
    /// `YYYY-MM-DD`.
    fn text(&self, c: &Cell) -> String {
        let v = c.value.as_str();
        match c.kind.as_str() {
            "s" => v
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| self.shared.get(i))
                .cloned()
                .unwrap_or_default(),
            "inlineStr" | "str" | "d" => v.to_owned(),
            "b" => match v.trim() {
                "1" | "true" => "true".into(),
                _ => "false".into(),
            },
            "e" => "#ERROR".into(),
            _ => {
                let Ok(n) = v.trim().parse::<f64>() else {
                    return v.trim().to_owned();
                };
                if self.date_styles.get(c.style).copied().unwrap_or(false)
                    && let Some(d) = serial_date(n, self.date1904)
                {
                    return format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
                }
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    format!("{}", n as i64)
                } else {
                    n.to_string()
                }
            }
        }
    }
}

/// `B12` as (row 11, column 1), counting from 0.
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A') + 1);
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_and_dates() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("AB12"), Some((11, 27)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("1A"), None);
        assert_eq!(cell_ref("ABCD1"), None);
        assert_eq!(cell_ref("a1"), None);
        assert_eq!(
            serial_date(46_082.0, false),
            Some(time::macros::date!(2026 - 03 - 01))
        );
        assert_eq!(serial_date(1.0, false), Some(time::macros::date!(1900 - 01 - 01)));
        assert_eq!(serial_date(0.0, true), Some(time::macros::date!(1904 - 01 - 01)));
        assert_eq!(serial_date(-1.0, false), None);
        assert_eq!(serial_date(1e300, false), None);
        assert!(is_date_format("dd/mm/yyyy"));
        assert!(is_date_format("[$-421]d mmmm yyyy"));
        assert!(!is_date_format("#,##0"));
        assert!(!is_date_format("[Red]0.00"));
        assert!(!is_date_format("\"days\" 0"));
        assert!(is_builtin_date(14) && !is_builtin_date(3));
    }
}
