//! The C2SP tlog-checkpoint body: origin, tree size, root hash, then optional extension lines.

use crate::merkle::Hash;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

/// A checkpoint: what a signed tree head says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name (first line), e.g. `lpse.banyuwangikab.go.id/lelang`.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// RFC 6962 root hash of those leaves.
    pub root: Hash,
    /// Further lines, each without its newline.
    pub extensions: Vec<String>,
}

/// A body that is not a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed checkpoint")]
pub struct BadCheckpoint;

impl Checkpoint {
    /// The note text.
    pub fn to_text(&self) -> String {
        let mut s = format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root));
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Parses a note text.
    pub fn parse(text: &str) -> Result<Self, BadCheckpoint> {
        let body = text.strip_suffix('\n').ok_or(BadCheckpoint)?;
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or(BadCheckpoint)?
            .to_owned();
        let size_s = lines.next().ok_or(BadCheckpoint)?;
        if size_s.is_empty() || (size_s.len() > 1 && size_s.starts_with('0')) {
            return Err(BadCheckpoint);
        }
        let size = size_s.parse().map_err(|_| BadCheckpoint)?;
        let raw = B64
            .decode(lines.next().ok_or(BadCheckpoint)?)
            .map_err(|_| BadCheckpoint)?;
        let root: Hash = raw.try_into().map_err(|_| BadCheckpoint)?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(BadCheckpoint);
        }
        Ok(Self {
            origin,
            size,
            root,
            extensions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let c = Checkpoint {
            origin: "example/log".into(),
            size: 12,
            root: [9; 32],
            extensions: vec!["ext".into()],
        };
        assert_eq!(Checkpoint::parse(&c.to_text()), Ok(c));
        for bad in [
            "example/log\n012\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n",
            "example/log\n1\n",
            "\n1\nAA==\n",
            "x\n1\nAA==\n",
        ] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad}");
        }
    }
}
