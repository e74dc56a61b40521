//! TOTP (RFC 6238): HMAC-SHA1, 30-second steps, 6 digits, one step of clock drift either way,
//! and each step usable once per account (replay protection).

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;

pub fn generate_secret() -> Vec<u8> {
    let mut s = vec![0u8; 20];
    rand::rng().fill_bytes(&mut s);
    s
}

pub fn secret_base32(secret: &[u8]) -> String {
    BASE32_NOPAD.encode(secret)
}

pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        secret_base32(secret),
        enc(issuer)
    )
}

/// HOTP value (RFC 4226) of `counter`, with `digits` digits.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0x0f) as usize;
    let bin = (u32::from(h[off]) & 0x7f) << 24
        | u32::from(h[off + 1]) << 16
        | u32::from(h[off + 2]) << 8
        | u32::from(h[off + 3]);
    bin % 10u32.pow(digits)
}

pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The accepted step if `code` is valid at `unix_seconds` (±1 step) and newer than
/// `last_used_step`; `None` otherwise.
pub fn verify(
    secret: &[u8],
    code: &str,
    unix_seconds: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let want: u32 = code.parse().ok()?;
    let now = step_of(unix_seconds);
    [now - 1, now, now + 1].into_iter().find(|&step| {
        step >= 0
            && last_used_step.is_none_or(|last| step > last)
            && hotp(secret, step as u64, 6) == want
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA-1 seed, 8 digits.
        let seed = b"12345678901234567890";
        for (t, want) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
        ] {
            assert_eq!(hotp(seed, step_of(t) as u64, 8), want, "t={t}");
        }
    }

    #[test]
    fn accepts_drift_and_refuses_replay() {
        let s = generate_secret();
        let t = 1_800_000_000;
        let code = format!("{:06}", hotp(&s, step_of(t) as u64, 6));
        let step = verify(&s, &code, t, None).unwrap();
        assert_eq!(verify(&s, &code, t + 30, None), Some(step));
        assert_eq!(verify(&s, &code, t + 90, None), None);
        assert_eq!(verify(&s, &code, t, Some(step)), None, "replay");
        assert_eq!(verify(&s, "12345", t, None), None);
        assert_eq!(verify(&s, "abcdef", t, None), None);
    }

    #[test]
    fn uri_is_escaped() {
        let u = otpauth_uri("Relais", "marie@ccas.fr", &[0; 20]);
        assert!(
            u.starts_with("otpauth://totp/Relais:marie%40ccas.fr?secret=AAAA"),
            "{u}"
        );
    }
}
