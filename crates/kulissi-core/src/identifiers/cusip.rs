//! CUSIP: the nine-character North American security identifier (eight characters and a
//! modulus-10 double-add-double check digit). It is the national code inside US ISINs.

use super::check_digits::cusip_check_digit;
use super::{IdentifierError, IdentifierKind, fixed_identifier, normalise, to_array};

const KIND: IdentifierKind = IdentifierKind::Cusip;

/// A CUSIP with a verified check digit.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cusip([u8; 9]);

impl Cusip {
    /// Parses and validates a CUSIP: eight characters from `A-Z 0-9 * @ #` and a check digit.
    ///
    /// ```
    /// # use kulissi_core::identifiers::Cusip;
    /// assert!(Cusip::parse("037833100").is_ok());
    /// assert!(Cusip::parse("037833109").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Cusip, IdentifierError> {
        let value = normalise(KIND, input)?;
        if value.len() != 9 {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "9",
                found: value.len(),
            });
        }
        for (i, c) in value.chars().enumerate() {
            let ok = if i < 8 {
                c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '*' | '@' | '#')
            } else {
                c.is_ascii_digit()
            };
            if !ok {
                return Err(IdentifierError::Character {
                    kind: KIND,
                    position: i + 1,
                    found: c,
                    expected: if i < 8 {
                        "a letter, a digit, '*', '@' or '#'"
                    } else {
                        "a digit 0-9"
                    },
                });
            }
        }
        let bytes = value.as_bytes();
        let expected = cusip_check_digit(&bytes[..8]);
        if expected != bytes[8] {
            return Err(IdentifierError::CheckDigit {
                kind: KIND,
                expected: char::from(expected).to_string(),
                found: char::from(bytes[8]).to_string(),
            });
        }
        Ok(Cusip(to_array(bytes)))
    }

    /// Completes an 8-character base with its check digit.
    pub fn from_base(base: &str) -> Result<Cusip, IdentifierError> {
        let base = normalise(KIND, base)?;
        if base.len() != 8 {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "9",
                found: base.len() + 1,
            });
        }
        let check = char::from(cusip_check_digit(base.as_bytes()));
        Cusip::parse(&format!("{base}{check}"))
    }
}

fixed_identifier!(Cusip);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_cusip_is_the_national_code_of_its_isin() {
        let cusip = Cusip::parse("037833100").unwrap();
        let isin = crate::identifiers::Isin::parse("US0378331005").unwrap();
        assert_eq!(isin.national_code(), cusip.as_str());
        assert_eq!(
            Cusip::parse("037833101").unwrap_err().to_string(),
            "CUSIP check digit is wrong: expected 0, found 1"
        );
    }
}
