//! The company's side of a sealed bid from the command line, the same as its browser page: seal
//! the parts with their manifest to the tender's key, commit and upload (resumable), fetch the
//! offline proof once the tender has closed.

use crate::member::Client;
use anyhow::{Context, bail};
use lelang_core::sealing::{BidManifest, ManifestDocument};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A file name as the archive keeps it: no folders, only `[A-Za-z0-9._-]`.
fn archive_name(path: &Path) -> String {
    let name: String = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name == "." || name == ".." {
        "dokumen".to_owned()
    } else {
        name
    }
}

/// The bid's parts: administrative, technical and price documents.
pub struct Parts<'a> {
    /// Dokumen administrasi.
    pub administrative: &'a Path,
    /// Dokumen teknis.
    pub technical: &'a Path,
    /// Dokumen harga.
    pub price_document: &'a Path,
    /// The price offered, in rupiah.
    pub price: i64,
    /// The price schedule (JSON: `lines` of item, unit, volume, unit_price, amount; `total`),
    /// which the pokja corrects arithmetically.
    pub schedule: Option<&'a Path>,
}

/// Seals the parts with their manifest (a ZIP, `manifest.json` at its root) to the tender's
/// recipient as the server announces it, into `out`; returns what to tell the vendor.
pub fn seal(client: &Client, tender: &str, parts: &Parts<'_>, out: &Path) -> anyhow::Result<String> {
    let t = client.get(&format!("/api/v1/tenders/{tender}"))?;
    let recipient = t["bid_recipient"]
        .as_str()
        .context("the tender has no sealing key yet")?
        .to_owned();
    let me = client.get("/api/v1/me")?;
    let vendor = me["user"]["vendor_id"]
        .as_str()
        .context("this token is not a company's")?;
    let mut documents = Vec::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut files = Vec::new();
    for (folder, path) in [
        ("administrasi", parts.administrative),
        ("teknis", parts.technical),
        ("harga", parts.price_document),
    ] {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        if bytes.is_empty() {
            bail!("{} is empty", path.display());
        }
        let name = format!("{folder}/{}", archive_name(path));
        documents.push(ManifestDocument {
            name: name.clone(),
            sha256: hex(&Sha256::digest(&bytes)),
        });
        files.push((name, bytes));
    }
    let manifest = BidManifest {
        tender: lelang_core::ids::PackageId(uuid::Uuid::parse_str(tender).context("tender id")?),
        vendor: lelang_core::ids::VendorId(uuid::Uuid::parse_str(vendor).context("vendor id")?),
        price: Some(parts.price),
        schedule: match parts.schedule {
            Some(p) => {
                let s: lelang_core::price::PriceSchedule = serde_json::from_slice(
                    &std::fs::read(p).with_context(|| format!("reading {}", p.display()))?,
                )
                .with_context(|| format!("{} is not a price schedule", p.display()))?;
                let c =
                    lelang_core::price::correct(&s).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
                if !c.corrections.is_empty() {
                    eprintln!(
                        "note: {} line(s) of the schedule differ from volume × unit price; the pokja will correct the total to {}",
                        c.corrections.len(),
                        c.total
                    );
                }
                Some(s)
            }
            None => None,
        },
        documents,
    };
    zip.start_file("manifest.json", stored)?;
    zip.write_all(serde_json::to_string(&manifest)?.as_bytes())?;
    for (name, bytes) in files {
        zip.start_file(name, stored)?;
        zip.write_all(&bytes)?;
    }
    let plain = zip.finish()?.into_inner();
    let sealed =
        lelang_trust::seal::encrypt_to(&[recipient.as_str()], &plain).map_err(|e| anyhow::anyhow!(e))?;
    std::fs::write(out, &sealed).with_context(|| format!("writing {}", out.display()))?;
    Ok(format!(
        "sealed {} bytes to the tender's key (fingerprint {}) into {}\nsha256 {}\nkeep this file until its upload is complete",
        sealed.len(),
        lelang_core::sealing::fingerprint(&recipient),
        out.display(),
        hex(&Sha256::digest(&sealed))
    ))
}

/// Bytes per upload request.
const CHUNK: usize = 8 * 1024 * 1024;

/// Commits to the sealed file (unless `bid` names a commitment already made) and uploads it,
/// resuming from what the server holds; writes the signed receipt beside the file.
pub fn submit(client: &Client, tender: &str, file: &Path, bid: Option<&str>) -> anyhow::Result<String> {
    let sealed = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let sha = hex(&Sha256::digest(&sealed));
    let base = format!("/api/v1/tenders/{tender}/bids");
    let status = match bid {
        Some(id) => client.get(&format!("{base}/{id}"))?,
        None => client.send("POST", &base, &json!({"sha256": sha, "size": sealed.len()}))?,
    };
    if status["sha256"] != sha.as_str() {
        bail!("this file is not the one committed ({})", status["sha256"]);
    }
    let id = status["bid_id"].as_str().context("no bid id")?.to_owned();
    let receipt = status["receipt"].as_str().context("no receipt")?;
    let receipt_path = file.with_extension("receipt.txt");
    std::fs::write(&receipt_path, receipt).with_context(|| format!("writing {}", receipt_path.display()))?;
    let mut at = status["received"].as_u64().unwrap_or(0) as usize;
    let mut uploaded = status["uploaded"] == true;
    let mut tries = 0;
    while !uploaded {
        let end = (at + CHUNK).min(sealed.len());
        match client.upload(&format!("{base}/{id}/content"), at as u64, &sealed[at..end]) {
            Ok(v) => {
                tries = 0;
                uploaded = v["uploaded"] == true;
                at = v["received"].as_u64().context("no offset")? as usize;
            }
            Err(e) if tries < 5 => {
                tries += 1;
                eprintln!("upload interrupted ({e}); retrying");
                std::thread::sleep(std::time::Duration::from_secs(1 << tries));
                at = client.get(&format!("{base}/{id}"))?["received"]
                    .as_u64()
                    .unwrap_or(0) as usize;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(format!(
        "bid {id} committed and uploaded ({} bytes)\nreceipt: {}",
        sealed.len(),
        receipt_path.display()
    ))
}

/// Fetches the offline proof bundle of a commitment (after the deadline) into `out`.
pub fn proof(client: &Client, tender: &str, bid: &str, out: &Path) -> anyhow::Result<String> {
    let bundle: Value = client.get(&format!("/api/v1/tenders/{tender}/bids/{bid}/proof"))?;
    std::fs::write(out, serde_json::to_string_pretty(&bundle)?)
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(format!(
        "proof written to {}; check it with: lelang verify receipt {} --key <the regency's log key>",
        out.display(),
        out.display()
    ))
}
