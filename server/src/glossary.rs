//! Every word the server stores as text, with its labels: the domain's lists
//! (`relais_domain::words::glossary`) and the audit log's actions. `relais words` prints it
//! for translators and for the browser suite, which fails a page showing one of these words
//! as it is stored.

use relais_domain::words::{Entry, entries, glossary as domain_glossary};

/// The domain's words and the server's own.
pub fn glossary() -> Vec<Entry> {
    let mut g = domain_glossary();
    g.extend(entries::<crate::audit::Action>("AuditAction"));
    g
}

#[cfg(test)]
mod tests {
    use relais_domain::words::label_problems;

    #[test]
    fn the_audit_log_s_actions_are_labelled_like_every_other_word() {
        assert_eq!(
            label_problems::<crate::audit::Action>(),
            Vec::<String>::new()
        );
        assert!(super::glossary().iter().any(|e| e.list == "AuditAction"));
    }
}
