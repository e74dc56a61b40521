//! Safe windows as a coordinator types and reads them, one per line: `lun-ven 10:00-12:00`,
//! `mar,jeu 14h-16h30`, `tous les jours 9h-18h` (English day names read too: `mon-fri`).
//! `parse` reads what `format` writes, so a profile shown in a form comes back unchanged.

use chrono::NaiveTime;

use super::SafeWindow;
use crate::validation::Said;

const FR: [&str; 7] = ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"];
const EN: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FR_LONG: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const EN_LONG: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The windows, a line each, days in the reader's language (`english` or French).
pub fn format(windows: &[SafeWindow], english: bool) -> String {
    windows
        .iter()
        .map(|w| format_one(w, english))
        .collect::<Vec<_>>()
        .join("\n")
}

fn format_one(w: &SafeWindow, english: bool) -> String {
    let names = if english { EN } else { FR };
    let mut days: Vec<u8> = w
        .days
        .iter()
        .copied()
        .filter(|d| (1..=7).contains(d))
        .collect();
    days.sort_unstable();
    days.dedup();
    let every = if english {
        "every day"
    } else {
        "tous les jours"
    };
    let days = if days.len() == 7 {
        every.to_owned()
    } else {
        // Runs of consecutive days as ranges: 1,2,3,5 → lun-mer,ven.
        let mut parts = Vec::new();
        let mut i = 0;
        while i < days.len() {
            let mut j = i;
            while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
                j += 1;
            }
            let name = |d: u8| names[usize::from(d - 1)];
            parts.push(if j > i {
                format!("{}-{}", name(days[i]), name(days[j]))
            } else {
                name(days[i]).to_owned()
            });
            i = j + 1;
        }
        parts.join(",")
    };
    format!(
        "{days} {}-{}",
        w.start.format("%H:%M"),
        w.end.format("%H:%M")
    )
}

/// The windows typed, a line each (blank lines skipped); the first line that cannot be read
/// is refused with its number and why, in French and English.
pub fn parse(text: &str) -> Result<Vec<SafeWindow>, Said> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            parse_line(l).map_err(|(fr, en)| Said {
                fr: format!("Ligne {} : {fr} Exemple : « lun-ven 10:00-12:00 ».", i + 1),
                en: format!("Line {}: {en} For example: \"mon-fri 10:00-12:00\".", i + 1),
            })
        })
        .collect()
}

type Why = (String, String);

fn parse_line(line: &str) -> Result<SafeWindow, Why> {
    let line = line.trim().to_lowercase().replace(['–', '—'], "-");
    let Some(at) = line.find(|c: char| c.is_ascii_digit()) else {
        return Err((
            "il manque les heures.".into(),
            "the hours are missing.".into(),
        ));
    };
    let (days, hours) = line.split_at(at);
    let days = parse_days(days.trim())?;
    let (start, end) = parse_hours(hours.trim())?;
    if start >= end {
        return Err((
            "la fin doit suivre le début.".into(),
            "the end must come after the start.".into(),
        ));
    }
    Ok(SafeWindow { days, start, end })
}

fn parse_days(text: &str) -> Result<Vec<u8>, Why> {
    let text = text.trim_end_matches(':').trim();
    if text.is_empty() {
        return Err((
            "il manque les jours.".into(),
            "the days are missing.".into(),
        ));
    }
    if ["tous les jours", "tlj", "every day", "everyday", "daily"].contains(&text) {
        return Ok((1..=7).collect());
    }
    let mut days = Vec::new();
    for part in text
        .split([',', ' ', ';', '/'])
        .filter(|p| !p.is_empty() && *p != "et" && *p != "and")
    {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (day(a)?, day(b)?),
            None => {
                let d = day(part)?;
                (d, d)
            }
        };
        if a > b {
            // A range over the weekend (sam-lun) reads as two.
            days.extend(a..=7);
            days.extend(1..=b);
        } else {
            days.extend(a..=b);
        }
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

fn day(name: &str) -> Result<u8, Why> {
    let n = name.trim().trim_end_matches('.');
    [FR, EN, FR_LONG, EN_LONG]
        .iter()
        .find_map(|list| list.iter().position(|d| *d == n))
        // A position in a list of seven fits in u8.
        .map(|i| i as u8 + 1)
        .ok_or_else(|| {
            (
                format!("jour inconnu « {n} » (lun, mar, mer, jeu, ven, sam, dim)."),
                format!("unknown day \"{n}\" (mon, tue, wed, thu, fri, sat, sun)."),
            )
        })
}

fn parse_hours(text: &str) -> Result<(NaiveTime, NaiveTime), Why> {
    let text = text
        .replace(" à ", "-")
        .replace(" to ", "-")
        .replace(' ', "");
    let Some((a, b)) = text.split_once('-') else {
        return Err((
            "heures attendues sous la forme 10:00-12:00.".into(),
            "hours expected as 10:00-12:00.".into(),
        ));
    };
    Ok((time(a)?, time(b)?))
}

fn time(text: &str) -> Result<NaiveTime, Why> {
    let t = text.trim();
    let (h, m) = match t.split_once([':', 'h']) {
        Some((h, m)) => (h, if m.is_empty() { "0" } else { m }),
        None => (t, "0"),
    };
    let ok = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    (ok(h) && ok(m))
        .then(|| NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0))
        .flatten()
        .ok_or_else(|| bad_time(t))
}

fn bad_time(t: &str) -> Why {
    (
        format!("heure illisible « {t} »."),
        format!("unreadable time \"{t}\"."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(days: &[u8], s: (u32, u32), e: (u32, u32)) -> SafeWindow {
        SafeWindow {
            days: days.to_vec(),
            start: NaiveTime::from_hms_opt(s.0, s.1, 0).unwrap(),
            end: NaiveTime::from_hms_opt(e.0, e.1, 0).unwrap(),
        }
    }

    #[test]
    fn what_a_coordinator_types_is_read() {
        assert_eq!(
            parse("lun-ven 10:00-12:00").unwrap(),
            vec![w(&[1, 2, 3, 4, 5], (10, 0), (12, 0))]
        );
        assert_eq!(
            parse("Mardi, jeudi : 14h-16h30\n\n tous les jours 9h à 18h ").unwrap(),
            vec![
                w(&[2, 4], (14, 0), (16, 30)),
                w(&[1, 2, 3, 4, 5, 6, 7], (9, 0), (18, 0))
            ]
        );
        assert_eq!(
            parse("mon,wed–fri 08:30 - 09:15").unwrap(),
            vec![w(&[1, 3, 4, 5], (8, 30), (9, 15))]
        );
        assert_eq!(
            parse("sam-lun 10-11").unwrap(),
            vec![w(&[1, 6, 7], (10, 0), (11, 0))]
        );
        assert_eq!(parse("  \n").unwrap(), vec![]);
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let all = vec![
            w(&[1, 2, 3, 5], (10, 0), (12, 0)),
            w(&[7], (9, 5), (9, 50)),
            w(&[1, 2, 3, 4, 5, 6, 7], (0, 0), (23, 59)),
            w(&[2, 4, 6], (14, 0), (16, 30)),
        ];
        for english in [false, true] {
            let text = format(&all, english);
            assert_eq!(parse(&text).unwrap(), all, "{text}");
        }
        assert_eq!(
            format(&all, false),
            "lun-mer,ven 10:00-12:00\ndim 09:05-09:50\ntous les jours 00:00-23:59\nmar,jeu,sam 14:00-16:30"
        );
    }

    #[test]
    fn what_cannot_be_read_names_its_line_and_why() {
        for (text, fr) in [
            ("lun-ven", "Ligne 1 : il manque les heures."),
            (
                "lun-ven 10:00-12:00\nfoo 10-12",
                "Ligne 2 : jour inconnu « foo »",
            ),
            ("10:00-12:00", "Ligne 1 : il manque les jours."),
            ("lun 12:00-10:00", "Ligne 1 : la fin doit suivre le début."),
            ("lun 25:00-26:00", "Ligne 1 : heure illisible « 25:00 »."),
            ("lun 10:00", "Ligne 1 : heures attendues"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.fr.starts_with(fr), "{text}: {}", e.fr);
            assert!(e.en.starts_with("Line "), "{}", e.en);
        }
    }
}
