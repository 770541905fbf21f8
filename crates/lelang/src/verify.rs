//! `lelang verify`: checks a lelang log from the outside, with nothing but what the log publishes
//! (or a directory copy of it). It verifies the checkpoint's signature, fetches every entry and
//! tile, recomputes the whole tree, compares every tile and the root, checks that the log still
//! contains what it contained at the last run (a small state file), and proves the inclusion of
//! chosen events. Any mismatch is an error that names what differs.

use anyhow::{Context, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use indicatif::{ProgressBar, ProgressStyle};
use lelang_trust::checkpoint::Checkpoint;
use lelang_trust::merkle::{self, Hash, NodeId};
use lelang_trust::note::NoteVerifier;
use lelang_trust::tiles::{self, Tile};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What to verify and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// A base URL (`http(s)://…`) or a directory holding `log/…` as the server serves it.
    pub source: String,
    /// The verifier key; default: the one in the state file, else the log's own (trusted once).
    pub key: Option<String>,
    /// Where to remember the last verified checkpoint.
    pub state: PathBuf,
    /// Events (by `seq`) whose inclusion to prove.
    pub events: Vec<u64>,
    /// Write every file fetched into this directory (an offline copy a later run can verify).
    pub mirror: Option<PathBuf>,
    /// Show a progress bar.
    pub progress: bool,
}

/// What a successful run established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The log's origin.
    pub origin: String,
    /// Entries verified.
    pub size: u64,
    /// Root hash, base64.
    pub root: String,
    /// The size at the previous run, if any (the log was shown consistent with it).
    pub previous_size: Option<u64>,
    /// The public form of each event asked for.
    pub entries: Vec<(u64, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    origin: String,
    key: String,
    size: u64,
    root: String,
}

struct Source {
    base: String,
    agent: Option<ureq::Agent>,
    mirror: Option<PathBuf>,
}

impl Source {
    fn new(base: &str, mirror: Option<PathBuf>) -> Self {
        let online = base.starts_with("http://") || base.starts_with("https://");
        let agent = online.then(|| {
            ureq::Agent::config_builder()
                .timeout_global(Some(std::time::Duration::from_secs(60)))
                .http_status_as_error(false)
                .build()
                .new_agent()
        });
        Self {
            base: base.trim_end_matches('/').to_owned(),
            agent,
            mirror,
        }
    }

    fn online(&self) -> bool {
        self.agent.is_some()
    }

    fn get(&self, path: &str) -> anyhow::Result<Vec<u8>> {
        let bytes = match &self.agent {
            Some(agent) => {
                let url = format!("{}/{path}", self.base);
                let mut resp = agent
                    .get(&url)
                    .call()
                    .with_context(|| format!("fetching {url}"))?;
                if resp.status() != 200 {
                    bail!("fetching {url}: HTTP {}", resp.status());
                }
                resp.body_mut()
                    .with_config()
                    .limit(64 * 1024 * 1024)
                    .read_to_vec()
                    .with_context(|| format!("reading {url}"))?
            }
            None => {
                let p = Path::new(&self.base).join(path);
                std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?
            }
        };
        if let Some(dir) = &self.mirror
            && !path.contains('?')
        {
            let p = dir.join(path);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&p, &bytes).with_context(|| format!("writing {}", p.display()))?;
        }
        Ok(bytes)
    }
}

fn b64hash(s: &str) -> anyhow::Result<Hash> {
    B64.decode(s)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| anyhow!("not a base64 SHA-256 hash: {s}"))
}

#[derive(Deserialize)]
struct ProofJson {
    proof: Vec<String>,
}

/// Runs the verification. Blocking (it may fetch thousands of tiles); call it off async threads.
pub fn run(opts: &Options) -> anyhow::Result<Report> {
    let src = Source::new(&opts.source, opts.mirror.clone());
    let state: Option<State> = match std::fs::read_to_string(&opts.state) {
        Ok(s) => Some(serde_json::from_str(&s).with_context(|| format!("reading {}", opts.state.display()))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", opts.state.display())),
    };
    // The key: given, remembered, or the log's own (trusted on first use, and said so).
    let served_key = String::from_utf8(src.get("log/key")?).context("the log's key is not text")?;
    let key = match (&opts.key, &state) {
        (Some(k), _) => k.clone(),
        (None, Some(s)) => s.key.clone(),
        (None, None) => {
            eprintln!(
                "note: trusting the log's own key on first use: {}",
                served_key.trim()
            );
            served_key.trim().to_owned()
        }
    };
    let verifier = NoteVerifier::parse(&key).map_err(|e| anyhow!("verifier key: {e}"))?;
    let note_bytes = src.get("log/checkpoint")?;
    let note = std::str::from_utf8(&note_bytes).context("the checkpoint is not text")?;
    let text = verifier
        .open(note)
        .map_err(|e| anyhow!("checkpoint signature does not verify: {e}"))?;
    let cp = Checkpoint::parse(text).map_err(|e| anyhow!("checkpoint: {e}"))?;
    if cp.origin != verifier.name() {
        bail!(
            "checkpoint origin {:?} is not the key's name {:?}",
            cp.origin,
            verifier.name()
        );
    }
    if let Some(s) = &state {
        if s.origin != cp.origin {
            bail!("this state file is for log {:?}, not {:?}", s.origin, cp.origin);
        }
        if cp.size < s.size {
            bail!(
                "the log shrank: {} entries now, {} at the last verification",
                cp.size,
                s.size
            );
        }
    }
    let n = cp.size;

    // Every entry, hashed into leaves; the tree recomputed from them.
    let bar = if opts.progress {
        ProgressBar::new(n)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} entries ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("verifying");
    // Grown as entries arrive: the size comes from the log and is not trusted for allocation.
    let mut leaves: Vec<Hash> = Vec::with_capacity(n.min(1 << 20) as usize);
    let mut wanted: HashMap<u64, String> = opts
        .events
        .iter()
        .map(|s| (s.saturating_sub(1), String::new()))
        .collect();
    let bundles = n.div_ceil(tiles::TILE_WIDTH);
    for t in 0..bundles {
        let width = (n - t * tiles::TILE_WIDTH).min(tiles::TILE_WIDTH);
        let tile = Tile {
            level: 0,
            index: t,
            width: width as u16,
            entries: true,
        };
        let bytes = src.get(&format!("log/{}", tile.path()))?;
        let entries = tiles::decode_bundle(&bytes).map_err(|e| anyhow!("{}: {e}", tile.path()))?;
        if entries.len() as u64 != width {
            bail!(
                "{} holds {} entries, the checkpoint needs {width}",
                tile.path(),
                entries.len()
            );
        }
        for (i, e) in entries.iter().enumerate() {
            let index = t * tiles::TILE_WIDTH + i as u64;
            if let Some(slot) = wanted.get_mut(&index) {
                *slot = String::from_utf8_lossy(e).into_owned();
            }
            leaves.push(merkle::leaf_hash(e));
        }
        bar.inc(width);
    }
    bar.set_message("recomputing");

    // Recompute every node of the tile levels (0, 8, 16, …) and the roots asked for.
    let mut frontier: HashMap<NodeId, Hash> = HashMap::new();
    let mut tile_levels: HashMap<u8, Vec<Hash>> = HashMap::new();
    let mut previous_root = None;
    for (i, leaf) in leaves.iter().enumerate() {
        let size = i as u64;
        if state.as_ref().is_some_and(|s| s.size == size) {
            previous_root = Some(root_of_frontier(size, &frontier)?);
        }
        let f: Vec<(NodeId, Hash)> = merkle::frontier(size)
            .into_iter()
            .map(|id| {
                frontier
                    .get(&id)
                    .map(|h| (id, *h))
                    .ok_or_else(|| anyhow!("internal: frontier"))
            })
            .collect::<anyhow::Result<_>>()?;
        for (id, h) in merkle::append(size, &f, std::slice::from_ref(leaf)).map_err(|e| anyhow!("{e}"))? {
            if id.level % tiles::TILE_HEIGHT == 0 {
                tile_levels.entry(id.level).or_default().push(h);
            }
            frontier.insert(id, h);
        }
        // Keep only what a later append can need.
        if i % 4096 == 4095 {
            let keep: std::collections::HashSet<NodeId> = merkle::frontier(size + 1).into_iter().collect();
            frontier.retain(|id, _| keep.contains(id));
        }
    }
    let root = root_of_frontier(n, &frontier)?;
    if state.as_ref().is_some_and(|s| s.size == n) {
        previous_root = Some(root);
    }
    if root != cp.root {
        bail!(
            "the {n} entries do not produce the signed root: recomputed {}, checkpoint says {}",
            B64.encode(root),
            B64.encode(cp.root)
        );
    }
    // Every hash tile must hold exactly the recomputed nodes.
    let mut levels: Vec<_> = tile_levels.into_iter().collect();
    levels.sort_by_key(|(l, _)| *l);
    for (level, hashes) in &levels {
        let tile_level = level / tiles::TILE_HEIGHT;
        let count = hashes.len() as u64;
        for t in 0..count.div_ceil(tiles::TILE_WIDTH) {
            let width = (count - t * tiles::TILE_WIDTH).min(tiles::TILE_WIDTH);
            let tile = Tile {
                level: tile_level,
                index: t,
                width: width as u16,
                entries: false,
            };
            let bytes = src.get(&format!("log/{}", tile.path()))?;
            let start = (t * tiles::TILE_WIDTH) as usize;
            let expected: Vec<u8> = hashes[start..start + width as usize].concat();
            if bytes != expected {
                bail!("tile {} does not match the entries", tile.path());
            }
        }
    }
    bar.finish_and_clear();

    // The log still holds what it held at the last run.
    if let Some(s) = &state {
        let expected = b64hash(&s.root)?;
        match previous_root {
            Some(r) if r == expected => {}
            _ => bail!(
                "the log is not consistent with the checkpoint verified before (size {}): history was rewritten",
                s.size
            ),
        }
    }

    // Inclusion of the events asked for, with the log's own proofs when online.
    let mut entries = Vec::new();
    for seq in &opts.events {
        let index = seq
            .checked_sub(1)
            .ok_or_else(|| anyhow!("event numbers start at 1"))?;
        if index >= n {
            bail!("event {seq} is not in the log (it has {n} entries)");
        }
        if src.online() {
            let body = src.get(&format!("api/v1/log/proof/inclusion?index={index}&size={n}"))?;
            let p: ProofJson = serde_json::from_slice(&body).context("inclusion proof")?;
            let proof = p
                .proof
                .iter()
                .map(|h| b64hash(h))
                .collect::<anyhow::Result<Vec<_>>>()?;
            merkle::verify_inclusion(index, n, &leaves[index as usize], &proof, &root)
                .map_err(|e| anyhow!("inclusion proof of event {seq}: {e}"))?;
        }
        entries.push((*seq, wanted.remove(&index).unwrap_or_default()));
    }

    let new_state = State {
        origin: cp.origin.clone(),
        key,
        size: n,
        root: B64.encode(root),
    };
    let tmp = opts.state.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&new_state)?)
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &opts.state).with_context(|| format!("writing {}", opts.state.display()))?;
    if let Some(dir) = &opts.mirror {
        // Keep the exact checkpoint and key so the copy verifies on its own.
        std::fs::write(dir.join("log/checkpoint"), &note_bytes)?;
        std::fs::write(dir.join("log/key"), served_key.as_bytes())?;
    }
    Ok(Report {
        origin: cp.origin,
        size: n,
        root: B64.encode(root),
        previous_size: state.map(|s| s.size),
        entries,
    })
}

fn root_of_frontier(size: u64, nodes: &HashMap<NodeId, Hash>) -> anyhow::Result<Hash> {
    let hashes = merkle::frontier(size)
        .iter()
        .map(|id| {
            nodes
                .get(id)
                .copied()
                .ok_or_else(|| anyhow!("internal: frontier node {id:?}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(merkle::root_from_frontier(&hashes))
}

/// The largest transcript `lelang verify ceremony` reads (a ceremony of 255 members is ~1 MB).
const MAX_TRANSCRIPT_BYTES: u64 = 8 * 1024 * 1024;

/// The bytes of a published document: fetched from a URL or read from a file, at most `limit`.
fn fetch(source: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
    if source.starts_with("http://") || source.starts_with("https://") {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .new_agent();
        let mut resp = agent
            .get(source)
            .call()
            .with_context(|| format!("fetching {source}"))?;
        if resp.status() != 200 {
            bail!("fetching {source}: HTTP {}", resp.status());
        }
        Ok(resp
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .with_context(|| format!("reading {source}"))?)
    } else {
        let mut b = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::fs::File::open(source).with_context(|| format!("reading {source}"))?,
                limit + 1,
            ),
            &mut b,
        )?;
        if b.len() as u64 > limit {
            bail!("{source} is larger than {limit} bytes");
        }
        Ok(b)
    }
}

/// Checks a key ceremony's published transcript (a URL or a file) from nothing but itself; the
/// summary on success, an error naming what does not hold otherwise.
pub fn ceremony(source: &str) -> anyhow::Result<String> {
    use lelang_core::sealing::transcript::{self, Transcript};
    let bytes = fetch(source, MAX_TRANSCRIPT_BYTES)?;
    let t: Transcript =
        serde_json::from_slice(&bytes).with_context(|| format!("{source} is not a ceremony transcript"))?;
    let v = transcript::verify(&t).map_err(|e| anyhow!("the ceremony does not hold: {e}"))?;
    let state = match &t.recipient {
        Some(r) => format!(
            "completed: every member confirmed the tender key {r} (fingerprint {})",
            lelang_core::sealing::fingerprint(r)
        ),
        None => format!(
            "not complete: {} of {} members confirmed so far",
            v.confirmed.len(),
            t.members.len()
        ),
    };
    Ok(format!(
        "ceremony {} of tender {} verified: {}-of-{}, {} dealings each proven and signed\ntranscript sha256 {}\n{state}",
        t.ceremony,
        t.package,
        t.threshold,
        t.members.len(),
        t.dealings.len(),
        v.transcript_sha256,
    ))
}

/// The largest award record `lelang verify award` reads (a few hundred bytes per bid).
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// Checks a published award (a URL or a file saved from `GET /api/v1/tenders/{id}/award`) against
/// its own figures and the ranking rule; with bid archives (a bidder's own, or every one for an
/// auditor), also that each archive is the one the opening decrypted and that its schedule
/// corrects to the published price. The summary on success; every step that differs otherwise.
pub fn award(source: &str, archives: &[std::path::PathBuf]) -> anyhow::Result<String> {
    use lelang_core::evaluation::rank::{self, AwardRecord, BidStatus, Discrepancy};
    use sha2::{Digest, Sha256};
    let bytes = fetch(source, MAX_RECORD_BYTES)?;
    let r: AwardRecord =
        serde_json::from_slice(&bytes).with_context(|| format!("{source} is not an award record"))?;
    let mut problems: Vec<String> = rank::verify(&r).iter().map(Discrepancy::to_string).collect();
    for path in archives {
        let plain = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let sha = lelang_trust::seal::hex(&Sha256::digest(&plain));
        let manifest = lelang_app::opening::manifest_of(std::io::Cursor::new(&plain))
            .map_err(|e| anyhow!("{}: {e}", path.display()))?;
        let Some(b) = r.bids.iter().find(|b| b.vendor_id == manifest.vendor) else {
            problems.push(format!(
                "{}: the record has no bid of company {}",
                path.display(),
                manifest.vendor
            ));
            continue;
        };
        if b.plaintext_sha256.as_deref() != Some(sha.as_str()) {
            problems.push(format!(
                "{}: not the archive the opening decrypted for bid {} (sha256 {sha})",
                path.display(),
                b.bid_id
            ));
            continue;
        }
        match &manifest.schedule {
            Some(s) => problems.extend(
                rank::verify_schedule(&r, b.bid_id, s)
                    .iter()
                    .map(|d| d.to_string()),
            ),
            None => problems.push(format!("{}: the archive has no price schedule", path.display())),
        }
    }
    if !problems.is_empty() {
        bail!(
            "the award of tender {} does not hold:\n  {}",
            r.package_id,
            problems.join("\n  ")
        );
    }
    let ranked = r
        .bids
        .iter()
        .filter(|b| matches!(b.status, BidStatus::Ranked { .. }))
        .count();
    let outcome = match (r.winner, r.failure) {
        (Some(w), _) => {
            let price = r.bids.iter().find(|b| b.bid_id == w).and_then(|b| b.corrected);
            format!(
                "winner bid {w} at a corrected Rp {}, {} reserve(s)",
                price.map_or("-".into(), |p| p.to_string()),
                r.reserves.len()
            )
        }
        (None, Some(f)) => format!("failed: {}", lelang_core::rules::code(&f)),
        (None, None) => "no outcome".into(),
    };
    Ok(format!(
        "award of tender {} verified under {} ({}): {} bid(s), {ranked} ranked; {outcome}\nranking rule: {}\n{} bid archive(s) checked against the opening and their corrections",
        r.package_id,
        r.rule_set,
        lelang_core::rules::code(&r.method),
        r.bids.len(),
        r.ranking_rule,
        archives.len()
    ))
}
