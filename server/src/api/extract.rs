//! Extractors whose rejections are problem+json naming the field, instead of axum's plain
//! text: JSON bodies (with the path of the bad field), path ids, and query strings.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use relais_domain::problem::ProblemCode;
use serde::de::DeserializeOwned;

use super::error::ServiceError;
pub use crate::input::{french, parse_body, parse_json};

/// A JSON body. Wrong content type: 415. Too large: 413. Malformed: 400. Wrong type,
/// missing or unknown field: 422 with the field's path.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ServiceError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ServiceError> {
        let JsonBytes(bytes) = JsonBytes::from_request(req, state).await?;
        parse_body(&bytes).map(ApiJson)
    }
}

/// The raw bytes of a JSON body, checked as `ApiJson` checks them (content type, size), for
/// handlers that need the bytes themselves (e.g. to hash them for an idempotency key).
pub struct JsonBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = ServiceError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ServiceError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json")
                    || m.to_ascii_lowercase().ends_with("+json")
            });
        if !is_json {
            return Err(ServiceError::new(
                ProblemCode::UnsupportedMediaType,
                "Type de contenu non pris en charge",
            )
            .detail("Envoyez du JSON avec Content-Type: application/json."));
        }
        Bytes::from_request(req, state)
            .await
            .map(JsonBytes)
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ServiceError::new(ProblemCode::PayloadTooLarge, "Requête trop volumineuse")
                } else {
                    ServiceError::new(ProblemCode::UnreadableBody, "Corps illisible")
                }
            })
    }
}

/// A UUID path segment; a malformed one is a 400 naming `id`.
pub struct PathId(pub uuid::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ServiceError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ServiceError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| {
                    ServiceError::field(
                        ProblemCode::InvalidId,
                        "id",
                        ("Identifiant manquant.", "Missing id."),
                    )
                })?;
        uuid::Uuid::parse_str(&raw).map(PathId).map_err(|_| {
            ServiceError::field(
                ProblemCode::InvalidId,
                "id",
                ("UUID attendu.", "A UUID expected."),
            )
        })
    }
}

/// A query string; a bad parameter is a 400 naming it.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ServiceError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ServiceError> {
        let q = parts.uri.query().unwrap_or("");
        query_de(q).map(ApiQuery)
    }
}

fn query_de<T: DeserializeOwned>(q: &str) -> Result<T, ServiceError> {
    // Query strings are flat: turn them into a JSON object of strings and reuse the JSON
    // error paths. Numbers are accepted as strings by `Paging`'s deserialiser.
    let mut map = serde_json::Map::new();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k);
        if map.contains_key(&k) {
            return Err(ServiceError::field(
                ProblemCode::DuplicateParameter,
                &k,
                ("Paramètre répété.", "Repeated parameter."),
            ));
        }
        map.insert(k, serde_json::Value::String(percent_decode(v)));
    }
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| {
        let msg = e.to_string();
        let field = msg.split('`').nth(1).unwrap_or("query").to_owned();
        ServiceError::field(
            ProblemCode::InvalidParameter,
            &field,
            crate::input::said(&msg),
        )
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

pub use crate::paging::Paging;

#[cfg(test)]
mod tests {
    use super::*;
    use relais_domain::dto::SiteInput;

    fn err<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> (StatusCode, String) {
        let e = parse_json::<T>(json.as_bytes()).unwrap_err();
        let body = format!("{} {e:?}", e.code().as_str());
        (StatusCode::from_u16(e.status()).unwrap(), body)
    }

    /// What the API's answer says of the refusal (a field's English is the console's only).
    fn wire<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        let p = parse_json::<T>(json.as_bytes()).unwrap_err().into_parts();
        let errors = serde_json::to_string(&p.errors).unwrap();
        format!("{} {:?} {errors}", p.title, p.detail)
    }

    #[test]
    fn json_errors_name_the_field() {
        let (s, b) = err::<SiteInput>(r#"{"name": 3, "address": "x"}"#);
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(b.contains("field: \"name\""), "{b}");
        let (_, b) = err::<SiteInput>(r#"{"name": "a", "address": "x", "colour": "red"}"#);
        assert!(b.contains("field: \"colour\""), "{b}");
        let (_, b) = err::<relais_domain::dto::PersonInput>(
            r#"{"first_name": "a", "last_name": "b", "safe_contact": {"sms": "yes"}}"#,
        );
        assert!(b.contains("field: \"safe_contact.sms\""), "{b}");
        let (_, b) = err::<relais_domain::dto::PersonInput>(
            r#"{"first_name": "a", "last_name": "b", "safe_contact": {"x": 1}}"#,
        );
        assert!(b.contains("field: \"safe_contact.x\""), "{b}");
        let (_, b) = err::<SiteInput>(r#"{"name": "a"}"#);
        assert!(b.contains("field: \"address\""), "{b}");
        let (s, _) = err::<SiteInput>(r#"{"name": "a""#);
        assert_eq!(s, StatusCode::BAD_REQUEST);
    }

    // Issue 10 §13: trailing data refused; an enum of the wrong type names its field; the
    // messages are French and never echo the value.
    #[test]
    fn trailing_data_enum_types_and_french() {
        let ok = r#"{"name": "a", "address": "x"}"#;
        assert!(parse_json::<SiteInput>(ok.as_bytes()).is_ok());
        assert!(parse_json::<SiteInput>(format!("{ok}  \n").as_bytes()).is_ok());
        for bad in [
            format!("{ok}garbage"),
            format!("{ok}{ok}"),
            format!("{ok} 1"),
        ] {
            let (s, b) = err::<SiteInput>(&bad);
            assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
            assert!(b.contains("malformed_json"), "{b}");
        }
        type Link = relais_domain::dto::PersonLinkInput;
        let id = "00000000-0000-0000-0000-000000000001";
        for rel in ["5", "[1]", "true", "{}"] {
            let (s, b) = err::<Link>(&format!(
                r#"{{"other_person_id": "{id}", "relation": {rel}}}"#
            ));
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{rel}: {b}");
            assert!(b.contains("field: \"relation\""), "{rel}: {b}");
        }
        let (_, b) = err::<Link>(&format!(
            r#"{{"other_person_id": "{id}", "relation": "Dupont Marie"}}"#
        ));
        assert!(b.contains("Valeur non reconnue"), "{b}");
        assert!(!b.contains("Dupont"), "the value is not echoed: {b}");
        assert!(!b.contains("unknown variant"), "{b}");
        let (_, b) = err::<SiteInput>(r#"{"name": "Dupont", "address": 3}"#);
        assert!(b.contains("Type incorrect"), "{b}");
        for english in [
            "invalid type",
            "expected",
            "unknown field",
            "missing field",
            "out of range",
        ] {
            for body in [
                r#"{"name": 1, "address": "x"}"#.to_owned(),
                r#"{"name": "a"}"#.to_owned(),
                r#"{"name": "a", "address": "x", "z": 1}"#.to_owned(),
            ] {
                let b = wire::<SiteInput>(&body);
                assert!(!b.contains(english), "{english} in {b}");
            }
        }
        assert_eq!(
            french("input is out of range"),
            "Valeur hors des limites permises."
        );
    }

    #[test]
    fn query_decoding() {
        assert_eq!(percent_decode("a%20b+c%"), "a b c%");
        let p: Paging = query_de("limit=5&after=10").unwrap();
        assert_eq!(p.limit().unwrap(), 5);
        assert!(query_de::<Paging>("limit=5&limit=6").is_err());
        assert!(query_de::<Paging>("colour=red").is_err());
        let p: Paging = query_de("limit=0").unwrap();
        assert!(p.limit().is_err());
    }
}
