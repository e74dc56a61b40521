//! The console's page text, French and English, in one catalog: every text a key, both
//! languages on one line. A key with one language does not build (`catalog!` takes a pair),
//! and a misspelt key does not build (it is a field of `Text`). The admin's pages have their
//! part, `Text::admin` (`admin.rs`), so that no file of it grows past a room. Stored words are
//! not here: their labels live with them in `relais_domain::words`.

/// A catalog: a struct with one field per key (and its parts, each a catalog of its own), its
/// French and English instances, and every entry listed for the checks that read them all.
macro_rules! catalog {
    (
        $(#[$meta:meta])* $name:ident {
            $([$part:ident: $part_ty:ty = ($part_fr:expr, $part_en:expr)])*
            $($key:ident => ($fr:literal, $en:literal),)*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(pub $part: $part_ty,)*
            $(pub $key: &'static str,)*
        }

        pub const FR: $name = $name { $($part: $part_fr,)* $($key: $fr,)* };
        pub const EN: $name = $name { $($part: $part_en,)* $($key: $en,)* };

        /// This catalog's own entries (not its parts'): (key, French, English).
        #[allow(dead_code)] // read by the checks; the report's catalog has no other reader
        pub const ENTRIES: &[(&str, &str, &str)] = &[$((stringify!($key), $fr, $en),)*];
    };
}

// The report's catalog (`render::report::text`) is written with it too.
pub(crate) use catalog;

pub mod admin;
pub mod invite;
pub mod prevention;
pub mod reach;

catalog! {
    /// The console's page text in one language: one field per key.
    Text {
        [admin: admin::Admin = (admin::FR, admin::EN)]
        [prevention: prevention::Prevention = (prevention::FR, prevention::EN)]
        [invite: invite::Invite = (invite::FR, invite::EN)]
        [reach: reach::Reach = (reach::FR, reach::EN)]
        calendar_feeds => ("Abonnement au calendrier", "Calendar feed"),
        feeds_intro => ("Votre agenda dans votre application de calendrier : elle s'abonne à une adresse secrète, qui ne montre que l'heure, le lieu et le type de chaque rendez-vous (jamais le motif). Qui a l'adresse voit votre agenda : ne la partagez pas, révoquez-la si un téléphone est perdu.", "Your agenda in your calendar application: it subscribes to a secret address, which shows only each appointment's time, place and type (never the reason). Whoever has the address sees your agenda: do not share it, revoke it if a phone is lost."),
        feed_shown_once => ("Voici l'adresse de l'abonnement. Copiez-la dans votre application de calendrier maintenant : elle ne sera plus affichée.", "Here is the feed's address. Copy it into your calendar application now: it will not be shown again."),
        feed_no_host => ("L'adresse publique du serveur n'est pas réglée (RELAIS_PUBLIC_URL) : placez-la devant ce chemin, ou demandez-la à l'administration du service.", "The server's public address is not set (RELAIS_PUBLIC_URL): put it before this path, or ask the service's administrator."),
        live_feeds => ("Abonnements en service", "Live feeds"),
        feed_created => ("Créé le", "Created"),
        feed_titles => ("Titres", "Titles"),
        feed_with_initials => ("avec les initiales", "with initials"),
        feed_without_names => ("sans nom", "without names"),
        no_feed => ("Aucun abonnement en service.", "No live feed."),
        new_feed => ("Nouvel abonnement", "New feed"),
        feed_show_initials => ("Montrer les initiales des personnes dans les titres (à éviter sur un téléphone que d'autres voient)", "Show people's initials in the titles (avoid it on a phone others see)"),
        create_the_feed => ("Créer l'abonnement", "Create the feed"),
        revoke_the_feed_of => ("Révoquer l'abonnement de", "Revoke the feed of"),
        feed_revoked => ("Abonnement révoqué : l'adresse ne montre plus rien.", "Feed revoked: the address shows nothing any more."),
        link_search => ("Lier à une autre personne : son nom exact", "Link to another person: their exact name"),
        find => ("Chercher", "Find"),
        nobody_by_that_name => ("Personne d'autre de ce nom.", "Nobody else by that name."),
        relation => ("Lien", "Relation"),
        link_them => ("Lier", "Link"),
        move_the_appointment => ("Déplacer le rendez-vous", "Move the appointment"),
        move_now => ("Le rendez-vous est prévu le", "The appointment is set for"),
        move_to => ("Déplacer au", "Move to"),
        back_to_the_appointment => ("Retour au rendez-vous", "Back to the appointment"),
        follow_up => ("Suites", "Follow-up"),
        orientations => ("Orientations", "Orientations"),
        what_came_of_it => ("Ce qu'il en est advenu", "What came of it"),
        no_orientation_yet => ("Aucune orientation pour cette situation.", "No orientation for this situation."),
        reopen_intro => ("La situation est close. La rouvrir en crée une nouvelle pour la même personne, liée à celle-ci, qui revient dans la file d'appels.", "The situation is closed. Reopening it creates a new one for the same person, linked to this one, back in the call-back queue."),
        reopen => ("Rouvrir la situation", "Reopen the situation"),
        end_link => ("Terminer le lien", "End the link"),
        type_created => ("Type de rendez-vous créé.", "Appointment type created."),
        type_updated => ("Type de rendez-vous modifié.", "Appointment type updated."),
        exception_added => ("Exception ajoutée à l'agenda.", "Exception added to the calendar."),
        exception_removed => ("Exception retirée.", "Exception removed."),
        situation_reopened => ("Situation rouverte : elle revient dans la file d'appels.", "Situation reopened: it is back in the call-back queue."),
        appointment_moved => ("Rendez-vous déplacé ; la personne est prévenue si un moyen sûr le permet.", "Appointment moved; the person is told if a safe channel allows it."),
        link_created => ("Lien enregistré.", "Link recorded."),
        link_ended => ("Lien terminé.", "Link ended."),
        outcome_recorded => ("Suite de l'orientation enregistrée.", "Orientation outcome recorded."),
        file_s_anonymised => ("dossier(s) anonymisé(s).", "file(s) anonymised."),
        site_created => ("Site créé.", "Site created."),
        account_created_give_the => ("Compte créé. Donnez le mot de passe initial à la personne : à sa première connexion, elle enrôlera son application d'authentification.", "Account created. Give the person the initial password: at first sign-in they will enrol their authenticator app."),
        second_factor_reset_sessions => ("Second facteur réinitialisé : sessions et téléphones révoqués ; à sa prochaine connexion, la personne enrôlera une nouvelle application.", "Second factor reset: sessions and phones revoked; at the next sign-in the person enrols a new app."),
        account_disabled_its_sessions => ("Compte désactivé : ses sessions et ses téléphones sont révoqués.", "Account disabled: its sessions and phones are revoked."),
        account_enabled_again => ("Compte réactivé.", "Account enabled again."),
        window_added => ("Plage ajoutée.", "Window added."),
        partner_added => ("Partenaire ajouté.", "Partner added."),
        key_revoked => ("Clé révoquée.", "Key revoked."),
        nothing_was_anonymised_tick => ("Rien n'a été anonymisé : cochez la confirmation.", "Nothing was anonymised: tick the confirmation."),
        absence_added => ("Absence ajoutée.", "Absence added."),
        wording_saved => ("Formulation enregistrée.", "Wording saved."),
        attempt_logged => ("Tentative enregistrée.", "Attempt logged."),
        state_changed => ("État changé.", "State changed."),
        orientation_recorded => ("Orientation enregistrée.", "Orientation recorded."),
        interview_recorded => ("Entretien enregistré.", "Interview recorded."),
        report_recorded => ("Signalement enregistré.", "Report recorded."),
        appointment_booked_you_can => ("Rendez-vous réservé. Vous pouvez maintenant passer la situation à « Rendez-vous fixé ».", "Appointment booked. You can now move the situation to “Appointment set”."),
        appointment_updated => ("Rendez-vous mis à jour.", "Appointment updated."),
        walk_in_recorded_the => ("Venue enregistrée : le dossier est ouvert.", "Walk-in recorded: the file is open."),
        anonymous_contact_recorded => ("Contact anonyme enregistré.", "Anonymous contact recorded."),
        referral_sent => ("Signalement envoyé.", "Referral sent."),
        someone_comes_in_without => ("Une personne se présente sans rendez-vous : un prénom suffit. La personne, la situation et ce premier entretien sont enregistrés ensemble ; le dossier se complète ensuite.", "Someone comes in without an appointment: a first name is enough. The person, the situation and this first interview are recorded together; the file is completed later."),
        first_name => ("Prénom", "First name"),
        last_name_optional => ("Nom (facultatif)", "Last name (optional)"),
        phone_optional => ("Téléphone (facultatif)", "Phone (optional)"),
        kind => ("Nature", "Kind"),
        the_person_is => ("La personne est", "The person is"),
        immediate_danger => ("Danger immédiat", "Immediate danger"),
        a_minor_is_involved => ("Un mineur est concerné", "A minor is involved"),
        interview_note_optional => ("Note de l'entretien (facultative)", "Interview note (optional)"),
        record_the_walk_in => ("Enregistrer la venue", "Record the walk-in"),
        walk_in => ("Accueil sans rendez-vous", "Walk-in"),
        for_the_statistics_only => ("Pour les statistiques seulement : ni nom, ni texte libre.", "For the statistics only: no name, no free text."),
        channel => ("Canal", "Channel"),
        sex => ("Sexe", "Sex"),
        age => ("Âge", "Age"),
        problems => ("Problématiques", "Problems"),
        what_was_done => ("Réponse apportée", "What was done"),
        record_the_contact => ("Enregistrer le contact", "Record the contact"),
        anonymous_contact => ("Contact anonyme", "Anonymous contact"),
        commune_optional => ("Commune de résidence (facultatif : son nom, ou son code INSEE)", "Commune of residence (optional: its name, or its INSEE code)"),
        commune => ("Commune de résidence", "Commune of residence"),
        before_opening_the_console => ("Avant d'ouvrir la console, reliez votre compte à une application d'authentification (FreeOTP, Aegis, Google Authenticator…).", "Before opening the console, link your account to an authenticator app (FreeOTP, Aegis, Google Authenticator…)."),
        scan_this_qr_code => ("Scannez ce code QR avec l'application.", "Scan this QR code with the app."),
        type_the_6_digit => ("Saisissez le code à 6 chiffres qu'elle affiche.", "Type the 6-digit code it shows."),
        without_a_camera_type => ("Sans appareil photo, saisissez cette clé dans l'application :", "Without a camera, type this key into the app:"),
        n6_digit_code => ("Code à 6 chiffres", "6-digit code"),
        confirm => ("Valider", "Confirm"),
        authenticator_app => ("Application d'authentification", "Authenticator app"),
        type_the_6_digit_code => ("Saisissez le code à 6 chiffres.", "Type the 6-digit code."),
        done_here_are_your => ("C'est fait. Voici vos codes de secours : chacun sert une fois, si vous n'avez pas votre téléphone. Notez-les maintenant et gardez-les en lieu sûr : ils ne seront plus affichés.", "Done. Here are your recovery codes: each works once, when you do not have your phone. Write them down now and keep them safe: they will not be shown again."),
        i_wrote_them_down => ("J'ai noté mes codes : ouvrir la console", "I wrote them down: open the console"),
        recovery_codes => ("Codes de secours", "Recovery codes"),
        page_for_another_role => ("Page réservée à un autre rôle", "Page for another role"),
        form_refused => ("Formulaire refusé", "Form refused"),
        form_refused_text => ("Ce formulaire ne vient pas de cette page de la console, ou votre session a changé. Rien n'a été enregistré. Rechargez la page et recommencez.", "This form did not come from this console page, or your session changed. Nothing was saved. Reload the page and try again."),
        not_possible_now => ("Impossible pour le moment", "Not possible right now"),
        not_possible_text => ("La demande n'a pas abouti. Réessayez dans un instant ; si cela continue, prévenez l'administration du service.", "The request did not go through. Try again in a moment; if it goes on, tell the service's administrator."),
        not_found => ("Introuvable", "Not found"),
        not_found_text => ("Cette page n'existe pas ou n'est pas de votre service.", "This page does not exist or is not your service's."),
        your_role_does_not => ("Votre rôle ne donne pas accès à cette page.", "Your role does not give access to this page."),
        back_to_the_console => ("Retour à la console", "Back to the console"),
        not_possible_from_the => ("Changement impossible depuis l'état", "Not possible from the state"),
        possible => ("possibles", "possible"),
        your_session_ended_15 => ("Votre session a pris fin (15 minutes sans activité, ou 12 heures). Connectez-vous pour continuer.", "Your session ended (15 minutes idle, or 12 hours). Sign in to go on."),
        sign_in_to_the => ("Connexion à la console", "Sign in to the console"),
        you_see_the_status => ("Vous voyez l'état de vos signalements, jamais le contenu du dossier.", "You see the status of your referrals, never the content of the file."),
        new_referral => ("Nouveau signalement", "New referral"),
        my_referrals => ("Mes signalements", "My referrals"),
        sent => ("Envoyé le", "Sent"),
        your_reference => ("Votre référence", "Your reference"),
        unit => ("Unité", "Unit"),
        status => ("État", "Status"),
        no_referral_sent => ("Aucun signalement envoyé.", "No referral sent."),
        the_social_worker_will => ("L'intervenant·e social·e rappellera la personne selon les moyens qu'elle juge sûrs. Ce que vous écrivez ici ne vous sera plus montré.", "The social worker will call the person back the ways they consider safe. What you write here will not be shown to you again."),
        the_person => ("La personne", "The person"),
        last_name => ("Nom", "Last name"),
        year_of_birth => ("Année de naissance", "Year of birth"),
        phone_the_person_gave => ("Téléphone donné par la personne", "Phone the person gave"),
        how_to_reach_them => ("Comment la joindre sans danger (ce qu'elle a accepté)", "How to reach them safely (what they agreed to)"),
        call => ("Appel", "Call"),
        voicemail => ("Message vocal", "Voicemail"),
        safe_number_if_different => ("Numéro sûr, s'il diffère", "Safe number, if different"),
        the_person_agrees_to => ("La personne accepte d'être contactée par le service", "The person agrees to be contacted by the service"),
        the_situation => ("La situation", "The situation"),
        call_out_in_the => ("Intervention ces derniers jours", "Call-out in the last days"),
        document_category_only => ("Document (catégorie seulement)", "Document (category only)"),
        origin => ("Origine", "Origin"),
        unit_brigade_station_service => ("Unité (brigade, commissariat, service)", "Unit (brigade, station, service)"),
        why_in_a_few => ("Motif, en quelques mots", "Why, in a few words"),
        your_reference_optional => ("Votre référence (facultative)", "Your reference (optional)"),
        send_the_referral => ("Envoyer le signalement", "Send the referral"),
        message => ("Message", "Message"),
        name => ("Nom", "Name"),
        phone => ("Téléphone", "Phone"),
        when => ("Quand", "When"),
        who => ("Qui", "Who"),
        action => ("Action", "Action"),
        outcome => ("Issue", "Outcome"),
        nothing_yet => ("Rien encore.", "Nothing yet."),
        person => ("Personne", "Person"),
        state => ("État", "State"),
        role => ("Rôle", "Role"),
        e_mail_address => ("Adresse électronique", "E-mail address"),
        password => ("Mot de passe", "Password"),
        code_from_the_authenticator => ("Code à 6 chiffres de l'application d'authentification", "6-digit code from the authenticator app"),
        recovery_code => ("Code de secours", "Recovery code"),
        sign_in_recovery => ("Je n'ai pas mon téléphone : utiliser un code de secours", "I don't have my phone: use a recovery code"),
        sign_in_first_time => ("Première connexion : la console vous fera ensuite enrôler une application d'authentification.", "First sign-in: the console will then have you enrol an authenticator app."),
        sign_in_next => ("Continuer", "Continue"),
        sign_in_code_title => ("Code de vérification", "Verification code"),
        sign_in_code_intro => ("Tapez le code à 6 chiffres que montre votre application d'authentification. Il est demandé dans les 5 minutes.", "Type the 6-digit code your authenticator app shows. It is asked for within 5 minutes."),
        sign_in_restart => ("Recommencer avec une autre adresse", "Start again with another address"),
        sign_in_expired => ("La connexion n'a pas été terminée dans les 5 minutes : recommencez.", "The sign-in was not finished within 5 minutes: start again."),
        sign_in_go => ("Se connecter", "Sign in"),
        site => ("Site", "Site"),
        appointment_type => ("Type de rendez-vous", "Appointment type"),
        day => ("Jour", "Day"),
        sms => ("SMS", "SMS"),
        mon => ("lun.", "Mon"),
        tue => ("mar.", "Tue"),
        wed => ("mer.", "Wed"),
        thu => ("jeu.", "Thu"),
        fri => ("ven.", "Fri"),
        sat => ("sam.", "Sat"),
        sun => ("dim.", "Sun"),
        days => ("Jours", "Days"),
        contact_attempts => ("Tentatives de contact", "Contact attempts"),
        attempts => ("Tentatives", "Attempts"),
        attempt_means => ("Moyen", "Channel"),
        result => ("Résultat", "Result"),
        no_attempt_yet => ("Aucune tentative pour l'instant.", "No attempt yet."),
        note_optional => ("Note (facultative)", "Note (optional)"),
        log_the_attempt => ("Enregistrer la tentative", "Log the attempt"),
        change_the_state => ("Changer l'état", "Change the state"),
        no_change_possible_from => ("Aucun changement possible depuis cet état.", "No change possible from this state."),
        change => ("Changement", "Change"),
        reason_when_closing => ("Motif, pour une clôture", "Reason, when closing"),
        for_an_agreed_call => ("Pour un rappel convenu : le créneau que la personne a choisi (heure de Paris)", "For an agreed call-back: the window the person chose (Paris time)"),
        callback_from => ("De", "From"),
        to => ("À", "To"),
        apply => ("Appliquer", "Apply"),
        appointment => ("Rendez-vous", "Appointment"),
        book_an_appointment_for => ("Prendre un rendez-vous pour cette personne", "Book an appointment for this person"),
        orient_to_a_partner => ("Orienter vers un partenaire", "Orient to a partner"),
        partner => ("Partenaire", "Partner"),
        the_person_agrees_to_be => ("La personne est d'accord pour être orientée", "The person agrees to be oriented"),
        without_consent_reason_child => ("Sans son accord : motif (enfant en danger…)", "Without consent: reason (child in danger…)"),
        orient => ("Orienter", "Orient"),
        interview => ("Entretien", "Interview"),
        mode => ("Forme", "Mode"),
        duration_in_minutes => ("Durée en minutes", "Duration in minutes"),
        record_the_interview => ("Enregistrer l'entretien", "Record the interview"),
        child_in_danger_report => ("Enfant en danger : signalement fait", "Child in danger: report made"),
        date_of_the_report => ("Date du signalement", "Date of the report"),
        recipient => ("Destinataire", "Recipient"),
        record_the_report => ("Enregistrer le signalement", "Record the report"),
        file => ("Dossier", "File"),
        consent_to_contact => ("Consentement au contact", "Consent to contact"),
        yes => ("oui", "yes"),
        no => ("non", "no"),
        means_call => ("appel", "call"),
        means_voicemail => ("message vocal", "voicemail"),
        e_mail => ("courriel", "e-mail"),
        letter => ("courrier", "letter"),
        reaching_the_person_safely => ("Joindre la personne sans danger", "Reaching the person safely"),
        allowed => ("Moyens permis", "Allowed"),
        none_agreed_yet => ("aucun n'a encore été convenu", "none agreed yet"),
        safe_number => ("numéro sûr", "safe number"),
        check_again_with_the => ("(à revérifier avec la personne)", "(check again with the person)"),
        linked_people => ("Personnes liées", "Linked people"),
        keep_apart_never_at => ("à tenir à l'écart : jamais au même site la même demi-journée", "keep apart: never at one site on one half-day"),
        priority => ("Priorité", "Priority"),
        due => ("À traiter avant", "Due"),
        why_it_was_handed => ("Motif de l'orientation :", "Why it was handed over:"),
        history => ("Historique", "History"),
        new_state => ("Nouvel état", "New state"),
        who_opened_this_file => ("Qui a ouvert ce dossier", "Who opened this file"),
        openings_and_changes => ("Consultations et changements", "Openings and changes"),
        nobody_has_opened_this => ("Personne n'a encore ouvert ce dossier.", "Nobody has opened this file yet."),
        overdue => ("en retard", "overdue"),
        call_now => ("Rappeler maintenant", "Call now"),
        situations_assigned_to_you => ("Les situations qui vous sont confiées ou que personne n'a prises, la plus urgente d'abord. Les personnes y sont nommées par leurs initiales ; ouvrir une ligne ouvre le dossier (consultation enregistrée).", "Situations assigned to you or to nobody, most urgent first. People are shown by initials; opening a line opens the file (the opening is recorded)."),
        call_back_queue => ("File d'appels", "Call-back queue"),
        call_back_window => ("Créneau de rappel", "Call-back window"),
        nothing_waiting => ("Aucune situation en attente.", "Nothing waiting."),
        today => ("Aujourd'hui", "Today"),
        this_week => ("Cette semaine", "This week"),
        previous => ("Précédent", "Previous"),
        next => ("Suivant", "Next"),
        cancel => ("Annuler", "Cancel"),
        reason => ("Motif", "Reason"),
        reminder_not_delivered => ("rappel non remis", "reminder not delivered"),
        week_of => ("Semaine du", "Week of"),
        day_of => ("Journée du", "Day of"),
        time => ("Heure", "Time"),
        person_s => ("Personne(s)", "Person(s)"),
        attendance => ("Statut", "Status"),
        actions => ("Actions", "Actions"),
        no_appointment => ("Aucun rendez-vous.", "No appointment."),
        agenda => ("Agenda", "Agenda"),
        change_refused => ("Changement refusé.", "Change refused."),
        reminders => ("Rappels", "Reminders"),
        reminder_not_delivered_tell => ("rappel non remis : prévenez la personne autrement, par un moyen sûr", "reminder not delivered: tell the person another safe way"),
        nothing_to_report => ("rien à signaler", "nothing to report"),
        the_appointments_messages => ("Messages du rendez-vous", "The appointment's messages"),
        message_due => ("Prévu", "Due"),
        message_sent => ("Envoyé", "Sent"),
        no_message_the_persons => ("Aucun message : le profil de la personne n'en permet pas, ou le type n'en prévoit pas.", "No message: the person's profile allows none, or the type plans none."),
        back_to_the_agenda => ("Retour à l'agenda", "Back to the agenda"),
        show_free_times => ("Voir les créneaux", "Show free times"),
        free_times_from => ("Créneaux libres du", "Free times from"),
        no_free_time_this => ("Aucun créneau libre cette semaine.", "No free time this week."),
        book => ("Réserver le", "Book"),
        previous_week => ("Semaine précédente", "Previous week"),
        next_week => ("Semaine suivante", "Next week"),
        back_to_the_file => ("Retour au dossier", "Back to the file"),
        appointment_for => ("Rendez-vous pour", "Appointment for"),
        required => ("obligatoire", "required"),
        the_form_was_not => ("Le formulaire n'a pas été enregistré", "The form was not saved"),
        done => ("Fait", "Done"),
        refused => ("Refusé", "Refused"),
        denied => ("Refusé (droits)", "Denied"),
        failed => ("Échec", "Failed"),
        locked => ("Verrouillé", "Locked"),
        wrong_answer => ("Mauvaise réponse", "Wrong answer"),
        dry_run => ("Simulation", "Dry run"),
        interview_site => ("Lieu de l'entretien", "Where the interview was held"),
        interview_site_by_mode => ("Selon la modalité : le site de la situation en présentiel ou par téléphone, aucun à domicile ou chez un partenaire", "By its mode: the situation's site in person or by telephone, none at home or at a partner's"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_reads_in_both_languages_and_no_key_is_written_twice() {
        let mut keys = std::collections::HashSet::new();
        let mut pairs = std::collections::HashSet::new();
        for (key, fr, en) in ENTRIES
            .iter()
            .chain(admin::ENTRIES)
            .chain(prevention::ENTRIES)
            .chain(invite::ENTRIES)
            .chain(reach::ENTRIES)
        {
            assert!(keys.insert(key), "{key} twice");
            assert!(
                pairs.insert((fr, en)),
                "{key}: the same text under two keys"
            );
            assert!(!fr.trim().is_empty() && !en.trim().is_empty(), "{key}");
        }
    }

    /// The console is read by staff, on screens a person may glimpse: its text names no
    /// context, but for the referrer's own words (the unit a gendarme belongs to, who calls
    /// the person back), which only the referrer's and the admin's pages show.
    #[test]
    fn the_console_s_text_reveals_no_context_but_on_the_referrer_s_pages() {
        const REFERRER_ONLY: &[&str] = &["the_social_worker_will", "unit_brigade_station_service"];
        let revealing = relais_domain::wording::Revealing::default();
        for (key, fr, en) in ENTRIES
            .iter()
            .chain(admin::ENTRIES)
            .chain(prevention::ENTRIES)
            .chain(invite::ENTRIES)
            .chain(reach::ENTRIES)
        {
            for text in [fr, en] {
                if let Some(w) = revealing.find(text) {
                    assert!(REFERRER_ONLY.contains(key), "{key} reveals « {w} »: {text}");
                }
            }
        }
    }
}
