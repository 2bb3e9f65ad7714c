//! BIC, ISO 9362: institution (4), country (2), location (2), optional branch (3). No check
//! digit. An 8-character BIC is the primary office and equals the same BIC with branch `XXX`.

use super::{
    CharClass, IdentifierError, IdentifierKind, expect_chars, is_country_code, normalise, split,
};

const KIND: IdentifierKind = IdentifierKind::Bic;

/// A Business Identifier Code, stored in its 11-character form so that `DEUTDEFF` and
/// `DEUTDEFFXXX` compare equal.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bic([u8; 11]);

impl Bic {
    /// Parses a BIC: `[A-Z]{4}` institution, an ISO 3166 country (or `XK`, Kosovo),
    /// `[A-Z0-9]{2}` location and an optional `[A-Z0-9]{3}` branch.
    ///
    /// ```
    /// # use kulissi_core::identifiers::Bic;
    /// assert_eq!(Bic::parse("DEUTDEFF").unwrap(), Bic::parse("DEUTDEFFXXX").unwrap());
    /// assert_eq!(
    ///     Bic::parse("DEUTZZFF").unwrap_err().to_string(),
    ///     "BIC country code 'ZZ' is not a valid country code"
    /// );
    /// ```
    pub fn parse(input: &str) -> Result<Bic, IdentifierError> {
        let value = normalise(KIND, input)?;
        if value.len() != 8 && value.len() != 11 {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "8 or 11",
                found: value.len(),
            });
        }
        let (institution, rest) = split(&value, 4);
        let (country, rest) = split(rest, 2);
        expect_chars(KIND, institution, 0, CharClass::Letter)?;
        expect_chars(KIND, country, 4, CharClass::Letter)?;
        expect_chars(KIND, rest, 6, CharClass::Alphanumeric)?;
        if !is_country_code(country) && country != "XK" {
            return Err(IdentifierError::Country {
                kind: KIND,
                code: country.to_owned(),
            });
        }
        let mut bytes = *b"XXXXXXXXXXX";
        bytes[..value.len()].copy_from_slice(value.as_bytes());
        Ok(Bic(bytes))
    }

    /// The 11-character form (`DEUTDEFFXXX`).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The 8-character form, institution + country + location (`DEUTDEFF`).
    pub fn bic8(&self) -> &str {
        &self.as_str()[..8]
    }

    /// The ISO 3166 country of the institution.
    pub fn country(&self) -> &str {
        &self.as_str()[4..6]
    }

    /// Whether this is a test-and-training BIC (second location character `0`).
    pub fn is_test(&self) -> bool {
        self.0[7] == b'0'
    }
}

impl std::fmt::Display for Bic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Bic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bic({})", self.as_str())
    }
}

impl std::str::FromStr for Bic {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Bic::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/domain.md §2.3: CSD BICs used as place of settlement.
    #[test]
    fn csd_bics_parse_and_normalise() {
        for bic in [
            "DTCYUS33",
            "CRSTGB22",
            "APKEFIHH",
            "SICVFRPP",
            "CPTYFIHHXXX",
        ] {
            let parsed = Bic::parse(bic).unwrap();
            assert_eq!(parsed.bic8(), &bic[..8]);
            assert_eq!(parsed.as_str().len(), 11);
        }
        assert_eq!(Bic::parse("APKEFIHH").unwrap().country(), "FI");
        assert!(Bic::parse("DEUTDEF0").unwrap().is_test());
        assert!(Bic::parse("BKOSXKPR").is_ok(), "Kosovo uses XK");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            Bic::parse("DEUTDEFF50").unwrap_err().to_string(),
            "BIC must be 8 or 11 characters long, found 10"
        );
        assert_eq!(
            Bic::parse("DEU1DEFF").unwrap_err().to_string(),
            "BIC character 4 is '1', expected a letter A-Z"
        );
    }
}
