//! The lelang application: opening the store a URL names, serving the web app, and the demo. The
//! command line in `main.rs` is a thin layer over this, and the end-to-end tests drive it too.

pub mod demo;

use anyhow::{Context, bail};
use lelang_core::clock::{Clock, SystemClock};
use lelang_core::store::Store;
use lelang_store_postgres::PgStore;
use lelang_store_sqlite::SqliteStore;
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
}

impl Settings {
    /// The database URL in force.
    pub fn database_url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("lelang.db").display()))
    }
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
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    web: WebConfig,
) -> anyhow::Result<axum::Router> {
    let state = AppState::new(store, clock, web)
        .await
        .context("preparing the web app")?;
    Ok(lelang_web::router(state))
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn serve(settings: &Settings, store: Arc<dyn Store>) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let router = app(store.clone(), clock.clone(), settings.web.clone()).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    println!("lelang is running at http://{addr}/  (API: http://{addr}/api/v1/docs/)");
    tracing::info!(%addr, backend = store.backend(), "listening");
    let purge = tokio::spawn(purge_sessions(store, clock, settings.web.clone()));
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving")?;
    purge.abort();
    tracing::info!("stopped");
    Ok(())
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
