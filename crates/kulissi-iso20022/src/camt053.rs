//! camt.053 BankToCustomerStatement (001.08 and 001.12, whose elements Kulissi reads are the
//! same; `docs/domain.md` §8): a bank's statement of an account, for the house cash and
//! client money reconciliations.
//!
//! Read are, per statement (`Stmt`, one or more): its identification (`Id`), the account
//! (`Acct/Id/IBAN` or `Acct/Id/Othr/Id`) and currency (`Acct/Ccy`, else the balances'),
//! the opening and closing booked balances (`Bal` with `Tp/CdOrPrtry/Cd` `OPBD` and `CLBD`:
//! `Amt@Ccy`, `CdtDbtInd`, `Dt`), and the entries (`Ntry`: `Amt`, `CdtDbtInd`, `Sts/Cd`,
//! `BookgDt`, `ValDt`, `AcctSvcrRef`, and our reference from
//! `NtryDtls/TxDtls/Refs/EndToEndId` or `AcctOwnrTxId`). The statement date is the closing
//! balance's. A statement whose booked entries do not take the opening balance to the
//! closing one is refused, naming its closing balance: the bank's own figures must add up
//! before ours are compared with them.

use jiff::civil::Date;
use kulissi_core::identifiers::Currency;
use rust_decimal::Decimal;

use crate::Iso20022Error;
use crate::xml::{self, Node};

/// The versions read.
pub const MESSAGE_IDS: [&str; 2] = ["camt.053.001.08", "camt.053.001.12"];
/// The message element.
const MESSAGE: &str = "BkToCstmrStmt";

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The amount, signed: credits positive, debits negative.
    pub amount: Decimal,
    /// Booked (`BOOK`), rather than pending or for information.
    pub booked: bool,
    /// The booking date, when given.
    pub booking_date: Option<Date>,
    /// The value date, when given.
    pub value_date: Option<Date>,
    /// Our reference (end-to-end id or account owner's transaction id), when given.
    pub reference: Option<String>,
    /// The bank's reference, when given.
    pub bank_reference: Option<String>,
}

/// One account's statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashStatement {
    /// `Stmt/Id`.
    pub id: String,
    /// The account: its IBAN or other id.
    pub account: String,
    /// The account's currency.
    pub currency: Currency,
    /// The closing balance's date.
    pub date: Date,
    /// The opening booked balance, when given (credit positive).
    pub opening: Option<Decimal>,
    /// The closing booked balance (credit positive).
    pub closing: Decimal,
    /// The entries, in message order.
    pub entries: Vec<Entry>,
}

fn signed(node: &Node<'_>) -> Result<(Decimal, Currency), Iso20022Error> {
    let (amount, currency) = node.child("Amt")?.amount()?;
    let credit = node
        .child("CdtDbtInd")?
        .code(&[("CRDT", true), ("DBIT", false)])?;
    Ok((if credit { amount } else { -amount }, currency))
}

/// Reads a camt.053 statement message: every statement in it.
pub fn read(xml_text: &str, file: &str) -> Result<Vec<CashStatement>, Iso20022Error> {
    let root = xml::parse(xml_text, file)?;
    let m = match xml::message(&root, file, MESSAGE_IDS[1], MESSAGE) {
        Ok(m) => m,
        Err(_) => xml::message(&root, file, MESSAGE_IDS[0], MESSAGE)?,
    };
    let mut statements = Vec::new();
    for s in m.all("Stmt") {
        let id = s.child("Id")?.text_max(35)?;
        let account_id = s.get("Acct/Id")?.choice()?;
        let account = match account_id.name() {
            "IBAN" => account_id.text_max(34)?,
            "Othr" => account_id.child("Id")?.text_max(34)?,
            other => return Err(account_id.invalid(format!("unexpected element {other}"))),
        };
        let mut opening = None;
        let mut closing = None;
        let mut currency = match s.find("Acct/Ccy") {
            Some(c) => Some(Currency::parse(c.text()?).map_err(|e| c.invalid(e.to_string()))?),
            None => None,
        };
        for balance in s.all("Bal") {
            let code = balance.get("Tp/CdOrPrtry")?.choice()?;
            let (amount, ccy) = signed(&balance)?;
            if *currency.get_or_insert(ccy) != ccy {
                return Err(balance
                    .child("Amt")?
                    .invalid(format!("{ccy} in a statement of another currency")));
            }
            match (code.name(), code.text()?) {
                ("Cd", "OPBD") => opening = Some(amount),
                ("Cd", "CLBD") => closing = Some((amount, balance.child("Dt")?.date_choice()?)),
                _ => {}
            }
        }
        let Some((closing, date)) = closing else {
            return Err(s.invalid("no closing booked balance (Bal with Tp/CdOrPrtry/Cd CLBD)"));
        };
        let mut entries = Vec::new();
        for n in s.all("Ntry") {
            let (amount, ccy) = signed(&n)?;
            if Some(ccy) != currency {
                return Err(n
                    .child("Amt")?
                    .invalid(format!("{ccy} in a statement of another currency")));
            }
            let status = n.child("Sts")?;
            let booked = match status.opt("Cd") {
                Some(code) => code.text()? == "BOOK",
                None => status.text().unwrap_or("") == "BOOK",
            };
            let reference = n
                .find("NtryDtls/TxDtls/Refs/EndToEndId")
                .or_else(|| n.find("NtryDtls/TxDtls/Refs/AcctOwnrTxId"))
                .map(|r| r.text_max(35))
                .transpose()?;
            entries.push(Entry {
                amount,
                booked,
                booking_date: n.opt("BookgDt").map(|d| d.date_choice()).transpose()?,
                value_date: n.opt("ValDt").map(|d| d.date_choice()).transpose()?,
                reference,
                bank_reference: n.opt("AcctSvcrRef").map(|r| r.text_max(35)).transpose()?,
            });
        }
        if let Some(open) = opening {
            let moved: Decimal = entries.iter().filter(|e| e.booked).map(|e| e.amount).sum();
            if open + moved != closing {
                let at = s
                    .all("Bal")
                    .find(|b| b.find("Tp/CdOrPrtry/Cd").and_then(|c| c.text().ok()) == Some("CLBD"))
                    .unwrap_or_else(|| s.clone());
                return Err(at.invalid(format!(
                    "the closing balance {closing} is not the opening {open} plus the booked entries {moved}"
                )));
            }
        }
        let Some(currency) = currency else {
            return Err(s.invalid("no currency (Acct/Ccy or a balance's Amt@Ccy)"));
        };
        statements.push(CashStatement {
            id,
            account,
            currency,
            date,
            opening,
            closing,
            entries,
        });
    }
    Ok(statements)
}
