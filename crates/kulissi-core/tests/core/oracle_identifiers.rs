//! Every identifier verdict agrees with python-stdnum 2.2 (`stdnum-identifiers.csv`).

use kulissi_core::identifiers::IdentifierKind;

use crate::fixtures::{csv_rows, own_fixture};

#[test]
fn agrees_with_python_stdnum_on_every_row() {
    let rows = csv_rows(&own_fixture("stdnum-identifiers.csv"));
    assert!(rows.len() > 1900, "oracle has {} rows", rows.len());
    let mut wrong = Vec::new();
    let mut seen_valid = 0;
    for row in &rows {
        let kind: IdentifierKind = row[0].parse().unwrap();
        let expected = match row[2].as_str() {
            "true" => true,
            "false" => false,
            other => panic!("bad verdict {other:?}"),
        };
        let got = kind.validate(&row[1]);
        seen_valid += usize::from(expected);
        if got.is_ok() != expected {
            wrong.push(format!(
                "{} {}: stdnum says {expected}, Kulissi says {got:?}",
                row[0], row[1]
            ));
        }
    }
    assert!(seen_valid > 900);
    assert!(
        wrong.is_empty(),
        "{} disagreements: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(30)]
    );
}
