//! MIC, ISO 10383: four characters `[A-Z][A-Z0-9]{3}`, no check digit.
//!
//! The form is checked here; whether a MIC is in the ISO 10383 registry is a question for
//! reference data (the markets Kulissi settles are listed in `settlement::Market`).

use super::{
    CharClass, IdentifierError, IdentifierKind, expect_chars, fixed_identifier, normalise, split,
    to_array,
};

const KIND: IdentifierKind = IdentifierKind::Mic;

/// A Market Identifier Code of valid form (operating or segment MIC).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mic([u8; 4]);

impl Mic {
    /// Parses a MIC: a letter followed by three letters or digits.
    ///
    /// ```
    /// # use kulissi_core::identifiers::Mic;
    /// assert_eq!(Mic::parse("xhel").unwrap().as_str(), "XHEL");
    /// assert!(Mic::parse("1HEL").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Mic, IdentifierError> {
        let value = normalise(KIND, input)?;
        if value.len() != 4 {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "4",
                found: value.len(),
            });
        }
        let (first, rest) = split(&value, 1);
        expect_chars(KIND, first, 0, CharClass::Letter)?;
        expect_chars(KIND, rest, 1, CharClass::Alphanumeric)?;
        Ok(Mic(to_array(value.as_bytes())))
    }
}

fixed_identifier!(Mic);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn venues_and_pseudo_venues_have_the_form() {
        for mic in [
            "XNYS", "XNAS", "XLON", "XHEL", "XETR", "XPAR", "XOFF", "XXXX", "SINT", "XNCM",
        ] {
            assert!(Mic::parse(mic).is_ok(), "{mic}");
        }
        assert_eq!(
            Mic::parse("XHE").unwrap_err().to_string(),
            "MIC must be 4 characters long, found 3"
        );
        assert_eq!(
            Mic::parse("XH-L").unwrap_err().to_string(),
            "MIC character 3 is '-', expected a letter A-Z or a digit 0-9"
        );
    }
}
