//! Asset servicing and income through the engine (docs/domain.md §6, §7.2): a coupon and
//! the daily accrual around it, a redemption at maturity, a dividend with a market claim,
//! a client's dividend into client money, and a 2-for-1 split that versions a position.

use super::*;
use crate::corporate_actions::CorporateActionKind;
use crate::ledger::codes::*;

/// Decides and applies on `business_date`.
fn run_on(s: &mut State, command: Command, business_date: Date) -> Vec<Event> {
    let envelope = CommandEnvelope {
        business_date,
        ..envelope(command)
    };
    let events = decide(s, &envelope).unwrap();
    assert_round_trips(&events);
    for e in &events {
        apply(s, e).unwrap();
    }
    events
}

fn eur() -> Currency {
    ccy("EUR")
}

fn bal(s: &State, account: u16) -> Decimal {
    s.ledger.balance(account, eur())
}

/// The whole end of day: what falls due, then prices, accrual, marks.
fn end_of_day(s: &mut State, on: Date, prices: &[(&str, &str)]) {
    run_on(
        s,
        Command::ServiceAssets {
            legal_entity: lei(OURS),
            date: on,
        },
        on,
    );
    for (isin, price) in prices {
        run_on(
            s,
            Command::RecordPrice {
                instrument: Isin::parse(isin).unwrap(),
                date: on,
                price: Price::new(d(price)),
                source: "close".into(),
            },
            on,
        );
    }
    run_on(
        s,
        Command::RunEndOfDay {
            legal_entity: lei(OURS),
            date: on,
        },
        on,
    );
}

fn buy_bond(s: &mut State, external_id: &str, nominal: &str, trade_date: Date) {
    run(
        s,
        Command::BookTrade(trade(
            external_id,
            BOND,
            Side::Buy,
            nominal,
            "101.25",
            "EUR",
            trade_date,
        )),
    );
}

fn settle(s: &mut State, external_id: &str, quantity: &str, on: Date) {
    run(
        s,
        Command::ConfirmSettlement {
            source: "TEST".into(),
            external_id: external_id.into(),
            quantity: Quantity::new(d(quantity)),
            settlement_date: on,
            reference: format!("CUST-{external_id}"),
        },
    );
}

/// docs/domain.md §5 and §7.2: the house buys 1,000,000 nominal of the 5% semi-annual bond
/// at 101.25 on Monday 14 July 2025, paying 18,614.13 of accrued interest (bought, not
/// income). Interest accrues at each end of day (31 July: 20,652.17, so 2,038.04 earned);
/// on 1 September the coupon of 25,000.00 is paid (Dr 1100 / Cr 1500) and the day's accrual
/// takes 1500 to zero: interest income is 25,000.00 − 18,614.13 = 6,385.87.
#[test]
fn a_coupon_and_the_daily_accrual_around_it() {
    let mut s = firm();
    buy_bond(&mut s, "B", "1000000", date(2025, 7, 14));
    assert_eq!(bal(&s, ACCRUED_INTEREST), d("18614.13"));
    end_of_day(&mut s, date(2025, 7, 14), &[(BOND, "101.25")]);
    assert_eq!(
        bal(&s, INTEREST_INCOME),
        Decimal::ZERO,
        "bought, not earned"
    );
    settle(&mut s, "B", "1000000", date(2025, 7, 16));
    end_of_day(&mut s, date(2025, 7, 16), &[(BOND, "101.25")]);
    assert_eq!(bal(&s, INTEREST_INCOME), Decimal::ZERO);
    end_of_day(&mut s, date(2025, 7, 31), &[(BOND, "101.25")]);
    assert_eq!(bal(&s, ACCRUED_INTEREST), d("20652.17"));
    assert_eq!(bal(&s, INTEREST_INCOME), d("-2038.04"));
    let cash_before = bal(&s, CASH);
    end_of_day(&mut s, date(2025, 9, 1), &[(BOND, "101.25")]);
    assert_eq!(bal(&s, CASH) - cash_before, d("25000.00"), "the coupon");
    assert_eq!(bal(&s, ACCRUED_INTEREST), Decimal::ZERO);
    assert_eq!(bal(&s, INTEREST_INCOME), d("-6385.87"));
    // Running the day again pays nothing twice.
    let again = run_on(
        &mut s,
        Command::ServiceAssets {
            legal_entity: lei(OURS),
            date: date(2025, 9, 1),
        },
        date(2025, 9, 1),
    );
    assert!(again.is_empty());
}

/// docs/domain.md §7.2: at maturity the bond is redeemed at par: Dr 1100 1,000,000.00 /
/// Cr 1200 at its cost 1,012,500.00, the difference (12,500.00) a realised loss; with the
/// last coupon the holding earned 25,000 + 1,000,000 − 1,031,114.13 = −6,114.13 in all.
#[test]
fn a_redemption_at_maturity_closes_the_position_at_par() {
    let mut s = firm();
    let mut short = bond(DayCount::ActActIcma);
    if let crate::refdata::InstrumentKind::Bond(terms) = &mut short.kind {
        terms.maturity_date = date(2025, 9, 1);
    }
    run(&mut s, Command::DefineInstrument(short));
    buy_bond(&mut s, "B", "1000000", date(2025, 7, 14));
    settle(&mut s, "B", "1000000", date(2025, 7, 16));
    end_of_day(&mut s, date(2025, 7, 16), &[(BOND, "101.50")]);
    assert_eq!(bal(&s, VALUATION_ADJUSTMENT), d("2500.00"));
    end_of_day(&mut s, date(2025, 9, 1), &[(BOND, "100.00")]);
    let key = (
        s.refdata.accounts.id(&"HOUSE-1".to_owned()).unwrap(),
        s.refdata
            .instruments
            .id(&Isin::parse(BOND).unwrap())
            .unwrap(),
    );
    let position = &s.holdings.positions[&key];
    assert_eq!(
        (position.quantity, position.cost),
        (Decimal::ZERO, d("0.00"))
    );
    for (account, balance) in [
        (SECURITIES_AT_COST, "0"),
        (VALUATION_ADJUSTMENT, "0"),
        (ACCRUED_INTEREST, "0"),
        (UNREALISED_PNL, "0"),
        (REALISED_PNL, "12500.00"),
        (INTEREST_INCOME, "-6385.87"),
    ] {
        assert_eq!(bal(&s, account), d(balance), "{account}");
    }
    let house = s.refdata.accounts.id(&"HOUSE-1".to_owned()).unwrap();
    assert_eq!(
        s.cash.balance(house, eur()).posted,
        d("-1031114.13") + d("25000.00") + d("1000000.00")
    );
    // The matured bond cannot be traded any more.
    assert!(matches!(
        decide(
            &s,
            &envelope(Command::BookTrade(trade(
                "LATE",
                BOND,
                Side::Buy,
                "1000",
                "100",
                "EUR",
                date(2025, 9, 1)
            )))
        ),
        Err(Rejection::BondMatured { .. })
    ));
}

fn dividend(reference: &str, ex: Date, record: Date, pay: Date, per_share: &str) -> Command {
    Command::AnnounceCorporateAction {
        reference: reference.into(),
        isin: Isin::parse(FI_SHARE).unwrap(),
        kind: CorporateActionKind::CashDividend {
            amount_per_share: d(per_share),
            currency: eur(),
        },
        ex_date: ex,
        record_date: record,
        pay_date: pay,
    }
}

/// docs/domain.md §6 and §7.2: a dividend of 0.50 with ex-date Wednesday 16 July 2025,
/// record date 17 July, paid 25 July. The house bought 1,000 on Monday cum-dividend, but the
/// purchase settles late, on the 18th: the house is entitled to 1,000 shares' dividend
/// without being holder of record (a market claim of 1,000 shares from the seller). It books
/// Dr 1340 / Cr 4510 500.00 on the ex-date and receives the cash on the pay date; a client
/// holding 600 settled shares is paid 300.00 into client money, never the firm's income.
#[test]
fn a_dividend_with_a_market_claim_and_a_client_entitlement() {
    let mut s = firm();
    run(
        &mut s,
        Command::DefineAccount {
            code: "CLIENT-1".into(),
            legal_entity: lei(OURS),
            owner: AccountOwner::Client,
            custodian: lei(CUSTODIAN),
            safekeeping_account: "SAFE-C".into(),
            cash_account: "CASH-C".into(),
        },
    );
    let late = TradeInput {
        settlement_date: Some(date(2025, 7, 18)),
        ..trade(
            "H",
            FI_SHARE,
            Side::Buy,
            "1000",
            "20.00",
            "EUR",
            date(2025, 7, 14),
        )
    };
    run(&mut s, Command::BookTrade(late));
    let client = TradeInput {
        account: "CLIENT-1".into(),
        ..trade(
            "C",
            FI_SHARE,
            Side::Buy,
            "600",
            "20.00",
            "EUR",
            date(2025, 7, 10),
        )
    };
    run(&mut s, Command::BookTrade(client));
    let (ex, record, pay) = (date(2025, 7, 16), date(2025, 7, 17), date(2025, 7, 25));
    run(&mut s, dividend("DIV-2025", ex, record, pay, "0.50"));
    // Announcing again is acknowledged; other terms under the same reference are refused.
    assert!(run(&mut s, dividend("DIV-2025", ex, record, pay, "0.50")).is_empty());
    assert!(matches!(
        decide(&s, &envelope(dividend("DIV-2025", ex, record, pay, "0.60"))),
        Err(Rejection::CorporateActionReferenceReused { .. })
    ));

    let events = run_on(
        &mut s,
        Command::ServiceAssets {
            legal_entity: lei(OURS),
            date: ex,
        },
        ex,
    );
    let [Event::DividendEntitled { entitlements, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(entitlements.len(), 1, "the house only, on the ex-date");
    let e = entitlements[0];
    assert_eq!(
        (e.entitled, e.of_record, e.amount, e.claim_quantity()),
        (d("1000"), d("0"), d("500.00"), d("1000"))
    );
    assert_eq!(bal(&s, DIVIDENDS_RECEIVABLE), d("500.00"));
    assert_eq!(bal(&s, DIVIDEND_INCOME), d("-500.00"));

    settle(&mut s, "H", "1000", date(2025, 7, 18));
    settle(&mut s, "C", "600", date(2025, 7, 14));
    let (cash_before, client_before, held_before) = (
        bal(&s, CASH),
        bal(&s, CLIENT_MONEY_AT_BANKS),
        bal(&s, CLIENT_MONEY),
    );
    let events = run_on(
        &mut s,
        Command::ServiceAssets {
            legal_entity: lei(OURS),
            date: pay,
        },
        pay,
    );
    let [Event::DividendPaid { payments, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(payments.len(), 2);
    assert_eq!(bal(&s, CASH) - cash_before, d("500.00"));
    assert_eq!(bal(&s, DIVIDENDS_RECEIVABLE), Decimal::ZERO);
    assert_eq!(bal(&s, CLIENT_MONEY_AT_BANKS) - client_before, d("300.00"));
    assert_eq!(bal(&s, CLIENT_MONEY) - held_before, d("-300.00"));
    assert_eq!(
        bal(&s, DIVIDEND_INCOME),
        d("-500.00"),
        "the client's is not income"
    );
}

/// docs/domain.md §6: a 2-for-1 split doubles the quantity and halves the average cost, the
/// total cost unchanged, as an entry that versions the position: 100 at 10.00 become 200 at
/// 5.00; a sale of 50 at 6.00 releases 250.00 of cost (realised 50.00); a purchase dated
/// before the ex-date but booked after the split is split too.
#[test]
fn a_two_for_one_split_versions_the_position() {
    let mut s = firm();
    run(
        &mut s,
        Command::BookTrade(trade(
            "B1",
            FI_SHARE,
            Side::Buy,
            "100",
            "10.00",
            "EUR",
            date(2025, 7, 14),
        )),
    );
    run(
        &mut s,
        Command::AnnounceCorporateAction {
            reference: "SPLIT-2025".into(),
            isin: Isin::parse(FI_SHARE).unwrap(),
            kind: CorporateActionKind::Split {
                new: d("2"),
                old: d("1"),
            },
            ex_date: date(2025, 7, 16),
            record_date: date(2025, 7, 17),
            pay_date: date(2025, 7, 17),
        },
    );
    let cost_before = bal(&s, SECURITIES_AT_COST);
    run_on(
        &mut s,
        Command::ServiceAssets {
            legal_entity: lei(OURS),
            date: date(2025, 7, 16),
        },
        date(2025, 7, 16),
    );
    let key = (
        s.refdata.accounts.id(&"HOUSE-1".to_owned()).unwrap(),
        s.refdata
            .instruments
            .id(&Isin::parse(FI_SHARE).unwrap())
            .unwrap(),
    );
    let p = &s.holdings.positions[&key];
    assert_eq!((p.quantity, p.cost), (d("200"), d("1000.00")));
    assert_eq!(p.average_cost(), d("5"));
    assert_eq!(bal(&s, SECURITIES_AT_COST), cost_before, "no entry");
    run(
        &mut s,
        Command::BookTrade(trade(
            "S1",
            FI_SHARE,
            Side::Sell,
            "50",
            "6.00",
            "EUR",
            date(2025, 7, 17),
        )),
    );
    let p = &s.holdings.positions[&key];
    assert_eq!((p.quantity, p.cost), (d("150"), d("750.00")));
    assert_eq!(bal(&s, REALISED_PNL), d("-50.00"));
    run(
        &mut s,
        Command::BookTrade(trade(
            "LATE",
            FI_SHARE,
            Side::Buy,
            "10",
            "10.00",
            "EUR",
            date(2025, 7, 15),
        )),
    );
    let p = &s.holdings.positions[&key];
    assert_eq!((p.quantity, p.cost), (d("170"), d("850.00")));
    assert_eq!(bal(&s, SECURITIES_AT_COST), d("850.00"));
    assert_eq!(bal(&s, REALISED_PNL), d("-50.00"));
    // The split survives a snapshot.
    let decoded = crate::engine::snapshot::decode(&crate::engine::snapshot::encode(&s)).unwrap();
    assert_eq!(decoded, s);
}

/// The daily accrual agrees with QuantLib between two dates: holding 1,000,000 nominal
/// settled on d1, the interest income booked by the ends of day of d1 and d2 (with the
/// coupons paid between them) is QuantLib's accrued(d2) − accrued(d1) + coupons, each
/// rounded to the cent, for the rows of `tests/fixtures/quantlib-accrual-between.csv` that
/// fall on XHEL business days.
#[test]
fn the_daily_accrual_agrees_with_quantlib_between_two_dates() {
    let text = include_str!("../../../tests/fixtures/quantlib-accrual-between.csv");
    let calendar = crate::settlement::Market::Xhel.settlement_calendar();
    let trading = crate::settlement::Market::Xhel.trading_calendar();
    let round = |v: Decimal| crate::money::RoundingMode::HalfUp.round(v, 2);
    let mut checked = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let day = |s: &str| s.parse::<Date>().unwrap();
        let (d1, d2) = (day(f[8]), day(f[9]));
        let terms = crate::daycount::CouponTerms {
            day_count: f[0].parse().unwrap(),
            frequency: f[1].parse().unwrap(),
            rate: d(f[2]),
            issue_date: day(f[3]),
            maturity_date: day(f[4]),
            first_coupon_date: (!f[5].is_empty()).then(|| day(f[5])),
            end_of_month: f[6] == "true",
        };
        if d2 >= terms.maturity_date
            || !calendar.is_business_day(d1)
            || !trading.is_business_day(d1)
            || d1.year() > 2090
        {
            continue;
        }
        let mut s = firm();
        let mut instrument = bond(DayCount::ActActIcma);
        instrument.kind = crate::refdata::InstrumentKind::Bond(terms);
        run(&mut s, Command::DefineInstrument(instrument));
        let buy = TradeInput {
            settlement_date: Some(d1),
            ..trade("B", BOND, Side::Buy, "1000000", "100", "EUR", d1)
        };
        run(&mut s, Command::BookTrade(buy));
        settle(&mut s, "B", "1000000", d1);
        end_of_day(&mut s, d1, &[(BOND, "100")]);
        let income_d1 = bal(&s, INTEREST_INCOME);
        let cash_d1 = bal(&s, CASH);
        // Ends of day every 30 days between (at most 24 of them), then d2.
        let mut on = d1;
        for _ in 0..24 {
            match on.checked_add(jiff::Span::new().days(30)) {
                Ok(next) if next < d2 => {
                    end_of_day(&mut s, next, &[(BOND, "100")]);
                    on = next;
                }
                _ => break,
            }
        }
        end_of_day(&mut s, d2, &[(BOND, "100")]);
        let earned = -(bal(&s, INTEREST_INCOME) - income_d1);
        let coupons = bal(&s, CASH) - cash_d1;
        let quantlib = round(d(f[11])) - round(d(f[10]));
        assert_eq!(earned, quantlib + coupons, "{line}");
        // Each coupon is rounded to the cent on its own.
        let paid = terms
            .coupon_dates()
            .unwrap()
            .into_iter()
            .filter(|p| d1 < *p && *p <= d2)
            .count();
        assert!(
            (coupons - d(f[12])).abs() <= d("0.005") * Decimal::from(paid as u64),
            "{line}: coupons {coupons}"
        );
        checked += 1;
        if checked == 60 {
            break;
        }
    }
    assert!(checked >= 40, "only {checked} rows checked");
}
