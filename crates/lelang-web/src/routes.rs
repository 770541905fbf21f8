//! The table that registers every route: each module adds its routes here, and the table keeps
//! their paths, so that tests list what the application serves from the registration itself —
//! a route added without a row in the authorization matrix fails a test. (Which methods a path
//! answers is read from the router: `Allow` on a 405.)

use crate::AppState;
use axum::Router;
use axum::routing::MethodRouter;

/// Routes being registered, with their paths.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Routes {
    /// No routes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `path` with `methods` (as [`Router::route`]) and records it.
    pub fn route(mut self, path: &'static str, methods: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, methods);
        self.paths.push(path);
        self
    }

    /// Adds another module's routes.
    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }

    /// Adds a router built elsewhere (Swagger UI) with the paths it serves.
    pub fn foreign(mut self, paths: &[&'static str], router: Router<AppState>) -> Self {
        self.router = self.router.merge(router);
        self.paths.extend_from_slice(paths);
        self
    }

    /// Every path registered, in order.
    pub fn paths(&self) -> &[&'static str] {
        &self.paths
    }

    /// The router.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
