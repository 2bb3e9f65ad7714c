//! The dashboard: what needs attention today, for the person's roles. Each panel appears
//! only to those who may open the page behind it: trades of the day by state and the
//! booking trend, settlement fails by age with their penalties, open breaks by age,
//! unrealised P&L by book, the client-money check, pending approvals and open alerts.
//! Charts are drawn by uPlot from the JSON each panel carries; the figures are in the text
//! too, exact.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use jiff::Timestamp;
use jiff::civil::Date;
use kulissi_api::app::Caller;
use kulissi_api::problem::ApiError;
use kulissi_app::reports::{QueueFilter, fails, recon_breaks, settlement_queue, trade_list};
use kulissi_core::controls::roles::Permission;
use kulissi_store::ReadOnly;
use rust_decimal::Decimal;
use serde_json::json;

use crate::Ui;
use crate::table::Params;
use crate::views::{Layout, UiError, render};

/// A chart: its element id, its accessible label and its data.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The element's id.
    pub id: String,
    /// What it shows, for screen readers.
    pub label: String,
    /// The JSON `charts.js` reads (`</` escaped).
    pub spec: String,
}

impl Chart {
    fn new(id: &str, label: String, spec: serde_json::Value) -> Chart {
        Chart {
            id: id.to_owned(),
            label,
            spec: spec.to_string().replace("</", "<\\/"),
        }
    }

    fn bars(
        id: &str,
        label: String,
        labels: Vec<String>,
        series: Vec<(String, Vec<String>)>,
        y: &str,
    ) -> Chart {
        let series: Vec<serde_json::Value> = series
            .into_iter()
            .map(|(l, v)| json!({"label": l, "values": v}))
            .collect();
        Chart::new(
            id,
            label,
            json!({"kind": "bar", "labels": labels, "series": series, "y_label": y}),
        )
    }
}

/// A panel of the dashboard.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Heading.
    pub title: String,
    /// The headline figure.
    pub figure: String,
    /// A line under it.
    pub note: String,
    /// Where to go for more.
    pub link: (String, String),
    /// `warn` or `bad` for attention.
    pub tone: &'static str,
    /// Its chart.
    pub chart: Option<Chart>,
    /// Lines of detail.
    pub lines: Vec<String>,
}

/// The dashboard.
#[derive(Debug, Template)]
#[template(path = "dashboard.html")]
pub struct Dashboard {
    /// The frame.
    pub layout: Layout,
    /// The panels the person may see.
    pub panels: Vec<Panel>,
}

const FAIL_BUCKETS: [&str; 6] = ["1", "2-4", "5-7", "8-15", "16-30", ">30"];

fn join_amounts(m: &BTreeMap<String, Decimal>) -> String {
    let v: Vec<String> = m
        .iter()
        .filter(|(_, a)| !a.is_zero())
        .map(|(c, a)| format!("{a} {c}"))
        .collect();
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.join(", ")
    }
}

/// The dashboard.
pub async fn page(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let today = ui.app.business_date();
    let mut panels = Vec::new();
    if caller.can(Permission::ViewTrades) {
        panels.extend(trades_panels(&ui, today).await?);
    }
    let settlement = caller.can(Permission::ViewSettlement);
    let recon = caller.can(Permission::ViewReconciliation);
    let ledger = caller.can(Permission::ViewLedger);
    let approvals = caller.can(Permission::ViewApprovals);
    let compliance = caller.can(Permission::ViewCompliance);
    let staff = caller.can(Permission::ViewStaff);
    let now = Timestamp::now();
    let from_state = ui
        .app
        .read(move |s| {
            let mut panels = Vec::new();
            if settlement {
                panels.push(fails_panel(s, today));
                let queue = settlement_queue(s, &QueueFilter::default());
                let mut by: BTreeMap<&str, u64> = BTreeMap::new();
                for l in &queue.lines {
                    *by.entry(l.status).or_default() += 1;
                }
                let (labels, values): (Vec<String>, Vec<String>) = by
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.to_string()))
                    .unzip();
                panels.push(Panel {
                    title: "Settlement instructions".into(),
                    figure: queue.lines.len().to_string(),
                    note: by
                        .iter()
                        .map(|(k, v)| format!("{v} {k}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    link: ("/settlement".into(), "Settlement queue".into()),
                    tone: "",
                    chart: Some(Chart::bars(
                        "instructions-chart",
                        "Settlement instructions by status".into(),
                        labels,
                        vec![("Instructions".into(), values)],
                        "instructions",
                    )),
                    lines: Vec::new(),
                });
            }
            if recon {
                panels.push(breaks_panel(s, today));
            }
            if ledger {
                panels.push(pnl_panel(s));
                panels.push(client_money_panel(s));
            }
            if approvals {
                let pending: Vec<String> = s
                    .controls
                    .approvals
                    .requests
                    .values()
                    .filter(|r| r.status_name(now) == "pending")
                    .map(|r| format!("{} · {} by {}", r.id, r.kind.name(), r.maker))
                    .collect();
                panels.push(Panel {
                    title: "Pending approvals".into(),
                    figure: pending.len().to_string(),
                    note: "requests waiting for a second person".into(),
                    link: ("/approvals".into(), "Approvals inbox".into()),
                    tone: if pending.is_empty() { "" } else { "warn" },
                    chart: None,
                    lines: pending.into_iter().take(6).collect(),
                });
            }
            if compliance {
                let mut by: BTreeMap<&str, u64> = BTreeMap::new();
                for a in s
                    .controls
                    .compliance
                    .alerts
                    .values()
                    .filter(|a| a.closed.is_none())
                {
                    *by.entry(a.kind.name()).or_default() += 1;
                }
                let open: u64 = by.values().sum();
                panels.push(Panel {
                    title: "Open compliance alerts".into(),
                    figure: open.to_string(),
                    note: by
                        .iter()
                        .map(|(k, v)| format!("{v} {k}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    link: ("/alerts".into(), "Compliance alerts".into()),
                    tone: if open == 0 { "" } else { "bad" },
                    chart: None,
                    lines: Vec::new(),
                });
            }
            if staff {
                let d = &s.controls.directory;
                let in_service = d.employees.values().filter(|e| e.end.is_none()).count();
                panels.push(Panel {
                    title: "Staff".into(),
                    figure: in_service.to_string(),
                    note: format!("employees in service, {} users", d.users.len()),
                    link: ("/staff".into(), "Staff directory".into()),
                    tone: "",
                    chart: None,
                    lines: Vec::new(),
                });
            }
            panels
        })
        .await?;
    panels.extend(from_state);
    Ok(render(&Dashboard {
        layout: Layout::new(&ui, &caller, "/", "Dashboard").with_flash(params.get("done")),
        panels,
    }))
}

async fn trades_panels(ui: &Ui, today: Date) -> Result<Vec<Panel>, ApiError> {
    let list = ui
        .app
        .read_store(|store| {
            trade_list(&ReadOnly(store), 0, usize::MAX)
                .map_err(|e| ApiError::unavailable(e.to_string()))
        })
        .await?;
    let day = list
        .trades
        .iter()
        .map(|l| l.version.trade_date)
        .filter(|d| *d <= today)
        .max()
        .unwrap_or(today);
    let mut by_status: BTreeMap<&str, u64> = BTreeMap::new();
    let mut per_day: BTreeMap<Date, u64> = BTreeMap::new();
    let start = day.checked_sub(jiff::Span::new().days(90)).unwrap_or(day);
    for l in &list.trades {
        let d = l.version.trade_date;
        if d == day {
            *by_status.entry(l.version.status).or_default() += 1;
        }
        if d > start && d <= day {
            *per_day.entry(d).or_default() += 1;
        }
    }
    let count: u64 = by_status.values().sum();
    let (labels, values): (Vec<String>, Vec<String>) = by_status
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.to_string()))
        .unzip();
    let (days, counts): (Vec<String>, Vec<String>) = per_day
        .iter()
        .map(|(d, n)| (d.to_string(), n.to_string()))
        .unzip();
    Ok(vec![
        Panel {
            title: format!("Trades of {day}"),
            figure: count.to_string(),
            note: by_status
                .iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect::<Vec<_>>()
                .join(", "),
            link: (
                format!("/trades?f_trade_date={day}"),
                "The day's trades".into(),
            ),
            tone: "",
            chart: Some(Chart::bars(
                "today-chart",
                format!("Trades of {day} by state"),
                labels,
                vec![("Trades".into(), values)],
                "trades",
            )),
            lines: Vec::new(),
        },
        Panel {
            title: "Trades booked per day".into(),
            figure: list.trades.len().to_string(),
            note: format!("trades in all; the chart shows the 90 days to {day}"),
            link: ("/trades".into(), "Trade blotter".into()),
            tone: "",
            chart: Some(Chart::new(
                "booked-chart",
                format!("Trades per trade date, the 90 days to {day}"),
                json!({"kind": "line", "labels": days, "series": [{"label": "Trades", "values": counts}], "y_label": "trades"}),
            )),
            lines: Vec::new(),
        },
    ])
}

fn fails_panel(s: &kulissi_core::engine::State, today: Date) -> Panel {
    let report = fails(s, today);
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut penalties: BTreeMap<&str, BTreeMap<String, Decimal>> = BTreeMap::new();
    for l in &report.lines {
        *counts.entry(l.bucket).or_default() += 1;
        *penalties
            .entry(l.bucket)
            .or_default()
            .entry(l.currency.clone())
            .or_default() += l.penalty;
    }
    let mut total: BTreeMap<String, Decimal> = BTreeMap::new();
    for p in penalties.values() {
        for (c, a) in p {
            *total.entry(c.clone()).or_default() += *a;
        }
    }
    let labels: Vec<String> = FAIL_BUCKETS.iter().map(|b| format!("{b} d")).collect();
    let values: Vec<String> = FAIL_BUCKETS
        .iter()
        .map(|b| counts.get(b).copied().unwrap_or(0).to_string())
        .collect();
    Panel {
        title: "Settlement fails".into(),
        figure: report.lines.len().to_string(),
        note: format!(
            "failing as of {today}; penalties accrued {}",
            join_amounts(&total)
        ),
        link: ("/settlement/fails".into(), "Fails and penalties".into()),
        tone: if report.lines.is_empty() { "" } else { "warn" },
        chart: Some(Chart::bars(
            "fails-chart",
            "Settlement fails by age in business days".into(),
            labels,
            vec![("Fails".into(), values)],
            "fails",
        )),
        lines: FAIL_BUCKETS
            .iter()
            .filter_map(|b| {
                let n = counts.get(b)?;
                Some(format!(
                    "{b} business days: {n} fails, penalties {}",
                    penalties
                        .get(b)
                        .map_or_else(|| "none".to_owned(), join_amounts)
                ))
            })
            .collect(),
    }
}

fn breaks_panel(s: &kulissi_core::engine::State, today: Date) -> Panel {
    let report = recon_breaks(s, true, today);
    let mut buckets: BTreeMap<&str, u64> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    let mut lines = report.lines.iter().collect::<Vec<_>>();
    lines.sort_by_key(|l| l.age);
    for l in &lines {
        if !order.contains(&l.bucket) {
            order.push(l.bucket);
        }
        *buckets.entry(l.bucket).or_default() += 1;
    }
    let escalated = report.lines.iter().filter(|l| l.escalate).count();
    Panel {
        title: "Open reconciliation breaks".into(),
        figure: report.lines.len().to_string(),
        note: format!("{escalated} to escalate"),
        link: ("/breaks".into(), "Break workbench".into()),
        tone: if report.lines.is_empty() { "" } else { "warn" },
        chart: Some(Chart::bars(
            "breaks-chart",
            "Open breaks by age".into(),
            order.iter().map(|b| (*b).to_owned()).collect(),
            vec![(
                "Breaks".into(),
                order
                    .iter()
                    .map(|b| buckets.get(b).copied().unwrap_or(0).to_string())
                    .collect(),
            )],
            "breaks",
        )),
        lines: Vec::new(),
    }
}

fn pnl_panel(s: &kulissi_core::engine::State) -> Panel {
    let mut by: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for ((account, instrument), amount) in s.valuations.adjusted_positions() {
        let code = s
            .refdata
            .accounts
            .get(account)
            .map_or_else(|| account.0.to_string(), |a| a.code.clone());
        let currency = s
            .refdata
            .instruments
            .get(instrument)
            .map_or_else(String::new, |i| i.currency.to_string());
        *by.entry((code, currency)).or_default() += amount;
    }
    let currencies: Vec<String> = {
        let mut c: Vec<String> = by.keys().map(|(_, c)| c.clone()).collect();
        c.sort();
        c.dedup();
        c
    };
    let books: Vec<String> = {
        let mut b: Vec<String> = by.keys().map(|(b, _)| b.clone()).collect();
        b.dedup();
        b
    };
    let series = currencies
        .iter()
        .map(|c| {
            (
                c.clone(),
                books
                    .iter()
                    .map(|b| {
                        by.get(&(b.clone(), c.clone()))
                            .copied()
                            .unwrap_or_default()
                            .to_string()
                    })
                    .collect(),
            )
        })
        .collect();
    Panel {
        title: "Unrealised P&L by book".into(),
        figure: books.len().to_string(),
        note: "books with positions revalued at the last end of day (fair value less cost, per currency)".into(),
        link: ("/ledger/income-statement".into(), "Income statement".into()),
        tone: "",
        chart: Some(Chart::bars(
            "pnl-chart",
            "Unrealised P&L by book and currency".into(),
            books.clone(),
            series,
            "P&L",
        )),
        lines: by
            .iter()
            .map(|((b, c), a)| format!("{b}: {a} {c}"))
            .collect(),
    }
}

fn client_money_panel(s: &kulissi_core::engine::State) -> Panel {
    let checks = kulissi_core::client_money::client_money(s);
    let shortfalls = checks.iter().filter(|c| !c.shortfall().is_zero()).count();
    let untied = checks
        .iter()
        .filter(|c| !c.ledger_ties() || !c.sub_ledger_ties())
        .count();
    Panel {
        title: "Client money check".into(),
        figure: if shortfalls == 0 && untied == 0 {
            "Ties".to_owned()
        } else {
            format!("{shortfalls} shortfalls")
        },
        note:
            "client money at banks (1150) against money owed to clients (2500) and the requirement"
                .into(),
        link: ("/ledger/trial-balance".into(), "Trial balance".into()),
        tone: if shortfalls == 0 && untied == 0 {
            ""
        } else {
            "bad"
        },
        chart: None,
        lines: checks
            .iter()
            .map(|c| {
                format!(
                    "{}: at banks {}, held {}, requirement {}, shortfall {}{}",
                    c.currency,
                    c.at_banks,
                    c.held,
                    c.requirement,
                    c.shortfall(),
                    if c.ledger_ties() && c.sub_ledger_ties() {
                        ", ties"
                    } else {
                        ", DOES NOT TIE"
                    }
                )
            })
            .collect(),
    }
}
