//! The event log's payload encoding: compact, deterministic bytes, versioned.
//!
//! The hash chain is computed over these bytes, so the encoding of an event must never
//! change once written: a new layout gets a new schema version and the decoder keeps every
//! older one. Layout: schema version (u8), event tag (u8), then the fields in declaration
//! order. Ids and counts are LEB128 varints; text is a varint length and UTF-8 bytes; a
//! decimal is a byte of sign and scale and its mantissa as a varint; a date is year (i16),
//! month, day; a timestamp is seconds (i64) and nanoseconds (i32) since the Unix epoch; the
//! input fingerprint is eight little-endian bytes. Identifiers are stored as text and
//! validated again when decoded.
//!
//! Decoding never panics: malformed bytes give a [`DecodeError`] that says what and where.

use super::{EVENT_SCHEMA_VERSION, Event};
use crate::cash::{CashMovement, CashMovementKind, CashMovementStatus};
use crate::daycount::{CouponTerms, DayCount};
use crate::ids::TradeId;
use crate::ledger::{
    AccountType, FxRevaluation, LedgerAccount, ManualEntry, ManualEntryStatus, PositionMark,
};
use crate::money::Rate;
use crate::refdata::{
    Account, AccountOwner, Book, CostMethod, Counterparty, CounterpartyRole, FeeSchedule,
    Instrument, InstrumentKind, LegalEntity, SsiKey, StandingSettlementInstruction,
};

pub(crate) mod controls;
mod instructions;
pub(crate) mod reconciliation;
mod servicing;
pub(crate) mod wire;

use wire::{Reader, Writer};

/// Why bytes are not an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode event: {what} at byte {offset}")]
pub struct DecodeError {
    /// What was wrong.
    pub what: String,
    /// Where.
    pub offset: usize,
}

/// Encodes `event` into `out` (appending).
pub fn encode_into(event: &Event, out: &mut Vec<u8>) {
    let mut w = Writer(out);
    w.u8(EVENT_SCHEMA_VERSION);
    match event {
        Event::LegalEntityDefined { id, entity } => {
            w.u8(1);
            w.u32(*id);
            w.str(entity.lei.as_str());
            w.str(&entity.name);
            w.str(entity.reporting_currency.code());
        }
        Event::CounterpartyDefined {
            id,
            counterparty: c,
        } => {
            w.u8(2);
            w.u32(*id);
            w.str(c.lei.as_str());
            w.str(&c.name);
            w.str(c.bic.as_str());
            w.u8(match c.role {
                CounterpartyRole::Broker => 0,
                CounterpartyRole::Custodian => 1,
                CounterpartyRole::Client => 2,
                CounterpartyRole::Ccp => 3,
            });
        }
        Event::InstrumentDefined { id, instrument: i } => {
            // Tag 3 was the layout before bonds had a first coupon date and the end-of-month
            // rule; it still decodes, as a bond with neither.
            w.u8(30);
            w.u32(*id);
            w.str(i.isin.as_str());
            w.str(&i.name);
            match &i.kind {
                InstrumentKind::Equity => w.u8(0),
                InstrumentKind::Fund => w.u8(2),
                InstrumentKind::Bond(c) => {
                    w.u8(1);
                    w.decimal(c.rate);
                    w.u8(c.frequency);
                    w.u8(DayCount::ALL
                        .iter()
                        .position(|d| *d == c.day_count)
                        .unwrap_or(0) as u8);
                    w.date(c.issue_date);
                    w.date(c.maturity_date);
                    match c.first_coupon_date {
                        None => w.u8(0),
                        Some(d) => {
                            w.u8(1);
                            w.date(d);
                        }
                    }
                    w.u8(u8::from(c.end_of_month));
                }
            }
            w.str(i.currency.code());
            w.market(i.market);
            w.decimal(i.multiplier);
            w.u8(u8::from(i.transaction_tax));
        }
        Event::BookDefined { id, book } => {
            w.u8(4);
            w.u32(*id);
            w.str(&book.code);
            w.u32(book.legal_entity);
            w.str(&book.desk);
            w.str(&book.trader);
            // Average cost is the default and writes nothing, so logs written before cost
            // methods existed decode unchanged.
            if book.cost_method == CostMethod::Fifo {
                w.u8(1);
            }
        }
        Event::AccountDefined { id, account: a } => {
            w.u8(5);
            w.u32(*id);
            w.str(&a.code);
            w.u32(a.legal_entity);
            w.u8(match a.owner {
                AccountOwner::House => 0,
                AccountOwner::Client => 1,
            });
            w.str(a.custodian.as_str());
            w.str(&a.safekeeping_account);
            w.str(&a.cash_account);
        }
        Event::SsiDefined { id, ssi } => {
            // Tag 6 was the layout before SSIs had a valid-from date; it still decodes, as an
            // SSI in force from the beginning.
            w.u8(29);
            w.u32(*id);
            w.date(ssi.valid_from);
            match ssi.key.counterparty {
                None => w.u8(0),
                Some(c) => {
                    w.u8(1);
                    w.u32(c);
                }
            }
            w.market(ssi.key.market);
            w.str(ssi.key.currency.code());
            w.instrument_type(ssi.key.instrument_type);
            w.str(ssi.place_of_settlement.as_str());
            w.str(ssi.agent.as_str());
            w.str(&ssi.safekeeping_account);
            w.str(&ssi.cash_account);
        }
        Event::FeeScheduleDefined { id, schedule: s } => {
            // Tag 7 was the layout before schedules had a valid-from date; it still decodes,
            // as a schedule in force from the beginning.
            w.u8(28);
            w.u32(*id);
            w.date(s.valid_from);
            w.market(s.market);
            w.instrument_type(s.instrument_type);
            w.decimal(s.commission.value());
            w.decimal(s.commission_minimum);
            w.decimal(s.exchange_fee.value());
            w.decimal(s.purchase_tax.value());
        }
        Event::TradeBooked {
            trade_id,
            source,
            external_id,
            input_digest,
            terms,
            economics,
        } => {
            w.u8(8);
            w.u64(*trade_id);
            w.str(source);
            w.str(external_id);
            w.fixed64(*input_digest);
            w.terms(terms);
            w.economics(economics);
        }
        Event::TradeAmended {
            trade_id,
            version,
            terms,
            economics,
        } => {
            w.u8(9);
            w.u64(*trade_id);
            w.u32(*version);
            w.terms(terms);
            w.economics(economics);
        }
        Event::TradeCancelled {
            trade_id,
            version,
            reason,
        } => {
            w.u8(10);
            w.u64(*trade_id);
            w.u32(*version);
            w.str(reason);
        }
        Event::SettlementConfirmed {
            trade_id,
            version,
            quantity,
            settlement_date,
            reference,
        } => {
            w.u8(11);
            w.u64(*trade_id);
            w.u32(*version);
            w.decimal(*quantity);
            w.date(*settlement_date);
            w.str(reference);
        }
        Event::PriceRecorded {
            instrument,
            date,
            price,
            source,
        } => {
            w.u8(12);
            w.u32(*instrument);
            w.date(*date);
            w.decimal(*price);
            w.str(source);
        }
        Event::FxRateRecorded {
            base,
            quote,
            date,
            rate,
        } => {
            w.u8(13);
            w.str(base.code());
            w.str(quote.code());
            w.date(*date);
            w.decimal(*rate);
        }
        Event::EndOfDayRun {
            legal_entity,
            date,
            reporting_currency,
            marks,
            revaluations,
            translations,
            accruals,
        } => {
            // Tag 14 was the layout before securities were translated and interest accrued;
            // it still decodes, with neither.
            w.u8(31);
            w.u32(*legal_entity);
            w.date(*date);
            w.str(reporting_currency.code());
            w.u64(marks.len() as u64);
            for m in marks {
                w.u32(m.account);
                w.u32(m.instrument);
                w.str(m.currency.code());
                w.decimal(m.price);
                w.decimal(m.adjustment);
            }
            for list in [revaluations, translations] {
                w.u64(list.len() as u64);
                for r in list {
                    w.str(r.currency.code());
                    w.decimal(r.rate);
                    w.decimal(r.balance);
                    w.decimal(r.gain);
                }
            }
            w.u64(accruals.len() as u64);
            for (currency, change) in accruals {
                w.str(currency.code());
                w.decimal(*change);
            }
        }
        Event::NettingSetDefined { .. }
        | Event::CorporateActionAnnounced { .. }
        | Event::SplitApplied { .. }
        | Event::DividendEntitled { .. }
        | Event::DividendPaid { .. }
        | Event::CouponPaid { .. }
        | Event::BondRedeemed { .. } => servicing::encode(event, &mut w),
        Event::InstructionIssued { .. }
        | Event::InstructionStatusRecorded { .. }
        | Event::InstructionSettled { .. }
        | Event::InstructionHeld { .. }
        | Event::SettlementExceptionRaised { .. }
        | Event::SettlementExceptionResolved { .. }
        | Event::SettlementToleranceSet { .. }
        | Event::CentralBankRateRecorded { .. }
        | Event::SettlementPenaltiesAccrued { .. }
        | Event::PenaltyRateSet { .. } => instructions::encode(event, &mut w),
        Event::ReconciliationRan { .. }
        | Event::ReconToleranceSet { .. }
        | Event::ConfirmationBlockingSet { .. }
        | Event::StatementMappingDefined { .. }
        | Event::BreakMoved { .. }
        | Event::BreakCommented { .. }
        | Event::BreakResolved { .. }
        | Event::WriteOffRequested { .. }
        | Event::WriteOffApproved { .. } => reconciliation::encode(event, &mut w),
        Event::Control(e) => controls::encode(e, &mut w),
        Event::CashMovementRecorded(m) => {
            w.u8(15);
            w.u64(m.id);
            w.str(&m.reference);
            match m.kind {
                CashMovementKind::CapitalContribution => w.u8(0),
                CashMovementKind::ClientDeposit => w.u8(1),
                CashMovementKind::ClientWithdrawal => w.u8(2),
                CashMovementKind::Transfer { to } => {
                    w.u8(3);
                    w.u32(to);
                }
                CashMovementKind::CustodyFee => w.u8(4),
                CashMovementKind::SettlementPenalty => w.u8(5),
            }
            w.u32(m.account);
            w.str(m.currency.code());
            w.decimal(m.amount);
            w.date(m.value_date);
            match m.pending_until {
                None => w.u8(0),
                Some(d) => {
                    w.u8(1);
                    w.date(d);
                }
            }
            w.u8(match m.status {
                CashMovementStatus::Pending => 0,
                CashMovementStatus::Posted => 1,
                CashMovementStatus::Voided => 2,
                CashMovementStatus::Expired => 3,
            });
        }
        Event::CashMovementPosted { id } => {
            w.u8(16);
            w.u64(*id);
        }
        Event::CashMovementVoided { id, reason } => {
            w.u8(17);
            w.u64(*id);
            w.str(reason);
        }
        Event::CashMovementsExpired { date, ids } => {
            w.u8(18);
            w.date(*date);
            w.u64(ids.len() as u64);
            for id in ids {
                w.u64(*id);
            }
        }
        Event::OverdraftLimitSet {
            account,
            currency,
            limit,
        } => {
            w.u8(19);
            w.u32(*account);
            w.str(currency.code());
            w.decimal(*limit);
        }
        Event::PeriodClosed {
            legal_entity,
            through,
        } => {
            w.u8(20);
            w.u32(*legal_entity);
            w.date(*through);
        }
        Event::PeriodReopened {
            legal_entity,
            from,
            reason,
        } => {
            w.u8(21);
            w.u32(*legal_entity);
            w.date(*from);
            w.str(reason);
        }
        Event::YearClosed {
            legal_entity,
            year,
            lines,
        } => {
            w.u8(22);
            w.u32(*legal_entity);
            w.year(*year);
            w.lines(lines);
        }
        Event::LedgerAccountDefined {
            legal_entity,
            account,
        } => {
            w.u8(26);
            w.u32(*legal_entity);
            w.u32(u32::from(account.code));
            w.str(&account.name);
            w.u8(match account.account_type {
                AccountType::Asset => 0,
                AccountType::Liability => 1,
                AccountType::Equity => 2,
                AccountType::Income => 3,
                AccountType::Expense => 4,
            });
        }
        Event::JournalEntryProposed(e) => {
            w.u8(23);
            w.u64(e.id);
            w.str(&e.reference);
            w.u32(e.legal_entity);
            w.date(e.effective_date);
            w.str(&e.description);
            w.lines(&e.lines);
            w.str(&e.maker);
            w.u8(match e.status {
                ManualEntryStatus::Proposed => 0,
                ManualEntryStatus::Posted => 1,
                ManualEntryStatus::Rejected => 2,
            });
        }
        Event::JournalEntryApproved { id, checker } => {
            w.u8(24);
            w.u64(*id);
            w.str(checker);
        }
        Event::MessageAccepted {
            message_id,
            digest,
            trade_id,
        } => {
            w.u8(27);
            w.str(message_id);
            w.fixed64(*digest);
            w.u64(trade_id.map_or(0, |t| t.0));
        }
        Event::JournalEntryRejected {
            id,
            checker,
            reason,
        } => {
            w.u8(25);
            w.u64(*id);
            w.str(checker);
            w.str(reason);
        }
    }
}

/// Encodes `event` into a new buffer.
pub fn encode(event: &Event) -> Vec<u8> {
    let mut out = Vec::with_capacity(192);
    encode_into(event, &mut out);
    out
}

/// Decodes one event; the bytes must hold exactly one.
pub fn decode(bytes: &[u8]) -> Result<Event, DecodeError> {
    let mut r = Reader { bytes, offset: 0 };
    let version = r.u8()?;
    if version != EVENT_SCHEMA_VERSION {
        return Err(r.error(format!("unknown schema version {version}")));
    }
    let tag = r.u8()?;
    let event = match tag {
        1 => Event::LegalEntityDefined {
            id: r.u32()?.into(),
            entity: LegalEntity {
                lei: r.lei()?,
                name: r.string()?,
                reporting_currency: r.currency()?,
            },
        },
        2 => Event::CounterpartyDefined {
            id: r.u32()?.into(),
            counterparty: Counterparty {
                lei: r.lei()?,
                name: r.string()?,
                bic: r.bic()?,
                role: match r.u8()? {
                    0 => CounterpartyRole::Broker,
                    1 => CounterpartyRole::Custodian,
                    2 => CounterpartyRole::Client,
                    3 => CounterpartyRole::Ccp,
                    n => return Err(r.error(format!("unknown counterparty role {n}"))),
                },
            },
        },
        3 | 30 => {
            let id = r.u32()?.into();
            let isin = r.isin()?;
            let name = r.string()?;
            let kind = match r.u8()? {
                0 => InstrumentKind::Equity,
                2 => InstrumentKind::Fund,
                1 => InstrumentKind::Bond(CouponTerms {
                    rate: r.decimal()?,
                    frequency: r.u8()?,
                    day_count: {
                        let n = r.u8()?;
                        *DayCount::ALL
                            .get(usize::from(n))
                            .ok_or_else(|| r.error(format!("unknown day count {n}")))?
                    },
                    issue_date: r.date()?,
                    maturity_date: r.date()?,
                    first_coupon_date: match tag {
                        3 => None,
                        _ => match r.u8()? {
                            0 => None,
                            1 => Some(r.date()?),
                            n => return Err(r.error(format!("bad option flag {n}"))),
                        },
                    },
                    end_of_month: tag != 3 && r.bool()?,
                }),
                n => return Err(r.error(format!("unknown instrument kind {n}"))),
            };
            Event::InstrumentDefined {
                id,
                instrument: Instrument {
                    isin,
                    name,
                    kind,
                    currency: r.currency()?,
                    market: r.market()?,
                    multiplier: r.decimal()?,
                    transaction_tax: r.bool()?,
                },
            }
        }
        4 => Event::BookDefined {
            id: r.u32()?.into(),
            book: Book {
                code: r.string()?,
                legal_entity: r.u32()?.into(),
                desk: r.string()?,
                trader: r.string()?,
                cost_method: if r.offset == bytes.len() {
                    CostMethod::AverageCost
                } else {
                    match r.u8()? {
                        1 => CostMethod::Fifo,
                        n => return Err(r.error(format!("unknown cost method {n}"))),
                    }
                },
            },
        },
        5 => Event::AccountDefined {
            id: r.u32()?.into(),
            account: Account {
                code: r.string()?,
                legal_entity: r.u32()?.into(),
                owner: match r.u8()? {
                    0 => AccountOwner::House,
                    1 => AccountOwner::Client,
                    n => return Err(r.error(format!("unknown account owner {n}"))),
                },
                custodian: r.lei()?,
                safekeeping_account: r.string()?,
                cash_account: r.string()?,
            },
        },
        6 | 29 => {
            let id = r.u32()?.into();
            let valid_from = if tag == 29 {
                r.date()?
            } else {
                crate::refdata::IN_FORCE_FROM_THE_START
            };
            let counterparty = match r.u8()? {
                0 => None,
                1 => Some(r.u32()?.into()),
                n => return Err(r.error(format!("bad option tag {n}"))),
            };
            let key = SsiKey {
                counterparty,
                market: r.market()?,
                currency: r.currency()?,
                instrument_type: r.instrument_type()?,
            };
            Event::SsiDefined {
                id,
                ssi: StandingSettlementInstruction {
                    key,
                    valid_from,
                    place_of_settlement: r.bic()?,
                    agent: r.bic()?,
                    safekeeping_account: r.string()?,
                    cash_account: r.string()?,
                },
            }
        }
        7 | 28 => Event::FeeScheduleDefined {
            id: r.u32()?.into(),
            schedule: FeeSchedule {
                valid_from: if tag == 28 {
                    r.date()?
                } else {
                    FeeSchedule::IN_FORCE_FROM_THE_START
                },
                market: r.market()?,
                instrument_type: r.instrument_type()?,
                commission: Rate::new(r.decimal()?),
                commission_minimum: r.decimal()?,
                exchange_fee: Rate::new(r.decimal()?),
                purchase_tax: Rate::new(r.decimal()?),
            },
        },
        8 => Event::TradeBooked {
            trade_id: r.u64()?.into(),
            source: r.string()?.into(),
            external_id: r.string()?.into(),
            input_digest: r.fixed64()?,
            terms: r.terms()?,
            economics: r.economics()?,
        },
        9 => Event::TradeAmended {
            trade_id: r.u64()?.into(),
            version: r.u32()?,
            terms: r.terms()?,
            economics: r.economics()?,
        },
        10 => Event::TradeCancelled {
            trade_id: r.u64()?.into(),
            version: r.u32()?,
            reason: r.string()?.into(),
        },
        11 => Event::SettlementConfirmed {
            trade_id: r.u64()?.into(),
            version: r.u32()?,
            quantity: r.decimal()?,
            settlement_date: r.date()?,
            reference: r.string()?.into(),
        },
        12 => Event::PriceRecorded {
            instrument: r.u32()?.into(),
            date: r.date()?,
            price: r.decimal()?,
            source: r.string()?.into(),
        },
        13 => Event::FxRateRecorded {
            base: r.currency()?,
            quote: r.currency()?,
            date: r.date()?,
            rate: r.decimal()?,
        },
        tag @ (14 | 31) => {
            let legal_entity = r.u32()?.into();
            let date = r.date()?;
            let reporting_currency = r.currency()?;
            let mut marks = Vec::new();
            for _ in 0..r.u64()? {
                marks.push(PositionMark {
                    account: r.u32()?.into(),
                    instrument: r.u32()?.into(),
                    currency: r.currency()?,
                    price: r.decimal()?,
                    adjustment: r.decimal()?,
                });
            }
            let mut lists = [Vec::new(), Vec::new()];
            let count = if tag == 31 { 2 } else { 1 };
            for list in lists.iter_mut().take(count) {
                for _ in 0..r.u64()? {
                    list.push(FxRevaluation {
                        currency: r.currency()?,
                        rate: r.decimal()?,
                        balance: r.decimal()?,
                        gain: r.decimal()?,
                    });
                }
            }
            let [revaluations, translations] = lists;
            let mut accruals = Vec::new();
            if tag == 31 {
                for _ in 0..r.u64()? {
                    accruals.push((r.currency()?, r.decimal()?));
                }
            }
            Event::EndOfDayRun {
                legal_entity,
                date,
                reporting_currency,
                marks,
                revaluations,
                translations,
                accruals,
            }
        }
        15 => {
            let id = r.u64()?;
            let reference = r.string()?.into();
            let kind = match r.u8()? {
                0 => CashMovementKind::CapitalContribution,
                1 => CashMovementKind::ClientDeposit,
                2 => CashMovementKind::ClientWithdrawal,
                3 => CashMovementKind::Transfer {
                    to: r.u32()?.into(),
                },
                4 => CashMovementKind::CustodyFee,
                5 => CashMovementKind::SettlementPenalty,
                n => return Err(r.error(format!("unknown cash movement kind {n}"))),
            };
            let account = r.u32()?.into();
            let currency = r.currency()?;
            let amount = r.decimal()?;
            let value_date = r.date()?;
            let pending_until = match r.u8()? {
                0 => None,
                1 => Some(r.date()?),
                n => return Err(r.error(format!("bad option flag {n}"))),
            };
            let status = match r.u8()? {
                0 => CashMovementStatus::Pending,
                1 => CashMovementStatus::Posted,
                2 => CashMovementStatus::Voided,
                3 => CashMovementStatus::Expired,
                n => return Err(r.error(format!("unknown cash movement status {n}"))),
            };
            Event::CashMovementRecorded(CashMovement {
                id,
                reference,
                kind,
                account,
                currency,
                amount,
                value_date,
                pending_until,
                status,
            })
        }
        16 => Event::CashMovementPosted { id: r.u64()? },
        17 => Event::CashMovementVoided {
            id: r.u64()?,
            reason: r.string()?.into(),
        },
        18 => {
            let date = r.date()?;
            let mut ids = Vec::new();
            for _ in 0..r.u64()? {
                ids.push(r.u64()?);
            }
            Event::CashMovementsExpired { date, ids }
        }
        19 => Event::OverdraftLimitSet {
            account: r.u32()?.into(),
            currency: r.currency()?,
            limit: r.decimal()?,
        },
        20 => Event::PeriodClosed {
            legal_entity: r.u32()?.into(),
            through: r.date()?,
        },
        21 => Event::PeriodReopened {
            legal_entity: r.u32()?.into(),
            from: r.date()?,
            reason: r.string()?.into(),
        },
        22 => Event::YearClosed {
            legal_entity: r.u32()?.into(),
            year: r.year()?,
            lines: r.lines()?,
        },
        23 => Event::JournalEntryProposed(ManualEntry {
            id: r.u64()?,
            reference: r.string()?.into(),
            legal_entity: r.u32()?.into(),
            effective_date: r.date()?,
            description: r.string()?.into(),
            lines: r.lines()?,
            maker: r.string()?.into(),
            status: match r.u8()? {
                0 => ManualEntryStatus::Proposed,
                1 => ManualEntryStatus::Posted,
                2 => ManualEntryStatus::Rejected,
                n => return Err(r.error(format!("unknown journal entry status {n}"))),
            },
        }),
        24 => Event::JournalEntryApproved {
            id: r.u64()?,
            checker: r.string()?.into(),
        },
        25 => Event::JournalEntryRejected {
            id: r.u64()?,
            checker: r.string()?.into(),
            reason: r.string()?.into(),
        },
        26 => {
            let legal_entity = r.u32()?.into();
            let code = r.u32()?;
            let code = u16::try_from(code).map_err(|_| r.error(format!("account {code}")))?;
            let name = r.string()?;
            let account_type = match r.u8()? {
                0 => AccountType::Asset,
                1 => AccountType::Liability,
                2 => AccountType::Equity,
                3 => AccountType::Income,
                4 => AccountType::Expense,
                n => return Err(r.error(format!("unknown account type {n}"))),
            };
            Event::LedgerAccountDefined {
                legal_entity,
                account: LedgerAccount {
                    code,
                    name,
                    account_type,
                },
            }
        }
        27 => Event::MessageAccepted {
            message_id: r.string()?.into(),
            digest: r.fixed64()?,
            trade_id: Some(r.u64()?).filter(|id| *id != 0).map(TradeId),
        },
        tag @ 32..=38 => servicing::decode(tag, &mut r)?,
        tag @ 39..=48 => instructions::decode(tag, &mut r)?,
        tag @ 49..=57 => reconciliation::decode(tag, &mut r)?,
        controls::TAG => Event::Control(controls::decode(&mut r)?),
        n => return Err(r.error(format!("unknown event tag {n}"))),
    };
    if r.offset != bytes.len() {
        return Err(r.error(format!("{} trailing bytes", bytes.len() - r.offset)));
    }
    Ok(event)
}
