//! Prometheus metrics at `/metrics`: requests by route, method and status, and a latency
//! histogram per route, in the text exposition format. Durations are kept in whole
//! microseconds and written as exact decimals of seconds.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::Method;

/// Upper bounds of the latency buckets, in microseconds.
const BUCKETS_US: [u64; 10] = [
    500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000,
];

#[derive(Debug, Default, Clone)]
struct Route {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS_US.len()],
    count: u64,
    sum_us: u64,
}

/// The counters.
#[derive(Debug, Default)]
pub struct Metrics {
    /// By route, then method.
    routes: Mutex<BTreeMap<String, BTreeMap<String, Route>>>,
}

fn seconds(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

impl Metrics {
    /// Counts one request.
    pub fn record(&self, method: &Method, path: &str, status: u16, took: Duration) {
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        if !routes.contains_key(path) {
            routes.insert(path.to_owned(), BTreeMap::new());
        }
        let Some(methods) = routes.get_mut(path) else {
            return;
        };
        if !methods.contains_key(method.as_str()) {
            methods.insert(method.as_str().to_owned(), Route::default());
        }
        let Some(route) = methods.get_mut(method.as_str()) else {
            return;
        };
        *route.by_status.entry(status).or_default() += 1;
        route.count += 1;
        route.sum_us = route.sum_us.saturating_add(us);
        for (i, bound) in BUCKETS_US.iter().enumerate() {
            if us <= *bound {
                route.buckets[i] += 1;
            }
        }
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let routes = self.routes.lock().map(|r| r.clone()).unwrap_or_default();
        let mut out = String::new();
        out.push_str(
            "# HELP kulissi_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE kulissi_http_requests_total counter\n");
        let flat: Vec<(&String, &String, &Route)> = routes
            .iter()
            .flat_map(|(path, methods)| methods.iter().map(move |(m, r)| (m, path, r)))
            .collect();
        for (method, path, route) in &flat {
            for (status, n) in &route.by_status {
                let _ = writeln!(
                    out,
                    "kulissi_http_requests_total{{method=\"{method}\",route=\"{path}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP kulissi_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE kulissi_http_request_duration_seconds histogram\n");
        for (method, path, route) in &flat {
            let labels = format!("method=\"{method}\",route=\"{path}\"");
            for (i, bound) in BUCKETS_US.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "kulissi_http_request_duration_seconds_bucket{{{labels},le=\"{}\"}} {}",
                    seconds(*bound),
                    route.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "kulissi_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                route.count
            );
            let _ = writeln!(
                out,
                "kulissi_http_request_duration_seconds_sum{{{labels}}} {}",
                seconds(route.sum_us)
            );
            let _ = writeln!(
                out,
                "kulissi_http_request_duration_seconds_count{{{labels}}} {}",
                route.count
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_buckets_in_the_text_format() {
        let m = Metrics::default();
        m.record(&Method::GET, "/api/v1/me", 200, Duration::from_micros(800));
        m.record(
            &Method::GET,
            "/api/v1/me",
            401,
            Duration::from_micros(3_000),
        );
        let text = m.render();
        assert!(text.contains(
            "kulissi_http_requests_total{method=\"GET\",route=\"/api/v1/me\",status=\"401\"} 1"
        ));
        assert!(text.contains("le=\"0.001000\"} 1"), "{text}");
        assert!(text.contains("le=\"0.005000\"} 2"));
        assert!(text.contains("_sum{method=\"GET\",route=\"/api/v1/me\"} 0.003800"));
    }
}
