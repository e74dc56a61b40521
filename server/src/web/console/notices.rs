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
    ReferralSent,
}

use Done::*;

/// Every fixed notice, with its code (`Anonymised` carries its count: `anonymises-3`).
const FIXED: [(Done, &str); 21] = [
    (SiteCreated, "site-cree"),
    (AccountCreated, "compte-cree"),
    (SecondFactorReset, "second-facteur"),
    (AccountDisabled, "compte-desactive"),
    (AccountEnabled, "compte-reactive"),
    (WindowAdded, "plage-ajoutee"),
    (PartnerAdded, "partenaire-ajoute"),
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
    (ReferralSent, "signalement-envoye"),
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
                return format!(
                    "{n} {}",
                    l.w("dossier(s) anonymisé(s).", "file(s) anonymised.")
                );
            }
            SiteCreated => l.w("Site créé.", "Site created."),
            AccountCreated => l.w(
                "Compte créé. Donnez le mot de passe initial à la personne : à sa première connexion, elle enrôlera son application d'authentification.",
                "Account created. Give the person the initial password: at first sign-in they will enrol their authenticator app.",
            ),
            SecondFactorReset => l.w(
                "Second facteur réinitialisé : sessions et téléphones révoqués ; à sa prochaine connexion, la personne enrôlera une nouvelle application.",
                "Second factor reset: sessions and phones revoked; at the next sign-in the person enrols a new app.",
            ),
            AccountDisabled => l.w(
                "Compte désactivé : ses sessions et ses téléphones sont révoqués.",
                "Account disabled: its sessions and phones are revoked.",
            ),
            AccountEnabled => l.w("Compte réactivé.", "Account enabled again."),
            WindowAdded => l.w("Plage ajoutée.", "Window added."),
            PartnerAdded => l.w("Partenaire ajouté.", "Partner added."),
            KeyRevoked => l.w("Clé révoquée.", "Key revoked."),
            NothingAnonymised => l.w(
                "Rien n'a été anonymisé : cochez la confirmation.",
                "Nothing was anonymised: tick the confirmation.",
            ),
            AbsenceAdded => l.w("Absence ajoutée.", "Absence added."),
            WordingSaved => l.w("Formulation enregistrée.", "Wording saved."),
            AttemptLogged => l.w("Tentative enregistrée.", "Attempt logged."),
            StateChanged => l.w("État changé.", "State changed."),
            OrientationRecorded => l.w("Orientation enregistrée.", "Orientation recorded."),
            InterviewRecorded => l.w("Entretien enregistré.", "Interview recorded."),
            ChildReportRecorded => l.w("Signalement enregistré.", "Report recorded."),
            AppointmentBooked => l.w(
                "Rendez-vous réservé. Vous pouvez maintenant passer la situation à « Rendez-vous fixé ».",
                "Appointment booked. You can now move the situation to “Appointment set”.",
            ),
            AppointmentUpdated => l.w("Rendez-vous mis à jour.", "Appointment updated."),
            WalkInRecorded => l.w(
                "Venue enregistrée : le dossier est ouvert.",
                "Walk-in recorded: the file is open.",
            ),
            AnonymousContactRecorded => l.w("Contact anonyme enregistré.", "Anonymous contact recorded."),
            ReferralSent => l.w("Signalement envoyé.", "Referral sent."),
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
