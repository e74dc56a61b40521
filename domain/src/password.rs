//! Password policy (ASVS 5.0 §6.2): 12 to 128 characters, any characters, no composition
//! rules, no forced rotation, and refused when it is a known common password or a trivial pattern.

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Common,
    ContainsIdentity,
}

impl PasswordProblem {
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "too_short",
            PasswordProblem::TooLong => "too_long",
            PasswordProblem::Common => "common_password",
            PasswordProblem::ContainsIdentity => "contains_identity",
        }
    }

    /// The refusal's words in both languages.
    pub fn said(self) -> crate::Said {
        let en = match self {
            PasswordProblem::TooShort => "12 characters at least.",
            PasswordProblem::TooLong => "128 characters at most.",
            PasswordProblem::Common => "Too common a password: choose a phrase of your own.",
            PasswordProblem::ContainsIdentity => "The password must not contain the login.",
        };
        (self.message(), en).into()
    }

    pub fn message(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "12 caractères au moins.",
            PasswordProblem::TooLong => "128 caractères au plus.",
            PasswordProblem::Common => "Mot de passe trop courant : choisissez une phrase à vous.",
            PasswordProblem::ContainsIdentity => {
                "Le mot de passe ne doit pas contenir l'identifiant."
            }
        }
    }
}

/// Common passwords of 12 characters or more (shorter ones fail on length already), from
/// public breach corpora, plus French favourites. Compared case-insensitively.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789123",
    "111111111111",
    "000000000000",
    "123123123123",
    "password1234",
    "password12345",
    "password123!",
    "passwordpassword",
    "qwertyuiop12",
    "qwertyuiopasdfgh",
    "qwerty123456",
    "qwertyqwerty",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "zaq12wsxcde3",
    "azertyuiop12",
    "azertyuiopqs",
    "azerty123456",
    "azertyazerty",
    "motdepasse12",
    "motdepasse123",
    "motdepasse1234",
    "mot de passe",
    "motdepassemotdepasse",
    "iloveyou1234",
    "jetaime123456",
    "jetaimejetaime",
    "soleil123456",
    "bonjour123456",
    "bonjourbonjour",
    "doudou123456",
    "chouchou1234",
    "marseille1234",
    "marseille13013",
    "loulou123456",
    "nicolas12345",
    "football1234",
    "welcome12345",
    "letmein12345",
    "administrator",
    "administrateur",
    "changeme1234",
    "changemenow!",
    "superman1234",
    "princess1234",
    "sunshine1234",
    "trustno1trustno1",
    "abcdefghijkl",
    "abcdef123456",
    "abc123abc123",
    "a1b2c3d4e5f6",
    "1234qwerasdf",
    "qwerasdfzxcv",
    "gendarmerie1",
    "gendarmerie123",
    "commissariat",
    "intervenant1",
    "relaisrelais",
    "relais123456",
    "ccas12345678",
    "azertyuiopqsdfghjklm",
    "qwertyuiopasdfghjkl",
];

/// Check a candidate password; `identity` is the login (e-mail) it must not contain.
pub fn check(password: &str, identity: &str) -> Result<(), PasswordProblem> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if n > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lower = password.to_lowercase();
    if COMMON.iter().any(|c| *c == lower) || is_trivial(&lower) {
        return Err(PasswordProblem::Common);
    }
    let local = identity.split('@').next().unwrap_or("").to_lowercase();
    if local.chars().count() >= 4 && lower.contains(&local) {
        return Err(PasswordProblem::ContainsIdentity);
    }
    Ok(())
}

/// One repeated character, or a run of consecutive characters ("abcdefghijkl", "987654321098").
fn is_trivial(p: &str) -> bool {
    let chars: Vec<char> = p.chars().collect();
    let distinct = {
        let mut c = chars.clone();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    if distinct <= 2 {
        return true;
    }
    let step = |a: char, b: char| (b as i64) - (a as i64);
    let first = step(chars[0], chars[1]);
    (first == 1 || first == -1)
        && chars.windows(2).all(|w| {
            let s = step(w[0], w[1]);
            s == first || (w[0] == '9' && w[1] == '0') || (w[0] == '0' && w[1] == '9')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_bounds() {
        assert_eq!(check("court", "a@b.fr"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check(&"x".repeat(129), "a@b.fr"),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(check("cheval agrafe batterie", "a@b.fr"), Ok(()));
        // Length is counted in characters, not bytes.
        assert_eq!(
            check("éééééééééééé", "a@b.fr"),
            Err(PasswordProblem::Common)
        );
        assert_eq!(check("éàèùâêîôûçëï", "a@b.fr"), Ok(()));
    }

    #[test]
    fn refuses_common_and_trivial() {
        for p in [
            "Password1234",
            "AZERTYUIOP12",
            "aaaaaaaaaaaa",
            "abababababab",
            "123456789012",
            "987654321098",
            "abcdefghijklm",
        ] {
            assert_eq!(check(p, "a@b.fr"), Err(PasswordProblem::Common), "{p}");
        }
    }

    #[test]
    fn refuses_the_login_inside() {
        assert_eq!(
            check("marie.dupont-2026!", "marie.dupont@ccas.fr"),
            Err(PasswordProblem::ContainsIdentity)
        );
    }
}
