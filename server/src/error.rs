//! The service error: what every workflow returns when it refuses or fails. It carries a
//! problem code from `relais_domain::problem` (which fixes the HTTP status), a French title,
//! the fields at fault and, for a refused state change, the state and what it allows. It
//! knows nothing of HTTP: `api::error` turns it into an RFC 9457 answer, in one place.
//! Internal causes are logged, never returned.

use relais_domain::problem::ProblemCode;
use relais_domain::{FieldError, Said};

#[derive(Debug)]
pub struct ServiceError {
    code: ProblemCode,
    title: &'static str,
    detail: Option<String>,
    errors: Vec<FieldError>,
    /// Boxed: rare, and keeps `ServiceResult` small.
    transition: Option<Box<(String, Vec<String>)>>,
    /// Seconds before trying again (429): the `Retry-After` header.
    retry_after: Option<u32>,
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// A service error taken apart to be rendered.
pub struct Parts {
    pub code: ProblemCode,
    pub title: &'static str,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    /// A refused state change: the current state and the changes it allows.
    pub transition: Option<(String, Vec<String>)>,
}

impl ServiceError {
    pub fn new(code: ProblemCode, title: &'static str) -> Self {
        Self {
            code,
            title,
            detail: None,
            errors: Vec::new(),
            transition: None,
            retry_after: None,
        }
    }

    /// Seconds before trying again.
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// This change is not possible from `current`; `allowed` lists what is.
    pub fn transition(
        code: ProblemCode,
        detail: impl Into<String>,
        current: &str,
        allowed: Vec<String>,
    ) -> Self {
        let mut e = Self::new(code, "Changement d'état impossible").detail(detail);
        e.transition = Some(Box::new((current.to_owned(), allowed)));
        e
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    pub fn code(&self) -> ProblemCode {
        self.code
    }

    /// The HTTP status the code is always answered with.
    pub fn status(&self) -> u16 {
        self.code.status()
    }

    pub fn retry_after_seconds(&self) -> Option<u32> {
        self.retry_after
    }

    /// Everything the answer carries, for the one place that renders it.
    pub fn into_parts(self) -> Parts {
        Parts {
            code: self.code,
            title: self.title,
            detail: self.detail,
            errors: self.errors,
            transition: self.transition.map(|t| *t),
        }
    }

    /// Fields refused. When every one is refused only by the present state (a record it
    /// names is unknown, a date too old for today), the answer is that state's 409: the
    /// request was as the document says.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let state = errors
            .iter()
            .map(|e| ProblemCode::parse(&e.code).filter(|c| c.status() == 409))
            .collect::<Option<Vec<_>>>()
            .and_then(|codes| codes.first().copied());
        if let Some(code) = state {
            return Self {
                detail: Some("Refusé en l'état : voir chaque champ.".into()),
                errors,
                ..Self::new(code, "Requête refusée")
            };
        }
        Self {
            detail: Some("Un ou plusieurs champs sont invalides.".into()),
            errors,
            ..Self::new(ProblemCode::Validation, "Données invalides")
        }
    }

    /// One field at fault; the code is also the field's error code.
    pub fn field(code: ProblemCode, field: &str, message: impl Into<Said>) -> Self {
        let Said { fr, en } = message.into();
        Self {
            detail: Some(format!("{field} : {fr}")),
            errors: vec![FieldError {
                field: field.to_owned(),
                code: code.as_str().to_owned(),
                message: fr,
                message_en: en,
            }],
            ..Self::new(code, "Requête invalide")
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(ProblemCode::Unauthenticated, "Authentification requise")
            .detail("Jeton absent, expiré ou révoqué.")
    }

    pub fn forbidden() -> Self {
        Self::new(ProblemCode::Forbidden, "Accès refusé")
    }

    /// Also what another organisation's record looks like: it does not exist for the caller.
    pub fn not_found() -> Self {
        Self::new(ProblemCode::NotFound, "Introuvable")
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(ProblemCode::Conflict, "Conflit").detail(detail)
    }

    /// Logs the cause (which never holds personal data: database and crypto errors only)
    /// and answers a bare 500.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(ProblemCode::Internal, "Erreur interne")
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(e: sea_orm::DbErr) -> Self {
        ServiceError::internal(e)
    }
}

impl From<sea_orm::TransactionError<ServiceError>> for ServiceError {
    fn from(e: sea_orm::TransactionError<ServiceError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => ServiceError::internal(db),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

impl From<crate::crypto::CryptoError> for ServiceError {
    fn from(e: crate::crypto::CryptoError) -> Self {
        ServiceError::internal(e)
    }
}
