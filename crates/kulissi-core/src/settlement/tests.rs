//! Worked examples from docs/domain.md §3.1–3.2.

use jiff::civil::date;

use super::*;

fn market(mic: &str) -> Market {
    mic.parse().unwrap()
}

fn sd(mic: &str, y: i16, m: i8, d: i8) -> Date {
    market(mic).intended_settlement_date(date(y, m, d)).unwrap()
}

/// US: T+2 until Friday 24 May 2024, T+1 from Tuesday 28 May 2024 (Memorial Day between).
#[test]
fn us_moved_to_t_plus_1_on_28_may_2024() {
    assert_eq!(
        sd("XNYS", 2024, 5, 24),
        date(2024, 5, 29),
        "T+2, skipping Memorial Day"
    );
    assert_eq!(
        sd("XNYS", 2024, 5, 28),
        date(2024, 5, 29),
        "T+1: a double settlement day"
    );
    assert_eq!(
        market("XNYS").settlement_cycle(date(2017, 9, 1)).unwrap(),
        3
    );
    assert_eq!(
        market("XNYS").settlement_cycle(date(2017, 9, 5)).unwrap(),
        2
    );
}

/// US settlement skips bank holidays that are trading days.
#[test]
fn us_settlement_skips_columbus_and_veterans_day() {
    assert_eq!(sd("XNYS", 2025, 10, 10), date(2025, 10, 14));
    assert_eq!(sd("XNYS", 2025, 11, 10), date(2025, 11, 12));
}

/// EU and UK: trades on Friday 8 October 2027 (T+2) and Monday 11 October 2027 (T+1) both
/// settle on Tuesday 12 October 2027.
#[test]
fn europe_moves_to_t_plus_1_on_11_october_2027() {
    for mic in [
        "XHEL", "XETR", "XPAR", "XSTO", "XCSE", "XOSL", "XLON", "XSWX",
    ] {
        assert_eq!(sd(mic, 2027, 10, 8), date(2027, 10, 12), "{mic} T+2");
        assert_eq!(sd(mic, 2027, 10, 11), date(2027, 10, 12), "{mic} T+1");
    }
}

/// Helsinki trades settle on TARGET: Midsummer Eve closes the exchange, not T2S.
#[test]
fn helsinki_settles_on_target() {
    assert_eq!(sd("XHEL", 2026, 6, 18), date(2026, 6, 22));
    assert_eq!(
        sd("XHEL", 2026, 4, 2),
        date(2026, 4, 8),
        "Good Friday and Easter Monday skipped"
    );
    // 24 December 2025 is a settlement day but not a trading day.
    assert!(
        market("XHEL")
            .settlement_calendar()
            .is_business_day(date(2025, 12, 24))
    );
    assert!(
        !market("XHEL")
            .trading_calendar()
            .is_business_day(date(2025, 12, 24))
    );
}

#[test]
fn london_and_tokyo() {
    assert_eq!(sd("XLON", 2026, 8, 28), date(2026, 9, 2));
    assert_eq!(
        market("XTKS").settlement_cycle(date(2019, 7, 12)).unwrap(),
        3
    );
    assert_eq!(
        market("XTKS").settlement_cycle(date(2019, 7, 16)).unwrap(),
        2
    );
}

#[test]
fn unknown_markets_and_old_trades_are_explained() {
    let err = "XFRA".parse::<Market>().unwrap_err().to_string();
    assert!(
        err.starts_with("unknown market 'XFRA', expected one of XHEL"),
        "{err}"
    );
    let err = market("XHEL")
        .intended_settlement_date(date(1989, 12, 29))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no settlement cycle is known for XHEL trades before 1990-01-01 (trade date 1989-12-29)"
    );
}
