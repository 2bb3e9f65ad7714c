//! The date of Easter Sunday in the Gregorian calendar (the Meeus/Jones/Butcher computus),
//! from which Good Friday, Easter Monday, Ascension, Whit Monday and the rest follow.

use jiff::civil::Date;

/// Easter Sunday of `year` (Gregorian, any year jiff supports from 1583 on).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    // month is 3 or 4 and day 1..=31 by construction of the algorithm.
    let month = (n / 31) as i8;
    let day = (n % 31 + 1) as i8;
    Date::new(year, month, day).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// docs/domain.md §3.2: TARGET 2025 closes 18 and 21 April, 2026 closes 3 and 6 April.
    #[test]
    fn easter_sundays_from_the_domain_reference_and_known_years() {
        let known = [
            (1990, 4, 15),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2038, 4, 25),
            (2285, 3, 22),
        ];
        for (y, m, d) in known {
            assert_eq!(easter_sunday(y), date(y, m, d), "{y}");
        }
    }

    /// Easter falls between 22 March and 25 April, always on a Sunday.
    #[test]
    fn easter_is_a_sunday_between_march_22_and_april_25() {
        for y in 1583..=4099 {
            let e = easter_sunday(y);
            assert_eq!(e.weekday(), jiff::civil::Weekday::Sunday, "{y}");
            assert!(e >= date(y, 3, 22) && e <= date(y, 4, 25), "{y}");
        }
    }
}
