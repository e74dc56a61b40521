//! One spelling for every word stored as text, and one label for it in each language:
//! `words!` gives an enum (whose serde spelling is its snake_case name) `as_str`, `parse`,
//! `ALL` and `label(lang)`, and the `Word` trait, so the database column, the JSON, the
//! console, the report and the apps read the same word and show the same label. Every enum
//! stored as text, in the domain and in the server, goes through it; the tests below check
//! that each one's words read back, match their serde spelling, and carry labels a reader can
//! tell apart.

/// The reader's language: French first, English when the reader chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// One of two texts, by language.
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// A word stored as text, with what a reader sees in its place.
pub trait Word: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    fn parse(s: &str) -> Option<Self>;
    /// (French, English): what a page, a report or an app shows for the word.
    fn labels(self) -> (&'static str, &'static str);
    fn label(self, lang: Lang) -> &'static str {
        let (fr, en) = self.labels();
        lang.pick(fr, en)
    }
}

/// The label of a stored word read back as text, or the text itself if it is not one of the
/// words of `W` (an old row never hides: it shows as it was stored).
pub fn label_of<W: Word>(stored: &str, lang: Lang) -> std::borrow::Cow<'_, str> {
    match W::parse(stored) {
        Some(w) => w.label(lang).into(),
        None => stored.into(),
    }
}

/// One stored word and its labels, as the glossary lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// The list the word belongs to (the enum's name).
    pub list: &'static str,
    pub word: &'static str,
    pub fr: &'static str,
    pub en: &'static str,
}

/// The entries of one list of words.
pub fn entries<W: Word>(list: &'static str) -> impl Iterator<Item = Entry> {
    W::ALL.iter().map(move |&w| {
        let (fr, en) = w.labels();
        Entry {
            list,
            word: w.as_str(),
            fr,
            en,
        }
    })
}

/// Every stored word of the domain with its labels: what translators read, and what the
/// browser suite looks for on every page (a page showing one of these words as it is stored
/// shows a raw word).
pub fn glossary() -> Vec<Entry> {
    use crate::casework::*;
    use crate::dto::*;
    use crate::outreach::*;
    let mut g = Vec::new();
    g.extend(entries::<crate::role::Role>("Role"));
    g.extend(entries::<AppointmentStatus>("AppointmentStatus"));
    g.extend(entries::<AppointmentChange>("AppointmentChange"));
    g.extend(entries::<crate::booking_link::Purpose>("Purpose"));
    g.extend(entries::<crate::booking_link::LinkState>("LinkState"));
    g.extend(entries::<PlaceKind>("PlaceKind"));
    g.extend(entries::<crate::dto::ExceptionKind>("ExceptionKind"));
    g.extend(entries::<BookableBy>("BookableBy"));
    g.extend(entries::<CancelledBy>("CancelledBy"));
    g.extend(entries::<crate::delivery::JobState>("JobState"));
    g.extend(entries::<crate::sms::MessageKind>("MessageKind"));
    g.extend(entries::<crate::sms::Encoding>("Encoding"));
    g.extend(entries::<crate::problem::ProblemCode>("ProblemCode"));
    g.extend(entries::<crate::safe_contact::Channel>("Channel"));
    g.extend(entries::<OriginChannel>("OriginChannel"));
    g.extend(entries::<Initiative>("Initiative"));
    g.extend(entries::<SituationKind>("SituationKind"));
    g.extend(entries::<Priority>("Priority"));
    g.extend(entries::<CloseReason>("CloseReason"));
    g.extend(entries::<AttemptChannel>("AttemptChannel"));
    g.extend(entries::<AttemptResult>("AttemptResult"));
    g.extend(entries::<ReferrerStatus>("ReferrerStatus"));
    g.extend(entries::<State>("State"));
    g.extend(entries::<Event>("Event"));
    g.extend(entries::<PersonRole>("PersonRole"));
    g.extend(entries::<RoleGroup>("RoleGroup"));
    g.extend(entries::<Problem>("Problem"));
    g.extend(entries::<DocumentType>("DocumentType"));
    g.extend(entries::<InterviewMode>("InterviewMode"));
    g.extend(entries::<PartnerKind>("PartnerKind"));
    g.extend(entries::<OrientationStatus>("OrientationStatus"));
    g.extend(entries::<ChildReportRecipient>("ChildReportRecipient"));
    g.extend(entries::<AgeBand>("AgeBand"));
    g.extend(entries::<Sex>("Sex"));
    g.extend(entries::<AnonymousAction>("AnonymousAction"));
    g.extend(entries::<LinkRelation>("LinkRelation"));
    g.extend(entries::<SyncTable>("SyncTable"));
    g.extend(entries::<IntentOutcome>("IntentOutcome"));
    g.extend(entries::<IntentKind>("IntentKind"));
    g.extend(entries::<RetentionRule>("RetentionRule"));
    g.extend(entries::<crate::invitation::InvitationKind>(
        "InvitationKind",
    ));
    g.extend(entries::<crate::invitation::InvitationChannel>(
        "InvitationChannel",
    ));
    g.extend(entries::<crate::invitation::InvitationState>(
        "InvitationState",
    ));
    g.extend(entries::<crate::invitation::InvitationMessage>(
        "InvitationMessage",
    ));
    g.extend(entries::<crate::invitation::OutreachStatus>(
        "OutreachStatus",
    ));
    g
}

/// What is wrong with a list's labels, if anything: each word has a label in both languages,
/// never its stored spelling, starting with a capital (a raw word never does), and no two
/// words of a list read the same (a reader could not tell them apart).
pub fn label_problems<W: Word>() -> Vec<String> {
    let mut problems = Vec::new();
    for lang in [Lang::Fr, Lang::En] {
        let mut seen = std::collections::HashSet::new();
        for &w in W::ALL {
            let l = w.label(lang);
            let word = w.as_str();
            if l.trim().is_empty() {
                problems.push(format!("{word}: no label in {lang:?}"));
            } else if l == word || l.contains('_') {
                problems.push(format!(
                    "{word}: {l:?} in {lang:?} reads like a stored word"
                ));
            } else if l.chars().next().is_some_and(char::is_lowercase) {
                problems.push(format!(
                    "{word}: {l:?} in {lang:?} does not start with a capital"
                ));
            }
            if !seen.insert(l) {
                problems.push(format!("{word}: {l:?} twice in {lang:?}"));
            }
        }
    }
    problems
}

/// `as_str`, `parse`, `ALL` and the labels for an enum whose serde spelling is its snake_case
/// name, so the database and the wire use the same word and every reader the same label:
/// `Variant = "stored" => ("Français", "English")`.
#[macro_export]
macro_rules! words {
    ($t:ident { $($v:ident = $s:literal => ($fr:literal, $en:literal)),* $(,)? }) => {
        impl $t {
            /// Every word, in declaration order.
            pub const ALL: &'static [$t] = &[$($t::$v),*];
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($t::$v),)* _ => None }
            }
            /// (French, English).
            pub fn labels(self) -> (&'static str, &'static str) {
                match self { $($t::$v => ($fr, $en)),* }
            }
            /// What a reader sees for the word.
            pub fn label(self, lang: $crate::words::Lang) -> &'static str {
                let (fr, en) = self.labels();
                lang.pick(fr, en)
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
            fn labels(self) -> (&'static str, &'static str) {
                $t::labels(self)
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
        assert_eq!(super::label_problems::<T>(), Vec::<String>::new());
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
        check::<crate::dto::ExceptionKind>(json);
        check::<BookableBy>(json);
        check::<CancelledBy>(json);
        check::<JobState>(|_| None);
        check::<MessageKind>(|_| None);
        check::<crate::invitation::InvitationKind>(json);
        check::<crate::invitation::InvitationChannel>(json);
        check::<crate::invitation::InvitationState>(json);
        check::<crate::invitation::InvitationMessage>(json);
        check::<crate::invitation::OutreachStatus>(json);
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
        check::<crate::dto::IntentKind>(json);
        check::<crate::dto::SyncTable>(json);
        check::<crate::dto::IntentOutcome>(json);
        check::<crate::dto::RetentionRule>(json);
        check::<crate::safe_contact::Channel>(json);
        // The glossary lists every list checked here.
        let lists: std::collections::HashSet<_> =
            super::glossary().iter().map(|e| e.list).collect();
        assert_eq!(lists.len(), 45);
    }
}
