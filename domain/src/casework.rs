//! The words of a situation's file beyond its state machine (`outreach`): the person's role,
//! problems, the police document category, interview modes, partners and orientations,
//! child-in-danger reports, anonymous contacts, links between people and the half-day rule
//! that keeps linked parties apart. Pure; the server stores these words as they are spelt here.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::outreach::{
    AttemptChannel, AttemptResult, CloseReason, Initiative, OriginChannel, Priority,
    ReferrerStatus, SituationKind,
};

words!(OriginChannel {
    Gendarmerie = "gendarmerie" => ("Gendarmerie", "Gendarmerie"),
    PoliceNationale = "police_nationale" => ("Police nationale", "Police nationale"),
    PoliceMunicipale = "police_municipale" => ("Police municipale", "Police municipale"),
    Partner = "partner" => ("Partenaire", "Partner"),
    WalkIn = "walk_in" => ("Venue spontanée", "Walk-in"),
    Phone = "phone" => ("Téléphone", "Telephone"),
});
words!(Initiative {
    ThirdParty = "third_party" => ("Orientation par un tiers", "Referred by a third party"),
    OwnInitiative = "own_initiative" => ("Propre initiative", "Own initiative"),
});
words!(SituationKind {
    DomesticViolence = "domestic_violence" => ("Violences conjugales", "Domestic violence"),
    FamilyConflict = "family_conflict" => ("Conflit familial", "Family conflict"),
    ChildInDanger = "child_in_danger" => ("Enfant en danger", "Child in danger"),
    VulnerableAdult = "vulnerable_adult" => ("Adulte vulnérable", "Vulnerable adult"),
    Other = "other" => ("Autre", "Other"),
});
words!(Priority {
    Immediate = "immediate" => ("Immédiate", "Immediate"),
    OneWorkingDay = "one_working_day" => ("Sous un jour ouvré", "Within one working day"),
    FiveWorkingDays = "five_working_days" => ("Sous cinq jours ouvrés", "Within five working days"),
});
words!(CloseReason {
    HandedOver = "handed_over" => ("Passage de relais", "Handed over"),
    Refused = "refused" => ("Refus de la personne", "Refused by the person"),
    Unreachable = "unreachable" => ("Injoignable", "Unreachable"),
    OutOfScope = "out_of_scope" => ("Hors champ", "Out of scope"),
    Resolved = "resolved" => ("Résolue", "Resolved"),
    MovedAway = "moved_away" => ("Déménagement", "Moved away"),
    Other = "other" => ("Autre", "Other"),
});
words!(AttemptChannel {
    Call = "call" => ("Appel", "Call"),
    Sms = "sms" => ("SMS", "Text message"),
    Email = "email" => ("Courriel", "E-mail"),
    Letter = "letter" => ("Courrier", "Letter"),
});
words!(AttemptResult {
    Answered = "answered" => ("Joint", "Answered"),
    NoAnswer = "no_answer" => ("Pas de réponse", "No answer"),
    NoMessageLeft = "no_message_left" => ("Pas de message laissé", "No message left"),
    SomeoneElseAnswered = "someone_else_answered" => ("Un tiers a répondu", "Someone else answered"),
    WrongNumber = "wrong_number" => ("Mauvais numéro", "Wrong number"),
    Refused = "refused" => ("Refus", "Refused"),
});
words!(ReferrerStatus {
    Received = "received" => ("Reçue", "Received"),
    ContactMade = "contact_made" => ("Contact établi", "Contact made"),
    NoContactPossible = "no_contact_possible" => ("Contact impossible", "No contact possible"),
    Closed = "closed" => ("Clôturée", "Closed"),
});

impl OriginChannel {
    /// Channels a referral form or a partner's software may declare.
    pub fn is_referral(self) -> bool {
        matches!(
            self,
            OriginChannel::Gendarmerie
                | OriginChannel::PoliceNationale
                | OriginChannel::PoliceMunicipale
                | OriginChannel::Partner
        )
    }
}

/// The person's role in the situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PersonRole {
    Victim,
    AllegedPerpetrator,
    Witness,
    Relative,
    VulnerablePerson,
    Other,
}
words!(PersonRole {
    Victim = "victim" => ("Victime", "Victim"),
    AllegedPerpetrator = "alleged_perpetrator" => ("Mis en cause", "Alleged perpetrator"),
    Witness = "witness" => ("Témoin", "Witness"),
    Relative = "relative" => ("Proche", "Relative"),
    VulnerablePerson = "vulnerable_person" => ("Personne vulnérable", "Vulnerable person"),
    Other = "other" => ("Autre", "Other"),
});

/// The three groups of the yearly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RoleGroup {
    Victim,
    AllegedPerpetrator,
    Other,
}
words!(RoleGroup {
    Victim = "victim" => ("Victimes", "Victims"),
    AllegedPerpetrator = "alleged_perpetrator" => ("Mis en cause", "Alleged perpetrators"),
    Other = "other" => ("Autres", "Others"),
});

impl PersonRole {
    pub fn group(self) -> RoleGroup {
        match self {
            PersonRole::Victim => RoleGroup::Victim,
            PersonRole::AllegedPerpetrator => RoleGroup::AllegedPerpetrator,
            _ => RoleGroup::Other,
        }
    }
}

/// Problems raised, several per situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Problem {
    DomesticViolence,
    SexualViolence,
    IntrafamilyViolence,
    FamilyConflict,
    Separation,
    ChildProtection,
    Parenting,
    Harassment,
    Housing,
    Money,
    Administrative,
    Health,
    MentalHealth,
    Addiction,
    Isolation,
    NeighbourhoodConflict,
    Other,
}
words!(Problem {
    DomesticViolence = "domestic_violence" => ("Violences conjugales", "Domestic violence"),
    SexualViolence = "sexual_violence" => ("Violences sexuelles", "Sexual violence"),
    IntrafamilyViolence = "intrafamily_violence" => ("Violences intrafamiliales", "Violence within the family"),
    FamilyConflict = "family_conflict" => ("Conflit familial", "Family conflict"),
    Separation = "separation" => ("Séparation", "Separation"),
    ChildProtection = "child_protection" => ("Protection de l'enfance", "Child protection"),
    Parenting = "parenting" => ("Parentalité", "Parenting"),
    Harassment = "harassment" => ("Harcèlement", "Harassment"),
    Housing = "housing" => ("Logement", "Housing"),
    Money = "money" => ("Difficultés financières", "Money difficulties"),
    Administrative = "administrative" => ("Démarches administratives", "Administrative steps"),
    Health = "health" => ("Santé", "Health"),
    MentalHealth = "mental_health" => ("Santé mentale", "Mental health"),
    Addiction = "addiction" => ("Addictions", "Addiction"),
    Isolation = "isolation" => ("Isolement", "Isolation"),
    NeighbourhoodConflict = "neighbourhood_conflict" => ("Conflit de voisinage", "Neighbourhood conflict"),
    Other = "other" => ("Autre", "Other"),
});

/// Stored as a comma-separated list of words (sorted, no duplicates).
pub fn problems_to_str(p: &[Problem]) -> String {
    let mut v = p.to_vec();
    v.sort();
    v.dedup();
    v.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
}

pub fn problems_parse(s: &str) -> Vec<Problem> {
    s.split(',').filter_map(Problem::parse).collect()
}

/// The police document behind a referral, as a category only: never its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DocumentType {
    Complaint,
    LogbookEntry,
    None,
    Unknown,
}
words!(DocumentType {
    Complaint = "complaint" => ("Plainte", "Complaint"),
    LogbookEntry = "logbook_entry" => ("Main courante", "Logbook entry"),
    None = "none" => ("Aucun", "None"),
    Unknown = "unknown" => ("Non renseigné", "Not known"),
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InterviewMode {
    InPerson,
    Phone,
    HomeVisit,
    AtPartner,
}
words!(InterviewMode {
    InPerson = "in_person" => ("En présentiel", "In person"),
    Phone = "phone" => ("Par téléphone", "By telephone"),
    HomeVisit = "home_visit" => ("À domicile", "Home visit"),
    AtPartner = "at_partner" => ("Chez un partenaire", "At a partner"),
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PartnerKind {
    VictimSupport,
    Cidff,
    SocialServices,
    ChildProtection,
    EmergencyHousing,
    Lawyer,
    Health,
    Other,
}
words!(PartnerKind {
    VictimSupport = "victim_support" => ("Aide aux victimes", "Victim support"),
    Cidff = "cidff" => ("CIDFF", "CIDFF (women and family rights)"),
    SocialServices = "social_services" => ("Services sociaux", "Social services"),
    ChildProtection = "child_protection" => ("Protection de l'enfance", "Child protection"),
    EmergencyHousing = "emergency_housing" => ("Hébergement d'urgence", "Emergency housing"),
    Lawyer = "lawyer" => ("Avocat", "Lawyer"),
    Health = "health" => ("Santé", "Health"),
    Other = "other" => ("Autre", "Other"),
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrientationStatus {
    Proposed,
    Accepted,
    Refused,
    HandedOver,
}
words!(OrientationStatus {
    Proposed = "proposed" => ("Proposée", "Proposed"),
    Accepted = "accepted" => ("Acceptée", "Accepted"),
    Refused = "refused" => ("Refusée", "Refused"),
    HandedOver = "handed_over" => ("Passage de relais", "Handed over"),
});

/// A refused orientation change names the current status and what it allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {} » n'est pas possible depuis « {} »", to.as_str(), current.as_str())]
pub struct OrientationError {
    pub current: OrientationStatus,
    pub to: OrientationStatus,
    pub allowed: Vec<OrientationStatus>,
}

impl OrientationStatus {
    /// proposed → accepted | refused; accepted → handed over. Refused and handed over are final.
    pub fn next_allowed(self) -> Vec<OrientationStatus> {
        use OrientationStatus as O;
        match self {
            O::Proposed => vec![O::Accepted, O::Refused],
            O::Accepted => vec![O::HandedOver],
            O::Refused | O::HandedOver => vec![],
        }
    }

    pub fn change(self, to: OrientationStatus) -> Result<OrientationStatus, OrientationError> {
        let allowed = self.next_allowed();
        if allowed.contains(&to) {
            Ok(to)
        } else {
            Err(OrientationError {
                current: self,
                to,
                allowed,
            })
        }
    }
}

/// Who received a child-in-danger report. The content is never recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ChildReportRecipient {
    /// Cellule de recueil des informations préoccupantes (information préoccupante).
    Crip,
    Prosecutor,
}
words!(ChildReportRecipient {
    Crip = "crip" => ("CRIP (information préoccupante)", "CRIP (child-at-risk unit)"),
    Prosecutor = "prosecutor" => ("Procureur", "Public prosecutor"),
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AgeBand {
    #[serde(rename = "under_18")]
    Under18,
    #[serde(rename = "from_18_to_25")]
    From18To25,
    #[serde(rename = "from_26_to_40")]
    From26To40,
    #[serde(rename = "from_41_to_60")]
    From41To60,
    #[serde(rename = "over_60")]
    Over60,
    Unknown,
}
words!(AgeBand {
    Under18 = "under_18" => ("Moins de 18 ans", "Under 18"),
    From18To25 = "from_18_to_25" => ("18–25 ans", "18–25"),
    From26To40 = "from_26_to_40" => ("26–40 ans", "26–40"),
    From41To60 = "from_41_to_60" => ("41–60 ans", "41–60"),
    Over60 = "over_60" => ("Plus de 60 ans", "Over 60"),
    Unknown = "unknown" => ("Non renseigné", "Not known"),
});

impl AgeBand {
    /// The band of someone born in `birth_year`, on `on`. Only the year is stored, so the
    /// age is the difference of years (a person born in 2008 counts as 18 all of 2026).
    pub fn of(birth_year: Option<i32>, on: NaiveDate) -> AgeBand {
        match birth_year.map(|y| on.year() - y) {
            None => AgeBand::Unknown,
            Some(a) if a < 0 => AgeBand::Unknown,
            Some(a) if a < 18 => AgeBand::Under18,
            Some(a) if a <= 25 => AgeBand::From18To25,
            Some(a) if a <= 40 => AgeBand::From26To40,
            Some(a) if a <= 60 => AgeBand::From41To60,
            Some(_) => AgeBand::Over60,
        }
    }
}

/// A person's sex as declared, kept in clear for the yearly statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

words!(Sex {
    Female = "female" => ("Femme", "Female"),
    Male = "male" => ("Homme", "Male"),
    Other = "other" => ("Autre", "Other"),
    Unknown = "unknown" => ("Non renseigné", "Not known"),
});

/// What was done for an anonymous contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AnonymousAction {
    Listening,
    Information,
    Orientation,
    Other,
}
words!(AnonymousAction {
    Listening = "listening" => ("Écoute", "Listening"),
    Information = "information" => ("Information", "Information"),
    Orientation = "orientation" => ("Orientation", "Referral to a partner"),
    Other = "other" => ("Autre", "Other"),
});

/// How two people are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LinkRelation {
    /// One is the victim, the other the alleged perpetrator.
    VictimAllegedPerpetrator,
    ParentChild,
    Family,
    Other,
}
words!(LinkRelation {
    VictimAllegedPerpetrator = "victim_alleged_perpetrator" => ("Victime et mis en cause", "Victim and alleged perpetrator"),
    ParentChild = "parent_child" => ("Parent et enfant", "Parent and child"),
    Family = "family" => ("Famille", "Family"),
    Other = "other" => ("Autre", "Other"),
});

impl LinkRelation {
    /// Whether the two are kept apart (never booked at one site on one half-day) unless the
    /// coordinator says otherwise: a parent may come with their child; a victim never meets
    /// the alleged perpetrator in the waiting room.
    pub fn keeps_apart_by_default(self) -> bool {
        !matches!(self, LinkRelation::ParentChild)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HalfDay {
    Morning,
    Afternoon,
}

/// The half-day of a local time: the morning ends at 13:00.
pub fn half_day(local: NaiveDateTime) -> (NaiveDate, HalfDay) {
    let h = if local.hour() < 13 {
        HalfDay::Morning
    } else {
        HalfDay::Afternoon
    };
    (local.date(), h)
}

/// The half-days an appointment from `start` to `end` (local times, end excluded) touches:
/// 12:45–13:30 is in the morning *and* the afternoon.
pub fn half_days(start: NaiveDateTime, end: NaiveDateTime) -> Vec<(NaiveDate, HalfDay)> {
    let mut out = vec![half_day(start)];
    let last = if end > start {
        half_day(end - chrono::Duration::seconds(1))
    } else {
        half_day(start)
    };
    let mut cur = out[0];
    while cur < last {
        cur = match cur.1 {
            HalfDay::Morning => (cur.0, HalfDay::Afternoon),
            HalfDay::Afternoon => match cur.0.succ_opt() {
                Some(d) => (d, HalfDay::Morning),
                None => break,
            },
        };
        out.push(cur);
    }
    out
}

/// Whether two appointments (local start and end at their sites) would put linked people in
/// one place on one half-day: same site, and some half-day that both overlap.
pub fn linked_meet(
    a_site: uuid::Uuid,
    a: (NaiveDateTime, NaiveDateTime),
    b_site: uuid::Uuid,
    b: (NaiveDateTime, NaiveDateTime),
) -> bool {
    if a_site != b_site {
        return false;
    }
    let ha = half_days(a.0, a.1);
    half_days(b.0, b.1).iter().any(|h| ha.contains(h))
}

/// Whether two appointments (local start times at their sites) would put linked people in the
/// same place on the same half-day.
pub fn same_site_half_day(
    a_site: uuid::Uuid,
    a_local: NaiveDateTime,
    b_site: uuid::Uuid,
    b_local: NaiveDateTime,
) -> bool {
    a_site == b_site && half_day(a_local) == half_day(b_local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_word_round_trips_and_matches_serde() {
        fn check<T: Copy + PartialEq + std::fmt::Debug + Serialize>(
            all: &[T],
            s: fn(T) -> &'static str,
            p: fn(&str) -> Option<T>,
        ) {
            for v in all {
                assert_eq!(p(s(*v)), Some(*v));
                let json = serde_json_lite(v);
                assert_eq!(json, s(*v), "{v:?}");
            }
            assert_eq!(p("nope"), None);
        }
        check(
            OriginChannel::ALL,
            OriginChannel::as_str,
            OriginChannel::parse,
        );
        check(Initiative::ALL, Initiative::as_str, Initiative::parse);
        check(
            SituationKind::ALL,
            SituationKind::as_str,
            SituationKind::parse,
        );
        check(Priority::ALL, Priority::as_str, Priority::parse);
        check(CloseReason::ALL, CloseReason::as_str, CloseReason::parse);
        check(
            AttemptChannel::ALL,
            AttemptChannel::as_str,
            AttemptChannel::parse,
        );
        check(
            AttemptResult::ALL,
            AttemptResult::as_str,
            AttemptResult::parse,
        );
        check(
            ReferrerStatus::ALL,
            ReferrerStatus::as_str,
            ReferrerStatus::parse,
        );
        check(PersonRole::ALL, PersonRole::as_str, PersonRole::parse);
        check(RoleGroup::ALL, RoleGroup::as_str, RoleGroup::parse);
        check(Problem::ALL, Problem::as_str, Problem::parse);
        check(DocumentType::ALL, DocumentType::as_str, DocumentType::parse);
        check(
            InterviewMode::ALL,
            InterviewMode::as_str,
            InterviewMode::parse,
        );
        check(PartnerKind::ALL, PartnerKind::as_str, PartnerKind::parse);
        check(
            OrientationStatus::ALL,
            OrientationStatus::as_str,
            OrientationStatus::parse,
        );
        check(
            ChildReportRecipient::ALL,
            ChildReportRecipient::as_str,
            ChildReportRecipient::parse,
        );
        check(AgeBand::ALL, AgeBand::as_str, AgeBand::parse);
        check(Sex::ALL, Sex::as_str, Sex::parse);
        check(
            AnonymousAction::ALL,
            AnonymousAction::as_str,
            AnonymousAction::parse,
        );
        check(LinkRelation::ALL, LinkRelation::as_str, LinkRelation::parse);
    }

    fn serde_json_lite<T: Serialize>(v: &T) -> String {
        serde_json::to_value(v)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn orientation_statuses() {
        use OrientationStatus as O;
        let expected = [
            (O::Proposed, O::Accepted),
            (O::Proposed, O::Refused),
            (O::Accepted, O::HandedOver),
        ];
        for from in O::ALL {
            for to in O::ALL {
                let r = from.change(*to);
                if expected.contains(&(*from, *to)) {
                    assert_eq!(r, Ok(*to));
                } else {
                    let e = r.unwrap_err();
                    assert_eq!(e.current, *from);
                    assert_eq!(e.allowed, from.next_allowed());
                    assert!(e.to_string().contains(from.as_str()));
                }
            }
        }
    }

    #[test]
    fn age_bands_use_the_year_only() {
        let on = d(2026, 6, 1);
        assert_eq!(AgeBand::of(None, on), AgeBand::Unknown);
        assert_eq!(AgeBand::of(Some(2010), on), AgeBand::Under18);
        assert_eq!(AgeBand::of(Some(2009), on), AgeBand::Under18);
        assert_eq!(AgeBand::of(Some(2008), on), AgeBand::From18To25);
        assert_eq!(AgeBand::of(Some(2001), on), AgeBand::From18To25);
        assert_eq!(AgeBand::of(Some(2000), on), AgeBand::From26To40);
        assert_eq!(AgeBand::of(Some(1966), on), AgeBand::From41To60);
        assert_eq!(AgeBand::of(Some(1965), on), AgeBand::Over60);
        assert_eq!(AgeBand::of(Some(2030), on), AgeBand::Unknown);
    }

    #[test]
    fn an_appointment_across_one_pm_is_in_both_half_days() {
        let site = uuid::Uuid::from_u128(1);
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap_or_default();
        let t = |h, m| d.and_hms_opt(h, m, 0).unwrap_or_default();
        // the review's pair: 12:45–13:30 and 13:00–13:45
        assert!(linked_meet(
            site,
            (t(12, 45), t(13, 30)),
            site,
            (t(13, 0), t(13, 45))
        ));
        assert!(linked_meet(
            site,
            (t(9, 0), t(9, 30)),
            site,
            (t(12, 30), t(13, 30))
        ));
        assert!(!linked_meet(
            site,
            (t(9, 0), t(13, 0)),
            site,
            (t(13, 0), t(14, 0))
        ));
        assert!(!linked_meet(
            site,
            (t(9, 0), t(9, 30)),
            uuid::Uuid::from_u128(2),
            (t(9, 0), t(9, 30))
        ));
        assert_eq!(half_days(t(9, 0), t(9, 0)).len(), 1);
        assert_eq!(half_days(t(12, 0), t(14, 0)).len(), 2);
    }

    #[test]
    fn half_days_split_at_one_pm() {
        let site = uuid::Uuid::from_u128(1);
        let other = uuid::Uuid::from_u128(2);
        let t = |h, m| d(2026, 11, 23).and_hms_opt(h, m, 0).unwrap();
        assert!(same_site_half_day(site, t(9, 0), site, t(12, 59)));
        assert!(!same_site_half_day(site, t(12, 59), site, t(13, 0)));
        assert!(same_site_half_day(site, t(14, 0), site, t(17, 30)));
        assert!(!same_site_half_day(site, t(9, 0), other, t(9, 0)));
        let next_day = d(2026, 11, 24).and_hms_opt(9, 0, 0).unwrap();
        assert!(!same_site_half_day(site, t(9, 0), site, next_day));
    }

    #[test]
    fn problems_are_stored_sorted_without_duplicates() {
        let s = problems_to_str(&[
            Problem::Housing,
            Problem::DomesticViolence,
            Problem::Housing,
        ]);
        assert_eq!(s, "domestic_violence,housing");
        assert_eq!(
            problems_parse(&s),
            vec![Problem::DomesticViolence, Problem::Housing]
        );
        assert_eq!(problems_parse(""), vec![]);
    }

    #[test]
    fn links_keep_apart_except_parent_and_child() {
        assert!(LinkRelation::VictimAllegedPerpetrator.keeps_apart_by_default());
        assert!(LinkRelation::Family.keeps_apart_by_default());
        assert!(!LinkRelation::ParentChild.keeps_apart_by_default());
    }
}
