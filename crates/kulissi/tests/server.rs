//! The operators' doors to the staff directory and the server: `kulissi init` creates the
//! first administrator (password from KULISSI_ADMIN_PASSWORD, or generated and printed
//! once), `kulissi user` and `kulissi token` act through the engine, and `kulissi serve`
//! answers on a loopback port with them until it is stopped.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!(
        "kulissi-server-{name}-{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

fn kulissi(db: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kulissi"))
        .arg("--db")
        .arg(db)
        .args(["--actor", "system:operator"])
        .envs(env.iter().copied())
        .env_remove("KULISSI_PASSWORD")
        .env_remove("KULISSI_ADMIN_PASSWORD")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A child process killed when dropped, so a failing test leaves no server behind.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str, token: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn init_creates_the_first_administrator_and_operators_manage_users_and_tokens() {
    let dir = scratch("init");
    let db = dir.0.join("k.db");
    let (ok, out, err) = kulissi(&db, &[], &["init"]);
    assert!(ok, "{err}");
    let password = out
        .split("with the password ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no password printed: {out}"));
    assert_eq!(password.len(), 24, "{out}");
    // Again: the administrator exists, nothing more is created or printed.
    let (ok, again, _) = kulissi(&db, &[], &["init"]);
    assert!(ok && !again.contains("administrator"), "{again}");

    let (ok, out, err) = kulissi(
        &db,
        &[("KULISSI_PASSWORD", "a long enough password")],
        &[
            "user",
            "add",
            "maija",
            "--name",
            "Maija M",
            "--department",
            "finance",
            "--roles",
            "accountant,auditor",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains(
            "user maija (MAIJA) with roles [accountant,auditor]; password from KULISSI_PASSWORD"
        ),
        "{out}"
    );
    let (ok, _, err) = kulissi(&db, &[], &["user", "add", "x", "--roles", "root"]);
    assert!(!ok && err.contains("unknown role 'root'"), "{err}");
    let (ok, out, err) = kulissi(
        &db,
        &[],
        &[
            "token", "issue", "maija", "--name", "reports", "--roles", "auditor", "--days", "7",
        ],
    );
    assert!(ok, "{err}");
    let token = out.lines().nth(1).unwrap().to_owned();
    assert!(token.starts_with("kul_") && token.len() == 68, "{out}");
    let (_, list, _) = kulissi(&db, &[], &["token", "list"]);
    assert!(
        list.contains("maija") && list.contains("auditor") && !list.contains(&token[4..]),
        "{list}"
    );
    let (_, users, _) = kulissi(&db, &[], &["user", "list"]);
    assert!(
        users.contains("admin") && users.contains("maija"),
        "{users}"
    );

    // The server answers the token with the token's scope, and the log is whole.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Child(
        Command::new(env!("CARGO_BIN_EXE_kulissi"))
            .arg("--db")
            .arg(&db)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("KULISSI_ARGON2_MEMORY_KIB", "64")
            .env("KULISSI_ARGON2_PASSES", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut me = (0, String::new());
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            me = get(port, "/api/v1/me", &token);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(me.0, 200, "{}", me.1);
    assert!(me.1.contains("\"roles\":[\"auditor\"]"), "{}", me.1);
    let (status, _) = get(port, "/api/v1/ledger/trial-balance", &token);
    assert_eq!(status, 200, "an auditor reads the ledger");
    let (status, _) = get(port, "/api/v1/me", "kul_not_a_token");
    assert_eq!(status, 401);
    drop(server);
    let (ok, out, err) = kulissi(
        &db,
        &[],
        &["user", "leave", "MAIJA", "--date", "2026-03-02"],
    );
    assert!(
        ok && out.contains("their sessions and tokens stop"),
        "{out}{err}"
    );
    let (_, users, _) = kulissi(&db, &[], &["user", "list"]);
    let maija = users.lines().find(|l| l.starts_with("maija")).unwrap();
    assert!(maija.contains(" no "), "{users}");
    let (ok, out, err) = kulissi(&db, &[], &["verify"]);
    assert!(ok, "{out}{err}");
}

fn raw(port: u16, request: &str) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text
}

#[test]
fn the_workbench_signs_in_by_form_refuses_other_sites_and_hardens_its_answers() {
    let dir = scratch("workbench");
    let db = dir.0.join("k.db");
    let password = "correct horse battery";
    let (ok, _, err) = kulissi(&db, &[("KULISSI_ADMIN_PASSWORD", password)], &["init"]);
    assert!(ok, "{err}");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Child(
        Command::new(env!("CARGO_BIN_EXE_kulissi"))
            .arg("--db")
            .arg(&db)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("KULISSI_SECURE_COOKIES", "false")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let host = format!("127.0.0.1:{port}");
    // A page without a session goes to the sign-in page, which says where to come back.
    let answer = raw(
        port,
        &format!("GET /trades?q=x HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    );
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    assert!(
        answer.contains("location: /login?next=%2Ftrades%3Fq%3Dx"),
        "{answer}"
    );
    // The sign-in page may not be framed and runs only this server's scripts.
    let page = raw(
        port,
        &format!("GET /login HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("x-frame-options: DENY"), "{page}");
    assert!(
        page.contains("content-security-policy: default-src 'self'; script-src 'self'"),
        "{page}"
    );
    assert!(page.contains("<label for=\"password\">"), "{page}");
    let form = format!("username=admin&password={}", password.replace(' ', "+"));
    let post = |origin: &str| {
        raw(
            port,
            &format!(
                "POST /login HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
                form.len()
            ),
        )
    };
    // Signing in from another site is refused; from this one it opens a session.
    let refused = post("http://evil.example");
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(!refused.contains("set-cookie"), "{refused}");
    let signed_in = post(&format!("http://{host}"));
    assert!(signed_in.starts_with("HTTP/1.1 303"), "{signed_in}");
    let cookie = signed_in
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    assert!(
        signed_in.contains("HttpOnly; SameSite=Strict"),
        "{signed_in}"
    );
    let dashboard = raw(
        port,
        &format!("GET / HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"),
    );
    assert!(dashboard.starts_with("HTTP/1.1 200"), "{dashboard}");
    assert!(dashboard.contains("<h1>Dashboard</h1>"), "{dashboard}");
    // A change without the session's CSRF token is refused.
    let logout = raw(
        port,
        &format!(
            "POST /logout HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(logout.starts_with("HTTP/1.1 403"), "{logout}");
}
