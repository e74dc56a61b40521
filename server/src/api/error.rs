//! RFC 9457 problem details: the one error type every handler returns. Field-level errors
//! carry the JSON path of the offending field. Internal causes are logged, never returned.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use relais_domain::FieldError;
use serde::Serialize;

/// Named `ProblemDetails` in the OpenAPI document: `Problem` is the casework word (a
/// person's problems), and two schemas of one name made every `problems` list wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ProblemDetails)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For a refused state change: the current state…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_state: Option<String>,
    /// …and the changes it allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    title: &'static str,
    detail: Option<String>,
    errors: Vec<FieldError>,
    /// Boxed: rare, and keeps `ApiResult` small.
    transition: Option<Box<(String, Vec<String>)>>,
    /// Seconds before trying again (429, 503): the `Retry-After` header.
    retry_after: Option<u32>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, title: &'static str) -> Self {
        Self {
            status,
            code,
            title,
            detail: None,
            errors: Vec::new(),
            transition: None,
            retry_after: None,
        }
    }

    /// `Retry-After` in seconds.
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// 409: this change is not possible from `current`; `allowed` lists what is.
    pub fn transition(
        code: &'static str,
        detail: impl Into<String>,
        current: &str,
        allowed: Vec<String>,
    ) -> Self {
        let mut e =
            Self::new(StatusCode::CONFLICT, code, "Changement d'état impossible").detail(detail);
        e.transition = Some(Box::new((current.to_owned(), allowed)));
        e
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation",
            title: "Données invalides",
            detail: Some("Un ou plusieurs champs sont invalides.".into()),
            errors,
            transition: None,
            retry_after: None,
        }
    }

    pub fn field(
        status: StatusCode,
        code: &'static str,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        let message = message.into();
        Self {
            status,
            code,
            title: "Requête invalide",
            detail: Some(format!("{field} : {message}")),
            errors: vec![FieldError {
                field: field.to_owned(),
                code: code.to_owned(),
                message,
            }],
            transition: None,
            retry_after: None,
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentification requise",
        )
        .detail("Jeton absent, expiré ou révoqué.")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Accès refusé")
    }

    /// Also what another organisation's record looks like: it does not exist for the caller.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Introuvable")
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflit").detail(detail)
    }

    /// Logs the cause (which never holds personal data: database and crypto errors only)
    /// and answers a bare 500.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Erreur interne",
        )
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        ApiError::internal(e)
    }
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(e: sea_orm::TransactionError<ApiError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => ApiError::internal(db),
            sea_orm::TransactionError::Transaction(api) => api,
        }
    }
}

impl From<crate::crypto::CryptoError> for ApiError {
    fn from(e: crate::crypto::CryptoError) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: format!("https://relais.invalid/problems/{}", self.code),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            errors: self.errors,
            current_state: self.transition.as_ref().map(|t| t.0.clone()),
            allowed: self.transition.map(|t| t.1.clone()),
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"relais\""),
            );
        }
        if self.status == StatusCode::TOO_MANY_REQUESTS
            || self.status == StatusCode::SERVICE_UNAVAILABLE
        {
            h.insert(
                header::RETRY_AFTER,
                HeaderValue::from(self.retry_after.unwrap_or(60)),
            );
        }
        res
    }
}
