//! sese.024.001.12 SecuritiesSettlementTransactionStatusAdvice (`docs/domain.md` §3.5): what
//! the custodian says about an instruction.
//!
//! The transaction is named by `TxId/AcctOwnrTxId` (our `TxId`, the instruction's
//! reference). A message may carry a processing status (`PrcgSts`), a matching status
//! (`MtchgSts`) and a settlement status (`SttlmSts`) at once; [`StatusAdvice::statuses`] keeps
//! them in that order. Read are: `PrcgSts/AckdAccptd` (accepted), `PrcgSts/Rjctd`
//! (rejected), `PrcgSts/Canc` (cancelled), `MtchgSts/Mtchd` and `MtchgSts/Umtchd`,
//! `SttlmSts/Pdg` and `SttlmSts/Flng`. Any other status (pending processing, repair, pending
//! cancellation, proprietary, inferred matching) is refused naming its element, so that no
//! status is silently dropped. A status's reasons are all kept: `NoSpcfdRsn` gives none.

use crate::Iso20022Error;
use crate::xml::{self, Node};

/// The message identifier.
pub const MESSAGE_ID: &str = "sese.024.001.12";
/// The message element.
const MESSAGE: &str = "SctiesSttlmTxStsAdvc";

/// A reason code: an ISO code (`LACK`) or a proprietary one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReasonCode {
    /// `Cd`: a code of the ISO list.
    Code(String),
    /// `Prtry`: a proprietary code and its issuer.
    Proprietary {
        /// `Prtry/Id`.
        id: String,
        /// `Prtry/Issr`.
        issuer: String,
    },
}

/// One reason: its code and the free text that came with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reason {
    /// The code.
    pub code: ReasonCode,
    /// `AddtlRsnInf`, when given.
    pub additional_information: Option<String>,
}

/// One status with its reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// `PrcgSts/AckdAccptd`: acknowledged and accepted (MT548 IPRC//PACK).
    Accepted(Vec<Reason>),
    /// `PrcgSts/Rjctd`: rejected (IPRC//REJT), to be repaired and sent again.
    Rejected(Vec<Reason>),
    /// `PrcgSts/Canc`: cancelled (IPRC//CAND).
    Cancelled(Vec<Reason>),
    /// `MtchgSts/Mtchd`: matched with the counterparty's instruction (MTCH//MACH).
    Matched(Vec<Reason>),
    /// `MtchgSts/Umtchd`: not matched (MTCH//NMAT), e.g. DDAT, DQUA, DMON, DSEC, CMIS.
    Unmatched(Vec<Reason>),
    /// `SttlmSts/Pdg`: pending settlement.
    Pending(Vec<Reason>),
    /// `SttlmSts/Flng`: failing to settle on or after the intended settlement date
    /// (SETT//PENF), e.g. LACK, MONY, CLAT.
    Failing(Vec<Reason>),
}

impl Status {
    /// The reasons given with the status.
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Status::Accepted(r)
            | Status::Rejected(r)
            | Status::Cancelled(r)
            | Status::Matched(r)
            | Status::Unmatched(r)
            | Status::Pending(r)
            | Status::Failing(r) => r,
        }
    }
}

/// A status advice, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusAdvice {
    /// `TxId/AcctOwnrTxId`: our instruction's reference.
    pub tx_id: String,
    /// `TxId/AcctSvcrTxId`: the custodian's reference, when given.
    pub account_servicer_tx_id: Option<String>,
    /// The statuses, in message order (processing, matching, settlement); at least one.
    pub statuses: Vec<Status>,
}

/// Reads a sese.024.001.12 status advice.
pub fn read(xml: &str, file: &str) -> Result<StatusAdvice, Iso20022Error> {
    let root = xml::parse(xml, file)?;
    let m = xml::message(&root, file, MESSAGE_ID, MESSAGE)?;
    let tx = m.child("TxId")?;
    let tx_id = tx.child("AcctOwnrTxId")?.text_max(35)?;
    let account_servicer_tx_id = tx.opt("AcctSvcrTxId").map(|n| n.text_max(35)).transpose()?;
    if let Some(inferred) = m.opt("IfrrdMtchgSts") {
        return Err(inferred.invalid("unsupported status (inferred matching)"));
    }
    let mut statuses = Vec::new();
    for (block, options) in [
        ("PrcgSts", &["AckdAccptd", "Rjctd", "Canc"][..]),
        ("MtchgSts", &["Mtchd", "Umtchd"][..]),
        ("SttlmSts", &["Pdg", "Flng"][..]),
    ] {
        let Some(node) = m.opt(block) else { continue };
        let option = node.choice()?;
        let reasons = match option.name() {
            "Mtchd" => match option.opt("Rsn") {
                Some(rsn) => vec![Reason {
                    code: proprietary_code(&rsn)?,
                    additional_information: additional(option.opt("AddtlRsnInf"))?,
                }],
                None => Vec::new(),
            },
            name if options.contains(&name) => reasons(&option)?,
            name => {
                return Err(option.invalid(format!(
                    "unknown or unsupported status {name}, expected {}",
                    options.join(" or ")
                )));
            }
        };
        statuses.push(match option.name() {
            "AckdAccptd" => Status::Accepted(reasons),
            "Rjctd" => Status::Rejected(reasons),
            "Canc" => Status::Cancelled(reasons),
            "Mtchd" => Status::Matched(reasons),
            "Umtchd" => Status::Unmatched(reasons),
            "Pdg" => Status::Pending(reasons),
            _ => Status::Failing(reasons),
        });
    }
    if statuses.is_empty() {
        return Err(m.invalid("no status: none of PrcgSts, MtchgSts, SttlmSts"));
    }
    Ok(StatusAdvice {
        tx_id,
        account_servicer_tx_id,
        statuses,
    })
}

/// The reasons of a `*Status*Choice`: `NoSpcfdRsn` (none) or one or more `Rsn`, each with
/// `Cd` (a choice of `Cd` or `Prtry`) and an optional `AddtlRsnInf`.
pub(crate) fn reasons(status: &Node<'_>) -> Result<Vec<Reason>, Iso20022Error> {
    if let Some(none) = status.opt("NoSpcfdRsn") {
        let code = none.text()?;
        if code != "NORE" {
            return Err(none.invalid(format!("{code:?}, expected NORE")));
        }
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for rsn in status.all("Rsn") {
        let choice = rsn.child("Cd")?.choice()?;
        let code = match choice.name() {
            "Cd" => {
                let code = choice.text()?;
                if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(choice.invalid(format!("{code:?} is not a four-letter code")));
                }
                ReasonCode::Code(code.to_owned())
            }
            "Prtry" => proprietary_code(&choice)?,
            other => return Err(choice.invalid(format!("unexpected element {other}"))),
        };
        out.push(Reason {
            code,
            additional_information: additional(rsn.opt("AddtlRsnInf"))?,
        });
    }
    if out.is_empty() {
        return Err(status.invalid("neither NoSpcfdRsn nor Rsn"));
    }
    Ok(out)
}

/// A `GenericIdentification30`: `Id` (four characters) and `Issr`.
fn proprietary_code(node: &Node<'_>) -> Result<ReasonCode, Iso20022Error> {
    let id = node.child("Id")?;
    let text = id.text()?;
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(id.invalid(format!("{text:?} is not a four-character code")));
    }
    Ok(ReasonCode::Proprietary {
        id: text.to_owned(),
        issuer: node.child("Issr")?.text_max(35)?,
    })
}

fn additional(node: Option<Node<'_>>) -> Result<Option<String>, Iso20022Error> {
    node.map(|n| n.text_max(210)).transpose()
}
