//! LEI, ISO 17442: 18 alphanumeric characters and two ISO 7064 MOD 97-10 check digits.

use super::check_digits::{mod97, mod97_check_digits};
use super::{
    CharClass, IdentifierError, IdentifierKind, expect_chars, fixed_identifier, normalise, split,
    to_array,
};

const KIND: IdentifierKind = IdentifierKind::Lei;

/// A Legal Entity Identifier with verified check digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lei([u8; 20]);

impl Lei {
    /// Parses and validates an LEI: 20 characters `[A-Z0-9]{18}[0-9]{2}` whose base-36 value
    /// is 1 modulo 97.
    ///
    /// ```
    /// # use kulissi_core::identifiers::Lei;
    /// assert!(Lei::parse("5493001KJTIIGC8Y1R12").is_ok());
    /// assert_eq!(
    ///     Lei::parse("5493001KJTIIGC8Y1R21").unwrap_err().to_string(),
    ///     "LEI check digit is wrong: expected 12, found 21"
    /// );
    /// ```
    pub fn parse(input: &str) -> Result<Lei, IdentifierError> {
        let value = normalise(KIND, input)?;
        if value.len() != 20 {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "20",
                found: value.len(),
            });
        }
        let (base, check) = split(&value, 18);
        expect_chars(KIND, base, 0, CharClass::Alphanumeric)?;
        expect_chars(KIND, check, 18, CharClass::Digit)?;
        if mod97(value.bytes()) != 1 {
            return Err(IdentifierError::CheckDigit {
                kind: KIND,
                expected: mod97_check_digits(base.bytes()),
                found: check.to_owned(),
            });
        }
        Ok(Lei(to_array(value.as_bytes())))
    }

    /// Completes an 18-character base with its check digits (`98 - mod97(base + "00")`).
    pub fn from_base(base: &str) -> Result<Lei, IdentifierError> {
        let base = normalise(KIND, base)?;
        if base.len() != 18 {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "20",
                found: base.len() + 2,
            });
        }
        expect_chars(KIND, &base, 0, CharClass::Alphanumeric)?;
        let check = mod97_check_digits(base.bytes());
        Lei::parse(&format!("{base}{check}"))
    }
}

fixed_identifier!(Lei);

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/domain.md §2.2: the worked example and the further valid vectors.
    #[test]
    fn domain_reference_vectors() {
        assert_eq!(
            Lei::from_base("5493001KJTIIGC8Y1R").unwrap().as_str(),
            "5493001KJTIIGC8Y1R12"
        );
        for valid in [
            "5493001KJTIIGC8Y1R12",
            "529900T8BM49AURSDO55",
            "7LTWFZYICNSX8D621K86",
        ] {
            assert!(Lei::parse(valid).is_ok(), "{valid}");
        }
        assert!(Lei::parse("529900T8BM49AURSDO56").is_err());
        assert!(Lei::parse("529900T8BM49AURSD055").is_err());
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            Lei::parse("5493001KJTIIGC8Y1R1").unwrap_err().to_string(),
            "LEI must be 20 characters long, found 19"
        );
        assert_eq!(
            Lei::parse("5493001KJTIIGC8Y1-12").unwrap_err().to_string(),
            "LEI character 18 is '-', expected a letter A-Z or a digit 0-9"
        );
    }
}
