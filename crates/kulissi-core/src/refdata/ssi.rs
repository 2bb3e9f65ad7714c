//! Standing settlement instructions: where a counterparty settles, per market, currency and
//! instrument type.

use crate::identifiers::{Bic, Currency};
use crate::refdata::InstrumentType;
use crate::settlement::Market;

/// What an SSI is looked up by. `counterparty` is the counterparty's id, or `None` for our
/// own side's instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SsiKey {
    /// Counterparty id; `None` for our own SSI.
    pub counterparty: Option<crate::ids::CounterpartyId>,
    /// Market.
    pub market: Market,
    /// Settlement currency.
    pub currency: Currency,
    /// Instrument type.
    pub instrument_type: InstrumentType,
}

/// A standing settlement instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingSettlementInstruction {
    /// What it applies to.
    pub key: SsiKey,
    /// The first trade date it applies to: a trade settles by the SSI in force on its trade
    /// date, so an amendment or a resend after a change keeps its instructions.
    pub valid_from: jiff::civil::Date,
    /// Place of settlement: the CSD's BIC (PSET).
    pub place_of_settlement: Bic,
    /// The settlement agent (DEAG/REAG).
    pub agent: Bic,
    /// Safekeeping account at the agent.
    pub safekeeping_account: String,
    /// Cash account for DvP.
    pub cash_account: String,
}
