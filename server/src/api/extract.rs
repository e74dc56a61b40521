//! Extractors whose rejections are problem+json naming the field, instead of axum's plain
//! text: JSON bodies (with the path of the bad field), path ids, and query strings.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON body. Wrong content type: 415. Too large: 413. Malformed: 400. Wrong type,
/// missing or unknown field: 422 with the field's path.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let JsonBytes(bytes) = JsonBytes::from_request(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// The raw bytes of a JSON body, checked as `ApiJson` checks them (content type, size), for
/// handlers that need the bytes themselves (e.g. to hash them for an idempotency key).
pub struct JsonBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
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
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Type de contenu non pris en charge",
            )
            .detail("Envoyez du JSON avec Content-Type: application/json."));
        }
        Bytes::from_request(req, state)
            .await
            .map(JsonBytes)
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        "Requête trop volumineuse",
                    )
                } else {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "unreadable_body",
                        "Corps illisible",
                    )
                }
            })
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        use serde_json::error::Category;
        match inner.classify() {
            Category::Syntax | Category::Eof | Category::Io => {
                ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", "JSON mal formé").detail(
                    format!("ligne {}, colonne {}", inner.line(), inner.column()),
                )
            }
            Category::Data => {
                // serde's message names the expected type or the unknown/missing field; it
                // never echoes a string value, so it carries no personal data.
                let msg = inner.to_string();
                let msg = msg.split(" at line").next().unwrap_or(&msg).to_owned();
                let field = field_from(&path, &msg);
                ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_field",
                    &field,
                    msg,
                )
            }
        }
    })
}

/// serde reports a missing or unknown field at the parent's path; name the field itself.
fn field_from(path: &str, msg: &str) -> String {
    let quoted = msg.split('`').nth(1);
    let named = (msg.starts_with("missing field") || msg.starts_with("unknown field"))
        .then_some(quoted)
        .flatten();
    match named {
        Some(f) if path == "." || path.is_empty() => f.to_owned(),
        // Unknown fields are reported at their own path already.
        Some(f) if path.rsplit('.').next() == Some(f) => path.to_owned(),
        Some(f) => format!("{path}.{f}"),
        None if path == "." || path.is_empty() => "body".to_owned(),
        None => path.to_owned(),
    }
}

/// A UUID path segment; a malformed one is a 400 naming `id`.
pub struct PathId(pub uuid::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| {
                    ApiError::field(
                        StatusCode::BAD_REQUEST,
                        "invalid_id",
                        "id",
                        "Identifiant manquant.",
                    )
                })?;
        uuid::Uuid::parse_str(&raw).map(PathId).map_err(|_| {
            ApiError::field(StatusCode::BAD_REQUEST, "invalid_id", "id", "UUID attendu.")
        })
    }
}

/// A query string; a bad parameter is a 400 naming it.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        query_de(q).map(ApiQuery)
    }
}

fn query_de<T: DeserializeOwned>(q: &str) -> Result<T, ApiError> {
    // Query strings are flat: turn them into a JSON object of strings and reuse the JSON
    // error paths. Numbers are accepted as strings by `Paging`'s deserialiser.
    let mut map = serde_json::Map::new();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k);
        if map.contains_key(&k) {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                "duplicate_parameter",
                &k,
                "Paramètre répété.",
            ));
        }
        map.insert(k, serde_json::Value::String(percent_decode(v)));
    }
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| {
        let msg = e.to_string();
        let field = msg.split('`').nth(1).unwrap_or("query").to_owned();
        ApiError::field(StatusCode::BAD_REQUEST, "invalid_parameter", &field, msg)
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

/// `?limit=&after=` keyset pagination over the change sequence.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    #[serde(default)]
    pub limit: Option<String>,
    #[serde(default)]
    pub after: Option<String>,
}

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

impl Paging {
    pub fn limit(&self) -> Result<u64, ApiError> {
        match &self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(s) => match s.parse::<u64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
                _ => Err(ApiError::field(
                    StatusCode::BAD_REQUEST,
                    "invalid_parameter",
                    "limit",
                    format!("Nombre entre 1 et {MAX_LIMIT}."),
                )),
            },
        }
    }

    pub fn after(&self) -> Result<i64, ApiError> {
        match &self.after {
            None => Ok(0),
            Some(s) => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ApiError::field(
                    StatusCode::BAD_REQUEST,
                    "invalid_parameter",
                    "after",
                    "Curseur invalide.",
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use relais_domain::dto::SiteInput;

    fn err<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> (StatusCode, String) {
        let e = parse_json::<T>(json.as_bytes()).unwrap_err();
        let body = format!("{e:?}");
        (e.status(), body)
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
