//! The file's safe-contact form: `Text::reach`, a catalog like its parent.

catalog! {
    /// The safe-contact form's text in one language: one field per key.
    Reach {
        change_or_check => ("Modifier ou vérifier avec la personne", "Change or check with the person"),
        reach_intro => ("Ce que la personne a dit sûr : les moyens, le numéro et l'adresse où la joindre sans danger, les plages horaires. Un changement qui n'est pas vérifié avec elle arrête tout message écrit jusqu'à ce qu'il le soit.", "What the person said is safe: the means, the number and address where they can be reached without danger, the hours. A change not checked with them stops every written message until it is."),
        means => ("Moyens autorisés", "Means allowed"),
        may_leave_a_message => ("Message vocal (avec l'appel)", "Voicemail (with calls)"),
        may_text => ("SMS", "Text message"),
        may_e_mail => ("Courriel", "E-mail"),
        may_write => ("Courrier à l'adresse postale", "Letter to the postal address"),
        safe_phone => ("Numéro sûr", "Safe number"),
        safe_email => ("Adresse de courriel sûre", "Safe e-mail address"),
        windows => ("Plages sûres, une par ligne, par exemple « lun-ven 10:00-12:00 » (vide : à toute heure)", "Safe hours, one per line, for example \"mon-fri 10:00-12:00\" (empty: any time)"),
        code_word => ("Mot convenu, qui prouve que l'appel vient du service (facultatif)", "Agreed word proving the call is from the service (optional)"),
        may_name_service => ("Les messages peuvent nommer le service", "Messages may name the service"),
        confirmed => ("Vérifié avec la personne aujourd'hui", "Checked with the person today"),
        save => ("Enregistrer le contact sûr", "Save the safe contact"),
        checked_on => ("vérifié le", "checked on"),
        never_checked => ("jamais vérifié avec la personne : aucun message écrit ne part", "never checked with the person: no written message goes"),
        checked_notice => ("Contact sûr enregistré et vérifié avec la personne aujourd'hui.", "Safe contact saved and checked with the person today."),
        unchecked_notice => ("Contact sûr enregistré, mais pas vérifié avec la personne : aucun message écrit ne part tant qu'il ne l'est pas.", "Safe contact saved, but not checked with the person: no written message goes until it is."),
        no_more_messages => ("Ne plus envoyer aucun message", "Send no more messages"),
        messages_again => ("Reprendre les messages", "Send messages again"),
        messages_stopped_since => ("Aucun message écrit ne part à la personne depuis le", "No written message goes to the person since"),
        messages_stopped_notice => ("Plus aucun message : invitations, relances et rappels ne partent plus, l'invitation en cours est retirée.", "No more messages: invitations, follow-ups and reminders no longer go, the open invitation is revoked."),
        messages_resumed_notice => ("Les messages reprennent, dans les limites du contact sûr.", "Messages go again, within the safe contact."),
    }
}
