//! The uniffi surface: one object, a few records, one small error enum. Kotlin sees
//! `fr.relais.core.RelaisClient` with suspend functions; Swift sees async methods.

use std::sync::Arc;
use std::time::SystemTime;

use crate::client::{Client, ClientError};

/// What the apps can act on. Mapped from `ClientError` in one place (`From` below).
/// No field is called `message`: it would clash with `Throwable.message` in Kotlin.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum RelaisError {
    #[error("adresse du serveur invalide : {reason}")]
    InvalidServerUrl { reason: String },
    #[error("serveur injoignable")]
    Offline { reason: String },
    #[error("identifiants invalides")]
    InvalidCredentials,
    #[error("code de l'application d'authentification requis")]
    SecondFactorRequired,
    #[error("session terminée : reconnectez-vous")]
    SessionEnded,
    #[error("accès refusé")]
    Forbidden,
    #[error("trop de tentatives")]
    TooManyAttempts,
    #[error("{field} : {reason}")]
    InvalidInput { field: String, reason: String },
    #[error("erreur du serveur ({status})")]
    Server { status: u16, reason: String },
}

impl From<ClientError> for RelaisError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::ServerUrl(reason) => RelaisError::InvalidServerUrl { reason },
            ClientError::Unreachable(reason) => RelaisError::Offline { reason },
            ClientError::InvalidCredentials => RelaisError::InvalidCredentials,
            ClientError::SecondFactorRequired => RelaisError::SecondFactorRequired,
            ClientError::SessionEnded => RelaisError::SessionEnded,
            ClientError::Forbidden => RelaisError::Forbidden,
            ClientError::TooManyAttempts => RelaisError::TooManyAttempts,
            ClientError::InvalidInput { field, message } => RelaisError::InvalidInput {
                field,
                reason: message,
            },
            ClientError::Server { status, message } => RelaisError::Server {
                status,
                reason: message,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Role {
    Admin,
    Coordinator,
    Referrer,
}

impl From<relais_domain::Role> for Role {
    fn from(r: relais_domain::Role) -> Self {
        match r {
            relais_domain::Role::Admin => Role::Admin,
            relais_domain::Role::Coordinator => Role::Coordinator,
            relais_domain::Role::Referrer => Role::Referrer,
        }
    }
}

/// What the host app keeps in the platform keystore to resume without a password.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DeviceSession {
    pub device_id: String,
    pub refresh_token: String,
    pub refresh_expires_at: SystemTime,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
    pub time_zone: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct Profile {
    pub account_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_name: String,
    pub sites: Vec<Site>,
}

fn site(s: relais_domain::dto::Site) -> Site {
    Site {
        id: s.id.to_string(),
        name: s.name,
        address: s.address,
        phone: s.phone,
        time_zone: s.time_zone,
    }
}

fn session(g: relais_domain::dto::DeviceGrant) -> DeviceSession {
    DeviceSession {
        device_id: g.device_id.to_string(),
        refresh_token: g.refresh_token,
        refresh_expires_at: g.refresh_expires_at.into(),
    }
}

#[derive(uniffi::Object)]
pub struct RelaisClient {
    inner: Client,
}

#[uniffi::export(async_runtime = "tokio")]
impl RelaisClient {
    /// `server_url`: `https://…`, or `http://` to this machine or the emulator's host.
    #[uniffi::constructor]
    pub fn new(server_url: String) -> Result<Arc<Self>, RelaisError> {
        Ok(Arc::new(RelaisClient {
            inner: Client::new(&server_url)?,
        }))
    }

    pub async fn login_device(
        &self,
        email: String,
        password: String,
        totp_code: Option<String>,
        recovery_code: Option<String>,
        device_name: String,
    ) -> Result<DeviceSession, RelaisError> {
        Ok(session(
            self.inner
                .login_device(&email, &password, totp_code, recovery_code, &device_name)
                .await?,
        ))
    }

    /// Resume from what `login_device` returned earlier.
    pub fn resume(&self, device_id: String, refresh_token: String) -> Result<(), RelaisError> {
        let id = device_id.parse().map_err(|_| RelaisError::InvalidInput {
            field: "device_id".into(),
            reason: "UUID attendu".into(),
        })?;
        self.inner.resume(id, &refresh_token);
        Ok(())
    }

    /// Rotate the refresh token; store the returned session in place of the old one.
    pub async fn refresh(&self) -> Result<DeviceSession, RelaisError> {
        Ok(session(self.inner.refresh().await?))
    }

    pub async fn profile(&self) -> Result<Profile, RelaisError> {
        let p = self.inner.profile().await?;
        Ok(Profile {
            account_id: p.account_id.to_string(),
            email: p.email,
            display_name: p.display_name,
            role: p.role.into(),
            organisation_name: p.organisation.name,
            sites: p.sites.into_iter().map(site).collect(),
        })
    }

    pub async fn sites(&self) -> Result<Vec<Site>, RelaisError> {
        Ok(self.inner.sites().await?.into_iter().map(site).collect())
    }

    pub async fn logout(&self) -> Result<(), RelaisError> {
        Ok(self.inner.logout().await?)
    }

    pub fn is_logged_in(&self) -> bool {
        self.inner.is_logged_in()
    }
}
