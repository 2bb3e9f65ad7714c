//! Rounding modes, named the way charge rules name them.

use rust_decimal::{Decimal, RoundingStrategy};

/// How a value is rounded to a number of decimals or to an increment. Every rounding in
/// Kulissi names its mode; there is no default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoundingMode {
    /// To nearest; a tie goes to the even neighbour (banker's rounding): 2.665 → 2.66,
    /// 2.675 → 2.68.
    HalfEven,
    /// To nearest; a tie goes away from zero: 2.665 → 2.67, −2.665 → −2.67 (UK SDRT's
    /// "half a penny up").
    HalfUp,
    /// Toward zero (truncation): 2.669 → 2.66, −2.669 → −2.66.
    Down,
    /// Away from zero: 2.661 → 2.67, −2.661 → −2.67 (UK stamp duty's "up to the next £5").
    Up,
}

impl RoundingMode {
    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
        }
    }

    /// Rounds `value` to `decimals` places. Values with fewer decimals are unchanged (their
    /// scale is kept: 2.5 rounded to 2 places stays 2.5, not 2.50).
    pub fn round(self, value: Decimal, decimals: u32) -> Decimal {
        value.round_dp_with_strategy(decimals, self.strategy())
    }

    /// Rounds `value` to `currency`'s minor units (2 when it has none defined) and shows
    /// them all: 8.4 in EUR is 8.40.
    pub fn round_to_currency(
        self,
        value: Decimal,
        currency: crate::identifiers::Currency,
    ) -> Decimal {
        let dp = u32::from(currency.minor_units().unwrap_or(2));
        let mut v = self.round(value, dp);
        v.rescale(dp);
        v
    }

    /// Rounds `value` to a multiple of `increment` (e.g. 5 for "the next £5"); `None` when
    /// the increment is not positive or the result overflows.
    pub fn round_to_increment(self, value: Decimal, increment: Decimal) -> Option<Decimal> {
        if increment <= Decimal::ZERO {
            return None;
        }
        let units = value.checked_div(increment)?;
        units
            .round_dp_with_strategy(0, self.strategy())
            .checked_mul(increment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// docs/domain.md §5: HALF_UP vs HALF_EVEN differ on 2.665; and the float trap 2.675.
    #[test]
    fn each_mode_on_the_worked_examples() {
        let table = [
            ("2.665", "2.66", "2.67", "2.66", "2.67"),
            ("2.675", "2.68", "2.68", "2.67", "2.68"),
            ("-2.665", "-2.66", "-2.67", "-2.66", "-2.67"),
            ("2.661", "2.66", "2.66", "2.66", "2.67"),
            ("2.669", "2.67", "2.67", "2.66", "2.67"),
            ("21.2875", "21.29", "21.29", "21.28", "21.29"),
            ("212.875", "212.88", "212.88", "212.87", "212.88"),
            ("2.66", "2.66", "2.66", "2.66", "2.66"),
        ];
        for (input, even, up, down, away) in table {
            assert_eq!(
                RoundingMode::HalfEven.round(d(input), 2),
                d(even),
                "half-even {input}"
            );
            assert_eq!(
                RoundingMode::HalfUp.round(d(input), 2),
                d(up),
                "half-up {input}"
            );
            assert_eq!(
                RoundingMode::Down.round(d(input), 2),
                d(down),
                "down {input}"
            );
            assert_eq!(RoundingMode::Up.round(d(input), 2), d(away), "up {input}");
        }
    }

    /// docs/domain.md §5: UK paper stamp duty rounds up to the next £5: £2,001 → 10.005 → £15.
    #[test]
    fn stamp_duty_rounds_up_to_the_next_five_pounds() {
        let duty = d("2001") * d("0.005");
        assert_eq!(duty, d("10.005"));
        assert_eq!(
            RoundingMode::Up.round_to_increment(duty, d("5")),
            Some(d("15"))
        );
        assert_eq!(
            RoundingMode::Up.round_to_increment(d("10"), d("5")),
            Some(d("10"))
        );
        assert_eq!(RoundingMode::Up.round_to_increment(d("10"), d("0")), None);
    }
}
