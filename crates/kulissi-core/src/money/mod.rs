//! Exact money: decimal amounts, quantities, prices and rates, and amounts that carry their
//! currency.
//!
//! Nothing here is floating point. Values are [`rust_decimal::Decimal`] (96-bit mantissa,
//! up to 28 decimals) behind newtypes, so that a quantity cannot be passed where a price is
//! meant. Arithmetic is checked: overflow is an error, never a wrap or a panic.
//!
//! Rounding happens only where the caller says so, with a [`RoundingMode`] named at the call
//! site: rust_decimal's own `round_dp` silently means banker's rounding, which is right for
//! some charges (RTS 22 figures) and wrong for others (UK SDRT rounds a half penny up).
//! Cash is rounded to its currency's ISO 4217 minor units with [`Money::round`].
//!
//! ```
//! use kulissi_core::money::{Money, RoundingMode, Rate};
//! use kulissi_core::identifiers::Currency;
//!
//! // docs/domain.md §5: 10,000 shares at £4.2575, SDRT 0.5% of the consideration.
//! let gbp = Currency::parse("GBP").unwrap();
//! let gross = Money::parse("42575.00", gbp).unwrap();
//! let sdrt = Rate::from_percent("0.5".parse().unwrap()).apply(gross).unwrap();
//! assert_eq!(sdrt.round(RoundingMode::HalfUp).to_string(), "GBP 212.88");
//! ```

mod amount;
mod decimal;
mod rounding;

pub use amount::Money;
pub use decimal::{Price, Quantity, Rate, parse_decimal};
pub use rounding::RoundingMode;

use crate::identifiers::Currency;

/// Why a money operation or parse failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Two amounts in different currencies were combined. Converting needs an FX rate.
    #[error("cannot combine {left} and {right} amounts without an FX rate")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// The result does not fit in 96 bits at the required scale.
    #[error("{operation} overflows the exact decimal range")]
    Overflow {
        /// What was being computed ("addition", "multiplication", ...).
        operation: &'static str,
    },
    /// Text is not an exact decimal number.
    #[error("'{input}' is not a decimal number: {reason}")]
    Parse {
        /// The text as given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}
