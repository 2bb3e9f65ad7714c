//! Identifiers of securities, legal entities, banks, accounts, currencies and venues.
//!
//! Each identifier is a small `Copy` newtype that can only be built by its parser, so a value
//! of type [`Isin`] is always a well-formed ISIN with a correct check digit. Parsers trim
//! surrounding whitespace and accept lower case (an IBAN also its grouping spaces), and store
//! the canonical upper-case form. A failed parse returns an [`IdentifierError`] that names the
//! identifier, the position and what was expected, so that an import error can be shown to an
//! operations user as it is.
//!
//! A valid check digit proves the form, not existence: `AU0000VXGZA3` passes the ISIN check
//! although only `AU0000XVGZA3` exists. Existence is a question for reference data.
//!
//! Where a standard and our oracle disagree, we follow the oracle (python-stdnum 2.2) and say
//! so: a BIC's business-party prefix is four letters here, although ISO 9362:2014 allows
//! digits there; no BIC issued so far uses them.

mod bic;
mod check_digits;
mod country;
mod currency;
mod cusip;
mod error;
mod iban;
mod isin;
mod lei;
mod mic;
mod tables;

pub use bic::Bic;
pub use country::is_country_code;
pub use currency::{Currency, CurrencyInfo};
pub use cusip::Cusip;
pub use error::{IdentifierError, IdentifierKind};
pub use iban::Iban;
pub use isin::Isin;
pub use lei::Lei;
pub use mic::Mic;

/// Trims surrounding whitespace, upper-cases ASCII letters and rejects any non-ASCII
/// character: the normalisation every identifier parser applies before it checks anything.
/// Afterwards a byte index is a character index, so slicing cannot split a character.
fn normalise(kind: IdentifierKind, input: &str) -> Result<String, IdentifierError> {
    let value = input.trim();
    if let Some((i, found)) = value.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        return Err(IdentifierError::Character {
            kind,
            position: i + 1,
            found,
            expected: "an ASCII letter or digit",
        });
    }
    Ok(value.to_ascii_uppercase())
}

/// Copies `value` into a fixed array after the caller has checked its length.
fn to_array<const N: usize>(value: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&value[..N]);
    out
}

/// Checks that every byte of `value` belongs to its class; reports the first that does not.
fn expect_chars(
    kind: IdentifierKind,
    value: &str,
    offset: usize,
    class: CharClass,
) -> Result<(), IdentifierError> {
    match value.chars().enumerate().find(|(_, c)| !class.admits(*c)) {
        None => Ok(()),
        Some((i, found)) => Err(IdentifierError::Character {
            kind,
            position: offset + i + 1,
            found,
            expected: class.describe(),
        }),
    }
}

/// The character classes that identifier formats are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    /// `0-9`
    Digit,
    /// `A-Z`
    Letter,
    /// `A-Z` or `0-9`
    Alphanumeric,
}

impl CharClass {
    fn admits(self, c: char) -> bool {
        match self {
            CharClass::Digit => c.is_ascii_digit(),
            CharClass::Letter => c.is_ascii_uppercase(),
            CharClass::Alphanumeric => c.is_ascii_digit() || c.is_ascii_uppercase(),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            CharClass::Digit => "a digit 0-9",
            CharClass::Letter => "a letter A-Z",
            CharClass::Alphanumeric => "a letter A-Z or a digit 0-9",
        }
    }
}

/// Splits ASCII `value` at `at`, or at its end when it is shorter.
fn split(value: &str, at: usize) -> (&str, &str) {
    let at = at.min(value.len());
    (
        value.get(..at).unwrap_or_default(),
        value.get(at..).unwrap_or_default(),
    )
}

/// Implements `Display`, `Debug`, `FromStr`, `as_str` for a fixed-size byte newtype.
macro_rules! fixed_identifier {
    ($ty:ident) => {
        impl $ty {
            /// The canonical upper-case form.
            pub fn as_str(&self) -> &str {
                // Only ASCII upper-case letters and digits are ever stored.
                std::str::from_utf8(&self.0).unwrap_or_default()
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($ty), self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = IdentifierError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::parse(s)
            }
        }
    };
}
use fixed_identifier;
