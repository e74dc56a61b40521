//! Each handler named once. A module lists its handlers with `handlers![…]`; each one's
//! route (path and methods) is read from its own `#[utoipa::path]`, and the same declaration
//! gives the OpenAPI operation and the schemas it uses. There is no route table and no
//! `paths(...)` list to keep in step by hand.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodFilter, MethodRouter};
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{HttpMethod, Paths};
use utoipa::openapi::schema::Schema;

use crate::state::AppState;

/// Where the API is mounted; the documented paths carry it.
pub const PREFIX: &str = "/api/v1";

pub type Schemas = Vec<(String, RefOr<Schema>)>;

#[derive(Default)]
pub struct ApiRouter {
    router: Router<AppState>,
    paths: Paths,
    schemas: Schemas,
}

fn filter(m: &HttpMethod) -> MethodFilter {
    match m {
        HttpMethod::Get => MethodFilter::GET,
        HttpMethod::Post => MethodFilter::POST,
        HttpMethod::Put => MethodFilter::PUT,
        HttpMethod::Delete => MethodFilter::DELETE,
        HttpMethod::Patch => MethodFilter::PATCH,
        HttpMethod::Head => MethodFilter::HEAD,
        HttpMethod::Options => MethodFilter::OPTIONS,
        HttpMethod::Trace => MethodFilter::TRACE,
    }
}

impl ApiRouter {
    pub fn new() -> Self {
        Self::default()
    }

    /// One documented handler: `P` is the type `#[utoipa::path]` generated for `handler`.
    pub fn handler<P, H, T>(mut self, handler: H) -> Self
    where
        P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
        H: Handler<T, AppState>,
        T: 'static,
    {
        let full = P::path();
        let path = full
            .strip_prefix(PREFIX)
            .unwrap_or_else(|| panic!("{full}: a documented path starts with {PREFIX}"));
        let methods = P::methods();
        let mut route = MethodRouter::new();
        for m in &methods {
            route = route.on(filter(m), handler.clone());
        }
        self.router = self.router.route(path, route);
        let mut operation = P::operation();
        let tags = <P as utoipa::__dev::Tags>::tags();
        if !tags.is_empty() {
            operation.tags = Some(tags.into_iter().map(str::to_owned).collect());
        }
        self.paths.add_path_operation(&full, methods, operation);
        P::schemas(&mut self.schemas);
        self
    }

    /// A route left out of the document on purpose (the providers' callbacks, the document
    /// itself).
    pub fn undocumented(mut self, path: &str, route: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, route);
        self
    }

    pub fn merge(mut self, other: ApiRouter) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.merge(other.paths);
        self.schemas.extend(other.schemas);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Paths, Schemas) {
        (self.router, self.paths, self.schemas)
    }
}

/// `handlers![a, b, c]`: the handlers of the calling module, routed and documented.
#[macro_export]
macro_rules! handlers {
    ($($f:ident),* $(,)?) => {{
        let r = $crate::api::router::ApiRouter::new();
        $( let r = pastey::paste! { r.handler::<[<__path_ $f>], _, _>($f) }; )*
        r
    }};
}
