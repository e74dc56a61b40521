//! A generic HTTP gateway: a JSON body from a template, an authentication header, an idempotency key; asked about an ambiguous send at its lookup URL.

use super::*;

#[derive(Clone)]
pub struct Webhook {
    pub(super) url: String,
    pub(super) auth_header: String,
    pub(super) secret: Secret,
    pub(super) body_template: String,
    pub(super) lookup_url: String,
}

impl Webhook {
    pub(super) async fn send(&self, http: &reqwest::Client, m: &Outgoing) -> Sent {
        let Webhook {
            url,
            auth_header,
            secret,
            body_template,
            ..
        } = self;
        let body = body_template
            .replace("{{to}}", &json_inner(&m.recipient))
            .replace("{{text}}", &json_inner(&m.body))
            .replace("{{id}}", &json_inner(&m.idempotency_key));
        let req = http
            .post(url)
            .header(auth_header.as_str(), secret.expose())
            .header("content-type", "application/json")
            .header("idempotency-key", &m.idempotency_key)
            .body(body);
        http_send(req, &["id", "message_id"]).await
    }

    pub(super) async fn lookup(&self, http: &reqwest::Client, m: &Outgoing) -> Lookup {
        let Webhook {
            auth_header,
            secret,
            lookup_url,
            ..
        } = self;
        if lookup_url.is_empty() {
            return Lookup::Unsupported;
        }
        let url = lookup_url.replace("{{id}}", &m.idempotency_key);
        let r = http
            .get(url)
            .header(auth_header.as_str(), secret.expose())
            .send()
            .await;
        match r {
            Ok(r) if r.status().as_u16() == 404 => Lookup::Absent,
            Ok(r) if r.status().is_success() => match r.json::<Value>().await {
                Ok(v) => Lookup::Found(id_of(&v, &["id", "message_id"])),
                Err(_) => Lookup::Error("malformed lookup answer".into()),
            },
            Ok(r) => Lookup::Error(format!("lookup answered {}", r.status().as_u16())),
            Err(e) => Lookup::Error(error_kind(&e).into()),
        }
    }
}
