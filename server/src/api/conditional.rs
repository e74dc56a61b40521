//! Conditional answers: a JSON body with a strong `ETag` (a digest of the bytes sent), and
//! `304 Not Modified` without a body when the caller's `If-None-Match` names it, so a phone
//! or a page that already holds the answer revalidates it for a few hundred bytes.
//! `Cache-Control: private, no-cache`: kept by the caller only, checked each time.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use data_encoding::HEXLOWER;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ServiceError;

/// A JSON answer to a GET that the caller may already hold.
pub struct Tagged<T>(pub T);

impl<T: Serialize> Tagged<T> {
    /// The answer to a request with these headers: 200 with the body and its tag, or 304.
    pub fn answer(self, request: &HeaderMap) -> Result<Response, ServiceError> {
        let body = serde_json::to_vec(&self.0).map_err(ServiceError::internal)?;
        let tag = format!("\"{}\"", HEXLOWER.encode(&Sha256::digest(&body)[..16]));
        let tag_value = HeaderValue::from_str(&tag).map_err(ServiceError::internal)?;
        let cache = HeaderValue::from_static("private, no-cache");
        if matches(request, &tag) {
            return Ok((
                StatusCode::NOT_MODIFIED,
                [(header::ETAG, tag_value), (header::CACHE_CONTROL, cache)],
            )
                .into_response());
        }
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (header::ETAG, tag_value),
                (header::CACHE_CONTROL, cache),
            ],
            body,
        )
            .into_response())
    }
}

/// Whether `If-None-Match` names `tag` (or is `*`); weak tags compare by their value, as
/// RFC 9110 says for `If-None-Match`.
fn matches(request: &HeaderMap, tag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/") == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn a_matching_tag_is_not_modified_and_another_is_the_body() {
        let first = Tagged(vec![1, 2, 3]).answer(&HeaderMap::new()).unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        let tag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
        assert!(tag.starts_with('"') && tag.len() == 34);
        let again = Tagged(vec![1, 2, 3]).answer(&headers(&tag)).unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        let weak = Tagged(vec![1, 2, 3])
            .answer(&headers(&format!("\"x\", W/{tag}")))
            .unwrap();
        assert_eq!(weak.status(), StatusCode::NOT_MODIFIED);
        let changed = Tagged(vec![1, 2, 4]).answer(&headers(&tag)).unwrap();
        assert_eq!(changed.status(), StatusCode::OK);
        assert_ne!(changed.headers()[header::ETAG].to_str().unwrap(), tag);
    }
}
