//! The verifiable record of lelang, in formats that tools we did not write can check:
//!
//! - [`merkle`]: RFC 6962 / RFC 9162 Merkle tree hashing, the nodes an append completes, and
//!   inclusion and consistency proofs with their verification;
//! - [`tiles`]: the C2SP tlog-tiles layout (tile paths, partial widths, entry bundles);
//! - [`note`]: C2SP signed notes with Ed25519 and their verifier keys;
//! - [`checkpoint`]: the C2SP tlog-checkpoint body.
//!
//! Everything here is pure computation; the stores persist what it produces and the web crate
//! serves it.

pub mod ceremony;
pub mod checkpoint;
pub mod merkle;
pub mod note;
pub mod seal;
pub mod tiles;

pub use merkle::Hash;
