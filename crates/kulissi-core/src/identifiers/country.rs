//! ISO 3166-1 alpha-2 country codes, as the identifiers that embed a country use them.

use super::tables::country_table::COUNTRIES;

/// Whether `code` is a currently assigned ISO 3166-1 alpha-2 country code.
pub fn is_country_code(code: &str) -> bool {
    COUNTRIES.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_so_binary_search_works() {
        assert!(COUNTRIES.windows(2).all(|w| w[0] < w[1]));
        assert!(is_country_code("FI") && is_country_code("US") && is_country_code("ZW"));
        assert!(!is_country_code("XX") && !is_country_code("EU") && !is_country_code("fi"));
    }
}
