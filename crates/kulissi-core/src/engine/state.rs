//! The engine's state: reference data, the trade book, holdings, the ledger and the rest, and
//! how each event changes them (`apply`).

use super::apply_error::{exists, fits_id};
use super::trade_book::{Confirmation, StoredTrade, Trades};
use super::{ApplyError, Event};
use crate::cash::{CashLedger, CashMovement, CashMovementStatus};
use crate::identifiers::Currency;
use crate::ids::{LegalEntityId, TradeId};
use crate::ledger::{self, EntryHeader, EntryKind, Sink};
use crate::market_data::{MarketData, RecordedPrice};
use crate::position::{Holdings, PositionKey};
use crate::refdata::{AccountOwner, RefData};
use crate::trade::{TradeRecord, TradeStatus};
use jiff::civil::Date;
use rust_decimal::Decimal;

/// Everything the engine knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Reference data.
    pub refdata: RefData,
    /// Trades.
    pub trades: Trades,
    /// Positions and projected cash.
    pub holdings: Holdings,
    /// General-ledger balances, derived from the events by the posting rules.
    pub ledger: ledger::LedgerBalances,
    /// End-of-day prices and FX rates.
    pub market_data: MarketData,
    /// Valuation adjustments of positions and the last FX revaluations.
    pub valuations: ledger::Valuations,
    /// Cash movements and the cash sub-ledger (posted cash per account and currency).
    pub cash: CashLedger,
    /// Accounting periods per legal entity.
    pub periods: ledger::Periods,
    /// Manual journal entries.
    pub manual_entries: ledger::ManualEntries,
    /// Accounts legal entities added to the default chart, or renamed, by entity and code.
    pub ledger_accounts: std::collections::BTreeMap<(LegalEntityId, u16), ledger::LedgerAccount>,
    /// Messages taken from outside, by idempotency key (exactly once at every door).
    pub messages: super::Messages,
    /// Corporate actions announced, and the asset servicing each legal entity has done.
    pub corporate_actions: crate::corporate_actions::CorporateActions,
    /// Settlement instructions, their statuses and settled parts, the exception queue, and
    /// the settlement reference data (tolerances, penalty rates, central-bank rates).
    pub settlement: crate::settlement::lifecycle::SettlementBook,
    /// Reconciliation breaks, the statements loaded and the runs made.
    pub reconciliations: crate::reconciliation::breaks::ReconBook,
    /// Internal control: the staff directory, users and tokens, approvals, compliance.
    pub controls: crate::controls::Controls,
}

impl State {
    /// Applies one event. An event that does not fit the state (it names a trade, movement,
    /// entry or reference-data row the state does not have, gives a new one another id than
    /// the next, or changes one that is not in the state the change starts from) is an
    /// [`ApplyError`], never ignored; the state may then be half-changed.
    pub(super) fn apply<J: ledger::Journal>(
        &mut self,
        event: &Event,
        journal: &mut J,
    ) -> Result<(), ApplyError> {
        let kind = event.kind();
        let refdata = &mut self.refdata;
        match event {
            Event::LegalEntityDefined { id, entity } => {
                let table = &mut refdata.legal_entities;
                fits_id(
                    kind,
                    "legal entity",
                    *id,
                    table.id(&entity.lei),
                    table.next_id(),
                )?;
                table.put(*id, entity.lei, entity.clone())
            }
            Event::CounterpartyDefined { id, counterparty } => {
                let table = &mut refdata.counterparties;
                let existing = table.id(&counterparty.lei);
                fits_id(kind, "counterparty", *id, existing, table.next_id())?;
                table.put(*id, counterparty.lei, counterparty.clone())
            }
            Event::InstrumentDefined { id, instrument } => {
                let table = &mut refdata.instruments;
                let existing = table.id(&instrument.isin);
                fits_id(kind, "instrument", *id, existing, table.next_id())?;
                table.put(*id, instrument.isin, instrument.clone())
            }
            Event::BookDefined { id, book } => {
                let table = &mut refdata.books;
                fits_id(kind, "book", *id, table.id(&book.code), table.next_id())?;
                table.put(*id, book.code.clone(), book.clone())
            }
            Event::AccountDefined { id, account } => {
                let table = &mut refdata.accounts;
                fits_id(
                    kind,
                    "account",
                    *id,
                    table.id(&account.code),
                    table.next_id(),
                )?;
                table.put(*id, account.code.clone(), account.clone())
            }
            Event::SsiDefined { id, ssi } => {
                let table = &refdata.ssis;
                let key = (ssi.key, ssi.valid_from);
                fits_id(kind, "SSI", *id, table.id(&key), table.next_id())?;
                refdata.put_ssi(*id, ssi.clone())
            }
            Event::FeeScheduleDefined { id, schedule } => {
                let table = &refdata.fee_schedules;
                let key = (
                    schedule.market,
                    schedule.instrument_type,
                    schedule.valid_from,
                );
                fits_id(kind, "fee schedule", *id, table.id(&key), table.next_id())?;
                refdata.put_fee_schedule(*id, schedule.clone())
            }
            Event::NettingSetDefined { counterparty, set } => {
                exists(
                    kind,
                    "counterparty",
                    *counterparty,
                    refdata.counterparties.get(*counterparty),
                )?;
                if let crate::settlement::netting::NettingSet::Ccp(ccp) = set {
                    exists(kind, "counterparty", *ccp, refdata.counterparties.get(*ccp))?;
                }
                refdata.netting_sets.set(*counterparty, *set)
            }
            Event::TradeBooked {
                trade_id,
                source,
                external_id,
                input_digest,
                terms,
                economics,
            } => {
                let next = self.trades.next_trade_id();
                if *trade_id != next {
                    return Err(ApplyError::WrongId {
                        event: kind,
                        what: "trade",
                        id: trade_id.0,
                        expected: next.0,
                    });
                }
                self.refers_to(kind, terms)?;
                let record = TradeRecord {
                    trade_id: *trade_id,
                    version: 1,
                    status: TradeStatus::Live,
                    source: source.clone(),
                    external_id: external_id.clone(),
                    terms: terms.clone(),
                    economics: *economics,
                    settled_quantity: rust_decimal::Decimal::ZERO,
                };
                let key = (record.terms.account, record.terms.instrument);
                let owner = self.owner(record.terms.account);
                let before = self.quantities(key);
                let method = self.cost_method(&record);
                let (before_cost, after_cost) = self.holdings.add(&record, method);
                let change = [ledger::CostChange {
                    currency: record.terms.currency,
                    before: before_cost,
                    after: after_cost,
                }];
                let change = house_only(owner, &change);
                let released = [self.release(key, record.terms.currency, before)];
                let header =
                    self.trade_header(EntryKind::TradeBooked, &record, record.terms.trade_date);
                self.ledger.apply(&header, journal, |sink| {
                    ledger::trade_event(None, Some((&record, owner)), change, sink);
                    release(&released, sink);
                });
                self.trades.names.insert(source.clone());
                self.trades.names.insert(terms.trader.clone());
                let by_source = &mut self.trades.by_external;
                let ids = match by_source.get_mut(&**source) {
                    Some(ids) => ids,
                    None => by_source.entry(source.clone()).or_default(),
                };
                if let Some(booked) = ids.insert(external_id.clone(), *trade_id) {
                    // The external id was booked before, as another trade.
                    return Err(ApplyError::WrongId {
                        event: kind,
                        what: "trade",
                        id: trade_id.0,
                        expected: booked.0,
                    });
                }
                self.controls.compliance.remember(
                    (terms.book, terms.instrument),
                    crate::controls::compliance::RecentExecution {
                        trade: *trade_id,
                        side: terms.side,
                        quantity: terms.quantity.value(),
                        time: terms.trade_time,
                    },
                );
                self.trades.trades.push(StoredTrade {
                    record,
                    input_digest: *input_digest,
                });
            }
            Event::TradeAmended {
                trade_id,
                version,
                terms,
                economics,
            } => {
                let old = self.live_trade(kind, *trade_id)?.clone();
                self.refers_to(kind, terms)?;
                let mut new = old.clone();
                new.version = *version;
                new.terms = terms.clone();
                new.economics = *economics;
                self.trades.names.insert(new.terms.trader.clone());
                let old_key = (old.terms.account, old.terms.instrument);
                let new_key = (new.terms.account, new.terms.instrument);
                let (old_before, new_before) = (
                    self.holdings.cost_of(old_key),
                    self.holdings.cost_of(new_key),
                );
                let (old_quantity, new_quantity) =
                    (self.quantities(old_key), self.quantities(new_key));
                self.holdings.remove(&old);
                let method = self.cost_method(&new);
                self.holdings.add(&new, method);
                let (old_owner, new_owner) =
                    (self.owner(old.terms.account), self.owner(new.terms.account));
                let mut changes = Vec::with_capacity(2);
                if old_owner == AccountOwner::House {
                    changes.push(ledger::CostChange {
                        currency: old.terms.currency,
                        before: old_before,
                        after: self.holdings.cost_of(old_key),
                    });
                }
                if new_key != old_key && new_owner == AccountOwner::House {
                    changes.push(ledger::CostChange {
                        currency: new.terms.currency,
                        before: new_before,
                        after: self.holdings.cost_of(new_key),
                    });
                }
                let mut released = [
                    self.release(old_key, old.terms.currency, old_quantity),
                    None,
                ];
                if new_key != old_key {
                    released[1] = self.release(new_key, new.terms.currency, new_quantity);
                }
                let header = self.trade_header(EntryKind::TradeAmended, &new, new.terms.trade_date);
                self.ledger.apply(&header, journal, |sink| {
                    ledger::trade_event(
                        Some((&old, old_owner)),
                        Some((&new, new_owner)),
                        &changes,
                        sink,
                    );
                    release(&released, sink);
                });
                self.trade_mut(kind, *trade_id)?.record = new;
            }
            Event::TradeCancelled {
                trade_id, version, ..
            } => {
                let old = self.live_trade(kind, *trade_id)?.clone();
                let stored = self.trade_mut(kind, *trade_id)?;
                stored.record.version = *version;
                stored.record.status = TradeStatus::Cancelled;
                let key = (old.terms.account, old.terms.instrument);
                let before = self.holdings.cost_of(key);
                let quantity = self.quantities(key);
                self.holdings.remove(&old);
                let change = [ledger::CostChange {
                    currency: old.terms.currency,
                    before,
                    after: self.holdings.cost_of(key),
                }];
                let owner = self.owner(old.terms.account);
                let change = house_only(owner, &change);
                let released = [self.release(key, old.terms.currency, quantity)];
                let header =
                    self.trade_header(EntryKind::TradeCancelled, &old, old.terms.trade_date);
                self.ledger.apply(&header, journal, |sink| {
                    ledger::trade_event(Some((&old, owner)), None, change, sink);
                    release(&released, sink);
                });
            }
            Event::SettlementConfirmed {
                trade_id,
                quantity,
                reference,
                settlement_date,
                ..
            } => {
                self.live_trade(kind, *trade_id)?;
                let stored = self.trade_mut(kind, *trade_id)?;
                let settled_before = stored.record.settled_quantity;
                stored.record.settled_quantity += *quantity;
                let record = stored.record.clone();
                let owner = self.owner(record.terms.account);
                let header = self.trade_header(EntryKind::Settlement, &record, *settlement_date);
                self.ledger.apply(&header, journal, |sink| {
                    ledger::settlement_part(
                        (&record, owner),
                        settled_before,
                        record.settled_quantity,
                        sink,
                    )
                });
                let mut cash = AccountCash::default();
                ledger::settlement_part(
                    (&record, owner),
                    settled_before,
                    record.settled_quantity,
                    &mut cash,
                );
                match owner {
                    AccountOwner::House => {
                        self.cash
                            .settle(record.terms.account, record.terms.currency, cash.firm)
                    }
                    AccountOwner::Client => {
                        self.cash
                            .settle(record.terms.account, record.terms.currency, cash.client);
                        // The charges leave client money for the firm's own account.
                        if let Some(house) = self.charges_account(record.terms.legal_entity)
                            && !cash.firm.is_zero()
                        {
                            self.cash.settle(house, record.terms.currency, cash.firm);
                        }
                    }
                }
                self.trades.settlement_references.insert(
                    reference.clone(),
                    Confirmation {
                        trade_id: *trade_id,
                        quantity: *quantity,
                        settlement_date: *settlement_date,
                    },
                );
                self.holdings.settle(&record, *quantity);
            }
            Event::PriceRecorded {
                instrument,
                date,
                price,
                source,
            } => {
                exists(
                    kind,
                    "instrument",
                    *instrument,
                    refdata.instruments.get(*instrument),
                )?;
                self.market_data.record_price(
                    *instrument,
                    *date,
                    RecordedPrice {
                        price: *price,
                        source: source.clone(),
                    },
                )
            }
            Event::FxRateRecorded {
                base,
                quote,
                date,
                rate,
            } => self.market_data.record_rate(*base, *quote, *date, *rate),
            Event::EndOfDayRun { .. } => self.apply_end_of_day(event, journal)?,
            Event::InstructionIssued { .. }
            | Event::InstructionStatusRecorded { .. }
            | Event::InstructionSettled { .. }
            | Event::InstructionHeld { .. }
            | Event::SettlementExceptionRaised { .. }
            | Event::SettlementExceptionResolved { .. }
            | Event::SettlementToleranceSet { .. }
            | Event::CentralBankRateRecorded { .. }
            | Event::SettlementPenaltiesAccrued { .. }
            | Event::PenaltyRateSet { .. } => self.apply_instructions(event, journal)?,
            Event::ReconciliationRan { .. }
            | Event::ReconToleranceSet { .. }
            | Event::ConfirmationBlockingSet { .. }
            | Event::StatementMappingDefined { .. }
            | Event::BreakMoved { .. }
            | Event::BreakCommented { .. }
            | Event::BreakResolved { .. }
            | Event::WriteOffRequested { .. }
            | Event::WriteOffApproved { .. } => self.apply_reconciliation(event)?,
            Event::Control(e) => self.apply_control(e)?,
            Event::CorporateActionAnnounced { .. }
            | Event::SplitApplied { .. }
            | Event::DividendEntitled { .. }
            | Event::DividendPaid { .. }
            | Event::CouponPaid { .. }
            | Event::BondRedeemed { .. } => self.apply_asset_servicing(event, journal)?,
            Event::CashMovementRecorded(movement) => {
                let next = self.cash.next_id();
                if movement.id != next {
                    return Err(ApplyError::WrongId {
                        event: kind,
                        what: "cash movement",
                        id: movement.id,
                        expected: next,
                    });
                }
                exists(
                    kind,
                    "account",
                    movement.account,
                    refdata.accounts.get(movement.account),
                )?;
                if let crate::cash::CashMovementKind::Transfer { to } = movement.kind {
                    exists(kind, "account", to, refdata.accounts.get(to))?;
                }
                self.cash.record(movement.clone());
                if movement.status == CashMovementStatus::Posted {
                    self.post_cash_movement(movement, journal);
                }
            }
            Event::CashMovementPosted { id } => {
                let movement = super::cash::pending_movement(&self.cash, kind, *id)?.clone();
                self.post_cash_movement(&movement, journal);
                self.cash.post(*id);
            }
            Event::CashMovementVoided { id, .. } => {
                self.pending_movement(kind, *id)?;
                self.cash.release(*id, CashMovementStatus::Voided)
            }
            Event::CashMovementsExpired { ids, .. } => {
                for id in ids {
                    self.pending_movement(kind, *id)?;
                }
                for id in ids {
                    self.cash.release(*id, CashMovementStatus::Expired);
                }
            }
            Event::OverdraftLimitSet {
                account,
                currency,
                limit,
            } => {
                exists(kind, "account", *account, refdata.accounts.get(*account))?;
                self.cash.set_overdraft_limit(*account, *currency, *limit)
            }
            Event::PeriodClosed {
                legal_entity,
                through,
            } => {
                self.legal_entity(kind, *legal_entity)?;
                self.periods.close(*legal_entity, *through)
            }
            Event::PeriodReopened {
                legal_entity, from, ..
            } => {
                self.legal_entity(kind, *legal_entity)?;
                for (year, lines) in self.periods.reopen(*legal_entity, *from) {
                    let end = super::accounting::year_end(year);
                    let header = EntryHeader {
                        kind: EntryKind::YearEndCloseReversed { year },
                        effective_date: end,
                        posting_date: end,
                        trade_id: None,
                        legal_entity: *legal_entity,
                    };
                    self.ledger.apply(&header, journal, |sink| {
                        for (account, currency, amount) in &lines {
                            sink.post(*account, *currency, -*amount);
                        }
                    });
                }
            }
            Event::YearClosed {
                legal_entity,
                year,
                lines,
            } => {
                self.legal_entity(kind, *legal_entity)?;
                let end = super::accounting::year_end(*year);
                let header = EntryHeader {
                    kind: EntryKind::YearEndClose { year: *year },
                    effective_date: end,
                    posting_date: end,
                    trade_id: None,
                    legal_entity: *legal_entity,
                };
                self.ledger.apply(&header, journal, |sink| {
                    for (account, currency, amount) in lines {
                        sink.post(*account, *currency, *amount);
                    }
                });
                self.periods
                    .record_closing(*legal_entity, *year, lines.clone());
                self.periods.close(*legal_entity, end);
            }
            Event::LedgerAccountDefined {
                legal_entity,
                account,
            } => {
                self.legal_entity(kind, *legal_entity)?;
                self.ledger_accounts
                    .insert((*legal_entity, account.code), account.clone());
            }
            Event::MessageAccepted {
                message_id,
                digest,
                trade_id,
            } => {
                if let Some(trade_id) = trade_id {
                    self.trade(kind, *trade_id)?;
                }
                self.messages.insert(
                    message_id.clone(),
                    super::messages::SeenMessage {
                        digest: *digest,
                        trade_id: *trade_id,
                    },
                )
            }
            Event::JournalEntryProposed(entry) => {
                let next = self.manual_entries.next_id();
                if entry.id != next {
                    return Err(ApplyError::WrongId {
                        event: kind,
                        what: "journal entry",
                        id: entry.id,
                        expected: next,
                    });
                }
                self.legal_entity(kind, entry.legal_entity)?;
                self.manual_entries.propose(entry.clone())
            }
            Event::JournalEntryApproved { id, .. } => {
                let entry = super::accounting::proposed_entry(&self.manual_entries, kind, *id)?;
                let header = EntryHeader {
                    kind: EntryKind::Manual { id: *id },
                    effective_date: entry.effective_date,
                    posting_date: self
                        .periods
                        .posting_date(entry.legal_entity, entry.effective_date),
                    trade_id: None,
                    legal_entity: entry.legal_entity,
                };
                self.ledger.apply(&header, journal, |sink| {
                    for (account, currency, amount) in &entry.lines {
                        sink.post(*account, *currency, *amount);
                    }
                });
                self.manual_entries
                    .set_status(*id, ledger::ManualEntryStatus::Posted);
            }
            Event::JournalEntryRejected { id, .. } => {
                super::accounting::proposed_entry(&self.manual_entries, kind, *id)?;
                self.manual_entries
                    .set_status(*id, ledger::ManualEntryStatus::Rejected)
            }
        }
        Ok(())
    }

    /// The current version of a live trade, or why the event `kind` cannot change it.
    pub(super) fn live_trade(
        &self,
        kind: &'static str,
        trade_id: TradeId,
    ) -> Result<&TradeRecord, ApplyError> {
        let record = &self.trade(kind, trade_id)?.record;
        match record.status {
            TradeStatus::Live => Ok(record),
            TradeStatus::Cancelled => Err(ApplyError::WrongStatus {
                event: kind,
                what: "trade",
                id: trade_id.0,
                found: "cancelled",
                wanted: "live",
            }),
        }
    }

    /// The trade `trade_id`, which the event `kind` names.
    fn trade(&self, kind: &'static str, trade_id: TradeId) -> Result<&StoredTrade, ApplyError> {
        self.trades.get(trade_id).ok_or(ApplyError::Unknown {
            event: kind,
            what: "trade",
            id: trade_id.0,
        })
    }

    /// The trade `trade_id` to change.
    fn trade_mut(
        &mut self,
        kind: &'static str,
        trade_id: TradeId,
    ) -> Result<&mut StoredTrade, ApplyError> {
        self.trades.get_mut(trade_id).ok_or(ApplyError::Unknown {
            event: kind,
            what: "trade",
            id: trade_id.0,
        })
    }

    /// The legal entity with `id`, which the event `kind` names, exists.
    pub(super) fn legal_entity(
        &self,
        kind: &'static str,
        id: LegalEntityId,
    ) -> Result<(), ApplyError> {
        exists(
            kind,
            "legal entity",
            id,
            self.refdata.legal_entities.get(id),
        )
    }

    /// The reference data a trade's terms name exists (the terms carry ids).
    fn refers_to(
        &self,
        kind: &'static str,
        terms: &crate::trade::TradeTerms,
    ) -> Result<(), ApplyError> {
        let r = &self.refdata;
        self.legal_entity(kind, terms.legal_entity)?;
        exists(kind, "book", terms.book, r.books.get(terms.book))?;
        exists(
            kind,
            "account",
            terms.account,
            r.accounts.get(terms.account),
        )?;
        exists(
            kind,
            "instrument",
            terms.instrument,
            r.instruments.get(terms.instrument),
        )
    }

    /// The pending movement `id`, which the event `kind` posts, voids or expires.
    fn pending_movement(&self, kind: &'static str, id: u64) -> Result<&CashMovement, ApplyError> {
        super::cash::pending_movement(&self.cash, kind, id)
    }

    /// A legal entity's chart of accounts: the default broker-dealer chart with the entity's
    /// additions and renames.
    pub fn chart_of(&self, legal_entity: LegalEntityId) -> ledger::ChartOfAccounts {
        let mut chart = ledger::ChartOfAccounts::broker_dealer();
        for ((_, _), account) in self
            .ledger_accounts
            .range((legal_entity, 0)..=(legal_entity, u16::MAX))
        {
            chart.put(account.clone());
        }
        chart
    }

    /// The header of the entry a trade event derives, effective on `date` and posted on the
    /// first open day from it.
    fn trade_header(&self, kind: EntryKind, record: &TradeRecord, date: Date) -> EntryHeader {
        EntryHeader {
            kind,
            effective_date: date,
            posting_date: self.periods.posting_date(record.terms.legal_entity, date),
            trade_id: Some(record.trade_id),
            legal_entity: record.terms.legal_entity,
        }
    }

    /// The legal entity of an account (entity 0 when unknown, which `apply` has refused
    /// before asking).
    pub(super) fn entity_of(&self, account: crate::ids::AccountId) -> LegalEntityId {
        self.refdata
            .accounts
            .get(account)
            .map_or(LegalEntityId(0), |a| a.legal_entity)
    }

    /// Whose assets an account holds (house when the account is unknown, which `apply`
    /// has refused before asking).
    pub fn owner(&self, account: crate::ids::AccountId) -> AccountOwner {
        self.refdata
            .accounts
            .get(account)
            .map_or(AccountOwner::House, |a| a.owner)
    }

    /// The house account of a legal entity that receives the charges collected from client
    /// money: its first house account (by id).
    pub fn charges_account(&self, legal_entity: LegalEntityId) -> Option<crate::ids::AccountId> {
        self.refdata
            .accounts
            .iter()
            .find(|(_, a)| a.legal_entity == legal_entity && a.owner == AccountOwner::House)
            .map(|(id, _)| id)
    }

    /// The cost method of a trade's book.
    fn cost_method(&self, record: &TradeRecord) -> crate::refdata::CostMethod {
        self.refdata
            .books
            .get(record.terms.book)
            .map_or(Default::default(), |b| b.cost_method)
    }

    /// A position's quantity, when a valuation adjustment may need releasing (`None` when
    /// no position carries one: the common case costs nothing).
    fn quantities(&self, key: PositionKey) -> Option<Decimal> {
        (!self.valuations.is_empty()).then(|| self.holdings.quantity_of(key))
    }

    /// Releases the share of a position's valuation adjustment that its change of quantity
    /// since `before` calls for.
    fn release(
        &mut self,
        key: PositionKey,
        currency: Currency,
        before: Option<Decimal>,
    ) -> Option<(Currency, Decimal)> {
        let before = before?;
        let after = self.holdings.quantity_of(key);
        let released = self.valuations.release(key, currency, before, after);
        (!released.is_zero()).then_some((currency, released))
    }
}

/// The change a rule's lines make to the cash sub-ledger: the firm's cash (1100) and a
/// client's money (what 2500 owes the client).
#[derive(Default)]
struct AccountCash {
    firm: Decimal,
    client: Decimal,
}

impl Sink for AccountCash {
    fn post(&mut self, account: u16, _: Currency, amount: Decimal) {
        match account {
            ledger::codes::CASH => self.firm += amount,
            ledger::codes::CLIENT_MONEY => self.client -= amount,
            _ => {}
        }
    }
}

/// The cost changes a trade's rule books: none for a client's position.
fn house_only(owner: AccountOwner, changes: &[ledger::CostChange]) -> &[ledger::CostChange] {
    match owner {
        AccountOwner::House => changes,
        AccountOwner::Client => &[],
    }
}

/// Books released valuation adjustments: Dr unrealised P&L / Cr valuation adjustment.
fn release(released: &[Option<(Currency, Decimal)>], sink: &mut impl Sink) {
    for (currency, amount) in released.iter().flatten() {
        sink.post(ledger::codes::UNREALISED_PNL, *currency, *amount);
        sink.post(ledger::codes::VALUATION_ADJUSTMENT, *currency, -*amount);
    }
}
