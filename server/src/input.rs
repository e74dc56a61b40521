//! Input read into wire types: JSON (the API's bodies, the console's forms turned into the
//! same JSON) deserialized with the path of the bad field, and serde's English said in
//! French without echoing the value. Shared by the edges; knows no HTTP.

use relais_domain::Said;
use relais_domain::problem::ProblemCode;
use serde::de::DeserializeOwned;

use crate::error::ServiceError;

/// An API body: a JSON object (serde would also read a struct from an array, `[null,null]`,
/// which no schema of the document allows), then read as `parse_json` reads it.
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ServiceError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{')
        && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
    {
        return Err(ServiceError::field(
            ProblemCode::InvalidField,
            "body",
            (
                "Un objet JSON attendu ({…}).",
                "A JSON object expected ({…}).",
            ),
        ));
    }
    parse_json(bytes)
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ServiceError> {
    // A number written with a zero fraction (`1.0`) is an integer, as JSON Schema says: a
    // body whose numbers all are whole is read as if they were written without it.
    match with_whole_numbers(bytes) {
        Some(whole) => parse_exact(&whole),
        None => parse_exact(bytes),
    }
}

fn parse_exact<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ServiceError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        use serde_json::error::Category;
        let syntax = matches!(
            inner.classify(),
            Category::Syntax | Category::Eof | Category::Io
        );
        // serde_json reports a wrong type on an enum field ("role": 5) as a syntax error:
        // if the body is well-formed JSON, it is the field's fault, and the field is named.
        if syntax && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_err() {
            return malformed(inner.line(), inner.column());
        }
        let msg = inner.to_string();
        let msg = msg.split(" at line").next().unwrap_or(&msg).to_owned();
        let field = field_from(&path, &msg);
        ServiceError::field(ProblemCode::InvalidField, &field, said(&msg))
    })?;
    // Nothing may follow the value: `{…}garbage` or `{…}{…}` is refused, not half-read.
    de.end().map_err(|e| {
        malformed(e.line(), e.column()).detail(format!(
            "Données en trop après le JSON (ligne {}, colonne {}).",
            e.line(),
            e.column()
        ))
    })?;
    Ok(value)
}

/// The body again with every whole number that carries a fraction (`3.0`, `-2e2`) written
/// as an integer; `None` when there is none (or the body is not JSON: the caller says why).
fn with_whole_numbers(bytes: &[u8]) -> Option<Vec<u8>> {
    fn walk(v: &mut serde_json::Value) -> bool {
        use serde_json::Value;
        match v {
            Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                    // Exact below 2^53; `as` on a whole f64 in range is exact.
                    #[allow(clippy::cast_possible_truncation)]
                    let i = f as i64;
                    *v = Value::from(i);
                    true
                }
                _ => false,
            },
            Value::Array(a) => a.iter_mut().fold(false, |c, x| walk(x) | c),
            Value::Object(m) => m.values_mut().fold(false, |c, x| walk(x) | c),
            _ => false,
        }
    }
    // Only a body with a fraction or an exponent can hold one.
    if !bytes.iter().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return None;
    }
    let mut v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if walk(&mut v) {
        serde_json::to_vec(&v).ok()
    } else {
        None
    }
}

fn malformed(line: usize, column: usize) -> ServiceError {
    ServiceError::new(ProblemCode::MalformedJson, "JSON mal formé")
        .detail(format!("ligne {line}, colonne {column}"))
}

/// serde's English, said in French for the person who reads it, without echoing the value
/// that was sent (it may be personal data).
pub fn french(msg: &str) -> String {
    said(msg).fr
}

/// serde's message said plainly, in French and in English, without the value it quotes
/// (a name typed in the wrong field is not echoed back).
pub fn said(msg: &str) -> Said {
    let quoted: Vec<&str> = msg.split('`').skip(1).step_by(2).collect();
    let both = |fr: &str, en: &str| Said::from((fr, en));
    if msg.starts_with("missing field") {
        return both("Champ obligatoire manquant.", "Required field missing.");
    }
    if msg.starts_with("unknown field") {
        return both("Champ inconnu.", "Unknown field.");
    }
    if msg.starts_with("unknown variant") {
        let allowed: Vec<&str> = quoted.iter().skip(1).copied().collect();
        return if allowed.is_empty() {
            both("Valeur non reconnue.", "Value not recognised.")
        } else {
            let allowed = allowed.join(", ");
            Said::from((
                format!("Valeur non reconnue ; valeurs possibles : {allowed}."),
                format!("Value not recognised; possible values: {allowed}."),
            ))
        };
    }
    if msg.starts_with("duplicate field") {
        return both("Champ répété.", "Repeated field.");
    }
    if let Some(exp) = msg
        .strip_prefix("invalid type: ")
        .and_then(|r| r.split(", expected ").nth(1))
    {
        let (fr, en) = expected(exp);
        return Said::from((
            format!("Type incorrect : {fr} attendu."),
            format!("Wrong type: {en} expected."),
        ));
    }
    if msg.starts_with("invalid value") {
        let (fr, en) = expected(msg.split(", expected ").nth(1).unwrap_or(""));
        return Said::from((
            format!("Valeur invalide : {fr} attendu."),
            format!("Invalid value: {en} expected."),
        ));
    }
    if msg.starts_with("invalid length") {
        return both("Nombre d'éléments incorrect.", "Wrong number of items.");
    }
    if msg.contains("out of range") {
        return both(
            "Valeur hors des limites permises.",
            "Value out of the allowed range.",
        );
    }
    if msg.contains("UUID") || msg.contains("uuid") {
        return both("Identifiant (UUID) invalide.", "Invalid id (UUID).");
    }
    if msg.contains("premature end of input")
        || msg.contains("input contains invalid characters")
        || msg.contains("trailing input")
        || msg.contains("input is not enough for unique date and time")
        || msg.contains("no possible date and time")
    {
        return both(
            "Date ou heure invalide (ex. 2026-03-10T14:00:00+01:00, 2026-03-10, 14:00).",
            "Invalid date or time (e.g. 2026-03-10T14:00:00+01:00, 2026-03-10, 14:00).",
        );
    }
    both("Valeur invalide.", "Invalid value.")
}

/// What serde expected, in French and in English.
fn expected(exp: &str) -> (&'static str, &'static str) {
    let e = exp.trim();
    match e {
        "a boolean" => ("un booléen (true ou false)", "a boolean (true or false)"),
        "a string" => ("une chaîne de caractères", "a string"),
        "a sequence" => ("une liste", "a list"),
        "a map" => ("un objet", "an object"),
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" | "isize" => {
            ("un nombre entier", "a whole number")
        }
        "f32" | "f64" => ("un nombre", "a number"),
        "a UUID string" | "UUID" => ("un identifiant (UUID)", "an id (UUID)"),
        _ if e.starts_with("struct") => ("un objet", "an object"),
        _ if e.starts_with("variant identifier") || e.starts_with("enum") => (
            "une des valeurs prévues (texte)",
            "one of the expected values (text)",
        ),
        _ if e.contains("date") || e.contains("time") => {
            ("une date ou une heure", "a date or a time")
        }
        _ if e.starts_with("a sequence") || e.starts_with("tuple") => ("une liste", "a list"),
        _ if e.contains("string") => ("une chaîne de caractères", "a string"),
        _ if e.contains("integer") => ("un nombre entier", "a whole number"),
        _ => ("une autre valeur", "another value"),
    }
}

/// serde reports a missing or unknown field at the parent's path; name the field itself.
fn field_from(path: &str, msg: &str) -> String {
    let quoted = msg.split('`').nth(1);
    let named = (msg.starts_with("missing field") || msg.starts_with("unknown field"))
        .then_some(quoted)
        .flatten();
    match named {
        Some(f) if path == "." || path.is_empty() => f.to_owned(),
        // Unknown fields are reported at their own path already.
        Some(f) if path.rsplit('.').next() == Some(f) => path.to_owned(),
        Some(f) => format!("{path}.{f}"),
        None if path == "." || path.is_empty() => "body".to_owned(),
        None => path.to_owned(),
    }
}
