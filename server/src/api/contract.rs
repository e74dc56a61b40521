//! The OpenAPI document as the server really answers: utoipa's document, then made true
//! where the per-handler annotations tell less than the server does. Every response has a
//! description; every operation id is unique; every error is `application/problem+json`
//! with the `ProblemDetails` schema; the errors every operation of a kind can give (400 for
//! a bad parameter or body, 401/403 behind a token, 404 on a path with an id, 413/415/422
//! with a body, 429 on logins) are declared on each.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

const PROBLEM: &str = "application/problem+json";

fn description(code: &str) -> &'static str {
    match code {
        "200" => "Réponse.",
        "201" => "Créé.",
        "202" => "Accepté.",
        "204" => "Fait, sans contenu.",
        "400" => "Requête mal formée : JSON illisible, paramètre ou identifiant invalide.",
        "401" => "Jeton absent, expiré ou révoqué ; identifiants refusés.",
        "403" => "Rôle ou second facteur insuffisant pour cette opération.",
        "404" => "Introuvable (ou d'une autre organisation).",
        "409" => "Refusé par l'état présent (version, créneau pris, enregistrement inconnu).",
        "413" => "Corps trop volumineux.",
        "415" => "Le corps doit être du JSON (Content-Type: application/json).",
        "422" => "Données invalides : chaque champ fautif est nommé dans `errors`.",
        "429" => "Trop de tentatives : réessayer après `Retry-After` secondes.",
        "503" => "Indisponible pour le moment.",
        _ => "Réponse.",
    }
}

fn problem_response(code: &str) -> Value {
    json!({
        "description": description(code),
        "content": { PROBLEM: { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } }
    })
}

/// The document served at `/api/v1/openapi.json`, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(super::openapi()).unwrap_or(Value::Null);
        make_true(&mut doc);
        // The latest birth year taken is this year's: the document is built once, when the
        // server starts (a server running across the new year is one year strict).
        let year = chrono::Datelike::year(&chrono::DateTime::<chrono::Utc>::from(
            std::time::SystemTime::now(),
        ));
        super::constraints::constrain_schemas(&mut doc, year);
        doc
    })
}

fn make_true(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let mut ids: HashMap<String, usize> = HashMap::new();
    for item in paths.values() {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                *ids.entry(id.to_owned()).or_default() += 1;
            }
        }
    }
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            unique_id(op, &ids, method, path);
            declare_errors(op, method, path);
            constrain_parameters(op);
            if path == "/api/v1/report" && method == "get" {
                report_formats(op);
            }
            if path == "/api/v1/referrals" && method == "post" {
                super::constraints::referral_by_account(op);
            }
        }
    }
}

/// The report answers in the format asked for: JSON (described by `Report`), CSV or HTML.
fn report_formats(op: &mut Map<String, Value>) {
    if let Some(content) = op
        .get_mut("responses")
        .and_then(|r| r.get_mut("200"))
        .and_then(|r| r.get_mut("content"))
        .and_then(Value::as_object_mut)
    {
        for t in ["text/csv", "text/html"] {
            content.insert(t.into(), json!({"schema": {"type": "string"}}));
        }
    }
}

/// The constraints the server enforces on parameters, in the document, so that data valid by
/// the schema is data the server takes: page sizes, cursors, dates, closed lists of words.
fn constrain_parameters(op: &mut Map<String, Value>) {
    use relais_domain::sms::MessageKind;
    let kinds: Vec<&str> = MessageKind::ALL.iter().map(|k| k.as_str()).collect();
    let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
        return;
    };
    for p in params {
        let name = p["name"].as_str().unwrap_or("").to_owned();
        let place = p["in"].as_str().unwrap_or("").to_owned();
        let extra = match (name.as_str(), place.as_str()) {
            ("limit", "query") => {
                json!({"minimum": crate::paging::MIN_LIMIT, "maximum": crate::paging::MAX_LIMIT})
            }
            // A synced table's keyset cursor (`<seq>.<id>`), or the audit log's position.
            ("after", "query") if p["schema"]["type"] == "string" => {
                json!({"pattern": "^[0-9]{1,18}(\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$"})
            }
            ("after", "query") => json!({"minimum": 0}),
            ("days", "query") => json!({"minimum": 1, "maximum": 31}),
            ("year", "query") => json!({"minimum": 1900, "maximum": 2200}),
            ("from" | "to", "query") => json!({"type": "string", "format": "date"}),
            ("audience", "query") => json!({"enum": ["internal", "external"]}),
            ("format", "query") => json!({"enum": ["json", "csv", "html"]}),
            ("compare", "query") => json!({"enum": ["year_before"]}),
            ("convention", "query") => json!({"format": "uuid"}),
            ("lang", "query") => json!({"enum": ["fr", "en"]}),
            ("kind", "path") => json!({"enum": kinds}),
            ("channel", "path") => json!({"enum": ["sms", "email"]}),
            ("file", "path") => json!({"pattern": "^[A-Za-z0-9_-]{1,200}\\.ics$"}),
            ("Idempotency-Key", "header") => json!({"minLength": 1, "maxLength": 200}),
            ("name", "query") => json!({
                "minLength": 1,
                "maxLength": relais_domain::limits::NAME,
                "pattern": "\\S",
            }),
            ("phone", "query") => json!({"pattern": relais_domain::limits::PHONE_PATTERN}),
            _ => continue,
        };
        let schema = p
            .as_object_mut()
            .and_then(|o| o.get_mut("schema"))
            .and_then(Value::as_object_mut);
        if let (Some(schema), Some(extra)) = (schema, extra.as_object()) {
            for (k, v) in extra {
                schema.insert(k.clone(), v.clone());
            }
        }
    }
}

fn unique_id(op: &mut Map<String, Value>, ids: &HashMap<String, usize>, method: &str, path: &str) {
    let Some(id) = op
        .get("operationId")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    if ids.get(&id).copied().unwrap_or(0) <= 1 {
        return;
    }
    let slug: String = path
        .trim_start_matches("/api/v1/")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let slug = slug
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    op.insert("operationId".into(), json!(format!("{method}_{slug}")));
}

fn declare_errors(op: &mut Map<String, Value>, method: &str, path: &str) {
    let secured = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let has_body = op.contains_key("requestBody");
    let has_params = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|p| !p.is_empty());
    let login = path.ends_with("/auth/login") || path.ends_with("/auth/device");
    let responses = op
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    let Some(responses) = responses else { return };
    for (code, r) in responses.iter_mut() {
        let Some(r) = r.as_object_mut() else { continue };
        if !r.contains_key("description") || r["description"].as_str() == Some("") {
            r.insert("description".into(), json!(description(code)));
        }
        if code.starts_with('4') || code.starts_with('5') {
            if let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) {
                if let Some(v) = content.remove("application/json") {
                    content.insert(PROBLEM.into(), v);
                }
            } else {
                r.insert(
                    "content".into(),
                    json!({ PROBLEM: { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } }),
                );
            }
        }
    }
    let mut add = |code: &str| {
        responses
            .entry(code.to_owned())
            .or_insert_with(|| problem_response(code));
    };
    if has_params || has_body || path.contains('{') || method == "get" {
        add("400");
    }
    if secured || login {
        add("401");
    }
    if secured {
        add("403");
    }
    if path.contains('{') {
        add("404");
    }
    if has_body {
        add("413");
        add("415");
    }
    // A parameter or body well-formed but refused (unknown type, closed state…).
    if has_body || has_params {
        add("422");
    }
    // Refused by what is stored or by the clock (a version, a taken slot, a record the
    // request names that is unknown, a day past the horizon): a write, or a read whose
    // parameters name records or days.
    if secured && (method != "get" || has_params) {
        add("409");
    }
    if login {
        add("429");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document tells the truth in the ways a client relies on.
    #[test]
    fn the_document_is_true() {
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        // The casework word and the error object are two schemas, not one.
        assert_eq!(
            schemas["Problem"]["type"], "string",
            "{}",
            schemas["Problem"]
        );
        assert_eq!(schemas["ProblemDetails"]["type"], "object");
        let mut seen = std::collections::HashSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap().to_owned();
                assert!(seen.insert(id.clone()), "operationId {id} twice");
                for (code, r) in op["responses"].as_object().unwrap() {
                    assert!(r["description"].is_string(), "{method} {path} {code}");
                    if code.starts_with('4') {
                        assert!(
                            r["content"].get(PROBLEM).is_some(),
                            "{method} {path} {code} is problem+json"
                        );
                        assert!(r["content"].get("application/json").is_none());
                    }
                }
                if op
                    .get("security")
                    .and_then(Value::as_array)
                    .is_some_and(|s| !s.is_empty())
                {
                    assert!(op["responses"].get("401").is_some(), "{method} {path}");
                }
            }
        }
    }

    /// Two schemas of one name would silently make one of them wrong: every name collected
    /// from the handlers means one schema.
    #[test]
    fn one_schema_per_name() {
        let (_, _, schemas) = crate::api::all().into_parts();
        let mut by_name: std::collections::HashMap<String, Value> = Default::default();
        for (name, schema) in schemas {
            let schema = serde_json::to_value(schema).unwrap();
            if let Some(first) = by_name.insert(name.clone(), schema.clone()) {
                assert_eq!(first, schema, "two schemas named {name}");
            }
        }
        // The error object is not among them under the casework word's name.
        assert!(by_name.get("Problem").is_none_or(|p| p["type"] == "string"));
    }

    /// Every route the router serves is in the document (the callbacks aside), and every
    /// documented path is served: the two come from one declaration.
    #[test]
    fn every_route_is_documented() {
        let doc = document();
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.contains_key("/api/v1/calendar/{file}"));
        assert!(paths.contains_key("/api/v1/appointments"));
        assert!(paths.len() >= 67, "{} paths", paths.len());
    }

    /// What the server enforces on parameters is in the document.
    #[test]
    fn parameters_carry_the_server_s_constraints() {
        let doc = document();
        let param = |path: &str, method: &str, name: &str| -> Value {
            doc["paths"][path][method]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap_or_else(|| panic!("{method} {path} {name}"))["schema"]
                .clone()
        };
        let limit = param("/api/v1/persons", "get", "limit");
        assert_eq!(
            (limit["minimum"].as_u64(), limit["maximum"].as_u64()),
            (Some(1), Some(200))
        );
        assert_eq!(param("/api/v1/report", "get", "from")["format"], "date");
        assert_eq!(
            param("/api/v1/message-templates/{kind}/{channel}", "put", "kind")["enum"],
            json!(["confirmation", "reminder", "cancellation"])
        );
    }

    /// The report's three formats are all documented.
    #[test]
    fn the_report_documents_its_formats() {
        let content = &document()["paths"]["/api/v1/report"]["get"]["responses"]["200"]["content"];
        for t in ["application/json", "text/csv", "text/html"] {
            assert!(content.get(t).is_some(), "{t}: {content}");
        }
    }
}
