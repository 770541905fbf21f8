//! The evaluation's pages.

/// The evaluation's page routes.
pub fn page_routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
}
