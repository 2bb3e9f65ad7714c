//! Projection: the read-model rows an event changes, derived from the state right after the
//! event is applied. The same function serves the writer (rows for the commit) and `verify`
//! (rows from a replay), so the two cannot drift apart.

use std::collections::HashMap;

use kulissi_core::engine::{Event, State};
use kulissi_core::position::{CashKey, IdHasher, PositionKey};
use kulissi_core::trade::{Side, TradeRecord, TradeStatus};
use kulissi_store::{
    CashRow, CommitBatch, PositionRow, ReferenceRow, SettlementRow, TradeVersionRow,
};

/// Collects the rows of a batch of events.
#[derive(Debug, Default)]
pub(crate) struct Projector {
    positions: HashMap<PositionKey, u64, IdHasher>,
    cash: HashMap<CashKey, u64, IdHasher>,
    /// Whether an event of the batch moved the ledger.
    ledger: bool,
}

impl Projector {
    /// Call before applying `event`: notes the keys the version it replaces touched.
    pub(crate) fn before(&mut self, state: &State, seq: u64, event: &Event) {
        if let Event::TradeAmended { trade_id, .. } | Event::TradeCancelled { trade_id, .. } = event
            && let Some(old) = state.trades.get(*trade_id)
        {
            self.touch(&old.record, seq);
        }
    }

    /// Call after applying `event`: adds its reference or trade-version row to `batch` and
    /// notes the keys it touched.
    pub(crate) fn after(
        &mut self,
        state: &State,
        seq: u64,
        event: &Event,
        batch: &mut CommitBatch,
    ) {
        if let Some(row) = reference_row(state, seq, event) {
            batch.reference.push(row);
        }
        if event.moves_ledger() {
            self.ledger = true;
        }
        match event {
            Event::TradeBooked { trade_id, .. }
            | Event::TradeAmended { trade_id, .. }
            | Event::TradeCancelled { trade_id, .. } => {
                if let Some(stored) = state.trades.get(*trade_id) {
                    batch.trade_versions.push(version_row(&stored.record, seq));
                    if stored.record.status == TradeStatus::Live {
                        self.touch(&stored.record, seq);
                    }
                }
            }
            Event::SettlementConfirmed {
                trade_id,
                quantity,
                settlement_date,
                reference,
                ..
            } => {
                if let Some(stored) = state.trades.get(*trade_id) {
                    let t = &stored.record.terms;
                    self.positions.insert((t.account, t.instrument), seq);
                }
                batch.settlements.push(SettlementRow {
                    seq,
                    trade_id: u64::from(*trade_id),
                    quantity: *quantity,
                    settlement_date: *settlement_date,
                    reference: reference.to_string(),
                });
            }
            // Corporate actions that version positions: every position they changed.
            Event::SplitApplied {
                legal_entity,
                action,
            } => {
                if let Some(a) = state.corporate_actions.get(*action) {
                    for key in state.holdings.positions.keys() {
                        let ours = state
                            .refdata
                            .accounts
                            .get(key.0)
                            .is_some_and(|acc| acc.legal_entity == *legal_entity);
                        if key.1 == a.instrument && ours {
                            self.positions.insert(*key, seq);
                        }
                    }
                }
            }
            Event::BondRedeemed {
                instrument,
                payments,
                ..
            } => {
                for p in payments {
                    self.positions.insert((p.account, *instrument), seq);
                }
            }
            _ => {}
        }
    }

    fn touch(&mut self, record: &TradeRecord, seq: u64) {
        let t = &record.terms;
        self.positions.insert((t.account, t.instrument), seq);
        self.cash
            .insert((t.account, t.currency, t.settlement_date), seq);
    }

    /// Adds the position and cash rows of every touched key, and the ledger balances if they
    /// moved (all of them: a few dozen rows), from the state after the batch.
    pub(crate) fn finish(self, state: &State, batch: &mut CommitBatch) {
        if self.ledger {
            batch.ledger_balances = ledger_rows(state);
        }
        for (key, seq) in self.positions {
            if let Some(p) = state.holdings.positions.get(&key) {
                batch.positions.push(position_row(key, p, seq));
            }
        }
        for (key, seq) in self.cash {
            if let Some(amount) = state.holdings.cash.get(&key) {
                batch.cash.push(cash_row(key, *amount, seq));
            }
        }
    }
}

pub(crate) fn position_row(
    key: PositionKey,
    p: &kulissi_core::position::Position,
    seq: u64,
) -> PositionRow {
    PositionRow {
        account: u32::from(key.0),
        instrument: u32::from(key.1),
        quantity: p.quantity,
        settled_quantity: p.settled_quantity,
        cost: p.cost,
        seq,
    }
}

pub(crate) fn cash_row(key: CashKey, amount: rust_decimal::Decimal, seq: u64) -> CashRow {
    CashRow {
        account: u32::from(key.0),
        currency: key.1.code().to_owned(),
        value_date: key.2,
        amount,
        seq,
    }
}

/// The row of one trade version.
pub(crate) fn version_row(record: &TradeRecord, seq: u64) -> TradeVersionRow {
    let (t, e) = (&record.terms, &record.economics);
    TradeVersionRow {
        trade_id: u64::from(record.trade_id),
        version: record.version,
        seq,
        status: match record.status {
            TradeStatus::Live => "live",
            TradeStatus::Cancelled => "cancelled",
        },
        source: record.source.clone(),
        external_id: record.external_id.clone(),
        book: u32::from(t.book),
        account: u32::from(t.account),
        instrument: u32::from(t.instrument),
        counterparty: u32::from(t.counterparty),
        side: match t.side {
            Side::Buy => "buy",
            Side::Sell => "sell",
        },
        quantity: t.quantity.value(),
        price: t.price.value(),
        currency: t.currency.code().into(),
        trade_date: t.trade_date,
        settlement_date: t.settlement_date,
        net: e.net,
    }
}

/// The reference-data row a definition event produces.
pub(crate) fn reference_row(state: &State, seq: u64, event: &Event) -> Option<ReferenceRow> {
    let r = &state.refdata;
    let (kind, id, natural_key, description) = match event {
        Event::LegalEntityDefined { id, entity: e } => (
            "legal_entity",
            u32::from(*id),
            e.lei.to_string(),
            format!("{}, reports in {}", e.name, e.reporting_currency),
        ),
        Event::CounterpartyDefined {
            id,
            counterparty: c,
        } => (
            "counterparty",
            u32::from(*id),
            c.lei.to_string(),
            format!("{}, {}, {}", c.name, c.role.code(), c.bic),
        ),
        Event::InstrumentDefined { id, instrument: i } => (
            "instrument",
            u32::from(*id),
            i.isin.to_string(),
            format!(
                "{}, {}, {}, {}",
                i.name,
                i.kind.instrument_type().code(),
                i.currency,
                i.market
            ),
        ),
        Event::BookDefined { id, book: b } => (
            "book",
            u32::from(*id),
            b.code.clone(),
            format!("{} desk, trader {}", b.desk, b.trader),
        ),
        Event::AccountDefined { id, account: a } => (
            "account",
            u32::from(*id),
            a.code.clone(),
            format!(
                "{} at {}, safekeeping {}, cash {}",
                a.owner.code(),
                a.custodian,
                a.safekeeping_account,
                a.cash_account
            ),
        ),
        Event::SsiDefined { id, ssi: s } => {
            let party = s
                .key
                .counterparty
                .and_then(|c| r.counterparties.get(c))
                .map_or("ours".to_owned(), |c| c.lei.to_string());
            (
                "ssi",
                u32::from(*id),
                format!(
                    "{party}/{}/{}/{}",
                    s.key.market,
                    s.key.currency,
                    s.key.instrument_type.code()
                ),
                format!(
                    "PSET {}, agent {}, safekeeping {}, cash {}",
                    s.place_of_settlement, s.agent, s.safekeeping_account, s.cash_account
                ),
            )
        }
        Event::NettingSetDefined { counterparty, set } => {
            let lei = |id| {
                r.counterparties
                    .get(id)
                    .map_or(String::new(), |c| c.lei.to_string())
            };
            (
                "netting_set",
                u32::from(*counterparty),
                lei(*counterparty),
                match set {
                    kulissi_core::settlement::netting::NettingSet::Bilateral => {
                        "bilateral".to_owned()
                    }
                    kulissi_core::settlement::netting::NettingSet::Ccp(ccp) => {
                        format!("against the CCP {}", lei(*ccp))
                    }
                },
            )
        }
        Event::FeeScheduleDefined { id, schedule: f } => (
            "fee_schedule",
            u32::from(*id),
            format!("{}/{}", f.market, f.instrument_type.code()),
            format!(
                "commission {} (min {}), exchange fee {}, purchase tax {}",
                f.commission, f.commission_minimum, f.exchange_fee, f.purchase_tax
            ),
        ),
        _ => return None,
    };
    Some(ReferenceRow {
        kind,
        id,
        natural_key,
        description,
        seq,
    })
}

/// Every ledger balance of the state, by currency then account.
pub(crate) fn ledger_rows(state: &State) -> Vec<kulissi_store::LedgerBalanceRow> {
    let mut rows: Vec<kulissi_store::LedgerBalanceRow> = state
        .ledger
        .all()
        .map(
            |(account, currency, balance)| kulissi_store::LedgerBalanceRow {
                account,
                currency: currency.code().to_owned(),
                balance,
            },
        )
        .collect();
    rows.sort_by(|a, b| (&a.currency, a.account).cmp(&(&b.currency, b.account)));
    rows
}
