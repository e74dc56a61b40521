//! SMS text and reminder timing, pure: GSM-7 or UCS-2, transliteration to stay in GSM-7,
//! segment counts, neutral French wording, when a reminder goes out (and quiet hours), and
//! the retry backoff. The dispatcher and the gateways (issue 4) are I/O around these.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// GSM 03.38 basic character set (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: two septets each (escape + character).
const GSM7_EXTENDED: &str = "^{}\\[~]|€\u{c}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

words!(Encoding {
    Gsm7 = "gsm7" => ("GSM 7 bits", "GSM 7-bit"),
    Ucs2 = "ucs2" => ("Unicode (UCS-2)", "Unicode (UCS-2)"),
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsSize {
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub segments: usize,
}

fn gsm7_septets(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Encoding, length and number of parts of `text` as a phone network sends it: 160 septets
/// in one GSM-7 message, 153 per part when split; 70 UTF-16 units in UCS-2, 67 per part.
pub fn size(text: &str) -> SmsSize {
    let septets: Option<usize> = text.chars().map(gsm7_septets).sum();
    match septets {
        Some(units) => SmsSize {
            encoding: Encoding::Gsm7,
            units,
            segments: parts(units, 160, 153),
        },
        None => {
            let units = text.encode_utf16().count();
            SmsSize {
                encoding: Encoding::Ucs2,
                units,
                segments: parts(units, 70, 67),
            }
        }
    }
}

fn parts(units: usize, single: usize, multi: usize) -> usize {
    if units <= single {
        1
    } else {
        units.div_ceil(multi)
    }
}

/// Replace characters outside GSM-7 by their nearest GSM-7 spelling ("ê" → "e", "’" → "'",
/// "«" → "\""). Characters with no sensible replacement are kept (the message then goes
/// as UCS-2, which `size` reports).
pub fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if gsm7_septets(c).is_some() {
            out.push(c);
            continue;
        }
        let r = match c {
            'â' | 'á' | 'ã' => "a",
            'Â' | 'À' | 'Á' | 'Ã' => "A",
            'ê' | 'ë' => "e",
            'Ê' | 'È' | 'Ë' => "E",
            'î' | 'ï' | 'í' => "i",
            'Î' | 'Ï' | 'Í' | 'Ì' => "I",
            'ô' | 'ó' | 'õ' => "o",
            'Ô' | 'Ó' | 'Ò' | 'Õ' => "O",
            'û' | 'ú' => "u",
            'Û' | 'Ú' | 'Ù' => "U",
            'ç' => "c",
            'ÿ' => "y",
            'œ' => "oe",
            'Œ' => "OE",
            '’' | '‘' | '´' | '`' => "'",
            '«' | '»' | '“' | '”' => "\"",
            '–' | '—' | '‑' => "-",
            '…' => "...",
            '\u{a0}' | '\u{202f}' | '\t' => " ",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(r);
    }
    out
}

/// The days of the week and the months in French, as every text a person reads writes them.
pub const DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
pub const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "mardi 24 novembre à 14 h 00" in the site's local time, in proper French (an SMS is
/// transliterated afterwards by `for_sms`).
pub fn when_fr(start: DateTime<Utc>, tz: Tz) -> String {
    let l = start.with_timezone(&tz);
    format!(
        "{} {} {} à {} h {:02}",
        DAYS[l.weekday().num_days_from_monday() as usize],
        l.day(),
        MONTHS[l.month0() as usize],
        l.hour(),
        l.minute()
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Confirmation,
    Reminder,
    Cancellation,
}

words!(MessageKind {
    Confirmation = "confirmation" => ("Confirmation", "Confirmation"),
    Reminder = "reminder" => ("Rappel", "Reminder"),
    Cancellation = "cancellation" => ("Annulation", "Cancellation"),
});

/// The default neutral wording, in proper French: no service name, no "gendarmerie", no
/// "violence"; the place only when the person's profile allows it and the site has a
/// neutral place text, the link only when there is one.
pub fn neutral_text(
    kind: MessageKind,
    start: DateTime<Utc>,
    tz: Tz,
    place: Option<&str>,
    link: Option<&str>,
) -> String {
    let when = when_fr(start, tz);
    let mut t = match kind {
        MessageKind::Confirmation => format!("Rendez-vous confirmé : {when}"),
        MessageKind::Reminder => format!("Rappel : rendez-vous {when}"),
        MessageKind::Cancellation => format!("Rendez-vous du {when} annulé"),
    };
    if let Some(p) = place.filter(|_| kind != MessageKind::Cancellation) {
        t.push_str(", ");
        t.push_str(p);
    }
    t.push('.');
    if let Some(l) = link {
        t.push_str(if kind == MessageKind::Cancellation {
            " Pour un nouveau rendez-vous : "
        } else {
            " Pour modifier : "
        });
        t.push_str(l);
    }
    t
}

/// An SMS's text: transliterated to stay in GSM-7 where a close spelling exists. E-mails
/// keep their accents.
pub fn for_sms(text: &str) -> String {
    transliterate(text)
}

/// Placeholders an organisation's template may use.
pub const PLACEHOLDERS: [&str; 3] = ["{quand}", "{lieu}", "{lien}"];

/// Why a template is refused, in French for the administrator. The *rendered* text is
/// checked, with every placeholder empty (a word split by "{lien}" reads whole when there
/// is no link) and with each of the organisation's place texts, against `revealing` (the
/// built-in words, the organisation's own, its name and its sites' names).
pub fn check_template(
    body: &str,
    revealing: &crate::wording::Revealing,
    places: &[&str],
) -> Result<(), TemplateRefusal> {
    check_form(body)?;
    let t = body.trim();
    // Two days and times: weekdays and months of different lengths, an hour of two digits
    // and minutes not on the hour, then a summer evening on the half hour.
    let tz = chrono_tz::Europe::Paris;
    let reveals = TemplateRefusal::Revealing;
    for sample in [1_795_000_000, 1_812_310_200] {
        let sample = DateTime::<Utc>::from_timestamp(sample, 0).unwrap_or_default();
        revealing
            .check(&render_template(t, sample, tz, None, None))
            .map_err(reveals)?;
        for p in places {
            revealing
                .check(&render_template(t, sample, tz, Some(p), None))
                .map_err(reveals)?;
        }
    }
    Ok(())
}

/// Why a template is refused: its form (what `limits::Rule::Wording` says in the API's
/// document), or a word that reveals the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateRefusal {
    Form(crate::Said),
    Revealing(crate::Said),
}

impl TemplateRefusal {
    pub fn said(&self) -> &crate::Said {
        match self {
            TemplateRefusal::Form(m) | TemplateRefusal::Revealing(m) => m,
        }
    }

    /// In French, the API's language.
    pub fn message(&self) -> &str {
        &self.said().fr
    }
}

fn check_form(body: &str) -> Result<(), TemplateRefusal> {
    let form = |fr: &str, en: &str| Err(TemplateRefusal::Form((fr, en).into()));
    let t = body.trim();
    if t.is_empty() {
        return form("le modèle est vide", "the wording is empty");
    }
    if t.chars().count() > crate::limits::WORDING {
        return form("480 caractères au plus", "480 characters at most");
    }
    if !t.contains("{quand}") {
        return form(
            "le modèle doit contenir {quand}",
            "the wording must contain {quand}",
        );
    }
    if t.chars().any(crate::wording::is_invisible) {
        return form(
            "caractère invisible ou de contrôle refusé",
            "invisible or control characters are refused",
        );
    }
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let tail = &rest[i..];
        match PLACEHOLDERS.iter().find(|p| tail.starts_with(**p)) {
            Some(p) => rest = &tail[p.len()..],
            None => {
                let at = tail.chars().take(12).collect::<String>();
                return Err(TemplateRefusal::Form(
                    (
                        format!("variable inconnue à « {at} »"),
                        format!("unknown placeholder at “{at}”"),
                    )
                        .into(),
                ));
            }
        }
    }
    // The day and time read differently from one appointment to the next: glued to a word
    // or a number, they would make another word with it ("{quand}19" after "12 h 39" reads
    // "3919"), which one sample cannot rule out. They stand apart.
    for (i, _) in t.match_indices("{quand}") {
        let before = t[..i].chars().next_back();
        let after = t[i + "{quand}".len()..].chars().next();
        if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
            return form(
                "{quand} ne peut pas être collé à un mot ou à un nombre",
                "{quand} cannot be glued to a word or a number",
            );
        }
    }
    Ok(())
}

/// Fill an organisation's template: `{quand}` the day and time, `{lieu}` the place (empty
/// unless the profile allows it), `{lien}` the link (empty if none). Runs of spaces left by
/// empty placeholders collapsed. Proper French: `for_sms` transliterates an SMS.
pub fn render_template(
    template: &str,
    start: DateTime<Utc>,
    tz: Tz,
    place: Option<&str>,
    link: Option<&str>,
) -> String {
    let t = template
        .replace("{quand}", &when_fr(start, tz))
        .replace("{lieu}", place.unwrap_or(""))
        .replace("{lien}", link.unwrap_or(""));
    let mut out = String::with_capacity(t.len());
    for w in t.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.trim().trim_end_matches([',', ':']).trim().to_owned()
}

/// Quiet hours in local time, e.g. 20:00–09:00: no SMS inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            start: NaiveTime::from_hms_opt(20, 0, 0).unwrap_or(NaiveTime::MIN),
            end: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
        }
    }
}

impl QuietHours {
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start > self.end {
            t >= self.start || t < self.end
        } else {
            t >= self.start && t < self.end
        }
    }
}

/// When the reminder of an appointment at `start`, booked at `booked`, goes out: `offset`
/// before (default 48 h); if that has passed, the next morning at 09:00 or 2 h before,
/// whichever comes first and is still ahead. A time in quiet hours is moved earlier, to the
/// last minute before they begin; never before `booked`. `None`: no sensible time is left.
pub fn reminder_at(
    start: DateTime<Utc>,
    booked: DateTime<Utc>,
    offset: Duration,
    tz: Tz,
    quiet: QuietHours,
) -> Option<DateTime<Utc>> {
    let two_hours_before = start - Duration::hours(2);
    let mut at = start - offset;
    if at <= booked {
        let next_morning =
            (booked.with_timezone(&tz).date_naive() + Duration::days(1)).and_time(quiet.end);
        let next_morning = tz
            .from_local_datetime(&next_morning)
            .earliest()
            .map(|t| t.with_timezone(&Utc));
        at = match next_morning {
            Some(m) if m < two_hours_before => m,
            _ => two_hours_before,
        };
    }
    let local = at.with_timezone(&tz);
    if quiet.contains(local.time()) {
        // The quiet period this instant is in began at `quiet.start` today or yesterday.
        let day = if local.time() >= quiet.start {
            local.date_naive()
        } else {
            local.date_naive() - Duration::days(1)
        };
        let before = tz
            .from_local_datetime(&day.and_time(quiet.start))
            .earliest()?
            - Duration::minutes(1);
        at = before.with_timezone(&Utc);
    }
    (at > booked && at < start).then_some(at)
}

/// Delay before retry number `attempt` (1 = the first retry): min(15 min, 10 s · 2^attempt),
/// spread by `jitter` in [0, 1) over ±20 %, and never shorter than the provider's
/// `Retry-After`.
pub fn retry_delay(attempt: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
    let base = 10i64.saturating_mul(1i64 << attempt.min(20)).min(15 * 60);
    let spread = (base as f64 * 0.2 * (jitter.clamp(0.0, 1.0) * 2.0 - 1.0)) as i64;
    let d = Duration::seconds((base + spread).max(1));
    match retry_after {
        Some(r) if r > d => r,
        _ => d,
    }
}

pub const MAX_ATTEMPTS: u32 = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Paris
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn templates_are_checked_and_filled() {
        let r = crate::wording::Revealing::default();
        let check = |t: &str| check_template(t, &r, &[]);
        assert!(check("Rappel : RDV {quand}, {lieu}. {lien}").is_ok());
        assert!(check("RDV à la Gendarmerie {quand}").is_err());
        assert!(check("Rappel {quand} victimes").is_err());
        assert!(check("Rappel sans date").is_err());
        assert!(check("Rappel {quand} {nom}").is_err());
        assert!(check("   ").is_err());
        // the review's split word, and a place text that reveals
        assert!(check("RDV {quand} gendar{lien}merie").is_err());
        assert!(check("RDV {quand} gen{lieu}darmerie").is_err());
        assert!(check("RDV {quand} gen\u{ad}darmerie").is_err());
        assert!(check_template("RDV {quand}, {lieu}", &r, &["2 rue de la Gendarmerie"]).is_err());
        // The day and time glued to a word or a number (found by the fuzzer: "{quand}3919…"
        // passed with the sample's "12 h 06" and read "3919" after "9 h 00").
        for glued in [
            "RDV {quand}19",
            "RDV {quand}3919up",
            "RDV viol{quand}",
            "RDV {quand}x",
        ] {
            assert!(check(glued).is_err(), "{glued}");
        }
        assert!(check("RDV ({quand}).").is_ok());
        let at = paris(2026, 11, 24, 14, 0);
        assert_eq!(
            render_template("Rappel : RDV {quand}, {lieu}", at, Paris, None, None),
            "Rappel : RDV mardi 24 novembre à 14 h 00"
        );
        assert_eq!(
            render_template(
                "Rappel : RDV {quand}, {lieu}. Modifier : {lien}",
                at,
                Paris,
                Some("12 rue X"),
                Some("https://r/x")
            ),
            "Rappel : RDV mardi 24 novembre à 14 h 00, 12 rue X. Modifier : https://r/x"
        );
    }

    #[test]
    fn gsm7_or_ucs2_and_segments() {
        assert_eq!(
            size("Rappel"),
            SmsSize {
                encoding: Encoding::Gsm7,
                units: 6,
                segments: 1
            }
        );
        assert_eq!(size(&"a".repeat(160)).segments, 1);
        assert_eq!(size(&"a".repeat(161)).segments, 2);
        assert_eq!(size(&"a".repeat(306)).segments, 2);
        assert_eq!(size(&"a".repeat(307)).segments, 3);
        assert_eq!(size("€").units, 2, "extension table");
        assert_eq!(size("é è à ù").encoding, Encoding::Gsm7, "these are GSM-7");
        let ucs = size("fenêtre");
        assert_eq!(
            (ucs.encoding, ucs.units, ucs.segments),
            (Encoding::Ucs2, 7, 1)
        );
        assert_eq!(size(&"ê".repeat(71)).segments, 2);
        assert_eq!(size(&"ê".repeat(134)).segments, 2);
        assert_eq!(size(&"ê".repeat(135)).segments, 3);
    }

    #[test]
    fn transliteration_keeps_gsm7_letters_and_folds_the_rest() {
        let t = transliterate("L’hôpital « Sainte-Cécile » – fenêtre, cœur, maïs… à 14 h");
        assert_eq!(
            t,
            "L'hopital \" Sainte-Cécile \" - fenetre, coeur, mais... à 14 h"
        );
        assert_eq!(size(&t).encoding, Encoding::Gsm7);
        assert_eq!(
            size(&transliterate("Мария")).encoding,
            Encoding::Ucs2,
            "no sensible replacement: kept"
        );
    }

    #[test]
    fn neutral_wording() {
        let start = paris(2026, 11, 24, 14, 0);
        let t = neutral_text(
            MessageKind::Reminder,
            start,
            Paris,
            Some("12 rue Victor-Hugo"),
            Some("https://r.example/x7"),
        );
        assert_eq!(
            t,
            "Rappel : rendez-vous mardi 24 novembre à 14 h 00, 12 rue Victor-Hugo. Pour modifier : https://r.example/x7"
        );
        assert_eq!(size(&t).segments, 1);
        let bare = neutral_text(MessageKind::Reminder, start, Paris, None, None);
        assert_eq!(bare, "Rappel : rendez-vous mardi 24 novembre à 14 h 00.");
        for word in ["gendarmerie", "violence", "police", "CCAS", "intervenant"] {
            assert!(!t.to_lowercase().contains(&word.to_lowercase()));
        }
        let c = neutral_text(
            MessageKind::Cancellation,
            start,
            Paris,
            Some("ignored"),
            None,
        );
        assert_eq!(c, "Rendez-vous du mardi 24 novembre à 14 h 00 annulé.");
        // Issue 10 §14: an e-mail keeps its accents; an SMS stays in GSM-7.
        let feb = neutral_text(
            MessageKind::Confirmation,
            paris(2027, 2, 2, 11, 0),
            Paris,
            None,
            None,
        );
        assert_eq!(feb, "Rendez-vous confirmé : mardi 2 février à 11 h 00.");
        let aout = for_sms(&neutral_text(
            MessageKind::Confirmation,
            paris(2027, 8, 3, 11, 0),
            Paris,
            None,
            None,
        ));
        assert_eq!(aout, "Rendez-vous confirmé : mardi 3 aout à 11 h 00.");
        assert_eq!(size(&aout).encoding, Encoding::Gsm7);
    }

    #[test]
    fn reminder_timing() {
        let q = QuietHours::default();
        let h48 = Duration::hours(48);
        // Booked a week ahead: 48 h before.
        let start = paris(2026, 11, 27, 14, 0);
        assert_eq!(
            reminder_at(start, paris(2026, 11, 20, 10, 0), h48, Paris, q),
            Some(paris(2026, 11, 25, 14, 0))
        );
        // 48 h before falls at 08:30 (quiet): moved earlier, to 19:59 the evening before.
        let early = paris(2026, 11, 27, 8, 30);
        assert_eq!(
            reminder_at(early, paris(2026, 11, 20, 10, 0), h48, Paris, q),
            Some(paris(2026, 11, 24, 19, 59))
        );
        // Booked the day before: the next morning at 09:00 fits before 2 h ahead.
        assert_eq!(
            reminder_at(start, paris(2026, 11, 26, 16, 0), h48, Paris, q),
            Some(paris(2026, 11, 27, 9, 0))
        );
        // Booked in the morning for the afternoon: 2 h before.
        assert_eq!(
            reminder_at(start, paris(2026, 11, 27, 8, 0), h48, Paris, q),
            Some(paris(2026, 11, 27, 12, 0))
        );
        // Booked at 07:00 for 10:00: 2 h before is 08:00, quiet, and moving earlier passes the booking.
        assert_eq!(
            reminder_at(
                paris(2026, 11, 27, 10, 0),
                paris(2026, 11, 27, 7, 0),
                h48,
                Paris,
                q
            ),
            None
        );
        // Across the autumn DST change the local hour is kept.
        let after_dst = paris(2026, 10, 26, 14, 0);
        assert_eq!(
            reminder_at(after_dst, paris(2026, 10, 1, 9, 0), h48, Paris, q),
            Some(paris(2026, 10, 24, 15, 0))
        );
    }

    #[test]
    fn backoff_doubles_caps_and_honours_retry_after() {
        assert_eq!(retry_delay(1, None, 0.5), Duration::seconds(20));
        assert_eq!(retry_delay(3, None, 0.5), Duration::seconds(80));
        assert_eq!(retry_delay(12, None, 0.5), Duration::minutes(15));
        assert_eq!(
            retry_delay(40, None, 0.5),
            Duration::minutes(15),
            "no overflow"
        );
        let low = retry_delay(3, None, 0.0);
        let high = retry_delay(3, None, 0.999);
        assert!(low >= Duration::seconds(64) && high <= Duration::seconds(96) && low < high);
        assert_eq!(
            retry_delay(1, Some(Duration::minutes(5)), 0.5),
            Duration::minutes(5)
        );
        assert_eq!(
            retry_delay(12, Some(Duration::seconds(3)), 0.5),
            Duration::minutes(15)
        );
    }
}
