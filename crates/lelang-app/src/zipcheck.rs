//! What a ZIP file declares about itself, read from its end records before a ZIP reader sizes
//! anything from them. A reader allocates for every entry the central directory claims (bounded
//! only by the file's size: a 200 MB bid plaintext could claim four million), so the claim is
//! checked first against what the file may reasonably hold.

use std::io::{Read, Seek, SeekFrom};

/// Why a ZIP file was refused before it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ZipRefused {
    /// No end record, more than one, or one that contradicts the file.
    #[error("not a readable ZIP file")]
    Malformed,
    /// More entries, or a larger central directory, than allowed.
    #[error("the ZIP file declares more entries than allowed")]
    TooLarge,
}

const EOCD: [u8; 4] = *b"PK\x05\x06";
const ZIP64_LOCATOR: [u8; 4] = *b"PK\x06\x07";
const ZIP64_EOCD: [u8; 4] = *b"PK\x06\x06";
/// The end record (22 bytes) and the longest comment after it.
const TAIL: u64 = 22 + 65_535;

fn u16_at(b: &[u8], at: usize) -> u64 {
    u64::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn u32_at(b: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// Checks that `r` declares at most `max_entries` entries in a central directory of at most
/// `max_directory` bytes; leaves `r` at its start.
pub fn check<R: Read + Seek>(r: &mut R, max_entries: u64, max_directory: u64) -> Result<(), ZipRefused> {
    let bad = |_| ZipRefused::Malformed;
    let len = r.seek(SeekFrom::End(0)).map_err(bad)?;
    let start = len.saturating_sub(TAIL);
    r.seek(SeekFrom::Start(start)).map_err(bad)?;
    let mut tail = Vec::with_capacity(usize::try_from(len - start).unwrap_or(0));
    r.read_to_end(&mut tail).map_err(bad)?;
    let found: Vec<usize> = tail
        .windows(4)
        .enumerate()
        .filter(|(i, w)| *w == EOCD && i + 22 <= tail.len())
        .map(|(i, _)| i)
        .collect();
    // One end record only: a reader that chose another would trust another claim.
    let [at] = found.as_slice() else {
        return Err(ZipRefused::Malformed);
    };
    let eocd = &tail[*at..];
    let (mut entries, mut directory) = (u16_at(eocd, 10), u32_at(eocd, 12));
    if entries == 0xFFFF || directory == 0xFFFF_FFFF || u32_at(eocd, 16) == 0xFFFF_FFFF {
        // ZIP64: the locator sits just before the end record and points at the ZIP64 record.
        let eocd_at = start + *at as u64;
        let locator_at = eocd_at.checked_sub(20).ok_or(ZipRefused::Malformed)?;
        let mut locator = [0u8; 20];
        r.seek(SeekFrom::Start(locator_at)).map_err(bad)?;
        r.read_exact(&mut locator).map_err(bad)?;
        if locator[..4] != ZIP64_LOCATOR {
            return Err(ZipRefused::Malformed);
        }
        let record_at = u64_at(&locator, 8);
        if record_at >= locator_at {
            return Err(ZipRefused::Malformed);
        }
        let mut record = [0u8; 56];
        r.seek(SeekFrom::Start(record_at)).map_err(bad)?;
        r.read_exact(&mut record).map_err(bad)?;
        if record[..4] != ZIP64_EOCD {
            return Err(ZipRefused::Malformed);
        }
        entries = u64_at(&record, 32);
        directory = u64_at(&record, 40);
    }
    r.seek(SeekFrom::Start(0)).map_err(bad)?;
    if entries > max_entries || directory > max_directory {
        return Err(ZipRefused::TooLarge);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn zip_of(n: usize) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        for i in 0..n {
            z.start_file(format!("f{i}.txt"), zip::write::SimpleFileOptions::default())
                .expect("entry");
            z.write_all(b"x").expect("write");
        }
        z.finish().expect("finish");
        out.into_inner()
    }

    #[test]
    fn the_declared_count_is_checked_before_reading() {
        let small = zip_of(3);
        assert_eq!(check(&mut Cursor::new(&small), 10, 1 << 20), Ok(()));
        assert_eq!(
            check(&mut Cursor::new(&small), 2, 1 << 20),
            Err(ZipRefused::TooLarge)
        );
        // A claim of 65,534 entries in the end record is refused however small the file.
        let mut lying = small.clone();
        let at = lying.windows(4).rposition(|w| w == EOCD).expect("eocd");
        lying[at + 8..at + 12].copy_from_slice(&[0xFE, 0xFF, 0xFE, 0xFF]);
        assert_eq!(
            check(&mut Cursor::new(&lying), 1000, 1 << 20),
            Err(ZipRefused::TooLarge)
        );
        // Two end records: ambiguous.
        let mut twice = small.clone();
        twice.extend_from_slice(&small[at..]);
        assert_eq!(
            check(&mut Cursor::new(&twice), 10, 1 << 20),
            Err(ZipRefused::Malformed)
        );
        assert_eq!(
            check(&mut Cursor::new(b"PK\x03\x04 no end"), 10, 1 << 20),
            Err(ZipRefused::Malformed)
        );
        assert_eq!(
            check(&mut Cursor::new(b""), 10, 1 << 20),
            Err(ZipRefused::Malformed)
        );
    }
}
