//! semt.002.001.11 SecuritiesBalanceCustodyReport (`docs/domain.md` §8): a custodian's
//! statement of holdings, for the position and client-asset reconciliations.
//!
//! Read are: the statement date (`StmtGnlDtls/StmtDtTm`, `Dt` or the date of `DtTm`), its
//! identification (`StmtGnlDtls/StmtId`), the safekeeping account (`SfkpgAcct/Id`), and
//! per holding (`BalForAcct`) the ISIN (`FinInstrmId/ISIN`) and the aggregate balance
//! (`AggtBal/Qty/Qty/Qty/Unit` or `FaceAmt`, negative when `AggtBal/ShrtLngInd` is
//! `SHOR`). Refused, naming the element: a delta statement (`UpdTp` other than `COMP`: a
//! missing holding would not mean zero), a page other than the last of a multi-page
//! statement (`Pgntn/LastPgInd` false: load the statement whole), holdings in
//! sub-accounts (`SubAcctInd` true), a holding without an ISIN.

use jiff::civil::Date;
use kulissi_core::identifiers::Isin;
use kulissi_core::settlement::instruction::QuantityKind;
use rust_decimal::Decimal;

use crate::Iso20022Error;
use crate::xml;

/// The message identifier.
pub const MESSAGE_ID: &str = "semt.002.001.11";
/// The message element.
const MESSAGE: &str = "SctiesBalCtdyRpt";

/// One holding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    /// The instrument.
    pub isin: Isin,
    /// The aggregate balance (negative for a short).
    pub quantity: Decimal,
    /// Units or face amount.
    pub quantity_kind: QuantityKind,
}

/// A statement of holdings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldingsStatement {
    /// `StmtGnlDtls/StmtId`, when given.
    pub statement_id: Option<String>,
    /// The statement date.
    pub date: Date,
    /// The safekeeping account.
    pub safekeeping_account: String,
    /// The holdings, in message order.
    pub holdings: Vec<Holding>,
}

/// Reads a semt.002.001.11 statement of holdings.
pub fn read(xml_text: &str, file: &str) -> Result<HoldingsStatement, Iso20022Error> {
    let root = xml::parse(xml_text, file)?;
    let m = xml::message(&root, file, MESSAGE_ID, MESSAGE)?;
    if let Some(pages) = m.opt("Pgntn") {
        let last = pages.child("LastPgInd")?;
        if last.text()? != "true" {
            return Err(last.invalid(format!(
                "page {} of a statement of several pages; load the statement whole",
                pages.child("PgNb")?.text()?
            )));
        }
    }
    let general = m.child("StmtGnlDtls")?;
    let date = general.child("StmtDtTm")?.date_choice()?;
    let statement_id = general.opt("StmtId").map(|n| n.text_max(35)).transpose()?;
    let update = general.get("UpdTp/Cd")?;
    if update.text()? != "COMP" {
        return Err(update.invalid(format!(
            "{:?}: only a complete statement (COMP) is reconciled; in a delta a missing holding is not zero",
            update.text()?
        )));
    }
    let sub_accounts = general.child("SubAcctInd")?;
    if sub_accounts.text()? == "true" {
        return Err(sub_accounts.invalid("holdings in sub-accounts are not read"));
    }
    let safekeeping_account = m.get("SfkpgAcct/Id")?.text_max(35)?;
    let mut holdings = Vec::new();
    for balance in m.all("BalForAcct") {
        let isin = balance.get("FinInstrmId/ISIN")?.isin()?;
        let aggregate = balance.child("AggtBal")?;
        let quantity_node = aggregate.get("Qty/Qty/Qty")?.choice()?;
        let quantity_kind = match quantity_node.name() {
            "Unit" => QuantityKind::Units,
            "FaceAmt" => QuantityKind::FaceAmount,
            other => {
                return Err(quantity_node
                    .invalid(format!("a quantity as {other}; expected Unit or FaceAmt")));
            }
        };
        let size = quantity_node.decimal()?;
        let short = aggregate
            .child("ShrtLngInd")?
            .code(&[("LONG", false), ("SHOR", true)])?;
        holdings.push(Holding {
            isin,
            quantity: if short { -size } else { size },
            quantity_kind,
        });
    }
    Ok(HoldingsStatement {
        statement_id,
        date,
        safekeeping_account,
        holdings,
    })
}
