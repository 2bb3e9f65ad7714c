//! A real server for the tests: a SQLite file in a scratch directory with the demo firm's
//! reference data and one person per role, the writer on its thread, the API on a Tokio
//! runtime on a loopback port; and a small HTTP/1.1 client over a TCP socket.

#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::date;
use kulissi_api::auth::{Passwords, sha256_hex};
use kulissi_app::generator::DemoFirm;
use kulissi_app::{GroupCommit, Writer};
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::roles::Role;
use kulissi_core::controls::staff::{Department, Employee};
use kulissi_core::engine::{Actor, Command, CommandEnvelope};
use kulissi_store_sqlite::SqliteStore;
use serde_json::Value;

/// The password every test user has.
pub const PASSWORD: &str = "correct horse battery staple";

/// A scratch directory, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "kulissi-api-{name}-{}-{}",
            std::process::id(),
            Timestamp::now().as_nanosecond()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A person of the firm for the tests.
#[derive(Debug, Clone)]
pub struct Person {
    pub username: &'static str,
    pub department: Department,
    pub roles: &'static [Role],
}

/// One person per role, in the department that role belongs to, plus the odd ones the
/// segregation-of-duties tests need.
pub fn people() -> Vec<Person> {
    use Department as D;
    use Role as R;
    let p = |username, department, roles| Person {
        username,
        department,
        roles,
    };
    vec![
        p("trader", D::FrontOffice, &[R::Trader]),
        p("risk", D::MiddleOffice, &[R::Risk]),
        p("settlements", D::Operations, &[R::Settlements]),
        p("reconciliations", D::Operations, &[R::Reconciliations]),
        p("accountant", D::Finance, &[R::Accountant]),
        p("compliance_officer", D::Compliance, &[R::ComplianceOfficer]),
        p("hr_administrator", D::Hr, &[R::HrAdministrator]),
        p("system_administrator", D::It, &[R::SystemAdministrator]),
        p("auditor", D::Compliance, &[R::Auditor]),
        // A second checker of operations, and one of the front office holding an
        // operations role (a desk assistant): the department rule must stop them.
        p("settlements2", D::Operations, &[R::Settlements]),
        p("desk_assistant", D::FrontOffice, &[R::Settlements]),
        p("hr2", D::Hr, &[R::HrAdministrator]),
        p("leaver", D::Operations, &[R::Settlements]),
    ]
}

/// A running server.
pub struct Server {
    pub address: SocketAddr,
    pub tokens: std::collections::HashMap<String, String>,
    pub firm: DemoFirm,
    /// The database file.
    pub path: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    runtime: tokio::runtime::Runtime,
    _scratch: Scratch,
}

impl Server {
    /// Starts a server on a fresh database.
    pub fn start(name: &str) -> Server {
        let scratch = Scratch::new(name);
        let path = scratch.0.join("kulissi.db");
        let store = SqliteStore::create(&path).unwrap();
        let mut writer = Writer::open(store).unwrap();
        let firm = DemoFirm::generate(7).unwrap();
        for answer in writer.execute(&firm.reference_data).unwrap() {
            answer.unwrap();
        }
        let passwords = Passwords::new(64, 1).unwrap();
        let hash = passwords.hash(PASSWORD).unwrap();
        let now = Timestamp::now();
        let system = |c: ControlCommand| {
            CommandEnvelope::new(
                Actor::System("test".into()),
                now,
                date(2026, 1, 2),
                Command::Control(c),
            )
        };
        let mut seed = Vec::new();
        let mut tokens = std::collections::HashMap::new();
        for (i, person) in people().iter().enumerate() {
            let employee = format!("E{i:03}");
            seed.push(system(ControlCommand::HireEmployee(Employee {
                id: employee.clone(),
                name: person.username.to_owned(),
                department: person.department,
                title: "staff".into(),
                manager: None,
                start: date(2025, 1, 1),
                end: None,
            })));
            let roles: BTreeSet<Role> = person.roles.iter().copied().collect();
            seed.push(system(ControlCommand::CreateUser {
                username: person.username.to_owned(),
                employee,
                password_hash: hash.clone(),
                roles: roles.clone(),
            }));
            let token = format!("kul_test_{}_{i}", person.username);
            seed.push(system(ControlCommand::IssueApiToken {
                username: person.username.to_owned(),
                name: "tests".into(),
                hash: sha256_hex(&token),
                roles,
                expires_at: now
                    .checked_add(jiff::SignedDuration::from_hours(24))
                    .unwrap(),
            }));
            tokens.insert(person.username.to_owned(), token);
        }
        for answer in writer.execute(&seed).unwrap() {
            answer.unwrap();
        }
        let (engine, _thread) = GroupCommit::spawn(writer).unwrap();
        let reader_path = path.clone();
        let readers: kulissi_api::app::ReaderFactory = Arc::new(move || {
            SqliteStore::open(&reader_path)
                .map(|s| Box::new(s) as Box<dyn kulissi_store::EventStore + Send>)
        });
        let config = kulissi_api::Config {
            argon2_memory_kib: 64,
            argon2_passes: 1,
            secure_cookies: false,
            business_date: "2026-03-02".into(),
            ..kulissi_api::Config::default()
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let address = runtime.block_on(async {
            let state = kulissi_api::app_state(engine, readers, config)
                .await
                .unwrap();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = listener.local_addr().unwrap();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let served = tokio::spawn(kulissi_api::serve(listener, state, async move {
                let _ = stopped.await;
            }));
            (address, stop, served)
        });
        let (address, stop, served) = address;
        Server {
            address,
            path,
            stop: Some(stop),
            served: Some(served),
            tokens,
            firm,
            runtime,
            _scratch: scratch,
        }
    }

    /// Shuts the server down as Ctrl-C does, and waits until it has stopped.
    pub fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(served) = self.served.take() {
            self.runtime.block_on(served).unwrap().unwrap();
        }
    }

    /// The ISIN of the n-th instrument of the demo firm.
    pub fn isin(&self, n: usize) -> String {
        let r = self.as_user(
            "auditor",
            "GET",
            "/api/v1/reference-data/instruments?sort=id",
            None,
        );
        r.json()["items"][n]["isin"].as_str().unwrap().to_owned()
    }

    /// The API token of a test person.
    pub fn token(&self, username: &str) -> String {
        self.tokens[username].clone()
    }

    /// A request with a bearer token (or none).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut headers = Vec::new();
        if let Some(t) = token {
            headers.push(("Authorization".to_owned(), format!("Bearer {t}")));
        }
        request(self.address, method, path, &headers, body)
    }

    /// A request as a test person (by their token).
    pub fn as_user(
        &self,
        username: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        self.call(method, path, Some(&self.token(username)), body)
    }

    /// Signs in; returns the session cookie and CSRF token.
    pub fn login(&self, username: &str) -> (String, String) {
        let body = serde_json::json!({"username": username, "password": PASSWORD});
        let r = request(self.address, "POST", "/api/v1/login", &[], Some(&body));
        assert_eq!(r.status, 200, "{}", r.text);
        let cookie = r
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .unwrap()
            .to_owned();
        (cookie, r.json()["csrf_token"].as_str().unwrap().to_owned())
    }
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The problem type's last segment (`forbidden`, `unauthenticated`, ...).
    pub fn problem(&self) -> String {
        self.json()["type"]
            .as_str()
            .and_then(|t| t.rsplit('/').next())
            .unwrap_or("")
            .to_owned()
    }
}

/// One HTTP/1.1 request with a raw body and the caller's own headers (length included).
pub fn request_raw(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(address).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_response(stream)
}

/// One HTTP/1.1 request on its own connection.
pub fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&Value>,
) -> Response {
    try_request(address, method, path, headers, body).expect("the server answers")
}

/// One HTTP/1.1 request on its own connection; `None` if the connection fails.
pub fn try_request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&Value>,
) -> Option<Response> {
    let mut stream = TcpStream::connect(address).ok()?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT") {
        head.push_str("Content-Type: application/json\r\n");
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let response = read_response(stream);
    (response.status != 0).then_some(response)
}

fn read_response(mut stream: TcpStream) -> Response {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let text = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Response {
        status,
        headers,
        text,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}
