//! The printable report's text, French and English, in one catalog (the console's `catalog!`:
//! a key with one language, or a misspelt key, does not build). Read by funders and staff,
//! never by a person: it names the work (children in danger, reports) as the funders do.
//! Stored words are not here: their labels live with them in `relais_domain::words`.

use crate::render::console::text::catalog;

catalog! {
    /// The printable report's text in one language: one field per key.
    ReportText {
        activity_report => ("Rapport d'activité", "Activity report"),
        from => ("Du", "From"),
        to => ("au", "to"),
        external_note => ("Version destinée à l'extérieur du service : tout effectif de 1 à 4 se lit « < 5 ». Un effectif « masqué » est caché pour qu'on ne puisse pas retrouver un petit effectif à partir des totaux : il peut être de toute taille.", "Version for outside the service: any count from 1 to 4 reads \"< 5\". A \"withheld\" count is hidden so that a small count cannot be worked out from the totals: it may be of any size."),
        internal_note => ("Version interne au service : ne pas diffuser.", "Internal version: not to be passed on."),
        footnote => ("Chiffres calculés à partir des données enregistrées dans Relais. Personnes accompagnées : personnes distinctes ayant fait l'objet d'au moins une action (tentative de contact, entretien, orientation, signalement) sur la période. Par site : une situation au site qui l'a reçue, un entretien au site où il s'est tenu, une personne au site de son dernier entretien de la période. Prévention : actions collectives et personnes sensibilisées, comptées par le service ; aucune personne n'y est nommée, ces chiffres ne sont jamais masqués.", "Figures computed from the data recorded in Relais. People accompanied: distinct people with at least one action (contact attempt, interview, orientation, report) in the period. By site: a situation at the site that received it, an interview at the site where it was held, a person at the site of their last interview of the period. Prevention: collective actions and the people reached, counted by the service; no one is named in them, these figures are never hidden."),
        people_accompanied => ("Personnes accompagnées", "People accompanied"),
        new_situations => ("Nouvelles situations", "New situations"),
        interviews => ("Entretiens", "Interviews"),
        anonymous_contacts => ("Contacts anonymes", "Anonymous contacts"),
        minors => ("Mineurs", "Minors"),
        people_reached_prevention => ("Personnes sensibilisées (prévention)", "People reached (prevention)"),
        public_not_given => ("Non précisé", "Not given"),
        prevention => ("Prévention : actions collectives", "Prevention: collective actions"),
        people_reached_by_kind => ("Personnes sensibilisées par type d'action", "People reached by kind of action"),
        action => ("Action", "Action"),
        actions_held => ("Actions menées", "Actions held"),
        people_reached => ("Personnes sensibilisées", "People reached"),
        total => ("Total", "Total"),
        public => ("Public", "Public"),
        period => ("Période", "Period"),
        over_a_year => ("Évolution sur un an", "Change over a year"),
        figure => ("Indicateur", "Figure"),
        this_period => ("Cette période", "This period"),
        a_year_earlier => ("Un an plus tôt", "A year earlier"),
        change => ("Évolution", "Change"),
        origin => ("Origine des situations", "Origin of the situations"),
        by_channel => ("Par canal", "By channel"),
        channel => ("Canal", "Channel"),
        initiative => ("Initiative", "Initiative"),
        situations => ("Situations", "Situations"),
        share => ("Part", "Share"),
        problems_several => ("Problématiques (plusieurs par situation)", "Problems (several per situation)"),
        problems => ("Problématiques", "Problems"),
        interviews_by_mode => ("Entretiens par modalité", "Interviews by mode"),
        mode => ("Modalité", "Mode"),
        role_sex_age => ("Statut, sexe et âge", "Role, sex and age"),
        role => ("Statut", "Role"),
        sex => ("Sexe", "Sex"),
        age => ("Âge", "Age"),
        reachability => ("Joignabilité", "Reachability"),
        value => ("Valeur", "Value"),
        to_reach => ("Situations à joindre", "Situations to reach"),
        reached => ("Personnes jointes", "People reached by phone or message"),
        share_reached => ("Part jointe", "Share reached"),
        median_delay => ("Délai médian jusqu'au premier contact", "Median time to first contact"),
        attempts_per_contact => ("Tentatives par contact", "Attempts per contact"),
        orientations => ("Orientations", "Orientations"),
        orientations_by_kind => ("Orientations par type de partenaire", "Orientations by kind of partner"),
        partner => ("Partenaire", "Partner"),
        status => ("Statut de l'orientation", "Orientation status"),
        closures => ("Clôtures", "Closures"),
        reason => ("Motif", "Reason"),
        child_reports => ("Enfants en danger : signalements", "Children in danger: reports"),
        recipient => ("Destinataire", "Recipient"),
        reports => ("Signalements", "Reports"),
        monthly => ("Activité mensuelle", "Monthly activity"),
        monthly_caption => ("Activité mensuelle : nouvelles situations (foncé) et entretiens (clair)", "Monthly activity: new situations (dark) and interviews (light)"),
        month => ("Mois", "Month"),
        attempts => ("Tentatives", "Attempts"),
        anonymous => ("Anonymes", "Anonymous"),
        prevention_actions => ("Actions de prévention", "Prevention actions"),
        place => ("Lieu", "Place"),
        by_commune => ("Par commune de résidence", "By commune of residence"),
        people_by_commune => ("Personnes accompagnées par commune", "People accompanied by commune"),
        by_site => ("Par site", "By site"),
        other_communes => ("Autres communes", "Other communes"),
        commune_not_given => ("Commune non renseignée", "Commune not given"),
        elsewhere => ("Ailleurs ou non renseigné", "Elsewhere or not given"),
        convention_of => ("Convention de", "Convention of"),
        convention_counts => ("Ce rapport compte les personnes qui habitent ses communes, les situations reçues et les entretiens tenus sur ses sites ; les contacts anonymes et les actions de prévention, qui ne nomment ni commune ni site, n'y figurent pas.", "This report counts the people who live in its communes, the situations received and the interviews held at its sites; anonymous contacts and prevention actions, which name no commune and no site, are not in it."),
        convention_overlapped => ("Une autre convention couvre une partie du même travail : il figure aussi dans son rapport.", "Another convention covers some of the same work: it is in its report too."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_reads_in_both_languages_and_no_text_is_written_twice() {
        let mut pairs = std::collections::HashSet::new();
        for (key, fr, en) in ENTRIES {
            assert!(
                pairs.insert((fr, en)),
                "{key}: the same text under two keys"
            );
            assert!(!fr.trim().is_empty() && !en.trim().is_empty(), "{key}");
        }
    }
}
