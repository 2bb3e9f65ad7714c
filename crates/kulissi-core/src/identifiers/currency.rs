//! ISO 4217 currencies with their minor units (the number of decimals cash is rounded to).

use super::tables::currency_table::CURRENCIES;
use super::{CharClass, IdentifierError, IdentifierKind, expect_chars, normalise};

/// A row of the ISO 4217 list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrencyInfo {
    /// Alphabetic code, e.g. `EUR`.
    pub code: &'static str,
    /// Numeric code, e.g. 978.
    pub numeric: u16,
    /// Minor units (decimals); `None` where ISO 4217 says "N.A." (gold, SDR, test codes).
    pub minor_units: Option<u8>,
    /// The currency's name in the standard.
    pub name: &'static str,
}

/// An active ISO 4217 currency. Cheap to copy and compare; the code, numeric code and minor
/// units come from the compiled-in ISO 4217 list.
///
/// Quote units that are not currencies (`GBX`/`GBp` pence, `ZAc`, `ILA`) are not accepted:
/// a price quoted in them must be converted to the currency before any money arithmetic.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(u16);

impl Currency {
    /// Parses an ISO 4217 alphabetic code (`EUR`, `eur`).
    ///
    /// ```
    /// # use kulissi_core::identifiers::Currency;
    /// let jpy = Currency::parse("JPY").unwrap();
    /// assert_eq!(jpy.minor_units(), Some(0));
    /// assert_eq!(
    ///     Currency::parse("GBX").unwrap_err().to_string(),
    ///     "'GBX' is not an active ISO 4217 currency code"
    /// );
    /// ```
    pub fn parse(input: &str) -> Result<Currency, IdentifierError> {
        let kind = IdentifierKind::Currency;
        let value = normalise(kind, input)?;
        if value.len() != 3 {
            return Err(IdentifierError::Length {
                kind,
                expected: "3",
                found: value.len(),
            });
        }
        expect_chars(kind, &value, 0, CharClass::Letter)?;
        CURRENCIES
            .binary_search_by(|c| c.code.cmp(value.as_str()))
            .ok()
            .and_then(|i| u16::try_from(i).ok())
            .map(Currency)
            .ok_or(IdentifierError::Unknown {
                kind,
                value,
                registry: "an active ISO 4217 currency code",
            })
    }

    /// The row of the ISO 4217 list.
    pub fn info(self) -> &'static CurrencyInfo {
        // Only indices found by `parse` are ever stored, so the index is in range; fall back
        // to the first row rather than panic if that invariant were ever broken.
        CURRENCIES
            .get(usize::from(self.0))
            .unwrap_or(&CURRENCIES[0])
    }

    /// The alphabetic code.
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// Minor units: how many decimals cash in this currency is rounded to. `None` for the
    /// codes where ISO 4217 says "N.A." (XAU, XDR, ...), which are never rounded.
    pub fn minor_units(self) -> Option<u8> {
        self.info().minor_units
    }

    /// Every active currency, sorted by code.
    pub fn all() -> impl Iterator<Item = Currency> {
        (0..CURRENCIES.len())
            .filter_map(|i| u16::try_from(i).ok())
            .map(Currency)
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::fmt::Debug for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl std::str::FromStr for Currency {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/domain.md §2.5: exponents by currency.
    #[test]
    fn minor_units_follow_iso_4217() {
        let cases: &[(&str, Option<u8>, u16)] = &[
            ("JPY", Some(0), 392),
            ("KRW", Some(0), 410),
            ("ISK", Some(0), 352),
            ("CLP", Some(0), 152),
            ("VND", Some(0), 704),
            ("UGX", Some(0), 800),
            ("XOF", Some(0), 952),
            ("USD", Some(2), 840),
            ("EUR", Some(2), 978),
            ("GBP", Some(2), 826),
            ("CHF", Some(2), 756),
            ("SEK", Some(2), 752),
            ("NOK", Some(2), 578),
            ("DKK", Some(2), 208),
            ("HUF", Some(2), 348),
            ("BHD", Some(3), 48),
            ("KWD", Some(3), 414),
            ("JOD", Some(3), 400),
            ("OMR", Some(3), 512),
            ("TND", Some(3), 788),
            ("LYD", Some(3), 434),
            ("IQD", Some(3), 368),
            ("CLF", Some(4), 990),
            ("UYW", Some(4), 927),
            ("XAU", None, 959),
            ("XDR", None, 960),
        ];
        for &(code, minor, numeric) in cases {
            let c = Currency::parse(code).unwrap();
            assert_eq!(
                (c.code(), c.minor_units(), c.info().numeric),
                (code, minor, numeric)
            );
        }
    }

    #[test]
    fn quote_units_and_withdrawn_codes_are_refused() {
        for code in ["GBX", "ZAC", "ILA", "DEM", "FIM", "EU", "EURO"] {
            assert!(Currency::parse(code).is_err(), "{code}");
        }
        assert!(CURRENCIES.windows(2).all(|w| w[0].code < w[1].code));
        assert!(Currency::all().count() > 170);
    }
}
