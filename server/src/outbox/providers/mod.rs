//! Where messages go: the SMS gateways over HTTP (a generic JSON webhook, Twilio's Messages
//! API, Brevo's transactional SMS API), e-mail over SMTP, or the development outbox when
//! nothing is configured. Each answer is classified once, here, into what the dispatcher
//! does next: accepted, retry (surely not accepted), ambiguous (ask the provider before any
//! retry) or permanent. Credentials come from the configuration and never reach a log.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use relais_domain::delivery::{StatusClass, classify_status, parse_retry_after};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::config::{Config, Secret};
use crate::store::entities::dev_outbox;

mod brevo;
mod dev;
mod smtp;
mod twilio;
mod webhook;

pub use brevo::Brevo;
pub use smtp::email_message;
pub use twilio::{Twilio, twilio_signature};
pub use webhook::Webhook;

/// A message ready to leave.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub notification_id: Uuid,
    pub organisation_id: Uuid,
    pub channel: String,
    pub recipient: String,
    pub body: String,
    /// `unicode` when the text could not be kept in GSM-7.
    pub ucs2: bool,
    pub idempotency_key: String,
}

/// What a send attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    Accepted(Option<String>),
    /// Surely not accepted; `Retry-After` if the provider gave one.
    Retry {
        after: Option<chrono::Duration>,
        reason: String,
    },
    /// Perhaps accepted (timeout after the request left, reset, 5xx, unreadable 2xx).
    Ambiguous(String),
    Permanent(String),
}

/// What the provider says about a message we are unsure of.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Found(Option<String>),
    Absent,
    /// The provider cannot be asked.
    Unsupported,
    /// Asking failed; ask again later.
    Error(String),
}

#[derive(Clone)]
pub enum Sms {
    Development,
    Webhook(Webhook),
    Twilio(Twilio),
    Brevo(Brevo),
}

#[derive(Clone)]
/// Where the development outbox keeps what it would have sent: the database and the key
/// that seals it.
pub struct DevOutbox<'a> {
    pub db: &'a sea_orm::DatabaseConnection,
    pub cipher: &'a crate::crypto::FieldCipher,
    /// When it is "sent", by the server's clock.
    pub now: chrono::DateTime<chrono::Utc>,
}

pub struct Gateways {
    pub sms: Sms,
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox, String)>,
    http: reqwest::Client,
    /// The e-mails' subject (checked at start for revealing words).
    email_subject: String,
}

impl Gateways {
    pub fn from_config(c: &Config) -> Result<Gateways, String> {
        let http = reqwest::Client::builder()
            .timeout(StdDuration::from_millis(c.sms_timeout_ms))
            .connect_timeout(StdDuration::from_millis(c.sms_timeout_ms.min(5_000)))
            .pool_idle_timeout(StdDuration::from_secs(30))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let public = c.public_url.trim_end_matches('/');
        let base = |default: &str| {
            if c.sms_url.is_empty() {
                default.to_owned()
            } else {
                c.sms_url.trim_end_matches('/').to_owned()
            }
        };
        let sms = match c.sms_provider.as_str() {
            "webhook" => Sms::Webhook(Webhook {
                url: c.sms_url.clone(),
                auth_header: c.sms_auth_header.clone(),
                secret: c.sms_secret.clone(),
                body_template: c.sms_body_template.clone(),
                lookup_url: c.sms_lookup_url.clone(),
            }),
            "twilio" => Sms::Twilio(Twilio {
                base: base("https://api.twilio.com"),
                account: c.sms_account.clone(),
                token: c.sms_secret.clone(),
                sender: c.sms_sender.clone(),
                status_callback: (!public.is_empty())
                    .then(|| format!("{public}/api/v1/hooks/sms/twilio/status")),
            }),
            "brevo" => Sms::Brevo(Brevo {
                base: base("https://api.brevo.com"),
                key: c.sms_secret.clone(),
                sender: c.sms_sender.clone(),
                web_url: (!public.is_empty()).then(|| format!("{public}/api/v1/hooks/sms/brevo")),
            }),
            _ => Sms::Development,
        };
        let smtp = if c.smtp_url.is_empty() {
            None
        } else {
            let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(c.smtp_url.expose())
                .map_err(|_| "smtp_url: not a usable SMTP address".to_owned())?
                .timeout(Some(StdDuration::from_millis(c.sms_timeout_ms)))
                .build();
            let from: Mailbox = c
                .smtp_from
                .parse()
                .map_err(|_| "smtp_from: not an e-mail address".to_owned())?;
            let domain = c
                .smtp_from
                .rsplit('@')
                .next()
                .unwrap_or("localhost")
                .trim_end_matches('>')
                .to_owned();
            Some((t, from, domain))
        };
        Ok(Gateways {
            sms,
            smtp,
            http,
            email_subject: c.email_subject.clone(),
        })
    }

    /// SMS leave through a real gateway but no SMTP server is configured: an e-mail would
    /// only reach the development outbox and read as sent. The channel is unavailable, and
    /// such a message fails where the coordinator sees it.
    pub fn email_unavailable(&self) -> bool {
        self.smtp.is_none() && !matches!(self.sms, Sms::Development)
    }

    /// The provider's name as stored on the job.
    pub fn name(&self, channel: &str) -> &'static str {
        match (channel, &self.sms, &self.smtp) {
            ("email", _, Some(_)) => "smtp",
            ("sms", Sms::Webhook(_), _) => "webhook",
            ("sms", Sms::Twilio(_), _) => "twilio",
            ("sms", Sms::Brevo(_), _) => "brevo",
            _ => "development",
        }
    }

    /// Send one message. `dev` is where the development outbox keeps what it "sends".
    pub async fn send(&self, dev: &DevOutbox<'_>, m: &Outgoing) -> Sent {
        if m.channel == "email" {
            return match &self.smtp {
                Some((t, from, domain)) => {
                    smtp::send(t, from, domain, &self.email_subject, m).await
                }
                None => dev::send(dev, m).await,
            };
        }
        match &self.sms {
            Sms::Development => dev::send(dev, m).await,
            Sms::Webhook(w) => w.send(&self.http, m).await,
            Sms::Twilio(t) => t.send(&self.http, m).await,
            Sms::Brevo(b) => b.send(&self.http, m).await,
        }
    }

    /// Ask the provider whether it has the message of job `m` (sent at or after `since`).
    pub async fn lookup(&self, dev: &DevOutbox<'_>, m: &Outgoing, since: DateTime<Utc>) -> Lookup {
        if m.channel == "email" {
            return match &self.smtp {
                // SMTP cannot be asked; the deterministic Message-ID makes a second copy
                // recognisable, so the dispatcher retries e-mail instead.
                Some(_) => Lookup::Unsupported,
                None => dev::lookup(dev, m).await,
            };
        }
        match &self.sms {
            Sms::Development => dev::lookup(dev, m).await,
            Sms::Webhook(w) => w.lookup(&self.http, m).await,
            Sms::Twilio(t) => t.lookup(&self.http, m, since).await,
            Sms::Brevo(b) => b.lookup(&self.http, m).await,
        }
    }
}

/// A string as it goes between JSON quotes.
pub(super) fn json_inner(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap_or_default();
    q[1..q.len().saturating_sub(1)].to_owned()
}

pub(super) fn id_of(v: &Value, fields: &[&str]) -> Option<String> {
    fields.iter().find_map(|f| match &v[*f] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// The kind of a transport error, without its text (which can carry the URL).
pub(super) fn error_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "connection"
    }
}

pub(super) async fn http_send(req: reqwest::RequestBuilder, id_fields: &[&str]) -> Sent {
    let r = match req.send().await {
        Ok(r) => r,
        // Refused before anything was written: surely not accepted.
        Err(e) if e.is_connect() => {
            return Sent::Retry {
                after: None,
                reason: "connect".into(),
            };
        }
        Err(e) if e.is_builder() => return Sent::Permanent("request".into()),
        // Timeout or reset after the request may have left: perhaps accepted.
        Err(e) => return Sent::Ambiguous(error_kind(&e).into()),
    };
    let status = r.status().as_u16();
    if r.status().is_success() {
        return match r.json::<Value>().await {
            Ok(v) => Sent::Accepted(id_of(&v, id_fields)),
            // A 2xx whose body we cannot read was accepted, but we hold no proof of it.
            Err(_) => Sent::Ambiguous("malformed_response".into()),
        };
    }
    let after = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, crate::clock::wall()));
    match classify_status(status) {
        StatusClass::Retry => Sent::Retry {
            after,
            reason: format!("http_{status}"),
        },
        StatusClass::Ambiguous => Sent::Ambiguous(format!("http_{status}")),
        StatusClass::Permanent => Sent::Permanent(format!("http_{status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_inner_escapes() {
        assert_eq!(json_inner("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn email_has_deterministic_id_and_neutral_subject() {
        let from: Mailbox = "rendez-vous@relais.example".parse().unwrap();
        let m = Outgoing {
            notification_id: Uuid::nil(),
            organisation_id: Uuid::nil(),
            channel: "email".into(),
            recipient: "a@b.example".into(),
            body: "Rappel : <rdv>".into(),
            ucs2: false,
            idempotency_key: "relais-abc".into(),
        };
        let e = email_message(&from, "relais.example", "Votre rendez-vous", &m).unwrap();
        let raw = String::from_utf8(e.formatted()).unwrap();
        assert!(
            raw.contains("Message-ID: <relais-abc@relais.example>"),
            "{raw}"
        );
        assert!(raw.contains("Subject: Votre rendez-vous"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        assert!(raw.contains("&#60;rdv&#62;"), "{raw}");
    }
}
