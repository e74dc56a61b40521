//! RFC 9457 problem details: the one place a `ServiceError` becomes an HTTP answer. The
//! status comes from the problem code; field-level errors carry the JSON path of the field.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use relais_domain::FieldError;
use serde::Serialize;

pub use crate::error::{ServiceError, ServiceResult};

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

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after_seconds();
        let crate::error::Parts {
            code,
            title,
            detail,
            errors,
            transition,
        } = self.into_parts();
        let (current_state, allowed) = match transition {
            Some((current, allowed)) => (Some(current), Some(allowed)),
            None => (None, None),
        };
        let body = Problem {
            kind: code.type_uri(),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
            current_state,
            allowed,
        };
        let mut res = (status, axum::Json(body)).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"relais\""),
            );
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
            h.insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after.unwrap_or(60)),
            );
        }
        res
    }
}
