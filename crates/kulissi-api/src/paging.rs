//! Paging, filtering and sorting, the same on every list: `offset` and `limit` (at most the
//! configured page), `sort` (a field, `-field` for descending), `filter` (`field:value`,
//! several separated by `;`, each an exact match on the field's text) and `q` (text found in
//! any field). Lists are built as JSON objects first, so one implementation serves them all.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use kulissi_app::reports::{Cell, Report};

use crate::problem::ApiError;

/// The paging and filtering parameters of every list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Items to skip.
    #[param(minimum = 0)]
    pub offset: Option<u64>,
    /// Items to return (default 100, at most the server's page size).
    #[param(minimum = 1)]
    pub limit: Option<u64>,
    /// A field to sort by; `-field` for descending.
    pub sort: Option<String>,
    /// `field:value` exact matches, separated by `;`.
    pub filter: Option<String>,
    /// Text that some field must contain (case-insensitive).
    pub q: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page {
    /// Items matching the filters, before paging.
    pub total: u64,
    /// Items skipped.
    pub offset: u64,
    /// The page size asked.
    pub limit: u64,
    /// The items.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Value>,
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (
                x.to_string().parse::<rust_decimal::Decimal>(),
                y.to_string().parse::<rust_decimal::Decimal>(),
            ) {
                (Ok(x), Ok(y)) => x.cmp(&y),
                _ => x.to_string().cmp(&y.to_string()),
            }
        }
        _ => {
            let (x, y) = (text_of(a), text_of(b));
            match (
                x.parse::<rust_decimal::Decimal>(),
                y.parse::<rust_decimal::Decimal>(),
            ) {
                (Ok(x), Ok(y)) => x.cmp(&y),
                _ => x.cmp(&y),
            }
        }
    }
}

impl ListQuery {
    /// Filters, sorts and pages `items` (objects).
    pub fn page(&self, mut items: Vec<Value>, max: usize) -> Result<Page, ApiError> {
        let mut filters = Vec::new();
        for part in self.filter.iter().flat_map(|f| f.split(';')) {
            if part.trim().is_empty() {
                continue;
            }
            let (field, value) = part.split_once(':').ok_or_else(|| {
                ApiError::bad_request(format!(
                    "filter '{part}': expected field:value (several separated by ';')"
                ))
            })?;
            filters.push((field.trim().to_owned(), value.trim().to_owned()));
        }
        let needle = self.q.as_deref().map(str::to_lowercase);
        items.retain(|item| {
            let Value::Object(map) = item else {
                return false;
            };
            filters
                .iter()
                .all(|(f, v)| map.get(f).is_some_and(|x| text_of(x) == *v))
                && needle
                    .as_ref()
                    .is_none_or(|n| map.values().any(|x| text_of(x).to_lowercase().contains(n)))
        });
        if let Some(sort) = self.sort.as_deref().filter(|s| !s.is_empty()) {
            let (field, descending) = match sort.strip_prefix('-') {
                Some(f) => (f, true),
                None => (sort, false),
            };
            let key = |v: &Value| v.get(field).cloned().unwrap_or(Value::Null);
            items.sort_by(|a, b| {
                let order = compare(&key(a), &key(b));
                if descending { order.reverse() } else { order }
            });
        }
        let total = items.len() as u64;
        let offset = self.offset.unwrap_or(0);
        let limit = self.limit.unwrap_or(100).clamp(1, max.max(1) as u64);
        let items = items
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        Ok(Page {
            total,
            offset,
            limit,
            items,
        })
    }
}

/// A cell as JSON: whole numbers as numbers, decimals and dates as exact strings.
pub fn cell_value(cell: &Cell) -> Value {
    match cell {
        Cell::Text(t) => Value::String(t.clone()),
        Cell::Integer(n) => Value::from(*n),
        Cell::Decimal(d) => Value::String(d.to_string()),
        Cell::Date(d) => Value::String(d.to_string()),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Empty => Value::Null,
    }
}

/// A report's rows as objects keyed by its columns (the JSON form of the CLI's reports).
pub fn report_items(report: &(impl Report + ?Sized)) -> Vec<Value> {
    let columns = report.columns();
    report
        .rows()
        .iter()
        .map(|row| {
            let mut map = Map::new();
            for (column, cell) in columns.iter().zip(row) {
                map.insert((*column).to_owned(), cell_value(cell));
            }
            Value::Object(map)
        })
        .collect()
}

/// Serialises typed items to objects.
pub fn to_items<T: Serialize>(items: &[T]) -> Vec<Value> {
    items
        .iter()
        .filter_map(|i| serde_json::to_value(i).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filter_sort_and_page() {
        let items = vec![
            json!({"book": "EQ1", "amount": "10.5", "id": 1}),
            json!({"book": "EQ2", "amount": "9", "id": 2}),
            json!({"book": "EQ1", "amount": "100", "id": 3}),
        ];
        let q = ListQuery {
            filter: Some("book:EQ1".into()),
            sort: Some("-amount".into()),
            ..ListQuery::default()
        };
        let page = q
            .page(items.clone(), 1000)
            .unwrap_or_else(|_| panic!("page"));
        assert_eq!(page.total, 2);
        assert_eq!(
            page.items[0]["id"], 3,
            "100 > 10.5 as decimals, not as text"
        );
        let q = ListQuery {
            offset: Some(1),
            limit: Some(1),
            sort: Some("id".into()),
            ..ListQuery::default()
        };
        let page = q
            .page(items.clone(), 1000)
            .unwrap_or_else(|_| panic!("page"));
        assert_eq!((page.total, page.items.len()), (3, 1));
        assert_eq!(page.items[0]["id"], 2);
        let bad = ListQuery {
            filter: Some("book".into()),
            ..ListQuery::default()
        };
        assert!(bad.page(items, 1000).is_err());
    }
}
