//! The check-digit algorithms behind the identifiers: Luhn over base-36 values (ISIN),
//! ISO/IEC 7064 MOD 97-10 (LEI, IBAN) and the CUSIP modulus-10 double-add-double.

/// Value of an upper-case letter or digit in base 36 (`0`=0 ... `9`=9, `A`=10 ... `Z`=35).
fn base36(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A'..=b'Z' => u32::from(c - b'A') + 10,
        _ => 0,
    }
}

/// ISIN check digit of the first 11 characters: letters become their base-36 value written
/// in decimal, then Luhn runs over the digit string with the rightmost digit doubled.
pub(super) fn isin_check_digit(body: &[u8]) -> u8 {
    // Expand to decimal digits right to left without allocating: each letter yields two.
    let mut sum = 0u32;
    let mut double = true;
    for &c in body.iter().rev() {
        let v = base36(c);
        let digits: &[u32] = if v >= 10 { &[v % 10, v / 10] } else { &[v] };
        for &d in digits {
            let x = if double { d * 2 } else { d };
            sum += if x > 9 { x - 9 } else { x };
            double = !double;
        }
    }
    // sum % 10 < 10, so the cast cannot truncate.
    b'0' + ((10 - sum % 10) % 10) as u8
}

/// ISO/IEC 7064 MOD 97-10 remainder of a string of letters and digits, each letter read as
/// its two-digit base-36 value. Processed digit by digit so no big integer is needed.
pub(super) fn mod97(chars: impl IntoIterator<Item = u8>) -> u32 {
    chars.into_iter().fold(0u32, |r, c| {
        let v = base36(c);
        if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        }
    })
}

/// The two check digits that make `body` + digits pass MOD 97-10: `98 - mod97(body + "00")`.
pub(super) fn mod97_check_digits(body: impl IntoIterator<Item = u8>) -> String {
    let r = mod97(body.into_iter().chain(*b"00"));
    format!("{:02}", 98 - r)
}

/// CUSIP check digit of the first 8 characters: values (`A`=10, `*`=36, `@`=37, `#`=38)
/// doubled at even positions (from 1), digit sums added, ten's complement.
pub(super) fn cusip_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let v = match c {
                b'*' => 36,
                b'@' => 37,
                b'#' => 38,
                _ => base36(c),
            };
            let v = if i % 2 == 1 { v * 2 } else { v };
            v / 10 + v % 10
        })
        .sum();
    b'0' + ((10 - sum % 10) % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/domain.md §2.1: `US037833100` → 5; `AU0000XVGZA` → 3.
    #[test]
    fn isin_worked_examples() {
        assert_eq!(isin_check_digit(b"US037833100"), b'5');
        assert_eq!(isin_check_digit(b"AU0000XVGZA"), b'3');
    }

    /// docs/domain.md §2.2: base `5493001KJTIIGC8Y1R` gives check digits 12.
    #[test]
    fn lei_worked_example() {
        assert_eq!(mod97_check_digits(*b"5493001KJTIIGC8Y1R"), "12");
        assert_eq!(mod97(*b"5493001KJTIIGC8Y1R12"), 1);
    }

    /// docs/domain.md §2.4: `WEST12345698765432GB82` has remainder 1.
    #[test]
    fn iban_worked_example() {
        assert_eq!(mod97(*b"WEST12345698765432GB82"), 1);
    }

    /// docs/domain.md §2.1: Apple's CUSIP `037833100` has check digit 0.
    #[test]
    fn cusip_worked_example() {
        assert_eq!(cusip_check_digit(b"03783310"), b'0');
    }
}
