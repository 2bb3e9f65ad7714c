//! [`Money`]: an exact amount in one currency.

use std::fmt;

use rust_decimal::Decimal;

use super::{MoneyError, RoundingMode, parse_decimal};
use crate::identifiers::Currency;

/// An exact amount of one currency. Amounts of different currencies never combine: adding
/// EUR to USD is an error, not a number.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount at full precision (not rounded).
    pub const fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// Parses the amount exactly (see [`parse_decimal`]).
    pub fn parse(amount: &str, currency: Currency) -> Result<Money, MoneyError> {
        Ok(Money::new(parse_decimal(amount)?, currency))
    }

    /// The exact amount.
    pub const fn amount(self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub const fn currency(self) -> Currency {
        self.currency
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// `self + other`, refusing different currencies and overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow {
                operation: "addition",
            })?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self - other`, refusing different currencies and overflow.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self
            .amount
            .checked_sub(other.amount)
            .ok_or(MoneyError::Overflow {
                operation: "subtraction",
            })?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self × factor`, unrounded.
    pub fn checked_mul(self, factor: Decimal) -> Result<Money, MoneyError> {
        let amount = self
            .amount
            .checked_mul(factor)
            .ok_or(MoneyError::Overflow {
                operation: "multiplication",
            })?;
        Ok(Money::new(amount, self.currency))
    }

    /// The amount with its sign reversed.
    pub fn negated(self) -> Money {
        Money::new(-self.amount, self.currency)
    }

    /// The sum of `amounts`, all of which must be in `currency`.
    pub fn sum(
        currency: Currency,
        amounts: impl IntoIterator<Item = Money>,
    ) -> Result<Money, MoneyError> {
        amounts
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }

    /// Rounded to the currency's ISO 4217 minor units with `mode`, and given exactly that
    /// scale (`EUR 5` becomes `EUR 5.00`, `JPY 143257000.4` becomes `JPY 143257000`).
    /// Currencies without minor units ("N.A." in ISO 4217: XAU, XDR) are returned unchanged.
    pub fn round(self, mode: RoundingMode) -> Money {
        match self.currency.minor_units() {
            None => self,
            Some(dp) => {
                let mut amount = mode.round(self.amount, u32::from(dp));
                amount.rescale(u32::from(dp));
                Money::new(amount, self.currency)
            }
        }
    }

    /// Whether the amount has no digits below the currency's minor unit.
    pub fn is_rounded(self) -> bool {
        match self.currency.minor_units() {
            None => true,
            Some(dp) => self.amount.normalize().scale() <= u32::from(dp),
        }
    }
}

impl fmt::Display for Money {
    /// `EUR 1234.50`: code, space, the exact amount with its scale.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", self.currency, self.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Price, Quantity, Rate};

    fn ccy(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn d(s: &str) -> Decimal {
        parse_decimal(s).unwrap()
    }

    #[test]
    fn currencies_never_mix() {
        let eur = Money::parse("10.00", ccy("EUR")).unwrap();
        let usd = Money::parse("10.00", ccy("USD")).unwrap();
        assert_eq!(
            eur.checked_add(usd).unwrap_err().to_string(),
            "cannot combine EUR and USD amounts without an FX rate"
        );
        assert!(eur.checked_sub(usd).is_err());
        assert!(Money::sum(ccy("EUR"), [eur, usd]).is_err());
        assert_eq!(
            Money::sum(ccy("EUR"), [eur, eur]).unwrap().to_string(),
            "EUR 20.00"
        );
    }

    /// docs/domain.md §5: a UK purchase on XLON, each charge rounded, then summed.
    #[test]
    fn uk_equity_purchase_rounds_each_charge_then_sums() {
        let gbp = ccy("GBP");
        // 425.75 GBX is a quote in pence: £4.2575.
        let price = Price::new(d("425.75") / Decimal::from(100));
        let gross = Quantity::new(d("10000"))
            .times_price(price, Decimal::ONE, gbp)
            .unwrap();
        let gross = gross.round(RoundingMode::HalfUp);
        assert_eq!(gross.to_string(), "GBP 42575.00");
        let commission = Rate::from_basis_points(d("5"))
            .apply(gross)
            .unwrap()
            .round(RoundingMode::HalfUp);
        let sdrt = Rate::from_percent(d("0.5"))
            .apply(gross)
            .unwrap()
            .round(RoundingMode::HalfUp);
        assert_eq!(commission.to_string(), "GBP 21.29");
        assert_eq!(sdrt.to_string(), "GBP 212.88");
        let net = Money::sum(gbp, [gross, commission, sdrt]).unwrap();
        assert_eq!(net.to_string(), "GBP 42809.17");
    }

    /// docs/domain.md §5: French FTT 0.4% and commission 3 bp on 1,000 × €55.32.
    #[test]
    fn french_purchase_with_ftt() {
        let eur = ccy("EUR");
        let gross = Quantity::new(d("1000"))
            .times_price(Price::new(d("55.32")), Decimal::ONE, eur)
            .unwrap();
        let ftt = Rate::from_percent(d("0.4"))
            .apply(gross)
            .unwrap()
            .round(RoundingMode::HalfUp);
        let commission = Rate::from_basis_points(d("3"))
            .apply(gross)
            .unwrap()
            .round(RoundingMode::HalfUp);
        assert_eq!(
            (ftt.to_string(), commission.to_string()),
            ("EUR 221.28".into(), "EUR 16.60".into())
        );
        let net = Money::sum(eur, [gross.round(RoundingMode::HalfUp), ftt, commission]).unwrap();
        assert_eq!(net.to_string(), "EUR 55557.88");
    }

    /// docs/domain.md §5: FX amounts round to each currency's exponent.
    #[test]
    fn rounding_uses_the_currency_exponent() {
        let jpy = Money::new(d("1000000") * d("143.257"), ccy("JPY")).round(RoundingMode::HalfEven);
        assert_eq!(jpy.to_string(), "JPY 143257000");
        let bhd = Money::new(d("10000") * d("0.3770"), ccy("BHD")).round(RoundingMode::HalfEven);
        assert_eq!(bhd.to_string(), "BHD 3770.000");
        let eur = Money::new(d("5"), ccy("EUR")).round(RoundingMode::HalfEven);
        assert_eq!(eur.to_string(), "EUR 5.00");
        let gold = Money::new(d("1.23456"), ccy("XAU")).round(RoundingMode::HalfEven);
        assert_eq!(gold.to_string(), "XAU 1.23456");
        assert!(eur.is_rounded() && !Money::new(d("1.005"), ccy("EUR")).is_rounded());
        assert!(Money::new(d("1.0500"), ccy("EUR")).is_rounded());
    }
}
