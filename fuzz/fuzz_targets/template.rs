//! Message templates: never a panic; a template the check accepts never renders a
//! revealing word, with or without the place and the link.
#![no_main]
use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use relais_domain::sms::{check_template, for_sms, render_template};
use relais_domain::wording::{Revealing, fold};

/// The built-in list, folded once for the run (not once per input).
static LIST: std::sync::LazyLock<Revealing> = std::sync::LazyLock::new(Revealing::default);

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let r = &*LIST;
    let _ = fold(s);
    let place = "12 rue de la Paix, Melun";
    if check_template(s, r, &[place]).is_ok() {
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let tz = chrono_tz::Europe::Paris;
        for (p, l) in [
            (None, None),
            (Some(place), None),
            (Some(place), Some("https://r.example/x")),
        ] {
            let text = render_template(s, at, tz, p, l);
            if l.is_none() {
                assert!(r.find(&text).is_none(), "{s:?} rendered {text:?}");
                assert!(r.find(&for_sms(&text)).is_none(), "{s:?} as SMS");
            }
        }
    }
});
