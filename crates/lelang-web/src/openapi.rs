//! What the OpenAPI document says beyond what each operation declares: the bearer scheme, and the
//! error responses every operation may give, as they are served.

use utoipa::Modify;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The bearer scheme API tokens use.
pub(crate) struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi
            .components
            .get_or_insert_with(utoipa::openapi::Components::new);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Error responses as they are served — `application/problem+json` — and the statuses any
/// operation may answer with documented on every one: 400 (unreadable path, query or body), 401
/// (a bad bearer token, refused wherever it is sent), 422 (operations with inputs), 413 and 415
/// (operations with a body), 503 (the store unreachable, or the server busy).
pub(crate) struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let problem = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        crate::error::PROBLEM_JSON,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let responses = &mut op.responses.responses;
                for (code, r) in responses.iter_mut() {
                    if (code.starts_with('4') || code.starts_with('5'))
                        && let RefOr::T(r) = r
                        && let Some(c) = r.content.shift_remove("application/json")
                    {
                        r.content.insert(crate::error::PROBLEM_JSON.to_owned(), c);
                    }
                }
                let mut extra = vec![
                    ("400", "The path, query or body cannot be read"),
                    (
                        "401",
                        "A bearer token was sent that is unknown, revoked or expired",
                    ),
                    (
                        "503",
                        "The store is unreachable or the server is busy; see Retry-After",
                    ),
                ];
                if op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                    extra.push(("422", "An input broke a rule; `errors` names it"));
                }
                if op.request_body.is_some() {
                    extra.push(("413", "The body is larger than allowed"));
                    extra.push(("415", "The body is not of a media type this operation takes"));
                }
                for (code, description) in extra {
                    responses
                        .entry(code.to_owned())
                        .or_insert_with(|| problem(description));
                }
            }
        }
    }
}
