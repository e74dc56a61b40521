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
/// controls, word joiner, BOM, Mongolian vowel separator, and the like (first and last of
/// each range). `limits::refused_characters` writes the same list into the API's document.
pub const INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF0}', '\u{FFF8}'),
    ('\u{E0000}', '\u{E007F}'),
];

/// Whether nobody sees this character: one of `INVISIBLE`, or a control character other
/// than a line break or a tab.
pub fn is_invisible(c: char) -> bool {
    INVISIBLE.iter().any(|(a, b)| (*a..=*b).contains(&c))
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

/// Capital letters read as the start of a word: "RdvCidff" is "Rdv Cidff". Two readings of a
/// run of capitals before small letters: "CCASMelun" is "CCAS Melun", "RDVccas" is
/// "RDV ccas".
fn split_capitals(text: &str, run_keeps_last: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let split = match prev {
            Some(p) if p.is_lowercase() && c.is_uppercase() => true,
            Some(p) if p.is_uppercase() && c.is_uppercase() && run_keeps_last => {
                next.is_some_and(char::is_lowercase)
            }
            Some(p) if p.is_uppercase() && c.is_lowercase() && !run_keeps_last => {
                i >= 2 && chars[i - 2].is_uppercase()
            }
            _ => false,
        };
        if split {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A word cut where letters meet digits: "cidff77" is "cidff 77", "appel3919" "appel 3919".
fn split_digits(word: &str) -> impl Iterator<Item = String> + '_ {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut digit = None;
    for c in word.chars() {
        let d = c.is_ascii_digit();
        if digit.is_some_and(|x| x != d) {
            parts.push(std::mem::take(&mut cur));
        }
        digit = Some(d);
        cur.push(c);
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts.into_iter()
}

/// Digits read as the letters they stand for, in a word that holds letters ("v1olence",
/// "3mprise"); a word of digits only stays a number. `one`: what "1" reads as.
fn digits_as_letters(word: &str, one: char) -> String {
    if !word.chars().any(char::is_alphabetic) || !word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_owned();
    }
    word.chars()
        .map(|c| match c {
            '0' => 'o',
            '1' => one,
            '2' => 'z',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '6' => 'g',
            '7' => 't',
            '8' => 'b',
            '9' => 'g',
            other => other,
        })
        .collect()
}

/// The ways one text can be read, each as its list of words: as written; with digits read
/// as letters (two readings of "1"); cut at capitals (two readings) and where letters meet
/// digits.
fn readings(text: &str) -> Vec<Vec<String>> {
    let plain = tokens(&fold(text));
    let mixed = plain
        .iter()
        .any(|t| t.chars().any(char::is_alphabetic) && t.chars().any(|c| c.is_ascii_digit()));
    let mut out = Vec::with_capacity(5);
    if mixed {
        for one in ['i', 'l'] {
            out.push(plain.iter().map(|t| digits_as_letters(t, one)).collect());
        }
    }
    if text.chars().any(char::is_uppercase) {
        for run_keeps_last in [true, false] {
            let cut = tokens(&fold(&split_capitals(text, run_keeps_last)));
            out.push(cut.iter().flat_map(|t| split_digits(t)).collect());
        }
    } else if mixed {
        out.push(plain.iter().flat_map(|t| split_digits(t)).collect());
    }
    out.insert(0, plain);
    out.dedup();
    out
}

/// Words a name is made of that say nothing by themselves: French small words and the
/// nouns of any address. The rest of a name's words are revealing on their own.
const PLAIN_WORDS: [&str; 64] = [
    "les",
    "des",
    "aux",
    "une",
    "pour",
    "par",
    "sur",
    "sous",
    "avec",
    "chez",
    "dans",
    "the",
    "and",
    "rue",
    "avenue",
    "boulevard",
    "place",
    "chemin",
    "allee",
    "impasse",
    "quai",
    "route",
    "cours",
    "square",
    "parvis",
    "mairie",
    "annexe",
    "salle",
    "centre",
    "maison",
    "espace",
    "accueil",
    "bureau",
    "bureaux",
    "site",
    "local",
    "locaux",
    "hall",
    "batiment",
    "etage",
    "porte",
    "antenne",
    "point",
    "saint",
    "sainte",
    "nord",
    "sud",
    "est",
    "ouest",
    "grand",
    "grande",
    "petit",
    "petite",
    "ville",
    "hotel",
    "residence",
    "quartier",
    "cite",
    "zone",
    "parc",
    "jardin",
    "gare",
    "pole",
    "entree",
];

/// One entry of the list.
#[derive(Debug, Clone)]
struct Word {
    /// As the admin wrote it (and, for a word of a name, the name).
    shown: String,
    /// Folded, without spaces.
    joined: String,
    /// Folded words.
    parts: Vec<String>,
}

/// A list of revealing words, folded once.
#[derive(Debug, Clone)]
pub struct Revealing {
    words: Vec<Word>,
}

impl Default for Revealing {
    fn default() -> Self {
        Revealing::with(DEFAULT_WORDS.iter().copied())
    }
}

/// Words and names shorter than this, once folded, are matched as whole words only
/// ("ccas" must not be found in "avec Cassandre"); longer ones anywhere, across spaces.
const WHOLE_WORD_BELOW: usize = 6;

/// Whether word `t` is `w` or its plural.
fn same_word(t: &str, w: &str) -> bool {
    t == w
        || t.strip_prefix(w)
            .is_some_and(|rest| rest == "s" || rest == "x")
}

impl Revealing {
    /// The built-in list plus `extra` (an organisation's words).
    pub fn with<'a>(extra: impl IntoIterator<Item = &'a str>) -> Self {
        let mut r = Revealing { words: Vec::new() };
        for w in DEFAULT_WORDS.iter().copied().chain(extra) {
            r.add(w.trim().to_owned(), w);
        }
        r
    }

    /// Adds names (the organisation's, its sites'): each whole, and each of its significant
    /// words alone ("Relais" of "Relais Melun"). A word of at least three letters is
    /// significant unless it is a small word, an address's noun (`PLAIN_WORDS`) or a word of
    /// one of `addresses` (the town and street of "Brigade de Melun" are not revealing:
    /// the person must be told where to go).
    pub fn with_names<'a>(
        mut self,
        names: impl IntoIterator<Item = &'a str>,
        addresses: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let places: std::collections::HashSet<String> = addresses
            .into_iter()
            .flat_map(|a| readings(a).into_iter().flatten())
            .collect();
        for name in names {
            let name = name.trim();
            self.add(name.to_owned(), name);
            for w in tokens(&fold(name)).iter().flat_map(|t| split_digits(t)) {
                let letters = w.chars().filter(|c| c.is_alphabetic()).count();
                if letters >= 3 && !PLAIN_WORDS.contains(&w.as_str()) && !places.contains(&w) {
                    self.add(format!("{w} (du nom {name})"), &w);
                }
            }
        }
        self
    }

    fn add(&mut self, shown: String, w: &str) {
        let folded = fold(w);
        let parts: Vec<String> = folded.split_whitespace().map(str::to_owned).collect();
        let joined: String = parts.concat();
        if joined.is_empty() || self.words.iter().any(|x| x.joined == joined) {
            return;
        }
        self.words.push(Word {
            shown,
            joined,
            parts,
        });
    }

    /// The first revealing word `text` contains, as the list spells it. Every reading of
    /// the text is tried (`readings`): a word matches whole or in its plural when it is
    /// short, anywhere across spaces when it is long.
    pub fn find(&self, text: &str) -> Option<&str> {
        let readings = readings(text);
        let squeezed: Vec<String> = readings.iter().map(|r| r.concat()).collect();
        for w in &self.words {
            let hit = if w.joined.chars().count() >= WHOLE_WORD_BELOW {
                squeezed.iter().any(|s| s.contains(w.joined.as_str()))
            } else {
                readings.iter().any(|toks| {
                    toks.iter().any(|t| same_word(t, &w.joined))
                        || match w.parts.split_last() {
                            Some((last, head)) if !head.is_empty() => {
                                toks.windows(w.parts.len()).any(|win| {
                                    win[..head.len()] == *head && same_word(&win[head.len()], last)
                                })
                            }
                            _ => false,
                        }
                })
            };
            if hit {
                return Some(&w.shown);
            }
        }
        None
    }

    /// `Err` in French naming the word, for the person who wrote the text.
    pub fn check(&self, text: &str) -> Result<(), crate::Said> {
        match self.find(text) {
            Some(w) => Err((
                format!("mot qui révèle le service : « {w} »"),
                format!("a word that reveals the service: “{w}”"),
            )
                .into()),
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
    fn short_words_joined_to_digits_or_words_plural_or_spelt_with_digits() {
        for t in [
            "RDV CIDFF77",           // an acronym and a département number
            "RDV au ccas-77 demain", // the same, with a hyphen
            "rappel3919vite",        // the helpline inside a word
            "Les viols",             // a short word in its plural
            "RDV ISCGs",             // an acronym in its plural
            "v1olence",              // a digit for a letter
            "vio1ence",              // "1" read as "l"
            "3mprise",               // "3" for "e"
            "g3ndarm3rie",           // several
            "RdvCidff",              // joined by their capitals
            "CCASMelun",             // an acronym before a word
            "RDVccas",               // an acronym after one
            "C.C.A.S.77",
        ] {
            assert!(hit(t), "{t}");
        }
        for t in [
            "Avec Cassandre à 9 h 19.",
            "Une occasion de se voir",
            "Un violon, une violette, du violet",
            "Rendez-vous confirmé : mardi 3 décembre à 19 h 39, 39 rue de la Paix, 77000 Melun.",
        ] {
            assert_eq!(Revealing::default().find(t), None, "{t}");
        }
    }

    #[test]
    fn names_by_their_significant_words_but_not_their_town() {
        let r = Revealing::with(["Jardin secret"]).with_names(
            [
                "Relais Melun",
                "Brigade de Melun",
                "Maison Bleue",
                "Mairie annexe de Dammarie",
            ],
            [
                "12 rue de la Paix, 77000 Melun",
                "Place de la mairie, 77190 Dammarie-les-Lys",
            ],
        );
        assert_eq!(
            r.find("Votre Relais vous attend"),
            Some("relais (du nom Relais Melun)")
        );
        assert!(r.find("RDV relais-melun").is_some());
        assert!(r.find("RDV à la maison bleue").is_some());
        assert!(r.find("Porte bleue").is_some());
        assert!(r.find("Jardin secret").is_some());
        for ok in [
            "RDV mardi, 12 rue de la Paix, Melun",
            "Mairie annexe, 1 place du Marché, Dammarie-les-Lys",
            "Le jardin de la maison",
        ] {
            assert_eq!(r.find(ok), None, "{ok}");
        }
    }

    #[test]
    fn fold_is_what_a_reader_sees() {
        assert_eq!(fold("Élodie"), "elodie");
        assert_eq!(fold("ｅ\u{200D}x"), "ex");
        assert_eq!(fold("Œuvre"), "oeuvre");
    }
}
