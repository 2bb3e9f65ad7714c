//! Properties of money arithmetic and rounding.

use kulissi_core::Decimal;
use kulissi_core::identifiers::Currency;
use kulissi_core::money::{Money, MoneyError, RoundingMode, parse_decimal};
use proptest::prelude::*;

fn any_currency() -> impl Strategy<Value = Currency> {
    let all: Vec<Currency> = Currency::all().collect();
    proptest::sample::select(all)
}

/// Decimals with up to 12 integer digits and up to 10 decimals, either sign.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=10).prop_map(|(m, scale)| Decimal::new(m % 1_000_000_000_000_000, scale))
}

fn any_mode() -> impl Strategy<Value = RoundingMode> {
    prop_oneof![
        Just(RoundingMode::HalfEven),
        Just(RoundingMode::HalfUp),
        Just(RoundingMode::Down),
        Just(RoundingMode::Up),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    /// Amounts of different currencies never combine; amounts of one currency always do
    /// (within range) and keep the currency.
    #[test]
    fn money_arithmetic_never_mixes_currencies(a in any_decimal(), b in any_decimal(), x in any_currency(), y in any_currency()) {
        let (left, right) = (Money::new(a, x), Money::new(b, y));
        for result in [left.checked_add(right), left.checked_sub(right)] {
            if x == y {
                let sum = result.unwrap();
                prop_assert_eq!(sum.currency(), x);
            } else {
                let is_mismatch = matches!(result, Err(MoneyError::CurrencyMismatch { .. }));
                prop_assert!(is_mismatch);
            }
        }
        let summed = Money::sum(x, [left, right]);
        prop_assert_eq!(summed.is_ok(), x == y);
    }

    /// Rounding is idempotent, lands on the currency's minor unit, and never moves a value by
    /// a full minor unit or more.
    #[test]
    fn rounding_is_idempotent(a in any_decimal(), ccy in any_currency(), mode in any_mode()) {
        let once = Money::new(a, ccy).round(mode);
        prop_assert_eq!(once.round(mode), once);
        prop_assert!(once.is_rounded());
        if let Some(dp) = ccy.minor_units() {
            prop_assert_eq!(once.amount().scale(), u32::from(dp));
            let unit = Decimal::new(1, u32::from(dp));
            prop_assert!((once.amount() - a).abs() < unit);
        }
    }

    /// Rounding to nearest is never more than half a minor unit off; down never grows the
    /// magnitude and up never shrinks it.
    #[test]
    fn rounding_modes_bound_the_error(a in any_decimal(), dp in 0u32..5) {
        let half = Decimal::new(5, dp + 1);
        for mode in [RoundingMode::HalfEven, RoundingMode::HalfUp] {
            prop_assert!((mode.round(a, dp) - a).abs() <= half);
        }
        prop_assert!(RoundingMode::Down.round(a, dp).abs() <= a.abs());
        prop_assert!(RoundingMode::Up.round(a, dp).abs() >= a.abs());
    }

    /// Display then parse gives back the same value and scale: no digit is lost.
    #[test]
    fn display_then_parse_round_trips(a in any_decimal()) {
        let parsed = parse_decimal(&a.to_string()).unwrap();
        prop_assert_eq!(parsed, a);
        prop_assert_eq!(parsed.scale(), a.scale());
    }
}
