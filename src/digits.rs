//! The one place digits a user writes become ASCII.
//!
//! Shops in Iran type Persian digits (`۱۴۰۳`), Arabic keyboards and some tills send
//! Arabic-Indic ones (`١٤٠٣`), and spreadsheets mix them with ASCII. Dates, times and
//! amounts all read their digits through [`to_ascii`], so that a form accepted in one is
//! accepted in the others (issue 12: Persian digits worked in dates and amounts but not in
//! times, Arabic-Indic ones only in amounts, because each parser had its own copy).

use std::borrow::Cow;

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
