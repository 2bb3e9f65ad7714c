//! Writes a few settlement instructions as sese.023.001.11 XML files into a directory:
//! a share purchase and a share sale against payment, a bond sale (face amount) and a free
//! delivery. `tools/peers/iso20022_validate.sh` validates what it writes.
//!
//! `cargo run -p kulissi-iso20022 --example write_sese023 -- DIR`

use std::path::PathBuf;

use anyhow::{Context, Result};
use kulissi_core::identifiers::{Bic, Currency, Isin, Lei};
use kulissi_core::ids::TradeId;
use kulissi_core::settlement::instruction::{
    Movement, Payment, QuantityKind, SettlementInstruction, SettlementParty,
};
use kulissi_core::{Date, Decimal};

fn party(pset: &str, agent: &str, safe: &str, cash: &str) -> Result<SettlementParty> {
    Ok(SettlementParty {
        place_of_settlement: Bic::parse(pset)?,
        agent: Bic::parse(agent)?,
        safekeeping_account: safe.to_owned(),
        cash_account: cash.to_owned(),
    })
}

fn main() -> Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .context("usage: write_sese023 DIR")?,
    );
    std::fs::create_dir_all(&dir)?;
    let eur = Currency::parse("EUR")?;
    let ours = party("APKEFIHH", "NDEAFIHHXXX", "OURSAFE01", "FI2112345600000785")?;
    let theirs = party("APKEFIHH", "OKOYFIHH", "CPTYSAFE7", "CPTYCASH-EUR-1")?;
    let share_buy = SettlementInstruction {
        reference: "KUL1V1".to_owned(),
        trades: vec![TradeId::from(1)],
        movement: Movement::Receive,
        payment: Payment::AgainstPayment,
        trade_date: Date::new(2025, 7, 14)?,
        settlement_date: Date::new(2025, 7, 16)?,
        isin: Isin::parse("FI0009000681")?,
        quantity: Decimal::new(1000, 0),
        quantity_kind: QuantityKind::Units,
        amount: Some((Decimal::new(-2002000, 2), eur)),
        partial_allowed: true,
        ours: ours.clone(),
        theirs: theirs.clone(),
        counterparty: Lei::parse("5493001KJTIIGC8Y1R12")?,
    };
    let share_sell = SettlementInstruction {
        reference: "KUL2V3".to_owned(),
        trades: vec![TradeId::from(2)],
        movement: Movement::Deliver,
        quantity: Decimal::new(2505, 1),
        amount: Some((Decimal::new(501_125, 2), eur)),
        partial_allowed: false,
        ..share_buy.clone()
    };
    let bond = SettlementInstruction {
        reference: "KUL3V1".to_owned(),
        trades: vec![TradeId::from(3)],
        movement: Movement::Deliver,
        isin: Isin::from_national_code("FI", "400019795")?,
        quantity: Decimal::new(500_000, 0),
        quantity_kind: QuantityKind::FaceAmount,
        amount: Some((Decimal::new(50_123_456, 2), eur)),
        ..share_buy.clone()
    };
    let free = SettlementInstruction {
        reference: "KUL4V1".to_owned(),
        trades: vec![TradeId::from(4)],
        payment: Payment::Free,
        amount: None,
        ours: SettlementParty {
            cash_account: String::new(),
            ..ours
        },
        theirs: SettlementParty {
            cash_account: String::new(),
            ..theirs
        },
        ..share_buy.clone()
    };
    for (name, instruction) in [
        ("share-buy", &share_buy),
        ("share-sell", &share_sell),
        ("bond-sell", &bond),
        ("share-receive-free", &free),
    ] {
        let path = dir.join(format!("sese023-{name}.xml"));
        std::fs::write(&path, kulissi_iso20022::sese023::write(instruction))
            .with_context(|| format!("writing {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(())
}
