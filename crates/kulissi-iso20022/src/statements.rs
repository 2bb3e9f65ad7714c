//! A custodian's or bank's ISO 20022 statement as the lines of a reconciliation: a
//! semt.002 statement of holdings for house positions or client assets (safekeeping
//! account, ISIN, quantity), a camt.053 statement for house cash (account, currency,
//! closing balance) or client money (currency, closing balance). A statement of the wrong
//! kind for the reconciliation is refused, saying which it is.

use kulissi_core::reconciliation::ReconLine;
use kulissi_core::reconciliation::views::ReconDefinition;

use crate::{Iso20022Error, camt053, semt002};

/// The statement in `xml` as the lines of `definition`, and its date.
pub fn recon_lines(
    xml: &str,
    file: &str,
    definition: ReconDefinition,
) -> Result<(Vec<ReconLine>, jiff::civil::Date), Iso20022Error> {
    let positions = matches!(
        definition,
        ReconDefinition::HousePositions | ReconDefinition::ClientAssets
    );
    let wrong = |expected: &str, found: &str| Iso20022Error::MessageType {
        file: file.to_owned(),
        expected: format!("{expected} for the {} reconciliation", definition.name()),
        found: found.to_owned(),
    };
    if xml.contains(semt002::MESSAGE_ID) {
        if !positions {
            return Err(wrong("camt.053", semt002::MESSAGE_ID));
        }
        let s = semt002::read(xml, file)?;
        let lines = s
            .holdings
            .iter()
            .enumerate()
            .map(|(i, h)| ReconLine {
                key: vec![s.safekeeping_account.clone(), h.isin.to_string()],
                value: h.quantity,
                source: format!("{file} BalForAcct[{}]", i + 1),
            })
            .collect();
        return Ok((lines, s.date));
    }
    if positions {
        return Err(wrong(semt002::MESSAGE_ID, "another message"));
    }
    let statements = camt053::read(xml, file)?;
    let date = statements
        .iter()
        .map(|s| s.date)
        .max()
        .ok_or_else(|| Iso20022Error::Invalid {
            file: file.to_owned(),
            path: "/Document/BkToCstmrStmt".into(),
            problem: "no statement (Stmt)".into(),
        })?;
    let lines = statements
        .iter()
        .map(|s| ReconLine {
            key: match definition {
                ReconDefinition::ClientMoney => vec![s.currency.code().to_owned()],
                _ => vec![s.account.clone(), s.currency.code().to_owned()],
            },
            value: s.closing,
            source: format!("{file} Stmt {}", s.id),
        })
        .collect();
    Ok((lines, date))
}
