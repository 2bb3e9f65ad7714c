//! The rows a store keeps: log records and read-model rows.

use std::borrow::Cow;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

/// One record of the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// Sequence number, from 1, without gaps.
    pub seq: u64,
    /// Partition (legal entity or book group); 0 while there is one.
    pub partition: u32,
    /// Business date the command belonged to.
    pub business_date: Date,
    /// Wall time, microseconds since the Unix epoch.
    pub wall_time_us: i64,
    /// Who (`person:ID` or `system:NAME`), shared by the records of one command.
    pub actor: Arc<str>,
    /// Event type name.
    pub kind: Cow<'static, str>,
    /// The trade the event is about, if any (an index for audit queries).
    pub trade_id: Option<u64>,
    /// Encoding version of the payload.
    pub schema_version: u8,
    /// The encoded event.
    pub payload: Vec<u8>,
    /// Hash chaining this record to the previous one.
    pub hash: [u8; 32],
}

/// A reference-data read-model row: one per defined object, latest definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRow {
    /// `legal_entity`, `counterparty`, `instrument`, `book`, `account`, `ssi`, `fee_schedule`.
    pub kind: &'static str,
    /// Id within the kind.
    pub id: u32,
    /// Natural key (LEI, ISIN, code, ...).
    pub natural_key: String,
    /// A one-line description for people.
    pub description: String,
    /// The record that last defined it.
    pub seq: u64,
}

/// One version of one trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeVersionRow {
    /// Trade id.
    pub trade_id: u64,
    /// Version.
    pub version: u32,
    /// The record that created this version.
    pub seq: u64,
    /// `live` or `cancelled`.
    pub status: &'static str,
    /// Source system.
    pub source: Arc<str>,
    /// Id in the source system.
    pub external_id: Arc<str>,
    /// Book id.
    pub book: u32,
    /// Account id.
    pub account: u32,
    /// Instrument id.
    pub instrument: u32,
    /// Counterparty id.
    pub counterparty: u32,
    /// `buy` or `sell`.
    pub side: &'static str,
    /// Quantity.
    pub quantity: Decimal,
    /// Price.
    pub price: Decimal,
    /// Currency code.
    pub currency: Cow<'static, str>,
    /// Trade date.
    pub trade_date: Date,
    /// Intended settlement date.
    pub settlement_date: Date,
    /// Net amount (the full economics are in the event at `seq`).
    pub net: Decimal,
}

/// A position row: account × instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionRow {
    /// Account id.
    pub account: u32,
    /// Instrument id.
    pub instrument: u32,
    /// Trade-date quantity.
    pub quantity: Decimal,
    /// Settled quantity.
    pub settled_quantity: Decimal,
    /// Cost basis at average cost.
    pub cost: Decimal,
    /// The record that last changed it.
    pub seq: u64,
}

/// A projected-cash row: account × currency × value date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashRow {
    /// Account id.
    pub account: u32,
    /// Currency code.
    pub currency: String,
    /// Value date.
    pub value_date: Date,
    /// Projected amount.
    pub amount: Decimal,
    /// The record that last changed it.
    pub seq: u64,
}

/// A general-ledger balance: one account in one currency, debit positive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerBalanceRow {
    /// Account code.
    pub account: u16,
    /// Currency code.
    pub currency: String,
    /// Balance, debit positive.
    pub balance: Decimal,
}

/// A settlement confirmation of (part of) a trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementRow {
    /// The record that confirmed it.
    pub seq: u64,
    /// Trade id.
    pub trade_id: u64,
    /// Quantity settled by this confirmation.
    pub quantity: Decimal,
    /// Effective settlement date.
    pub settlement_date: Date,
    /// The custodian's reference.
    pub reference: String,
}

/// What one commit writes: log records and the read-model rows they changed.
#[derive(Debug, Clone, Default)]
pub struct CommitBatch {
    /// New records, consecutive, continuing the log.
    pub records: Vec<LogRecord>,
    /// Reference-data rows to upsert.
    pub reference: Vec<ReferenceRow>,
    /// New trade versions to insert.
    pub trade_versions: Vec<TradeVersionRow>,
    /// Position rows to upsert (one per touched key).
    pub positions: Vec<PositionRow>,
    /// Cash rows to upsert (one per touched key).
    pub cash: Vec<CashRow>,
    /// Settlement confirmations to insert.
    pub settlements: Vec<SettlementRow>,
    /// General-ledger balances to upsert.
    pub ledger_balances: Vec<LedgerBalanceRow>,
}

impl CommitBatch {
    /// Checks that the batch's records continue a log that ends at `head`: the first is the
    /// next sequence number, and the rest follow without gaps. Every backend checks this
    /// before it writes.
    pub fn check_continues(&self, head: Option<crate::ChainHead>) -> Result<(), crate::StoreError> {
        let expected = head.map_or(1, |h| h.seq + 1);
        for (i, record) in self.records.iter().enumerate() {
            let want = expected + i as u64;
            if record.seq != want {
                return Err(crate::StoreError::OutOfSequence {
                    expected: want,
                    found: record.seq,
                });
            }
        }
        Ok(())
    }

    /// An empty batch with room for `commands` records and trade versions.
    pub fn with_capacity(commands: usize) -> CommitBatch {
        CommitBatch {
            records: Vec::with_capacity(commands),
            trade_versions: Vec::with_capacity(commands),
            ..CommitBatch::default()
        }
    }
}

/// Every read-model row, for comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadModels {
    /// Reference data, by (kind, id).
    pub reference: Vec<ReferenceRow>,
    /// Trade versions, by (trade id, version).
    pub trade_versions: Vec<TradeVersionRow>,
    /// Positions, by (account, instrument).
    pub positions: Vec<PositionRow>,
    /// Cash, by (account, currency, value date).
    pub cash: Vec<CashRow>,
    /// Settlement confirmations, by sequence number.
    pub settlements: Vec<SettlementRow>,
    /// General-ledger balances, by currency then account.
    pub ledger_balances: Vec<LedgerBalanceRow>,
}

/// The names a stored text column may hold, as `'static` strings, so that rows read back from
/// either backend compare equal to the rows written.
pub mod names {
    use crate::StoreError;

    fn known(what: &str, value: &str, names: &[&'static str]) -> Result<&'static str, StoreError> {
        names.iter().copied().find(|n| *n == value).ok_or_else(|| {
            StoreError::database(format!(
                "unknown {what} '{value}', expected one of {}",
                names.join(", ")
            ))
        })
    }

    /// A trade version's status.
    pub fn trade_status(value: &str) -> Result<&'static str, StoreError> {
        known("trade status", value, &["live", "cancelled"])
    }

    /// A trade's side.
    pub fn side(value: &str) -> Result<&'static str, StoreError> {
        known("side", value, &["buy", "sell"])
    }

    /// A reference-data row's kind.
    pub fn reference_kind(value: &str) -> Result<&'static str, StoreError> {
        known(
            "reference kind",
            value,
            &[
                "legal_entity",
                "counterparty",
                "instrument",
                "book",
                "account",
                "ssi",
                "fee_schedule",
            ],
        )
    }
}
