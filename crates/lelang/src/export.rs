//! `lelang export ocds`: the public record in bulk, straight from the database, streamed page by
//! page with a progress bar on standard error.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use lelang_core::Store;
use lelang_core::ids::TenantId;
use lelang_ocds::{Publication, Publisher};
use lelang_web::ocds::{Export, ExportKind};
use std::io::Write;
use std::path::PathBuf;

/// What to export, where.
#[derive(Debug, Clone)]
pub struct Options {
    /// Releases or records.
    pub kind: ExportKind,
    /// 0: one release (record) per line; N: packages of N per line.
    pub package_size: usize,
    /// Compress (also when the output ends in `.gz`).
    pub gzip: bool,
    /// The file, or standard output.
    pub output: Option<PathBuf>,
    /// One regency only.
    pub tenant: Option<TenantId>,
    /// Show a progress bar.
    pub progress: bool,
}

/// Writes the export; the number of releases (records) written. A file appears whole or not at
/// all: it is written beside its name and renamed when complete.
pub async fn ocds(store: &dyn Store, publication: Publication, o: &Options) -> anyhow::Result<u64> {
    let gzip = o.gzip
        || o.output
            .as_ref()
            .is_some_and(|p| p.extension().is_some_and(|e| e == "gz"));
    let (temp, sink): (Option<(PathBuf, PathBuf)>, Box<dyn Write + Send>) = match &o.output {
        Some(path) => {
            // Beside the name, with `.part` added (not replacing an extension: a.json and a.gz
            // exported at once must not share one).
            let mut temp = path.clone().into_os_string();
            temp.push(".part");
            let temp = PathBuf::from(temp);
            let file =
                std::fs::File::create(&temp).with_context(|| format!("creating {}", temp.display()))?;
            (Some((temp, path.clone())), Box::new(file))
        }
        None => (None, Box::new(std::io::stdout())),
    };
    let sink = std::io::BufWriter::with_capacity(1 << 20, sink);
    let mut out: Box<dyn Write + Send> = if gzip {
        Box::new(flate2::write::GzEncoder::new(
            sink,
            flate2::Compression::default(),
        ))
    } else {
        Box::new(sink)
    };
    let bar = if o.progress {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} {msg} ({per_sec}, {elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(if o.kind == ExportKind::Records {
        "records"
    } else {
        "releases"
    });
    let spec = Export {
        kind: o.kind,
        package_size: o.package_size,
        tenant: o.tenant,
        uri: publication.url(if o.kind == ExportKind::Records {
            "/api/v1/ocds/records"
        } else {
            "/api/v1/ocds/releases"
        }),
    };
    let mut publisher = Publisher::new(publication);
    let n = lelang_web::ocds::export(store, &mut publisher, &spec, &mut out, &mut |n| {
        bar.set_position(n)
    })
    .await?;
    out.flush()?;
    drop(out);
    bar.finish_and_clear();
    if let Some((temp, path)) = temp {
        std::fs::File::open(&temp)?.sync_all()?;
        std::fs::rename(&temp, &path).with_context(|| format!("renaming to {}", path.display()))?;
    }
    Ok(n)
}
