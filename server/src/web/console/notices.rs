//! What a console page says after a change (post, redirect, get): the redirect carries a
//! code in `?fait=`, never text, and the words are here, in both languages. A link crafted
//! with other words in it shows nothing: the console only ever says what it wrote itself.

use axum::response::Response;

use crate::render::console::Lang;

/// A change that was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    SiteCreated,
    AccountCreated,
    SecondFactorReset,
    AccountDisabled,
    AccountEnabled,
    WindowAdded,
    PartnerAdded,
    ConventionAdded,
    ConventionRemoved,
    KeyRevoked,
    NothingAnonymised,
    /// How many files were anonymised.
    Anonymised(u32),
    AbsenceAdded,
    WordingSaved,
    AttemptLogged,
    StateChanged,
    OrientationRecorded,
    InterviewRecorded,
    ChildReportRecorded,
    AppointmentBooked,
    AppointmentUpdated,
    WalkInRecorded,
    AnonymousContactRecorded,
    PreventionActionRecorded,
    PreventionActionRemoved,
    ReferralSent,
    TypeCreated,
    TypeUpdated,
    ExceptionAdded,
    ExceptionRemoved,
    SituationReopened,
    AppointmentMoved,
    LinkCreated,
    LinkEnded,
    OutcomeRecorded,
    FeedRevoked,
    InvitationSent,
    InvitationRevoked,
    SafeContactChecked,
    SafeContactUnchecked,
    InvitationSettingsSaved,
    MessagesStopped,
    MessagesResumed,
}

use Done::*;

/// Every fixed notice, with its code (`Anonymised` carries its count: `anonymises-3`).
const FIXED: [(Done, &str); 42] = [
    (SiteCreated, "site-cree"),
    (AccountCreated, "compte-cree"),
    (SecondFactorReset, "second-facteur"),
    (AccountDisabled, "compte-desactive"),
    (AccountEnabled, "compte-reactive"),
    (WindowAdded, "plage-ajoutee"),
    (PartnerAdded, "partenaire-ajoute"),
    (ConventionAdded, "convention-ajoutee"),
    (ConventionRemoved, "convention-retiree"),
    (KeyRevoked, "cle-revoquee"),
    (NothingAnonymised, "rien-anonymise"),
    (AbsenceAdded, "absence-ajoutee"),
    (WordingSaved, "formulation"),
    (AttemptLogged, "tentative"),
    (StateChanged, "etat"),
    (OrientationRecorded, "orientation"),
    (InterviewRecorded, "entretien"),
    (ChildReportRecorded, "signalement-enfant"),
    (AppointmentBooked, "rdv-reserve"),
    (AppointmentUpdated, "rdv-modifie"),
    (WalkInRecorded, "venue"),
    (AnonymousContactRecorded, "contact-anonyme"),
    (PreventionActionRecorded, "action-enregistree"),
    (PreventionActionRemoved, "action-retiree"),
    (ReferralSent, "signalement-envoye"),
    (TypeCreated, "type-cree"),
    (TypeUpdated, "type-modifie"),
    (ExceptionAdded, "exception-ajoutee"),
    (ExceptionRemoved, "exception-retiree"),
    (SituationReopened, "reouverte"),
    (AppointmentMoved, "rdv-deplace"),
    (FeedRevoked, "abonnement-revoque"),
    (LinkCreated, "lien-cree"),
    (LinkEnded, "lien-termine"),
    (OutcomeRecorded, "suite-enregistree"),
    (InvitationSent, "invitation-programmee"),
    (InvitationRevoked, "invitation-retiree"),
    (SafeContactChecked, "contact-sur-verifie"),
    (SafeContactUnchecked, "contact-sur-non-verifie"),
    (InvitationSettingsSaved, "reglages-invitations"),
    (MessagesStopped, "messages-arretes"),
    (MessagesResumed, "messages-repris"),
];

impl Done {
    pub fn code(self) -> String {
        match self {
            Anonymised(n) => format!("anonymises-{n}"),
            d => FIXED
                .iter()
                .find(|(x, _)| *x == d)
                .map_or("", |(_, c)| c)
                .to_owned(),
        }
    }

    pub fn parse(code: &str) -> Option<Done> {
        if let Some(n) = code.strip_prefix("anonymises-") {
            return n.parse().ok().map(Anonymised);
        }
        FIXED.iter().find(|(_, c)| *c == code).map(|(d, _)| *d)
    }

    pub fn words(self, l: Lang) -> String {
        let s = match self {
            Anonymised(n) => {
                return format!("{n} {}", l.t().file_s_anonymised);
            }
            SiteCreated => l.t().site_created,
            AccountCreated => l.t().account_created_give_the,
            SecondFactorReset => l.t().second_factor_reset_sessions,
            AccountDisabled => l.t().account_disabled_its_sessions,
            AccountEnabled => l.t().account_enabled_again,
            WindowAdded => l.t().window_added,
            PartnerAdded => l.t().partner_added,
            ConventionAdded => l.t().admin.convention_added,
            ConventionRemoved => l.t().admin.convention_removed,
            KeyRevoked => l.t().key_revoked,
            NothingAnonymised => l.t().nothing_was_anonymised_tick,
            AbsenceAdded => l.t().absence_added,
            WordingSaved => l.t().wording_saved,
            AttemptLogged => l.t().attempt_logged,
            StateChanged => l.t().state_changed,
            OrientationRecorded => l.t().orientation_recorded,
            InterviewRecorded => l.t().interview_recorded,
            ChildReportRecorded => l.t().report_recorded,
            AppointmentBooked => l.t().appointment_booked_you_can,
            AppointmentUpdated => l.t().appointment_updated,
            WalkInRecorded => l.t().walk_in_recorded_the,
            AnonymousContactRecorded => l.t().anonymous_contact_recorded,
            PreventionActionRecorded => l.t().prevention.recorded,
            PreventionActionRemoved => l.t().prevention.removed,
            ReferralSent => l.t().referral_sent,
            TypeCreated => l.t().type_created,
            TypeUpdated => l.t().type_updated,
            ExceptionAdded => l.t().exception_added,
            ExceptionRemoved => l.t().exception_removed,
            SituationReopened => l.t().situation_reopened,
            AppointmentMoved => l.t().appointment_moved,
            LinkCreated => l.t().link_created,
            LinkEnded => l.t().link_ended,
            OutcomeRecorded => l.t().outcome_recorded,
            FeedRevoked => l.t().feed_revoked,
            InvitationSent => l.t().invite.sent_notice,
            InvitationRevoked => l.t().invite.revoked_notice,
            SafeContactChecked => l.t().reach.checked_notice,
            SafeContactUnchecked => l.t().reach.unchecked_notice,
            InvitationSettingsSaved => l.t().admin.invitation_settings_saved,
            MessagesStopped => l.t().reach.messages_stopped_notice,
            MessagesResumed => l.t().reach.messages_resumed_notice,
        };
        s.to_owned()
    }
}

/// After a change: back to a page that says what was done, by its code.
pub fn done(location: &str, what: Done) -> Response {
    let sep = if location.contains('?') { '&' } else { '?' };
    super::see_other(&format!("{location}{sep}fait={}", what.code()))
}

/// The words of the code a page was given; nothing for any other text.
pub fn notice(raw: &Option<String>, l: Lang) -> Option<String> {
    super::query(raw, "fait")
        .and_then(|c| Done::parse(&c))
        .map(|d| d.words(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_free_text_reads_as_nothing() {
        for (d, _) in FIXED.iter().copied().chain([(Anonymised(3), "")]) {
            assert_eq!(Done::parse(&d.code()), Some(d), "{d:?}");
        }
        let l = Lang { english: false };
        let raw = Some("fait=Votre+compte+est+bloqu%C3%A9%2C+appelez+le+06".to_owned());
        assert_eq!(notice(&raw, l), None);
        assert_eq!(notice(&Some("fait=anonymises-x".into()), l), None);
        assert_eq!(
            notice(&Some("fait=site-cree".into()), l).as_deref(),
            Some("Site créé.")
        );
    }
}
