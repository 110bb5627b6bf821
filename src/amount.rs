//! Exact amounts of money and points.
//!
//! Money and points are [`Decimal`]s everywhere: parsed from text, never from `f64`, and
//! rounded only where the club declares how ([`Rounding`]). Input written the way a shop
//! writes numbers is accepted: thousands separators in groups of three (`1,250,000`,
//! `۱٬۲۵۰٬۰۰۰`), and Persian or Arabic-Indic digits (`۱۲۵۰۰۰`, read by
//! [`crate::digits`]). A number that cannot be read exactly is refused, never guessed at or
//! rounded (issue 12): a decimal comma (`12,50` was read as 1,250), separators out of
//! place (`1,2,3,4` was 1234), more decimals than a [`Decimal`] keeps (28), more than the
//! club's currency has ([`within_currency`]). JSON numbers are read from their text
//! ([`parse_json_number`]), so `123456789.123456789` stays what it says.

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parses an amount such as `125000`, `1,250,000.50`, `-3` or `۱۲۵٬۰۰۰`, exactly.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(crate::tr!("rows-amount-empty"));
    }
    read_text(trimmed)?.exact(trimmed)
}

/// Parses an amount a row brings — an event's `amount` or `credit_used`, a line item's
/// `qty` or `price` — and refuses one larger than [`LARGEST`] either way, saying so: also
/// when it has more digits than a [`Decimal`] holds, or is written as `1e30` (as JSON
/// writers write large numbers). Issue 11: such amounts reached lifetime sums that
/// overflowed, and the importer panicked.
pub fn parse_bounded(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(crate::tr!("rows-amount-empty"));
    }
    match read_text(trimmed) {
        Ok(written) if written.exceeds_largest() => Err(too_large(trimmed)),
        Ok(written) => written.exact(trimmed),
        // Text is not written with an exponent, but a number too large to accept is
        // better told so than called "not a number".
        Err(_)
            if read_exponent(&crate::digits::to_ascii(trimmed))
                .is_some_and(|w| w.exceeds_largest()) =>
        {
            Err(too_large(trimmed))
        }
        Err(message) => Err(message),
    }
}

/// Reads a JSON number from its text, exactly as the client wrote it — never through
/// `f64`, which turned `123456789.123456789` into `123456789.12345679` and quoted a large
/// integer back as `1.2345678901234568e22` — and refuses one larger than [`LARGEST`].
pub fn parse_json_number(text: &str) -> Result<Decimal, String> {
    let written =
        read_exponent(text).ok_or_else(|| crate::tr!("rows-not-a-number", text = text))?;
    if written.exceeds_largest() {
        return Err(too_large(text));
    }
    written.exact(text)
}

fn too_large(text: &str) -> String {
    crate::tr!("rows-amount-too-large", text = text, largest = LARGEST)
}

/// How many decimals an amount of money in `currency` may have: its minor unit in ISO
/// 4217 (2 for most, including IRR; 0 for JPY, KRW...; 3 for KWD, BHD...). A code ISO does
/// not list (such as `IRT`, the Toman) is taken to have 2, like most.
pub fn currency_decimals(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        "CLF" | "UYW" => 4,
        _ => 2,
    }
}

/// `value` (read from `text`) if it has no more decimals than `currency` has. An amount
/// of money with more is refused: rounding it would record a sum nobody paid.
pub fn within_currency(value: Decimal, text: &str, currency: &str) -> Result<Decimal, String> {
    let decimals = currency_decimals(currency);
    if value.normalize().scale() <= decimals {
        return Ok(value);
    }
    Err(match decimals {
        0 => crate::tr!(
            "rows-currency-no-decimals",
            text = text,
            currency = currency
        ),
        _ => crate::tr!(
            "rows-currency-decimals",
            text = text,
            currency = currency,
            decimals = decimals
        ),
    })
}

/// A number as written: its sign, its digits (ASCII, no separators) and how many of them
/// are decimals. A negative scale means that many zeros follow (`1e3`).
struct Written {
    negative: bool,
    digits: String,
    scale: i64,
}

impl Written {
    /// The digits without leading zeros and the scale without trailing decimal zeros:
    /// the same value, with only the digits that matter.
    fn significant(&self) -> (&str, i64) {
        let mut digits = self.digits.trim_start_matches('0');
        let mut scale = self.scale;
        while scale > 0 && digits.ends_with('0') {
            digits = &digits[..digits.len() - 1];
            scale -= 1;
        }
        (digits, scale)
    }

    /// Whether the value is more than [`LARGEST`] (10¹⁸) either way. Worked out on the
    /// digits, so that no number is too large to be told so.
    fn exceeds_largest(&self) -> bool {
        let (digits, scale) = self.significant();
        let Some(&first) = digits.as_bytes().first() else {
            return false;
        };
        // The power of ten of the first digit.
        let magnitude = (digits.len() as i64 - 1).saturating_sub(scale);
        magnitude > 18
            || magnitude == 18 && (first > b'1' || digits.bytes().skip(1).any(|d| d != b'0'))
    }

    /// The value as a [`Decimal`], exactly, or why it cannot be one. `text` is what the
    /// user wrote, for the message.
    fn exact(&self, text: &str) -> Result<Decimal, String> {
        let (significant, scale) = self.significant();
        if significant.is_empty() {
            return Ok(Decimal::ZERO);
        }
        if scale > 28 {
            return Err(crate::tr!(
                "rows-too-many-decimals",
                text = text,
                scale = crate::locale::numerals(&scale.to_string())
            ));
        }
        let too_long = || crate::tr!("rows-too-many-digits", text = text);
        // The scale as written (`12.50` stays 12.50) when it fits, else the digits that
        // matter; a negative scale is spelt out (`1e3` is 1000).
        let written = self.digits.trim_start_matches('0');
        let (digits, scale) = if (0..=28).contains(&self.scale) && written.len() <= 28 {
            (written.to_owned(), self.scale)
        } else if scale >= 0 {
            (significant.to_owned(), scale)
        } else if scale >= -28 {
            (format!("{significant}{}", "0".repeat((-scale) as usize)), 0)
        } else {
            return Err(too_long());
        };
        if digits.len() > 29 {
            return Err(too_long());
        }
        let mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| too_long())?
        };
        let mantissa = if self.negative { -mantissa } else { mantissa };
        Decimal::try_from_i128_with_scale(mantissa, scale as u32).map_err(|_| too_long())
    }
}

/// Reads a number the way people write it: a sign, digits (grouped in threes with `,`,
/// `٬` or `_`, if at all), a decimal point (`.` or `٫`) and decimals. Errors quote `text`.
fn read_text(text: &str) -> Result<Written, String> {
    let ascii = crate::digits::to_ascii(text);
    let not_a_number = || crate::tr!("rows-not-a-number", text = text);
    let (negative, body) = match ascii.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, ascii.strip_prefix('+').unwrap_or(&ascii)),
    };
    let is_separator = |c: char| matches!(c, ',' | '٬' | '_');
    let is_point = |c: char| matches!(c, '.' | '٫');
    // `1.234,56` or `1.234.567,8`: points grouping thousands, then a decimal comma.
    if let Some((grouped, decimals)) = body.split_once(',') {
        if grouped.contains('.')
            && grouped.chars().all(|c| c.is_ascii_digit() || c == '.')
            && !decimals.is_empty()
            && decimals.chars().all(|c| c.is_ascii_digit())
        {
            let digits: String = grouped.chars().filter(char::is_ascii_digit).collect();
            return Err(decimal_comma(text, negative, &digits, decimals));
        }
    }
    let mut points = body.char_indices().filter(|(_, c)| is_point(*c));
    let (whole, fraction) = match (points.next(), points.next()) {
        (None, _) => (body, ""),
        (Some((at, point)), None) => (&body[..at], &body[at + point.len_utf8()..]),
        (Some(_), Some(_)) => return Err(not_a_number()),
    };
    if !whole.chars().all(|c| c.is_ascii_digit() || is_separator(c))
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(not_a_number());
    }
    let separators: Vec<char> = whole.chars().filter(|c| is_separator(*c)).collect();
    if let Some(&first) = separators.first() {
        let groups: Vec<&str> = whole.split(is_separator).collect();
        let in_threes = separators.iter().all(|s| *s == first)
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3);
        if !in_threes {
            // One comma with no point after it: the decimal comma of most of Europe.
            if let ([before, after], [','], true) = (
                groups.as_slice(),
                separators.as_slice(),
                !body.contains(is_point),
            ) {
                if !after.is_empty() {
                    return Err(decimal_comma(text, negative, before, after));
                }
            }
            return Err(crate::tr!("rows-separators-out-of-place", text = text));
        }
    }
    let digits: String = whole
        .chars()
        .filter(char::is_ascii_digit)
        .chain(fraction.chars())
        .collect();
    if digits.is_empty() {
        return Err(not_a_number());
    }
    Ok(Written {
        negative,
        digits,
        scale: fraction.len() as i64,
    })
}

fn decimal_comma(text: &str, negative: bool, whole: &str, decimals: &str) -> String {
    let sign = if negative { "-" } else { "" };
    let whole = if whole.is_empty() { "0" } else { whole };
    crate::tr!(
        "rows-decimal-comma",
        text = text,
        write = format!("{sign}{whole}.{decimals}")
    )
}

/// Reads a number in the notation of JSON, exponent and all (`-12.5`, `1e30`, `2.5E-3`;
/// also with a leading `+`). `None` if it is not one, or its exponent does not fit an
/// `i64`.
fn read_exponent(text: &str) -> Option<Written> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (mantissa, exponent.parse::<i64>().ok()?)
        }
        None => (body, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    Some(Written {
        negative,
        digits: format!("{whole}{fraction}"),
        scale: (fraction.len() as i64).saturating_sub(exponent),
    })
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

/// How many steps [`share`] may correct a 28-digit quotient by before giving up.
const MAX_CORRECTION_STEPS: u32 = 4;

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
    // One step corrects it; the bound is for precisions so fine that the products
    // themselves round (28 digits), where stepping would never settle: then the answer
    // cannot be known exactly, and saying so beats looping.
    let mut steps = 0;
    while mul(result, whole)? > product {
        result -= step;
        steps += 1;
        if steps > MAX_CORRECTION_STEPS {
            return Err(Overflow);
        }
    }
    while mul(result + step, whole)? <= product {
        result += step;
        steps += 1;
        if steps > MAX_CORRECTION_STEPS {
            return Err(Overflow);
        }
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

// How figures are written for people lives with how digits are read: in `digits`, below
// the locale that also writes them (which is above this module, whose errors it words).
pub use crate::digits::{grouped, signed, signed_grouped};

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

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
        assert_eq!(parse_amount("١٢٣٬٤٥٦٫٧٨"), Ok(d("123456.78")));
        assert_eq!(parse_amount("1_000_000"), Ok(d("1000000")));
        assert_eq!(parse_amount("+5"), Ok(d("5")));
        assert_eq!(parse_amount(".5"), Ok(d("0.5")));
        assert_eq!(
            parse_amount("12.50").map(|v| v.to_string()),
            Ok("12.50".into())
        );
    }

    /// Issue 12: a comma was dropped wherever it stood, so `12,50` was 1,250 and
    /// `1,2,3,4` was 1234.
    #[test]
    fn separators_group_in_threes_and_a_decimal_comma_is_refused() {
        let comma = |text: &str, write: &str| {
            Err(format!(
                "`{text}` looks like a decimal comma: write {write}"
            ))
        };
        assert_eq!(parse_amount("12,50"), comma("12,50", "12.50"));
        assert_eq!(parse_amount("-0,5"), comma("-0,5", "-0.5"));
        assert_eq!(parse_amount("1234,567"), comma("1234,567", "1234.567"));
        assert_eq!(parse_amount("1.234,56"), comma("1.234,56", "1234.56"));
        assert_eq!(
            parse_amount("1.234.567,8"),
            comma("1.234.567,8", "1234567.8")
        );
        assert_eq!(parse_amount("۱۲,۵۰"), comma("۱۲,۵۰", "12.50"));
        let misplaced = |text: &str| {
            Err(format!(
                "`{text}` has thousands separators out of place: group the digits in threes (1,234,567) or write none"
            ))
        };
        assert_eq!(parse_amount("1,2,3,4"), misplaced("1,2,3,4"));
        assert_eq!(parse_amount("12,34,567"), misplaced("12,34,567"));
        assert_eq!(parse_amount("1234,567,890"), misplaced("1234,567,890"));
        assert_eq!(parse_amount("1,234٬567"), misplaced("1,234٬567"));
        assert_eq!(parse_amount("12٬50"), misplaced("12٬50"));
        assert_eq!(parse_amount("1,"), misplaced("1,"));
        assert_eq!(parse_amount("1,234,567.25"), Ok(d("1234567.25")));
        assert_eq!(parse_amount("1,250"), Ok(d("1250")));
        assert_eq!(parse_amount("۱٬۲۳۴٬۵۶۷"), Ok(d("1234567")));
        assert_eq!(parse_amount("1.2.3"), Err("`1.2.3` is not a number".into()));
        assert_eq!(
            parse_amount("1.2,3x"),
            Err("`1.2,3x` is not a number".into())
        );
        assert_eq!(parse_amount("-"), Err("`-` is not a number".into()));
        assert_eq!(
            parse_amount("1,000.5,0"),
            Err("`1,000.5,0` is not a number".into())
        );
    }

    /// Issue 12: `Decimal`'s parser rounds past 28 decimals without a word.
    #[test]
    fn nothing_is_rounded_on_the_way_in() {
        let third = format!("0.{}", "3".repeat(28));
        assert_eq!(parse_amount(&third), Ok(d(&third)));
        let longer = format!("0.{}", "3".repeat(29));
        assert_eq!(
            parse_amount(&longer),
            Err(format!("`{longer}` has 29 decimals; bashgah keeps at most 28 exactly and never rounds an amount"))
        );
        // Trailing zeros say nothing more: the value is kept exactly.
        let zeros = format!("1.5{}", "0".repeat(40));
        assert_eq!(parse_amount(&zeros), Ok(d("1.5")));
        // 29 significant digits that no 96-bit mantissa holds.
        let wide = format!("99999999999999999999.{}", "9".repeat(9));
        assert_eq!(
            parse_amount(&wide),
            Err(format!(
                "`{wide}` has more digits than bashgah keeps exactly (28); it is not rounded"
            ))
        );
        assert_eq!(
            parse_bounded("999999999999999999.1234567890"),
            Ok(d("999999999999999999.1234567890"))
        );
        assert!(parse_bounded("999999999999999999.12345678901").is_err());
    }

    /// Issue 12: JSON numbers went through `f64`.
    #[test]
    fn json_numbers_are_read_from_their_text() {
        assert_eq!(
            parse_json_number("123456789.123456789"),
            Ok(d("123456789.123456789"))
        );
        assert_eq!(parse_json_number("1e3"), Ok(d("1000")));
        assert_eq!(parse_json_number("-2.5E-3"), Ok(d("-0.0025")));
        assert_eq!(parse_json_number("0e99999"), Ok(Decimal::ZERO));
        assert_eq!(parse_json_number("1E18"), Ok(LARGEST));
        assert_eq!(
            parse_json_number("12345678901234567890123"),
            Err("`12345678901234567890123` is more than the largest amount bashgah accepts (1,000,000,000,000,000,000)".into())
        );
        assert_eq!(
            parse_json_number("1e-40"),
            Err("`1e-40` has 40 decimals; bashgah keeps at most 28 exactly and never rounds an amount".into())
        );
        assert_eq!(
            parse_json_number("1e99999999999999999999"),
            Err("`1e99999999999999999999` is not a number".into())
        );
    }

    #[test]
    fn amounts_of_money_have_at_most_the_decimals_of_their_currency() {
        assert_eq!(within_currency(d("12.50"), "12.50", "EUR"), Ok(d("12.50")));
        assert_eq!(
            within_currency(d("12.500"), "12.500", "EUR"),
            Ok(d("12.500"))
        );
        assert_eq!(
            within_currency(d("12.505"), "12.505", "EUR"),
            Err(
                "`12.505` has more decimals than EUR has (2); bashgah does not round amounts"
                    .into()
            )
        );
        assert_eq!(
            within_currency(d("1.5"), "1.5", "JPY"),
            Err("`1.5` has decimals, but JPY has none; bashgah does not round amounts".into())
        );
        assert_eq!(within_currency(d("1.505"), "1.505", "KWD"), Ok(d("1.505")));
        assert_eq!(currency_decimals("IRR"), 2);
        assert_eq!(currency_decimals("IRT"), 2);
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
        // At 28 digits the products round too: an answer or an error, never a hang.
        let fine = share(d("1234.5678"), d("1"), d("3"), 28);
        assert!(fine.is_ok() || fine == Err(Overflow));
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
