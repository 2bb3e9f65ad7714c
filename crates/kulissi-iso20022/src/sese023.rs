//! sese.023.001.11 SecuritiesSettlementTransactionInstruction (`docs/domain.md` §4.1): what
//! Kulissi sends its custodian for a trade.
//!
//! How a [`SettlementInstruction`] maps onto the message, in schema order:
//!
//! | instruction | element |
//! |---|---|
//! | `reference` | `TxId` |
//! | `movement`, `payment` | `SttlmTpAndAddtlParams/SctiesMvmntTp` (RECE, DELI), `Pmt` (APMT, FREE) |
//! | `trade_date`, `settlement_date` | `TradDtls/TradDt/Dt/Dt`, `TradDtls/SttlmDt/Dt/Dt` |
//! | `isin` | `FinInstrmId/ISIN` |
//! | `quantity`, `quantity_kind` | `QtyAndAcctDtls/SttlmQty/Qty/Unit` or `FaceAmt` |
//! | `ours.safekeeping_account` | `QtyAndAcctDtls/SfkpgAcct/Id` (and our `Pty1/SfkpgAcct`) |
//! | (always `TRAD`) | `SttlmParams/SctiesTxTp/Cd` |
//! | `partial_allowed` | `SttlmParams/PrtlSttlmInd` (PART, NPAR) |
//! | the delivering side | `DlvrgSttlmPties`: `Dpstry/Id/AnyBIC` (PSET), `Pty1` (`Id/AnyBIC` the agent, `SfkpgAcct/Id`) |
//! | the receiving side | `RcvgSttlmPties`: the same |
//! | `counterparty` | `Pty2` of their side, the agent's client: `Id/PrtryId` (the LEI, issuer `GLEIF`) and `LEI` |
//! | `cash_account`s | `CshPties/Dbtr` (the side receiving the securities pays) and `CshPties/Cdtr`: `Id/AnyBIC` the agent, `CshAcct/Prtry` |
//! | `amount` (signed: negative when we pay) | `SttlmAmt/Amt@Ccy` (its size), `CdtDbtInd` DBIT when we pay (a purchase), CRDT when we are paid (a sale); a net may pay or be paid on either side, and `CshPties` names the payer `Dbtr` |
//!
//! We receive (RECE): we are the receiving side, they deliver. We deliver (DELI): the reverse.
//! `SttlmAmt` is written when the instruction has an amount (DvP); a cash account left empty
//! is not written. Amounts carry their currency's minor units, quantities no trailing zeros.
//! The writer does not check the schema's lengths (35 characters for `TxId` and a
//! safekeeping account, 34 for a cash account): reference data must keep within them.
//!
//! `trades` is not in the message: [`read`] returns the instruction with an empty `trades`,
//! and the caller maps its `reference` (the `TxId`) back to the trades.

use kulissi_core::identifiers::{Bic, Currency, Lei};
use kulissi_core::settlement::instruction::{
    Movement, Payment, QuantityKind, SettlementInstruction, SettlementParty,
};
use rust_decimal::Decimal;

use crate::Iso20022Error;
use crate::xml::{self, NS_PREFIX, Node, Out, amount_text, quantity_text};

/// The message identifier.
pub const MESSAGE_ID: &str = "sese.023.001.11";
/// The message element.
const MESSAGE: &str = "SctiesSttlmTxInstr";

/// The issuer named with the counterparty's LEI as proprietary identification.
const LEI_ISSUER: &str = "GLEIF";

/// Writes the instruction as a sese.023.001.11 document.
pub fn write(instruction: &SettlementInstruction) -> String {
    let i = instruction;
    let mut out = Out::new();
    let ns = format!("{NS_PREFIX}{MESSAGE_ID}");
    out.open_with("Document", &[("xmlns", &ns)]);
    out.open(MESSAGE);
    out.leaf("TxId", &i.reference);

    out.open("SttlmTpAndAddtlParams");
    out.leaf("SctiesMvmntTp", i.movement.code());
    out.leaf("Pmt", i.payment.code());
    out.close("SttlmTpAndAddtlParams");

    out.open("TradDtls");
    out.nested("TradDt/Dt/Dt", &i.trade_date.to_string());
    out.nested("SttlmDt/Dt/Dt", &i.settlement_date.to_string());
    out.close("TradDtls");

    out.nested("FinInstrmId/ISIN", i.isin.as_str());

    out.open("QtyAndAcctDtls");
    let qty = match i.quantity_kind {
        QuantityKind::Units => "SttlmQty/Qty/Unit",
        QuantityKind::FaceAmount => "SttlmQty/Qty/FaceAmt",
    };
    out.nested(qty, &quantity_text(i.quantity));
    out.nested("SfkpgAcct/Id", &i.ours.safekeeping_account);
    out.close("QtyAndAcctDtls");

    out.open("SttlmParams");
    out.nested("SctiesTxTp/Cd", "TRAD");
    out.leaf(
        "PrtlSttlmInd",
        if i.partial_allowed { "PART" } else { "NPAR" },
    );
    out.close("SttlmParams");

    let (delivering, receiving, ours_delivering) = match i.movement {
        Movement::Receive => (&i.theirs, &i.ours, false),
        Movement::Deliver => (&i.ours, &i.theirs, true),
    };
    let counterparty = |ours: bool| (!ours).then_some(i.counterparty);
    parties(
        &mut out,
        "DlvrgSttlmPties",
        delivering,
        counterparty(ours_delivering),
    );
    parties(
        &mut out,
        "RcvgSttlmPties",
        receiving,
        counterparty(!ours_delivering),
    );

    // Who pays: the sign of the amount (a receipt against payment pays, a delivery is
    // paid; a net may pay on both legs' side); without an amount, the receiving side.
    let we_pay = match i.amount {
        Some((amount, _)) => amount.is_sign_negative(),
        None => i.movement == Movement::Receive,
    };
    let (payer, payee) = if we_pay {
        (&i.ours, &i.theirs)
    } else {
        (&i.theirs, &i.ours)
    };
    if !payer.cash_account.is_empty() || !payee.cash_account.is_empty() {
        out.open("CshPties");
        cash_party(&mut out, "Dbtr", payer);
        cash_party(&mut out, "Cdtr", payee);
        out.close("CshPties");
    }

    if let Some((amount, currency)) = i.amount {
        out.open("SttlmAmt");
        out.leaf_with(
            "Amt",
            &[("Ccy", currency.code())],
            &amount_text(amount.abs(), currency),
        );
        out.leaf(
            "CdtDbtInd",
            if amount.is_sign_negative() {
                "DBIT"
            } else {
                "CRDT"
            },
        );
        out.close("SttlmAmt");
    }

    out.close(MESSAGE);
    out.close("Document");
    out.finish()
}

fn parties(out: &mut Out, name: &str, party: &SettlementParty, counterparty: Option<Lei>) {
    out.open(name);
    out.nested("Dpstry/Id/AnyBIC", party.place_of_settlement.as_str());
    out.open("Pty1");
    out.nested("Id/AnyBIC", party.agent.as_str());
    out.nested("SfkpgAcct/Id", &party.safekeeping_account);
    out.close("Pty1");
    if let Some(lei) = counterparty {
        out.open("Pty2");
        out.open("Id");
        out.open("PrtryId");
        out.leaf("Id", lei.as_str());
        out.leaf("Issr", LEI_ISSUER);
        out.leaf("SchmeNm", "LEI");
        out.close("PrtryId");
        out.close("Id");
        out.leaf("LEI", lei.as_str());
        out.close("Pty2");
    }
    out.close(name);
}

fn cash_party(out: &mut Out, name: &str, party: &SettlementParty) {
    if party.cash_account.is_empty() {
        return;
    }
    out.open(name);
    out.nested("Id/AnyBIC", party.agent.as_str());
    out.nested("CshAcct/Prtry", &party.cash_account);
    out.close(name);
}

/// Reads a sese.023.001.11 document written by [`write`] (or by anyone following the same
/// mapping) back into an instruction, with an empty `trades` (see the module doc).
pub fn read(xml: &str, file: &str) -> Result<SettlementInstruction, Iso20022Error> {
    let root = xml::parse(xml, file)?;
    let m = xml::message(&root, file, MESSAGE_ID, MESSAGE)?;
    let reference = m.child("TxId")?.text_max(35)?;
    let params = m.child("SttlmTpAndAddtlParams")?;
    let movement = params
        .child("SctiesMvmntTp")?
        .code(&[("RECE", Movement::Receive), ("DELI", Movement::Deliver)])?;
    let payment = params
        .child("Pmt")?
        .code(&[("APMT", Payment::AgainstPayment), ("FREE", Payment::Free)])?;
    let trade = m.child("TradDtls")?;
    let trade_date = trade.get("TradDt/Dt")?.date_choice()?;
    let settlement_date = trade.get("SttlmDt/Dt")?.date_choice()?;
    let isin = m.get("FinInstrmId/ISIN")?.isin()?;
    let qty_acct = m.child("QtyAndAcctDtls")?;
    let (quantity, quantity_kind) = quantity(&qty_acct.get("SttlmQty/Qty")?)?;
    let our_safekeeping = qty_acct.get("SfkpgAcct/Id")?.text_max(35)?;
    let sttlm = m.child("SttlmParams")?;
    let tx_type = sttlm.get("SctiesTxTp/Cd")?;
    if tx_type.text()? != "TRAD" {
        return Err(tx_type.invalid(format!(
            "transaction type {:?}, only TRAD is read",
            tx_type.text()?
        )));
    }
    let partial_allowed = sttlm
        .child("PrtlSttlmInd")?
        .code(&[("PART", true), ("NPAR", false)])?;
    let delivering = m.child("DlvrgSttlmPties")?;
    let receiving = m.child("RcvgSttlmPties")?;
    let (ours_node, theirs_node) = match movement {
        Movement::Receive => (&receiving, &delivering),
        Movement::Deliver => (&delivering, &receiving),
    };
    let amount = match m.opt("SttlmAmt") {
        Some(a) => {
            let (amount, currency): (Decimal, Currency) = a.child("Amt")?.amount()?;
            let paid = a
                .child("CdtDbtInd")?
                .code(&[("DBIT", false), ("CRDT", true)])?;
            Some((if paid { amount } else { -amount }, currency))
        }
        None => None,
    };
    let we_pay = match amount {
        Some((a, _)) => a.is_sign_negative(),
        None => movement == Movement::Receive,
    };
    let cash = m.opt("CshPties");
    let cash_of = |role: &str| -> Result<String, Iso20022Error> {
        match cash.as_ref().and_then(|c| c.opt(role)) {
            Some(p) => p.get("CshAcct/Prtry")?.text_max(34),
            None => Ok(String::new()),
        }
    };
    let (our_cash, their_cash) = if we_pay {
        (cash_of("Dbtr")?, cash_of("Cdtr")?)
    } else {
        (cash_of("Cdtr")?, cash_of("Dbtr")?)
    };
    let mut ours = party(ours_node, our_cash)?;
    if ours.safekeeping_account != our_safekeeping {
        return Err(ours_node.get("Pty1/SfkpgAcct/Id")?.invalid(format!(
            "our safekeeping account {:?} differs from QtyAndAcctDtls/SfkpgAcct/Id {our_safekeeping:?}",
            ours.safekeeping_account
        )));
    }
    ours.safekeeping_account = our_safekeeping;
    let theirs = party(theirs_node, their_cash)?;
    let counterparty = theirs_node.get("Pty2/LEI")?.lei()?;
    Ok(SettlementInstruction {
        reference,
        trades: Vec::new(),
        movement,
        payment,
        trade_date,
        settlement_date,
        isin,
        quantity,
        quantity_kind,
        amount,
        partial_allowed,
        ours,
        theirs,
        counterparty,
    })
}

/// `Qty`: `Unit` or `FaceAmt`.
pub(crate) fn quantity(qty: &Node<'_>) -> Result<(Decimal, QuantityKind), Iso20022Error> {
    let option = qty.choice()?;
    let kind = match option.name() {
        "Unit" => QuantityKind::Units,
        "FaceAmt" => QuantityKind::FaceAmount,
        other => {
            return Err(option.invalid(format!(
                "quantity as {other}, only Unit or FaceAmt are read"
            )));
        }
    };
    Ok((option.decimal()?, kind))
}

fn party(node: &Node<'_>, cash_account: String) -> Result<SettlementParty, Iso20022Error> {
    let place: Bic = node.get("Dpstry/Id/AnyBIC")?.bic()?;
    let pty1 = node.child("Pty1")?;
    Ok(SettlementParty {
        place_of_settlement: place,
        agent: pty1.get("Id/AnyBIC")?.bic()?,
        safekeeping_account: pty1.get("SfkpgAcct/Id")?.text_max(35)?,
        cash_account,
    })
}
