//! lelang's public record in the Open Contracting Data Standard 1.1.5, so that journalists,
//! researchers and other regencies can take it with the tools they already use.
//!
//! - [`Publisher`] folds the event log, in order, into releases: each public event that says
//!   something about a contracting process (a package, then its tender) becomes one release. Only
//!   fields the public log shows in clear are read: the HPS breakdown, who registered, who asked
//!   and who bid (until opening) never reach a release.
//! - [`compile`] merges a process's releases into its compiled release by the OCDS merge rules, and
//!   [`record`] wraps both into a record.
//! - [`Publication`] says who publishes, under which prefix and licence, and writes the release
//!   and record packages around already-serialized releases.
//!
//! Pure: no I/O. The web crate keeps the releases in the store and serves them; the CLI exports.

mod merge;
mod publication;
mod release;

pub use merge::{compile, record};
pub use publication::{EXTENSIONS, Publication, PublicationError};
pub use release::Publisher;

/// The OCDS version the packages declare (the schema's `version` field is major.minor).
pub const OCDS_VERSION: &str = "1.1";
