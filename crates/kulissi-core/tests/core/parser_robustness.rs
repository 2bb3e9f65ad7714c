//! Parsers never panic, whatever the input, and what they accept they accept again in
//! canonical form. (Cheap, always-on fuzzing; coverage-guided fuzzing comes with the file and
//! wire parsers.)

use kulissi_core::calendar::Calendar;
use kulissi_core::identifiers::{IdentifierKind, Isin, Lei};
use kulissi_core::ids::TradeId;
use kulissi_core::money::parse_decimal;
use proptest::prelude::*;

/// Strings that look like identifiers often enough to reach the deep checks: mostly
/// upper-case alphanumerics, sometimes lower case, spaces, punctuation or non-ASCII.
fn identifier_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z0-9]{0,36}",
        "[A-Za-z0-9 *@#-]{0,40}",
        "[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn identifier_parsers_never_panic_and_are_idempotent(input in identifier_like()) {
        for kind in IdentifierKind::ALL {
            if let Ok(canonical) = kind.validate(&input) {
                prop_assert_eq!(kind.validate(&canonical), Ok(canonical.clone()));
            }
        }
    }

    /// Every ISIN and LEI built from a body by computing its check digits validates.
    #[test]
    fn computed_check_digits_always_validate(nsin in "[A-Z0-9]{9}", base in "[A-Z0-9]{18}") {
        let isin = Isin::from_national_code("FI", &nsin).unwrap();
        prop_assert_eq!(Isin::parse(isin.as_str()).unwrap(), isin);
        let lei = Lei::from_base(&base).unwrap();
        prop_assert_eq!(Lei::parse(lei.as_str()).unwrap(), lei);
    }

    /// The log decoder answers arbitrary bytes with an event or an error, never a panic; and
    /// flipping any one byte of a real event's encoding never panics either.
    #[test]
    fn event_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300), flip in any::<usize>(), bit in 0u8..8) {
        let _ = kulissi_core::engine::codec::decode(&bytes);
        let mut with_header = vec![kulissi_core::engine::EVENT_SCHEMA_VERSION];
        with_header.extend_from_slice(&bytes);
        let _ = kulissi_core::engine::codec::decode(&with_header);
        let event = kulissi_core::engine::Event::TradeCancelled { trade_id: TradeId(42), version: 3, reason: "booked twice".into() };
        let mut encoded = kulissi_core::engine::codec::encode(&event);
        let at = flip % encoded.len();
        encoded[at] ^= 1 << bit;
        let _ = kulissi_core::engine::codec::decode(&encoded);
    }

    #[test]
    fn decimal_and_calendar_parsers_never_panic(input in any::<String>(), numeric in "[-+]?[0-9]{0,35}(\\.[0-9]{0,35})?") {
        let _ = parse_decimal(&input);
        let _ = parse_decimal(&numeric);
        let _ = input.parse::<Calendar>();
    }
}
