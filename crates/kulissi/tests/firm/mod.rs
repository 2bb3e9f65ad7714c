//! What the command-line tests share: the binary run as a script runs it, and the small firm
//! the import, exactly-once and report tests book into (one legal entity, a broker and a
//! custodian, Nokia on XHEL, a book, a house account, both sides' SSIs and a 10 bp commission).

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::process::Command;

/// What a run of the binary gave.
pub(crate) struct Outcome {
    pub(crate) status: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs `kulissi` with `args`.
pub(crate) fn run<I, S>(args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = Command::new(env!("CARGO_BIN_EXE_kulissi"))
        .args(args)
        .output()
        .unwrap();
    Outcome {
        status: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs `kulissi` on the database `db` as `person:tester` on `business_date`.
pub(crate) fn run_on(db: &std::path::Path, business_date: &str, args: &[&str]) -> Outcome {
    let db = db.to_str().unwrap();
    let mut all = vec![
        "--db",
        db,
        "--actor",
        "person:tester",
        "--business-date",
        business_date,
    ];
    all.extend_from_slice(args);
    run(all)
}

/// The firm's reference data, JSON lines.
pub(crate) const REFDATA: &str = r#"{"type":"legal_entity","lei":"5493001KJTIIGC8Y1R12","name":"Kulissi Securities Oyj","reporting_currency":"EUR"}
{"type":"counterparty","lei":"529900T8BM49AURSDO55","name":"Nordic Execution","bic":"NDEAFIHH","role":"broker"}
{"type":"counterparty","lei":"7LTWFZYICNSX8D621K86","name":"Pohjola Custody","bic":"OKOYFIHH","role":"custodian"}
{"type":"instrument","isin":"FI0009000681","name":"Nokia","kind":"equity","currency":"EUR","market":"XHEL"}
{"type":"book","code":"NEQ","legal_entity":"5493001KJTIIGC8Y1R12","desk":"Nordic Equities","trader":"aino"}
{"type":"account","code":"HOUSE-1","legal_entity":"5493001KJTIIGC8Y1R12","owner":"house","custodian":"7LTWFZYICNSX8D621K86","safekeeping_account":"SAFE1","cash_account":"CASH1"}
{"type":"ssi","market":"XHEL","currency":"EUR","instrument_type":"equity","place_of_settlement":"APKEFIHH","agent":"OKOYFIHH","safekeeping_account":"SAFE1","cash_account":"CASH1"}
{"type":"ssi","counterparty":"529900T8BM49AURSDO55","market":"XHEL","currency":"EUR","instrument_type":"equity","place_of_settlement":"APKEFIHH","agent":"NDEAFIHH","safekeeping_account":"CP1","cash_account":"CPCASH"}
{"type":"fee_schedule","market":"XHEL","instrument_type":"equity","commission_bp":"10"}
"#;
