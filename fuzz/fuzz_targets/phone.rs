//! Phone numbers as people type them: never a panic; a normalised number is E.164 and
//! normalises to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use relais_domain::phone::normalise;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(e) = normalise(s) {
        assert!(e.starts_with('+'), "{e}");
        assert!(e[1..].bytes().all(|b| b.is_ascii_digit()), "{e}");
        assert_eq!(normalise(&e).as_deref(), Ok(e.as_str()));
    }
});
