//! The posting rule the engine shares with the valuation sub-ledger: the pro-rata release
//! of a position's valuation adjustment when it shrinks. The engine's own rules for trades,
//! settlements, marks and revaluations are in `derived.rs`, `valuation.rs` and the engine.

use rust_decimal::Decimal;

use crate::identifiers::Currency;
use crate::money::RoundingMode;

/// The share of a position's valuation adjustment that a sale of `sold` out of
/// `quantity_before` releases (pro rata), rounded to the currency: released on trade date by
/// Dr unrealised P&L / Cr valuation adjustment, so that realised and unrealised P&L do not
/// count the same gain twice.
pub fn release_valuation(
    currency: Currency,
    current_adjustment: Decimal,
    quantity_before: Decimal,
    sold: Decimal,
) -> Decimal {
    if quantity_before.is_zero() {
        return Decimal::ZERO;
    }
    RoundingMode::HalfUp.round_to_currency(current_adjustment * sold / quantity_before, currency)
}
