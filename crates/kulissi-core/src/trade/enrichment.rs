//! Enrichment: from a trade's terms and reference data to its settlement date, SSIs and
//! economics. Pure and deterministic: the same terms and reference data always give the same
//! amounts, to the cent.

use rust_decimal::Decimal;

use super::{Economics, Side, TradeTerms};
use crate::engine::Rejection;
use crate::money::RoundingMode;
use crate::refdata::{InstrumentKind, RefData, SsiKey};

/// Every charge is rounded half-up to the currency's minor unit (UK SDRT's rule; commissions
/// and fees follow the same convention in our fee agreements), then summed.
const CHARGE_ROUNDING: RoundingMode = RoundingMode::HalfUp;

/// Computes the economics of `terms`. The settlement date in `terms` must already be set.
pub fn enrich(refdata: &RefData, terms: &TradeTerms) -> Result<Economics, Rejection> {
    let instrument = refdata
        .instruments
        .get(terms.instrument)
        .ok_or(Rejection::Internal {
            what: "instrument id out of range",
        })?;
    let minor = u32::from(terms.currency.minor_units().unwrap_or(2));
    let round = |value: Decimal| {
        let mut v = CHARGE_ROUNDING.round(value, minor);
        v.rescale(minor);
        v
    };
    let overflow = || Rejection::Overflow {
        what: "the trade's amounts",
    };
    let gross = terms
        .quantity
        .value()
        .checked_mul(terms.price.value())
        .and_then(|v| v.checked_mul(instrument.multiplier))
        .ok_or_else(overflow)?;
    let gross = round(gross);
    let accrued = match &instrument.kind {
        InstrumentKind::Bond(coupon) => {
            let accrued = coupon
                .accrued(terms.quantity.value(), terms.settlement_date)
                .map_err(|e| Rejection::Accrued {
                    isin: instrument.isin,
                    reason: e.to_string(),
                })?;
            round(accrued)
        }
        InstrumentKind::Equity | InstrumentKind::Fund => round(Decimal::ZERO),
    };
    let instrument_type = instrument.kind.instrument_type();
    let schedule = refdata
        .fee_schedule_in_force(instrument.market, instrument_type, terms.trade_date)
        .ok_or(Rejection::MissingFeeSchedule {
            market: instrument.market,
            instrument_type,
            trade_date: terms.trade_date,
        })?;
    let charge = |rate: crate::money::Rate| {
        gross
            .checked_mul(rate.value())
            .map(round)
            .ok_or_else(overflow)
    };
    let commission = charge(schedule.commission)?.max(round(schedule.commission_minimum));
    let fees = charge(schedule.exchange_fee)?;
    let taxes = if terms.side == Side::Buy && instrument.transaction_tax {
        charge(schedule.purchase_tax)?
    } else {
        round(Decimal::ZERO)
    };
    let charges = commission + fees + taxes;
    let net = match terms.side {
        Side::Buy => gross + accrued + charges,
        Side::Sell => gross + accrued - charges,
    };
    let ssi = |counterparty: Option<crate::ids::CounterpartyId>| {
        let key = SsiKey {
            counterparty,
            market: instrument.market,
            currency: terms.currency,
            instrument_type,
        };
        refdata
            .ssi_in_force(&key, terms.trade_date)
            .ok_or_else(|| Rejection::MissingSsi {
                counterparty: counterparty
                    .and_then(|id| refdata.counterparties.get(id))
                    .map(|c| c.lei),
                market: instrument.market,
                currency: terms.currency,
                instrument_type,
            })
    };
    Ok(Economics {
        gross,
        accrued,
        commission,
        fees,
        taxes,
        net,
        our_ssi: ssi(None)?,
        their_ssi: ssi(Some(terms.counterparty))?,
    })
}
