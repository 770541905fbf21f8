//! What the end-to-end tests share: an app over a fresh store with the demo loaded, and a small
//! cookie-keeping client that drives the router in-process (no sockets, real middleware).

#![allow(dead_code)]

pub mod dishonest;
pub mod ocds;
pub mod server;
pub mod xlsx;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use lelang::demo;
use lelang_core::clock::{Clock, FixedClock};
use lelang_core::store::prelude::*;
use lelang_web::WebConfig;
use std::collections::BTreeMap;
use std::sync::Arc;
use tower::ServiceExt;

/// A user's key (when enrolled during the test) and trusted-device cookie (once trusted).
type Known = (Option<String>, Option<String>);

/// What the test clients of one app know of second factors: the server's clock (to compute
/// codes), each user's key (the demo's, unless the user enrolled during the test) and the cookie
/// of a device trusted to skip the code — as a person's phone and browser would.
pub struct SecondFactors {
    clock: Option<Arc<FixedClock>>,
    known: std::sync::Mutex<BTreeMap<String, Known>>,
}

impl SecondFactors {
    fn new(clock: Option<Arc<FixedClock>>) -> Arc<Self> {
        Arc::new(Self {
            clock,
            known: std::sync::Mutex::new(BTreeMap::new()),
        })
    }

    /// The current code of a key, by the server's clock.
    pub fn code(&self, key: &str) -> String {
        let now = self
            .clock
            .as_ref()
            .map_or_else(time::OffsetDateTime::now_utc, |c| c.now());
        let secret = lelang_core::second_factor::Secret::from_base32(key).expect("a base32 key");
        format!(
            "{:06}",
            lelang_core::second_factor::code(&secret, lelang_core::second_factor::step_at(now))
        )
    }

    /// The trusted-device cookie a user's browser keeps, if any.
    pub fn remembered(&self, username: &str) -> Option<String> {
        self.known
            .lock()
            .expect("lock")
            .get(username)
            .and_then(|(_, c)| c.clone())
    }

    /// Keeps a user's trusted-device cookie.
    pub fn remember(&self, username: &str, cookie: String) {
        self.known
            .lock()
            .expect("lock")
            .entry(username.to_owned())
            .or_default()
            .1 = Some(cookie);
    }

    /// The key a user's authenticator holds.
    pub fn key_of(&self, username: &str) -> String {
        self.known
            .lock()
            .expect("lock")
            .get(username)
            .and_then(|(k, _)| k.clone())
            .unwrap_or_else(|| demo::DEMO_SECOND_FACTOR.to_owned())
    }
}

/// What a test app holds when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Nothing: a migrated, empty store.
    Empty,
    /// The demo's people (regencies, officials, companies and their users, second factors).
    People,
    /// The whole demo: plans, packages and tenders at every stage.
    Demo,
}

/// Chooses what a test app starts with and where.
pub struct Builder {
    start: Start,
    config: WebConfig,
}

impl Builder {
    /// What it starts with (the whole demo unless chosen).
    pub fn start(self, start: Start) -> Self {
        Self { start, ..self }
    }

    /// Web settings of the test's choosing.
    pub fn config(self, config: WebConfig) -> Self {
        Self { config, ..self }
    }

    /// On a fresh SQLite database.
    pub async fn build(self) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("lelang.db").display());
        TestApp::starting_at(url, dir, self.config, self.start).await
    }

    /// On a fresh PostgreSQL database, or `None` after saying that `what` skipped (a failure
    /// instead where CI requires PostgreSQL).
    pub async fn build_on_postgres(self, what: &str) -> Option<TestApp> {
        match lelang_store_postgres::PgStore::create_test_database(&lelang_store_postgres::test_admin_url())
            .await
        {
            Ok(url) => Some(
                TestApp::starting_at(
                    url,
                    tempfile::tempdir().expect("tempdir"),
                    self.config,
                    self.start,
                )
                .await,
            ),
            Err(e) => {
                lelang_store_tests::skip(what, &e.to_string());
                None
            }
        }
    }
}

/// An app under test.
pub struct TestApp {
    pub router: Router,
    /// The use cases over the same store and clock, for tests that act without HTTP.
    pub app: lelang_app::App,
    pub store: Arc<dyn Store>,
    pub clock: Arc<FixedClock>,
    pub log: Arc<lelang_web::log::TransparencyLog>,
    pub db_url: String,
    pub second_factors: Arc<SecondFactors>,
    _dir: tempfile::TempDir,
}

/// The use cases over a store and the tests' clock, seeded by the operating system.
pub fn use_cases(store: &Arc<dyn Store>, clock: &Arc<FixedClock>) -> lelang_app::App {
    let fresh = lelang_core::Fresh::from_os().expect("randomness");
    lelang_app::App::new(store.clone(), clock.clone(), Arc::new(fresh))
}

/// The source of the ids and salts of commands a test decides itself.
static FRESH: lelang_core::Fresh = lelang_core::Fresh::seeded([0x7e; 32]);

/// A command context deciding at `at`, for a test that decides a command without the app.
pub fn cx(at: time::OffsetDateTime) -> lelang_core::Cx<'static> {
    lelang_core::Cx::new(at, &FRESH)
}

/// The instant the tests' clock starts at.
pub fn start_time() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-02 09:00 UTC)
}

impl TestApp {
    /// An app that starts with what the test chooses: nothing, the people, or the whole demo.
    pub fn builder() -> Builder {
        Builder {
            start: Start::Demo,
            config: WebConfig::default(),
        }
    }

    /// A fresh SQLite store with nothing in it: no regency, no user, an empty log.
    pub async fn empty() -> Self {
        Self::builder().start(Start::Empty).build().await
    }

    /// A fresh SQLite store with the demo's people only: who can sign in, no plan or tender.
    pub async fn with_people() -> Self {
        Self::builder().start(Start::People).build().await
    }

    /// A fresh SQLite store with the demo loaded.
    pub async fn with_demo() -> Self {
        Self::with_demo_config(WebConfig::default()).await
    }

    /// The same with web settings of the test's choosing.
    pub async fn with_demo_config(config: WebConfig) -> Self {
        Self::builder().config(config).build().await
    }

    /// The demo on the database at `url` (SQLite or PostgreSQL).
    pub async fn with_demo_at(url: String, dir: tempfile::TempDir, config: WebConfig) -> Self {
        Self::starting_at(url, dir, config, Start::Demo).await
    }

    /// `start` on the database at `url` (SQLite or PostgreSQL).
    async fn starting_at(url: String, dir: tempfile::TempDir, config: WebConfig, start: Start) -> Self {
        let store = lelang::open_store(&url, dir.path()).await.expect("store");
        let clock = Arc::new(FixedClock::new(start_time()));
        let documents = lelang_web::blobs::LocalBlobs::new(dir.path().join("documents"));
        let app = use_cases(&store, &clock);
        let scope = match start {
            Start::Empty => None,
            Start::People => Some(demo::Scope::People),
            Start::Demo => Some(demo::Scope::Everything),
        };
        if let Some(scope) = scope {
            demo::load_scope(&app, &documents, scope).await.expect("demo");
        }
        // The app's document store is the demo's, unless the test chose its own.
        let documents_dir = if config.documents_dir == WebConfig::default().documents_dir {
            dir.path().join("documents")
        } else {
            config.documents_dir.clone()
        };
        Self::build(
            app,
            clock,
            url,
            dir,
            WebConfig {
                documents_dir,
                ..config
            },
        )
        .await
    }

    /// The app over a store, with a fresh log key.
    async fn build(
        app: lelang_app::App,
        clock: Arc<FixedClock>,
        url: String,
        dir: tempfile::TempDir,
        config: WebConfig,
    ) -> Self {
        let signer = lelang_trust::note::NoteSigner::generate("test.lelang.local/log").expect("key");
        let log = Arc::new(lelang_web::log::TransparencyLog::new(signer));
        let router = lelang::app(app.clone(), config, log.clone()).await.expect("app");
        Self {
            router,
            store: app.store.clone(),
            app,
            second_factors: SecondFactors::new(Some(clock.clone())),
            clock,
            log,
            db_url: url,
            _dir: dir,
        }
    }

    /// The demo on a fresh PostgreSQL database, or `None` after saying that `what` skipped (a
    /// failure instead where CI requires PostgreSQL).
    pub async fn with_demo_on_postgres(what: &str) -> Option<Self> {
        Self::with_demo_on_postgres_config(what, WebConfig::default()).await
    }

    /// The same with web settings of the test's choosing.
    pub async fn with_demo_on_postgres_config(what: &str, config: WebConfig) -> Option<Self> {
        Self::builder().config(config).build_on_postgres(what).await
    }

    /// The app over a database that already exists (loaded by the real binary, say), its clock at
    /// the wall clock's time.
    pub async fn over(url: &str, data: &std::path::Path) -> Self {
        let store = lelang::open_store(url, data).await.expect("store");
        let clock = Arc::new(FixedClock::new(lelang_core::clock::truncate_to_micros(
            time::OffsetDateTime::now_utc(),
        )));
        let config = WebConfig {
            documents_dir: data.join("documents"),
            ..WebConfig::default()
        };
        Self::build(
            use_cases(&store, &clock),
            clock,
            url.to_owned(),
            tempfile::tempdir().expect("tempdir"),
            config,
        )
        .await
    }

    /// The bytes the document store holds under a SHA-256 (hex), read straight from disk.
    pub fn stored(&self, sha256: &str) -> Vec<u8> {
        stored_in(&self.documents_dir(), sha256)
    }

    /// The age recipient a tender's completed key ceremony published.
    pub async fn recipient_of(&self, tender: &lelang_core::tender::PublicTender) -> String {
        let c = self
            .store
            .ceremony(tender.package_id)
            .await
            .expect("db")
            .expect("ceremony");
        c.recipient().expect("completed").to_owned()
    }

    /// A demo tender by a word of its name: announced, its key ceremony done.
    pub async fn demo_tender(&self, word: &str) -> lelang_core::tender::PublicTender {
        for t in self.store.tenants().await.expect("tenants") {
            for p in self.store.packages(t.id).await.expect("packages") {
                if let Some(t) = self.store.public_tender(p.id).await.expect("db")
                    && t.name.contains(word)
                {
                    return t;
                }
            }
        }
        panic!("no demo tender named {word}");
    }

    /// A demo package of a regency, by its name.
    pub async fn package_named(&self, slug: &str, name: &str) -> lelang_core::package::Package {
        let tenant = self
            .store
            .tenant_by_slug(slug)
            .await
            .expect("q")
            .unwrap_or_else(|| panic!("no regency {slug}"));
        self.store
            .packages(tenant.id)
            .await
            .expect("q")
            .into_iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no package {name} in {slug}"))
    }

    /// A regency's announced plan items that have no package yet.
    pub async fn unpackaged_items(&self, slug: &str) -> Vec<lelang_core::plan::PlanItem> {
        let tenant = self
            .store
            .tenant_by_slug(slug)
            .await
            .expect("q")
            .unwrap_or_else(|| panic!("no regency {slug}"));
        let packaged: Vec<_> = self
            .store
            .packages(tenant.id)
            .await
            .expect("packages")
            .iter()
            .map(|p| p.plan_item_id)
            .collect();
        self.store
            .plan_items(tenant.id, true)
            .await
            .expect("plan")
            .into_iter()
            .filter(|i| !packaged.contains(&i.id))
            .collect()
    }

    /// The work unit an official acts for (a PPK's, a budget holder's).
    pub async fn work_unit_of(&self, username: &str) -> lelang_core::WorkUnitId {
        let user = self
            .store
            .credentials(username)
            .await
            .expect("store")
            .unwrap_or_else(|| panic!("no user {username}"))
            .user;
        self.store
            .role_grants(user.id)
            .await
            .expect("grants")
            .iter()
            .find_map(|g| g.work_unit_id)
            .unwrap_or_else(|| panic!("{username} acts for no work unit"))
    }

    /// A package's pokja, as the ULP head assigned it.
    pub async fn pokja_of(&self, package: lelang_core::PackageId) -> lelang_core::pokja::PokjaAssignment {
        for t in self.store.tenants().await.expect("tenants") {
            let assignments = self.store.pokja_assignments(t.id).await.expect("q");
            if let Some(a) = assignments.into_iter().find(|a| a.package_id == package) {
                return a;
            }
        }
        panic!("no pokja for {package:?}");
    }

    /// The sign-in name of the first member of a package's pokja.
    pub async fn pokja_member(&self, package: lelang_core::PackageId) -> String {
        for t in self.store.tenants().await.expect("tenants") {
            let assignments = self.store.pokja_assignments(t.id).await.expect("q");
            if let Some(a) = assignments.into_iter().find(|a| a.package_id == package) {
                return self
                    .store
                    .user(a.members[0])
                    .await
                    .expect("q")
                    .expect("u")
                    .username;
            }
        }
        panic!("package {package:?} has no pokja");
    }

    /// Serves the app on a random local port, as a real server; returns its base URL.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = self.router.clone();
        tokio::spawn(async move {
            let svc = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
            let _ = axum::serve(listener, svc).await;
        });
        format!("http://{addr}")
    }

    /// A client without cookies.
    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookies: BTreeMap::new(),
            csrf: None,
            lang: None,
            second_factors: self.second_factors.clone(),
        }
    }

    /// The document store's folder.
    pub fn documents_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("documents")
    }

    /// The demo user who acts for company `vendor` (read from the directory, not guessed from
    /// its name).
    pub async fn user_of(&self, vendor: lelang_core::ids::VendorId) -> String {
        self.store
            .users(None)
            .await
            .expect("users")
            .into_iter()
            .find(|u| u.vendor_id == Some(vendor))
            .map(|u| u.username)
            .expect("a user of the company")
    }

    /// A client signed in as a demo user, holding a CSRF token for API changes.
    pub async fn signed_in(&self, username: &str) -> Client {
        let mut c = self.client();
        let r = c.login(username, demo::DEMO_PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "sign-in of {username} failed: {}",
            r.body
        );
        c.refresh_csrf().await;
        c
    }
}

/// The bytes a document store folder holds under a SHA-256 (hex).
pub fn stored_in(documents: &std::path::Path, sha256: &str) -> Vec<u8> {
    std::fs::read(documents.join("sha256").join(&sha256[..2]).join(sha256))
        .unwrap_or_else(|e| panic!("document {sha256} is not stored: {e}"))
}

/// An answer.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Resp {
    /// The Content-Type.
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The Location of a redirect.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A browser-like client: keeps cookies, knows the page's CSRF token.
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookies: BTreeMap<String, String>,
    pub csrf: Option<String>,
    pub lang: Option<&'static str>,
    pub second_factors: Arc<SecondFactors>,
}

/// The value of the first hidden `csrf` input of a page.
pub fn csrf_of(html: &str) -> Option<String> {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

impl Client {
    /// A fresh client of another router (an app built by the test itself).
    pub fn over(router: Router) -> Self {
        Self {
            router,
            cookies: BTreeMap::new(),
            csrf: None,
            lang: None,
            second_factors: SecondFactors::new(None),
        }
    }

    /// Sends a request, keeping cookies and the latest CSRF token.
    pub async fn send(&mut self, mut req: Request<Body>) -> Resp {
        if !self.cookies.is_empty() {
            let c = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req.headers_mut()
                .insert(header::COOKIE, c.parse().expect("cookie header"));
        }
        if let Some(l) = self.lang {
            req.headers_mut()
                .insert(header::ACCEPT_LANGUAGE, l.parse().expect("lang"));
        }
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().expect("ascii cookie");
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').expect("name=value");
            if k == "lelang_session" {
                // A new or ended session: the page's CSRF token changes with it.
                self.csrf = None;
            }
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(t) = csrf_of(&body) {
            self.csrf = Some(t);
        }
        Resp {
            status,
            headers,
            body,
        }
    }

    /// GET a path.
    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    /// Makes sure the client holds a CSRF token for its current session.
    pub async fn refresh_csrf(&mut self) {
        self.get("/").await;
    }

    /// POST a form, with the CSRF token the last page carried.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        if self.csrf.is_none() {
            self.refresh_csrf().await;
        }
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().unwrap_or_default();
        all.push(("csrf", &token));
        let body = serde_urlencoded::to_string(&all).expect("form");
        self.post_raw_form(path, body.into_bytes()).await
    }

    /// POST a form body exactly as given (no token added).
    pub async fn post_raw_form(&mut self, path: &str, body: Vec<u8>) -> Resp {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    /// POST JSON, optionally with a bearer token and the CSRF header.
    pub async fn post_json(&mut self, path: &str, body: &serde_json::Value, bearer: Option<&str>) -> Resp {
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(c) = &self.csrf {
            b = b.header("x-csrf-token", c.as_str());
        }
        self.send(b.body(Body::from(body.to_string())).expect("request"))
            .await
    }

    /// POST raw bytes (`application/octet-stream`) with the CSRF header.
    pub async fn post_bytes(&mut self, path: &str, body: Vec<u8>) -> Resp {
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/octet-stream");
        if let Some(c) = &self.csrf {
            b = b.header("x-csrf-token", c.as_str());
        }
        self.send(b.body(Body::from(body)).expect("request")).await
    }

    /// PUT JSON with the CSRF header.
    pub async fn put_json(&mut self, path: &str, body: &serde_json::Value) -> Resp {
        let mut b = Request::put(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = &self.csrf {
            b = b.header("x-csrf-token", c.as_str());
        }
        self.send(b.body(Body::from(body.to_string())).expect("request"))
            .await
    }

    /// POST `multipart/form-data` with one file, as a browser does: on pages the CSRF token is
    /// the first field, on the API it goes in the header.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> Resp {
        if self.csrf.is_none() {
            self.refresh_csrf().await;
        }
        let token = self.csrf.clone().unwrap_or_default();
        let api = path.starts_with("/api/");
        let boundary = "----lelang-test-boundary-7f3a";
        let mut body: Vec<u8> = Vec::new();
        let mut part = |name: &str, filename: Option<&str>, value: &[u8]| {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match filename {
                Some(f) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        };
        if !api {
            part("csrf", None, token.as_bytes());
        }
        for (k, v) in fields {
            part(k, None, v.as_bytes());
        }
        if let Some((filename, bytes)) = file {
            part("file", Some(filename), bytes);
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut b = Request::post(path).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        if api {
            b = b.header("x-csrf-token", token.as_str());
        }
        self.send(b.body(Body::from(body)).expect("request")).await
    }

    /// Any request, with the CSRF header and the extra headers given.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(c) = &self.csrf {
            b = b.header("x-csrf-token", c.as_str());
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(body)).expect("request")).await
    }

    /// GET with a bearer token.
    pub async fn get_bearer(&mut self, path: &str, bearer: &str) -> Resp {
        let req = Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
            .body(Body::empty())
            .expect("req");
        self.send(req).await
    }

    /// Signs in through the login form, as a browser does — with the second step when it is
    /// asked for (a code from the user's key, the device then trusted; a first enrolment keeps
    /// the key shown). A completed second step answers as the password would have: a redirect to
    /// where the user goes.
    pub async fn login(&mut self, username: &str, password: &str) -> Resp {
        let remembered = self
            .second_factors
            .known
            .lock()
            .expect("lock")
            .get(username)
            .and_then(|(_, c)| c.clone());
        match remembered {
            Some(c) => self.cookies.insert("lelang_2fa_device".into(), c),
            None => self.cookies.remove("lelang_2fa_device"),
        };
        self.get("/login").await;
        let mut r = self
            .post_form(
                "/login",
                &[("username", username), ("password", password), ("next", "/home")],
            )
            .await;
        if r.status == StatusCode::SEE_OTHER && r.location() == "/login/second-factor" {
            r = self.second_step(username).await;
        }
        if r.status == StatusCode::SEE_OTHER {
            // The session changed, and with it the CSRF token.
            self.refresh_csrf().await;
        }
        r
    }

    /// The second step of signing in as `username`.
    pub async fn second_step(&mut self, username: &str) -> Resp {
        let page = self.get("/login/second-factor").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let shown = page
            .body
            .split("data-secret=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|s| s.replace(' ', ""));
        let key = shown
            .clone()
            .unwrap_or_else(|| self.second_factors.key_of(username));
        let code = self.second_factors.code(&key);
        let mut r = self
            .post_form("/login/second-factor", &[("code", &code), ("remember", "on")])
            .await;
        let mut known = self.second_factors.known.lock().expect("lock");
        let entry = known.entry(username.to_owned()).or_default();
        if shown.is_some() {
            entry.0 = Some(key);
        }
        if let Some(c) = self.cookies.get("lelang_2fa_device") {
            entry.1 = Some(c.clone());
        }
        drop(known);
        if r.status == StatusCode::OK && r.body.contains("id=\"recovery-codes\"") {
            let next = r
                .body
                .split("id=\"recovery-continue\"")
                .next()
                .and_then(|s| s.rsplit("href=\"").next())
                .and_then(|s| s.split('"').next())
                .unwrap_or("/home")
                .to_owned();
            r.status = StatusCode::SEE_OTHER;
            r.headers
                .insert(header::LOCATION, next.parse().expect("location"));
        }
        r
    }
}
