//! The C2SP tlog-tiles layout: how a log's hashes and entries are cut into immutable,
//! cacheable files (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`).
//!
//! A tile at level L holds up to 256 hashes of tree level 8·L: tile `(L, N)` holds the nodes
//! `(8L, 256N) … (8L, 256N + 255)`. A partial tile holds the first W of them.

use crate::merkle::NodeId;

/// Hashes (or entries) per full tile.
pub const TILE_WIDTH: u64 = 256;
/// Tree levels per tile level.
pub const TILE_HEIGHT: u8 = 8;

/// One tile: a hash tile at `level`, or an entry bundle (`entries`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    /// Tile level (0 for leaf hashes); ignored for entry bundles.
    pub level: u8,
    /// Tile index within its level.
    pub index: u64,
    /// Number of hashes or entries: 256 for a full tile, 1–255 for a partial one.
    pub width: u16,
    /// Whether this is an entry bundle rather than a hash tile.
    pub entries: bool,
}

/// A path that is not a tile path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a tile path: {0}")]
pub struct BadTilePath(pub String);

/// The `<N>` path element: groups of three digits, all but the last prefixed with `x`.
pub fn index_path(n: u64) -> String {
    let digits = format!("{n:03}");
    let pad = (3 - digits.len() % 3) % 3;
    let digits = format!("{}{digits}", "0".repeat(pad));
    let groups: Vec<&str> = digits
        .as_bytes()
        .chunks(3)
        .map(|c| std::str::from_utf8(c).unwrap_or("000"))
        .collect();
    let (last, rest) = groups.split_last().map_or(("000", &[][..]), |(l, r)| (*l, r));
    let mut out = String::new();
    for g in rest {
        out.push('x');
        out.push_str(g);
        out.push('/');
    }
    out.push_str(last);
    out
}

impl Tile {
    /// The path below the log's prefix, e.g. `tile/0/x001/234.p/7` or `tile/entries/005`.
    pub fn path(&self) -> String {
        let kind = if self.entries {
            "entries".to_owned()
        } else {
            self.level.to_string()
        };
        let mut p = format!("tile/{kind}/{}", index_path(self.index));
        if u64::from(self.width) < TILE_WIDTH {
            p.push_str(&format!(".p/{}", self.width));
        }
        p
    }

    /// Parses a path as [`Tile::path`] writes it, refusing every other spelling (a tile has
    /// exactly one name, so caches never hold two copies).
    pub fn parse(path: &str) -> Result<Tile, BadTilePath> {
        let bad = || BadTilePath(path.chars().take(100).collect());
        let rest = path.strip_prefix("tile/").ok_or_else(bad)?;
        let (kind, rest) = rest.split_once('/').ok_or_else(bad)?;
        let (entries, level) = if kind == "entries" {
            (true, 0)
        } else {
            if kind.len() != 1 && kind.starts_with('0') {
                return Err(bad());
            }
            let l: u8 = kind.parse().map_err(|_| bad())?;
            if l > 7 {
                return Err(bad());
            }
            (false, l)
        };
        let (index_part, width) = match rest.split_once(".p/") {
            Some((i, w)) => {
                if w.starts_with('0') || w.is_empty() || !w.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                let w: u16 = w.parse().map_err(|_| bad())?;
                if !(1..=255).contains(&w) {
                    return Err(bad());
                }
                (i, w)
            }
            None => (rest, 256),
        };
        let elems: Vec<&str> = index_part.split('/').collect();
        let mut index: u64 = 0;
        for (i, e) in elems.iter().enumerate() {
            let last = i == elems.len() - 1;
            let digits = if last {
                *e
            } else {
                e.strip_prefix('x').ok_or_else(bad)?
            };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            index = index
                .checked_mul(1000)
                .and_then(|v| v.checked_add(digits.parse::<u64>().ok()?))
                .ok_or_else(bad)?;
        }
        let tile = Tile {
            level,
            index,
            width,
            entries,
        };
        if tile.path() != path {
            return Err(bad());
        }
        Ok(tile)
    }

    /// The tree nodes whose hashes make up this hash tile, in order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + use<> {
        let level = self.level * TILE_HEIGHT;
        let start = self.index * TILE_WIDTH;
        (start..start + u64::from(self.width)).map(move |i| NodeId::new(level, i))
    }

    /// The leaf indexes an entry bundle holds.
    pub fn leaf_range(&self) -> std::ops::Range<u64> {
        let start = self.index * TILE_WIDTH;
        start..start + u64::from(self.width)
    }

    /// How many hashes of this tile exist in a tree of `size` leaves (0 if none): the tile is
    /// servable at width W only if W does not exceed this.
    pub fn available(level: u8, index: u64, size: u64, entries: bool) -> u64 {
        let nodes_at_level = if entries {
            size
        } else {
            size >> (u32::from(level) * u32::from(TILE_HEIGHT))
        };
        nodes_at_level.saturating_sub(index * TILE_WIDTH).min(TILE_WIDTH)
    }
}

/// An entry bundle: each entry as a big-endian 16-bit length followed by its bytes.
pub fn encode_bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, EntryTooLarge> {
    let mut out = Vec::new();
    for e in entries {
        let n = u16::try_from(e.len()).map_err(|_| EntryTooLarge(e.len()))?;
        out.extend_from_slice(&n.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// An entry longer than an entry bundle can hold (65535 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("entry of {0} bytes exceeds 65535")]
pub struct EntryTooLarge(pub usize);

/// Splits an entry bundle back into its entries.
pub fn decode_bundle(mut bytes: &[u8]) -> Result<Vec<Vec<u8>>, BadBundle> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        if bytes.len() < 2 {
            return Err(BadBundle);
        }
        let n = usize::from(u16::from_be_bytes([bytes[0], bytes[1]]));
        if bytes.len() < 2 + n {
            return Err(BadBundle);
        }
        out.push(bytes[2..2 + n].to_vec());
        bytes = &bytes[2 + n..];
    }
    Ok(out)
}

/// A truncated entry bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("truncated entry bundle")]
pub struct BadBundle;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_c2sp() {
        assert_eq!(index_path(0), "000");
        assert_eq!(index_path(5), "005");
        assert_eq!(index_path(999), "999");
        assert_eq!(index_path(1000), "x001/000");
        assert_eq!(index_path(1_234_067), "x001/x234/067");
        let t = Tile {
            level: 0,
            index: 1_234_067,
            width: 7,
            entries: false,
        };
        assert_eq!(t.path(), "tile/0/x001/x234/067.p/7");
        assert_eq!(Tile::parse(&t.path()), Ok(t));
        let e = Tile {
            level: 0,
            index: 5,
            width: 256,
            entries: true,
        };
        assert_eq!(e.path(), "tile/entries/005");
        assert_eq!(Tile::parse("tile/entries/005"), Ok(e));
        for bad in [
            "tile/0/5",
            "tile/0/x005",
            "tile/0/005.p/0",
            "tile/0/005.p/256",
            "tile/0/005.p/07",
            "tile/9/000",
            "tile/00/000",
            "tiles/0/000",
            "tile/0/x000/005/",
        ] {
            assert!(Tile::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn availability() {
        assert_eq!(Tile::available(0, 0, 300, false), 256);
        assert_eq!(Tile::available(0, 1, 300, false), 44);
        assert_eq!(Tile::available(0, 2, 300, false), 0);
        assert_eq!(Tile::available(1, 0, 300, false), 1);
        assert_eq!(Tile::available(1, 0, 255, false), 0);
        assert_eq!(Tile::available(0, 1, 300, true), 44);
    }

    #[test]
    fn bundles_round_trip() {
        let entries: Vec<&[u8]> = vec![b"satu", b"", b"tiga"];
        let b = encode_bundle(entries.clone()).expect("encode");
        assert_eq!(&b[..6], &[0, 4, b's', b'a', b't', b'u']);
        assert_eq!(
            decode_bundle(&b).expect("decode"),
            entries.iter().map(|e| e.to_vec()).collect::<Vec<_>>()
        );
        assert_eq!(decode_bundle(&b[..b.len() - 1]), Err(BadBundle));
    }
}
