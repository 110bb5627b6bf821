//! The one place digits a user writes become ASCII, and figures are written for people
//! (`1,250,000`, `+12`, and in Persian `۱٬۲۵۰٬۰۰۰`).
//!
//! Shops in Iran type Persian digits (`۱۴۰۳`), Arabic keyboards and some tills send
//! Arabic-Indic ones (`١٤٠٣`), and spreadsheets mix them with ASCII. Dates, times and
//! amounts all read their digits through [`to_ascii`], so that a form accepted in one is
//! accepted in the others (issue 12: Persian digits worked in dates and amounts but not in
//! times, Arabic-Indic ones only in amounts, because each parser had its own copy).

use std::borrow::Cow;

use rust_decimal::Decimal;

/// `text` with Persian (`۰`–`۹`) and Arabic-Indic (`٠`–`٩`) digits written as ASCII
/// digits; every other character as it is, so that positions in characters are kept.
/// Borrows when there is nothing to change, which is the usual case.
pub fn to_ascii(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(|c| ascii_digit(c).is_some()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| ascii_digit(c).unwrap_or(c)).collect())
}

/// `text` as Persian writes numbers: ASCII digits as Persian ones (`۰`–`۹`), the group
/// separator `,` as `٬` and the decimal point `.` as `٫`. For figures bashgah formats
/// itself (never for ids): what people read in Persian, and [`to_ascii`] reads back.
pub fn to_persian(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('۰' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
            ',' => '٬',
            '.' => '٫',
            other => other,
        })
        .collect()
}

/// The ASCII digit `c` stands for, if it is a Persian or Arabic-Indic digit.
fn ascii_digit(c: char) -> Option<char> {
    let zero = match c {
        '۰'..='۹' => '۰',
        '٠'..='٩' => '٠',
        _ => return None,
    };
    // Both ranges are ten consecutive code points, so the difference is 0..=9.
    char::from_digit(c as u32 - zero as u32, 10)
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

    #[test]
    fn persian_and_arabic_indic_digits_become_ascii() {
        assert_eq!(to_ascii("۱۴۰۳-۱۱-۲۰"), "1403-11-20");
        assert_eq!(to_ascii("١٤٠٣/١١/٢٠"), "1403/11/20");
        assert_eq!(to_ascii("۰۹:۳۰"), "09:30");
        assert_eq!(to_ascii("۱۲۵٬۰۰۰"), "125٬000");
        assert_eq!(to_ascii("mixed ۱ and ١ and 1"), "mixed 1 and 1 and 1");
        assert!(matches!(to_ascii("2025-01-15"), Cow::Borrowed(_)));
        assert!(matches!(to_ascii("قهوه"), Cow::Borrowed(_)));
    }
}
