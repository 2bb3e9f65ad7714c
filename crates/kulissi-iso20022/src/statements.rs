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

/// Why a statement cannot be reconciled.
#[derive(Debug, thiserror::Error)]
pub enum StatementError {
    /// An ISO 20022 statement that does not read.
    #[error("{0}")]
    Xml(#[from] Iso20022Error),
    /// A CSV statement with bad lines.
    #[error("{0}")]
    Csv(kulissi_formats::ImportErrors),
    /// A statement of another date than the run's.
    #[error("{file} is a statement of {dated}, not of {as_of}")]
    WrongDate {
        /// The file.
        file: String,
        /// Its date.
        dated: jiff::civil::Date,
        /// The run's date.
        as_of: jiff::civil::Date,
    },
    /// A source without a saved mapping, or with one for another reconciliation.
    #[error("source {name}: {what}")]
    Mapping {
        /// The source.
        name: String,
        /// What is wrong.
        what: String,
    },
}

/// The saved column mapping of a statement source for `definition` (none without a source).
pub fn mapping_of(
    book: &kulissi_core::reconciliation::breaks::ReconBook,
    source: Option<&str>,
    definition: ReconDefinition,
) -> Result<Vec<(String, String)>, StatementError> {
    let Some(source) = source else {
        return Ok(Vec::new());
    };
    let (mapped, columns) = book
        .mappings
        .get(source)
        .ok_or_else(|| StatementError::Mapping {
            name: source.to_owned(),
            what: "no mapping is saved under that name (kulissi recon mapping)".into(),
        })?;
    if *mapped != definition {
        return Err(StatementError::Mapping {
            name: source.to_owned(),
            what: format!(
                "its mapping is for {}, not {}",
                mapped.name(),
                definition.name()
            ),
        });
    }
    Ok(columns
        .iter()
        .map(|(o, t)| (o.to_string(), t.to_string()))
        .collect())
}

/// A statement as its sender sent it, as the lines of `definition`: ISO 20022 (semt.002
/// for positions, camt.053 for cash; it must be of `as_of`) when it starts with `<`, else
/// CSV read with the source's column `mapping` (`kulissi_formats::statement`).
pub fn statement_lines(
    bytes: &[u8],
    file: &str,
    definition: ReconDefinition,
    mapping: &[(String, String)],
    as_of: jiff::civil::Date,
) -> Result<Vec<ReconLine>, StatementError> {
    let text = String::from_utf8_lossy(bytes);
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        let (lines, dated) = recon_lines(&text, file, definition)?;
        if dated != as_of {
            return Err(StatementError::WrongDate {
                file: file.to_owned(),
                dated,
                as_of,
            });
        }
        return Ok(lines);
    }
    kulissi_formats::statement::read_mapped_statement_csv(bytes, file, definition, mapping)
        .map_err(StatementError::Csv)
}
