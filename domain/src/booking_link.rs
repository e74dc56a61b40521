//! The person's links, pure: what a link is for, how its token is spelled, the knowledge
//! check, the short session a link is exchanged for, and the person's page words. The
//! server derives tokens (HMAC of the link's id under its key) and signs sessions; everything
//! here is checked without I/O.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// What a link lets the person do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Purpose {
    /// Choose a slot among the link's types, sites and coordinators (once).
    Book,
    /// See, move or cancel one appointment (until it starts).
    Manage,
}

words!(Purpose {
    Book = "book" => ("Prendre rendez-vous", "Book an appointment"),
    Manage = "manage" => ("Gérer son rendez-vous", "Manage an appointment"),
});

/// Where a link stands, for the staff list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LinkState {
    Active,
    Used,
    Expired,
    Revoked,
    /// Too many wrong answers to the knowledge check.
    Locked,
}

words!(LinkState {
    Active = "active" => ("Actif", "Active"),
    Used = "used" => ("Utilisé", "Used"),
    Expired = "expired" => ("Expiré", "Expired"),
    Revoked = "revoked" => ("Révoqué", "Revoked"),
    Locked = "locked" => ("Verrouillé", "Locked"),
});

/// Letters of a token: lower case, no 0/o, 1/l/i look-alikes (read out on the phone).
pub const TOKEN_ALPHABET: &[u8; 31] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// 14 of 31 letters: 69 bits, out of reach of guessing at the rate limit.
pub const TOKEN_LEN: usize = 14;
/// The first letters, by which guessing is also throttled.
pub const PREFIX_LEN: usize = 4;
/// Wrong answers to the knowledge check before the link locks.
pub const KNOWLEDGE_TRIES: i32 = 5;
/// A booking link's default validity.
pub const DEFAULT_VALID_DAYS: i64 = 7;
pub const MAX_VALID_DAYS: i64 = 30;
/// The person's session: this long after the last page.
pub const SESSION_IDLE_MINUTES: i64 = 20;

/// The token spelled from 16 bytes of a keyed hash (base 31 digits of the 128-bit number).
pub fn token_from(bytes: &[u8; 16]) -> String {
    let mut n = u128::from_be_bytes(*bytes);
    (0..TOKEN_LEN)
        .map(|_| {
            let c = TOKEN_ALPHABET[(n % 31) as usize] as char;
            n /= 31;
            c
        })
        .collect()
}

/// Whether `s` could be a token (the length and the letters), before any lookup.
pub fn looks_like_token(s: &str) -> bool {
    s.len() == TOKEN_LEN && s.bytes().all(|b| TOKEN_ALPHABET.contains(&b))
}

/// The knowledge check, compared as a reader would (case, accents, spaces and look-alike
/// letters folded): the code word agreed with the person when there is one, and then only
/// the code word (the name is what an abuser knows); otherwise the first three letters of
/// the last name (or the whole name if shorter).
pub fn knowledge_matches(last_name: &str, code_word: Option<&str>, answer: &str) -> bool {
    let fold = |s: &str| -> String {
        crate::wording::fold(s)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let a = fold(answer);
    if a.is_empty() {
        return false;
    }
    if let Some(w) = code_word.map(fold).filter(|w| !w.is_empty()) {
        return a == w;
    }
    let name = fold(last_name);
    let want: String = name.chars().take(3).collect();
    !want.is_empty() && a == want
}

/// What the next page says about the last action (post/redirect/get keeps it in the session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A wrong answer to the knowledge check, with the tries left.
    WrongAnswer(u8),
    /// The slot was taken meanwhile (or is no longer free).
    SlotTaken,
    /// A slot the link does not offer, or a form that could not be read.
    BadChoice,
    Booked,
    /// A second booking with the same link.
    AlreadyBooked,
    Moved,
    Cancelled,
}

impl Notice {
    fn code(self) -> String {
        match self {
            Notice::WrongAnswer(n) => format!("w{n}"),
            Notice::SlotTaken => "t".into(),
            Notice::BadChoice => "x".into(),
            Notice::Booked => "b".into(),
            Notice::AlreadyBooked => "a".into(),
            Notice::Moved => "m".into(),
            Notice::Cancelled => "c".into(),
        }
    }

    fn parse(s: &str) -> Option<Option<Self>> {
        Some(Some(match s {
            "-" => return Some(None),
            "t" => Notice::SlotTaken,
            "x" => Notice::BadChoice,
            "b" => Notice::Booked,
            "a" => Notice::AlreadyBooked,
            "m" => Notice::Moved,
            "c" => Notice::Cancelled,
            w => Notice::WrongAnswer(w.strip_prefix('w')?.parse().ok()?),
        }))
    }
}

/// The short session a link is exchanged for: which link, whether the knowledge check
/// passed, the language, until when, and what the next page should say. Carried in a
/// cookie as `payload.mac`; the server computes and checks the MAC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonSession {
    pub link_id: Uuid,
    /// The link's sessions' epoch when this one was opened: the quick exit moves the link
    /// to the next, and every copy of this cookie then holds nothing.
    pub epoch: i32,
    pub verified: bool,
    pub english: bool,
    pub expires: DateTime<Utc>,
    pub notice: Option<Notice>,
}

impl PersonSession {
    pub fn new(link_id: Uuid, epoch: i32, now: DateTime<Utc>) -> Self {
        Self {
            link_id,
            epoch,
            verified: false,
            english: false,
            expires: now + Duration::minutes(SESSION_IDLE_MINUTES),
            notice: None,
        }
    }

    /// The part the MAC covers.
    pub fn payload(&self) -> String {
        format!(
            "{}.{}.{}.{}.{}.{}",
            self.link_id.simple(),
            self.epoch,
            u8::from(self.verified),
            if self.english { "en" } else { "fr" },
            self.expires.timestamp(),
            self.notice.map_or_else(|| "-".into(), Notice::code)
        )
    }

    /// Read a payload back; `None` for anything malformed or expired.
    pub fn parse(payload: &str, now: DateTime<Utc>) -> Option<Self> {
        let mut it = payload.split('.');
        let link_id = Uuid::try_parse(it.next()?).ok()?;
        let epoch = it.next()?.parse().ok()?;
        let verified = match it.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let english = match it.next()? {
            "fr" => false,
            "en" => true,
            _ => return None,
        };
        let expires = DateTime::from_timestamp(it.next()?.parse().ok()?, 0)?;
        let notice = Notice::parse(it.next()?)?;
        if it.next().is_some() || expires <= now {
            return None;
        }
        Some(Self {
            link_id,
            epoch,
            verified,
            english,
            expires,
            notice,
        })
    }

    /// The same session, its idle time restarted and its notice read.
    pub fn touched(&self, now: DateTime<Utc>) -> Self {
        Self {
            expires: now + Duration::minutes(SESSION_IDLE_MINUTES),
            notice: None,
            ..self.clone()
        }
    }
}

/// Where a link stands at `now`.
pub fn state_of(
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    used_at: Option<DateTime<Utc>>,
    tries_left: i32,
    now: DateTime<Utc>,
) -> LinkState {
    if tries_left <= 0 {
        LinkState::Locked
    } else if revoked_at.is_some() {
        LinkState::Revoked
    } else if used_at.is_some() {
        LinkState::Used
    } else if expires_at <= now {
        LinkState::Expired
    } else {
        LinkState::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn tokens_are_short_unambiguous_and_spread() {
        let t = token_from(&[0xab; 16]);
        assert_eq!(t.len(), TOKEN_LEN);
        assert!(looks_like_token(&t));
        assert!(!t.contains(['0', 'o', '1', 'l', 'i']));
        assert_ne!(token_from(&[1; 16]), token_from(&[2; 16]));
        assert!(!looks_like_token("abc"));
        assert!(!looks_like_token("ABCDEFGHJKMNPQ"));
        assert!(!looks_like_token("abcdefghjkmn-q"));
    }

    #[test]
    fn knowledge_check_folds_like_a_reader() {
        assert!(knowledge_matches("Lefèvre", None, "lef"));
        assert!(knowledge_matches("Lefèvre", None, " L E F "));
        assert!(knowledge_matches("Lefèvre", None, "LÉF"));
        assert!(knowledge_matches("Ng", None, "ng"));
        assert!(!knowledge_matches("Lefèvre", None, "lefe"));
        assert!(!knowledge_matches("Lefèvre", None, "le"));
        assert!(!knowledge_matches("Lefèvre", None, ""));
        assert!(knowledge_matches("Lefèvre", Some("Tournesol"), "tournesol"));
        assert!(
            !knowledge_matches("Lefèvre", Some("Tournesol"), "lef"),
            "with a code word, the name no longer opens the link"
        );
        assert!(
            knowledge_matches("Lefèvre", Some(" "), "lef"),
            "a blank code word is none"
        );
        assert!(!knowledge_matches("Lefèvre", Some(""), ""));
        assert!(!knowledge_matches("", None, "x"));
    }

    #[test]
    fn sessions_read_back_and_expire() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap();
        let mut s = PersonSession::new(Uuid::from_u128(7), 3, now);
        s.verified = true;
        s.english = true;
        assert_eq!(PersonSession::parse(&s.payload(), now), Some(s.clone()));
        for n in [
            Notice::WrongAnswer(3),
            Notice::SlotTaken,
            Notice::BadChoice,
            Notice::Booked,
            Notice::AlreadyBooked,
            Notice::Moved,
            Notice::Cancelled,
        ] {
            s.notice = Some(n);
            assert_eq!(PersonSession::parse(&s.payload(), now), Some(s.clone()));
        }
        assert_eq!(s.touched(now).notice, None);
        assert_eq!(PersonSession::parse(&s.payload(), s.expires), None);
        assert_eq!(PersonSession::parse("x.1.fr.1.-", now), None);
        assert_eq!(
            PersonSession::parse(&s.payload().replace(".en.", ".de."), now),
            None
        );
        assert_eq!(
            PersonSession::parse(&format!("{}.extra", s.payload()), now),
            None
        );
        let later = now + Duration::minutes(15);
        assert_eq!(
            s.touched(later).expires,
            later + Duration::minutes(SESSION_IDLE_MINUTES)
        );
    }

    #[test]
    fn states() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap();
        let later = now + Duration::days(1);
        assert_eq!(state_of(later, None, None, 5, now), LinkState::Active);
        assert_eq!(state_of(now, None, None, 5, now), LinkState::Expired);
        assert_eq!(state_of(later, Some(now), None, 5, now), LinkState::Revoked);
        assert_eq!(state_of(later, None, Some(now), 5, now), LinkState::Used);
        assert_eq!(state_of(later, None, None, 0, now), LinkState::Locked);
    }
}
