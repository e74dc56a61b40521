//! E-mail over SMTP: a neutral subject, text and HTML parts, a deterministic Message-ID so a second copy is recognisable.

use super::*;

/// The HTML part (`server/templates/email/message.html`): the text, escaped.
#[derive(askama::Template)]
#[template(path = "email/message.html")]
struct HtmlPart<'a> {
    body: &'a str,
}

/// The e-mail of a job: neutral subject, text and HTML, and a Message-ID derived from the
/// job's key, so a retry carries the same one and a mail system can recognise it.
pub fn email_message(
    from: &Mailbox,
    domain: &str,
    subject: &str,
    m: &Outgoing,
) -> Result<lettre::Message, String> {
    let to: Mailbox = m.recipient.parse().map_err(|_| "bad_address".to_owned())?;
    let html = askama::Template::render(&HtmlPart { body: &m.body })
        .map_err(|_| "bad_message".to_owned())?;
    lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<{}@{domain}>", m.idempotency_key)))
        .multipart(MultiPart::alternative_plain_html(m.body.clone(), html))
        .map_err(|_| "bad_message".to_owned())
}

pub(super) async fn send(
    t: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    domain: &str,
    subject: &str,
    m: &Outgoing,
) -> Sent {
    let msg = match email_message(from, domain, subject, m) {
        Ok(x) => x,
        Err(e) => return Sent::Permanent(e),
    };
    match t.send(msg).await {
        Ok(r) => Sent::Accepted(r.message().next().map(|s| s.chars().take(200).collect())),
        Err(e) if e.is_transient() => Sent::Retry {
            after: None,
            reason: format!(
                "smtp_{}",
                e.status().map(|c| c.to_string()).unwrap_or_default()
            ),
        },
        Err(e) if e.is_permanent() => Sent::Permanent(format!(
            "smtp_{}",
            e.status().map(|c| c.to_string()).unwrap_or_default()
        )),
        // Connection, TLS or timeout: the same Message-ID makes a retry safe.
        Err(e) if e.is_timeout() => Sent::Ambiguous("timeout".into()),
        Err(_) => Sent::Ambiguous("smtp_connection".into()),
    }
}
