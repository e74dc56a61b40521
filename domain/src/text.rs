//! Text helpers used for search keys and for showing people by initials.

/// Lower-case, strip diacritics, fold full-width letters and look-alikes of other scripts,
/// drop invisible characters, collapse whitespace and punctuation: the form a name takes
/// before it is hashed into a search key, so "Élodie  Lefèvre" finds "elodie lefevre" and a
/// look-alike spelling finds the same file.
pub fn normalise_name(s: &str) -> String {
    crate::wording::fold(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Élodie Lefèvre" → "É. L." : how lists show a person until the file is opened.
pub fn initials(first_name: &str, last_name: &str) -> String {
    let f = first_name.trim().chars().next();
    let l = last_name.trim().chars().next();
    match (f, l) {
        (Some(f), Some(l)) => format!("{}. {}.", f.to_uppercase(), l.to_uppercase()),
        (Some(f), None) => format!("{}.", f.to_uppercase()),
        (None, Some(l)) => format!("{}.", l.to_uppercase()),
        (None, None) => "?".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_french_names() {
        assert_eq!(
            normalise_name("  Élodie   LEFÈVRE-Bœuf "),
            "elodie lefevre boeuf"
        );
        assert_eq!(normalise_name("Çağla"), normalise_name("çağla"));
        assert_eq!(normalise_name(""), "");
        // Issue 10 §12: the tricks that hid a duplicate.
        for trick in [
            "Dup\u{200B}ont",
            "Dupоnt",
            "ＤＵＰＯＮＴ",
            "Du\u{00AD}pont",
            "\u{202E}Dupont",
        ] {
            assert_eq!(normalise_name(trick), "dupont", "{trick:?}");
        }
    }

    #[test]
    fn initials_hide_the_name() {
        assert_eq!(initials("élodie", "Lefèvre"), "É. L.");
        assert_eq!(initials("", ""), "?");
    }
}
