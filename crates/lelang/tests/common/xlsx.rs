//! XLSX workbooks built by hand for the tests: well-formed ones, as a spreadsheet program writes
//! them, and hostile ones whose parts claim or expand to more than they hold.

use std::io::Write;

/// The columns of a plan sheet.
pub const PLAN_HEADER: [&str; 8] = [
    "nama",
    "kategori",
    "pagu",
    "sumber_dana",
    "tahun_anggaran",
    "metode",
    "mulai",
    "selesai",
];

/// One cell of a row.
pub enum Cell {
    /// A number at an explicit cell reference.
    At(&'static str, i64),
    Text(&'static str),
    Number(i64),
    Date(time::Date),
}

/// A minimal XLSX workbook, as a spreadsheet program writes one: text cells inline, numbers as
/// numbers, dates as day counts with a date style.
pub fn workbook(rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut sheet = String::new();
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", (b'A' + c as u8) as char, r + 1);
            sheet.push_str(&match cell {
                Cell::Text(t) => format!(r#"<c r="{at}" t="inlineStr"><is><t>{t}</t></is></c>"#),
                Cell::Number(n) => format!(r#"<c r="{at}"><v>{n}</v></c>"#),
                Cell::At(at, n) => format!(r#"<c r="{at}"><v>{n}</v></c>"#),
                Cell::Date(d) => {
                    let serial = (*d - time::macros::date!(1899 - 12 - 30)).whole_days();
                    format!(r#"<c r="{at}" s="1"><v>{serial}</v></c>"#)
                }
            });
        }
        sheet.push_str("</row>");
    }
    with_parts(&sheet, None)
}

/// A part written in three pieces, the middle one repeated: large when inflated, small in the
/// test's memory.
pub struct Part {
    pub head: Vec<u8>,
    pub repeat: Vec<u8>,
    pub times: usize,
    pub tail: Vec<u8>,
}

impl Part {
    /// A part of one piece.
    pub fn whole(bytes: Vec<u8>) -> Self {
        Self {
            head: bytes,
            repeat: Vec::new(),
            times: 0,
            tail: Vec::new(),
        }
    }
}

/// A workbook whose sheet data (the inside of `<sheetData>`) and shared strings part (whole, if
/// any) are given as they are, deflated.
pub fn with_parts(sheet_data: &str, shared_strings: Option<Part>) -> Vec<u8> {
    let ns = "http://schemas.openxmlformats.org";
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    let shared_rel = if shared_strings.is_some() {
        format!(
            r#"<Relationship Id="rId3" Type="{ns}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
        )
    } else {
        String::new()
    };
    let mut parts: Vec<(&str, Part)> = [
        (
            "[Content_Types].xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#
            )
            .into_bytes(),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            )
            .into_bytes(),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="RUP" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            )
            .into_bytes(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{ns}/officeDocument/2006/relationships/styles" Target="styles.xml"/>{shared_rel}</Relationships>"#
            )
            .into_bytes(),
        ),
        (
            "xl/styles.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{ns}/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#
            )
            .into_bytes(),
        ),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ]
    .into_iter()
    .map(|(name, body)| (name, Part::whole(body)))
    .collect();
    if let Some(ss) = shared_strings {
        parts.push(("xl/sharedStrings.xml", ss));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    for (name, part) in parts {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(&part.head).expect("zip write");
        for _ in 0..part.times {
            zip.write_all(&part.repeat).expect("zip write");
        }
        zip.write_all(&part.tail).expect("zip write");
    }
    zip.finish().expect("zip");
    out.into_inner()
}

fn sst_head(unique_count: u64) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{unique_count}" uniqueCount="{unique_count}">"#
    )
}

/// A shared strings part holding `strings`, declaring `unique_count` of them.
pub fn shared_strings(strings: &[&str], unique_count: u64) -> Part {
    let mut s = sst_head(unique_count);
    for t in strings {
        s.push_str(&format!("<si><t>{t}</t></si>"));
    }
    s.push_str("</sst>");
    Part::whole(s.into_bytes())
}

/// A shared strings part of one string: `chunk` repeated `times` times.
pub fn one_long_string(chunk: &str, times: usize) -> Part {
    Part {
        head: format!("{}<si><t>", sst_head(1)).into_bytes(),
        repeat: chunk.as_bytes().to_vec(),
        times,
        tail: b"</t></si></sst>".to_vec(),
    }
}
