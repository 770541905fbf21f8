//! `lelang`: serve, migrate, load the demo, create the first administrator.

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use lelang::{Settings, demo, open_store, serve};
use lelang_web::WebConfig;
use serde::Deserialize;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

/// lelang: e-procurement for Indonesian regencies — sealed bids, a public verifiable log, open data.
#[derive(Parser, Debug)]
#[command(name = "lelang", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve lelang (creates ./lelang-data with SQLite on first start).
    Serve(ServeArgs),
    /// Load the demo (two regencies, every role, vendors) and serve it.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Load the demo and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply the database migrations and exit.
    Migrate(ServeArgs),
    /// Verify a lelang transparency log from the outside: signature, every entry and tile, the
    /// root, consistency with the last run, and the inclusion of chosen events.
    #[command(args_conflicts_with_subcommands = true)]
    Verify {
        /// What else to verify (a bid receipt's proof bundle).
        #[command(subcommand)]
        what: Option<VerifyCommand>,
        /// The server's base URL (http://… or https://…), or a directory with its log/ copied.
        #[arg(required = true)]
        source: Option<String>,
        /// The log's verifier key (<name>+<id>+<key>). Default: the one remembered in the state
        /// file, else the log's own, trusted on first use.
        #[arg(long)]
        key: Option<String>,
        /// The state file that remembers the last verified checkpoint.
        #[arg(long, default_value = "lelang-verify.state")]
        state: PathBuf,
        /// An event number (seq) whose inclusion to prove; repeatable.
        #[arg(long = "event")]
        events: Vec<u64>,
        /// Copy everything fetched into this directory (verifiable offline later).
        #[arg(long)]
        mirror: Option<PathBuf>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// A pokja member's sealing key: make it, enrol it, deal and check in a tender's key ceremony.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// A pokja member's part in opening a tender's bids.
    #[command(subcommand)]
    Bids(BidsCommand),
    /// A company's sealed bid: seal it, submit it (commit, then upload), fetch its proof.
    #[command(subcommand)]
    Bid(BidCommand),
    /// A law-enforcement case's file (for its officers and the regency's auditor; the API
    /// token comes from LELANG_TOKEN): the case, its scope's events in clear with their inclusion
    /// proofs in a signed checkpoint, and its documents. Check it with `lelang verify case-file`.
    CaseFile {
        /// The server's base URL.
        #[arg(long)]
        server: String,
        /// The regency's URL name.
        #[arg(long)]
        regency: String,
        /// The case's id.
        #[arg(long)]
        case: String,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Export the public record in bulk.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Create the first platform administrator (password from LELANG_ADMIN_PASSWORD or stdin).
    CreateAdmin {
        #[command(flatten)]
        serve: ServeArgs,
        /// Sign-in name.
        #[arg(long, default_value = "admin")]
        username: String,
        /// Display name.
        #[arg(long, default_value = "Administrator Platform")]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// Every OCDS 1.1.5 release (or record) as JSON Lines, streamed, gzip-compressed when the
    /// output ends in .gz or with --gzip.
    Ocds {
        #[command(flatten)]
        serve: ServeArgs,
        /// Where to write (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Records (releases and compiled release per process) instead of releases.
        #[arg(long)]
        records: bool,
        /// Lines of packages of N releases (records) each, instead of one release per line.
        #[arg(long, default_value_t = 0)]
        package_size: usize,
        /// Compress with gzip (implied by an output name ending in .gz).
        #[arg(long)]
        gzip: bool,
        /// Only this regency's processes (its URL name).
        #[arg(long)]
        regency: Option<String>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
}

/// Things `lelang verify` checks besides the whole log.
#[derive(Subcommand, Debug)]
enum VerifyCommand {
    /// A tender's key ceremony, from its published transcript (a server's base URL and the
    /// package id, or a file saved from `GET /api/v1/tenders/{id}/ceremony`), without trusting
    /// the server: every member's keys, every dealer's proof of knowledge and signature, every
    /// member's signed confirmation of exactly this transcript and key.
    Ceremony {
        /// `https://server/api/v1/tenders/{id}/ceremony`, or a file.
        transcript: String,
    },
    /// A bid's proof bundle (from `GET /api/v1/tenders/{id}/bids/{bid}/proof`), offline: the
    /// receipt's and the closing checkpoint's signatures, both entries' inclusion, and that the
    /// commitment lies before the tender's closing.
    Receipt {
        /// The bundle (JSON).
        bundle: PathBuf,
        /// The log's verifier key, as the regency publishes it. Without it the bundle's own key
        /// is used and the output says so.
        #[arg(long)]
        key: Option<String>,
    },
    /// A tender's published award (`https://server/api/v1/tenders/{id}/award` or a saved file),
    /// offline: the ranking recomputed from its figures and the rule applied, every price limit
    /// and failure reason that its figures decide; with `--bid`, each bid archive (a bidder's own
    /// plaintext, or all of them for an auditor) hashes to what the opening logged and its
    /// schedule corrects to the published price.
    Award {
        /// The record: a URL or a file.
        record: String,
        /// A decrypted bid archive (ZIP with `manifest.json`); repeat for several.
        #[arg(long = "bid")]
        bids: Vec<PathBuf>,
    },
    /// A case file (from `lelang case-file`), offline: the checkpoint's signature, every event's
    /// content against its log entry and the entry's inclusion, every event within the case's
    /// scope, every document's hash and that a logged event names it.
    CaseFile {
        /// The case file (JSON).
        file: PathBuf,
        /// The log's verifier key, as the regency publishes it. Without it the file's own key is
        /// used and the output says so.
        #[arg(long)]
        key: Option<String>,
    },
}

/// Where the member's server and identity are. The API token comes from `LELANG_TOKEN`.
#[derive(Args, Debug, Clone)]
struct MemberArgs {
    /// The lelang server's base URL.
    #[arg(long, env = "LELANG_SERVER")]
    server: String,
    /// The age identity file. Without it, the identity kept on the server, opened with the
    /// passphrase from LELANG_PASSPHRASE.
    #[arg(long)]
    identity: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum KeysCommand {
    /// Make a new age identity file (readable by you only) and print its recipient.
    New {
        /// Where to write it (must not exist).
        #[arg(long)]
        identity: PathBuf,
    },
    /// Enrol your identity's recipient; with --keep-on-server, also a copy sealed under the
    /// passphrase from LELANG_PASSPHRASE (the server cannot open it).
    Enrol {
        #[command(flatten)]
        member: MemberArgs,
        /// Keep a passphrase-sealed copy on the server.
        #[arg(long)]
        keep_on_server: bool,
    },
    /// The fingerprint of your keys, computed here from your identity: read it out to your
    /// pokja in person, and compare it with the one the ceremony page shows for you.
    Fingerprint {
        #[command(flatten)]
        member: MemberArgs,
    },
    /// Deal your sub-shares in a tender's key ceremony (TENDER = regency/package-id).
    Deal {
        #[command(flatten)]
        member: MemberArgs,
        /// regency/package-id
        tender: String,
    },
    /// Check the sub-shares you received and confirm, or prove that a dealer cheated.
    Check {
        #[command(flatten)]
        member: MemberArgs,
        /// regency/package-id
        tender: String,
    },
}

/// The company's server and token (`LELANG_TOKEN`).
#[derive(Args, Debug, Clone)]
struct VendorArgs {
    /// The lelang server's base URL.
    #[arg(long, env = "LELANG_SERVER")]
    server: String,
    /// The tender (package id).
    #[arg(long)]
    tender: String,
}

#[derive(Subcommand, Debug)]
enum BidCommand {
    /// Seal the bid's parts and manifest to the tender's key (taken from the server).
    Seal {
        #[command(flatten)]
        vendor: VendorArgs,
        /// Administrative documents (one file, e.g. a PDF or a ZIP).
        #[arg(long)]
        administrative: PathBuf,
        /// Technical documents.
        #[arg(long)]
        technical: PathBuf,
        /// Price documents.
        #[arg(long)]
        price_document: PathBuf,
        /// The price offered, in rupiah.
        #[arg(long)]
        price: i64,
        /// The price schedule as JSON (corrected arithmetically at the evaluation).
        #[arg(long)]
        schedule: Option<PathBuf>,
        /// Where to write the sealed file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Commit to a sealed file before the deadline and upload it (resumes an earlier upload with
    /// --bid); the signed receipt is written beside the file.
    Submit {
        #[command(flatten)]
        vendor: VendorArgs,
        /// The sealed file.
        file: PathBuf,
        /// Continue the upload of this commitment instead of committing again.
        #[arg(long)]
        bid: Option<String>,
    },
    /// After the deadline: the offline proof that the commitment was on time.
    Proof {
        #[command(flatten)]
        vendor: VendorArgs,
        /// The commitment (bid id).
        #[arg(long)]
        bid: String,
        /// Where to write the bundle.
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum BidsCommand {
    /// Compute and send your partial decryptions, with proofs, for every bid of the opening.
    Partial {
        #[command(flatten)]
        member: MemberArgs,
        /// regency/package-id
        tender: String,
    },
}

fn member_session(m: &MemberArgs) -> anyhow::Result<(lelang::member::Client, age::x25519::Identity)> {
    let token = std::env::var("LELANG_TOKEN").context("set LELANG_TOKEN to your API token")?;
    let client = lelang::member::Client::new(&m.server, &token);
    let passphrase;
    let source = match &m.identity {
        Some(p) => lelang::member::IdentitySource::File(p),
        None => {
            passphrase = std::env::var("LELANG_PASSPHRASE")
                .context("give --identity FILE, or LELANG_PASSPHRASE for the identity kept on the server")?;
            lelang::member::IdentitySource::Server(&passphrase)
        }
    };
    let id = lelang::member::identity(&client, &source)?;
    Ok((client, id))
}

fn run_member(cmd: Command) -> anyhow::Result<()> {
    let line = match cmd {
        Command::Keys(KeysCommand::New { identity }) => {
            let id = lelang::member::new_identity_file(&identity)?;
            format!("wrote {}; recipient {}", identity.display(), id.to_public())
        }
        Command::Keys(KeysCommand::Enrol {
            member,
            keep_on_server,
        }) => {
            let token = std::env::var("LELANG_TOKEN").context("set LELANG_TOKEN to your API token")?;
            let client = lelang::member::Client::new(&member.server, &token);
            let path = member
                .identity
                .context("give --identity FILE (make one with `lelang keys new`)")?;
            let id = lelang::member::read_identity_file(&path)?;
            let passphrase = if keep_on_server {
                Some(
                    std::env::var("LELANG_PASSPHRASE")
                        .context("set LELANG_PASSPHRASE to seal the copy kept on the server")?,
                )
            } else {
                None
            };
            lelang::member::enrol(&client, &id, passphrase.as_deref())?
        }
        Command::Keys(KeysCommand::Fingerprint { member }) => {
            // From a file, offline; else the kept copy, fetched with the token.
            let id = match &member.identity {
                Some(p) => lelang::member::read_identity_file(p)?,
                None => member_session(&member)?.1,
            };
            format!("{}  {}", lelang::member::fingerprint(&id), id.to_public())
        }
        Command::Keys(KeysCommand::Deal { member, tender }) => {
            let (client, id) = member_session(&member)?;
            lelang::member::deal(&client, &tender, &id)?
        }
        Command::Keys(KeysCommand::Check { member, tender }) => {
            let (client, id) = member_session(&member)?;
            lelang::member::check(&client, &tender, &id)?
        }
        Command::Bids(BidsCommand::Partial { member, tender }) => {
            let (client, id) = member_session(&member)?;
            lelang::member::partials(&client, &tender, &id)?
        }
        Command::Bid(cmd) => {
            let token = std::env::var("LELANG_TOKEN").context("set LELANG_TOKEN to your API token")?;
            match cmd {
                BidCommand::Seal {
                    vendor,
                    administrative,
                    technical,
                    price_document,
                    price,
                    schedule,
                    out,
                } => {
                    let client = lelang::member::Client::new(&vendor.server, &token);
                    let parts = lelang::vendor::Parts {
                        administrative: &administrative,
                        technical: &technical,
                        price_document: &price_document,
                        price,
                        schedule: schedule.as_deref(),
                    };
                    lelang::vendor::seal(&client, &vendor.tender, &parts, &out)?
                }
                BidCommand::Submit { vendor, file, bid } => {
                    let client = lelang::member::Client::new(&vendor.server, &token);
                    lelang::vendor::submit(&client, &vendor.tender, &file, bid.as_deref())?
                }
                BidCommand::Proof { vendor, bid, out } => {
                    let client = lelang::member::Client::new(&vendor.server, &token);
                    lelang::vendor::proof(&client, &vendor.tender, &bid, &out)?
                }
            }
        }
        Command::CaseFile {
            server,
            regency,
            case,
            out,
        } => {
            let token = std::env::var("LELANG_TOKEN").context("set LELANG_TOKEN to your API token")?;
            let client = lelang::member::Client::new(&server, &token);
            let file = client.get(&format!("/api/v1/tenants/{regency}/cases/{case}/file"))?;
            std::fs::write(&out, serde_json::to_vec(&file)?)
                .with_context(|| format!("writing {}", out.display()))?;
            format!("case file written to {}", out.display())
        }
        _ => bail!("not a member command"),
    };
    println!("{line}");
    Ok(())
}

/// Options shared by every command; each is also an environment variable and a key of the
/// optional TOML file (`--config`, or `./lelang.toml` when present). Precedence: flag, variable,
/// file, default.
#[derive(Args, Debug, Clone, Default)]
struct ServeArgs {
    /// TOML configuration file.
    #[arg(long, env = "LELANG_CONFIG")]
    config: Option<PathBuf>,
    /// Data folder (SQLite database and documents). Default: ./lelang-data
    #[arg(long, env = "LELANG_DATA")]
    data: Option<PathBuf>,
    /// Address to listen on. Default: 127.0.0.1:8080
    #[arg(long, env = "LELANG_LISTEN")]
    listen: Option<SocketAddr>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB. Default: SQLite in the data folder.
    #[arg(long, env = "LELANG_DATABASE")]
    database: Option<String>,
    /// Send cookies without the Secure flag (only for plain HTTP on a host other than localhost).
    #[arg(long, env = "LELANG_INSECURE_COOKIES", num_args = 0..=1, default_missing_value = "true")]
    insecure_cookies: Option<bool>,
    /// Take client addresses from X-Forwarded-For (only behind a trusted reverse proxy).
    #[arg(long, env = "LELANG_TRUST_FORWARDED_FOR", num_args = 0..=1, default_missing_value = "true")]
    trust_forwarded_for: Option<bool>,
    /// Log format: text or json.
    #[arg(long, env = "LELANG_LOG_FORMAT")]
    log_format: Option<String>,
    /// The transparency log's signing key file. Default: <data>/log-signing.key (created on
    /// first start, readable by its owner only).
    #[arg(long, env = "LELANG_LOG_KEY")]
    log_key: Option<PathBuf>,
    /// The transparency log's origin line, its public name (e.g. lpse.banyuwangikab.go.id/lelang).
    /// Default: <hostname>/lelang, or the name in an existing key.
    #[arg(long, env = "LELANG_LOG_ORIGIN")]
    log_origin: Option<String>,
    /// Milliseconds between checkpoints while the log grows. Default: 1000.
    #[arg(long, env = "LELANG_CHECKPOINT_INTERVAL_MS")]
    checkpoint_interval_ms: Option<u64>,
    /// The largest sealed bid accepted, in MiB. Default: 200.
    #[arg(long, env = "LELANG_MAX_BID_MIB")]
    max_bid_mib: Option<u64>,
    /// Commitments and withdrawals a company may make at once, then per minute. Default: 20.
    #[arg(long, env = "LELANG_BID_RATE")]
    bid_rate: Option<u32>,
    /// Upload requests a company may have in flight. Default: 4.
    #[arg(long, env = "LELANG_UPLOADS_PER_VENDOR")]
    uploads_per_vendor: Option<usize>,
    /// The address the public reaches this deployment at (links in the open data are absolute).
    /// Default: http://<listen address>
    #[arg(long, env = "LELANG_PUBLIC_URL")]
    public_url: Option<String>,
    /// The OCID prefix registered for this deployment with the Open Contracting Partnership
    /// (ocids are ocds-<prefix>-<package id>). Default: lelang
    #[arg(long, env = "LELANG_OCID_PREFIX")]
    ocid_prefix: Option<String>,
    /// The publisher named in every OCDS package. Default: lelang
    #[arg(long, env = "LELANG_PUBLISHER")]
    publisher: Option<String>,
    /// Expensive jobs (password hashing, plan files, bid decryption) run at once, per kind.
    /// Default: one per core.
    #[arg(long, env = "LELANG_WORKERS")]
    workers: Option<usize>,
    /// Expensive jobs that may wait for a worker before requests are told to come back (503).
    /// Default: 32.
    #[arg(long, env = "LELANG_WORK_QUEUE")]
    work_queue: Option<usize>,
    /// Company sign-ups one client address may make per hour (ten at once). Default: 30.
    #[arg(long, env = "LELANG_SIGN_UPS_PER_HOUR")]
    sign_ups_per_hour: Option<u32>,
}

/// The TOML file: the same keys as the flags.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    data: Option<PathBuf>,
    listen: Option<SocketAddr>,
    database: Option<String>,
    insecure_cookies: Option<bool>,
    trust_forwarded_for: Option<bool>,
    log_format: Option<String>,
    log_key: Option<PathBuf>,
    log_origin: Option<String>,
    checkpoint_interval_ms: Option<u64>,
    max_bid_mib: Option<u64>,
    bid_rate: Option<u32>,
    uploads_per_vendor: Option<usize>,
    public_url: Option<String>,
    ocid_prefix: Option<String>,
    publisher: Option<String>,
    workers: Option<usize>,
    work_queue: Option<usize>,
    sign_ups_per_hour: Option<u32>,
}

fn resolve(args: &ServeArgs) -> anyhow::Result<(Settings, String)> {
    let path = args.config.clone().or_else(|| {
        let p = PathBuf::from("lelang.toml");
        p.exists().then_some(p)
    });
    let file: FileConfig = match &path {
        Some(p) => {
            toml::from_str(&std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?)
                .with_context(|| format!("parsing {}", p.display()))?
        }
        None => FileConfig::default(),
    };
    let web = WebConfig {
        cookie_secure: !args.insecure_cookies.or(file.insecure_cookies).unwrap_or(false),
        trust_forwarded_for: args
            .trust_forwarded_for
            .or(file.trust_forwarded_for)
            .unwrap_or(false),
        ..WebConfig::default()
    };
    let defaults = WebConfig::default();
    let rate = args.bid_rate.or(file.bid_rate).unwrap_or(defaults.bid_burst);
    let web = WebConfig {
        max_bid_bytes: args
            .max_bid_mib
            .or(file.max_bid_mib)
            .map_or(defaults.max_bid_bytes, |m| m.saturating_mul(1024 * 1024)),
        bid_burst: rate,
        bid_per_minute: rate,
        uploads_per_vendor: args
            .uploads_per_vendor
            .or(file.uploads_per_vendor)
            .unwrap_or(defaults.uploads_per_vendor),
        workers: args.workers.or(file.workers).unwrap_or(defaults.workers),
        work_queue: args.work_queue.or(file.work_queue).unwrap_or(defaults.work_queue),
        sign_ups_per_hour: args
            .sign_ups_per_hour
            .or(file.sign_ups_per_hour)
            .unwrap_or(defaults.sign_ups_per_hour),
        ..web
    };
    let data = args
        .data
        .clone()
        .or(file.data)
        .unwrap_or_else(|| PathBuf::from("lelang-data"));
    let listen = args
        .listen
        .or(file.listen)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let publication = lelang_ocds::Publication::new(
        &args
            .ocid_prefix
            .clone()
            .or(file.ocid_prefix)
            .unwrap_or_else(|| "lelang".into()),
        &args
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{listen}")),
        &args
            .publisher
            .clone()
            .or(file.publisher)
            .unwrap_or_else(|| "lelang".into()),
    )?;
    let web = WebConfig {
        documents_dir: data.join("documents"),
        publication,
        ..web
    };
    let settings = Settings {
        data,
        database: args.database.clone().or(file.database),
        listen,
        web,
        log_key: args.log_key.clone().or(file.log_key),
        log_origin: args.log_origin.clone().or(file.log_origin),
        checkpoint_interval: std::time::Duration::from_millis(
            args.checkpoint_interval_ms
                .or(file.checkpoint_interval_ms)
                .unwrap_or(1000)
                .max(10),
        ),
    };
    let log = args
        .log_format
        .clone()
        .or(file.log_format)
        .unwrap_or_else(|| "text".into());
    if log != "text" && log != "json" {
        bail!("log format must be text or json");
    }
    Ok((settings, log))
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LELANG_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// glibc raises its mmap threshold to the size of the largest block freed, so after the first
/// argon2 hash (19 MiB) such blocks come from the heap and stay there: a burst of sign-ins left
/// the server at its peak (480 MiB measured, 84 MiB with this; tests/load.rs). A fixed threshold
/// keeps blocks of 1 MiB and more in their own mappings, returned to the system when freed.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it takes the allocator's own locks.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    return_large_blocks_to_the_system();
    let cli = Cli::parse();
    if matches!(
        cli.command,
        Command::Keys(_) | Command::Bids(_) | Command::Bid(_) | Command::CaseFile { .. }
    ) {
        let cmd = cli.command;
        return tokio::task::spawn_blocking(move || run_member(cmd)).await?;
    }
    if let Command::Verify {
        what: Some(VerifyCommand::Ceremony { transcript }),
        ..
    } = &cli.command
    {
        println!("{}", lelang::verify::ceremony(transcript)?);
        return Ok(());
    }
    if let Command::Verify {
        what: Some(VerifyCommand::Award { record, bids }),
        ..
    } = &cli.command
    {
        println!("{}", lelang::verify::award(record, bids)?);
        return Ok(());
    }
    if let Command::Verify {
        what: Some(VerifyCommand::CaseFile { file, key }),
        ..
    } = &cli.command
    {
        let mut bytes = Vec::new();
        std::fs::File::open(file)
            .and_then(|f| {
                let limit = lelang_core::case::file::MAX_FILE_BYTES as u64 + 1;
                std::io::Read::read_to_end(&mut std::io::Read::take(f, limit), &mut bytes)
            })
            .with_context(|| format!("reading {}", file.display()))?;
        let f = lelang_core::case::file::CaseFile::parse(&bytes)
            .with_context(|| format!("{} is not a case file", file.display()))?;
        let pinned = key.is_some();
        let key = key.clone().unwrap_or_else(|| f.log_key.clone());
        let v = f.verify(&key).map_err(|e| anyhow::anyhow!("not proven: {e}"))?;
        println!(
            "case file verified: case {}, {} events proven in the checkpoint of size {}, {} documents intact",
            v.number, v.events, v.size, v.documents
        );
        if !pinned {
            println!(
                "warning: checked against the key in the file ({key}); compare it with the regency's published key or pass --key"
            );
        }
        return Ok(());
    }
    if let Command::Verify {
        what: Some(VerifyCommand::Receipt { bundle, key }),
        ..
    } = &cli.command
    {
        let mut bytes = Vec::new();
        std::fs::File::open(bundle)
            .and_then(|f| {
                let limit = lelang_core::submission::MAX_BUNDLE_BYTES as u64 + 1;
                std::io::Read::read_to_end(&mut std::io::Read::take(f, limit), &mut bytes)
            })
            .with_context(|| format!("reading {}", bundle.display()))?;
        let b = lelang_core::submission::ProofBundle::parse(&bytes)
            .with_context(|| format!("{} is not a proof bundle", bundle.display()))?;
        let pinned = key.is_some();
        let key = key.clone().unwrap_or_else(|| b.log_key.clone());
        let p = lelang_core::submission::verify_bundle(&b, &key)
            .map_err(|e| anyhow::anyhow!("not proven: {e}"))?;
        let r = &p.receipt;
        println!(
            "receipt verified: bid {} of company {} for tender {}\n  sealed file sha256 {} ({} bytes)\n  committed at {} as entry {} of {}\n  before the tender's closing entry {} (closed at {}, checkpoint size {})",
            r.bid.0,
            r.vendor.0,
            r.tender.0,
            r.sha256,
            r.size,
            r.time
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            r.index,
            r.origin,
            p.closing_size - 1,
            p.closed_at,
            p.closing_size
        );
        if !pinned {
            println!(
                "warning: checked against the key in the bundle ({key}); compare it with the regency's published key or pass --key"
            );
        }
        return Ok(());
    }
    if let Command::Verify {
        source: Some(source),
        key,
        state,
        events,
        mirror,
        quiet,
        ..
    } = cli.command
    {
        let opts = lelang::verify::Options {
            source,
            key,
            state,
            events,
            mirror,
            progress: !quiet,
        };
        let report = tokio::task::spawn_blocking(move || lelang::verify::run(&opts)).await??;
        println!(
            "verified {}: {} entries, root {}",
            report.origin, report.size, report.root
        );
        if let Some(prev) = report.previous_size {
            println!("consistent with the {prev} entries verified before");
        }
        for (seq, entry) in &report.entries {
            println!("event {seq} is included: {entry}");
        }
        return Ok(());
    }
    let args = match &cli.command {
        Command::Verify { .. }
        | Command::Keys(_)
        | Command::Bids(_)
        | Command::Bid(_)
        | Command::CaseFile { .. } => {
            unreachable!("handled above")
        }
        Command::Serve(a) | Command::Migrate(a) | Command::Export(ExportCommand::Ocds { serve: a, .. }) => a,
        Command::Demo { serve, .. } | Command::CreateAdmin { serve, .. } => serve,
    };
    let (settings, log) = resolve(args)?;
    init_logs(&log);
    let store = open_store(&settings.database_url(), &settings.data).await?;
    match cli.command {
        Command::Verify { .. }
        | Command::Keys(_)
        | Command::Bids(_)
        | Command::Bid(_)
        | Command::CaseFile { .. } => {
            unreachable!("handled above")
        }
        Command::Migrate(_) => {
            println!(
                "migrated {} ({})",
                settings.database_url().split('@').next_back().unwrap_or(""),
                store.backend()
            );
            Ok(())
        }
        Command::Serve(_) => serve(&settings, store).await,
        Command::Export(ExportCommand::Ocds {
            output,
            records,
            package_size,
            gzip,
            regency,
            quiet,
            ..
        }) => {
            let tenant = match regency {
                Some(slug) => Some(
                    store
                        .tenant_by_slug(&slug)
                        .await?
                        .with_context(|| format!("no regency {slug:?}"))?
                        .id,
                ),
                None => None,
            };
            let opts = lelang::export::Options {
                kind: if records {
                    lelang_web::ocds::ExportKind::Records
                } else {
                    lelang_web::ocds::ExportKind::Releases
                },
                package_size,
                gzip,
                output,
                tenant,
                progress: !quiet,
            };
            let n = lelang::export::ocds(store.as_ref(), settings.web.publication.clone(), &opts).await?;
            eprintln!("exported {n} {}", if records { "records" } else { "releases" });
            Ok(())
        }
        Command::Demo { no_serve, .. } => {
            let documents = lelang_web::blobs::LocalBlobs::new(settings.web.documents_dir.clone());
            let app = lelang_app::App::system(store.clone())?;
            let accounts = demo::load(&app, &documents).await?;
            println!("{}", demo::sign_in_table(&accounts));
            if no_serve {
                Ok(())
            } else {
                serve(&settings, store).await
            }
        }
        Command::CreateAdmin { username, name, .. } => {
            let password = match std::env::var("LELANG_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("Password for {username} (one line on standard input):");
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            lelang_core::password::check_new_password(&password, &[&username, &name])
                .map_err(|e| anyhow::anyhow!("password refused: {e}"))?;
            if store.credentials(&username.to_lowercase()).await?.is_some() {
                bail!("user {username} exists already");
            }
            let hash = lelang_web::auth::hash_password(password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let user = lelang_app::App::system(store.clone())?
                .run(|cx| lelang_core::directory::bootstrap_platform_admin(&username, &name, hash, cx))
                .await?;
            println!("created platform administrator {} ({})", user.username, user.id);
            Ok(())
        }
    }
}
