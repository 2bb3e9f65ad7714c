//! IBAN, ISO 13616: country, two MOD 97-10 check digits and a BBAN whose length and
//! structure the IBAN registry fixes per country. Where a country's BBAN carries national
//! check digits that are well documented (Spain, Belgium, Norway, Montenegro), they are
//! checked too.

use super::check_digits::{mod97, mod97_check_digits};
use super::tables::iban_table::IBAN_COUNTRIES;
use super::{CharClass, IdentifierError, IdentifierKind, expect_chars, split};

const KIND: IdentifierKind = IdentifierKind::Iban;
const MAX_LEN: usize = 34;

/// The character class of a BBAN segment in IBAN registry notation (`n`, `a`, `c`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CharKind {
    /// `n`: digits.
    Digits,
    /// `a`: upper-case letters.
    Letters,
    /// `c`: letters and digits.
    Alphanumeric,
}

/// One segment of a BBAN structure: a length and a character class (`4!a` is `(4, Letters)`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BbanSegment(pub(crate) usize, pub(crate) CharKind);

/// A country's entry in the IBAN registry.
#[derive(Debug)]
pub(crate) struct IbanCountry {
    pub(crate) country: &'static str,
    #[allow(dead_code)]
    pub(crate) name: &'static str,
    pub(crate) bban: &'static [BbanSegment],
}

impl IbanCountry {
    fn iban_length(&self) -> usize {
        4 + self.bban.iter().map(|s| s.0).sum::<usize>()
    }

    fn structure(&self) -> String {
        self.bban
            .iter()
            .map(|BbanSegment(n, k)| {
                let c = match k {
                    CharKind::Digits => 'n',
                    CharKind::Letters => 'a',
                    CharKind::Alphanumeric => 'c',
                };
                format!("{n}!{c}")
            })
            .collect()
    }
}

/// An International Bank Account Number, validated against the IBAN registry.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Iban {
    bytes: [u8; MAX_LEN],
    len: u8,
}

impl Iban {
    /// Parses an IBAN in electronic (`GB82WEST12345698765432`) or print form
    /// (`GB82 WEST 1234 5698 7654 32`).
    ///
    /// ```
    /// # use kulissi_core::identifiers::Iban;
    /// assert!(Iban::parse("GB82 WEST 1234 5698 7654 32").is_ok());
    /// assert_eq!(
    ///     Iban::parse("GB82WEST1234569876543").unwrap_err().to_string(),
    ///     "IBAN for GB must be 22 characters long, found 21"
    /// );
    /// ```
    pub fn parse(input: &str) -> Result<Iban, IdentifierError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let value = super::normalise(KIND, &compact)?;
        if value.len() < 5 || value.len() > MAX_LEN {
            return Err(IdentifierError::Length {
                kind: KIND,
                expected: "5 to 34",
                found: value.len(),
            });
        }
        let (country, rest) = split(&value, 2);
        let (check, bban) = split(rest, 2);
        expect_chars(KIND, country, 0, CharClass::Letter)?;
        expect_chars(KIND, check, 2, CharClass::Digit)?;
        let entry = IBAN_COUNTRIES
            .binary_search_by(|e| e.country.cmp(country))
            .ok()
            .and_then(|i| IBAN_COUNTRIES.get(i))
            .ok_or_else(|| IdentifierError::Unknown {
                kind: KIND,
                value: country.to_owned(),
                registry: "a country in the IBAN registry",
            })?;
        if value.len() != entry.iban_length() {
            return Err(IdentifierError::IbanLength {
                country: country.to_owned(),
                expected: entry.iban_length(),
                found: value.len(),
            });
        }
        check_structure(entry, bban)?;
        if mod97(bban.bytes().chain(country.bytes()).chain(check.bytes())) != 1 {
            return Err(IdentifierError::CheckDigit {
                kind: KIND,
                expected: mod97_check_digits(bban.bytes().chain(country.bytes())),
                found: check.to_owned(),
            });
        }
        if !national_check(country, bban) {
            return Err(IdentifierError::NationalCheck {
                country: country.to_owned(),
            });
        }
        let mut bytes = [0u8; MAX_LEN];
        bytes[..value.len()].copy_from_slice(value.as_bytes());
        // value.len() <= 34 was checked above.
        Ok(Iban {
            bytes,
            len: value.len() as u8,
        })
    }

    /// The electronic form, without spaces.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The ISO 3166 country code.
    pub fn country(&self) -> &str {
        &self.as_str()[..2]
    }

    /// The Basic Bank Account Number, the country-specific part after the check digits.
    pub fn bban(&self) -> &str {
        &self.as_str()[4..]
    }

    /// The print form: groups of four separated by spaces.
    pub fn to_print_form(&self) -> String {
        let s = self.as_str();
        let groups: Vec<&str> = (0..s.len())
            .step_by(4)
            .map(|i| &s[i..(i + 4).min(s.len())])
            .collect();
        groups.join(" ")
    }
}

fn check_structure(entry: &IbanCountry, bban: &str) -> Result<(), IdentifierError> {
    let mut offset = 0;
    for BbanSegment(n, kind) in entry.bban {
        let segment = bban.get(offset..offset + n).unwrap_or_default();
        let class = match kind {
            CharKind::Digits => CharClass::Digit,
            CharKind::Letters => CharClass::Letter,
            CharKind::Alphanumeric => CharClass::Alphanumeric,
        };
        if let Some((i, found)) = segment.chars().enumerate().find(|(_, c)| !class.admits(*c)) {
            return Err(IdentifierError::BbanStructure {
                country: entry.country.to_owned(),
                position: 4 + offset + i + 1,
                found,
                expected: class.describe(),
                structure: entry.structure(),
            });
        }
        offset += n;
    }
    Ok(())
}

/// National check digits inside the BBAN, for the countries whose scheme is public and
/// stable. Other countries pass.
fn national_check(country: &str, bban: &str) -> bool {
    let digits: Vec<u32> = bban.chars().filter_map(|c| c.to_digit(10)).collect();
    match country {
        // Spain's CCC: bank+branch and account each carry a weighted mod-11 digit.
        "ES" if digits.len() == 20 => {
            let cd = |part: &[u32]| {
                let sum: u32 = part
                    .iter()
                    .zip([1, 2, 4, 8, 5, 10, 9, 7, 3, 6])
                    .map(|(d, w)| d * w)
                    .sum();
                match 11 - sum % 11 {
                    11 => 0,
                    10 => 1,
                    x => x,
                }
            };
            let mut first = vec![0, 0];
            first.extend_from_slice(&digits[..8]);
            cd(&first) == digits[8] && cd(&digits[10..]) == digits[9]
        }
        // Belgium: the last two digits are the first ten modulo 97 (97 when 0).
        "BE" if digits.len() == 12 => {
            let n = digits[..10]
                .iter()
                .fold(0u64, |a, &d| a * 10 + u64::from(d));
            let check = u64::from(digits[10] * 10 + digits[11]);
            let r = n % 97;
            check == if r == 0 { 97 } else { r }
        }
        // Norway: an 11-digit account number with a weighted mod-11 check digit.
        "NO" if digits.len() == 11 => {
            let sum: u32 = digits[..10]
                .iter()
                .zip([6, 7, 8, 9, 4, 5, 6, 7, 8, 9])
                .map(|(d, w)| d * w)
                .sum();
            sum % 11 == digits[10]
        }
        // Montenegro: the BBAN itself is 1 modulo 97.
        "ME" => mod97(bban.bytes()) == 1,
        _ => true,
    }
}

impl std::fmt::Display for Iban {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Iban {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Iban({})", self.as_str())
    }
}

impl std::str::FromStr for Iban {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Iban::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/domain.md §2.4 vectors.
    #[test]
    fn domain_reference_vectors() {
        for valid in [
            "GB82WEST12345698765432",
            "DE89370400440532013000",
            "FI2112345600000785",
        ] {
            assert!(Iban::parse(valid).is_ok(), "{valid}");
        }
        let iban = Iban::parse("gb82 west 1234 5698 7654 32").unwrap();
        assert_eq!(iban.to_print_form(), "GB82 WEST 1234 5698 7654 32");
        assert_eq!(iban.bban(), "WEST12345698765432");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            Iban::parse("GB83WEST12345698765432")
                .unwrap_err()
                .to_string(),
            "IBAN check digit is wrong: expected 82, found 83"
        );
        assert_eq!(
            Iban::parse("GB82WE5T12345698765432")
                .unwrap_err()
                .to_string(),
            "IBAN for GB character 7 is '5', expected a letter A-Z (BBAN structure 4!a6!n8!n)"
        );
        assert_eq!(
            Iban::parse("US82WEST12345698765432")
                .unwrap_err()
                .to_string(),
            "'US' is not a country in the IBAN registry"
        );
    }

    #[test]
    fn national_checks() {
        assert!(Iban::parse("ES9121000418450200051332").is_ok());
        assert!(Iban::parse("BE68539007547034").is_ok());
        assert!(Iban::parse("NO9386011117947").is_ok());
    }

    #[test]
    fn registry_is_sorted_for_binary_search() {
        assert!(
            IBAN_COUNTRIES
                .windows(2)
                .all(|w| w[0].country < w[1].country)
        );
        assert!(IBAN_COUNTRIES.iter().all(|c| c.iban_length() <= MAX_LEN));
    }
}
