//! The grammar of the server and the operators' control commands: `kulissi serve`,
//! `kulissi user ...`, `kulissi token ...` and `kulissi docs ...`.

use clap::Subcommand;
use jiff::civil::Date;

use super::parse_date;

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Add a user for an employee (hired now if the HR number is new). The password comes
    /// from KULISSI_PASSWORD, or is generated and printed once.
    Add {
        /// Login name.
        username: String,
        /// The employee's HR number (default: the login name in capitals).
        #[arg(long)]
        employee: Option<String>,
        /// Full name (for a new employee).
        #[arg(long)]
        name: Option<String>,
        /// Department (for a new employee): front_office, middle_office, operations,
        /// finance, compliance, it or hr.
        #[arg(long)]
        department: Option<String>,
        /// Job title (for a new employee).
        #[arg(long, default_value = "staff")]
        title: String,
        /// Roles, comma-separated (trader, risk, settlements, reconciliations, accountant,
        /// compliance_officer, hr_administrator, system_administrator, auditor).
        #[arg(long, default_value = "")]
        roles: String,
    },
    /// Replace a user's roles.
    Roles {
        /// Login name.
        username: String,
        /// Roles, comma-separated.
        roles: String,
    },
    /// Set a user's password (KULISSI_PASSWORD, or generated and printed once).
    Password {
        /// Login name.
        username: String,
    },
    /// Record a leaver: every session and token of their users stops.
    Leave {
        /// The employee's HR number.
        employee: String,
        /// Last day.
        #[arg(long, value_parser = parse_date)]
        date: Date,
    },
    /// Users and their roles.
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Issue an API token for a user; printed once, kept only as its hash.
    Issue {
        /// Login name.
        username: String,
        /// What it is for.
        #[arg(long)]
        name: String,
        /// Its scope, comma-separated (default: all the user's roles).
        #[arg(long)]
        roles: Option<String>,
        /// Days it lives.
        #[arg(long, default_value_t = 90)]
        days: u32,
    },
    /// Revoke a token.
    Revoke {
        /// Its id.
        id: u64,
    },
    /// Tokens (never their secrets).
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DocsCommand {
    /// docs/permissions.md: every role, permission and endpoint.
    Permissions,
    /// docs/openapi.json: the API's OpenAPI document.
    Openapi,
    /// docs/configuration.md: the server's configuration keys.
    Config,
}
