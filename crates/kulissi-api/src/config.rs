//! The server's configuration: a TOML file (`--config kulissi.toml`), then environment
//! variables (`KULISSI_LISTEN`, ...) over it, then the command line over both. Every key,
//! its variable and its default are in [`Config::DOCUMENTATION`], which `docs/configuration.md`
//! shows.

use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;

/// What the server is told.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// How long a browser session lasts without being used, in minutes.
    pub session_idle_minutes: u32,
    /// How long an API token lives unless its issuer says otherwise, in days.
    pub token_days: u32,
    /// How long an approval request waits before it lapses, in hours.
    pub approval_hours: u32,
    /// Failed logins per user, and per address, within the window before logins are refused.
    pub login_failures: u32,
    /// The login throttling window, in seconds.
    pub login_window_seconds: u32,
    /// Whether session cookies carry `Secure` (leave on behind TLS; off only for plain
    /// HTTP on loopback).
    pub secure_cookies: bool,
    /// Argon2id memory cost in KiB (OWASP: 19,456).
    pub argon2_memory_kib: u32,
    /// Argon2id passes (OWASP: 2).
    pub argon2_passes: u32,
    /// The business date the server books on, `YYYY-MM-DD`; today's date (UTC) if empty.
    pub business_date: String,
    /// The most items a list returns in one page.
    pub max_page: usize,
    /// How long to wait for requests in flight on shutdown, in seconds.
    pub shutdown_grace_seconds: u32,
    /// Log lines as `text` (for people) or `json` (one object per line, for collectors).
    pub log_format: String,
    /// The least severe log level written: error, warn, info, debug or trace.
    pub log_level: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            session_idle_minutes: 30,
            token_days: 90,
            approval_hours: 72,
            login_failures: 5,
            login_window_seconds: 900,
            secure_cookies: true,
            argon2_memory_kib: 19_456,
            argon2_passes: 2,
            business_date: String::new(),
            max_page: 1_000,
            shutdown_grace_seconds: 30,
            log_format: "text".into(),
            log_level: "info".into(),
        }
    }
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML of this shape.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// What `toml` says (line, column, key).
        message: String,
    },
    /// An environment variable has a bad value.
    #[error("{variable}: {message}")]
    Variable {
        /// The variable.
        variable: String,
        /// What was wrong.
        message: String,
    },
}

impl Config {
    /// Every key: (TOML key, environment variable, default, meaning).
    pub const DOCUMENTATION: &'static [(&'static str, &'static str, &'static str, &'static str)] =
        &[
            (
                "listen",
                "KULISSI_LISTEN",
                "127.0.0.1:8080",
                "address and port to listen on",
            ),
            (
                "session_idle_minutes",
                "KULISSI_SESSION_IDLE_MINUTES",
                "30",
                "a browser session ends after this long unused",
            ),
            (
                "token_days",
                "KULISSI_TOKEN_DAYS",
                "90",
                "default lifetime of an API token",
            ),
            (
                "approval_hours",
                "KULISSI_APPROVAL_HOURS",
                "72",
                "an approval request lapses after this long",
            ),
            (
                "login_failures",
                "KULISSI_LOGIN_FAILURES",
                "5",
                "failed logins per user and per address within the window before logins are refused",
            ),
            (
                "login_window_seconds",
                "KULISSI_LOGIN_WINDOW_SECONDS",
                "900",
                "the throttling window",
            ),
            (
                "secure_cookies",
                "KULISSI_SECURE_COOKIES",
                "true",
                "session cookies carry Secure (off only for plain HTTP on loopback)",
            ),
            (
                "argon2_memory_kib",
                "KULISSI_ARGON2_MEMORY_KIB",
                "19456",
                "Argon2id memory cost (OWASP recommendation)",
            ),
            (
                "argon2_passes",
                "KULISSI_ARGON2_PASSES",
                "2",
                "Argon2id passes",
            ),
            (
                "business_date",
                "KULISSI_BUSINESS_DATE",
                "(today, UTC)",
                "the business date commands are booked on",
            ),
            (
                "max_page",
                "KULISSI_MAX_PAGE",
                "1000",
                "the most items one page of a list holds",
            ),
            (
                "shutdown_grace_seconds",
                "KULISSI_SHUTDOWN_GRACE_SECONDS",
                "30",
                "how long shutdown waits for requests in flight",
            ),
        ];

    /// Reads the file if given, then the environment over it.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = match file {
            None => Config::default(),
            Some(path) => {
                let name = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    file: name.clone(),
                    source,
                })?;
                toml::from_str(&text).map_err(|e| ConfigError::Parse {
                    file: name,
                    message: e.to_string(),
                })?
            }
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    /// Applies the environment variables `lookup` finds.
    pub fn apply_env(
        &mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        fn set<T: std::str::FromStr>(
            lookup: &impl Fn(&str) -> Option<String>,
            variable: &str,
            field: &mut T,
        ) -> Result<(), ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            if let Some(value) = lookup(variable) {
                *field = value
                    .trim()
                    .parse()
                    .map_err(|e: T::Err| ConfigError::Variable {
                        variable: variable.to_owned(),
                        message: format!("'{value}': {e}"),
                    })?;
            }
            Ok(())
        }
        set(&lookup, "KULISSI_LISTEN", &mut self.listen)?;
        set(
            &lookup,
            "KULISSI_SESSION_IDLE_MINUTES",
            &mut self.session_idle_minutes,
        )?;
        set(&lookup, "KULISSI_TOKEN_DAYS", &mut self.token_days)?;
        set(&lookup, "KULISSI_APPROVAL_HOURS", &mut self.approval_hours)?;
        set(&lookup, "KULISSI_LOGIN_FAILURES", &mut self.login_failures)?;
        set(
            &lookup,
            "KULISSI_LOGIN_WINDOW_SECONDS",
            &mut self.login_window_seconds,
        )?;
        set(&lookup, "KULISSI_SECURE_COOKIES", &mut self.secure_cookies)?;
        set(
            &lookup,
            "KULISSI_ARGON2_MEMORY_KIB",
            &mut self.argon2_memory_kib,
        )?;
        set(&lookup, "KULISSI_ARGON2_PASSES", &mut self.argon2_passes)?;
        set(&lookup, "KULISSI_BUSINESS_DATE", &mut self.business_date)?;
        set(&lookup, "KULISSI_MAX_PAGE", &mut self.max_page)?;
        set(
            &lookup,
            "KULISSI_SHUTDOWN_GRACE_SECONDS",
            &mut self.shutdown_grace_seconds,
        )?;
        if !self.business_date.is_empty() {
            self.business_date
                .parse::<jiff::civil::Date>()
                .map_err(|e| ConfigError::Variable {
                    variable: "business_date".into(),
                    message: format!("'{}': {e}", self.business_date),
                })?;
        }
        Ok(())
    }

    /// The configuration reference in Markdown.
    pub fn markdown() -> String {
        let mut out = String::from(
            "# Server configuration\n\n`kulissi serve --config kulissi.toml` reads the TOML file, then the environment variables over it. Generated from `kulissi_api::Config::DOCUMENTATION`.\n\n| key | variable | default | meaning |\n|---|---|---|---|\n",
        );
        for (key, var, default, meaning) in Config::DOCUMENTATION {
            out.push_str(&format!("| `{key}` | `{var}` | {default} | {meaning} |\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_then_the_environment() {
        let mut config: Config =
            toml::from_str("listen = \"127.0.0.1:9000\"\ntoken_days = 7\n").unwrap_or_default();
        assert_eq!(config.token_days, 7);
        config
            .apply_env(|v| (v == "KULISSI_TOKEN_DAYS").then(|| "30".to_owned()))
            .ok();
        assert_eq!(config.token_days, 30);
        assert_eq!(config.listen.port(), 9000);
        let bad = config.apply_env(|v| (v == "KULISSI_LISTEN").then(|| "nowhere".to_owned()));
        assert!(matches!(bad, Err(ConfigError::Variable { .. })));
        assert!(toml::from_str::<Config>("colour = \"blue\"").is_err());
    }
}
