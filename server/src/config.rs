//! Configuration: defaults, then an optional TOML file, then environment variables.
//! `Config::load` validates everything at start and names the setting that is wrong.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// `sqlite://path?mode=rwc` or `postgres://user:pass@host:port/db`.
    pub database_url: String,
    /// Base64 of 32 random bytes. Prefer `data_key_file` so the key is not in the environment.
    pub data_key: Option<String>,
    /// File holding the data key. Created (mode 0600) on first start of a new SQLite database.
    pub data_key_file: Option<PathBuf>,
    /// `text` or `json`.
    pub log_format: String,
    pub max_body_bytes: usize,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub device_access_minutes: i64,
    pub device_refresh_days: i64,
    pub lockout_threshold: i32,
    pub lockout_window_minutes: i64,
    pub lockout_minutes: i64,
    /// Failed logins allowed per client address per window, on top of the account lockout.
    pub ip_failures_per_window: u32,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub totp_issuer: String,
    /// No SMS between these local times ("HH:MM"); a reminder that would fall inside is
    /// moved earlier.
    pub sms_quiet_start: String,
    pub sms_quiet_end: String,
    /// The address people and providers reach this server at (https://…), for delivery
    /// receipts and their signatures. Empty: receipts are not requested.
    pub public_url: String,
    /// `development` (nothing leaves the machine), `webhook`, `twilio` or `brevo`.
    pub sms_provider: String,
    /// The gateway's address: the generic webhook's URL; for Twilio and Brevo, their API
    /// base (defaults https://api.twilio.com and https://api.brevo.com).
    pub sms_url: String,
    /// Twilio: the Account SID.
    pub sms_account: String,
    /// The credential: Twilio auth token, Brevo API key, or the webhook's auth header value.
    pub sms_secret: Secret,
    /// Read `sms_secret` from this file instead (preferred: not in the environment).
    pub sms_secret_file: Option<PathBuf>,
    /// Generic webhook: the header that carries `sms_secret`.
    pub sms_auth_header: String,
    /// Generic webhook: the JSON body, with {{to}}, {{text}} and {{id}} (our idempotency key).
    pub sms_body_template: String,
    /// Generic webhook: where to ask whether a message with our key was received
    /// ({{id}} is replaced); empty: an ambiguous send is never retried, the coordinator is told.
    pub sms_lookup_url: String,
    /// Secret that signs delivery receipts and inbound messages (generic webhook: HMAC-SHA256
    /// of the body; Brevo: the bearer token of its webhook). Twilio signs with `sms_secret`.
    pub sms_webhook_secret: Secret,
    /// A neutral sender id (Twilio: a number or MG… messaging service).
    pub sms_sender: String,
    /// Client timeout of a gateway request.
    pub sms_timeout_ms: u64,
    /// Messages per second, shared by every instance (token bucket); 0: no limit.
    pub sms_rate_per_second: u32,
    /// `smtp://host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465` (implicit
    /// TLS) or `smtp://127.0.0.1:25` (plain, local relay). Empty: e-mails go to the
    /// development outbox.
    pub smtp_url: Secret,
    pub smtp_from: String,
    /// The subject of every e-mail: neutral by default.
    pub email_subject: String,
    /// How long a claimed job is held before the leader rescues it.
    pub outbox_lease_seconds: i64,
    /// Fault injection for the crash tests: pause after a claim (0 in production).
    pub outbox_pause_after_claim_ms: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed (comma-separated addresses or
    /// networks). Empty: the TCP peer is the client.
    pub trusted_proxies: String,
    /// Person's links that do not open, per client address per `lockout_window_minutes`,
    /// before that address gets only the "too many tries" page.
    pub link_failures_per_address: u32,
    /// The same, per token prefix (the first 4 letters), whatever the address.
    pub link_failures_per_prefix: u32,
    /// Where the quick exit of the person's pages goes (`location.replace`). `about:blank`
    /// leaves no request to any other host; a neutral public page (weather, news) looks more
    /// ordinary in a history someone else reads.
    pub quick_exit_url: String,
}

/// A credential: never printed, never logged.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "«secret»"
        })
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/relais.sqlite?mode=rwc".into(),
            data_key: None,
            data_key_file: None,
            log_format: "text".into(),
            max_body_bytes: 64 * 1024,
            session_idle_minutes: 15,
            session_max_hours: 12,
            device_access_minutes: 15,
            device_refresh_days: 7,
            lockout_threshold: 5,
            lockout_window_minutes: 15,
            lockout_minutes: 15,
            ip_failures_per_window: 20,
            link_failures_per_address: 20,
            link_failures_per_prefix: 10,
            quick_exit_url: "about:blank".into(),
            argon2_memory_kib: 64 * 1024,
            argon2_iterations: 3,
            totp_issuer: "Relais".into(),
            sms_quiet_start: "20:00".into(),
            sms_quiet_end: "09:00".into(),
            public_url: String::new(),
            sms_provider: "development".into(),
            sms_url: String::new(),
            sms_account: String::new(),
            sms_secret: Secret::default(),
            sms_secret_file: None,
            sms_auth_header: "Authorization".into(),
            sms_body_template: r#"{"to":"{{to}}","text":"{{text}}","id":"{{id}}"}"#.into(),
            sms_lookup_url: String::new(),
            sms_webhook_secret: Secret::default(),
            sms_sender: "RDV".into(),
            sms_timeout_ms: 10_000,
            sms_rate_per_second: 50,
            smtp_url: Secret::default(),
            smtp_from: "rendez-vous@localhost".into(),
            email_subject: "Votre rendez-vous".into(),
            outbox_lease_seconds: 120,
            outbox_pause_after_claim_ms: 0,
            trusted_proxies: String::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("setting `{setting}` ({source_name}): {reason}")]
    Invalid {
        setting: &'static str,
        source_name: String,
        reason: String,
    },
}

/// Each setting's environment variable.
pub const ENV: &[(&str, &str)] = &[
    ("listen", "RELAIS_LISTEN"),
    ("database_url", "DATABASE_URL"),
    ("data_key", "RELAIS_DATA_KEY"),
    ("data_key_file", "RELAIS_DATA_KEY_FILE"),
    ("log_format", "RELAIS_LOG_FORMAT"),
    ("max_body_bytes", "RELAIS_MAX_BODY_BYTES"),
    ("session_idle_minutes", "RELAIS_SESSION_IDLE_MINUTES"),
    ("session_max_hours", "RELAIS_SESSION_MAX_HOURS"),
    ("device_access_minutes", "RELAIS_DEVICE_ACCESS_MINUTES"),
    ("device_refresh_days", "RELAIS_DEVICE_REFRESH_DAYS"),
    ("lockout_threshold", "RELAIS_LOCKOUT_THRESHOLD"),
    ("lockout_window_minutes", "RELAIS_LOCKOUT_WINDOW_MINUTES"),
    ("lockout_minutes", "RELAIS_LOCKOUT_MINUTES"),
    ("ip_failures_per_window", "RELAIS_IP_FAILURES_PER_WINDOW"),
    (
        "link_failures_per_address",
        "RELAIS_LINK_FAILURES_PER_ADDRESS",
    ),
    (
        "link_failures_per_prefix",
        "RELAIS_LINK_FAILURES_PER_PREFIX",
    ),
    ("quick_exit_url", "RELAIS_QUICK_EXIT_URL"),
    ("argon2_memory_kib", "RELAIS_ARGON2_MEMORY_KIB"),
    ("argon2_iterations", "RELAIS_ARGON2_ITERATIONS"),
    ("totp_issuer", "RELAIS_TOTP_ISSUER"),
    ("sms_quiet_start", "RELAIS_SMS_QUIET_START"),
    ("sms_quiet_end", "RELAIS_SMS_QUIET_END"),
    ("public_url", "RELAIS_PUBLIC_URL"),
    ("sms_provider", "RELAIS_SMS_PROVIDER"),
    ("sms_url", "RELAIS_SMS_URL"),
    ("sms_account", "RELAIS_SMS_ACCOUNT"),
    ("sms_secret", "RELAIS_SMS_SECRET"),
    ("sms_secret_file", "RELAIS_SMS_SECRET_FILE"),
    ("sms_auth_header", "RELAIS_SMS_AUTH_HEADER"),
    ("sms_body_template", "RELAIS_SMS_BODY_TEMPLATE"),
    ("sms_lookup_url", "RELAIS_SMS_LOOKUP_URL"),
    ("sms_webhook_secret", "RELAIS_SMS_WEBHOOK_SECRET"),
    ("sms_sender", "RELAIS_SMS_SENDER"),
    ("sms_timeout_ms", "RELAIS_SMS_TIMEOUT_MS"),
    ("sms_rate_per_second", "RELAIS_SMS_RATE_PER_SECOND"),
    ("smtp_url", "RELAIS_SMTP_URL"),
    ("smtp_from", "RELAIS_SMTP_FROM"),
    ("email_subject", "RELAIS_EMAIL_SUBJECT"),
    ("outbox_lease_seconds", "RELAIS_OUTBOX_LEASE_SECONDS"),
    (
        "outbox_pause_after_claim_ms",
        "RELAIS_OUTBOX_PAUSE_AFTER_CLAIM_MS",
    ),
    ("trusted_proxies", "RELAIS_TRUSTED_PROXIES"),
];

fn env_name(setting: &str) -> &'static str {
    ENV.iter()
        .find(|(s, _)| *s == setting)
        .map(|(_, e)| *e)
        .unwrap_or("?")
}

impl Config {
    /// Defaults ← TOML file (if given) ← environment (`get` is the environment lookup, so
    /// tests can pass their own).
    pub fn load(
        file: Option<&Path>,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut c = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
                toml::from_str::<Config>(&text).map_err(|e| ConfigError::File {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?
            }
            None => Config::default(),
        };
        macro_rules! from_env {
            ($field:ident, parse) => {
                if let Some(v) = get(env_name(stringify!($field))) {
                    c.$field = v.trim().parse().map_err(|_| ConfigError::Invalid {
                        setting: stringify!($field),
                        source_name: env_name(stringify!($field)).into(),
                        reason: format!("`{v}` is not a whole number"),
                    })?;
                }
            };
            ($field:ident, string) => {
                if let Some(v) = get(env_name(stringify!($field))) {
                    c.$field = v.into();
                }
            };
            ($field:ident, option) => {
                if let Some(v) = get(env_name(stringify!($field))) {
                    c.$field = Some(v.into());
                }
            };
        }
        from_env!(listen, string);
        from_env!(database_url, string);
        from_env!(data_key, option);
        from_env!(data_key_file, option);
        from_env!(log_format, string);
        from_env!(max_body_bytes, parse);
        from_env!(session_idle_minutes, parse);
        from_env!(session_max_hours, parse);
        from_env!(device_access_minutes, parse);
        from_env!(device_refresh_days, parse);
        from_env!(lockout_threshold, parse);
        from_env!(lockout_window_minutes, parse);
        from_env!(lockout_minutes, parse);
        from_env!(ip_failures_per_window, parse);
        from_env!(link_failures_per_address, parse);
        from_env!(link_failures_per_prefix, parse);
        from_env!(quick_exit_url, string);
        from_env!(argon2_memory_kib, parse);
        from_env!(argon2_iterations, parse);
        from_env!(totp_issuer, string);
        from_env!(sms_quiet_start, string);
        from_env!(sms_quiet_end, string);
        from_env!(public_url, string);
        from_env!(sms_provider, string);
        from_env!(sms_url, string);
        from_env!(sms_account, string);
        from_env!(sms_secret, string);
        from_env!(sms_secret_file, option);
        from_env!(sms_auth_header, string);
        from_env!(sms_body_template, string);
        from_env!(sms_lookup_url, string);
        from_env!(sms_webhook_secret, string);
        from_env!(sms_sender, string);
        from_env!(sms_timeout_ms, parse);
        from_env!(sms_rate_per_second, parse);
        from_env!(smtp_url, string);
        from_env!(smtp_from, string);
        from_env!(email_subject, string);
        from_env!(outbox_lease_seconds, parse);
        from_env!(outbox_pause_after_claim_ms, parse);
        from_env!(trusted_proxies, string);
        if let Some(path) = c.sms_secret_file.clone() {
            let v = std::fs::read_to_string(&path).map_err(|e| ConfigError::Invalid {
                setting: "sms_secret_file",
                source_name: env_name("sms_secret_file").into(),
                reason: format!("cannot read {}: {e}", path.display()),
            })?;
            c.sms_secret = Secret::new(v.trim());
        }
        c.validate(file)?;
        Ok(c)
    }

    fn validate(&self, file: Option<&Path>) -> Result<(), ConfigError> {
        let bad = |setting: &'static str, reason: String| ConfigError::Invalid {
            setting,
            source_name: match file {
                Some(f) => format!("{} or {}", env_name(setting), f.display()),
                None => env_name(setting).into(),
            },
            reason,
        };
        self.listen.parse::<SocketAddr>().map_err(|_| {
            bad(
                "listen",
                format!(
                    "`{}` is not an address:port such as 127.0.0.1:8080",
                    self.listen
                ),
            )
        })?;
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            return Err(bad(
                "database_url",
                "must start with sqlite: or postgres://".into(),
            ));
        }
        for (setting, v) in [
            ("sms_quiet_start", &self.sms_quiet_start),
            ("sms_quiet_end", &self.sms_quiet_end),
        ] {
            if chrono::NaiveTime::parse_from_str(v, "%H:%M").is_err() {
                return Err(bad(
                    setting,
                    format!("`{v}`: expected a time such as 20:00"),
                ));
            }
        }
        if !["development", "webhook", "twilio", "brevo"].contains(&self.sms_provider.as_str()) {
            return Err(bad(
                "sms_provider",
                format!(
                    "`{}`: expected development, webhook, twilio or brevo",
                    self.sms_provider
                ),
            ));
        }
        if self.sms_provider != "development" && self.sms_secret.is_empty() {
            return Err(bad(
                "sms_secret",
                format!("the {} gateway needs its credential", self.sms_provider),
            ));
        }
        if self.sms_provider == "webhook" && !self.sms_url.starts_with("http") {
            return Err(bad(
                "sms_url",
                "the webhook gateway needs its URL (http:// or https://)".into(),
            ));
        }
        if self.sms_provider == "twilio" && !self.sms_account.starts_with("AC") {
            return Err(bad(
                "sms_account",
                "Twilio needs the Account SID (AC…)".into(),
            ));
        }
        if !self.public_url.is_empty() && !self.public_url.starts_with("http") {
            return Err(bad(
                "public_url",
                format!("`{}`: expected https://…", self.public_url),
            ));
        }
        let smtp = self.smtp_url.expose();
        if !(smtp.is_empty() || smtp.starts_with("smtp://") || smtp.starts_with("smtps://")) {
            // The value may hold a password: not repeated.
            return Err(bad("smtp_url", "expected smtp://… or smtps://…".into()));
        }
        if self.smtp_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(bad(
                "smtp_from",
                format!("`{}` is not an e-mail address", self.smtp_from),
            ));
        }
        // What every person's phone shows before the message is opened.
        let revealing = relais_domain::wording::Revealing::default();
        for (setting, v) in [
            ("email_subject", self.email_subject.as_str()),
            ("smtp_from", self.smtp_from.as_str()),
            ("sms_sender", self.sms_sender.as_str()),
            // The host of every link a message carries.
            ("public_url", self.public_url.as_str()),
        ] {
            if let Some(w) = revealing.find(v) {
                return Err(bad(
                    setting,
                    format!("`{v}` would tell whoever sees the phone what it is about (\"{w}\")"),
                ));
            }
        }
        crate::auth::proxy::parse_list(&self.trusted_proxies)
            .map_err(|e| bad("trusted_proxies", e))?;
        if !(1..=3600).contains(&self.outbox_lease_seconds) {
            return Err(bad(
                "outbox_lease_seconds",
                format!("{} is outside 1..=3600", self.outbox_lease_seconds),
            ));
        }
        if !(100..=120_000).contains(&self.sms_timeout_ms) {
            return Err(bad(
                "sms_timeout_ms",
                format!("{} is outside 100..=120000", self.sms_timeout_ms),
            ));
        }
        if !["text", "json"].contains(&self.log_format.as_str()) {
            return Err(bad(
                "log_format",
                format!("`{}`: expected text or json", self.log_format),
            ));
        }
        let ranges: [(&'static str, i64, i64, i64); 8] = [
            (
                "session_idle_minutes",
                self.session_idle_minutes,
                1,
                24 * 60,
            ),
            ("session_max_hours", self.session_max_hours, 1, 24),
            ("device_access_minutes", self.device_access_minutes, 1, 60),
            ("device_refresh_days", self.device_refresh_days, 1, 30),
            (
                "lockout_threshold",
                i64::from(self.lockout_threshold),
                3,
                20,
            ),
            (
                "lockout_window_minutes",
                self.lockout_window_minutes,
                1,
                24 * 60,
            ),
            ("lockout_minutes", self.lockout_minutes, 1, 24 * 60),
            (
                "max_body_bytes",
                self.max_body_bytes as i64,
                1024,
                10 * 1024 * 1024,
            ),
        ];
        for (name, v, lo, hi) in ranges {
            if v < lo || v > hi {
                return Err(bad(name, format!("{v} is outside {lo}..={hi}")));
            }
        }
        // ASVS / OWASP floor for Argon2id: never below m = 19 MiB, t = 2.
        if self.argon2_memory_kib < 19 * 1024 {
            return Err(bad(
                "argon2_memory_kib",
                format!(
                    "{} KiB is below the 19456 KiB floor",
                    self.argon2_memory_kib
                ),
            ));
        }
        if self.argon2_iterations < 2 {
            return Err(bad(
                "argon2_iterations",
                format!("{} is below the floor of 2", self.argon2_iterations),
            ));
        }
        if self.ip_failures_per_window == 0 {
            return Err(bad("ip_failures_per_window", "must be at least 1".into()));
        }
        if self.link_failures_per_address == 0 {
            return Err(bad(
                "link_failures_per_address",
                "must be at least 1".into(),
            ));
        }
        if self.link_failures_per_prefix == 0 {
            return Err(bad("link_failures_per_prefix", "must be at least 1".into()));
        }
        let exit = self.quick_exit_url.trim();
        if !(exit == "about:blank" || exit.starts_with("https://"))
            || exit.contains(['"', '\'', '<', '>', ' '])
        {
            return Err(bad(
                "quick_exit_url",
                "about:blank or an https:// address".into(),
            ));
        }
        if let Some(k) = &self.data_key {
            crate::crypto::FieldCipher::from_base64(k)
                .map_err(|e| bad("data_key", e.to_string()))?;
        }
        Ok(())
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// The SQLite file, if the database is one.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self.database_url.strip_prefix("sqlite:")?;
        let rest = rest.trim_start_matches("//");
        let path = rest.split('?').next().unwrap_or(rest);
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }

    /// Where the data key file is: the setting, or next to the SQLite file.
    pub fn key_file(&self) -> Option<PathBuf> {
        self.data_key_file.clone().or_else(|| {
            self.sqlite_path().map(|p| {
                p.parent()
                    .map(|d| d.join("relais.key"))
                    .unwrap_or_else(|| PathBuf::from("relais.key"))
            })
        })
    }
}

impl Config {
    /// The SMS quiet hours (validated at load; the defaults if unparsable).
    pub fn quiet_hours(&self) -> relais_domain::sms::QuietHours {
        let d = relais_domain::sms::QuietHours::default();
        let t = |v: &str, or| chrono::NaiveTime::parse_from_str(v, "%H:%M").unwrap_or(or);
        relais_domain::sms::QuietHours {
            start: t(&self.sms_quiet_start, d.start),
            end: t(&self.sms_quiet_end, d.end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn defaults_are_valid() {
        let c = Config::load(None, env(&[])).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(
            c.sqlite_path().unwrap(),
            PathBuf::from("data/relais.sqlite")
        );
        assert_eq!(c.key_file().unwrap(), PathBuf::from("data/relais.key"));
    }

    #[test]
    fn errors_name_the_setting_and_the_variable() {
        let e = Config::load(None, env(&[("RELAIS_LISTEN", "localhost")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`listen`") && e.contains("RELAIS_LISTEN"), "{e}");
        let e = Config::load(None, env(&[("RELAIS_ARGON2_MEMORY_KIB", "1024")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("argon2_memory_kib") && e.contains("floor"),
            "{e}"
        );
        let e = Config::load(None, env(&[("RELAIS_SESSION_IDLE_MINUTES", "soon")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a whole number"), "{e}");
        let e = Config::load(None, env(&[("DATABASE_URL", "mysql://x")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("database_url"), "{e}");
        let e = Config::load(None, env(&[("RELAIS_DATA_KEY", "AAAA")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("data_key") && e.contains("32 bytes"), "{e}");
    }

    #[test]
    fn the_quick_exit_goes_to_about_blank_or_an_https_page_and_nowhere_else() {
        assert_eq!(
            Config::load(None, env(&[])).unwrap().quick_exit_url,
            "about:blank"
        );
        let c = Config::load(
            None,
            env(&[("RELAIS_QUICK_EXIT_URL", "https://meteofrance.com/")]),
        )
        .unwrap();
        assert_eq!(c.quick_exit_url, "https://meteofrance.com/");
        for bad in [
            "http://meteofrance.com/",
            "javascript:alert(1)",
            "data:text/html,x",
            "//meteofrance.com",
            "https://x.fr/\"><script>",
            "https://x.fr/ onload=x",
            "https://x.fr/'",
            "",
        ] {
            let e = Config::load(None, |k| {
                (k == "RELAIS_QUICK_EXIT_URL").then(|| bad.to_owned())
            })
            .unwrap_err()
            .to_string();
            assert!(
                e.contains("quick_exit_url") && e.contains("RELAIS_QUICK_EXIT_URL"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn toml_file_then_environment() {
        let dir = std::env::temp_dir().join(format!("relais-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("relais.toml");
        std::fs::write(&f, "listen = \"127.0.0.1:9000\"\nlockout_threshold = 7\n").unwrap();
        let c = Config::load(Some(&f), env(&[("RELAIS_LOCKOUT_THRESHOLD", "6")])).unwrap();
        assert_eq!(c.listen, "127.0.0.1:9000");
        assert_eq!(c.lockout_threshold, 6);
        std::fs::write(&f, "listen = 1\nbogus = true\n").unwrap();
        let e = Config::load(Some(&f), env(&[])).unwrap_err().to_string();
        assert!(e.contains("relais.toml"), "{e}");
    }
}
