//! Text helpers used for search keys and for showing people by initials.

/// Lower-case, strip French diacritics, collapse whitespace and punctuation: the form a
/// name takes before it is hashed into a search key, so "Élodie  Lefèvre" finds "elodie lefevre".
pub fn normalise_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match fold_diacritic(c) {
            Some(folded) => out.push_str(folded),
            None if c.is_alphanumeric() => out.push(c),
            None => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fold_diacritic(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
        'ç' => "c",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'î' | 'ï' | 'í' | 'ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'ÿ' | 'ý' => "y",
        'ñ' => "n",
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        _ => return None,
    })
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
    }

    #[test]
    fn initials_hide_the_name() {
        assert_eq!(initials("élodie", "Lefèvre"), "É. L.");
        assert_eq!(initials("", ""), "?");
    }
}
