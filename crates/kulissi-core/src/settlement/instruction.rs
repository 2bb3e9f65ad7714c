//! Settlement instructions (docs/domain.md §3.3–§3.4, §4.1): what a trade asks the
//! custodian to do, with the standing settlement instructions of both sides in force on the
//! trade date. One instruction per live trade version; an amendment or a cancellation
//! cancels it (its reference is then dead) and a new version gets a new one.
//!
//! The market leg settles delivery versus payment for the principal (gross plus accrued
//! interest): commission, fees and taxes are paid to the broker, the exchange and the tax
//! authority, not against the securities. A purchase receives (RECE) and pays, a sale
//! delivers (DELI) and is paid. Bonds settle a face amount, other instruments units.

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::identifiers::{Bic, Currency, Isin, Lei};
use crate::ids::TradeId;
use crate::refdata::{InstrumentKind, RefData};
use crate::trade::{Side, TradeRecord};

/// Receive or deliver the securities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Movement {
    /// Receive (a purchase): RECE.
    Receive,
    /// Deliver (a sale): DELI.
    Deliver,
}

impl Movement {
    /// The ISO 20022 code.
    pub fn code(self) -> &'static str {
        match self {
            Movement::Receive => "RECE",
            Movement::Deliver => "DELI",
        }
    }
}

/// Against payment or free of payment (docs/domain.md §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Payment {
    /// Delivery versus payment: APMT.
    AgainstPayment,
    /// Free of payment: FREE.
    Free,
}

impl Payment {
    /// The ISO 20022 code.
    pub fn code(self) -> &'static str {
        match self {
            Payment::AgainstPayment => "APMT",
            Payment::Free => "FREE",
        }
    }
}

/// How the quantity is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuantityKind {
    /// Units (shares, fund units).
    Units,
    /// Face amount (bonds' nominal).
    FaceAmount,
}

/// One side's settlement chain: the CSD (place of settlement), the agent and the
/// safekeeping account at the agent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SettlementParty {
    /// Place of settlement (PSET), the CSD's BIC.
    pub place_of_settlement: Bic,
    /// The agent (DEAG/REAG).
    pub agent: Bic,
    /// The safekeeping account at the agent.
    pub safekeeping_account: String,
    /// The cash account (cash correspondent) for DvP.
    pub cash_account: String,
}

/// An instruction to the custodian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementInstruction {
    /// The unique transaction reference (TxId, at most 35 characters): the idempotency key
    /// of every status that comes back about it.
    pub reference: String,
    /// The trades it settles (one for a gross instruction).
    pub trades: Vec<TradeId>,
    /// Receive or deliver.
    pub movement: Movement,
    /// Against payment or free.
    pub payment: Payment,
    /// The trade date.
    pub trade_date: Date,
    /// The intended settlement date.
    pub settlement_date: Date,
    /// The instrument.
    pub isin: Isin,
    /// The quantity (positive).
    pub quantity: Decimal,
    /// Units or face amount.
    pub quantity_kind: QuantityKind,
    /// The settlement amount and currency, for DvP, signed from our side: negative when we
    /// pay (a purchase), positive when we are paid (a sale); a net instruction may pay on a
    /// receipt or be paid on a delivery.
    pub amount: Option<(Decimal, Currency)>,
    /// Whether partial settlement is allowed (PART) or not (NPAR).
    pub partial_allowed: bool,
    /// Our side: our custodian's chain.
    pub ours: SettlementParty,
    /// Their side.
    pub theirs: SettlementParty,
    /// The counterparty's LEI.
    pub counterparty: Lei,
}

/// Why an instruction cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstructionError {
    /// The trade names reference data the state does not have.
    #[error("trade {trade}: its {what} is not defined")]
    Missing {
        /// The trade.
        trade: TradeId,
        /// What is missing.
        what: &'static str,
    },
}

/// The reference of a trade version's instruction: `KUL` and the trade id and version, at
/// most 35 characters (a u64 and a u32 fit).
pub fn reference_of(record: &TradeRecord) -> String {
    format!("KUL{}V{}", record.trade_id, record.version)
}

/// The instruction of a live trade version, with the SSIs its enrichment chose (those in
/// force on its trade date).
pub fn instruction_for(
    record: &TradeRecord,
    refdata: &RefData,
) -> Result<SettlementInstruction, InstructionError> {
    let missing = |what| InstructionError::Missing {
        trade: record.trade_id,
        what,
    };
    let t = &record.terms;
    let instrument = refdata
        .instruments
        .get(t.instrument)
        .ok_or_else(|| missing("instrument"))?;
    let party = |id| {
        refdata
            .ssis
            .get(id)
            .map(|s| SettlementParty {
                place_of_settlement: s.place_of_settlement,
                agent: s.agent,
                safekeeping_account: s.safekeeping_account.clone(),
                cash_account: s.cash_account.clone(),
            })
            .ok_or_else(|| missing("standing settlement instruction"))
    };
    let counterparty = refdata
        .counterparties
        .get(t.counterparty)
        .ok_or_else(|| missing("counterparty"))?;
    let e = &record.economics;
    Ok(SettlementInstruction {
        reference: reference_of(record),
        trades: vec![record.trade_id],
        movement: match t.side {
            Side::Buy => Movement::Receive,
            Side::Sell => Movement::Deliver,
        },
        payment: Payment::AgainstPayment,
        trade_date: t.trade_date,
        settlement_date: t.settlement_date,
        isin: instrument.isin,
        quantity: t.quantity.value(),
        quantity_kind: match instrument.kind {
            InstrumentKind::Bond(_) => QuantityKind::FaceAmount,
            _ => QuantityKind::Units,
        },
        amount: Some((
            match t.side {
                Side::Buy => -(e.gross + e.accrued),
                Side::Sell => e.gross + e.accrued,
            },
            t.currency,
        )),
        partial_allowed: true,
        ours: party(e.our_ssi)?,
        theirs: party(e.their_ssi)?,
        counterparty: counterparty.lei,
    })
}

/// The message of an issued instruction (see [`super::lifecycle`]): a gross one is its
/// trade's [`instruction_for`]; a net one moves the net quantity against the net cash
/// (a zero quantity receives), does not allow partial settlement, carries the latest
/// member's trade date, and faces the counterparty it nets against with that party's SSI in
/// force on that date (a CCP's own, when it has one; else the first member's).
pub fn message_of(
    instruction: &super::lifecycle::Instruction,
    members: &[&TradeRecord],
    refdata: &RefData,
) -> Result<SettlementInstruction, InstructionError> {
    let t = &instruction.terms;
    let Some(first) = members.first() else {
        return Err(InstructionError::Missing {
            trade: t.members.first().copied().unwrap_or_default(),
            what: "member trade",
        });
    };
    let mut message = instruction_for(first, refdata)?;
    message.reference = t.reference.to_string();
    if !t.netted {
        return Ok(message);
    }
    let missing = |what| InstructionError::Missing {
        trade: first.trade_id,
        what,
    };
    let trade_date = members
        .iter()
        .map(|m| m.terms.trade_date)
        .max()
        .unwrap_or(first.terms.trade_date);
    let facing = refdata
        .counterparties
        .get(t.counterparty)
        .ok_or_else(|| missing("counterparty"))?;
    if t.counterparty != first.terms.counterparty {
        let instrument = refdata
            .instruments
            .get(t.instrument)
            .ok_or_else(|| missing("instrument"))?;
        let key = crate::refdata::SsiKey {
            counterparty: Some(t.counterparty),
            market: instrument.market,
            currency: t.currency,
            instrument_type: instrument.kind.instrument_type(),
        };
        if let Some(ssi) = refdata
            .ssi_in_force(&key, trade_date)
            .and_then(|id| refdata.ssis.get(id))
        {
            message.theirs = SettlementParty {
                place_of_settlement: ssi.place_of_settlement,
                agent: ssi.agent,
                safekeeping_account: ssi.safekeeping_account.clone(),
                cash_account: ssi.cash_account.clone(),
            };
        }
    }
    message.trades = t.members.clone();
    message.movement = if t.quantity.is_sign_negative() {
        Movement::Deliver
    } else {
        Movement::Receive
    };
    message.trade_date = trade_date;
    message.quantity = t.quantity.abs();
    message.amount = Some((t.cash, t.currency));
    message.partial_allowed = false;
    message.counterparty = facing.lei;
    Ok(message)
}
