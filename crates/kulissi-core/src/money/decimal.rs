//! Strict decimal parsing and the unit newtypes: [`Quantity`], [`Price`], [`Rate`].

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::{Money, MoneyError};

/// The most characters a decimal literal may have; longer input cannot be exact anyway
/// (28 significant digits) and is refused before any work is done on it.
const MAX_LITERAL_LEN: usize = 40;

/// Parses an exact decimal: an optional sign, digits, and an optional fraction
/// (`-1234.5600`). No exponent, no thousands separators, no `NaN`. The scale is kept as
/// written (`1.50` stays `1.50`), and a literal that does not fit exactly is refused rather
/// than rounded.
///
/// ```
/// # use kulissi_core::money::parse_decimal;
/// assert_eq!(parse_decimal("1.2300").unwrap().to_string(), "1.2300");
/// assert!(parse_decimal("1e3").is_err());
/// assert!(parse_decimal("0.12345678901234567890123456789").is_err());
/// ```
pub fn parse_decimal(input: &str) -> Result<Decimal, MoneyError> {
    let fail = |reason| MoneyError::Parse {
        input: input.to_owned(),
        reason,
    };
    let s = input.trim();
    if s.is_empty() {
        return Err(fail("it is empty"));
    }
    if s.len() > MAX_LITERAL_LEN {
        return Err(fail("it has more digits than can be held exactly (28)"));
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !frac.is_none_or(digits) {
        return Err(fail(
            "expected digits with an optional sign and decimal point",
        ));
    }
    if int.is_empty() && frac.is_none_or(str::is_empty) {
        return Err(fail("expected at least one digit"));
    }
    Decimal::from_str_exact(s).map_err(|_| fail("it has more digits than can be held exactly (28)"))
}

macro_rules! decimal_newtype {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $ty(Decimal);

        impl $ty {
            /// Zero.
            pub const ZERO: $ty = $ty(Decimal::ZERO);

            /// Wraps an exact decimal.
            pub const fn new(value: Decimal) -> $ty {
                $ty(value)
            }

            /// The exact decimal value.
            pub const fn value(self) -> Decimal {
                self.0
            }
        }

        impl FromStr for $ty {
            type Err = MoneyError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_decimal(s).map($ty)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($ty), self.0)
            }
        }
    };
}

decimal_newtype!(
    /// A number of units (shares) or a nominal (face amount of bonds). Signed where a
    /// position needs it: long > 0, short < 0.
    Quantity
);
decimal_newtype!(
    /// A price per unit (or, for bonds, per 100 of nominal), at full quoted precision. The
    /// currency is the trade's; prices are never rounded to minor units.
    Price
);
decimal_newtype!(
    /// A dimensionless rate as a fraction: 0.0005 is 5 basis points, 0.004 is 0.4%.
    Rate
);

impl Rate {
    /// A rate from basis points: 5 → 0.0005.
    pub fn from_basis_points(bp: Decimal) -> Rate {
        Rate(bp / Decimal::from(10_000))
    }

    /// The rate in basis points: 0.0005 → 5 (exact, normalised).
    pub fn basis_points(self) -> Decimal {
        (self.0 * Decimal::from(10_000)).normalize()
    }

    /// A rate from percent: 0.4 → 0.004.
    pub fn from_percent(percent: Decimal) -> Rate {
        Rate(percent / Decimal::from(100))
    }

    /// The rate applied to an amount, unrounded: the caller rounds with the charge's own
    /// mode.
    pub fn apply(self, amount: Money) -> Result<Money, MoneyError> {
        amount.checked_mul(self.0)
    }
}

impl Quantity {
    /// `quantity × price × multiplier`, unrounded, in `currency`.
    pub fn times_price(
        self,
        price: Price,
        multiplier: Decimal,
        currency: crate::identifiers::Currency,
    ) -> Result<Money, MoneyError> {
        let overflow = MoneyError::Overflow {
            operation: "quantity × price",
        };
        let value = self
            .0
            .checked_mul(price.0)
            .and_then(|v| v.checked_mul(multiplier))
            .ok_or(overflow)?;
        Ok(Money::new(value, currency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_keeps_every_digit_and_refuses_what_it_cannot_hold() {
        let kept = [
            ("0", "0"),
            ("-0.00", "0.00"),
            ("1.2300", "1.2300"),
            ("+5", "5"),
            (".5", "0.5"),
            ("5.", "5"),
            (" 42.10 ", "42.10"),
            (
                "12345678901234567890.12345678",
                "12345678901234567890.12345678",
            ),
            // 29 significant digits still fit the 96-bit mantissa exactly.
            (
                "1.0000000000000000000000000001",
                "1.0000000000000000000000000001",
            ),
        ];
        for (input, shown) in kept {
            assert_eq!(
                parse_decimal(input).unwrap().to_string(),
                shown,
                "{input:?}"
            );
        }
        for bad in [
            "", " ", "1e5", "1_000", "1,000.00", "NaN", "--1", "1.2.3", "12a", ".", "-",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_decimal("1,000").unwrap_err().to_string(),
            "'1,000' is not a decimal number: expected digits with an optional sign and decimal point"
        );
        // 29 decimals cannot be held exactly: refused, not rounded.
        assert!(parse_decimal("1.00000000000000000000000000001").is_err());
        assert!(parse_decimal("99999999999999999999999999999999").is_err());
    }

    #[test]
    fn rates_from_basis_points_and_percent() {
        let d = |s: &str| parse_decimal(s).unwrap();
        assert_eq!(Rate::from_basis_points(d("5")).value(), d("0.0005"));
        assert_eq!(Rate::from_percent(d("0.4")).value(), d("0.004"));
    }
}
