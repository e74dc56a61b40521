//! Brevo transactional SMS: sending (tagged with the job's key), and asking about an ambiguous send by that tag.

use super::*;

#[derive(Clone)]
pub struct Brevo {
    pub(super) base: String,
    pub(super) key: Secret,
    pub(super) sender: String,
    pub(super) web_url: Option<String>,
}

impl Brevo {
    pub(super) async fn send(&self, http: &reqwest::Client, m: &Outgoing) -> Sent {
        let Brevo {
            base,
            key,
            sender,
            web_url,
            ..
        } = self;
        let mut body = serde_json::json!({
            "sender": sender,
            "recipient": m.recipient.trim_start_matches('+'),
            "content": m.body,
            "type": "transactional",
            "tag": m.idempotency_key,
            "unicodeEnabled": m.ucs2,
        });
        if let Some(u) = web_url {
            body["webUrl"] = Value::String(u.clone());
        }
        let req = http
            .post(format!("{base}/v3/transactionalSMS/send"))
            .header("api-key", key.expose())
            .header("accept", "application/json")
            .json(&body);
        http_send(req, &["messageId"]).await
    }

    pub(super) async fn lookup(&self, http: &reqwest::Client, m: &Outgoing) -> Lookup {
        let Brevo { base, key, .. } = self;
        let r = http
            .get(format!("{base}/v3/transactionalSMS/statistics/events"))
            .header("api-key", key.expose())
            .query(&[("tags", m.idempotency_key.as_str()), ("limit", "10")])
            .send()
            .await;
        match r {
            Ok(r) if r.status().is_success() => match r.json::<Value>().await {
                Ok(v) => match v["events"].as_array().and_then(|e| e.first()) {
                    Some(e) => Lookup::Found(id_of(e, &["messageId"])),
                    None => Lookup::Absent,
                },
                Err(_) => Lookup::Error("malformed lookup answer".into()),
            },
            Ok(r) => Lookup::Error(format!("lookup answered {}", r.status())),
            Err(e) => Lookup::Error(error_kind(&e).into()),
        }
    }
}
