//! The file's invitation part: `Text::invite`, a catalog like its parent.

catalog! {
    /// The invitation part's text in one language: one field per key.
    Invite {
        invite_the_person => ("Inviter la personne", "Invite the person"),
        invite_intro => ("Un message que la personne peut recevoir sans risque : un lien pour choisir elle-même un rendez-vous, ou un « rappelez-nous » sans lien. Il part au prochain moment que son profil de contact sûr permet, une seule relance suit si rien n'est réservé, puis l'invitation expire et la situation revient dans la file, à appeler.", "A message the person can safely receive: a link to choose an appointment themselves, or a \"call us\" text with no link. It goes at the next moment their safe-contact profile allows, one follow-up goes if nothing is booked, then the invitation expires and the situation comes back to the queue, to call."),
        timeline => ("Invitations de la situation", "The situation's invitations"),
        no_invitation_yet => ("Aucune invitation pour cette situation.", "No invitation for this situation."),
        how => ("Forme", "Form"),
        goes_at => ("Part le", "Goes"),
        valid_until => ("Valable jusqu'au", "Valid until"),
        messages_it_caused => ("Messages envoyés", "Messages sent"),
        invitation_kind => ("Forme de l'invitation", "Kind of invitation"),
        channel_allowed => ("Canal (seuls ceux que la personne a autorisés)", "Channel (only those the person allowed)"),
        type_for_a_link => ("Type de rendez-vous (pour un lien)", "Appointment type (for a link)"),
        places_for_a_link => ("Lieux proposés (pour un lien)", "Places offered (for a link)"),
        see_the_message => ("Voir le message avant l'envoi", "See the message before sending"),
        send => ("Envoyer l'invitation", "Send the invitation"),
        what_will_go => ("Ce qui partira", "What will go"),
        the_follow_up => ("La relance, si rien n'est réservé", "The follow-up, if nothing is booked"),
        nothing_is_sent => ("Rien n'est envoyé : l'invitation est lue à la personne ou lui est remise.", "Nothing is sent: the invitation is read out or handed over to the person."),
        segments => ("SMS d'un seul message", "One-part text message"),
        segments_more => ("SMS en plusieurs parties", "Multi-part text message"),
        one_open => ("Une invitation est en cours : retirez-la pour en envoyer une autre.", "An invitation is open: revoke it to send another."),
        revoke_it => ("Retirer", "Revoke"),
        sent_notice => ("Invitation programmée : elle part au prochain moment sûr.", "Invitation scheduled: it goes at the next safe moment."),
        revoked_notice => ("Invitation retirée : son lien ne s'ouvre plus, sa relance ne part pas.", "Invitation revoked: its link no longer opens, its follow-up does not go."),
        read_out => ("Lien à lire ou à remettre à la personne (il ne sera plus affiché) :", "Link to read out or hand over to the person (it will not be shown again):"),
        to_call => ("À appeler", "To call"),
        outreach => ("Invitation et rendez-vous", "Invitation and appointment"),
    }
}
