//! sese.025.001.11 SecuritiesSettlementTransactionConfirmation (`docs/domain.md` §4.1): the
//! custodian's word that an instruction settled, in full or in part. A settlement is booked
//! from this message only, never from the instruction.
//!
//! Read are: `TxIdDtls/AcctOwnrTxId` (our reference), `AcctSvcrTxId`, `SctiesMvmntTp` and
//! `Pmt`; `AddtlParams/PrtlSttlm` (PAIN: a part, more to come; PARC: the last part);
//! `TradDtls/FctvSttlmDt` (`Dt/Dt`, or the date of `Dt/DtTm`); `FinInstrmId/ISIN`;
//! `QtyAndAcctDtls/SttldQty/Qty` (`Unit` or `FaceAmt`), `RmngToBeSttldQty` when given; and
//! `SttldAmt` (`Amt@Ccy`, `CdtDbtInd`) when cash moved.

use jiff::civil::Date;
use kulissi_core::identifiers::{Currency, Isin};
use kulissi_core::settlement::instruction::{Movement, Payment, QuantityKind};
use rust_decimal::Decimal;

use crate::Iso20022Error;
use crate::sese023::quantity;
use crate::xml;

/// The message identifier.
pub const MESSAGE_ID: &str = "sese.025.001.11";
/// The message element.
const MESSAGE: &str = "SctiesSttlmTxConf";

/// Whether the confirmation is of a part (`AddtlParams/PrtlSttlm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartialSettlement {
    /// PAIN: a partial settlement; the rest is still to settle.
    Part,
    /// PARC: the last part of a partially settled instruction.
    Completed,
}

/// Credit or debit of the settled cash, seen from our account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CreditDebit {
    /// CRDT: we were paid.
    Credit,
    /// DBIT: we paid.
    Debit,
}

/// The settled amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettledAmount {
    /// The amount (positive).
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
    /// Credited or debited.
    pub direction: CreditDebit,
}

/// A settlement confirmation, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// `TxIdDtls/AcctOwnrTxId`: our instruction's reference.
    pub tx_id: String,
    /// `TxIdDtls/AcctSvcrTxId`: the custodian's reference (the idempotency key of the
    /// confirmation), when given.
    pub account_servicer_tx_id: Option<String>,
    /// Received or delivered.
    pub movement: Movement,
    /// Against payment or free.
    pub payment: Payment,
    /// The instrument.
    pub isin: Isin,
    /// The effective settlement date.
    pub effective_settlement_date: Date,
    /// The quantity settled by this confirmation.
    pub settled_quantity: Decimal,
    /// Units or face amount.
    pub quantity_kind: QuantityKind,
    /// The cash that moved, for DvP.
    pub settled_amount: Option<SettledAmount>,
    /// `None` for a settlement in full.
    pub partial: Option<PartialSettlement>,
    /// `RmngToBeSttldQty`, when given.
    pub remaining_quantity: Option<Decimal>,
}

/// Reads a sese.025.001.11 confirmation.
pub fn read(xml: &str, file: &str) -> Result<Confirmation, Iso20022Error> {
    let root = xml::parse(xml, file)?;
    let m = xml::message(&root, file, MESSAGE_ID, MESSAGE)?;
    let ids = m.child("TxIdDtls")?;
    let tx_id = ids.child("AcctOwnrTxId")?.text_max(35)?;
    let account_servicer_tx_id = ids
        .opt("AcctSvcrTxId")
        .map(|n| n.text_max(35))
        .transpose()?;
    let movement = ids
        .child("SctiesMvmntTp")?
        .code(&[("RECE", Movement::Receive), ("DELI", Movement::Deliver)])?;
    let payment = ids
        .child("Pmt")?
        .code(&[("APMT", Payment::AgainstPayment), ("FREE", Payment::Free)])?;
    let partial = m
        .find("AddtlParams")
        .and_then(|p| p.opt("PrtlSttlm"))
        .map(|p| {
            p.code(&[
                ("PAIN", PartialSettlement::Part),
                ("PARC", PartialSettlement::Completed),
            ])
        })
        .transpose()?;
    let esd = m.get("TradDtls/FctvSttlmDt")?;
    let effective_settlement_date = match esd.opt("Dt") {
        Some(dt) => dt.date_choice()?,
        None => {
            return Err(esd.invalid("no date (Dt): a settlement date code is not a settlement"));
        }
    };
    let isin = m.get("FinInstrmId/ISIN")?.isin()?;
    let qty = m.child("QtyAndAcctDtls")?;
    let (settled_quantity, quantity_kind) = quantity(&qty.get("SttldQty/Qty")?)?;
    let remaining_quantity = match qty.opt("RmngToBeSttldQty") {
        Some(r) => {
            let (q, kind) = quantity(&r)?;
            if kind != quantity_kind {
                return Err(r.invalid("expressed otherwise than the settled quantity"));
            }
            Some(q)
        }
        None => None,
    };
    let settled_amount = match m.opt("SttldAmt") {
        Some(a) => {
            let (amount, currency) = a.child("Amt")?.amount()?;
            let direction = a
                .child("CdtDbtInd")?
                .code(&[("CRDT", CreditDebit::Credit), ("DBIT", CreditDebit::Debit)])?;
            Some(SettledAmount {
                amount,
                currency,
                direction,
            })
        }
        None => None,
    };
    Ok(Confirmation {
        tx_id,
        account_servicer_tx_id,
        movement,
        payment,
        isin,
        effective_settlement_date,
        settled_quantity,
        quantity_kind,
        settled_amount,
        partial,
        remaining_quantity,
    })
}
