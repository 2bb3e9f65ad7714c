//! Properties of the engine's posting rules (`post_trade_event`, `post_settlement_part`) over
//! random trade streams: every entry balances per currency, the ledger's securities at cost
//! equal the position's cost sub-ledger, and cash after settlement equals the sum of the
//! trades' cash flows.

use jiff::civil::date;
use kulissi_core::Decimal;
use kulissi_core::identifiers::{Currency, Mic};
use kulissi_core::ids::TradeId;
use kulissi_core::ids::{AccountId, BookId, CounterpartyId, InstrumentId, LegalEntityId};
use kulissi_core::ledger::{
    CostChange, TrialBalance, codes, post_settlement_part, post_trade_event,
};
use kulissi_core::money::{Price, Quantity};
use kulissi_core::position::Position;
use kulissi_core::refdata::AccountOwner;
use kulissi_core::trade::{Economics, Side, TradeRecord, TradeStatus, TradeTerms};
use proptest::prelude::*;

fn record(
    trade_id: u64,
    side: Side,
    quantity: i64,
    price_cents: i64,
    commission_cents: i64,
) -> TradeRecord {
    let gross = Decimal::from(quantity) * Decimal::new(price_cents, 2);
    let commission = Decimal::new(commission_cents, 2);
    let net = match side {
        Side::Buy => gross + commission,
        Side::Sell => gross - commission,
    };
    TradeRecord {
        trade_id: TradeId(trade_id),
        version: 1,
        status: TradeStatus::Live,
        source: "P".into(),
        external_id: format!("{trade_id}").into(),
        terms: TradeTerms {
            legal_entity: LegalEntityId(0),
            book: BookId(0),
            trader: "t".into(),
            counterparty: CounterpartyId(0),
            account: AccountId(0),
            instrument: InstrumentId(0),
            side,
            quantity: Quantity::new(Decimal::from(quantity)),
            price: Price::new(Decimal::new(price_cents, 2)),
            currency: Currency::parse("EUR").unwrap(),
            trade_date: date(2026, 3, 2),
            trade_time: jiff::Timestamp::UNIX_EPOCH,
            venue: Mic::parse("XHEL").unwrap(),
            settlement_date: date(2026, 3, 4),
        },
        economics: Economics {
            gross,
            commission,
            net,
            ..Economics::default()
        },
        settled_quantity: Decimal::ZERO,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn ledger_agrees_with_the_sub_ledgers(steps in proptest::collection::vec((any::<bool>(), 1i64..500, 100i64..10_000, 0i64..2_000), 1..60)) {
        let eur = Currency::parse("EUR").unwrap();
        let mut journal = Vec::new();
        let mut position = Position::with_cost_decimals(2);
        let mut cash = Decimal::ZERO;
        for (i, (buy, quantity, price, commission)) in steps.into_iter().enumerate() {
            // Never sell more than is held: a short has its own accounts.
            let quantity = if buy { quantity } else { quantity.min(position.quantity.try_into().unwrap_or(0)) };
            if quantity == 0 {
                continue;
            }
            let side = if buy { Side::Buy } else { Side::Sell };
            let r = record(i as u64 + 1, side, quantity, price, commission);
            let before = position.cost;
            position.fold(r.terms.signed_quantity(), r.economics.gross);
            let change = CostChange { currency: eur, before, after: position.cost };
            journal.extend(post_trade_event(date(2026, 3, 2), r.trade_id, None, Some((&r, AccountOwner::House)), &[change]).unwrap());
            let settled = r.terms.quantity.value();
            journal.extend(post_settlement_part(date(2026, 3, 4), (&r, AccountOwner::House), Decimal::ZERO, settled).unwrap());
            cash += r.economics.cash_flow(side);
        }
        for entry in &journal {
            prop_assert!(entry.check_balanced().is_ok());
        }
        let tb = TrialBalance::as_of(&journal, date(2026, 3, 4));
        let (debits, credits) = tb.totals(eur);
        prop_assert_eq!(debits, credits);
        prop_assert_eq!(tb.balance(codes::SECURITIES_AT_COST, eur), position.cost);
        prop_assert_eq!(tb.balance(codes::CASH, eur), cash);
        prop_assert_eq!(tb.balance(codes::UNSETTLED_PURCHASES, eur), Decimal::ZERO);
        prop_assert_eq!(tb.balance(codes::UNSETTLED_SALES, eur), Decimal::ZERO);
    }
}
