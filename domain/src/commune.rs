//! The communes of France, from the official list (INSEE's code officiel géographique, as
//! Etalab publishes it: `data/communes.tsv`, 34,969 communes): a person's commune of
//! residence is one of them, entered by its INSEE code or by its name — with its department
//! or its code when several communes share the name ("Sainte-Colombe (69)"). Built with the
//! `communes` feature (the server); the phone core leaves the list out.

use std::sync::OnceLock;

use crate::dto::Commune;

const LIST: &str = include_str!("../data/communes.tsv");

struct Entry {
    code: &'static str,
    name: &'static str,
    department: &'static str,
    /// The name as searched: folded, "st" read "saint".
    key: String,
}

impl Entry {
    fn commune(&self) -> Commune {
        Commune {
            code: self.code.to_owned(),
            name: self.name.to_owned(),
            department: self.department.to_owned(),
        }
    }
}

/// The list, by code (read once).
fn entries() -> &'static [Entry] {
    static ALL: OnceLock<Vec<Entry>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<Entry> = LIST
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (code, name, department) = (f.next()?, f.next()?, f.next()?);
                Some(Entry {
                    code,
                    name,
                    department,
                    key: key(name),
                })
            })
            .collect();
        v.sort_by(|a, b| a.code.cmp(b.code));
        v
    })
}

/// A name as it is compared: folded ("Saint-Étienne" and "saint etienne" alike), the usual
/// abbreviations read in full ("St-Denis", "Ste Marie").
fn key(name: &str) -> String {
    crate::text::normalise_name(name)
        .split(' ')
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How many communes the list holds.
pub fn count() -> usize {
    entries().len()
}

/// The commune of an INSEE code (five characters: digits, or 2A / 2B for Corsica).
pub fn by_code(code: &str) -> Option<Commune> {
    let code = code.trim().to_ascii_uppercase();
    let all = entries();
    all.binary_search_by(|e| e.code.cmp(code.as_str()))
        .ok()
        .map(|i| all[i].commune())
}

/// Communes whose name starts with the words typed (then those that contain them), the
/// shortest names first; at most `limit`.
pub fn search(typed: &str, limit: usize) -> Vec<Commune> {
    let k = key(typed);
    if k.is_empty() {
        return Vec::new();
    }
    let mut starts: Vec<&Entry> = Vec::new();
    let mut contains: Vec<&Entry> = Vec::new();
    for e in entries() {
        if e.key.starts_with(&k) {
            starts.push(e);
        } else if e.key.contains(&k) {
            contains.push(e);
        }
    }
    let by_length = |a: &&Entry, b: &&Entry| a.key.len().cmp(&b.key.len()).then(a.code.cmp(b.code));
    starts.sort_by(by_length);
    contains.sort_by(by_length);
    starts
        .into_iter()
        .chain(contains)
        .take(limit)
        .map(Entry::commune)
        .collect()
}

/// Why a typed commune is not one commune.
#[derive(Debug, Clone, PartialEq)]
pub enum NotOne {
    /// No commune by that code or name.
    Unknown,
    /// Several communes by that name: some of them, to say which.
    Several(Vec<Commune>),
}

impl NotOne {
    pub fn said(&self) -> crate::Said {
        match self {
            NotOne::Unknown => (
                "Commune inconnue : son nom ou son code INSEE (5 caractères), tel qu'il figure dans la liste officielle.",
                "Unknown commune: its name or its INSEE code (5 characters), as in the official list.",
            )
                .into(),
            NotOne::Several(c) => {
                let some: Vec<String> = c
                    .iter()
                    .map(|c| format!("{} ({})", c.name, c.department))
                    .collect();
                (
                    format!(
                        "Plusieurs communes portent ce nom : précisez le département, par exemple {}.",
                        some.join(", ")
                    ),
                    format!(
                        "Several communes bear this name: add the department, for example {}.",
                        some.join(", ")
                    ),
                )
                    .into()
            }
        }
    }
}

/// One commune from what was typed: its INSEE code; its name, if one commune bears it;
/// its name with its department or its code in brackets ("Sainte-Colombe (69)",
/// "Villefontaine (38553)").
pub fn resolve(typed: &str) -> Result<Commune, NotOne> {
    let t = typed.trim();
    if let Some(c) = by_code(t) {
        return Ok(c);
    }
    let (name, within) = match t.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
        Some((name, inside)) => (name.trim(), Some(inside.trim().to_ascii_uppercase())),
        None => (t, None),
    };
    if let Some(code) = within.as_deref().filter(|w| w.len() == 5)
        && let Some(c) = by_code(code)
        && key(&c.name) == key(name)
    {
        return Ok(c);
    }
    let k = key(name);
    let same: Vec<&Entry> = entries()
        .iter()
        .filter(|e| e.key == k)
        .filter(|e| within.as_deref().is_none_or(|d| e.department == d))
        .collect();
    match same.as_slice() {
        [] => Err(NotOne::Unknown),
        [one] => Ok(one.commune()),
        several => Err(NotOne::Several(
            several.iter().take(5).map(|e| e.commune()).collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_list_is_whole_and_read_by_code() {
        assert_eq!(count(), 34_969);
        let v = by_code("38553").unwrap();
        assert_eq!(
            (v.name.as_str(), v.department.as_str()),
            ("Villefontaine", "38")
        );
        assert_eq!(by_code("2a004").unwrap().name, "Ajaccio");
        assert_eq!(by_code("99999"), None);
        assert_eq!(by_code(""), None);
    }

    #[test]
    fn a_name_is_one_commune_or_asks_which() {
        assert_eq!(resolve("Villefontaine").unwrap().code, "38553");
        assert_eq!(resolve("  chalon sur saone ").unwrap().code, "71076");
        assert_eq!(resolve("St-Étienne").unwrap().code, "42218");
        assert_eq!(resolve("71076").unwrap().name, "Chalon-sur-Saône");
        match resolve("Sainte-Colombe") {
            Err(NotOne::Several(c)) => {
                assert_eq!(c.len(), 5);
                assert!(NotOne::Several(c).said().fr.contains("Sainte-Colombe ("));
            }
            other => panic!("{other:?}"),
        }
        let c = resolve("Sainte-Colombe (69)").unwrap();
        assert_eq!(
            (c.name.as_str(), c.department.as_str()),
            ("Sainte-Colombe", "69")
        );
        assert_eq!(resolve("Villefontaine (38553)").unwrap().code, "38553");
        assert_eq!(resolve("Villefontaine (71)"), Err(NotOne::Unknown));
        assert_eq!(resolve("Atlantide"), Err(NotOne::Unknown));
        assert_eq!(resolve(""), Err(NotOne::Unknown));
    }

    #[test]
    fn a_search_finds_the_start_of_a_name_first() {
        let found = search("villefont", 10);
        assert_eq!(found[0].code, "38553");
        let found = search("chalon", 5);
        assert!(
            found.iter().any(|c| c.name == "Chalon-sur-Saône"),
            "{found:?}"
        );
        assert!(found.len() <= 5);
        assert!(search("   ", 10).is_empty());
        // Inside a name, after the names that start so.
        assert!(
            search("fontaine", 2000)
                .iter()
                .any(|c| c.name == "Villefontaine")
        );
    }
}
