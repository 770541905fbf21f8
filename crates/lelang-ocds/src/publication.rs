//! Who publishes, and the packages releases and records travel in.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The extensions lelang's releases use, declared in every package so that validators and
/// readers know where `bids` and `tender.enquiries` are defined.
pub const EXTENSIONS: [&str; 2] = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json",
];

/// A setting that cannot make valid OCDS.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PublicationError {
    /// The prefix is not 1–32 ASCII letters and digits.
    #[error(
        "the OCID prefix must be 1 to 32 ASCII letters or digits (as registered with the Open Contracting Partnership), not {0:?}"
    )]
    Prefix(String),
    /// The public address is not an absolute http(s) URL.
    #[error("the public URL must be an absolute http:// or https:// address without a query, not {0:?}")]
    PublicUrl(String),
}

/// The deployment as a publisher of OCDS data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    prefix: String,
    public_url: String,
    /// The publisher's name, shown in every package.
    pub publisher: String,
    /// The licence the data is published under.
    pub license: String,
}

impl Default for Publication {
    /// A single machine's defaults: the prefix `lelang` (register your own with the Open
    /// Contracting Partnership before publishing) on the default listen address.
    fn default() -> Self {
        Self {
            prefix: "lelang".to_owned(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            publisher: "lelang".to_owned(),
            license: "https://creativecommons.org/licenses/by/4.0/".to_owned(),
        }
    }
}

impl Publication {
    /// A publication under the OCID prefix registered for this deployment (`ocds-<prefix>-…`),
    /// reachable at `public_url` (links in releases and packages are absolute, as OCDS requires).
    pub fn new(prefix: &str, public_url: &str, publisher: &str) -> Result<Self, PublicationError> {
        if prefix.is_empty() || prefix.len() > 32 || !prefix.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(PublicationError::Prefix(prefix.to_owned()));
        }
        let url = public_url.trim_end_matches('/');
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| PublicationError::PublicUrl(public_url.to_owned()))?;
        if rest.is_empty() || rest.contains(['?', '#', ' ']) {
            return Err(PublicationError::PublicUrl(public_url.to_owned()));
        }
        Ok(Self {
            prefix: prefix.to_owned(),
            public_url: url.to_owned(),
            publisher: publisher.to_owned(),
            license: "https://creativecommons.org/licenses/by/4.0/".to_owned(),
        })
    }

    /// The contracting process of a package.
    pub fn ocid(&self, package: lelang_core::PackageId) -> String {
        format!("ocds-{}-{}", self.prefix, package.0)
    }

    /// Whether an OCID is one of this publisher's (anything else cannot be in the store).
    pub fn owns(&self, ocid: &str) -> bool {
        ocid.strip_prefix("ocds-")
            .and_then(|r| r.strip_prefix(self.prefix.as_str()))
            .and_then(|r| r.strip_prefix('-'))
            .is_some_and(uuid_like)
    }

    /// An absolute address on this deployment.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// A release package around releases already serialized as JSON objects.
    pub fn release_package<'a>(
        &self,
        uri: &str,
        published: OffsetDateTime,
        releases: impl IntoIterator<Item = &'a str>,
        next: Option<&str>,
    ) -> String {
        self.package(uri, published, "releases", releases, next)
    }

    /// A record package around records already serialized as JSON objects.
    pub fn record_package<'a>(
        &self,
        uri: &str,
        published: OffsetDateTime,
        records: impl IntoIterator<Item = &'a str>,
        next: Option<&str>,
    ) -> String {
        self.package(uri, published, "records", records, next)
    }

    /// The package's fields are written around the items' bytes, so that a page of stored
    /// releases is never parsed and printed again.
    fn package<'a>(
        &self,
        uri: &str,
        published: OffsetDateTime,
        key: &str,
        items: impl IntoIterator<Item = &'a str>,
        next: Option<&str>,
    ) -> String {
        let head = serde_json::json!({
            "uri": uri,
            "version": crate::OCDS_VERSION,
            "publishedDate": published.format(&Rfc3339).unwrap_or_default(),
            "publisher": { "name": self.publisher, "uri": self.public_url },
            "license": self.license,
            "publicationPolicy": self.url("/open-data"),
            "extensions": EXTENSIONS,
        });
        let mut out = serde_json::to_string(&head).unwrap_or_else(|_| "{}".into());
        out.pop();
        if let Some(next) = next {
            out.push_str(",\"links\":{\"next\":");
            out.push_str(&serde_json::to_string(next).unwrap_or_else(|_| "null".into()));
            out.push('}');
        }
        out.push_str(",\"");
        out.push_str(key);
        out.push_str("\":[");
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(item);
        }
        out.push_str("]}");
        out
    }
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_that_cannot_make_valid_ocds_are_refused() {
        assert!(Publication::new("", "https://x.id", "x").is_err());
        assert!(Publication::new("ab-c", "https://x.id", "x").is_err());
        assert!(Publication::new("abc", "x.id", "x").is_err());
        assert!(Publication::new("abc", "https://x.id/?a=1", "x").is_err());
        let p = Publication::new("lelang", "https://lpse.example.id/", "x").unwrap();
        assert_eq!(p.url("/a"), "https://lpse.example.id/a");
        let id = lelang_core::PackageId(uuid_of(7));
        assert!(p.owns(&p.ocid(id)));
        assert!(!p.owns("ocds-other-00000000-0000-0000-0000-000000000007"));
        assert!(!p.owns("ocds-lelang-../../etc"));
    }

    #[test]
    fn packages_are_json_around_the_items() {
        let p = Publication::new("lelang", "https://lpse.example.id", "Pemkab").unwrap();
        let text = p.release_package(
            "https://lpse.example.id/api/v1/ocds/releases",
            OffsetDateTime::UNIX_EPOCH,
            [r#"{"id":"1"}"#, r#"{"id":"2"}"#],
            Some("https://lpse.example.id/api/v1/ocds/releases?after=2"),
        );
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["releases"][1]["id"], "2");
        assert_eq!(v["version"], "1.1");
        assert_eq!(
            v["links"]["next"],
            "https://lpse.example.id/api/v1/ocds/releases?after=2"
        );
        assert_eq!(v["extensions"].as_array().unwrap().len(), 2);
        let empty = p.record_package("https://x.id/r", OffsetDateTime::UNIX_EPOCH, [], None);
        let v: serde_json::Value = serde_json::from_str(&empty).unwrap();
        assert_eq!(v["records"], serde_json::json!([]));
        assert!(v.get("links").is_none());
    }

    fn uuid_of(n: u8) -> uuid::Uuid {
        let mut b = [0u8; 16];
        b[15] = n;
        uuid::Uuid::from_bytes(b)
    }
}
