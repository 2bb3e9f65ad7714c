//! The HTTP load generator of `kulissi bench http`: keep-alive HTTP/1.1 connections on
//! loopback, each sending its share of the requests one after another, timing each from
//! the first byte written to the last byte read; throughput and latency percentiles.
//! A benchmark, not a test: bounded in requests and in time.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What a run measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadResult {
    /// Requests answered with the expected status.
    pub ok: u64,
    /// Requests answered otherwise (or not at all).
    pub errors: u64,
    /// The first unexpected answer, for the report.
    pub first_error: Option<String>,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Median latency.
    pub p50: Duration,
    /// 99th-percentile latency.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
}

impl LoadResult {
    /// Requests answered per second (whole requests per second, rounded down).
    pub fn per_second(&self) -> u64 {
        let micros = self.elapsed.as_micros().max(1);
        u64::try_from(u128::from(self.ok) * 1_000_000 / micros).unwrap_or(u64::MAX)
    }
}

/// One request of a run: its head (method, path, headers without the length) and body.
#[derive(Debug, Clone)]
pub struct Request {
    /// The bytes sent: request line, headers, blank line, body.
    bytes: Vec<u8>,
}

impl Request {
    /// A request with a bearer token.
    pub fn new(method: &str, path: &str, token: &str, body: String) -> Request {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: kulissi\r\nAuthorization: Bearer {token}\r\n"
        );
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.as_bytes());
        Request { bytes }
    }
}

impl Request {
    /// A GET in a browser session (its cookie), as the workbench's pages are asked for.
    pub fn with_cookie(path: &str, cookie: &str) -> Request {
        let head = format!(
            "GET {path} HTTP/1.1\r\nHost: kulissi\r\nCookie: {}={cookie}\r\nContent-Length: 0\r\n\r\n",
            crate::app::SESSION_COOKIE
        );
        Request {
            bytes: head.into_bytes(),
        }
    }
}

/// Reads one response; returns its status.
async fn read_response(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::io::Result<(u16, String)> {
    buffer.clear();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let status = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let length = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let total = end + 4 + length;
            while buffer.len() < total {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buffer[end + 4..total]).into_owned();
            return Ok((status, body));
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// Sends `requests` over `connections` keep-alive connections (each takes the next request
/// not yet sent) until all are sent or `limit` has passed; counts an answer with a status
/// in `expected` as ok.
pub async fn run(
    address: SocketAddr,
    requests: Arc<Vec<Request>>,
    connections: usize,
    limit: Duration,
    expected: &'static [u16],
) -> std::io::Result<LoadResult> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + limit;
    let mut tasks = Vec::new();
    for _ in 0..connections.max(1) {
        let (requests, next) = (requests.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            let mut latencies: Vec<u32> = Vec::new();
            let mut errors = 0u64;
            let mut first_error = None;
            let mut buffer = Vec::with_capacity(16 * 1024);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests.len() || Instant::now() >= deadline {
                    break;
                }
                let sent = Instant::now();
                stream.write_all(&requests[i].bytes).await?;
                let (status, body) = read_response(&mut stream, &mut buffer).await?;
                let took = sent.elapsed();
                if expected.contains(&status) {
                    latencies.push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
                } else {
                    errors += 1;
                    if first_error.is_none() {
                        first_error = Some(format!("{status} {body}"));
                    }
                }
            }
            std::io::Result::Ok((latencies, errors, first_error))
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for task in tasks {
        let (l, e, f) = task.await.map_err(std::io::Error::other)??;
        latencies.extend(l);
        errors += e;
        first_error = first_error.or(f);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let at = |q: usize| {
        latencies
            .get((latencies.len() * q / 100).min(latencies.len().saturating_sub(1)))
            .map_or(Duration::ZERO, |us| Duration::from_micros(u64::from(*us)))
    };
    Ok(LoadResult {
        ok: latencies.len() as u64,
        errors,
        first_error,
        elapsed,
        p50: at(50),
        p99: at(99),
        max: latencies
            .last()
            .map_or(Duration::ZERO, |us| Duration::from_micros(u64::from(*us))),
    })
}
