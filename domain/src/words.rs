//! One spelling for every word stored as text: `words!` gives an enum (whose serde spelling
//! is its snake_case name) `as_str`, `parse` and `ALL`, and the `Word` trait, so the
//! database column, the JSON and the report read the same word. Every enum stored as text,
//! in the domain and in the server, goes through it; the test below checks that each one's
//! words read back and match its serde spelling.

/// A word stored as text.
pub trait Word: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    fn parse(s: &str) -> Option<Self>;
}

/// `as_str`, `parse` and `ALL` for an enum whose serde spelling is its snake_case name, so the
/// database and the wire use the same word.
#[macro_export]
macro_rules! words {
    ($t:ident { $($v:ident = $s:literal),* $(,)? }) => {
        impl $t {
            /// Every word, in declaration order.
            pub const ALL: &'static [$t] = &[$($t::$v),*];
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($t::$v),)* _ => None }
            }
        }
        impl $crate::words::Word for $t {
            const ALL: &'static [$t] = $t::ALL;
            fn as_str(self) -> &'static str {
                $t::as_str(self)
            }
            fn parse(s: &str) -> Option<Self> {
                $t::parse(s)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Word;
    use crate::casework::*;
    use crate::delivery::JobState;
    use crate::dto::{AppointmentChange, AppointmentStatus, BookableBy, CancelledBy, PlaceKind};
    use crate::outreach::*;
    use crate::problem::ProblemCode;
    use crate::role::Role;
    use crate::sms::{Encoding, MessageKind};

    fn check<T: Word + std::fmt::Debug + PartialEq>(serde: impl Fn(T) -> Option<String>) {
        let mut seen = std::collections::HashSet::new();
        for &w in T::ALL {
            assert_eq!(T::parse(w.as_str()), Some(w), "{w:?}");
            assert!(seen.insert(w.as_str()), "{} twice", w.as_str());
            assert!(
                !w.as_str().is_empty()
                    && w.as_str()
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
            );
            if let Some(json) = serde(w) {
                assert_eq!(
                    json,
                    format!("\"{}\"", w.as_str()),
                    "{w:?}: serde spells it otherwise"
                );
            }
        }
        assert_eq!(T::parse("?"), None);
    }

    fn json<T: serde::Serialize>(w: T) -> Option<String> {
        Some(serde_json::to_string(&w).unwrap())
    }

    #[test]
    fn every_stored_word_reads_back_and_matches_the_wire() {
        check::<Role>(json);
        check::<AppointmentStatus>(json);
        check::<AppointmentChange>(json);
        check::<crate::booking_link::Purpose>(json);
        check::<crate::booking_link::LinkState>(json);
        check::<PlaceKind>(json);
        check::<BookableBy>(json);
        check::<CancelledBy>(json);
        check::<JobState>(|_| None);
        check::<MessageKind>(|_| None);
        check::<Encoding>(|_| None);
        check::<ProblemCode>(json);
        check::<OriginChannel>(json);
        check::<Initiative>(json);
        check::<SituationKind>(json);
        check::<Priority>(json);
        check::<CloseReason>(json);
        check::<AttemptChannel>(json);
        check::<AttemptResult>(json);
        check::<ReferrerStatus>(json);
        check::<State>(json);
        check::<Event>(json);
        check::<PersonRole>(json);
        check::<RoleGroup>(json);
        check::<Problem>(json);
        check::<DocumentType>(json);
        check::<InterviewMode>(json);
        check::<PartnerKind>(json);
        check::<OrientationStatus>(json);
        check::<ChildReportRecipient>(json);
        check::<AgeBand>(json);
        check::<Sex>(json);
        check::<AnonymousAction>(json);
        check::<LinkRelation>(json);
    }
}
