//! `kulissi demo`: what Kulissi computes today, shown on a small demo book of a Helsinki
//! broker. The trade dates are fixed, so the output is the same on every machine.

use std::io::Write;

use jiff::civil::{Date, date};
use kulissi_app::reports::{DateBasis, Format};
use kulissi_core::Decimal;
use kulissi_core::identifiers::{Bic, Currency, Isin, Lei};
use kulissi_core::money::{Money, Price, Quantity, Rate, RoundingMode};
use kulissi_core::settlement::Market;

/// A demo trade: instrument, market, trade date, quantity, price, commission in bp.
struct DemoTrade {
    isin: &'static str,
    name: &'static str,
    market: Market,
    trade_date: Date,
    quantity: &'static str,
    price: &'static str,
    currency: &'static str,
    commission_bp: &'static str,
}

const TRADES: [DemoTrade; 6] = [
    DemoTrade {
        isin: "FI0009000681",
        name: "Nokia",
        market: Market::Xhel,
        trade_date: date(2026, 6, 18),
        quantity: "1000",
        price: "4.2150",
        currency: "EUR",
        commission_bp: "5",
    },
    DemoTrade {
        isin: "DE0007164600",
        name: "SAP",
        market: Market::Xetr,
        trade_date: date(2026, 4, 2),
        quantity: "250",
        price: "181.34",
        currency: "EUR",
        commission_bp: "3",
    },
    DemoTrade {
        isin: "GB0002634946",
        name: "BAE Systems",
        market: Market::Xlon,
        trade_date: date(2026, 8, 28),
        quantity: "10000",
        price: "4.2575",
        currency: "GBP",
        commission_bp: "5",
    },
    DemoTrade {
        isin: "US0378331005",
        name: "Apple",
        market: Market::Xnys,
        trade_date: date(2025, 10, 10),
        quantity: "300",
        price: "245.27",
        currency: "USD",
        commission_bp: "2",
    },
    DemoTrade {
        isin: "FI0009000681",
        name: "Nokia",
        market: Market::Xhel,
        trade_date: date(2027, 10, 8),
        quantity: "-400",
        price: "4.3010",
        currency: "EUR",
        commission_bp: "5",
    },
    DemoTrade {
        isin: "FI0009000681",
        name: "Nokia",
        market: Market::Xhel,
        trade_date: date(2027, 10, 11),
        quantity: "-600",
        price: "4.3120",
        currency: "EUR",
        commission_bp: "5",
    },
];

/// Runs the demo: the enrichment walk-through, then the demo firm's year of `trades` trades
/// with its back office (capital, client deposits, confirmations, weekly ends of day with
/// income and corporate actions), its first trades, its trial balance, its settlement
/// instructions by status, the settlement fails at the last end of day (aged, with their
/// CSDR penalties), its people (one user per role, with passwords printed once) and the
/// requests waiting for their approval, and a full verification. Then, when `serve` says
/// where, the workbench serves it until Ctrl-C.
pub(crate) fn run(
    ctx: &super::context::Context,
    trades: u64,
    serve: Option<std::net::SocketAddr>,
    out: &mut impl Write,
) -> anyhow::Result<u8> {
    walkthrough(out)?;
    writeln!(out, "\nThe demo firm in {}", ctx.db.display())?;
    super::database::init(ctx, out)?;
    super::database::generate(ctx, trades, 1, true, None, out)?;
    writeln!(out, "\nThe first trades (kulissi trades list):")?;
    super::database::trades_list(ctx, 0, 8, Format::Table, out)?;
    writeln!(out, "\nThe general ledger (kulissi ledger trial-balance):")?;
    super::ledger::trial_balance(ctx, None, DateBasis::Effective, None, Format::Table, out)?;
    {
        let writer = ctx.writer()?;
        let state = writer.state();
        let last = state.valuations.last_end_of_day.values().max().copied();
        if let Some(as_of) = last {
            let queue = kulissi_app::reports::settlement_queue(state, &Default::default());
            let mut by_status = std::collections::BTreeMap::new();
            for l in &queue.lines {
                *by_status.entry(l.status).or_insert(0u64) += 1;
            }
            let counts: Vec<String> = by_status.iter().map(|(s, n)| format!("{n} {s}")).collect();
            writeln!(
                out,
                "\nSettlement instructions (kulissi settle queue): {}",
                counts.join(", ")
            )?;
            let fails = kulissi_app::reports::fails(state, as_of);
            writeln!(
                out,
                "\nSettlement fails as of {as_of} (kulissi settle fails --as-of {as_of}): {}",
                fails.lines.len()
            )?;
            for bucket in ["1", "2-4", "5-7", "8-15", "16-30", ">30"] {
                let lines: Vec<_> = fails.lines.iter().filter(|l| l.bucket == bucket).collect();
                if lines.is_empty() {
                    continue;
                }
                let mut penalties = std::collections::BTreeMap::new();
                for l in &lines {
                    *penalties
                        .entry(l.currency.as_str())
                        .or_insert(rust_decimal::Decimal::ZERO) += l.penalty;
                }
                let p: Vec<String> = penalties
                    .iter()
                    .filter(|(_, v)| !v.is_zero())
                    .map(|(c, v)| format!("{v} {c}"))
                    .collect();
                writeln!(
                    out,
                    "  {bucket:>5} business days: {:>3} fails, penalties {}",
                    lines.len(),
                    if p.is_empty() {
                        "none".to_owned()
                    } else {
                        p.join(", ")
                    }
                )?;
            }
            let breaks = kulissi_app::reports::recon_breaks(state, true, as_of);
            writeln!(
                out,
                "\nOpen reconciliation breaks (kulissi recon breaks --open): {}",
                breaks.lines.len()
            )?;
            for l in &breaks.lines {
                writeln!(
                    out,
                    "  {:>3} {:<15} {:<16} {:<32} difference {}",
                    l.id, l.definition, l.class, l.key, l.difference
                )?;
            }
            let month = format!("{:04}-{:02}", as_of.year(), as_of.month());
            writeln!(
                out,
                "  (kulissi settle penalties --month {month}: the month's penalties per counterparty)"
            )?;
        }
    }
    let people = super::demo_people::people(ctx)?;
    let pending = super::demo_people::requests(ctx)?;
    writeln!(
        out,
        "\nThe firm's people: {} users, one per role (and a second settlements person to check the first); {pending} requests wait for approval",
        people.len()
    )?;
    writeln!(out, "\nkulissi verify:")?;
    let verified = super::database::verify_command(ctx, out)?;
    let Some(listen) = serve else {
        return Ok(verified);
    };
    let business_date = {
        let writer = ctx.writer()?;
        let state = writer.state();
        state.valuations.last_end_of_day.values().max().copied()
    };
    let mut config = kulissi_api::Config::load(None)?;
    config.listen = listen;
    config.secure_cookies = false;
    if let Some(date) = business_date {
        config.business_date = date.to_string();
    }
    super::server::serve_with(ctx, config, out, |bound, out| {
        writeln!(
            out,
            "\nThe workbench is at http://{bound}/ (Ctrl-C stops it). Sign in as:"
        )?;
        writeln!(
            out,
            "  {:<10} {:<26} {:<22} name",
            "user", "password", "role"
        )?;
        for p in &people {
            writeln!(
                out,
                "  {:<10} {:<26} {:<22} {}",
                p.username, p.password, p.role, p.name
            )?;
        }
        out.flush()?;
        Ok(())
    })
}

fn walkthrough(out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "Kulissi demo: a Helsinki broker's trades, enriched by the domain core\n"
    )?;
    writeln!(out, "Counterparties")?;
    for (lei, bic, name) in [
        (
            "529900T8BM49AURSDO55",
            "APKEFIHH",
            "Euroclear Finland (place of settlement)",
        ),
        (
            "7LTWFZYICNSX8D621K86",
            "DEUTDEFF",
            "Deutsche Bank (custodian)",
        ),
    ] {
        let lei = Lei::parse(lei)?;
        let bic = Bic::parse(bic)?;
        writeln!(out, "  {lei}  {bic}  {name}")?;
    }
    writeln!(
        out,
        "\nTrades (trade date -> intended settlement date on the CSD's calendar)"
    )?;
    writeln!(
        out,
        "  {:<12} {:<12} {:<5} {:<10} {:>3} {:<10} {:>7} {:>9} {:>16} {:>11}",
        "isin", "name", "mic", "trade", "T+", "settle", "qty", "price", "gross", "commission"
    )?;
    for t in &TRADES {
        let isin = Isin::parse(t.isin)?;
        let currency = Currency::parse(t.currency)?;
        let quantity: Quantity = t.quantity.parse()?;
        let price: Price = t.price.parse()?;
        let cycle = t.market.settlement_cycle(t.trade_date)?;
        let settle = t.market.intended_settlement_date(t.trade_date)?;
        let gross = Quantity::new(quantity.value().abs())
            .times_price(price, Decimal::ONE, currency)?
            .round(RoundingMode::HalfUp);
        let commission = Rate::from_basis_points(t.commission_bp.parse()?)
            .apply(gross)?
            .round(RoundingMode::HalfUp);
        writeln!(
            out,
            "  {isin} {:<12} {:<5} {:<10} {cycle:>3} {settle:<10} {quantity:>7} {price:>9} {:>16} {:>11}",
            t.name,
            t.market.mic(),
            t.trade_date.to_string(),
            gross.to_string(),
            commission.amount().to_string(),
        )?;
    }
    let eur = Currency::parse("EUR")?;
    let total = Money::sum(
        eur,
        [Money::parse("20000.00", eur)?, Money::parse("20.00", eur)?],
    )?;
    writeln!(
        out,
        "\nExact money: EUR 20,000.00 + EUR 20.00 = {total}; EUR + USD is refused."
    )?;
    writeln!(
        out,
        "Note the 2027-10-08 (T+2) and 2027-10-11 (T+1) sales settling the same day:"
    )?;
    writeln!(out, "the EU moves to T+1 on 11 October 2027.")?;
    Ok(())
}
