//! Exact amounts of money and points.
//!
//! Money and points are [`Decimal`]s everywhere: parsed from text, never from `f64`, and
//! rounded only where the club declares how ([`Rounding`]). Input written the way a shop
//! writes numbers is accepted: thousands separators (`1,250,000`) and Persian or Arabic
//! digits (`۱۲۵۰۰۰`).

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parses an amount such as `125000`, `1,250,000.50`, `-3` or `۱۲۵٬۰۰۰`.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("the amount is empty".into());
    }
    let normalized =
        plain_number(trimmed, false).ok_or_else(|| format!("`{trimmed}` is not a number"))?;
    Decimal::from_str(&normalized).map_err(|_| format!("`{trimmed}` is not a number"))
}

/// Parses an amount a row brings — an event's `amount` or `credit_used`, a line item's
/// `qty` or `price` — and refuses one larger than [`LARGEST`] either way, saying so: also
/// when it has more digits than a [`Decimal`] holds, or is written as `1e30` (as JSON
/// writers write large numbers). Issue 11: such amounts reached lifetime sums that
/// overflowed, and the importer panicked.
pub fn parse_bounded(text: &str) -> Result<Decimal, String> {
    let too_large = || {
        format!(
            "`{}` is more than the largest amount bashgah accepts ({})",
            text.trim(),
            grouped(LARGEST)
        )
    };
    match parse_amount(text) {
        Ok(value) if value.abs() > LARGEST => Err(too_large()),
        Ok(value) => Ok(value),
        Err(_) if exceeds_largest(text.trim()) => Err(too_large()),
        Err(message) => Err(message),
    }
}

/// `text` with ASCII digits, no thousands separators and `.` for the decimal point; with
/// `exponent`, an `e` or `E` is kept too. `None` if a character cannot be in a number.
fn plain_number(text: &str, exponent: bool) -> Option<String> {
    let mut normalized = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '0'..='9' | '-' | '+' | '.' => normalized.push(c),
            'e' | 'E' if exponent => normalized.push('e'),
            // Thousands separators: ASCII comma, Arabic thousands separator, underscore.
            ',' | '٬' | '_' => {}
            // Arabic decimal separator.
            '٫' => normalized.push('.'),
            '۰'..='۹' => normalized.push(char::from(b'0' + (c as u32 - '۰' as u32) as u8)),
            '٠'..='٩' => normalized.push(char::from(b'0' + (c as u32 - '٠' as u32) as u8)),
            _ => return None,
        }
    }
    Some(normalized)
}

/// Whether `text` is a number (perhaps with an exponent, perhaps too long for a
/// [`Decimal`]) larger than [`LARGEST`] either way. Worked out on the digits, so that no
/// number is too large to be told so.
fn exceeds_largest(text: &str) -> bool {
    let Some(normalized) = plain_number(text, true) else {
        return false;
    };
    let unsigned = normalized.strip_prefix(['-', '+']).unwrap_or(&normalized);
    let (mantissa, exponent) = match unsigned.split_once('e') {
        Some((mantissa, exponent)) => match exponent.parse::<i64>() {
            Ok(exponent) => (mantissa, exponent),
            Err(_) => return false,
        },
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: Vec<u8> = whole.bytes().chain(fraction.bytes()).collect();
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let Some(first) = digits.iter().position(|d| *d != b'0') else {
        return false;
    };
    // The power of ten of the first digit that is not zero: LARGEST is 10^18.
    let magnitude = (whole.len() as i64 - 1 - first as i64).saturating_add(exponent);
    magnitude > 18
        || magnitude == 18
            && (digits[first] > b'1' || digits[first + 1..].iter().any(|d| *d != b'0'))
}

/// The most an event's amount, or one award, may be: far beyond any real purchase or
/// award, and small enough that sums over a lifetime of them stay exact in a [`Decimal`]
/// (whose largest value is about 7.9 × 10²⁸).
pub const LARGEST: Decimal = Decimal::from_parts(2_808_348_672, 232_830_643, 0, false, 0);

/// A sum or product that would leave the exact range of [`Decimal`]: the operation is
/// refused (one event fails) rather than rounded or allowed to panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a number grew too large to keep exactly (more than 28 digits)")]
pub struct Overflow;

/// `a + b`, or [`Overflow`].
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_add(b).ok_or(Overflow)
}

/// `a × b`, or [`Overflow`].
pub fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_mul(b).ok_or(Overflow)
}

/// The sum of `values`, or [`Overflow`].
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Result<Decimal, Overflow> {
    values.into_iter().try_fold(Decimal::ZERO, add)
}

/// `points × part / whole`, rounded towards zero to `precision` places — exactly: the
/// product is taken before the division, and the one rounding a 28-digit division can
/// make is corrected, so `30 × 100,000 / 300,000` is 10, never 9.99… truncated to 9.
pub fn share(
    points: Decimal,
    part: Decimal,
    whole: Decimal,
    precision: u32,
) -> Result<Decimal, Overflow> {
    if whole.is_zero() {
        return Err(Overflow);
    }
    let negative = points.is_sign_negative() != part.is_sign_negative();
    let (points, part, whole) = (points.abs(), part.abs(), whole.abs());
    let product = mul(points, part)?;
    let quotient = product.checked_div(whole).ok_or(Overflow)?;
    let step = Decimal::new(1, precision.min(28));
    let mut result = quotient.round_dp_with_strategy(precision, RoundingStrategy::ToZero);
    // The division rounds at its 28th digit, which can carry a quotient just below a
    // step up to it: step back down while the result is more than the exact quotient.
    while mul(result, whole)? > product {
        result -= step;
    }
    while mul(result + step, whole)? <= product {
        result += step;
    }
    Ok(if negative { -result } else { result }.normalize())
}

/// How a fractional number of points becomes a whole (or `precision`-digit) one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Towards negative infinity: 12.9 → 12. The usual choice: never over-award.
    #[default]
    Floor,
    /// Towards positive infinity: 12.1 → 13.
    Ceil,
    /// Half away from zero: 12.5 → 13, 12.4 → 12.
    HalfUp,
    /// Half to even (banker's rounding): 12.5 → 12, 13.5 → 14.
    HalfEven,
    /// Towards zero: 12.9 → 12, -12.9 → -12.
    Truncate,
}

impl Rounding {
    /// Rounds `value` to `precision` decimal places.
    pub fn apply(self, value: Decimal, precision: u32) -> Decimal {
        let strategy = match self {
            Rounding::Floor => RoundingStrategy::ToNegativeInfinity,
            Rounding::Ceil => RoundingStrategy::ToPositiveInfinity,
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::Truncate => RoundingStrategy::ToZero,
        };
        value
            .round_dp_with_strategy(precision, strategy)
            .normalize()
    }
}

/// Formats points or money for people: `+12`, `-3.5`, with no trailing zeros.
pub fn signed(value: Decimal) -> String {
    let value = value.normalize();
    if value.is_sign_positive() && !value.is_zero() {
        format!("+{value}")
    } else {
        value.to_string()
    }
}

/// Formats with a sign and thousands separators: `+1,250,000`, `-3`.
pub fn signed_grouped(value: Decimal) -> String {
    if value.is_sign_positive() && !value.is_zero() {
        format!("+{}", grouped(value))
    } else {
        grouped(value)
    }
}

/// Formats with thousands separators: `1250000` → `1,250,000`.
pub fn grouped(value: Decimal) -> String {
    let text = value.normalize().to_string();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn parses_shop_written_numbers() {
        assert_eq!(parse_amount("1,250,000"), Ok(d("1250000")));
        assert_eq!(parse_amount("۱۲۵٬۰۰۰"), Ok(d("125000")));
        assert_eq!(parse_amount("12.50"), Ok(d("12.50")));
        assert_eq!(parse_amount("-3"), Ok(d("-3")));
        assert_eq!(parse_amount("12x"), Err("`12x` is not a number".into()));
        assert_eq!(parse_amount(" "), Err("the amount is empty".into()));
    }

    #[test]
    fn amounts_past_the_largest_are_refused_however_they_are_written() {
        let refused = |text: &str| {
            Err(format!(
                "`{text}` is more than the largest amount bashgah accepts (1,000,000,000,000,000,000)"
            ))
        };
        assert_eq!(parse_bounded("1,000,000,000,000,000,000"), Ok(LARGEST));
        assert_eq!(parse_bounded("-1000000000000000000"), Ok(-LARGEST));
        assert_eq!(
            parse_bounded("999999999999999999.99"),
            Ok(d("999999999999999999.99"))
        );
        assert_eq!(
            parse_bounded("1000000000000000000.01"),
            refused("1000000000000000000.01")
        );
        assert_eq!(
            parse_bounded("-1000000000000000001"),
            refused("-1000000000000000001")
        );
        assert_eq!(
            parse_bounded("۲۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰"),
            refused("۲۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰")
        );
        // More digits than a decimal holds, and the notation JSON writers use.
        let long = "1".repeat(40);
        assert_eq!(parse_bounded(&long), refused(&long));
        assert_eq!(parse_bounded("1e30"), refused("1e30"));
        assert_eq!(parse_bounded("-2.5E18"), refused("-2.5E18"));
        assert_eq!(parse_bounded("0.1e20"), refused("0.1e20"));
        assert_eq!(
            parse_bounded("1e99999999999999999999"),
            Err("`1e99999999999999999999` is not a number".into())
        );
        assert_eq!(
            parse_bounded("9223372036854775807e9223372036854775807"),
            refused("9223372036854775807e9223372036854775807")
        );
        // Small numbers in that notation are not amounts either, as before.
        assert_eq!(parse_bounded("1e3"), Err("`1e3` is not a number".into()));
        assert_eq!(parse_bounded("1e18"), Err("`1e18` is not a number".into()));
        assert_eq!(parse_bounded("12x"), Err("`12x` is not a number".into()));
        assert_eq!(parse_bounded("0e99"), Err("`0e99` is not a number".into()));
    }

    #[test]
    fn rounding_modes_differ_where_they_should() {
        let cases = [
            (Rounding::Floor, "12.5", "12"),
            (Rounding::Ceil, "12.1", "13"),
            (Rounding::HalfUp, "12.5", "13"),
            (Rounding::HalfEven, "12.5", "12"),
            (Rounding::HalfEven, "13.5", "14"),
            (Rounding::Truncate, "-12.9", "-12"),
            (Rounding::Floor, "-12.1", "-13"),
        ];
        for (mode, input, expected) in cases {
            assert_eq!(mode.apply(d(input), 0), d(expected), "{mode:?} {input}");
        }
        assert_eq!(Rounding::Floor.apply(d("1.239"), 2), d("1.23"));
    }

    #[test]
    fn shares_multiply_before_they_divide() {
        // The example: 100,000 of a 300,000 purchase that earned 30 points.
        assert_eq!(share(d("30"), d("100000"), d("300000"), 0), Ok(d("10")));
        assert_eq!(share(d("30"), d("200000"), d("300000"), 0), Ok(d("20")));
        assert_eq!(share(d("7"), d("1"), d("3"), 0), Ok(d("2")));
        assert_eq!(share(d("7"), d("1"), d("3"), 2), Ok(d("2.33")));
        assert_eq!(share(d("-7"), d("1"), d("3"), 0), Ok(d("-2")));
        // A quotient just under a whole number whose 28-digit division rounds up to it.
        let whole = d("3000000000000000000000000001");
        assert_eq!(
            share(whole - Decimal::ONE, Decimal::ONE, whole, 0),
            Ok(d("0"))
        );
        assert_eq!(share(LARGEST, LARGEST, Decimal::ONE, 0), Err(Overflow));
        assert_eq!(add(Decimal::MAX, Decimal::ONE), Err(Overflow));
    }

    #[test]
    fn formats_for_people() {
        assert_eq!(signed(d("12.0")), "+12");
        assert_eq!(signed(d("-3.50")), "-3.5");
        assert_eq!(signed(d("0")), "0");
        assert_eq!(grouped(d("1250000")), "1,250,000");
        assert_eq!(grouped(d("-999.5")), "-999.5");
        assert_eq!(grouped(d("100")), "100");
    }
}
