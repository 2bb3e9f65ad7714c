//! ISIN, ISO 6166: two-letter prefix, nine-character national code, one Luhn check digit.

use super::check_digits::isin_check_digit;
use super::{
    CharClass, IdentifierError, IdentifierKind, expect_chars, fixed_identifier, is_country_code,
    normalise, split, to_array,
};

const KIND: IdentifierKind = IdentifierKind::Isin;

/// Prefixes that are not ISO 3166 countries but are allotted by ISO 6166 or its numbering
/// agencies: `EU` (European Union), `XS` (international securities, Euroclear/Clearstream),
/// `XA`–`XD` and `XF` (substitute agencies), `QS`/`QT` (internal), `XK` (Kosovo), and the
/// withdrawn `AN` (Netherlands Antilles) and `CS` (Serbia and Montenegro) that live ISINs
/// still carry.
const NON_COUNTRY_PREFIXES: [&str; 12] = [
    "AN", "CS", "EU", "QS", "QT", "XA", "XB", "XC", "XD", "XF", "XK", "XS",
];

/// An International Securities Identification Number with a verified check digit.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Isin([u8; 12]);

impl Isin {
    /// Parses and validates an ISIN: `^[A-Z]{2}[A-Z0-9]{9}[0-9]$`, a known prefix, and the
    /// check digit.
    ///
    /// ```
    /// # use kulissi_core::identifiers::Isin;
    /// assert!(Isin::parse("US0378331005").is_ok());
    /// let err = Isin::parse("US0373831005").unwrap_err();
    /// assert_eq!(err.to_string(), "ISIN check digit is wrong: expected 9, found 5");
    /// ```
    pub fn parse(input: &str) -> Result<Isin, IdentifierError> {
        let value = normalise(KIND, input)?;
        if value.len() != 12 {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "12",
                found: value.len(),
            });
        }
        let (prefix, rest) = split(&value, 2);
        let (nsin, check) = split(rest, 9);
        expect_chars(KIND, prefix, 0, CharClass::Letter)?;
        expect_chars(KIND, nsin, 2, CharClass::Alphanumeric)?;
        expect_chars(KIND, check, 11, CharClass::Digit)?;
        if !is_country_code(prefix) && !NON_COUNTRY_PREFIXES.contains(&prefix) {
            return Err(IdentifierError::Country {
                kind: KIND,
                code: prefix.to_owned(),
            });
        }
        let bytes = value.as_bytes();
        let expected = isin_check_digit(&bytes[..11]);
        if expected != bytes[11] {
            return Err(IdentifierError::CheckDigit {
                kind: KIND,
                expected: char::from(expected).to_string(),
                found: check.to_owned(),
            });
        }
        Ok(Isin(to_array(bytes)))
    }

    /// Builds an ISIN from a prefix and a national code (zero-padded on the left to nine
    /// characters) by computing the check digit, as numbering agencies do.
    pub fn from_national_code(prefix: &str, nsin: &str) -> Result<Isin, IdentifierError> {
        let nsin = normalise(KIND, nsin)?;
        let padded = format!("{}{:0>9}", normalise(KIND, prefix)?, nsin);
        let body = padded.as_bytes();
        if body.len() != 11 {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "12",
                found: body.len() + 1,
            });
        }
        expect_chars(KIND, &padded, 0, CharClass::Alphanumeric)?;
        let check = char::from(isin_check_digit(body));
        Isin::parse(&format!("{padded}{check}"))
    }

    /// The two-character prefix (usually the issuer's country).
    pub fn prefix(&self) -> &str {
        &self.as_str()[..2]
    }

    /// The nine-character national security identifier (in the US, the CUSIP).
    pub fn national_code(&self) -> &str {
        &self.as_str()[2..11]
    }
}

fixed_identifier!(Isin);

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/domain.md §2.1 test vectors.
    #[test]
    fn domain_reference_vectors() {
        for valid in [
            "US0378331005",
            "AU0000XVGZA3",
            "GB0002634946",
            "DE0007164600",
            "FI0009000681",
        ] {
            assert!(Isin::parse(valid).is_ok(), "{valid}");
        }
        // A transposition is caught ...
        assert!(matches!(
            Isin::parse("US0373831005"),
            Err(IdentifierError::CheckDigit { .. })
        ));
        // ... but a swap of two letters survives Luhn: the check proves form, not existence.
        assert!(Isin::parse("AU0000VXGZA3").is_ok());
    }

    #[test]
    fn errors_name_the_position_and_what_was_expected() {
        assert_eq!(
            Isin::parse("US037833100").unwrap_err().to_string(),
            "ISIN must be 12 characters long, found 11"
        );
        assert_eq!(
            Isin::parse("U10378331005").unwrap_err().to_string(),
            "ISIN character 2 is '1', expected a letter A-Z"
        );
        assert_eq!(
            Isin::parse("US037833100X").unwrap_err().to_string(),
            "ISIN character 12 is 'X', expected a digit 0-9"
        );
        assert_eq!(
            Isin::parse("ZZ0378331005").unwrap_err().to_string(),
            "ISIN country code 'ZZ' is not a valid country code"
        );
    }

    #[test]
    fn normalises_case_and_whitespace_and_builds_from_a_cusip() {
        let isin = Isin::parse("  us0378331005 ").unwrap();
        assert_eq!(isin.as_str(), "US0378331005");
        assert_eq!(isin.national_code(), "037833100");
        assert_eq!(Isin::from_national_code("US", "037833100").unwrap(), isin);
    }

    #[test]
    fn never_panics_on_multibyte_input() {
        assert_eq!(
            Isin::parse("US03783310€5").unwrap_err().to_string(),
            "ISIN character 11 is '€', expected an ASCII letter or digit"
        );
        assert!(Isin::parse("ÄÖ").is_err());
    }
}
