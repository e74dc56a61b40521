//! The console's toolkit, reading posted forms: the fields as typed, their kinds, and the
//! JSON body the service's input type reads.

use super::*;

// ------------------------------------------------------------------ forms

/// A form's fields as posted, in order (a field may repeat).
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    pub fn parse(body: &[u8]) -> Self {
        Posted(
            url::form_urlencoded::parse(body)
                .into_owned()
                .take(400)
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The fields shown again in a refused form (not the token).
    pub fn values(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter(|(k, _)| k != "_csrf")
            .cloned()
            .collect()
    }

    /// The same JSON object the API would receive: each field of `spec` by its kind,
    /// dotted names as nested objects, empty text left out (the API's absent).
    pub fn json(&self, spec: &[(&str, Kind)]) -> serde_json::Value {
        use serde_json::{Map, Value};
        let mut root = Map::new();
        for &(name, kind) in spec {
            let raw = self.get(name).map(str::trim);
            let value = match kind {
                Kind::Text | Kind::Needed => raw
                    .filter(|v| !v.is_empty())
                    .map(|v| Value::String(v.to_owned())),
                Kind::Number => raw
                    .filter(|v| !v.is_empty())
                    .map(|v| match v.parse::<i64>() {
                        Ok(n) => Value::from(n),
                        // Sent as text, so that the service names the field.
                        Err(_) => Value::String(v.to_owned()),
                    }),
                Kind::Flag => Some(Value::Bool(raw.is_some())),
                Kind::List => Some(Value::Array(
                    self.0
                        .iter()
                        .filter(|(k, v)| k == name && !v.is_empty())
                        .map(|(_, v)| Value::String(v.clone()))
                        .collect(),
                )),
            };
            let Some(value) = value else { continue };
            let mut at = &mut root;
            let mut parts = name.split('.').peekable();
            while let Some(p) = parts.next() {
                if parts.peek().is_none() {
                    at.insert(p.to_owned(), value);
                    break;
                }
                at = match at
                    .entry(p.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()))
                {
                    Value::Object(m) => m,
                    _ => break,
                };
            }
        }
        Value::Object(root)
    }

    /// The wire type the service takes, read from the form as the API reads its JSON.
    pub fn read<T: serde::de::DeserializeOwned>(
        &self,
        spec: &[(&str, Kind)],
    ) -> Result<T, ServiceError> {
        // Every required field left empty is named at once, not the first one only.
        let missing: Vec<FieldError> = spec
            .iter()
            .filter(|(name, kind)| {
                matches!(kind, Kind::Needed) && self.get(name).is_none_or(|v| v.trim().is_empty())
            })
            .map(|(name, _)| FieldError {
                field: (*name).to_owned(),
                code: relais_domain::problem::ProblemCode::InvalidField
                    .as_str()
                    .to_owned(),
                message: "Champ obligatoire manquant.".to_owned(),
                message_en: "Required field missing.".to_owned(),
            })
            .collect();
        if !missing.is_empty() {
            return Err(ServiceError::validation(missing));
        }
        let bytes = serde_json::to_vec(&self.json(spec)).unwrap_or_default();
        crate::input::parse_json(&bytes)
    }
}

impl Posted {
    /// Read into `T` by the form's one specification (`render::console::spec`): a number as
    /// a number, a required text as `Needed` (every empty one named at once), the rest as text.
    pub fn read_fields<T: serde::de::DeserializeOwned>(
        &self,
        fields: &[crate::render::console::spec::Field],
    ) -> Result<T, ServiceError> {
        self.read(&Self::kinds(fields))
    }

    /// How each field of a form's specification is read.
    pub fn kinds(fields: &[crate::render::console::spec::Field]) -> Vec<(&'static str, Kind)> {
        use crate::render::console::spec::Input;
        fields
            .iter()
            .filter(|f| !matches!(f.input, Input::Group | Input::End))
            .map(|f| {
                (
                    f.name,
                    match f.input {
                        Input::Number | Input::Version => Kind::Number,
                        Input::Check => Kind::Flag,
                        Input::Several => Kind::List,
                        _ if f.required => Kind::Needed,
                        _ => Kind::Text,
                    },
                )
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    /// Text the wire type requires: every empty one is named together.
    Needed,
    Number,
    /// A checkbox: true when sent.
    Flag,
    /// A field sent several times (checkboxes of one name, a multiple select).
    List,
}
