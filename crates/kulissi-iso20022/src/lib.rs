//! ISO 20022 settlement messages between Kulissi and its custodians (issue 11, point 3;
//! `docs/domain.md` §3.5 and §4.1).
//!
//! - [`sese023`] writes a [`SettlementInstruction`](kulissi_core::settlement::instruction::SettlementInstruction)
//!   as a `sese.023.001.11` SecuritiesSettlementTransactionInstruction and reads one back;
//! - [`sese024`] reads a `sese.024.001.12` SecuritiesSettlementTransactionStatusAdvice into a
//!   [`StatusAdvice`](sese024::StatusAdvice) (accepted, rejected, matched, unmatched,
//!   pending, failing, cancelled, with every reason code);
//! - [`sese025`] reads a `sese.025.001.11` SecuritiesSettlementTransactionConfirmation into a
//!   [`Confirmation`](sese025::Confirmation) (settled quantity and amount, effective
//!   settlement date, partial settlement and what remains);
//! - [`status`] reads either of the last two and turns it into the engine's commands;
//! - [`semt002`] reads a custodian's statement of holdings and [`camt053`] a bank's
//!   statement, and [`statements`] turns either into the lines of a reconciliation.
//!
//! The element order follows the schema (learnt from the models of PyPI `python-iso20022`
//! 0.3.0, whose dataclass field order is the XSD sequence); `tools/peers/iso20022_validate.sh`
//! checks what the writer writes and the test fixtures against them. The readers take only
//! what Kulissi needs and ignore the other optional elements of a message, but refuse a
//! message that is not well formed, of another type, or missing or malformed in what they
//! need, with an [`Iso20022Error`] naming the file and the element path; they never panic.
//!
//! This crate is an edge: it does I/O-free text in, text out, and `kulissi-core` knows
//! nothing of XML.

pub mod camt053;
mod error;
pub mod semt002;
pub mod sese023;
pub mod sese024;
pub mod sese025;
pub mod statements;
pub mod status;
mod xml;

pub use error::Iso20022Error;
