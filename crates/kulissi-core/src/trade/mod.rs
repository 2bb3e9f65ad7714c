//! Trades: what the front office sends ([`TradeInput`]), what the engine keeps
//! ([`TradeTerms`] with its [`Economics`]), and each trade's current state ([`TradeRecord`]).
//!
//! A trade is never edited in place: every amendment or cancellation is a new version that
//! refers to the one it replaces, and the event log keeps them all.

mod enrichment;

pub use enrichment::enrich;

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::identifiers::{Currency, Isin, Lei, Mic};
use crate::money::{Price, Quantity};

/// Buy or sell, from our side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// We buy: securities in, cash out.
    Buy,
    /// We sell: securities out, cash in.
    Sell,
}

impl Side {
    /// +1 for a buy, −1 for a sell.
    pub fn sign(self) -> Decimal {
        match self {
            Side::Buy => Decimal::ONE,
            Side::Sell => Decimal::NEGATIVE_ONE,
        }
    }

    /// The name used in files.
    pub fn code(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

impl std::str::FromStr for Side {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "buy" | "b" | "1" => Ok(Side::Buy),
            "sell" | "s" | "2" => Ok(Side::Sell),
            _ => Err(format!("unknown side '{s}', expected buy or sell")),
        }
    }
}

/// A trade as the front office reports it, referring to reference data by its natural keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TradeInput {
    /// The front-office system that sent it (e.g. `FIX-DROPCOPY`, `CSV`).
    pub source: String,
    /// The trade's id in that system: the idempotency key, unique per source.
    pub external_id: String,
    /// Our legal entity.
    pub legal_entity: Lei,
    /// Book code.
    pub book: String,
    /// Trader.
    pub trader: String,
    /// Counterparty.
    pub counterparty: Lei,
    /// Account code.
    pub account: String,
    /// Instrument.
    pub instrument: Isin,
    /// Side.
    pub side: Side,
    /// Units, or nominal for bonds; positive.
    pub quantity: Quantity,
    /// Price per unit (bonds: clean, per 100).
    pub price: Price,
    /// Trade currency.
    pub currency: Currency,
    /// Trade date.
    pub trade_date: Date,
    /// Execution time.
    pub trade_time: Timestamp,
    /// Execution venue (MIC, or XOFF for off-venue).
    pub venue: Mic,
    /// Intended settlement date, if the front office gave one (checked); computed otherwise.
    pub settlement_date: Option<Date>,
}

/// A trade version's terms, resolved against reference data (ids instead of keys) and with
/// the settlement date fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeTerms {
    /// Legal entity id.
    pub legal_entity: crate::ids::LegalEntityId,
    /// Book id.
    pub book: crate::ids::BookId,
    /// Trader.
    pub trader: Arc<str>,
    /// Counterparty id.
    pub counterparty: crate::ids::CounterpartyId,
    /// Account id.
    pub account: crate::ids::AccountId,
    /// Instrument id.
    pub instrument: crate::ids::InstrumentId,
    /// Side.
    pub side: Side,
    /// Quantity (positive).
    pub quantity: Quantity,
    /// Price.
    pub price: Price,
    /// Currency.
    pub currency: Currency,
    /// Trade date.
    pub trade_date: Date,
    /// Execution time.
    pub trade_time: Timestamp,
    /// Venue.
    pub venue: Mic,
    /// Intended settlement date.
    pub settlement_date: Date,
}

impl TradeTerms {
    /// Quantity signed by side: positive for a buy.
    pub fn signed_quantity(&self) -> Decimal {
        self.side.sign() * self.quantity.value()
    }
}

/// The enriched amounts of a trade version, each rounded half-up to the currency's minor
/// unit, in the trade currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Economics {
    /// quantity × price × multiplier.
    pub gross: Decimal,
    /// Accrued interest (bonds), zero otherwise.
    pub accrued: Decimal,
    /// Commission (at least the schedule's minimum).
    pub commission: Decimal,
    /// Exchange and clearing fees.
    pub fees: Decimal,
    /// Transaction taxes.
    pub taxes: Decimal,
    /// What we pay (buy) or receive (sell): gross + accrued ± charges.
    pub net: Decimal,
    /// Our SSI id.
    pub our_ssi: crate::ids::SsiId,
    /// The counterparty's SSI id.
    pub their_ssi: crate::ids::SsiId,
}

impl Economics {
    /// Cash movement on the settlement date: −net for a buy, +net for a sell.
    pub fn cash_flow(&self, side: Side) -> Decimal {
        -side.sign() * self.net
    }
}

/// Whether a trade is live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TradeStatus {
    /// Booked or amended: counts in positions and cash.
    Live,
    /// Cancelled: counts nowhere.
    Cancelled,
}

/// A trade's current version, as the engine keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeRecord {
    /// Kulissi's trade id.
    pub trade_id: crate::ids::TradeId,
    /// Current version (1 on booking).
    pub version: u32,
    /// Live or cancelled.
    pub status: TradeStatus,
    /// Source system.
    pub source: Arc<str>,
    /// Id in the source system.
    pub external_id: Arc<str>,
    /// Terms of the current version.
    pub terms: TradeTerms,
    /// Economics of the current version.
    pub economics: Economics,
    /// Quantity settled so far (confirmed by the custodian), at most the trade's quantity.
    pub settled_quantity: Decimal,
}
