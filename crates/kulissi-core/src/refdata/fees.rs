//! Fee schedules: commission, exchange fees and transaction taxes per market and instrument
//! type. Every charge is computed on the gross amount and rounded half-up to the currency's
//! minor unit, then summed (docs/domain.md §5).

use rust_decimal::Decimal;

use crate::money::Rate;
use crate::refdata::InstrumentType;
use crate::settlement::Market;

impl FeeSchedule {
    /// The valid-from date of a schedule defined without one: in force for every trade.
    pub const IN_FORCE_FROM_THE_START: jiff::civil::Date = super::IN_FORCE_FROM_THE_START;
}

/// Charges for trades on one market in one instrument type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FeeSchedule {
    /// The first trade date it applies to: a trade is charged by the schedule in force on
    /// its trade date, so an amendment or a resend after a change keeps its charges.
    pub valid_from: jiff::civil::Date,
    /// Market.
    pub market: Market,
    /// Instrument type.
    pub instrument_type: InstrumentType,
    /// Commission rate on the gross amount.
    pub commission: Rate,
    /// Minimum commission, in the trade currency.
    pub commission_minimum: Decimal,
    /// Exchange and clearing fees as a rate on the gross amount.
    pub exchange_fee: Rate,
    /// Transaction tax on purchases (UK SDRT 0.5%, French FTT 0.4%) for instruments marked
    /// taxable; sales are untaxed.
    pub purchase_tax: Rate,
}
