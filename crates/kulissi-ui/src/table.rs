//! Any report as a table on a page: free-text search, exact filters on chosen columns,
//! sorting by any column (numbers as numbers, dates as dates, exact decimals exactly),
//! paging, links from cells to the pages they name, and the same rows as a CSV download.
//!
//! The rows come from the reports of `kulissi_app::reports`, so a page, the CLI and the
//! API's JSON show the same figures; only the selection and order happen here.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use kulissi_app::reports::{Cell, write_csv};

/// The query parameters of a list page, as sent.
pub type Params = BTreeMap<String, String>;

/// Rows shown per page unless the query asks (at most [`MAX_LIMIT`]).
pub const DEFAULT_LIMIT: usize = 50;
/// The most rows one page shows.
pub const MAX_LIMIT: usize = 500;

/// Where a cell links to, if anywhere: the page's rule for its columns.
pub type Linker = fn(column: &str, cell: &Cell, row: &[Cell], columns: &[&str]) -> Option<String>;

/// A column heading.
#[derive(Debug, Clone)]
pub struct Column {
    /// The column's name (as in the CSV header).
    pub name: String,
    /// The heading shown.
    pub label: String,
    /// Numbers are right-aligned.
    pub num: bool,
    /// The link that sorts by this column (the other way round if it sorts already).
    pub sort_href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria_sort: &'static str,
}

/// A value on the page.
#[derive(Debug, Clone)]
pub struct CellView {
    /// The text.
    pub text: String,
    /// The page it links to.
    pub href: Option<String>,
    /// A number (right-aligned).
    pub num: bool,
    /// A status pill's colour class (`ok`, `warn`, `bad`, `info`, `neutral`).
    pub badge: Option<&'static str>,
}

/// A row: its cells and its key (the first column's text), for bulk actions.
#[derive(Debug, Clone)]
pub struct Row {
    /// The cells, one per column.
    pub cells: Vec<CellView>,
    /// The row's key.
    pub key: String,
}

/// An exact filter on one column: a select of the values present, or free text.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The parameter (`f_` and the column name).
    pub param: String,
    /// The label.
    pub label: String,
    /// The value chosen.
    pub value: String,
    /// The values to choose from (empty: a text box).
    pub options: Vec<String>,
}

/// Paging.
#[derive(Debug, Clone)]
pub struct Pager {
    /// The first row shown (1-based; 0 when none).
    pub first: usize,
    /// The last row shown.
    pub last: usize,
    /// Rows matching.
    pub total: usize,
    /// The previous page.
    pub prev: Option<String>,
    /// The next page.
    pub next: Option<String>,
}

/// A table ready for the page.
#[derive(Debug, Clone)]
pub struct Table {
    /// The path of the page (links keep its other parameters).
    pub path: String,
    /// The headings.
    pub columns: Vec<Column>,
    /// This page's rows.
    pub rows: Vec<Row>,
    /// The free-text search.
    pub q: String,
    /// The exact filters offered.
    pub filters: Vec<Filter>,
    /// Paging.
    pub pager: Pager,
    /// The same selection as CSV.
    pub csv_href: String,
    /// Hidden inputs that keep the page's other parameters in the filter form.
    pub hidden: Vec<(String, String)>,
}

/// A report's columns and rows, with the page's rules.
#[derive(Debug)]
pub struct Source<'a> {
    /// The page's path.
    pub path: &'a str,
    /// Column names.
    pub columns: &'a [&'static str],
    /// Rows, one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Columns offered as exact filters, with the values present as options (a select)
    /// when `true`, or as text.
    pub filters: &'a [(&'static str, bool)],
    /// Where cells link to.
    pub linker: Linker,
    /// Parameters that are not the table's (a date, a legal entity): kept in every link.
    pub keep: &'a [&'static str],
}

/// `text` percent-encoded for a query string.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `path` with `params` as its query string.
pub fn href(path: &str, params: &Params) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

fn with(params: &Params, changes: &[(&str, Option<String>)]) -> Params {
    let mut p = params.clone();
    for (k, v) in changes {
        match v {
            Some(v) => p.insert((*k).to_owned(), v.clone()),
            None => p.remove(*k),
        };
    }
    p
}

/// Orders two cells of a column: numbers and dates by value, text by text, empty last.
pub fn compare(a: &Cell, b: &Cell) -> Ordering {
    match (a, b) {
        (Cell::Integer(x), Cell::Integer(y)) => x.cmp(y),
        (Cell::Decimal(x), Cell::Decimal(y)) => x.cmp(y),
        (Cell::Date(x), Cell::Date(y)) => x.cmp(y),
        (Cell::Bool(x), Cell::Bool(y)) => x.cmp(y),
        (Cell::Empty, Cell::Empty) => Ordering::Equal,
        (Cell::Empty, _) => Ordering::Greater,
        (_, Cell::Empty) => Ordering::Less,
        (x, y) => x.text().cmp(&y.text()),
    }
}

/// The pill colour of a status-like value, if the column is one.
pub fn badge(column: &str, text: &str) -> Option<&'static str> {
    if !matches!(
        column,
        "status" | "class" | "bucket" | "escalate" | "kind" | "state"
    ) {
        return None;
    }
    Some(match text.to_ascii_lowercase().as_str() {
        "settled" | "matched" | "done" | "resolved" | "approved" | "closed" | "booked" | "new"
        | "active" | "live" => "ok",
        "failing" | "unmatched" | "rejected" | "open" | "true" | "cancelled" | "failed" => "bad",
        "pending" | "instructed" | "partially_settled" | "partial" | "on_hold" | "assigned"
        | "amended" | "in_progress" => "warn",
        _ => "neutral",
    })
}

fn label(name: &str) -> String {
    let mut s = name.replace('_', " ");
    if let Some(first) = s.get(..1) {
        let upper = first.to_uppercase();
        s.replace_range(..1, &upper);
    }
    s
}

/// Selects, sorts and pages the rows as `params` ask.
pub fn select(mut rows: Vec<Vec<Cell>>, columns: &[&str], params: &Params) -> Vec<Vec<Cell>> {
    let q = params
        .get("q")
        .map(|q| q.trim().to_lowercase())
        .unwrap_or_default();
    let exact: Vec<(usize, String)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            params
                .get(&format!("f_{c}"))
                .filter(|v| !v.is_empty())
                .map(|v| (i, v.to_lowercase()))
        })
        .collect();
    if !q.is_empty() || !exact.is_empty() {
        rows.retain(|row| {
            exact
                .iter()
                .all(|(i, v)| row.get(*i).is_some_and(|c| c.text().to_lowercase() == *v))
                && (q.is_empty() || row.iter().any(|c| c.text().to_lowercase().contains(&q)))
        });
    }
    if let Some(sort) = params.get("sort").filter(|s| !s.is_empty()) {
        let (descending, name) = match sort.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, sort.as_str()),
        };
        if let Some(i) = columns.iter().position(|c| *c == name) {
            rows.sort_by(|a, b| {
                let o = compare(&a[i], &b[i]);
                if descending { o.reverse() } else { o }
            });
        }
    }
    rows
}

/// The rows `params` select, as CSV.
pub fn csv(columns: &[&str], rows: Vec<Vec<Cell>>, params: &Params) -> Vec<u8> {
    let rows = select(rows, columns, params);
    let mut out = Vec::new();
    let _ = write_csv(columns, &rows, &mut out);
    out
}

/// The table `params` ask for.
pub fn build(source: Source<'_>, params: &Params) -> Table {
    let columns = source.columns;
    let options: Vec<Vec<String>> = source
        .filters
        .iter()
        .map(|(name, select)| {
            let Some(i) = columns.iter().position(|c| c == name) else {
                return Vec::new();
            };
            if !select {
                return Vec::new();
            }
            let set: BTreeSet<String> = source.rows.iter().map(|r| r[i].text()).collect();
            set.into_iter().filter(|s| !s.is_empty()).collect()
        })
        .collect();
    let rows = select(source.rows, columns, params);
    let total = rows.len();
    let limit = params
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(DEFAULT_LIMIT)
        .clamp(1, MAX_LIMIT);
    let offset = params
        .get("offset")
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0)
        .min(total);
    let sort = params.get("sort").cloned().unwrap_or_default();
    let head: Vec<Column> = columns
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (aria_sort, next) = if sort == *name {
                ("ascending", format!("-{name}"))
            } else if sort.strip_prefix('-') == Some(name) {
                ("descending", (*name).to_owned())
            } else {
                ("none", (*name).to_owned())
            };
            Column {
                name: (*name).to_owned(),
                label: label(name),
                num: rows
                    .first()
                    .is_some_and(|r| matches!(r[i], Cell::Integer(_) | Cell::Decimal(_))),
                sort_href: href(
                    source.path,
                    &with(params, &[("sort", Some(next)), ("offset", None)]),
                ),
                aria_sort,
            }
        })
        .collect();
    let page: Vec<Row> = rows
        .iter()
        .skip(offset)
        .take(limit)
        .map(|row| Row {
            key: row.first().map(Cell::text).unwrap_or_default(),
            cells: row
                .iter()
                .zip(columns)
                .map(|(cell, column)| {
                    let text = cell.text();
                    CellView {
                        href: (source.linker)(column, cell, row, columns),
                        num: matches!(cell, Cell::Integer(_) | Cell::Decimal(_)),
                        badge: badge(column, &text),
                        text,
                    }
                })
                .collect(),
        })
        .collect();
    let shown = page.len();
    let pager = Pager {
        first: if shown == 0 { 0 } else { offset + 1 },
        last: offset + shown,
        total,
        prev: (offset > 0).then(|| {
            href(
                source.path,
                &with(
                    params,
                    &[("offset", Some(offset.saturating_sub(limit).to_string()))],
                ),
            )
        }),
        next: (offset + shown < total).then(|| {
            href(
                source.path,
                &with(params, &[("offset", Some((offset + shown).to_string()))]),
            )
        }),
    };
    let filters = source
        .filters
        .iter()
        .zip(options)
        .map(|((name, _), options)| {
            let param = format!("f_{name}");
            Filter {
                value: params.get(&param).cloned().unwrap_or_default(),
                label: label(name),
                param,
                options,
            }
        })
        .collect();
    let hidden = source
        .keep
        .iter()
        .filter_map(|k| params.get(*k).map(|v| ((*k).to_owned(), v.clone())))
        .collect();
    Table {
        path: source.path.to_owned(),
        columns: head,
        rows: page,
        q: params.get("q").cloned().unwrap_or_default(),
        filters,
        pager,
        csv_href: href(
            source.path,
            &with(
                params,
                &[
                    ("format", Some("csv".to_owned())),
                    ("offset", None),
                    ("limit", None),
                ],
            ),
        ),
        hidden,
    }
}

/// No links.
pub fn no_links(_: &str, _: &Cell, _: &[Cell], _: &[&str]) -> Option<String> {
    None
}

/// The common links: trades to their page, events to theirs.
pub fn common_links(column: &str, cell: &Cell, _: &[Cell], _: &[&str]) -> Option<String> {
    match (column, cell) {
        ("trade_id" | "trade", Cell::Integer(id)) => Some(format!("/trades/{id}")),
        ("trade_id" | "trade", Cell::Text(t)) if t.parse::<u64>().is_ok() => {
            Some(format!("/trades/{t}"))
        }
        ("seq" | "event", Cell::Integer(seq)) => Some(format!("/events/{seq}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn rows() -> Vec<Vec<Cell>> {
        ["9.5", "10.25", "-3", "100"]
            .iter()
            .enumerate()
            .map(|(i, d)| {
                vec![
                    Cell::Integer(i as u64 + 1),
                    Cell::Decimal(d.parse::<Decimal>().unwrap_or_default()),
                    Cell::Text(if i % 2 == 0 { "settled" } else { "failing" }.into()),
                ]
            })
            .collect()
    }

    #[test]
    fn amounts_sort_by_value_not_by_text() {
        let sorted = select(
            rows(),
            &["id", "amount", "status"],
            &params(&[("sort", "amount")]),
        );
        let texts: Vec<String> = sorted.iter().map(|r| r[1].text()).collect();
        assert_eq!(texts, ["-3", "9.5", "10.25", "100"]);
        let sorted = select(
            rows(),
            &["id", "amount", "status"],
            &params(&[("sort", "-amount")]),
        );
        assert_eq!(sorted[0][1].text(), "100");
    }

    #[test]
    fn exact_filters_and_search_combine() {
        let cols = ["id", "amount", "status"];
        let only = select(rows(), &cols, &params(&[("f_status", "Failing")]));
        assert_eq!(only.len(), 2);
        let one = select(
            rows(),
            &cols,
            &params(&[("f_status", "failing"), ("q", "10.2")]),
        );
        assert_eq!(one.len(), 1);
        assert_eq!(one[0][0], Cell::Integer(2));
    }

    #[test]
    fn pages_link_to_their_neighbours_keeping_the_query() {
        let table = build(
            Source {
                path: "/x",
                columns: &["id", "amount", "status"],
                rows: rows(),
                filters: &[("status", true)],
                linker: no_links,
                keep: &[],
            },
            &params(&[("limit", "3"), ("sort", "id")]),
        );
        assert_eq!(
            (table.pager.first, table.pager.last, table.pager.total),
            (1, 3, 4)
        );
        assert_eq!(
            table.pager.next.as_deref(),
            Some("/x?limit=3&offset=3&sort=id")
        );
        assert!(table.pager.prev.is_none());
        assert_eq!(table.columns[0].aria_sort, "ascending");
        assert_eq!(table.columns[0].sort_href, "/x?limit=3&sort=-id");
        assert_eq!(table.filters[0].options, ["failing", "settled"]);
        assert_eq!(table.csv_href, "/x?format=csv&sort=id");
    }

    #[test]
    fn csv_has_every_selected_row_with_its_header() {
        let out = csv(
            &["id", "amount", "status"],
            rows(),
            &params(&[("f_status", "settled")]),
        );
        assert_eq!(
            String::from_utf8_lossy(&out),
            "id,amount,status\n1,9.5,settled\n3,-3,settled\n"
        );
    }

    #[test]
    fn query_strings_are_percent_encoded() {
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }
}
