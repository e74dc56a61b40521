//! The limits of `relais_domain::limits` written into the document's schemas: the same
//! table the validators read, so the document says what the server takes. Also what the
//! JSON types alone leave open: the range of a 32- or 64-bit integer.

use relais_domain::limits::{self, Blank, Is, Rule};
use serde_json::{Map, Value, json};

/// A text's pattern: none of the refused characters, and (`required`) something other
/// than spaces.
fn text_pattern(required: bool) -> String {
    let bad = limits::refused_characters();
    if required {
        format!("^[^{bad}]*[^\\s{bad}][^{bad}]*$")
    } else {
        format!("^[^{bad}]*$")
    }
}

/// A pattern the server also takes blank (it trims, and blank is absent).
fn or_blank(pattern: &str, required: bool) -> String {
    if required {
        pattern.to_owned()
    } else {
        format!("^\\s*$|{pattern}")
    }
}

fn nullable(schema: &Map<String, Value>) -> bool {
    match &schema.get("type") {
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "null"),
        _ => false,
    }
}

/// An enum, with `null` when the property may be null.
fn words(schema: &Map<String, Value>, words: Vec<&str>) -> Value {
    let mut e: Vec<Value> = words.into_iter().map(|w| json!(w)).collect();
    if nullable(schema) {
        e.push(Value::Null);
    }
    json!({ "enum": e })
}

fn constraint(rule: Rule, schema: &Map<String, Value>, required: bool, year: i32) -> Value {
    match rule {
        Rule::Text { max, blank } => {
            let must = blank != Blank::Absent;
            let mut c = json!({ "maxLength": max, "pattern": text_pattern(must) });
            if must {
                c["minLength"] = json!(1);
            }
            c
        }
        Rule::Int { min, max } => {
            json!({ "minimum": min, "maximum": max.unwrap_or(i64::from(year)) })
        }
        Rule::Phone => json!({ "pattern": or_blank(limits::PHONE_PATTERN, required) }),
        Rule::Email => json!({ "pattern": or_blank(limits::EMAIL_PATTERN, required) }),
        Rule::Password => json!({
            "minLength": relais_domain::password::MIN_CHARS,
            "maxLength": relais_domain::password::MAX_CHARS,
        }),
        Rule::Time => json!({ "pattern": limits::TIME_PATTERN }),
        Rule::Days => json!({
            "minItems": 1,
            "items": { "type": "integer", "minimum": 1, "maximum": 7 },
        }),
        Rule::TimeZone => words(
            schema,
            chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()).collect(),
        ),
        Rule::Words(ws) => words(schema, ws.to_vec()),
        Rule::ReferralChannel => words(schema, limits::referral_channels()),
        Rule::MessageKind => {
            let kinds = relais_domain::sms::MessageKind::ALL;
            words(schema, kinds.iter().map(|k| k.as_str()).collect())
        }
        Rule::LocalDateTime => json!({ "pattern": limits::LOCAL_DATE_TIME_PATTERN }),
        Rule::Wording => {
            let bad = limits::refused_characters();
            let text = format!("(?:[^{{{bad}]|\\{{(?:lieu|lien)\\}})");
            let apart = "[ .,;:!?()\\n-]";
            json!({
                "minLength": "{quand}".len(),
                "maxLength": limits::WORDING,
                "pattern": format!(
                    "^\\s*(?:{text}*{apart})?\\{{quand\\}}(?:{apart}{text}*)?$"
                ),
            })
        }
        Rule::AtMost(n) => json!({ "maxItems": n }),
        Rule::Lines { max, count } => json!({
            "maxItems": count,
            "items": {
                "type": "string",
                "minLength": 1,
                "maxLength": max,
                "pattern": "^[^\\n]*\\S[^\\n]*$",
            },
        }),
    }
}

/// Every limit of the table on its schema's property. A limit whose schema or property is
/// missing is a mistake in the table: `document_names_every_limit` fails on it.
pub(super) fn constrain_schemas(doc: &mut Value, year: i32) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for l in limits::LIMITS {
        let Some(s) = schemas.get_mut(l.schema).and_then(Value::as_object_mut) else {
            continue;
        };
        let required = s
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|f| f == l.field));
        let Some(p) = s
            .get_mut("properties")
            .and_then(|p| p.get_mut(l.field))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        // `oneOf: [X, null]` (an optional word): the enum goes on the whole.
        let c = constraint(l.rule, p, required, year);
        if let Some(c) = c.as_object() {
            for (k, v) in c {
                p.insert(k.clone(), v.clone());
            }
        }
    }
    for w in limits::WHEN {
        let Some(s) = schemas.get_mut(w.schema).and_then(Value::as_object_mut) else {
            continue;
        };
        let is = match w.is {
            Is::Word(x) => json!(x),
            Is::Bool(b) => json!(b),
        };
        // Default false: a boolean not sent is false.
        let condition = match w.is {
            Is::Bool(false) => json!({ "properties": { w.field: { "const": false } } }),
            _ => json!({ "properties": { w.field: { "const": is } }, "required": [w.field] }),
        };
        let mut then = json!({ "required": w.then_required, "properties": {} });
        for f in w.then_required {
            then["properties"][*f] = json!({ "not": { "type": "null" }, "pattern": "\\S" });
        }
        let mut rule = json!({ "if": condition, "then": then });
        if !w.else_absent.is_empty() {
            let mut otherwise = json!({ "properties": {} });
            for f in w.else_absent {
                otherwise["properties"][*f] = json!({ "anyOf": [
                    { "type": "null" },
                    { "type": "string", "pattern": "^\\s*$" },
                ] });
            }
            rule["else"] = otherwise;
        }
        match s.get_mut("allOf").and_then(Value::as_array_mut) {
            Some(all) => all.push(rule),
            None => {
                s.insert("allOf".into(), json!([rule]));
            }
        }
    }
    closed_variants(schemas, "IntentAction");
    int_ranges(doc);
}

/// A tagged enum whose variants refuse fields they do not know (serde's
/// `deny_unknown_fields`, which utoipa does not write on the variants).
fn closed_variants(schemas: &mut Map<String, Value>, name: &str) {
    if let Some(variants) = schemas
        .get_mut(name)
        .and_then(|s| s.get_mut("oneOf"))
        .and_then(Value::as_array_mut)
    {
        for v in variants.iter_mut().filter_map(Value::as_object_mut) {
            v.insert("additionalProperties".into(), json!(false));
        }
    }
}

/// `format: int32` / `int64` bound to their ranges, everywhere: the JSON type says
/// "integer", the server reads a Rust integer of that width.
fn int_ranges(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let range = match m.get("format").and_then(Value::as_str) {
                Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
                Some("int64") => Some((i64::MIN, i64::MAX)),
                _ => None,
            };
            if let Some((lo, hi)) = range {
                m.entry("minimum").or_insert(json!(lo));
                m.entry("maximum").or_insert(json!(hi));
            }
            for x in m.values_mut() {
                int_ranges(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(int_ranges),
        _ => {}
    }
}

/// `POST /referrals` by a staff account or a referrer: the channel and the unit are
/// required there (a partner unit's own software is known by its key, and sends neither).
pub(super) fn referral_by_account(op: &mut Map<String, Value>) {
    let Some(schema) = op
        .get_mut("requestBody")
        .and_then(|b| b.pointer_mut("/content/application~1json/schema"))
    else {
        return;
    };
    let base = schema.clone();
    *schema = json!({
        "allOf": [base],
        "required": ["channel", "unit"],
        "properties": {
            "channel": { "enum": limits::referral_channels() },
            "unit": { "type": "string", "pattern": "\\S" },
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every limit of the table finds its schema and property in the document: a renamed
    /// field cannot leave the document without its limit.
    #[test]
    fn document_names_every_limit() {
        let doc = super::super::contract::document();
        let schemas = &doc["components"]["schemas"];
        for l in limits::LIMITS {
            let p = &schemas[l.schema]["properties"][l.field];
            assert!(
                p.is_object(),
                "{}.{} is not in the document",
                l.schema,
                l.field
            );
        }
        for w in limits::WHEN {
            let s = &schemas[w.schema];
            assert!(
                s["properties"][w.field].is_object(),
                "{}.{}",
                w.schema,
                w.field
            );
            for f in w.then_required {
                assert!(s["properties"][*f].is_object(), "{}.{f}", w.schema);
            }
        }
    }

    #[test]
    fn a_name_says_its_length_and_what_it_refuses() {
        let doc = super::super::contract::document();
        let name = &doc["components"]["schemas"]["SiteInput"]["properties"]["name"];
        assert_eq!(name["maxLength"], limits::NAME);
        assert_eq!(name["minLength"], 1);
        let re = name["pattern"].as_str().unwrap();
        assert!(re.contains('\u{200B}'), "{re}");
        let tz = &doc["components"]["schemas"]["SiteInput"]["properties"]["time_zone"]["enum"];
        assert!(tz.as_array().unwrap().contains(&json!("America/Cayenne")));
        assert!(tz.as_array().unwrap().contains(&Value::Null));
    }
}
