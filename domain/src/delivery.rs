//! Delivery of reminders, as pure rules: what a provider's HTTP answer means for the job
//! (retry, reconcile, give up), when the next try is, how delivery receipts move a job (only
//! forward), and what counts as a STOP reply.
//!
//! The states of a job: `scheduled → running → sent → delivered | undelivered`;
//! `running → retryable` (surely not accepted), `running → unknown` (ambiguous: the
//! reconciler asks the provider), `failed` (permanent, attempts exhausted or expired: the
//! coordinator sees "rappel non remis"), `skipped` (the pre-send check said no),
//! `cancelled` (the appointment changed before it ran).

use chrono::{DateTime, Duration, Utc};

use crate::sms::{MAX_ATTEMPTS, retry_delay};

/// The state of an outbox job (`notification.state`), as described above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    Scheduled,
    Running,
    Sent,
    Delivered,
    Undelivered,
    Retryable,
    Unknown,
    Failed,
    Skipped,
    Cancelled,
}

words!(JobState {
    Scheduled = "scheduled" => ("Prévu", "Scheduled"),
    Running = "running" => ("En cours d'envoi", "Sending"),
    Sent = "sent" => ("Envoyé", "Sent"),
    Delivered = "delivered" => ("Remis", "Delivered"),
    Undelivered = "undelivered" => ("Non remis", "Undelivered"),
    Retryable = "retryable" => ("Nouvel essai prévu", "To retry"),
    Unknown = "unknown" => ("Issue incertaine, vérifiée auprès du fournisseur", "Uncertain, checked with the provider"),
    Failed = "failed" => ("Échec de l'envoi", "Sending failed"),
    Skipped = "skipped" => ("Non envoyé", "Not sent"),
    Cancelled = "cancelled" => ("Annulé", "Cancelled"),
});

impl JobState {
    /// Waiting to be sent: what a change of the appointment cancels.
    pub const PENDING: [JobState; 2] = [JobState::Scheduled, JobState::Retryable];
}

/// What a non-2xx HTTP status from a gateway means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// Surely not accepted: try again later (429, 503, 408, and 401/403, which are our own
    /// configuration and get fixed by an administrator).
    Retry,
    /// Perhaps accepted (500, 502, 504 and other 5xx): ask the provider before any retry.
    Ambiguous,
    /// Refused for good (400, 404, 422…): the number or the message is wrong.
    Permanent,
}

pub fn classify_status(status: u16) -> StatusClass {
    match status {
        408 | 425 | 429 | 503 | 401 | 403 => StatusClass::Retry,
        500..=599 => StatusClass::Ambiguous,
        _ => StatusClass::Permanent,
    }
}

/// `Retry-After`: delta-seconds or an HTTP date. Capped at one day; garbage is ignored.
pub fn parse_retry_after(v: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = v.trim();
    let d = if let Ok(s) = v.parse::<i64>() {
        Duration::seconds(s)
    } else {
        DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc) - now
    };
    (d >= Duration::zero()).then(|| d.min(Duration::days(1)))
}

/// After a try that surely did not go through: when to try again, or why to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    RetryAt(DateTime<Utc>),
    Fail(&'static str),
}

/// `attempt` is the number of tries made so far (the claim counts them).
pub fn after_failure(
    attempt: u32,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    retry_after: Option<Duration>,
    jitter: f64,
) -> Next {
    if attempt >= MAX_ATTEMPTS {
        return Next::Fail("attempts_exhausted");
    }
    let at = now + retry_delay(attempt, retry_after, jitter);
    if at >= expires_at {
        Next::Fail("expired")
    } else {
        Next::RetryAt(at)
    }
}

/// A provider's delivery status, in our words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// Accepted or handed to the carrier.
    Sent,
    Delivered,
    Undelivered,
}

impl Receipt {
    /// Twilio's `MessageStatus`.
    pub fn from_twilio(s: &str) -> Option<Receipt> {
        match s {
            "accepted" | "queued" | "sending" | "sent" | "scheduled" => Some(Receipt::Sent),
            "delivered" | "read" => Some(Receipt::Delivered),
            "undelivered" | "failed" | "canceled" => Some(Receipt::Undelivered),
            _ => None,
        }
    }

    /// Brevo's `msg_status` / `event` of an SMS webhook.
    pub fn from_brevo(s: &str) -> Option<Receipt> {
        match s.to_ascii_lowercase().as_str() {
            "sent" | "accepted" | "request" => Some(Receipt::Sent),
            "delivered" => Some(Receipt::Delivered),
            "soft_bounce" | "softbounce" | "soft_bounces" | "hard_bounce" | "hardbounce"
            | "hard_bounces" | "rejected" | "blocked" | "blacklisted" | "skip" | "error" => {
                Some(Receipt::Undelivered)
            }
            _ => None,
        }
    }

    /// The generic gateway's `status`.
    pub fn from_generic(s: &str) -> Option<Receipt> {
        match s {
            "sent" | "accepted" | "queued" => Some(Receipt::Sent),
            "delivered" => Some(Receipt::Delivered),
            "undelivered" | "failed" | "rejected" => Some(Receipt::Undelivered),
            _ => None,
        }
    }
}

/// The state a receipt moves a job to, or `None` if it must change nothing. Statuses only
/// move forward: a late "sent" after "delivered" is ignored, a final status is final. A
/// receipt for a job we thought unsent (running, unknown, retryable, failed) proves the
/// provider has it: it must not be sent again.
pub fn advance(current: &str, r: Receipt) -> Option<&'static str> {
    match (current, r) {
        ("delivered" | "undelivered", _) => None,
        ("scheduled" | "skipped" | "cancelled", _) => None,
        ("sent", Receipt::Sent) => None,
        (_, Receipt::Sent) => Some("sent"),
        (_, Receipt::Delivered) => Some("delivered"),
        (_, Receipt::Undelivered) => Some("undelivered"),
    }
}

/// A reply that asks us to stop: STOP, Stop., ARRET, arrêt, STOP SMS, désinscription…
pub fn is_stop(text: &str) -> bool {
    let t = crate::sms::transliterate(text.trim()).to_ascii_uppercase();
    let word = t
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    matches!(
        word,
        "STOP" | "ARRET" | "ARRETER" | "STOPSMS" | "DESINSCRIPTION" | "UNSUBSCRIBE" | "END"
    )
}

/// States in which the coordinator must be told the message did not reach the person.
pub fn is_not_delivered(state: &str) -> bool {
    matches!(state, "failed" | "undelivered")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn statuses_are_classified() {
        assert_eq!(classify_status(429), StatusClass::Retry);
        assert_eq!(classify_status(503), StatusClass::Retry);
        assert_eq!(classify_status(401), StatusClass::Retry);
        assert_eq!(classify_status(500), StatusClass::Ambiguous);
        assert_eq!(classify_status(504), StatusClass::Ambiguous);
        assert_eq!(classify_status(400), StatusClass::Permanent);
        assert_eq!(classify_status(422), StatusClass::Permanent);
    }

    #[test]
    fn retry_after_seconds_or_date() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
        assert_eq!(parse_retry_after("30", now), Some(Duration::seconds(30)));
        assert_eq!(
            parse_retry_after("Sun, 22 Nov 2026 10:02:00 GMT", now),
            Some(Duration::seconds(120))
        );
        assert_eq!(parse_retry_after("999999", now), Some(Duration::days(1)));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn failures_retry_then_stop() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
        let later = now + Duration::days(2);
        assert!(matches!(
            after_failure(1, now, later, None, 0.5),
            Next::RetryAt(t) if t == now + Duration::seconds(20)
        ));
        // Retry-After is honoured when longer than the backoff.
        assert_eq!(
            after_failure(1, now, later, Some(Duration::minutes(5)), 0.5),
            Next::RetryAt(now + Duration::minutes(5))
        );
        assert_eq!(
            after_failure(MAX_ATTEMPTS, now, later, None, 0.5),
            Next::Fail("attempts_exhausted")
        );
        // Never past the expiry.
        assert_eq!(
            after_failure(2, now, now + Duration::seconds(30), None, 0.5),
            Next::Fail("expired")
        );
    }

    #[test]
    fn receipts_only_move_forward() {
        assert_eq!(advance("sent", Receipt::Delivered), Some("delivered"));
        assert_eq!(advance("delivered", Receipt::Sent), None, "out of order");
        assert_eq!(advance("delivered", Receipt::Undelivered), None, "final");
        assert_eq!(advance("undelivered", Receipt::Delivered), None, "final");
        assert_eq!(advance("sent", Receipt::Sent), None, "duplicate");
        assert_eq!(
            advance("unknown", Receipt::Sent),
            Some("sent"),
            "reconciled"
        );
        assert_eq!(advance("running", Receipt::Delivered), Some("delivered"));
        assert_eq!(advance("cancelled", Receipt::Delivered), None);
        assert_eq!(advance("scheduled", Receipt::Delivered), None);
    }

    #[test]
    fn provider_words() {
        assert_eq!(Receipt::from_twilio("delivered"), Some(Receipt::Delivered));
        assert_eq!(Receipt::from_twilio("failed"), Some(Receipt::Undelivered));
        assert_eq!(Receipt::from_twilio("queued"), Some(Receipt::Sent));
        assert_eq!(Receipt::from_twilio("nonsense"), None);
        assert_eq!(
            Receipt::from_brevo("hard_bounce"),
            Some(Receipt::Undelivered)
        );
        assert_eq!(Receipt::from_brevo("DELIVERED"), Some(Receipt::Delivered));
        assert_eq!(Receipt::from_generic("sent"), Some(Receipt::Sent));
    }

    #[test]
    fn stop_words() {
        for s in ["STOP", "stop", " Stop.", "Arrêt", "ARRET svp", "STOP SMS"] {
            assert!(is_stop(s), "{s}");
        }
        for s in ["Merci", "je ne peux pas venir", "", "stopper le rdv? non"] {
            assert!(!is_stop(s), "{s}");
        }
    }
}
