//! `verify`: the whole log replayed from scratch, the chain checked record by record, the
//! engine's invariants checked on the result, and every read-model row compared with what the
//! replay derives. The report names the first sequence number that disagrees. Snapshots are
//! never read to rebuild: the newest one is compared with the replay at its sequence number.

use std::collections::{BTreeMap, HashMap};

use kulissi_core::engine::{Event, State, apply};
use kulissi_core::trade::TradeStatus;
use kulissi_store::{ChainHead, CommitBatch, EventStore, GENESIS_HASH, ReadModels};
use rust_decimal::Decimal;

use crate::AppError;
use crate::projection::Projector;
use crate::replay::check_record;

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Records checked.
    pub records: u64,
    /// Trades in the replayed state.
    pub trades: usize,
    /// The first problem, if any: the sequence number and what is wrong.
    pub first_problem: Option<(u64, String)>,
}

impl Report {
    /// Whether everything agreed.
    pub fn is_ok(&self) -> bool {
        self.first_problem.is_none()
    }
}

/// Replays and checks everything. `Err` only when the store cannot be read; a broken chain
/// or a disagreement is a report with `first_problem` set.
pub fn verify<S: EventStore>(store: &S, mut progress: impl FnMut(u64)) -> Result<Report, AppError> {
    let mut state = State::default();
    let mut head: Option<ChainHead> = None;
    let mut derived = CommitBatch::default();
    let mut projector = Projector::default();
    let mut problem: Option<(u64, String)> = None;
    let mut last_version: HashMap<kulissi_core::ids::TradeId, u32> = HashMap::new();
    let mut records = 0u64;
    let snapshot_at = store.snapshot_seqs()?.first().copied();
    let read = store.read_log(1, None, &mut |record| {
        let previous = head.map_or(GENESIS_HASH, |h| h.hash);
        let expected = head.map_or(1, |h| h.seq + 1);
        let event = match check_record(&previous, expected, &record) {
            Ok(event) => event,
            Err(AppError::Log { seq, what }) => {
                problem = Some((seq, what));
                return Ok(false);
            }
            Err(e) => {
                problem = Some((record.seq, e.to_string()));
                return Ok(false);
            }
        };
        if let Some(what) = version_problem(&mut last_version, &event) {
            problem = Some((record.seq, what));
            return Ok(false);
        }
        projector.before(&state, record.seq, &event);
        if let Err(e) = apply(&mut state, &event) {
            problem = Some((record.seq, e.to_string()));
            return Ok(false);
        }
        projector.after(&state, record.seq, &event, &mut derived);
        head = Some(ChainHead {
            seq: record.seq,
            hash: record.hash,
        });
        records += 1;
        if Some(record.seq) == snapshot_at
            && let Some(what) = snapshot_problem(store, record.seq, &record.hash, &state)
        {
            problem = Some((record.seq, what));
            return Ok(false);
        }
        if records.is_multiple_of(100_000) {
            progress(records);
        }
        Ok(true)
    });
    match read {
        Ok(()) => {}
        // A record the store cannot even read is a problem at that record, not a failure
        // of verify.
        Err(kulissi_store::StoreError::Corrupt { seq, what }) => {
            problem.get_or_insert((seq, what));
        }
        Err(e) => return Err(e.into()),
    }
    progress(records);
    if problem.is_none() {
        problem = ledger_problem(&state).map(|what| (head.map_or(0, |h| h.seq), what));
    }
    if problem.is_none() {
        projector.finish(&state, &mut derived);
        problem = invariant_problem(&state, &derived);
    }
    if problem.is_none() {
        problem = compare(derived, store.read_models()?);
    }
    Ok(Report {
        records,
        trades: state.trades.len(),
        first_problem: problem,
    })
}

/// The ledger must balance in every currency; its securities at cost equal the positions'
/// cost sub-ledger, its cash the cash sub-ledger, and its valuation adjustment the
/// positions' adjustments.
/// What is wrong with the snapshot at `seq`, compared with the state replayed to it.
fn snapshot_problem<S: EventStore>(
    store: &S,
    seq: u64,
    hash: &[u8; 32],
    replayed: &State,
) -> Option<String> {
    let snapshot = match store.load_snapshot(seq) {
        Ok(Some(s)) => s,
        Ok(None) => return None,
        Err(e) => return Some(format!("the snapshot cannot be read: {e}")),
    };
    if snapshot.hash != *hash {
        return Some("the snapshot was taken of another log".to_owned());
    }
    match kulissi_core::engine::snapshot::decode(&snapshot.payload) {
        Ok(state) if state == *replayed => None,
        Ok(_) => Some("the snapshot differs from the state replayed to it".to_owned()),
        Err(e) => Some(format!("the snapshot does not decode: {e}")),
    }
}

fn ledger_problem(state: &State) -> Option<String> {
    use kulissi_core::identifiers::Currency;
    use kulissi_core::ledger::codes::{
        CASH, SECURITIES_AT_COST, SECURITIES_SOLD_SHORT, VALUATION_ADJUSTMENT,
    };
    let mut per_currency: HashMap<Currency, Decimal> = HashMap::new();
    for (_, currency, balance) in state.ledger.iter() {
        *per_currency.entry(currency).or_default() += balance;
    }
    if let Some((currency, difference)) = per_currency.iter().find(|(_, b)| !b.is_zero()) {
        return Some(format!(
            "the ledger does not balance in {currency}: debits exceed credits by {difference}"
        ));
    }
    let house = |account| state.owner(account) == kulissi_core::refdata::AccountOwner::House;
    let mut cost: HashMap<Currency, (Decimal, Decimal)> = HashMap::new();
    for ((account, instrument), position) in &state.holdings.positions {
        if !house(*account) {
            continue;
        }
        if let Some(i) = state.refdata.instruments.get(*instrument) {
            let (long, short) = cost.entry(i.currency).or_default();
            *long += position.cost.max(Decimal::ZERO);
            *short += position.cost.min(Decimal::ZERO);
        }
    }
    let cost_problem = cost.into_iter().find_map(|(currency, (long, short))| {
        let ledger = state.ledger.balance(SECURITIES_AT_COST, currency);
        let sold_short = state.ledger.balance(SECURITIES_SOLD_SHORT, currency);
        if ledger != long {
            Some(format!("securities at cost in {currency} are {ledger} in the ledger but {long} in the long positions"))
        } else if sold_short != short {
            Some(format!("securities sold short in {currency} are {sold_short} in the ledger but {short} in the short positions"))
        } else {
            None
        }
    });
    let mut cash: HashMap<Currency, Decimal> = HashMap::new();
    for ((account, currency), balance) in state.cash.balances() {
        if house(account) {
            *cash.entry(currency).or_default() += balance.posted;
        }
    }
    for (_, currency, _) in state.ledger.iter().filter(|(a, _, _)| *a == CASH) {
        cash.entry(currency).or_default();
    }
    let cash_problem = cash.into_iter().find_map(|(currency, total)| {
        let ledger = state.ledger.balance(CASH, currency);
        (ledger != total).then(|| {
            format!(
                "cash in {currency} is {ledger} in the ledger but {total} in the cash sub-ledger"
            )
        })
    });
    let mut adjustments: HashMap<Currency, Decimal> = HashMap::new();
    for ((_, instrument), adjustment) in state.valuations.adjusted_positions() {
        if let Some(i) = state.refdata.instruments.get(instrument) {
            *adjustments.entry(i.currency).or_default() += adjustment;
        }
    }
    for (_, currency, _) in state
        .ledger
        .iter()
        .filter(|(a, _, _)| *a == VALUATION_ADJUSTMENT)
    {
        adjustments.entry(currency).or_default();
    }
    let valuation_problem = adjustments.into_iter().find_map(|(currency, total)| {
        let ledger = state.ledger.balance(VALUATION_ADJUSTMENT, currency);
        (ledger != total).then(|| {
            format!("the valuation adjustment in {currency} is {ledger} in the ledger but {total} over the positions")
        })
    });
    let client_money_problem = kulissi_core::client_money::client_money(state)
        .into_iter()
        .find_map(|c| {
            let currency = c.currency;
            if !c.ledger_ties() {
                Some(format!(
                    "client money in {currency} does not tie: {} at banks (1150) but {} held for clients (2500)",
                    c.at_banks, c.held
                ))
            } else if !c.sub_ledger_ties() {
                Some(format!(
                    "client money held in {currency} is {} in the ledger (2500) but {} over the clients' balances",
                    c.held, c.client_balances
                ))
            } else {
                None
            }
        });
    cost_problem
        .or(cash_problem)
        .or(valuation_problem)
        .or(client_money_problem)
}

/// Trade versions must run 1, 2, 3, ... per trade.
fn version_problem(
    last: &mut HashMap<kulissi_core::ids::TradeId, u32>,
    event: &Event,
) -> Option<String> {
    let (trade_id, version) = match event {
        Event::TradeBooked { trade_id, .. } => (*trade_id, 1),
        Event::TradeAmended {
            trade_id, version, ..
        }
        | Event::TradeCancelled {
            trade_id, version, ..
        } => (*trade_id, *version),
        _ => return None,
    };
    let expected = last.get(&trade_id).map_or(1, |v| v + 1);
    if version != expected {
        return Some(format!(
            "trade {trade_id} jumps to version {version}, expected {expected}"
        ));
    }
    last.insert(trade_id, version);
    None
}

/// Positions must equal the sum over live trades (unless a split or redemption versioned
/// them); cash the sum of their net amounts. The problem is reported at the record that last
/// changed the row.
fn invariant_problem(state: &State, derived: &CommitBatch) -> Option<(u64, String)> {
    let mut quantity: HashMap<kulissi_core::position::PositionKey, Decimal> = HashMap::new();
    let mut settled: HashMap<kulissi_core::position::PositionKey, Decimal> = HashMap::new();
    let mut cash: HashMap<(u32, &str, jiff::civil::Date), Decimal> = HashMap::new();
    for stored in state.trades.iter() {
        let r = &stored.record;
        if r.status == TradeStatus::Live {
            let key = (r.terms.account, r.terms.instrument);
            *quantity.entry(key).or_default() += r.terms.signed_quantity();
            *settled.entry(key).or_default() += r.terms.side.sign() * r.settled_quantity;
            *cash
                .entry((
                    u32::from(r.terms.account),
                    r.terms.currency.code(),
                    r.terms.settlement_date,
                ))
                .or_default() += r.economics.cash_flow(r.terms.side);
        }
    }
    let mut problems = Vec::new();
    // A split or a redemption versions a position beyond its trades: those positions are
    // checked against the ledger (cost) and the cash sub-ledger instead.
    let versioned = |account: u32, instrument: u32| {
        state
            .holdings
            .positions
            .get(&(
                kulissi_core::ids::AccountId(account),
                kulissi_core::ids::InstrumentId(instrument),
            ))
            .is_some_and(|p| p.has_corporate_actions())
    };
    for p in derived
        .positions
        .iter()
        .filter(|p| !versioned(p.account, p.instrument))
    {
        let expected_settled = settled
            .get(&(
                kulissi_core::ids::AccountId(p.account),
                kulissi_core::ids::InstrumentId(p.instrument),
            ))
            .copied()
            .unwrap_or_default();
        if p.settled_quantity != expected_settled {
            problems.push((
                p.seq,
                format!(
                    "settled quantity of account {} in instrument {} is {} but its trades' confirmations sum to {expected_settled}",
                    p.account, p.instrument, p.settled_quantity
                ),
            ));
        }
        let expected = quantity
            .get(&(
                kulissi_core::ids::AccountId(p.account),
                kulissi_core::ids::InstrumentId(p.instrument),
            ))
            .copied()
            .unwrap_or_default();
        if p.quantity != expected {
            problems.push((
                p.seq,
                format!(
                    "position of account {} in instrument {} is {} but its live trades sum to {expected}",
                    p.account, p.instrument, p.quantity
                ),
            ));
        }
    }
    for c in &derived.cash {
        let expected = cash
            .get(&(c.account, c.currency.as_str(), c.value_date))
            .copied()
            .unwrap_or_default();
        if c.amount != expected {
            problems.push((
                c.seq,
                format!(
                    "projected cash of account {} in {} on {} is {} but its live trades sum to {expected}",
                    c.account, c.currency, c.value_date, c.amount
                ),
            ));
        }
    }
    problems.into_iter().min_by_key(|(seq, _)| *seq)
}

/// Compares the stored read models with the ones the replay derives; the first mismatch is
/// the one with the lowest sequence number.
fn compare(derived: CommitBatch, stored: ReadModels) -> Option<(u64, String)> {
    let mut expected = ReadModels::default();
    let mut reference: BTreeMap<(&str, u32), _> = BTreeMap::new();
    for row in derived.reference {
        reference.insert((row.kind, row.id), row);
    }
    expected.reference = reference.into_values().collect();
    expected.trade_versions = derived.trade_versions;
    expected
        .trade_versions
        .sort_by_key(|v| (v.trade_id, v.version));
    expected.positions = derived.positions;
    expected
        .positions
        .sort_by_key(|p| (p.account, p.instrument));
    expected.cash = derived.cash;
    expected.settlements = derived.settlements;
    expected.ledger_balances = derived.ledger_balances;
    expected.cash.sort_by(|a, b| {
        (a.account, &a.currency, a.value_date).cmp(&(b.account, &b.currency, b.value_date))
    });

    let mut problems: Vec<(u64, String)> = Vec::new();
    diff(
        "reference data",
        &expected.reference,
        &stored.reference,
        |r| r.seq,
        |r| format!("{} {}", r.kind, r.id),
        &mut problems,
    );
    diff(
        "trade versions",
        &expected.trade_versions,
        &stored.trade_versions,
        |r| r.seq,
        |r| format!("trade {} version {}", r.trade_id, r.version),
        &mut problems,
    );
    diff(
        "positions",
        &expected.positions,
        &stored.positions,
        |r| r.seq,
        |r| format!("account {} instrument {}", r.account, r.instrument),
        &mut problems,
    );
    diff(
        "ledger balances",
        &expected.ledger_balances,
        &stored.ledger_balances,
        |_| 0,
        |r| format!("account {} in {}", r.account, r.currency),
        &mut problems,
    );
    diff(
        "settlements",
        &expected.settlements,
        &stored.settlements,
        |r| r.seq,
        |r| format!("settlement {}", r.seq),
        &mut problems,
    );
    diff(
        "cash",
        &expected.cash,
        &stored.cash,
        |r| r.seq,
        |r| format!("account {} {} {}", r.account, r.currency, r.value_date),
        &mut problems,
    );
    problems.into_iter().min_by_key(|(seq, _)| *seq)
}

fn diff<T: PartialEq + std::fmt::Debug>(
    what: &str,
    expected: &[T],
    stored: &[T],
    seq: impl Fn(&T) -> u64,
    name: impl Fn(&T) -> String,
    problems: &mut Vec<(u64, String)>,
) {
    let n = expected.len().max(stored.len());
    for i in 0..n {
        match (expected.get(i), stored.get(i)) {
            (Some(e), Some(s)) if e == s => {}
            (Some(e), Some(s)) => {
                problems.push((
                    seq(e).min(seq(s)),
                    format!(
                        "{what}: {} differs: the log gives {e:?}, the store has {s:?}",
                        name(e)
                    ),
                ));
                return;
            }
            (Some(e), None) => {
                problems.push((
                    seq(e),
                    format!("{what}: {} is missing from the store", name(e)),
                ));
                return;
            }
            (None, Some(s)) => {
                problems.push((
                    seq(s),
                    format!(
                        "{what}: the store has {} that the log does not give",
                        name(s)
                    ),
                ));
                return;
            }
            (None, None) => return,
        }
    }
}
