//! Prometheus metrics at `/metrics`: requests by route template, method and status, and their
//! latency. Route templates, not raw paths, so that ids never become label values.

use crate::{AppState, route_of, secs_since};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: String,
}

pub(crate) struct Metrics {
    registry: Registry,
    work_jobs: Family<PoolLabels, Counter>,
    work_refused: Family<PoolLabels, Counter>,
    requests: Family<HttpLabels, Counter>,
    latency: Family<HttpLabels, Histogram>,
    /// Changes per group commit (commitments, uploads, closings).
    pub(crate) batch: Histogram,
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("lelang");
        let requests = Family::<HttpLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let latency = Family::<HttpLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 14))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            latency.clone(),
        );
        let batch = Histogram::new(exponential_buckets(1.0, 2.0, 11));
        registry.register(
            "group_commit_changes",
            "Changes made durable together in one group commit",
            batch.clone(),
        );
        let work_jobs = Family::<PoolLabels, Counter>::default();
        registry.register(
            "work_jobs",
            "Expensive jobs (password hashing, plan files) run, by pool",
            work_jobs.clone(),
        );
        let work_refused = Family::<PoolLabels, Counter>::default();
        registry.register(
            "work_refused",
            "Expensive jobs refused because their pool's queue was full",
            work_refused.clone(),
        );
        Self {
            registry,
            work_jobs,
            work_refused,
            requests,
            latency,
            batch,
        }
    }
}

/// The method as a label: the standard ones by name, anything else as `other`, so that made-up
/// methods cannot grow the number of series without bound.
fn method_label(m: &axum::http::Method) -> String {
    use axum::http::Method as M;
    let known = [M::GET, M::HEAD, M::POST, M::PUT, M::DELETE, M::PATCH, M::OPTIONS];
    if known.contains(m) {
        m.as_str().to_owned()
    } else {
        "other".to_owned()
    }
}

impl Metrics {
    /// The counters of one work pool: jobs run and jobs refused.
    pub(crate) fn pool(&self, name: &str) -> (Counter, Counter) {
        let labels = PoolLabels { pool: name.into() };
        (
            self.work_jobs.get_or_create(&labels).clone(),
            self.work_refused.get_or_create(&labels).clone(),
        )
    }
}

pub(crate) async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(req.method());
    // Layers added with Router::layer run after routing, so the matched template is known here.
    let route = route_of(&req);
    let resp = next.run(req).await;
    let labels = HttpLabels {
        method,
        route,
        status: resp.status().as_u16(),
    };
    state.metrics.requests.get_or_create(&labels).inc();
    state
        .metrics
        .latency
        .get_or_create(&labels)
        .observe(secs_since(start));
    resp
}

pub(crate) async fn render(State(state): State<AppState>) -> Response {
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &state.metrics.registry).is_err() {
        return crate::error::ApiError::Internal("metrics encoding".into()).into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
