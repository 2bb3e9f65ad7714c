//! Instruments: equities, bonds and funds, with what enrichment needs to know of them.

use rust_decimal::Decimal;

use crate::daycount::CouponTerms;
use crate::identifiers::{Currency, Isin};
use crate::settlement::Market;

/// The broad type of an instrument, which SSIs and fee schedules are keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstrumentType {
    /// Shares.
    Equity,
    /// Fixed-coupon bonds.
    Bond,
    /// Funds and ETFs.
    Fund,
}

impl InstrumentType {
    /// The name used in files.
    pub fn code(self) -> &'static str {
        match self {
            InstrumentType::Equity => "equity",
            InstrumentType::Bond => "bond",
            InstrumentType::Fund => "fund",
        }
    }
}

impl std::str::FromStr for InstrumentType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "equity" => Ok(InstrumentType::Equity),
            "bond" => Ok(InstrumentType::Bond),
            "fund" | "etf" => Ok(InstrumentType::Fund),
            _ => Err(format!(
                "unknown instrument type '{s}', expected equity, bond or fund"
            )),
        }
    }
}

/// What kind of instrument, with its kind-specific terms.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InstrumentKind {
    /// Shares: quantity in units, price per share.
    Equity,
    /// A fixed-coupon bond: quantity is nominal, price is clean and per 100 of nominal.
    Bond(CouponTerms),
    /// A fund or ETF: like an equity for settlement, untaxed by share transaction taxes.
    Fund,
}

impl InstrumentKind {
    /// The broad type.
    pub fn instrument_type(&self) -> InstrumentType {
        match self {
            InstrumentKind::Equity => InstrumentType::Equity,
            InstrumentKind::Bond(_) => InstrumentType::Bond,
            InstrumentKind::Fund => InstrumentType::Fund,
        }
    }
}

/// A security Kulissi can book.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Instrument {
    /// ISIN.
    pub isin: Isin,
    /// Short name.
    pub name: String,
    /// Kind and kind-specific terms.
    pub kind: InstrumentKind,
    /// Currency of price and settlement.
    pub currency: Currency,
    /// Primary market; its settlement calendar and cycle give the settlement date.
    pub market: Market,
    /// Gross amount = quantity × price × multiplier (1 for shares, 0.01 for bonds quoted
    /// per 100, the contract size for derivatives).
    pub multiplier: Decimal,
    /// Whether purchases pay the market's transaction tax (the French FTT applies only to
    /// listed French companies above €1bn; UK stamp duty to UK shares).
    pub transaction_tax: bool,
}
