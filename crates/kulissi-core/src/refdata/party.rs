//! Legal entities (ourselves) and counterparties (everyone we trade or settle with).

use crate::identifiers::{Bic, Currency, Lei};

/// One of our own legal entities: books belong to it and it reports in its currency.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegalEntity {
    /// LEI.
    pub lei: Lei,
    /// Registered name.
    pub name: String,
    /// Reporting (functional) currency of its ledger.
    pub reporting_currency: Currency,
}

/// What a counterparty is to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CounterpartyRole {
    /// Executing or clearing broker.
    Broker,
    /// Custodian holding our or our clients' assets.
    Custodian,
    /// A client we trade for.
    Client,
    /// Central counterparty.
    Ccp,
}

impl CounterpartyRole {
    /// The name used in files.
    pub fn code(self) -> &'static str {
        match self {
            CounterpartyRole::Broker => "broker",
            CounterpartyRole::Custodian => "custodian",
            CounterpartyRole::Client => "client",
            CounterpartyRole::Ccp => "ccp",
        }
    }
}

impl std::str::FromStr for CounterpartyRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "broker" => Ok(CounterpartyRole::Broker),
            "custodian" => Ok(CounterpartyRole::Custodian),
            "client" => Ok(CounterpartyRole::Client),
            "ccp" => Ok(CounterpartyRole::Ccp),
            _ => Err(format!(
                "unknown counterparty role '{s}', expected broker, custodian, client or ccp"
            )),
        }
    }
}

/// A counterparty: identified by LEI, reached through its BIC.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Counterparty {
    /// LEI.
    pub lei: Lei,
    /// Registered name.
    pub name: String,
    /// BIC of its operations (confirmations, settlement).
    pub bic: Bic,
    /// Its role.
    pub role: CounterpartyRole,
}
