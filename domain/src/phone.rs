//! Phone numbers to E.164. French numbers are the common case (including the overseas
//! departments, which have their own country codes); other numbers must be given with `+`.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhoneError {
    #[error("numéro vide")]
    Empty,
    #[error("caractère non autorisé dans un numéro")]
    BadCharacter,
    #[error(
        "numéro français à 10 chiffres attendu (ex. 06 12 34 56 78) ou format international +…"
    )]
    BadLength,
}

impl PhoneError {
    /// The refusal's words in both languages (French as `Display` says it).
    pub fn said(&self) -> crate::Said {
        let en = match self {
            PhoneError::Empty => "empty number",
            PhoneError::BadCharacter => "a character not allowed in a number",
            PhoneError::BadLength => {
                "a 10-digit French number expected (e.g. 06 12 34 56 78) or the international form +…"
            }
        };
        (self.to_string(), en).into()
    }
}

/// Overseas departments dial like metropolitan France (0 + 9 digits) but have their own
/// country codes: the first three digits after the 0 tell which.
const OVERSEAS: &[(&str, &str)] = &[
    ("262", "262"), // La Réunion, fixed
    ("692", "262"), // La Réunion, mobile
    ("693", "262"),
    ("269", "262"), // Mayotte, fixed
    ("639", "262"), // Mayotte, mobile
    ("590", "590"), // Guadeloupe, Saint-Martin, Saint-Barthélemy
    ("690", "590"),
    ("691", "590"),
    ("596", "596"), // Martinique
    ("696", "596"),
    ("697", "596"),
    ("594", "594"), // Guyane
    ("694", "594"),
];

/// Normalise a phone number as typed by a person ("06 12 34 56 78", "+33 (0)6 12…",
/// "0033 6…") to E.164 ("+33612345678").
pub fn normalise(input: &str) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(PhoneError::Empty);
    }
    // "(0)" is a common way of writing the trunk prefix inside an international number.
    let without_trunk = trimmed.replace("(0)", "");
    let mut digits = String::with_capacity(16);
    let mut plus = false;
    for (i, c) in without_trunk.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {}
            _ => return Err(PhoneError::BadCharacter),
        }
    }
    if !plus && let Some(rest) = digits.strip_prefix("00") {
        digits = rest.to_owned();
        plus = true;
    }
    if plus {
        // "+33 06…" happens: drop the trunk 0 after a French country code.
        if let Some(rest) = digits.strip_prefix("330") {
            digits = format!("33{rest}");
        }
        // A French national number never starts with 0 after the country code: "+33 0 0…"
        // is a typo, not a number (found by fuzzing: it normalised to a number that did
        // not normalise to itself).
        if digits.starts_with("330") {
            return Err(PhoneError::BadLength);
        }
        if digits.starts_with("33") && digits.len() != 11 {
            return Err(PhoneError::BadLength);
        }
        if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(PhoneError::BadLength);
        }
        return Ok(format!("+{digits}"));
    }
    if digits.len() != 10 || !digits.starts_with('0') || digits.as_bytes()[1] == b'0' {
        return Err(PhoneError::BadLength);
    }
    let national = &digits[1..];
    for (prefix, cc) in OVERSEAS {
        if national.starts_with(prefix) {
            return Ok(format!("+{cc}{national}"));
        }
    }
    Ok(format!("+33{national}"))
}

/// How a French number is read in a message: "01 23 45 67 89" for +33123456789; any other
/// number as stored.
pub fn national(e164: &str) -> String {
    match e164.strip_prefix("+33") {
        Some(rest) if rest.len() == 9 && rest.bytes().all(|b| b.is_ascii_digit()) => {
            let d = format!("0{rest}");
            d.as_bytes()
                .chunks(2)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        }
        _ => e164.to_owned(),
    }
}

/// Whether an E.164 number is a French metropolitan mobile (06, 07): the only ones an SMS
/// reminder can reach without asking the provider.
pub fn is_french_mobile(e164: &str) -> bool {
    e164.starts_with("+336") || e164.starts_with("+337")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_forms() {
        for s in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "0612345678",
            "+33 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            "+33 06 12 34 56 78",
            "0033612345678",
        ] {
            assert_eq!(normalise(s).as_deref(), Ok("+33612345678"), "{s}");
        }
        assert!(is_french_mobile("+33612345678"));
        assert_eq!(national("+33123456789"), "01 23 45 67 89");
        assert_eq!(national("+262262123456"), "+262262123456");
        assert!(!is_french_mobile("+33385123456"));
    }

    #[test]
    fn overseas_departments() {
        assert_eq!(normalise("0692 12 34 5"), Err(PhoneError::BadLength));
        assert_eq!(normalise("06 92 12 34 56").as_deref(), Ok("+262692123456"));
        assert_eq!(normalise("0596123456").as_deref(), Ok("+596596123456"));
        assert_eq!(normalise("0269 61 23 45").as_deref(), Ok("+262269612345"));
    }

    #[test]
    fn refuses_garbage() {
        // Found by fuzzing: "+33 0 0…" gave "+33033500001", which did not normalise again.
        assert_eq!(normalise(" 00330033)500001"), Err(PhoneError::BadLength));
        assert_eq!(normalise("+33 0 0612345678"), Err(PhoneError::BadLength));
        assert_eq!(normalise(""), Err(PhoneError::Empty));
        assert_eq!(normalise("06 12 34 56"), Err(PhoneError::BadLength));
        assert_eq!(normalise("06-12-34-56-78-90"), Err(PhoneError::BadLength));
        assert_eq!(normalise("call me"), Err(PhoneError::BadCharacter));
        assert_eq!(normalise("+33 6 12"), Err(PhoneError::BadLength));
        assert_eq!(normalise("0012"), Err(PhoneError::BadLength));
        assert_eq!(normalise("12+34"), Err(PhoneError::BadCharacter));
        assert_eq!(
            normalise("+44 20 7946 0958").as_deref(),
            Ok("+442079460958")
        );
    }
}
