//! The lelang application: opening the store a URL names, serving the web app, and the demo. The
//! command line in `main.rs` is a thin layer over this, and the end-to-end tests drive it too.

pub mod demo;
pub mod export;
pub mod member;
pub mod vendor;
pub mod verify;

use anyhow::{Context, anyhow, bail};
use lelang_core::clock::Clock;
use lelang_core::store::prelude::*;
use lelang_store_postgres::PgStore;
use lelang_store_sqlite::SqliteStore;
use lelang_trust::note::NoteSigner;
use lelang_web::log::TransparencyLog;
use lelang_web::{AppState, WebConfig};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the data lives and how to serve it.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The data folder: SQLite database (default) and documents.
    pub data: PathBuf,
    /// `sqlite://…` or `postgres://…`; None: SQLite in the data folder.
    pub database: Option<String>,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Web settings.
    pub web: WebConfig,
    /// The log's signing key file; default `<data>/log-signing.key`.
    pub log_key: Option<PathBuf>,
    /// The log's origin line (its public name); default `<hostname>/lelang`, or the name in an
    /// existing key file.
    pub log_origin: Option<String>,
    /// How often the log signs a checkpoint when it grew.
    pub checkpoint_interval: std::time::Duration,
}

impl Settings {
    /// The database URL in force.
    pub fn database_url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("lelang.db").display()))
    }
}

/// The log's signing key: read from `path`, or generated on first start and written with
/// owner-only permissions. The key's name is the log's origin, so a configured origin must match
/// an existing key (changing the origin is a key rotation; see the README).
pub fn load_or_create_log_key(path: &Path, origin: Option<&str>) -> anyhow::Result<NoteSigner> {
    if path.exists() {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let signer = NoteSigner::from_key_string(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        if let Some(o) = origin
            && o != signer.name()
        {
            bail!(
                "the log key {} signs as {:?}, not {o:?}; see README (rotating the log key)",
                path.display(),
                signer.name()
            );
        }
        return Ok(signer);
    }
    let origin = origin.map_or_else(default_origin, str::to_owned);
    let signer = NoteSigner::generate(&origin).map_err(|e| anyhow!("log origin {origin:?}: {e}"))?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    use std::io::Write;
    writeln!(f, "{}", signer.to_key_string())?;
    f.sync_all()?;
    tracing::info!(path = %path.display(), origin = %origin, "generated the log signing key");
    Ok(signer)
}

/// `<hostname>/lelang`: a name that says which deployment a checkpoint comes from.
fn default_origin() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        });
    format!("{}/lelang", host.unwrap_or_else(|| "localhost".into()))
}

/// Opens (creating the data folder for SQLite) and migrates the store the URL names.
pub async fn open_store(url: &str, data: &Path) -> anyhow::Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(PgStore::connect(url).await.context("connecting to PostgreSQL")?)
    } else if let Some(path) = url.strip_prefix("sqlite://") {
        let path = Path::new(path);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        Arc::new(
            SqliteStore::open(path)
                .await
                .with_context(|| format!("opening {}", path.display()))?,
        )
    } else {
        bail!("unsupported database URL (expected sqlite://… or postgres://…)");
    };
    std::fs::create_dir_all(data.join("documents"))
        .with_context(|| format!("creating {}/documents", data.display()))?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// Builds the web application over a store.
pub async fn app(
    app: lelang_app::App,
    web: WebConfig,
    log: Arc<TransparencyLog>,
) -> anyhow::Result<axum::Router> {
    let state = AppState::new(app, web, log)
        .await
        .context("preparing the web app")?;
    Ok(lelang_web::router(state))
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn serve(settings: &Settings, store: Arc<dyn Store>) -> anyhow::Result<()> {
    let app = lelang_app::App::system(store.clone())?;
    let clock = app.clock.clone();
    let key_path = settings
        .log_key
        .clone()
        .unwrap_or_else(|| settings.data.join("log-signing.key"));
    let log = Arc::new(TransparencyLog::new(load_or_create_log_key(
        &key_path,
        settings.log_origin.as_deref(),
    )?));
    let state = AppState::new(app, settings.web.clone(), log.clone())
        .await
        .context("preparing the web app")?;
    // Tenders close at their deadline whether or not anyone asks.
    let closer = tokio::spawn(lelang_app::closing::run_closer(
        state.app.clone(),
        state.committer.clone(),
        state.log.clone(),
    ));
    // The periods after an award end on the log when they pass, whether or not anyone asks.
    let periods = tokio::spawn(lelang_app::period::run_timer(state.app.clone()));
    let dumps = tokio::spawn(lelang_web::ocds::run_dumps(state.clone()));
    let router = lelang_web::router(state);
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    println!(
        "transparency log {}: verifier key {}",
        log.origin(),
        log.verifier_key()
    );
    println!("lelang is running at http://{addr}/  (API: http://{addr}/api/v1/docs/)");
    tracing::info!(%addr, backend = store.backend(), "listening");
    let purge = tokio::spawn(purge_sessions(store.clone(), clock.clone(), settings.web.clone()));
    let checkpoints = tokio::spawn(sign_checkpoints(store, clock, log, settings.checkpoint_interval));
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving")?;
    purge.abort();
    checkpoints.abort();
    closer.abort();
    periods.abort();
    dumps.abort();
    tracing::info!("stopped");
    Ok(())
}

/// Signs a checkpoint whenever the tree grew, at most once per `every`.
async fn sign_checkpoints(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    log: Arc<TransparencyLog>,
    every: std::time::Duration,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = log.checkpoint(store.as_ref(), clock.as_ref()).await {
            tracing::warn!(error = %e, "signing a checkpoint failed");
        }
    }
}

/// Removes timed-out sessions every ten minutes, so the table does not grow without end.
async fn purge_sessions(store: Arc<dyn Store>, clock: Arc<dyn Clock>, web: WebConfig) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = clock.now();
        match store
            .purge_sessions(now - web.session_idle, now - web.session_absolute)
            .await
        {
            Ok(n) if n > 0 => tracing::info!(removed = n, "purged sessions"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging sessions failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
