//! What SMS providers call back: delivery receipts and inbound replies (STOP). No account
//! here: each request is authenticated by the provider's own signature (Twilio:
//! `X-Twilio-Signature`; generic gateway: `X-Relais-Signature: sha256=<HMAC of the body>`;
//! Brevo: the bearer token set on its webhook), checked before anything is read. Each
//! provider event is stored once; a job's status only moves forward.

use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use relais_domain::delivery::{Receipt, is_stop};
use relais_domain::problem::ProblemCode;

use serde_json::{Value, json};

use super::error::ServiceError;
use crate::outbox::receipts::{apply_receipt, opt_out};
use crate::state::AppState;

fn bad_signature() -> ServiceError {
    ServiceError::new(ProblemCode::BadSignature, "Signature invalide")
}

fn not_configured() -> ServiceError {
    ServiceError::not_found().detail("Ce fournisseur n'est pas configuré.")
}

fn provider_is(state: &AppState, name: &str) -> Result<(), ServiceError> {
    if state.config().sms_provider == name {
        Ok(())
    } else {
        Err(not_configured())
    }
}

fn check_twilio(
    state: &AppState,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    params: &[(String, String)],
) -> Result<(), ServiceError> {
    provider_is(state, "twilio")?;
    let given = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(bad_signature)?;
    let url = format!(
        "{}{}",
        state.config().public_url.trim_end_matches('/'),
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("")
    );
    let expected = crate::outbox::providers::twilio_signature(
        state.config().sms_secret.expose(),
        &url,
        params,
    );
    if constant_eq(given.as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(bad_signature())
    }
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn param<'a>(p: &'a [(String, String)], name: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn answer(outcome: &str) -> Response {
    (StatusCode::OK, axum::Json(json!({ "outcome": outcome }))).into_response()
}

/// Twilio status callback (`StatusCallback` = this URL with `?n=<our key>`).
pub async fn twilio_status(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ServiceError> {
    let p = form(&body);
    check_twilio(&state, &uri, &headers, &p)?;
    let key = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "n")
            .map(|(_, v)| v.into_owned())
    });
    let sid = param(&p, "MessageSid").or(param(&p, "SmsSid"));
    let status = param(&p, "MessageStatus")
        .or(param(&p, "SmsStatus"))
        .unwrap_or("");
    let Some(r) = Receipt::from_twilio(status) else {
        return Ok(answer("ignored"));
    };
    // Twilio gives no event id: one event per message and status.
    let event = format!("{}:{status}", sid.unwrap_or("-"));
    let o = apply_receipt(&state, "twilio", &event, key.as_deref(), sid, status, r).await?;
    Ok(answer(o))
}

/// Twilio inbound message: STOP and its French spellings add the sender to the opt-out list.
pub async fn twilio_inbound(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ServiceError> {
    let p = form(&body);
    check_twilio(&state, &uri, &headers, &p)?;
    if is_stop(param(&p, "Body").unwrap_or(""))
        && let Some(from) = param(&p, "From")
    {
        opt_out(&state, from, "twilio").await?;
    }
    Ok((
        StatusCode::OK,
        [("content-type", "text/xml")],
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>",
    )
        .into_response())
}

/// Brevo's SMS webhook (delivery events, replies, unsubscriptions), authenticated by the
/// bearer token configured on the webhook.
pub async fn brevo(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ServiceError> {
    provider_is(&state, "brevo")?;
    let secret = state.config().sms_webhook_secret.expose();
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if secret.is_empty() || !constant_eq(given.as_bytes(), secret.as_bytes()) {
        return Err(bad_signature());
    }
    let v: Value = super::extract::parse_json(&body)?;
    let status = v["msg_status"]
        .as_str()
        .or(v["event"].as_str())
        .unwrap_or("")
        .to_owned();
    let to = v["to"].as_str().unwrap_or("");
    let low = status.to_ascii_lowercase();
    if low.starts_with("unsubscri")
        || (low.starts_with("repl") && is_stop(v["reply"].as_str().unwrap_or("")))
    {
        if !to.is_empty() {
            opt_out(&state, to, "brevo").await?;
        }
        return Ok(answer("opted_out"));
    }
    let Some(r) = Receipt::from_brevo(&status) else {
        return Ok(answer("ignored"));
    };
    let mid = match &v["messageId"] {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    };
    let event = format!("{}:{status}", mid.as_deref().unwrap_or("-"));
    let o = apply_receipt(
        &state,
        "brevo",
        &event,
        v["tag"].as_str(),
        mid.as_deref(),
        &status,
        r,
    )
    .await?;
    Ok(answer(o))
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn check_generic(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<(), ServiceError> {
    provider_is(state, "webhook")?;
    let secret = state.config().sms_webhook_secret.expose();
    let given = headers
        .get("x-relais-signature")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("sha256="))
        .and_then(|v| data_encoding::HEXLOWER_PERMISSIVE.decode(v.as_bytes()).ok())
        .ok_or_else(bad_signature)?;
    if secret.is_empty() {
        return Err(bad_signature());
    }
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .map_err(|_| bad_signature())?;
    mac.update(body);
    mac.verify_slice(&given).map_err(|_| bad_signature())
}

/// The generic gateway's receipts: `{"event_id", "id" (our key), "status"}`; inbound
/// messages: `{"event_id", "from", "text"}`.
pub async fn generic(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ServiceError> {
    check_generic(&state, &headers, &body)?;
    let v: Value = super::extract::parse_json(&body)?;
    let event = v["event_id"].as_str().unwrap_or("");
    if event.is_empty() {
        return Err(ServiceError::field(
            ProblemCode::Required,
            "event_id",
            ("obligatoire", "required"),
        ));
    }
    if let Some(text) = v["text"].as_str() {
        if is_stop(text)
            && let Some(from) = v["from"].as_str()
        {
            opt_out(&state, from, "webhook").await?;
            return Ok(answer("opted_out"));
        }
        return Ok(answer("ignored"));
    }
    let status = v["status"].as_str().unwrap_or("");
    let Some(r) = Receipt::from_generic(status) else {
        return Err(ServiceError::field(
            ProblemCode::Invalid,
            "status",
            (
                "sent, delivered ou undelivered",
                "sent, delivered or undelivered",
            ),
        ));
    };
    let o = apply_receipt(&state, "webhook", event, v["id"].as_str(), None, status, r).await?;
    Ok(answer(o))
}

/// The providers' callbacks: authenticated by their signatures, not part of the document
/// (a client of the API never calls them).
pub fn routes() -> super::router::ApiRouter {
    use axum::routing::post;
    super::router::ApiRouter::new()
        .undocumented("/hooks/sms/twilio/status", post(twilio_status))
        .undocumented("/hooks/sms/twilio/inbound", post(twilio_inbound))
        .undocumented("/hooks/sms/brevo", post(brevo))
        .undocumented("/hooks/sms/webhook", post(generic))
}
