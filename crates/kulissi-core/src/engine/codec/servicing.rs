//! The log layout of settlement reference data and asset servicing: netting sets (tag
//! 38), corporate-action announcements (32), splits applied (33), dividends entitled and
//! paid (34, 35), coupons paid and bonds redeemed (36, 37). The rules of `mod.rs` hold:
//! a layout never changes once written.

use super::DecodeError;
use super::wire::{Reader, Writer};
use crate::corporate_actions::{BondPayment, CorporateAction, CorporateActionKind, Entitlement};
use crate::engine::Event;
use crate::settlement::netting::NettingSet;

/// Writes the tag and fields of one of this module's events (nothing for another).
pub(super) fn encode(event: &Event, w: &mut Writer<'_>) {
    match event {
        Event::NettingSetDefined { counterparty, set } => {
            w.u8(38);
            w.u32(*counterparty);
            match set {
                NettingSet::Bilateral => w.u8(0),
                NettingSet::Ccp(ccp) => {
                    w.u8(1);
                    w.u32(*ccp);
                }
            }
        }
        Event::CorporateActionAnnounced { id, action } => {
            w.u8(32);
            w.u32(*id);
            w.str(&action.reference);
            w.u32(action.instrument);
            match action.kind {
                CorporateActionKind::CashDividend {
                    amount_per_share,
                    currency,
                } => {
                    w.u8(0);
                    w.decimal(amount_per_share);
                    w.str(currency.code());
                }
                CorporateActionKind::Split { new, old } => {
                    w.u8(1);
                    w.decimal(new);
                    w.decimal(old);
                }
            }
            w.date(action.ex_date);
            w.date(action.record_date);
            w.date(action.pay_date);
        }
        Event::SplitApplied {
            legal_entity,
            action,
        } => {
            w.u8(33);
            w.u32(*legal_entity);
            w.u32(*action);
        }
        Event::DividendEntitled {
            legal_entity,
            action,
            entitlements,
        }
        | Event::DividendPaid {
            legal_entity,
            action,
            payments: entitlements,
        } => {
            w.u8(if matches!(event, Event::DividendEntitled { .. }) {
                34
            } else {
                35
            });
            w.u32(*legal_entity);
            w.u32(*action);
            w.u64(entitlements.len() as u64);
            for e in entitlements {
                w.u32(e.account);
                w.decimal(e.entitled);
                w.decimal(e.of_record);
                w.decimal(e.amount);
            }
        }
        Event::CouponPaid {
            legal_entity,
            instrument,
            payment_date: date,
            payments,
        }
        | Event::BondRedeemed {
            legal_entity,
            instrument,
            maturity: date,
            payments,
        } => {
            w.u8(if matches!(event, Event::CouponPaid { .. }) {
                36
            } else {
                37
            });
            w.u32(*legal_entity);
            w.u32(*instrument);
            w.date(*date);
            w.u64(payments.len() as u64);
            for p in payments {
                w.u32(p.account);
                w.decimal(p.nominal);
                w.decimal(p.amount);
            }
        }
        _ => {}
    }
}

/// Reads the fields of an event with `tag` (32 to 38).
pub(super) fn decode(tag: u8, r: &mut Reader<'_>) -> Result<Event, DecodeError> {
    Ok(match tag {
        32 => {
            let id = r.u32()?;
            let reference = r.string()?.into();
            let instrument = r.u32()?.into();
            let kind = match r.u8()? {
                0 => CorporateActionKind::CashDividend {
                    amount_per_share: r.decimal()?,
                    currency: r.currency()?,
                },
                1 => CorporateActionKind::Split {
                    new: r.decimal()?,
                    old: r.decimal()?,
                },
                k => return Err(r.error(format!("unknown corporate action kind {k}"))),
            };
            Event::CorporateActionAnnounced {
                id,
                action: CorporateAction {
                    reference,
                    instrument,
                    kind,
                    ex_date: r.date()?,
                    record_date: r.date()?,
                    pay_date: r.date()?,
                },
            }
        }
        38 => Event::NettingSetDefined {
            counterparty: r.u32()?.into(),
            set: match r.u8()? {
                0 => NettingSet::Bilateral,
                1 => NettingSet::Ccp(r.u32()?.into()),
                k => return Err(r.error(format!("unknown netting set kind {k}"))),
            },
        },
        33 => Event::SplitApplied {
            legal_entity: r.u32()?.into(),
            action: r.u32()?,
        },
        tag @ (34 | 35) => {
            let legal_entity = r.u32()?.into();
            let action = r.u32()?;
            let mut entitlements = Vec::new();
            for _ in 0..r.u64()? {
                entitlements.push(Entitlement {
                    account: r.u32()?.into(),
                    entitled: r.decimal()?,
                    of_record: r.decimal()?,
                    amount: r.decimal()?,
                });
            }
            if tag == 34 {
                Event::DividendEntitled {
                    legal_entity,
                    action,
                    entitlements,
                }
            } else {
                Event::DividendPaid {
                    legal_entity,
                    action,
                    payments: entitlements,
                }
            }
        }
        tag @ (36 | 37) => {
            let legal_entity = r.u32()?.into();
            let instrument = r.u32()?.into();
            let date = r.date()?;
            let mut payments = Vec::new();
            for _ in 0..r.u64()? {
                payments.push(BondPayment {
                    account: r.u32()?.into(),
                    nominal: r.decimal()?,
                    amount: r.decimal()?,
                });
            }
            if tag == 36 {
                Event::CouponPaid {
                    legal_entity,
                    instrument,
                    payment_date: date,
                    payments,
                }
            } else {
                Event::BondRedeemed {
                    legal_entity,
                    instrument,
                    maturity: date,
                    payments,
                }
            }
        }
        n => return Err(r.error(format!("unknown event tag {n}"))),
    })
}
