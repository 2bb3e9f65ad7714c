//! Client (agency) trades and client money through the engine (docs/domain.md §7.1): the
//! worked journal to the cent, client money at banks equal to client money held at every
//! step, a French purchase whose FTT the client pays, and the segregation of client money
//! in cash movements; and a USD stock bought against a USD payable over an FX move
//! (§7.3).

use super::*;
use crate::cash::CashMovementType;
use crate::ledger::{EntryKind, TrialBalance, codes::*};

const CLIENT: &str = "CLIENT-1";

/// The firm, a client account, and the §7.1 fee schedule (commission 10 bp, exchange fee
/// 0.15 bp) on XHEL shares from 2025.
fn broker() -> State {
    let mut s = firm();
    run(
        &mut s,
        Command::DefineAccount {
            code: CLIENT.into(),
            legal_entity: lei(OURS),
            owner: AccountOwner::Client,
            custodian: lei(CUSTODIAN),
            safekeeping_account: "SAFE-CLIENT-1".into(),
            cash_account: "CLIENT-MONEY-1".into(),
        },
    );
    run(
        &mut s,
        Command::DefineFeeSchedule(FeeSchedule {
            valid_from: date(2025, 1, 1),
            exchange_fee: Rate::from_basis_points(d("0.15")),
            ..fees(Market::Xhel, InstrumentType::Equity, "10", "0")
        }),
    );
    s
}

fn client_trade(
    external_id: &str,
    isin: &str,
    side: Side,
    quantity: &str,
    price: &str,
    trade_date: Date,
) -> Command {
    Command::BookTrade(TradeInput {
        account: CLIENT.into(),
        ..trade(external_id, isin, side, quantity, price, "EUR", trade_date)
    })
}

fn cash(reference: &str, movement: CashMovementType, account: &str, amount: &str) -> Command {
    Command::RecordCashMovement {
        reference: reference.into(),
        movement,
        account: account.into(),
        to_account: None,
        currency: ccy("EUR"),
        amount: d(amount),
        value_date: date(2025, 7, 11),
        pending_until: None,
    }
}

fn settle(external_id: &str, quantity: &str, settlement_date: Date) -> Command {
    Command::ConfirmSettlement {
        source: "TEST".into(),
        external_id: external_id.into(),
        quantity: Quantity::new(d(quantity)),
        settlement_date,
        reference: format!("CUST-{external_id}-{quantity}-{settlement_date}"),
    }
}

fn price(isin: &str, on: Date, price: &str) -> Command {
    Command::RecordPrice {
        instrument: Isin::parse(isin).unwrap(),
        date: on,
        price: Price::new(d(price)),
        source: "close".into(),
    }
}

fn end_of_day(on: Date) -> Command {
    Command::RunEndOfDay {
        legal_entity: lei(OURS),
        date: on,
    }
}

/// Client money at banks (1150, a debit) equals client money held (2500, a credit), in
/// every currency the ledger has.
fn assert_client_money_balances(s: &State) {
    for currency in s.ledger.entity_currencies(
        crate::ids::LegalEntityId(0),
        &[CLIENT_MONEY_AT_BANKS, CLIENT_MONEY],
    ) {
        assert_eq!(
            s.ledger.balance(CLIENT_MONEY_AT_BANKS, currency),
            -s.ledger.balance(CLIENT_MONEY, currency),
            "client money in {currency}"
        );
    }
}

/// docs/domain.md §7.1 entry by entry: the client deposits 30,000.00; buys 1,000 at 20.00
/// on Monday 14 July 2025 (commission 20.00, fee 0.30), which settles on Wednesday; sells
/// 400 at 21.00 on Wednesday (commission 8.40, fee 0.13), which settles on Friday. The
/// trial balance is 18,399.57 on each side, client money 18,371.17 at the bank and owed to
/// the client, the firm's profit its commission, 28.40; the client holds 600 shares; no
/// end of day marks them into the firm's P&L.
#[test]
fn domain_section_7_1_through_the_engine() {
    let mut s = broker();
    let mut journal = Vec::new();
    let j = &mut journal;
    let eur = ccy("EUR");
    let (mon, tue, wed, fri) = (
        date(2025, 7, 14),
        date(2025, 7, 15),
        date(2025, 7, 16),
        date(2025, 7, 18),
    );
    let deposit = cash("DEP-1", CashMovementType::ClientDeposit, CLIENT, "30000.00");
    run_journal(&mut s, envelope(deposit), j);
    assert_client_money_balances(&s);
    run_journal(
        &mut s,
        envelope(client_trade("B", FI_SHARE, Side::Buy, "1000", "20.00", mon)),
        j,
    );
    assert_client_money_balances(&s);
    for (day, close) in [(mon, "20.50"), (tue, "20.80")] {
        run_journal(&mut s, envelope(price(FI_SHARE, day, close)), j);
        run_journal(&mut s, envelope(end_of_day(day)), j);
    }
    run_journal(&mut s, envelope(settle("B", "1000", wed)), j);
    assert_client_money_balances(&s);
    run_journal(
        &mut s,
        envelope(client_trade("S", FI_SHARE, Side::Sell, "400", "21.00", wed)),
        j,
    );
    run_journal(&mut s, envelope(price(FI_SHARE, wed, "20.90")), j);
    run_journal(&mut s, envelope(end_of_day(wed)), j);
    run_journal(&mut s, envelope(settle("S", "400", fri)), j);
    assert_client_money_balances(&s);

    // Each entry as the worked journal has it (lines netted by account).
    let lines = |kind: EntryKind, trade: u64| -> Vec<(u16, Decimal)> {
        let (_, lines) = journal
            .iter()
            .find(|(h, _)| h.kind == kind && h.trade_id == Some(crate::ids::TradeId(trade)))
            .unwrap();
        let mut out: Vec<_> = lines.iter().map(|(a, _, v)| (*a, *v)).collect();
        out.sort();
        out
    };
    let sorted = |mut v: Vec<(u16, &str)>| {
        v.sort();
        v.into_iter().map(|(a, x)| (a, d(x))).collect::<Vec<_>>()
    };
    // 0: Dr 1150 / Cr 2500 30,000.00.
    let (_, deposit) = journal
        .iter()
        .find(|(h, _)| matches!(h.kind, EntryKind::CashMovement { .. }))
        .unwrap();
    assert_eq!(
        deposit,
        &[
            (CLIENT_MONEY_AT_BANKS, eur, d("30000.00")),
            (CLIENT_MONEY, eur, d("-30000.00"))
        ]
    );
    // 1: Dr 1320 20,020.30 / Cr 2110 20,000.00, 4600 20.00, 2200 0.30.
    assert_eq!(
        lines(EntryKind::TradeBooked, 1),
        sorted(vec![
            (RECEIVABLE_FROM_CLIENTS, "20020.30"),
            (PAYABLE_TO_MARKET, "-20000.00"),
            (COMMISSION_INCOME, "-20.00"),
            (FEES_PAYABLE, "-0.30"),
        ])
    );
    // 2–5: Dr 2110 20,000.00 / Cr 1150; Dr 2500 20,020.30 / Cr 1320; Dr 1100 20.30 / Cr
    // 1150; Dr 2200 0.30 / Cr 1100.
    assert_eq!(
        lines(EntryKind::Settlement, 1),
        sorted(vec![
            (PAYABLE_TO_MARKET, "20000.00"),
            (CLIENT_MONEY, "20020.30"),
            (RECEIVABLE_FROM_CLIENTS, "-20020.30"),
            (CLIENT_MONEY_AT_BANKS, "-20020.30"),
            (CASH, "20.00"),
            (FEES_PAYABLE, "0.30"),
        ])
    );
    // 6: Dr 1330 8,400.00 / Cr 2120 8,391.47, 4600 8.40, 2200 0.13.
    assert_eq!(
        lines(EntryKind::TradeBooked, 2),
        sorted(vec![
            (RECEIVABLE_FROM_MARKET, "8400.00"),
            (PAYABLE_TO_CLIENTS, "-8391.47"),
            (COMMISSION_INCOME, "-8.40"),
            (FEES_PAYABLE, "-0.13"),
        ])
    );
    // 7–9: Dr 1150 8,400.00 / Cr 1330; Dr 2120 8,391.47 / Cr 2500; Dr 1100 8.53, 2200 0.13
    // / Cr 1150 8.53, 1100 0.13.
    assert_eq!(
        lines(EntryKind::Settlement, 2),
        sorted(vec![
            (CLIENT_MONEY_AT_BANKS, "8391.47"),
            (RECEIVABLE_FROM_MARKET, "-8400.00"),
            (PAYABLE_TO_CLIENTS, "8391.47"),
            (CLIENT_MONEY, "-8391.47"),
            (CASH, "8.40"),
            (FEES_PAYABLE, "0.13"),
        ])
    );
    // No end of day marked the client's position.
    assert!(
        journal
            .iter()
            .filter(|(h, _)| h.kind == EntryKind::MarkToMarket)
            .all(|(_, lines)| lines.is_empty())
    );

    // The trial balance after 18 July, from the journal and from the engine's balances.
    let entries = journal_entries(&journal);
    let tb = TrialBalance::as_of(&entries, fri);
    let expected = [
        (CLIENT_MONEY_AT_BANKS, "18371.17"),
        (CASH, "28.40"),
        (CLIENT_MONEY, "-18371.17"),
        (COMMISSION_INCOME, "-28.40"),
    ];
    for (account, balance) in expected {
        assert_eq!(tb.balance(account, eur), d(balance), "account {account}");
        assert_eq!(s.ledger.balance(account, eur), d(balance), "{account}");
    }
    assert_eq!(tb.rows.len(), expected.len(), "every other account is 0");
    assert_eq!(tb.totals(eur), (d("18399.57"), d("18399.57")));
    let chart = s.chart_of(crate::ids::LegalEntityId(0));
    assert_eq!(tb.profit(&chart, eur), d("28.40"));

    // The client's 600 shares, all settled, and the client's money in the sub-ledger.
    let account = s.refdata.accounts.id(&CLIENT.to_owned()).unwrap();
    let instrument = s
        .refdata
        .instruments
        .id(&Isin::parse(FI_SHARE).unwrap())
        .unwrap();
    let position = &s.holdings.positions[&(account, instrument)];
    assert_eq!(
        (position.quantity, position.settled_quantity),
        (d("600"), d("600"))
    );
    assert_eq!(s.cash.balance(account, eur).posted, d("18371.17"));
}

/// docs/domain.md §5 and §7.1: a client buys 1,000 at €55.32 in Paris; the FTT of 221.28 is
/// collected from the client with the commission (16.60) and paid on at settlement, so
/// nothing of it stays with the firm; the client owes and pays 55,557.88.
#[test]
fn a_client_purchase_of_a_french_share_pays_its_ftt_through_the_firm() {
    let mut s = broker();
    let eur = ccy("EUR");
    let deposit = cash("DEP-1", CashMovementType::ClientDeposit, CLIENT, "60000.00");
    run(&mut s, deposit);
    let mut journal = Vec::new();
    let buy = client_trade("F", FR_SHARE, Side::Buy, "1000", "55.32", date(2026, 3, 2));
    run_journal(&mut s, envelope(buy), &mut journal);
    let (_, lines) = &journal[0];
    let mut lines: Vec<_> = lines.iter().map(|(a, _, v)| (*a, *v)).collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            (RECEIVABLE_FROM_CLIENTS, d("55557.88")),
            (PAYABLE_TO_MARKET, d("-55320.00")),
            (TAXES_PAYABLE, d("-221.28")),
            (COMMISSION_INCOME, d("-16.60")),
        ]
    );
    assert_eq!(s.ledger.balance(TRANSACTION_TAXES, eur), Decimal::ZERO);
    run(&mut s, settle("F", "1000", date(2026, 3, 4)));
    assert_client_money_balances(&s);
    for (account, balance) in [
        (CLIENT_MONEY_AT_BANKS, "4442.12"),
        (CLIENT_MONEY, "-4442.12"),
        (CASH, "16.60"),
        (COMMISSION_INCOME, "-16.60"),
        (TAXES_PAYABLE, "0"),
        (RECEIVABLE_FROM_CLIENTS, "0"),
        (PAYABLE_TO_MARKET, "0"),
        (SECURITIES_AT_COST, "0"),
    ] {
        assert_eq!(s.ledger.balance(account, eur), d(balance), "{account}");
    }
}

/// A client trade settled in three parts posts exactly what it posts at once, and client
/// money balances after every part.
#[test]
fn a_client_trade_settled_in_parts_ends_where_it_would_at_once() {
    let run_with = |parts: &[&str]| {
        let mut s = broker();
        run(
            &mut s,
            cash("DEP-1", CashMovementType::ClientDeposit, CLIENT, "30000.00"),
        );
        run(
            &mut s,
            client_trade("B", FI_SHARE, Side::Buy, "999", "20.01", date(2025, 7, 14)),
        );
        for (i, part) in parts.iter().enumerate() {
            let day = date(2025, 7, 16 + i as i8);
            run(&mut s, settle("B", part, day));
            assert_client_money_balances(&s);
        }
        s.ledger
    };
    assert_eq!(run_with(&["333", "333", "333"]), run_with(&["999"]));
}

/// Client money is segregated: a deposit needs a client account, capital a house account,
/// and no transfer mixes the two; a transfer between two legal entities' house accounts
/// puts the sender's claim in its books (due from) and the receiver's debt in its own (due
/// to).
#[test]
fn client_money_is_segregated_and_group_transfers_are_due_to_and_from() {
    let mut s = broker();
    let refused = |s: &State, command: Command| decide(s, &envelope(command)).unwrap_err();
    assert_eq!(
        refused(
            &s,
            cash("D", CashMovementType::ClientDeposit, "HOUSE-1", "10.00")
        )
        .to_string(),
        "a deposit moves a client's money, so it needs a client account; 'HOUSE-1' is a house account"
    );
    assert!(matches!(
        refused(
            &s,
            cash("C", CashMovementType::CapitalContribution, CLIENT, "10.00")
        ),
        Rejection::CashMovementWrongOwner { .. }
    ));
    run(
        &mut s,
        cash(
            "C",
            CashMovementType::CapitalContribution,
            "HOUSE-1",
            "1000.00",
        ),
    );
    run(
        &mut s,
        cash("D", CashMovementType::ClientDeposit, CLIENT, "500.00"),
    );
    let transfer = |to: &str| {
        let mut command = cash("T", CashMovementType::Transfer, "HOUSE-1", "100.00");
        if let Command::RecordCashMovement { to_account, .. } = &mut command {
            *to_account = Some(to.into());
        }
        command
    };
    assert!(matches!(
        refused(&s, transfer(CLIENT)),
        Rejection::TransferMixesClientMoney { .. }
    ));

    // A second legal entity with a house account: the transfer is in both entities' books.
    const SISTER: &str = "529900HNOAA1KXQJUQ27";
    run(
        &mut s,
        Command::DefineLegalEntity(LegalEntity {
            lei: lei(SISTER),
            name: "Kulissi Securities AB".into(),
            reporting_currency: ccy("EUR"),
        }),
    );
    run(
        &mut s,
        Command::DefineAccount {
            code: "SISTER-HOUSE".into(),
            legal_entity: lei(SISTER),
            owner: AccountOwner::House,
            custodian: lei(CUSTODIAN),
            safekeeping_account: "SAFE-S".into(),
            cash_account: "CASH-S".into(),
        },
    );
    let mut journal = Vec::new();
    run_journal(&mut s, envelope(transfer("SISTER-HOUSE")), &mut journal);
    let eur = ccy("EUR");
    let (ours, sister) = (crate::ids::LegalEntityId(0), crate::ids::LegalEntityId(1));
    let balance = |entity, account| s.ledger.entity_balance(entity, account, eur);
    assert_eq!(
        (balance(ours, CASH), balance(ours, DUE_FROM_GROUP)),
        (d("900.00"), d("100.00"))
    );
    assert_eq!(
        (balance(sister, CASH), balance(sister, DUE_TO_GROUP)),
        (d("100.00"), d("-100.00"))
    );
    assert_eq!(journal.len(), 2, "one entry in each entity's books");
    assert_client_money_balances(&s);
}

/// A US share on XNYS.
const US_SHARE: &str = "US0378331005";

/// The firm with [`US_SHARE`], the XNYS SSIs of both sides and a fee schedule charging
/// `commission_bp`.
fn with_us_share(commission_bp: &str) -> State {
    let mut s = firm();
    run(
        &mut s,
        Command::DefineInstrument(equity(US_SHARE, "USD", Market::Xnys, false)),
    );
    for counterparty in [None, Some(lei(BROKER))] {
        run(
            &mut s,
            Command::DefineSsi {
                counterparty,
                market: Market::Xnys,
                currency: ccy("USD"),
                instrument_type: InstrumentType::Equity,
                place_of_settlement: Bic::parse("DTCYUS33").unwrap(),
                agent: Bic::parse("DEUTDEFF").unwrap(),
                safekeeping_account: "SAFE".into(),
                cash_account: "CASH".into(),
                valid_from: crate::refdata::IN_FORCE_FROM_THE_START,
            },
        );
    }
    run(
        &mut s,
        Command::DefineFeeSchedule(fees(
            Market::Xnys,
            InstrumentType::Equity,
            commission_bp,
            "0",
        )),
    );
    s
}

/// docs/domain.md §7.3: the house buys 100 US shares at $50.00 against a USD payable; the
/// dollar strengthens (EUR/USD 1.1000 → 1.0800); the payable's FX loss (4300) and the
/// stock's FX gain (4200) are equal, so while both sit on the books there is no net FX P&L.
#[test]
fn a_usd_stock_bought_against_a_usd_payable_has_no_net_fx_pnl() {
    let mut s = with_us_share("0");
    let (mon, tue) = (date(2025, 7, 14), date(2025, 7, 15));
    let buy = trade("US", US_SHARE, Side::Buy, "100", "50.00", "USD", mon);
    run(&mut s, Command::BookTrade(buy));
    let (eur, usd) = (ccy("EUR"), ccy("USD"));
    for (day, rate) in [(mon, "1.1000"), (tue, "1.0800")] {
        run(&mut s, price(US_SHARE, day, "50.00"));
        run(
            &mut s,
            Command::RecordFxRate {
                base: eur,
                quote: usd,
                date: day,
                rate: d(rate),
            },
        );
        // The end of day's translations survive the codec.
        assert_round_trips(&run(&mut s, end_of_day(day)));
    }
    // 5,000 USD: 4,545.45 EUR at 1.1000, 4,629.63 at 1.0800.
    assert_eq!(
        s.ledger.balance(FX_REVALUATION, eur),
        d("84.18"),
        "payable's loss"
    );
    assert_eq!(
        s.ledger.balance(FX_REVALUATION_ADJUSTMENT, eur),
        d("-84.18")
    );
    assert_eq!(
        s.ledger.balance(UNREALISED_PNL, eur),
        d("-84.18"),
        "stock's gain"
    );
    assert_eq!(s.ledger.balance(SECURITIES_TRANSLATION, eur), d("84.18"));
    let chart = s.chart_of(crate::ids::LegalEntityId(0));
    let pnl: Decimal = s
        .ledger
        .all()
        .filter(|(a, c, _)| {
            *c == eur
                && chart
                    .get(*a)
                    .is_some_and(|x| x.account_type.is_profit_and_loss())
        })
        .map(|(_, _, v)| v)
        .sum();
    assert_eq!(pnl, Decimal::ZERO, "no net FX P&L");
    assert_eq!(s.ledger.balance(SECURITIES_AT_COST, usd), d("5000.00"));
}

/// docs/domain.md §7.3: the house trades a USD share over four ends of day while EUR/USD
/// moves (a purchase against a USD payable, its settlement, a sale at a gain, the sale's
/// settlement), and closes the year. The journal translated into euros the way the ends of
/// day keep it balances exactly with FX P&L in it: the converted balance sheet has no
/// translation difference and its profit is the converted income statement's; the year-end
/// close moves exactly that profit to retained earnings. And the check can fail: leaving out
/// any one account unbalances the converted balance sheet.
#[test]
fn converted_statements_tie_to_the_ledger_without_a_plug() {
    let mut s = with_us_share("7");
    let (eur, usd) = (ccy("EUR"), ccy("USD"));
    let mut journal = Vec::new();
    let j = &mut journal;
    let on = |command: Command, _day: Date| CommandEnvelope {
        business_date: date(2026, 1, 5),
        ..envelope(command)
    };
    let capital = Command::RecordCashMovement {
        reference: "CAP".into(),
        movement: CashMovementType::CapitalContribution,
        account: "HOUSE-1".into(),
        to_account: None,
        currency: usd,
        amount: d("10000.00"),
        value_date: date(2025, 12, 10),
        pending_until: None,
    };
    run_journal(&mut s, on(capital, date(2025, 12, 10)), j);
    let days = [
        (date(2025, 12, 15), "1.1000", "50.00"),
        (date(2025, 12, 16), "1.0850", "50.40"),
        (date(2025, 12, 17), "1.0933", "51.10"),
        (date(2025, 12, 18), "1.0777", "51.10"),
        (date(2025, 12, 19), "1.0801", "49.99"),
    ];
    let buy = trade(
        "US-B",
        US_SHARE,
        Side::Buy,
        "100",
        "50.00",
        "USD",
        days[0].0,
    );
    let sell = trade(
        "US-S",
        US_SHARE,
        Side::Sell,
        "60",
        "51.10",
        "USD",
        days[2].0,
    );
    for (i, (day, rate, close)) in days.iter().enumerate() {
        match i {
            0 => {
                run_journal(&mut s, on(Command::BookTrade(buy.clone()), *day), j);
            }
            1 => {
                run_journal(&mut s, on(settle("US-B", "100", *day), *day), j);
            }
            2 => {
                run_journal(&mut s, on(Command::BookTrade(sell.clone()), *day), j);
            }
            3 => {
                run_journal(&mut s, on(settle("US-S", "60", *day), *day), j);
            }
            _ => {}
        }
        run_journal(&mut s, on(price(US_SHARE, *day, close), *day), j);
        let fx = Command::RecordFxRate {
            base: eur,
            quote: usd,
            date: *day,
            rate: d(rate),
        };
        run_journal(&mut s, on(fx, *day), j);
        run_journal(&mut s, on(end_of_day(*day), *day), j);
    }
    let close = Command::CloseYear {
        legal_entity: lei(OURS),
        year: 2025,
    };
    let before_close = j.len();
    run_journal(&mut s, on(close, date(2026, 1, 5)), j);

    let translate = |entries: &[CollectedEntry]| {
        let refs: Vec<crate::ledger::EntryToTranslate<'_>> =
            entries.iter().map(|(h, l)| (h, l.as_slice())).collect();
        let translated = crate::ledger::translate(&refs, eur, date(2026, 1, 5), |c, day| {
            s.market_data.latest_rate(eur, c, day).map(|(_, r)| r)
        })
        .unwrap();
        for t in &translated {
            assert_eq!(
                t.lines.iter().map(|l| l.translated).sum::<Decimal>(),
                Decimal::ZERO,
                "{:?} balances in euros",
                t.header.kind
            );
        }
        crate::ledger::balances_at_closing_rates(&translated, eur, |c| {
            s.market_data
                .latest_rate(eur, c, date(2026, 1, 5))
                .map(|(_, r)| r)
        })
        .unwrap()
    };
    let chart = s.chart_of(crate::ids::LegalEntityId(0));
    let sheet = |balances: &std::collections::BTreeMap<u16, Decimal>| {
        let lines: Vec<(u16, Currency, Decimal)> =
            balances.iter().map(|(a, v)| (*a, eur, *v)).collect();
        crate::ledger::balance_sheets(&chart, &lines)
            .into_iter()
            .next()
            .unwrap()
    };

    // Before the close: the converted balance sheet balances with FX P&L in the profit.
    let open = translate(&journal[..before_close]);
    assert!(open.get(&FX_REVALUATION).is_some_and(|v| !v.is_zero()));
    let bs = sheet(&open);
    assert_eq!(
        bs.total("Assets"),
        bs.total("Liabilities") + bs.total("Equity")
    );
    assert!(
        bs.sections
            .iter()
            .flat_map(|s| &s.lines)
            .all(|l| l.name != "Translation difference")
    );
    let lines: Vec<(u16, Currency, Decimal)> = open.iter().map(|(a, v)| (*a, eur, *v)).collect();
    let income = &crate::ledger::income_statements(&chart, &lines)[0];
    let profit = bs
        .section("Equity")
        .unwrap()
        .lines
        .iter()
        .find(|l| l.account == 0)
        .unwrap()
        .amount;
    assert_eq!(income.total("Profit"), profit);
    // The USD cash still held shows at its closing-rate value; the payable and receivable,
    // settled, show nothing; the translation account keeps only the cents rounding left.
    let usd_cash = s.ledger.balance(CASH, usd);
    let closing_value = crate::money::RoundingMode::HalfUp.round(usd_cash / d("1.0801"), 2);
    assert_eq!(open[&CASH], closing_value);
    assert!(!open.contains_key(&UNSETTLED_PURCHASES) && !open.contains_key(&UNSETTLED_SALES));
    assert!(
        open.get(&FX_REVALUATION_ADJUSTMENT)
            .is_none_or(|v| v.abs() <= d("0.05")),
        "{open:?}"
    );

    // Leaving out any account unbalances it: the check can fail.
    for account in open.keys().filter(|a| !open[a].is_zero()) {
        let mut without = open.clone();
        without.remove(account);
        let bs = sheet(&without);
        assert_ne!(
            bs.total("Assets"),
            bs.total("Liabilities") + bs.total("Equity"),
            "without {account}"
        );
    }

    // After the close: income and expenses are zero in euros too, and retained earnings
    // hold the converted profit.
    let closed = translate(&journal);
    assert!(
        closed
            .iter()
            .filter(|(a, _)| is_profit_and_loss_code(**a))
            .all(|(_, v)| v.is_zero())
    );
    assert_eq!(-closed[&RETAINED_EARNINGS], profit);
    let bs = sheet(&closed);
    assert_eq!(
        bs.total("Assets"),
        bs.total("Liabilities") + bs.total("Equity")
    );
}

fn is_profit_and_loss_code(account: u16) -> bool {
    crate::ledger::is_profit_and_loss(account)
}

/// The daily client-money check: two clients, one in credit and one whose purchase took
/// its balance into debit. The ledger ties (1150 = 2500 = the clients' balances summed),
/// but one client's debit may not be paid for with the other's money: the requirement is
/// the credit balance alone, and the shortfall is the debit the firm must fund.
#[test]
fn a_client_in_debit_is_a_client_money_shortfall() {
    let mut s = broker();
    run(
        &mut s,
        Command::DefineAccount {
            code: "CLIENT-2".into(),
            legal_entity: lei(OURS),
            owner: AccountOwner::Client,
            custodian: lei(CUSTODIAN),
            safekeeping_account: "SAFE-CLIENT-2".into(),
            cash_account: "CLIENT-MONEY-2".into(),
        },
    );
    run(
        &mut s,
        cash("DEP-1", CashMovementType::ClientDeposit, CLIENT, "30000.00"),
    );
    run(
        &mut s,
        cash(
            "DEP-2",
            CashMovementType::ClientDeposit,
            "CLIENT-2",
            "1000.00",
        ),
    );
    let checks = crate::client_money::client_money(&s);
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].shortfall(), Decimal::ZERO);
    let buy = TradeInput {
        account: "CLIENT-2".into(),
        ..trade(
            "B2",
            FI_SHARE,
            Side::Buy,
            "100",
            "20.00",
            "EUR",
            date(2025, 7, 14),
        )
    };
    run(&mut s, Command::BookTrade(buy));
    run(&mut s, settle("B2", "100", date(2025, 7, 16)));
    let check = &crate::client_money::client_money(&s)[0];
    // CLIENT-2 owes 2,002.03 − 1,000.00 = 1,002.03 (gross 2,000, commission 2.00, fee 0.03).
    assert!(check.ledger_ties() && check.sub_ledger_ties());
    assert_eq!(check.at_banks, d("28997.97"));
    assert_eq!(check.requirement, d("30000.00"));
    assert_eq!(check.shortfall(), d("1002.03"));
}
