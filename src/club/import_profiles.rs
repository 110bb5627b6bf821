//! Import profiles in `club.yaml`: how a client's own export (a POS or CRM file, as it
//! is) maps onto bashgah's columns, so a consultant imports it without editing it.
//!
//! ```yaml
//! import:
//!   profiles:
//!     pos:
//!       columns: {"Receipt No": id, "Customer": member, "Date": date, "Total": amount, "Cashier": ignore}
//!       date_format: "%d/%m/%Y %H:%M"
//!       amount_unit: 10        # the file is in Toman, the club counts Rial
//!       constants: {channel: pos}
//! ```
//!
//! `bashgah import <club> FILE --profile pos` applies it (see `crate::import::profile`).
//! Here are the shape and the checks `check` runs on it.

use std::collections::BTreeMap;

use chrono::format::{Item, StrftimeItems};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ClubFile;
use crate::calendar::CalendarKind;
use crate::diagnostic::Diagnostic;
use crate::event::{EVENT_COLUMNS, MEMBER_COLUMNS};
use crate::yaml::PathSegment::Key;

/// Column names with a meaning of their own in event and member files.
pub const CANONICAL_COLUMNS: [&str; 14] = {
    let mut all = [""; 14];
    let mut i = 0;
    while i < EVENT_COLUMNS.len() {
        all[i] = EVENT_COLUMNS[i];
        i += 1;
    }
    // `id` and `type` are in both; a members file adds its dates.
    all[12] = MEMBER_COLUMNS[2];
    all[13] = MEMBER_COLUMNS[3];
    all
};

/// The target that drops a column.
pub const IGNORE: &str = "ignore";

/// How files from other systems are read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ImportSettings {
    /// Named ways to read another system's export: `bashgah import <club> FILE --profile NAME`.
    #[serde(default)]
    pub profiles: BTreeMap<String, ImportProfile>,
}

/// One system's export format: which of its columns are which, how it writes dates and
/// amounts, and values its rows lack.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ImportProfile {
    /// The file's column → bashgah's column (`id`, `member`, `date`, `amount`, `type`,
    /// `store`...), or `ignore` to drop it. Columns not named here keep their name (and
    /// become attributes scripts can read if bashgah has no meaning for them).
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// How the file writes dates (and `joined` in members files), in strftime form:
    /// `%d/%m/%Y`, `%d.%m.%Y %H:%M`, `%Y/%m/%d %H:%M:%S %z`. Without it, dates are read as
    /// everywhere else (`2025-01-15`, `2025-01-15 10:30`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// The calendar the file's dates are written in, when it is not the club's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<CalendarKind>,
    /// What one unit of the file's amounts is in the club's currency: `10` for a file in
    /// Toman imported into a Rial club. Applies to `amount` and `credit_used`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_unit: Option<Decimal>,
    /// Values for every row, for columns the file lacks or leaves empty:
    /// `{type: business}` in a members file of companies, `{channel: pos}`.
    #[serde(default)]
    pub constants: BTreeMap<String, String>,
}

/// `check`'s problems with the club's import profiles.
pub fn validate_profiles(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let Some(settings) = &file.definition.import else {
        return;
    };
    for (name, profile) in &settings.profiles {
        let at = |key: &'static str| [Key("import"), Key("profiles"), Key(name), Key(key)];
        let mut targets: BTreeMap<&str, &str> = BTreeMap::new();
        for (source, target) in &profile.columns {
            let path = [
                Key("import"),
                Key("profiles"),
                Key(name),
                Key("columns"),
                Key(source),
            ];
            if target != IGNORE && !CANONICAL_COLUMNS.contains(&target.as_str()) {
                if let Some(close) = near_canonical(target) {
                    out.push(
                        file.error_at(&path, crate::tr!("club-not-a-column", column = target))
                            .with_help(crate::tr!("club-not-a-column-help", column = close)),
                    );
                    continue;
                }
            }
            if target == IGNORE {
                continue;
            }
            if let Some(first) = targets.insert(target, source) {
                out.push(
                    file.error_at(
                        &path,
                        crate::tr!(
                            "club-column-mapped-twice",
                            first = first,
                            second = source,
                            column = target
                        ),
                    )
                    .with_help(crate::tr!("club-column-mapped-twice-help")),
                );
            }
        }
        for column in profile.constants.keys() {
            if let Some(source) = targets.get(column.as_str()) {
                out.push(
                    file.error_at(
                        &[
                            Key("import"),
                            Key("profiles"),
                            Key(name),
                            Key("constants"),
                            Key(column),
                        ],
                        crate::tr!(
                            "club-constant-and-column",
                            column = column,
                            source = *source
                        ),
                    )
                    .with_help(crate::tr!("club-constant-and-column-help")),
                );
            }
        }
        if let Some(format) = &profile.date_format {
            if let Err(message) = check_date_format(format) {
                out.push(
                    file.error_at(&at("date_format"), message)
                        .with_help(crate::tr!("club-date-format-help")),
                );
            }
        }
        if let Some(unit) = profile.amount_unit {
            if unit <= Decimal::ZERO {
                out.push(
                    file.error_at(
                        &at("amount_unit"),
                        crate::tr!(
                            "club-amount-unit",
                            unit = crate::locale::numerals(&unit.to_string())
                        ),
                    )
                    .with_help(crate::tr!("club-amount-unit-help")),
                );
            }
        }
    }
}

/// A canonical column `name` is probably a typo of (but not equal to).
fn near_canonical(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    if let Some(same) = CANONICAL_COLUMNS.iter().find(|c| **c == lower) {
        // Written in other case: bashgah's names are lower-case.
        return (*same != name).then_some(*same);
    }
    crate::diagnostic::did_you_mean(&lower, CANONICAL_COLUMNS.iter().copied())
}

/// Whether `format` is a strftime format that names a whole date.
pub fn check_date_format(format: &str) -> Result<(), String> {
    let mut fields = String::new();
    for item in StrftimeItems::new(format) {
        match item {
            Item::Error => {
                return Err(crate::tr!("club-date-format-invalid", format = format));
            }
            Item::Numeric(numeric, _) => fields.push_str(&format!("{numeric:?} ")),
            Item::Fixed(fixed) => fields.push_str(&format!("{fixed:?} ")),
            _ => {}
        }
    }
    let has = |name: &str| fields.split(' ').any(|f| f == name);
    if !(has("Year") && has("Month") && has("Day")) {
        return Err(crate::tr!("club-date-format-incomplete", format = format));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats_need_a_whole_date() {
        assert!(check_date_format("%d/%m/%Y %H:%M").is_ok());
        assert!(check_date_format("%Y-%m-%dT%H:%M:%S%z").is_ok());
        assert!(check_date_format("%d/%m").is_err());
        assert!(check_date_format("%Q").is_err());
    }

    #[test]
    fn near_misses_of_canonical_columns_are_caught() {
        assert_eq!(near_canonical("ammount"), Some("amount"));
        assert_eq!(near_canonical("Member"), Some("member"));
        assert_eq!(near_canonical("cashier"), None);
        assert_eq!(near_canonical("amount"), None);
    }
}
