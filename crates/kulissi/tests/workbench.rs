//! The workbench end to end, in headless Chromium driven over WebDriver (chromedriver),
//! against `kulissi demo` serving the demo firm on a loopback port: every role sees exactly
//! the pages its permissions open and is refused the others; a trader books a trade and
//! finds it on the blotter; a settlements person requests an SSI change, cannot approve it
//! herself, and a colleague approves it; a reconciliations analyst resolves a break; a CSV
//! export holds the rows the blotter selects; an accountant drills down from the trial
//! balance to an account, an event and its trade; the dashboard's charts are drawn.
//! Screenshots go to `target/e2e-screenshots/`.
//!
//! Chromium and chromedriver come from Debian (`chromium`, `chromium-driver`); `.ci/run`
//! installs them. Without them the test says so and passes, unless `CI` or
//! `KULISSI_REQUIRE_BROWSER` is set, when it fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use kulissi_core::controls::roles::{Role, can};

/// A child process killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The demo serving: its address and its users' passwords.
struct Demo {
    _child: Child,
    _dir: Scratch,
    base: String,
    passwords: BTreeMap<String, String>,
    roles: BTreeMap<String, Role>,
}

fn start_demo() -> Demo {
    let dir = std::env::temp_dir().join(format!(
        "kulissi-e2e-{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kulissi"))
        .arg("--db")
        .arg(dir.join("demo.db"))
        .args(["demo", "--trades", "2000", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let child = Child(child);
    let mut lines = BufReader::new(stdout).lines();
    let mut base = None;
    let mut passwords = BTreeMap::new();
    let mut roles = BTreeMap::new();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.strip_prefix("The workbench is at ") {
            base = rest
                .split_whitespace()
                .next()
                .map(|u| u.trim_end_matches('/').to_owned());
            continue;
        }
        if base.is_some() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() >= 3 && fields[1].starts_with("demo-") {
                passwords.insert(fields[0].to_owned(), fields[1].to_owned());
                roles.insert(fields[0].to_owned(), Role::parse(fields[2]).unwrap());
                if passwords.len() == 10 {
                    break;
                }
            }
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Demo {
        _child: child,
        _dir: Scratch(dir),
        base: base.expect("the demo printed its address"),
        passwords,
        roles,
    }
}

struct Browser {
    client: Client,
    base: String,
    shots: PathBuf,
    _driver: Child,
}

impl Browser {
    async fn start(base: &str) -> Option<Browser> {
        let driver = chromedriver()?;
        let port = free_port();
        let driver = Child(
            Command::new(driver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--window-size=1280,900"]}),
        );
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::rustls()
                .expect("a TLS configuration")
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("chromedriver did not answer: {e}"),
            }
        };
        let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        Some(Browser {
            client,
            base: base.to_owned(),
            shots,
            _driver: driver,
        })
    }

    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    async fn text(&self, css: &str) -> String {
        let found = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(e) => e.text().await.unwrap(),
            Err(e) => {
                let url = self.client.current_url().await;
                self.shot("failure").await;
                panic!("no {css} on {url:?}: {e}")
            }
        }
    }

    async fn fill(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Waits until the flash area says something, and returns it.
    async fn flash(&self) -> String {
        let started = Instant::now();
        loop {
            if let Ok(e) = self.client.find(Locator::Css("#flash .flash")).await {
                let t = e.text().await.unwrap_or_default();
                if !t.is_empty() {
                    return t;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "no message appeared"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn sign_in(&self, demo: &Demo, user: &str) {
        self.client.delete_all_cookies().await.unwrap();
        self.goto("/login").await;
        self.fill("#username", user).await;
        self.fill("#password", &demo.passwords[user]).await;
        self.click("form button[type=submit]").await;
        assert_eq!(self.text("#user").await, user, "{user} is signed in");
    }

    async fn nav(&self) -> BTreeSet<String> {
        let mut links = BTreeSet::new();
        for a in self
            .client
            .find_all(Locator::Css("nav.sidebar a"))
            .await
            .unwrap()
        {
            links.insert(a.attr("href").await.unwrap().unwrap_or_default());
        }
        links
    }

    async fn status_of(&self, path: &str) -> u16 {
        let script = "const [p, done] = arguments; fetch(p).then(r => done(r.status));";
        self.client
            .execute_async(script, vec![serde_json::json!(path)])
            .await
            .unwrap()
            .as_u64()
            .unwrap() as u16
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workbench_in_a_real_browser() {
    let Some(_) = chromedriver() else {
        let required = std::env::var_os("CI").is_some()
            || std::env::var_os("KULISSI_REQUIRE_BROWSER").is_some();
        assert!(
            !required,
            "chromedriver is not installed (apt install chromium chromium-driver)"
        );
        eprintln!("skipped: chromedriver is not installed (apt install chromium chromium-driver)");
        return;
    };
    let demo = start_demo();
    let browser = Browser::start(&demo.base).await.unwrap();
    every_role_sees_only_what_it_may(&browser, &demo).await;
    a_trader_books_a_trade_and_finds_it_on_the_blotter(&browser, &demo).await;
    a_csv_export_holds_the_rows_the_blotter_selects(&browser, &demo).await;
    an_ssi_change_is_made_by_one_person_and_approved_by_another(&browser, &demo).await;
    a_reconciliation_break_is_resolved(&browser, &demo).await;
    the_trial_balance_drills_down_to_a_trade(&browser, &demo).await;
    a_file_is_imported_in_the_background(&browser, &demo).await;
    a_message_line_goes_under_its_own_permission(&browser, &demo).await;
    browser.client.clone().close().await.unwrap();
}

/// What a script can tell of a page's accessibility: the language is declared, there is
/// one `h1`, the first thing the keyboard reaches is the skip link to the content, every
/// form control has a label, every image-like chart a text alternative, and sortable
/// headings say how they sort.
async fn accessible(browser: &Browser, path: &str) {
    let script = r#"
        const problems = [];
        if (!document.documentElement.lang) problems.push('no lang');
        if (document.querySelectorAll('h1').length !== 1) problems.push('h1 count ' + document.querySelectorAll('h1').length);
        const first = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea');
        if (!first || !first.classList.contains('skip-link')) problems.push('first focusable is not the skip link');
        for (const e of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            if (!(e.labels && e.labels.length) && !e.getAttribute('aria-label')) problems.push('unlabelled ' + (e.id || e.name));
        }
        for (const c of document.querySelectorAll('.chart')) {
            if (c.getAttribute('role') !== 'img' || !c.getAttribute('aria-label')) problems.push('chart without alternative');
        }
        for (const th of document.querySelectorAll('th a.sort')) {
            if (!th.parentElement.hasAttribute('aria-sort')) problems.push('sortable heading without aria-sort');
        }
        return problems;
    "#;
    let problems = browser.client.execute(script, vec![]).await.unwrap();
    assert_eq!(problems, serde_json::json!([]), "{path}");
}

async fn every_role_sees_only_what_it_may(browser: &Browser, demo: &Demo) {
    let mut checked: BTreeSet<&str> = BTreeSet::new();
    for (user, role) in &demo.roles {
        browser.sign_in(demo, user).await;
        let expected: BTreeSet<String> = kulissi_ui::routes::ROUTES
            .iter()
            .filter(|r| {
                r.nav.is_some()
                    && r.permission
                        .is_none_or(|p| can(&BTreeSet::from([*role]), p))
            })
            .map(|r| r.path.to_owned())
            .collect();
        assert_eq!(
            browser.nav().await,
            expected,
            "{user} ({}) sees the pages the role opens",
            role.name()
        );
        // Every page of the workbench: opened where the role may, refused where not.
        for route in kulissi_ui::routes::ROUTES
            .iter()
            .filter(|r| r.nav.is_some())
        {
            let allowed = route
                .permission
                .is_none_or(|p| can(&BTreeSet::from([*role]), p));
            let status = browser.status_of(route.path).await;
            assert_eq!(
                status,
                if allowed { 200 } else { 403 },
                "{user} opening {}",
                route.path
            );
        }
        // Every page the role opens is accessible in the ways a script can tell.
        for route in kulissi_ui::routes::ROUTES
            .iter()
            .filter(|r| r.nav.is_some())
        {
            if checked.insert(route.path)
                && route
                    .permission
                    .is_none_or(|p| can(&BTreeSet::from([*role]), p))
            {
                browser.goto(route.path).await;
                accessible(browser, route.path).await;
            } else if route
                .permission
                .is_some_and(|p| !can(&BTreeSet::from([*role]), p))
            {
                checked.remove(route.path);
            }
        }
        // The dashboard's charts are drawn (canvas in each chart) for the roles that have them.
        browser.goto("/").await;
        let charts = browser
            .client
            .find_all(Locator::Css(".chart"))
            .await
            .unwrap();
        if !charts.is_empty() {
            let started = Instant::now();
            loop {
                let drawn = browser
                    .client
                    .find_all(Locator::Css(".chart[data-rendered=true] canvas"))
                    .await
                    .unwrap()
                    .len();
                let failed = browser
                    .client
                    .find_all(Locator::Css(".chart[data-rendered=error]"))
                    .await
                    .unwrap()
                    .len();
                assert_eq!(failed, 0, "{user}: a chart failed to draw");
                if drawn == charts.len() {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "{user}: charts not drawn ({drawn} of {})",
                    charts.len()
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        browser.shot(&format!("dashboard-{}", role.name())).await;
        // A page the role may not open says so, with the person's own navigation.
        if let Some(forbidden) = kulissi_ui::routes::ROUTES.iter().find(|r| {
            r.nav.is_some()
                && r.permission
                    .is_some_and(|p| !can(&BTreeSet::from([*role]), p))
        }) {
            browser.goto(forbidden.path).await;
            assert_eq!(browser.text("main h1").await, "Not allowed");
        }
    }
    // Signing out ends the session: the next page asks to sign in.
    browser.click("header form button").await;
    browser.text("#username").await;
    browser.goto("/").await;
    assert!(
        browser
            .client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/login")
    );
}

async fn a_trader_books_a_trade_and_finds_it_on_the_blotter(browser: &Browser, demo: &Demo) {
    browser.sign_in(demo, "tuomas").await;
    browser.goto("/trades/new").await;
    let external = browser
        .client
        .find(Locator::Css("#external_id"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    browser.fill("#quantity", "1234").await;
    browser.fill("#price", "12.345").await;
    browser.shot("book-a-trade").await;
    browser.click("form.stack button[type=submit]").await;
    // Booked: the blotter opens, searched for the new trade.
    let started = Instant::now();
    while !browser
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .eq("/trades")
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the blotter did not open: {}",
            browser.flash().await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let row = browser.text("table.data tbody tr").await;
    assert!(
        row.contains(&external),
        "the blotter shows {external}: {row}"
    );
    assert!(row.contains("1234") && row.contains("12.345"), "{row}");
    assert!(browser.text("#flash").await.contains("Done: trade"));
    browser.shot("blotter-with-the-new-trade").await;
    // A wrong quantity is refused with the field named, and nothing is booked.
    browser.goto("/trades/new").await;
    browser.fill("#quantity", "12x").await;
    browser.fill("#price", "1").await;
    browser.click("form.stack button[type=submit]").await;
    let error = browser.flash().await;
    assert!(error.contains("quantity"), "{error}");
}

async fn a_csv_export_holds_the_rows_the_blotter_selects(browser: &Browser, demo: &Demo) {
    browser.sign_in(demo, "tuomas").await;
    browser
        .goto("/trades?f_side=sell&sort=-quantity&limit=20")
        .await;
    let pager = browser.text(".pager span").await;
    let total: usize = pager.rsplit(' ').next().unwrap().parse().unwrap();
    let first_ids: Vec<String> = {
        let mut ids = Vec::new();
        for row in browser
            .client
            .find_all(Locator::Css("table.data tbody tr"))
            .await
            .unwrap()
            .iter()
            .take(5)
        {
            ids.push(
                row.find(Locator::Css("td"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap(),
            );
        }
        ids
    };
    let href = browser
        .client
        .find(Locator::Css("a[download]"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let script = "const [h, done] = arguments; fetch(h).then(r => r.text()).then(done);";
    let csv = browser
        .client
        .execute_async(script, vec![serde_json::json!(href)])
        .await
        .unwrap();
    let csv = csv.as_str().unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "trade_id");
    let side = header.iter().position(|c| *c == "side").unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows.len(),
        total,
        "the CSV has every selected row, not just the page"
    );
    assert!(rows.iter().all(|r| r[side] == "sell"), "only sales");
    let csv_first: Vec<String> = rows.iter().take(5).map(|r| r[0].to_owned()).collect();
    assert_eq!(csv_first, first_ids, "in the blotter's order");
}

async fn an_ssi_change_is_made_by_one_person_and_approved_by_another(
    browser: &Browser,
    demo: &Demo,
) {
    browser.sign_in(demo, "sanna").await;
    browser.goto("/reference?kind=ssis").await;
    browser.fill("#ssi-pset", "APKEFIHH").await;
    browser.fill("#ssi-agent", "DEUTDEFF").await;
    browser.fill("#ssi-safekeeping", "SAFE-E2E-1").await;
    browser.fill("#ssi-cash", "CASH-E2E-1").await;
    browser.click("#ssi-form button").await;
    let message = browser.flash().await;
    let id: u64 = message
        .split("request ")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("a request number in: {message}"));
    browser.shot("ssi-change-requested").await;
    // The maker cannot approve her own request.
    browser.goto("/approvals").await;
    browser
        .click(&format!("#request-{id} button.primary"))
        .await;
    let refused = browser.flash().await;
    assert!(refused.contains("made this request"), "{refused}");
    browser.shot("self-approval-refused").await;
    // A colleague in operations approves it; it runs once.
    browser.sign_in(demo, "olli").await;
    browser.goto("/approvals").await;
    assert!(
        browser
            .text(&format!("#request-{id}"))
            .await
            .contains("CASH-E2E-1")
    );
    browser
        .click(&format!("#request-{id} button.primary"))
        .await;
    let approved = browser.flash().await;
    assert!(
        approved.contains(&format!("Request {id} approved")),
        "{approved}"
    );
    browser.shot("ssi-change-approved").await;
    browser.goto("/reference?kind=ssis&q=CASH-E2E-1").await;
    assert!(
        browser
            .text("table.data tbody")
            .await
            .contains("SAFE-E2E-1")
    );
}

async fn a_reconciliation_break_is_resolved(browser: &Browser, demo: &Demo) {
    browser.sign_in(demo, "reijo").await;
    browser.goto("/breaks").await;
    let before: usize = browser
        .text(".pager span")
        .await
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(before > 0, "the demo has open breaks");
    let first = browser
        .client
        .find(Locator::Css("table.data tbody input[name=selected]"))
        .await
        .unwrap();
    let id = first.attr("value").await.unwrap().unwrap();
    first.click().await.unwrap();
    browser
        .client
        .find(Locator::Css("#action option[value=resolve]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .fill("#comment", "Timing: the custodian booked it the next day")
        .await;
    browser.shot("break-selected").await;
    browser.click("#bulk fieldset button").await;
    let message = browser.flash().await;
    assert!(
        message.contains(&format!("1 break(s) resolved: {id}")),
        "{message}"
    );
    let after: usize = browser
        .text(".pager span")
        .await
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(after, before - 1, "the resolved break left the open list");
    browser.goto("/breaks?show=all&f_status=resolved").await;
    assert!(browser.text("table.data tbody").await.contains("TIMING"));
    browser.shot("break-resolved").await;
}

async fn the_trial_balance_drills_down_to_a_trade(browser: &Browser, demo: &Demo) {
    browser.sign_in(demo, "aino").await;
    browser.goto("/ledger/trial-balance?limit=500").await;
    browser.shot("trial-balance").await;
    let mut accounts = Vec::new();
    for a in browser
        .client
        .find_all(Locator::Css("table.data a[href^='/ledger/accounts/']"))
        .await
        .unwrap()
    {
        accounts.push(a.attr("href").await.unwrap().unwrap());
    }
    assert!(!accounts.is_empty());
    for account in accounts {
        browser.goto(&account).await;
        let Ok(event) = browser
            .client
            .find(Locator::Css("table.data a[href^='/events/']"))
            .await
        else {
            continue;
        };
        let trades = browser
            .client
            .find_all(Locator::Css("table.data a[href^='/trades/']"))
            .await
            .unwrap();
        if trades.is_empty() {
            continue;
        }
        browser.shot("account-statement").await;
        // The first entry with a trade: its event, then the trade.
        let row = browser
            .client
            .find(Locator::XPath(
                "//table[contains(@class,'data')]//tr[.//a[starts-with(@href,'/trades/')]]",
            ))
            .await
            .unwrap();
        let _ = event;
        row.find(Locator::Css("a[href^='/events/']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        assert!(browser.text("main h1").await.starts_with("Event "));
        browser.shot("event").await;
        browser.click(".page-head a.btn.primary").await;
        let heading = browser.text("main h1").await;
        assert!(heading.starts_with("Trade "), "{heading}");
        assert!(browser.text("#versions-h").await.contains("Versions"));
        browser.shot("trade").await;
        return;
    }
    panic!("no account of the trial balance led to a trade");
}

async fn a_file_is_imported_in_the_background(browser: &Browser, demo: &Demo) {
    browser.sign_in(demo, "tuomas").await;
    // Two trades on the terms the booking form starts from, then a file with a bad price.
    browser.goto("/trades/new").await;
    let mut terms = BTreeMap::new();
    for field in [
        "legal_entity",
        "book",
        "counterparty",
        "account",
        "isin",
        "currency",
        "venue",
        "trade_date",
    ] {
        let value = browser
            .client
            .find(Locator::Id(field))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap();
        terms.insert(field, value);
    }
    let header = "source,external_id,legal_entity,book,trader,counterparty,account,isin,side,quantity,price,currency,trade_date,trade_time,venue";
    let line = |id: &str, price: &str| {
        format!(
            "E2E,{id},{},{},tuomas,{},{},{},B,100,{price},{},{},{}T10:00:00Z,{}",
            terms["legal_entity"],
            terms["book"],
            terms["counterparty"],
            terms["account"],
            terms["isin"],
            terms["currency"],
            terms["trade_date"],
            terms["trade_date"],
            terms["venue"]
        )
    };
    let dir = std::env::temp_dir().join(format!("kulissi-e2e-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good-trades.csv");
    std::fs::write(
        &good,
        format!(
            "{header}\n{}\n{}\n",
            line("F-1", "10.50"),
            line("F-2", "10.75")
        ),
    )
    .unwrap();
    let bad = dir.join("bad-trades.csv");
    std::fs::write(
        &bad,
        format!(
            "{header}\n{}\n{}\n",
            line("F-3", "10.50"),
            line("F-4", "ten")
        ),
    )
    .unwrap();
    for (file, expect) in [(&good, "done"), (&bad, "failed")] {
        browser.goto("/jobs").await;
        browser
            .client
            .find(Locator::Css("#import-kind option[value=trades]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        browser
            .client
            .find(Locator::Id("import-file"))
            .await
            .unwrap()
            .send_keys(file.to_str().unwrap())
            .await
            .unwrap();
        browser.click("#import-form button").await;
        let name = file.file_name().unwrap().to_str().unwrap();
        let started = Instant::now();
        let job = loop {
            if let Ok(job) = browser
                .client
                .find(Locator::XPath(&format!(
                    "//div[contains(@class,'job')][contains(., '{name}')]"
                )))
                .await
            {
                let status = job.attr("data-status").await.unwrap().unwrap_or_default();
                if status != "running" {
                    break (status, job.text().await.unwrap());
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the job did not finish"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(job.0, expect, "{}", job.1);
        if expect == "done" {
            assert!(job.1.contains("2 applied"), "{}", job.1);
        } else {
            assert!(
                job.1.contains("line 3") && job.1.contains("price"),
                "{}",
                job.1
            );
        }
        browser.shot(&format!("job-{expect}")).await;
    }
    // The good file's trades are on the blotter; nothing of the bad file is.
    browser.goto("/trades?q=E2E").await;
    let rows = browser
        .client
        .find_all(Locator::Css("table.data tbody tr"))
        .await
        .unwrap()
        .len();
    assert_eq!(rows, 2, "F-1 and F-2 only");
    std::fs::remove_dir_all(&dir).unwrap();
}

async fn a_message_line_goes_under_its_own_permission(browser: &Browser, demo: &Demo) {
    // Risk records market data; an auditor may not.
    browser.sign_in(demo, "riikka").await;
    browser.goto("/reference?kind=instruments").await;
    let isin = browser.text("table.data tbody tr td:nth-child(2)").await;
    let price = format!(
        r#"{{"type":"price","isin":"{isin}","date":"2026-11-10","price":"4.3150","source":"E2E close"}}"#
    );
    let price = price.as_str();
    browser.goto("/messages").await;
    browser.fill("#line", price).await;
    browser.click("#message-form button").await;
    let said = browser.flash().await;
    assert!(said.starts_with("Done"), "{said}");
    browser.sign_in(demo, "auli").await;
    browser.goto("/messages").await;
    browser.fill("#line", price).await;
    browser.click("#message-form button").await;
    let refused = browser.flash().await;
    assert!(
        refused.contains("lacks the permission record_market_data"),
        "{refused}"
    );
    browser.shot("message-refused").await;
}
