//! The one error type of identifier parsing, written to be read by an operations user.

use std::fmt;

/// Which kind of identifier a value was meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    /// ISO 6166 International Securities Identification Number.
    Isin,
    /// ISO 17442 Legal Entity Identifier.
    Lei,
    /// ISO 9362 Business Identifier Code.
    Bic,
    /// ISO 13616 International Bank Account Number.
    Iban,
    /// CUSIP Global Services identifier (North American securities).
    Cusip,
    /// ISO 4217 currency code.
    Currency,
    /// ISO 10383 Market Identifier Code.
    Mic,
}

impl IdentifierKind {
    /// Every kind, in the order the CLI lists them.
    pub const ALL: [IdentifierKind; 7] = [
        IdentifierKind::Isin,
        IdentifierKind::Lei,
        IdentifierKind::Bic,
        IdentifierKind::Iban,
        IdentifierKind::Cusip,
        IdentifierKind::Currency,
        IdentifierKind::Mic,
    ];

    /// The lower-case name used on the command line (`isin`, `lei`, ...).
    pub fn cli_name(self) -> &'static str {
        match self {
            IdentifierKind::Isin => "isin",
            IdentifierKind::Lei => "lei",
            IdentifierKind::Bic => "bic",
            IdentifierKind::Iban => "iban",
            IdentifierKind::Cusip => "cusip",
            IdentifierKind::Currency => "currency",
            IdentifierKind::Mic => "mic",
        }
    }

    /// Validates `value` as this kind of identifier and returns its canonical form.
    pub fn validate(self, value: &str) -> Result<String, IdentifierError> {
        use super::*;
        Ok(match self {
            IdentifierKind::Isin => Isin::parse(value)?.to_string(),
            IdentifierKind::Lei => Lei::parse(value)?.to_string(),
            IdentifierKind::Bic => Bic::parse(value)?.to_string(),
            IdentifierKind::Iban => Iban::parse(value)?.to_string(),
            IdentifierKind::Cusip => Cusip::parse(value)?.to_string(),
            IdentifierKind::Currency => Currency::parse(value)?.to_string(),
            IdentifierKind::Mic => Mic::parse(value)?.to_string(),
        })
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdentifierKind::Isin => "ISIN",
            IdentifierKind::Lei => "LEI",
            IdentifierKind::Bic => "BIC",
            IdentifierKind::Iban => "IBAN",
            IdentifierKind::Cusip => "CUSIP",
            IdentifierKind::Currency => "currency code",
            IdentifierKind::Mic => "MIC",
        })
    }
}

impl std::str::FromStr for IdentifierKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdentifierKind::ALL
            .into_iter()
            .find(|k| k.cli_name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<_> = IdentifierKind::ALL.iter().map(|k| k.cli_name()).collect();
                format!(
                    "unknown identifier kind '{s}', expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Why a value is not a valid identifier. Positions count characters from 1, after
/// surrounding whitespace is trimmed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    /// The value has the wrong number of characters.
    #[error("{kind} must be {expected} characters long, found {found}")]
    Length {
        /// The identifier being parsed.
        kind: IdentifierKind,
        /// The admissible length(s), as text ("12", "8 or 11").
        expected: &'static str,
        /// The length found.
        found: usize,
    },
    /// A character is not allowed at its position.
    #[error("{kind} character {position} is '{found}', expected {expected}")]
    Character {
        /// The identifier being parsed.
        kind: IdentifierKind,
        /// 1-based position of the offending character.
        position: usize,
        /// The character found.
        found: char,
        /// What the format allows there.
        expected: &'static str,
    },
    /// The country code is not an ISO 3166-1 alpha-2 code this identifier accepts.
    #[error("{kind} country code '{code}' is not a valid country code")]
    Country {
        /// The identifier being parsed.
        kind: IdentifierKind,
        /// The two letters found.
        code: String,
    },
    /// The check digit(s) do not match the rest of the identifier.
    #[error("{kind} check digit is wrong: expected {expected}, found {found}")]
    CheckDigit {
        /// The identifier being parsed.
        kind: IdentifierKind,
        /// The check digit(s) the rest of the value implies.
        expected: String,
        /// The check digit(s) found.
        found: String,
    },
    /// An IBAN's length does not match its country's entry in the IBAN registry.
    #[error("IBAN for {country} must be {expected} characters long, found {found}")]
    IbanLength {
        /// The IBAN country code.
        country: String,
        /// The registered IBAN length.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// An IBAN's BBAN does not follow its country's registered structure.
    #[error(
        "IBAN for {country} character {position} is '{found}', expected {expected} \
         (BBAN structure {structure})"
    )]
    BbanStructure {
        /// The IBAN country code.
        country: String,
        /// 1-based position in the whole IBAN.
        position: usize,
        /// The character found.
        found: char,
        /// What the structure allows there.
        expected: &'static str,
        /// The registered BBAN structure, in registry notation (`4!a6!n8!n`).
        structure: String,
    },
    /// A national check inside the BBAN fails (Spain's CCC, Belgium's, Norway's, Montenegro's).
    #[error("IBAN for {country} fails the national account check digits")]
    NationalCheck {
        /// The IBAN country code.
        country: String,
    },
    /// The value is well formed but is not in the registry it must come from.
    #[error("'{value}' is not {registry}")]
    Unknown {
        /// The identifier being parsed.
        kind: IdentifierKind,
        /// The value as given.
        value: String,
        /// The registry the value was looked up in, as a phrase.
        registry: &'static str,
    },
}
