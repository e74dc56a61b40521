//! The running server: the router with its layers, serving and graceful shutdown. The state
//! and start-up are in `state`.

use relais_domain::problem::ProblemCode;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use sea_orm::ConnectionTrait;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::SizeAbove;
use tower_http::trace::TraceLayer;

use crate::api;
use crate::config::Config;
use crate::error::ServiceError;
pub use crate::state::{AppState, StartError};

pub fn router(state: AppState) -> Router {
    let limit = state.config().max_body_bytes;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        // Large JSON answers (a month of slots, a sync page) compressed when the caller
        // accepts gzip or br; small ones as they are. The person's pages are not compressed.
        .nest(
            "/api/v1",
            api::routes()
                .layer(axum::middleware::map_response(no_store_unless_said))
                .layer(CompressionLayer::new().compress_when(SizeAbove::new(1024))),
        )
        .merge(crate::web::routes())
        .fallback(|| async {
            ServiceError::not_found().detail("Aucune ressource à cette adresse.")
        })
        .method_not_allowed_fallback(|| async {
            ServiceError::new(ProblemCode::MethodNotAllowed, "Méthode non autorisée")
        })
        .layer(DefaultBodyLimit::max(limit))
        .layer(CatchPanicLayer::custom(|_| {
            ServiceError::internal("a handler panicked").into_response()
        }))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                // Method and route template only: paths can carry ids, queries can carry names.
                let route = req
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "-".into());
                tracing::info_span!("request", method = %req.method(), route)
            }),
        )
        .with_state(state)
}

/// The JSON API's answers carry files, tokens and names: no cache keeps them unless the
/// answer says otherwise (the availability's ETags, the calendar feed).
async fn no_store_unless_said(mut r: axum::response::Response) -> axum::response::Response {
    r.headers_mut()
        .entry(axum::http::header::CACHE_CONTROL)
        .or_insert(axum::http::HeaderValue::from_static("no-store"));
    r
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db().execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Serve until `shutdown` resolves; in-flight requests finish before this returns.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// `relais serve`: start, listen, run the dispatcher and the scheduler, and stop cleanly on
/// Ctrl-C or SIGTERM (in-flight requests finish).
pub async fn run(config: Config) -> Result<(), String> {
    let listen = config.listen.clone();
    let state = AppState::start(config).await.map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    tracing::info!(address = %listen, "listening");
    let background = crate::outbox::leader::start(state.clone()).await?;
    let r = serve(state, listener, shutdown_signal())
        .await
        .map_err(|e| e.to_string());
    background.stop().await;
    r?;
    tracing::info!("stopped: in-flight requests finished");
    Ok(())
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
