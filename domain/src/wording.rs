//! Words that must never reach a person's phone: anything that tells whoever reads it what
//! the appointment is about. Checked on the text as it will be *read*, after a folding that
//! defeats the usual tricks (accents, another script's look-alike letters, full-width or
//! mathematical letters, invisible characters and soft hyphens, letters spaced out or
//! separated by dots, a word split by an empty placeholder).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The built-in list. Each organisation adds its own words, its own name and its sites'
/// names (`Revealing::with`).
pub const DEFAULT_WORDS: [&str; 32] = [
    "gendarmerie",
    "gendarme",
    "police",
    "policier",
    "commissariat",
    "brigade",
    "violence",
    "violent",
    "victime",
    "plainte",
    "conjugal",
    "conjugale",
    "femmes battues",
    "femme battue",
    "aide aux victimes",
    "agression",
    "agresseur",
    "intervenant social",
    "intervenante sociale",
    "assistante sociale",
    "service social",
    "ccas",
    "iscg",
    "cidff",
    "france victimes",
    "3919",
    "maltraitance",
    "harcelement",
    "viol",
    "inceste",
    "emprise",
    "refuge",
];

/// Characters nobody sees: soft hyphen, zero-width spaces and joiners, bidirectional
/// controls, word joiner, BOM, Mongolian vowel separator, and the like.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{E0000}'..='\u{E007F}')
        || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Latin letters that letters of other scripts are mistaken for (Cyrillic, Greek, a few
/// symbols). Only what reads as the Latin letter in a phone's font.
fn confusable(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' | 'ɑ' => 'a',
        'в' | 'β' | 'ь' => 'b',
        'с' | 'ϲ' | 'ƈ' => 'c',
        'ԁ' | 'ɗ' => 'd',
        'е' | 'ё' | 'є' | 'ε' | 'ҽ' => 'e',
        'ғ' => 'f',
        'ɡ' | 'ց' => 'g',
        'һ' | 'н' | 'η' => 'h',
        'і' | 'ї' | 'ι' | 'ı' | 'ɩ' | 'ӏ' | '|' | '!' => 'i',
        'ј' | 'ϳ' => 'j',
        'к' | 'κ' => 'k',
        'ł' => 'l',
        'м' | 'ṃ' => 'm',
        'п' | 'ո' => 'n',
        'о' | 'ο' | 'σ' | 'օ' | '0' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' | 'ɾ' => 'r',
        'ѕ' | 'ʂ' | '$' => 's',
        'т' | 'τ' => 't',
        'υ' | 'ս' | 'μ' => 'u',
        'ν' | 'ѵ' => 'v',
        'ш' | 'ω' | 'ѡ' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' | 'ү' => 'y',
        'ż' | 'ʐ' => 'z',
        '@' => 'a',
        _ => return None,
    })
}

/// Fold one text to the letters and digits a reader sees: compatibility decomposition
/// (full-width, mathematical and ligature forms), accents dropped, look-alikes mapped,
/// invisible characters removed, lower case; anything else becomes a space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) || is_invisible(c) {
            continue;
        }
        for l in c.to_lowercase() {
            let l = match l {
                'œ' => {
                    out.push('o');
                    'e'
                }
                'æ' => {
                    out.push('a');
                    'e'
                }
                'ß' => {
                    out.push('s');
                    's'
                }
                other => confusable(other).unwrap_or(other),
            };
            if l.is_alphanumeric() {
                out.push(l);
            } else {
                out.push(' ');
            }
        }
    }
    out
}

/// The words of a folded text, with runs of single letters joined ("g e n d a r m e" and
/// "g.e.n.d.a.r.m.e" read as one word).
fn tokens(folded: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut run = String::new();
    for w in folded.split_whitespace() {
        if w.chars().count() == 1 {
            run.push_str(w);
            continue;
        }
        if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
        out.push(w.to_owned());
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// A list of revealing words, folded once.
#[derive(Debug, Clone)]
pub struct Revealing {
    /// (as the admin wrote it, folded without spaces, folded words)
    words: Vec<(String, String, Vec<String>)>,
}

impl Default for Revealing {
    fn default() -> Self {
        Revealing::with(DEFAULT_WORDS.iter().copied())
    }
}

/// Words and names shorter than this, once folded, are matched as whole words only
/// ("ccas" must not be found in "avec Cassandre"); longer ones anywhere, across spaces.
const WHOLE_WORD_BELOW: usize = 6;

impl Revealing {
    /// The built-in list plus `extra` (an organisation's words, its name, its sites' names).
    pub fn with<'a>(extra: impl IntoIterator<Item = &'a str>) -> Self {
        let mut r = Revealing { words: Vec::new() };
        for w in DEFAULT_WORDS.iter().copied().chain(extra) {
            r.add(w);
        }
        r
    }

    fn add(&mut self, w: &str) {
        let folded = fold(w);
        let parts: Vec<String> = folded.split_whitespace().map(str::to_owned).collect();
        let joined: String = parts.concat();
        if joined.is_empty() || self.words.iter().any(|(_, j, _)| *j == joined) {
            return;
        }
        self.words.push((w.trim().to_owned(), joined, parts));
    }

    /// The first revealing word `text` contains, as the list spells it.
    pub fn find(&self, text: &str) -> Option<&str> {
        let folded = fold(text);
        let toks = tokens(&folded);
        let squeezed: String = toks.concat();
        for (shown, joined, parts) in &self.words {
            let hit = if joined.chars().count() >= WHOLE_WORD_BELOW {
                squeezed.contains(joined.as_str())
            } else {
                // whole words, in sequence
                toks.windows(parts.len()).any(|w| w == parts.as_slice())
                    || toks.iter().any(|t| t == joined)
            };
            if hit {
                return Some(shown);
            }
        }
        None
    }

    /// `Err` in French naming the word, for the person who wrote the text.
    pub fn check(&self, text: &str) -> Result<(), String> {
        match self.find(text) {
            Some(w) => Err(format!("mot qui révèle le service : « {w} »")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(t: &str) -> bool {
        Revealing::default().find(t).is_some()
    }

    #[test]
    fn the_tricks_of_the_review_are_defeated() {
        for t in [
            "RDV gendarmerie",
            "RDV GENDARMERIE",
            "RDV gеndarmerie",            // Cyrillic е
            "RDV g\u{200B}endarmerie",    // zero-width space
            "RDV gen\u{00AD}darmerie",    // soft hyphen
            "RDV ｇｅｎｄａｒｍｅｒｉｅ", // full-width
            "RDV gendarmérie",
            "RDV g e n d a r m e r i e",
            "RDV g.e.n.d.a.r.m.e.r.i.e",
            "RDV gendar merie",
            "RDV 𝐠𝐞𝐧𝐝𝐚𝐫𝐦𝐞𝐫𝐢𝐞",
            "Le C.C.A.S. vous attend",
            "appelez le 3919",
            "aide aux victimes",
            "Femmes   battues",
            "vi0lence",
            "p0lice",
            "ISCG",
            "service CIDFF",
            "violences conjugales",
        ] {
            assert!(hit(t), "{t}");
        }
    }

    #[test]
    fn ordinary_words_pass() {
        for t in [
            "Rendez-vous confirmé : mardi 24 novembre à 14 h 00, 12 rue de la Paix.",
            "Avec Cassandre, mercredi 3 décembre à 9 h 19.",
            // every hour and day a message can name
            "Rendez-vous confirmé : mardi 17 novembre à 17 h 17.",
            "Rappel : rendez-vous lundi 1 février à 10 h 30. Pour modifier : https://r.example/b/x",
            "Mairie annexe, 1 place du Marché",
        ] {
            assert!(!hit(t), "{t}");
        }
    }

    #[test]
    fn no_date_or_time_reads_as_a_revealing_word() {
        use chrono::{TimeZone, Utc};
        let r = Revealing::default();
        let tz = chrono_tz::Europe::Paris;
        // Every quarter hour of a year, as the messages say it.
        let mut t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        while t < end {
            let text =
                crate::sms::neutral_text(crate::sms::MessageKind::Reminder, t, tz, None, None);
            assert!(r.find(&text).is_none(), "{text}");
            t += chrono::Duration::minutes(15);
        }
    }

    #[test]
    fn organisation_words_and_names() {
        let r = Revealing::with(["Relais Melun", "Brigade de Melun", "Maison Bleue"]);
        assert!(r.find("Rappel : RDV à la maison bleue").is_some());
        assert!(r.find("RDV relais-melun").is_some());
        assert!(r.find("RDV mardi").is_none());
    }

    #[test]
    fn fold_is_what_a_reader_sees() {
        assert_eq!(fold("Élodie"), "elodie");
        assert_eq!(fold("ｅ\u{200D}x"), "ex");
        assert_eq!(fold("Œuvre"), "oeuvre");
    }
}
