//! The prevention page's text: `Text::prevention`, a catalog like its parent.

catalog! {
    /// The prevention page's text in one language: one field per key.
    Prevention {
        title => ("Prévention", "Prevention"),
        intro => ("Les actions collectives du service : stands sur un marché, interventions en classe, théâtre-forum, ciné-débats, formations de professionnels. Le rapport d'activité les compte avec les personnes sensibilisées. N'y nommez personne : ni le lieu ni les partenaires ne doivent désigner une personne accompagnée.", "The service's collective actions: stands at a market, school sessions, forum theatre, film debates, training of professionals. The activity report counts them with the people reached. Name no one: neither the place nor the partners may point to a person the service supports."),
        actions_held => ("Actions menées", "Actions held"),
        since => ("depuis le", "since"),
        no_action => ("Aucune action enregistrée sur la période.", "No action recorded over the period."),
        held_on => ("Date", "Date"),
        place => ("Lieu", "Place"),
        place_hint => ("Lieu (par exemple : marché du samedi, collège Jean-Moulin)", "Place (for example: Saturday market, Jean-Moulin school)"),
        partners_involved => ("Partenaires associés (facultatif)", "Partners involved (optional)"),
        people_reached => ("Personnes sensibilisées", "People reached"),
        of_whom_pupils => ("dont élèves (facultatif)", "of whom pupils (optional)"),
        of_whom_inhabitants => ("dont habitants (facultatif)", "of whom inhabitants (optional)"),
        of_whom_professionals => ("dont professionnels (facultatif)", "of whom professionals (optional)"),
        new_action => ("Nouvelle action", "New action"),
        record_the_action => ("Enregistrer l'action", "Record the action"),
        remove_the_action_of => ("Retirer l'action du", "Remove the action of"),
        recorded => ("Action enregistrée : elle compte dans le rapport.", "Action recorded: the report counts it."),
        removed => ("Action retirée : elle ne compte plus dans le rapport.", "Action removed: the report no longer counts it."),
        total => ("Total", "Total"),
    }
}
