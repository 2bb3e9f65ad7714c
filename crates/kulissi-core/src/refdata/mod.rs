//! Reference (static) data: who and what trades refer to.
//!
//! Legal entities, counterparties, instruments, books, accounts, standing settlement
//! instructions and fee schedules. Each kind lives in a table indexed by a small integer id
//! assigned in definition order, so that trades refer to reference data with four bytes and
//! replaying the log assigns the same ids. Redefining an existing key (same LEI, ISIN or code)
//! updates it in place under the same id; the event log keeps every version.

mod account;
mod fees;
mod instrument;
mod party;
mod ssi;

pub use account::{Account, AccountOwner, Book, CostMethod};
pub use fees::FeeSchedule;
pub use instrument::{Instrument, InstrumentKind, InstrumentType};
pub use party::{Counterparty, CounterpartyRole, LegalEntity};
pub use ssi::{SsiKey, StandingSettlementInstruction};

use std::collections::HashMap;
use std::hash::Hash;

use crate::ids::{
    AccountId, BookId, CounterpartyId, DenseId, FeeScheduleId, InstrumentId, LegalEntityId, SsiId,
};

/// A table of one kind of reference data: rows by id, and ids by natural key.
#[derive(Debug, Clone)]
pub struct Table<K, V, I> {
    rows: Vec<V>,
    /// Keys are our own reference data, entered by staff, so a fast non-keyed hash is safe:
    /// a lookup of any outside string cannot do worse than the chains the table already has.
    ids: HashMap<K, I, crate::position::IdHasher>,
}

impl<K: Eq + Hash, V: PartialEq, I: DenseId> PartialEq for Table<K, V, I> {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows && self.ids == other.ids
    }
}

impl<K: Eq + Hash, V: Eq, I: DenseId> Eq for Table<K, V, I> {}

impl<K: Eq + Hash + Clone, V, I: DenseId> Default for Table<K, V, I> {
    fn default() -> Self {
        Table {
            rows: Vec::new(),
            ids: HashMap::default(),
        }
    }
}

impl<K: Eq + Hash + Clone, V, I: DenseId> Table<K, V, I> {
    /// The id a new row would get.
    pub fn next_id(&self) -> I {
        I::from_index(u32::try_from(self.rows.len()).unwrap_or(u32::MAX))
    }

    /// The id of `key`, if defined.
    pub fn id(&self, key: &K) -> Option<I> {
        self.ids.get(key).copied()
    }

    /// The row with `id`.
    pub fn get(&self, id: I) -> Option<&V> {
        self.rows.get(id.index() as usize)
    }

    /// The row for `key`.
    pub fn by_key(&self, key: &K) -> Option<&V> {
        self.id(key).and_then(|id| self.get(id))
    }

    /// Inserts or replaces the row with `id` (ids are dense: a new id is `next_id()`).
    pub fn put(&mut self, id: I, key: K, value: V) {
        let index = id.index() as usize;
        if index < self.rows.len() {
            self.rows[index] = value;
        } else {
            self.rows.push(value);
        }
        self.ids.insert(key, id);
    }

    /// Every row, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (I, &V)> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, v)| (I::from_index(i as u32), v))
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// All reference data, as the engine sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefData {
    /// Our own legal entities, by LEI.
    pub legal_entities: Table<crate::identifiers::Lei, LegalEntity, LegalEntityId>,
    /// Counterparties, by LEI.
    pub counterparties: Table<crate::identifiers::Lei, Counterparty, CounterpartyId>,
    /// Instruments, by ISIN.
    pub instruments: Table<crate::identifiers::Isin, Instrument, InstrumentId>,
    /// Books, by code.
    pub books: Table<String, Book, BookId>,
    /// Accounts, by code.
    pub accounts: Table<String, Account, AccountId>,
    /// Standing settlement instructions, by counterparty × market × currency × type.
    pub ssis: Table<(SsiKey, jiff::civil::Date), StandingSettlementInstruction, SsiId>,
    /// Each SSI key's versions by valid-from date.
    ssi_versions: Versions<SsiKey, SsiId>,
    /// Fee schedules, by market × instrument type.
    pub fee_schedules: Table<FeeScheduleKey, FeeSchedule, FeeScheduleId>,
    /// Each market and instrument type's schedules by valid-from date.
    fee_versions: Versions<(crate::settlement::Market, InstrumentType), FeeScheduleId>,
    /// How each counterparty's trades net for settlement (those without one settle gross).
    pub netting_sets: crate::settlement::netting::NettingSets,
}

/// The valid-from date of reference data defined without one: in force for every trade.
pub const IN_FORCE_FROM_THE_START: jiff::civil::Date = jiff::civil::date(1900, 1, 1);

/// Effective-dated versions of one kind of reference data: per key, the ids of its versions
/// by valid-from date, oldest first.
#[derive(Debug, Clone)]
struct Versions<K, I>(HashMap<K, Vec<(jiff::civil::Date, I)>>);

impl<K: Eq + Hash, I: PartialEq> PartialEq for Versions<K, I> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<K: Eq + Hash, I: Eq> Eq for Versions<K, I> {}

impl<K, I> Default for Versions<K, I> {
    fn default() -> Self {
        Versions(HashMap::new())
    }
}

impl<K: Eq + Hash, I: Copy> Versions<K, I> {
    /// Adds a version (the same key and date again keeps the id it has: the row is replaced
    /// in place).
    fn add(&mut self, key: K, valid_from: jiff::civil::Date, id: I) {
        let versions = self.0.entry(key).or_default();
        if let Err(at) = versions.binary_search_by_key(&valid_from, |v| v.0) {
            versions.insert(at, (valid_from, id));
        }
    }

    /// The version in force on `date`: the latest valid-from date on or before it.
    fn in_force(&self, key: &K, date: jiff::civil::Date) -> Option<I> {
        let versions = self.0.get(key)?;
        versions
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .map(|v| v.1)
    }
}

/// A fee schedule's key: market, instrument type and the date it is valid from.
pub type FeeScheduleKey = (crate::settlement::Market, InstrumentType, jiff::civil::Date);

impl RefData {
    /// Puts a fee schedule version (a new valid-from date adds a version; the same date
    /// replaces it).
    pub fn put_fee_schedule(&mut self, id: FeeScheduleId, schedule: FeeSchedule) {
        let key = (
            schedule.market,
            schedule.instrument_type,
            schedule.valid_from,
        );
        self.fee_versions.add(
            (schedule.market, schedule.instrument_type),
            schedule.valid_from,
            id,
        );
        self.fee_schedules.put(id, key, schedule);
    }

    /// Puts an SSI version (a new valid-from date adds a version; the same date replaces it).
    pub fn put_ssi(&mut self, id: SsiId, ssi: StandingSettlementInstruction) {
        self.ssi_versions.add(ssi.key, ssi.valid_from, id);
        self.ssis.put(id, (ssi.key, ssi.valid_from), ssi);
    }

    /// The SSI in force on `date` for `key`: the one with the latest valid-from date on or
    /// before it.
    pub fn ssi_in_force(&self, key: &SsiKey, date: jiff::civil::Date) -> Option<SsiId> {
        self.ssi_versions.in_force(key, date)
    }

    /// The fee schedule in force on `date` for a market and instrument type: the one with
    /// the latest valid-from date on or before it.
    pub fn fee_schedule_in_force(
        &self,
        market: crate::settlement::Market,
        instrument_type: InstrumentType,
        date: jiff::civil::Date,
    ) -> Option<&FeeSchedule> {
        let id = self
            .fee_versions
            .in_force(&(market, instrument_type), date)?;
        self.fee_schedules.get(id)
    }
}
