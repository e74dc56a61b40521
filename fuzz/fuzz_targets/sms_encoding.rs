//! SMS sizing: never a panic; the sizes agree with the text; transliteration only ever
//! keeps or shrinks what is outside GSM-7.
#![no_main]
use libfuzzer_sys::fuzz_target;
use relais_domain::sms::{Encoding, size, transliterate};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let a = size(s);
    assert!(a.segments >= 1);
    match a.encoding {
        Encoding::Ucs2 => assert_eq!(a.units, s.encode_utf16().count()),
        Encoding::Gsm7 => assert!(a.units >= s.chars().count()),
    }
    let t = transliterate(s);
    let b = size(&t);
    if a.encoding == Encoding::Gsm7 {
        assert_eq!(t, s, "GSM-7 text is left as it is");
        assert_eq!(b, a);
    }
    assert_eq!(transliterate(&t), t, "transliteration is idempotent");
});
