//! E-mail addresses: a conservative syntax check and the normal form used as a login key.

/// Trimmed, lower-cased address if it looks deliverable; `None` otherwise.
/// Deliberately simpler than RFC 5322: quoted local parts and IP literals are refused,
/// because a typo in a coordinator's address is far likelier than such an address.
pub fn normalise(input: &str) -> Option<String> {
    let s = input.trim();
    if s.is_empty() || s.len() > 254 {
        return None;
    }
    let (local, domain) = s.rsplit_once('@')?;
    if local.is_empty() || local.len() > 64 || domain.len() < 3 {
        return None;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    (local_ok && domain_ok).then(|| s.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn accepts_ordinary_addresses() {
        assert_eq!(
            normalise(" Marie.Dupont@CCAS-Villefontaine.fr ").as_deref(),
            Some("marie.dupont@ccas-villefontaine.fr")
        );
        assert!(normalise("a+b@x.io").is_some());
    }

    #[test]
    fn refuses_malformed() {
        for s in [
            "", "a", "a@", "@b.fr", "a@b", "a@@b.fr", "a b@c.fr", "a@b..fr", ".a@b.fr", "a@-b.fr",
            "a@b.f", "a@b.12",
        ] {
            assert_eq!(normalise(s), None, "{s}");
        }
    }
}
