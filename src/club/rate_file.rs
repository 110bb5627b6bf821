//! Reading the declared rates of `currencies:` and of its rate file into a [`Rates`]
//! table, with every bad entry positioned in `club.yaml` or at the rate file's line and
//! column name. Apart from `club::currencies` (the settings' types, the rate in force, the
//! conversion and how money is shown), which `club.yaml`'s definition holds, because
//! reading needs the positioned club file that holds the definition.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::club_file::ClubFile;
use super::currencies::*;
use super::messaging::MoneyUnit;
use crate::diagnostic::{Diagnostic, Location};
use crate::tr;
use crate::yaml::PathSegment::{Index, Key};

/// The rates of `club.yaml`'s `currencies:` and of its rate file (`file_text`: the file's
/// name as written and its text, read by the caller so the policy hashes it), checked:
/// every problem, positioned in `club.yaml` or at the rate file's line and column name.
pub fn compile_rates(
    club: &ClubFile,
    rate_file: Option<(&Path, &str)>,
) -> Result<Rates, Vec<Diagnostic>> {
    let definition = &club.definition;
    let mut problems = Vec::new();
    if definition.money == Some(MoneyUnit::Toman) && definition.currency != "IRR" {
        problems.push(club.error_at(
            &[Key("money")],
            tr!("currency-toman-needs-rial", currency = &definition.currency),
        ));
    }
    let Some(settings) = &definition.currencies else {
        return if problems.is_empty() {
            Ok(Rates::default())
        } else {
            Err(problems)
        };
    };
    let calendar = definition.calendar;
    let mut table: BTreeMap<String, BTreeMap<NaiveDate, Decimal>> = BTreeMap::new();
    let most = crate::amount::currency_decimals(&definition.currency);
    if settings.decimals > most {
        problems.push(club.error_at(
            &[Key("currencies"), Key("decimals")],
            tr!(
                "currency-decimals",
                decimals = settings.decimals.to_string(),
                currency = &definition.currency,
                most = most.to_string()
            ),
        ));
    }
    for (code, rates) in &settings.rates {
        if let Err(message) = check_code(code, &definition.currency) {
            problems.push(club.error_at(&[Key("currencies"), Key("rates"), Key(code)], message));
            continue;
        }
        for (i, rate) in rates.iter().enumerate() {
            let at = |key: &'static str| {
                [
                    Key("currencies"),
                    Key("rates"),
                    Key(code),
                    Index(i),
                    Key(key),
                ]
            };
            let day = match calendar.parse_date(&rate.from) {
                Ok(day) => day,
                Err(message) => {
                    problems.push(club.error_at(&at("from"), message));
                    continue;
                }
            };
            if let Err(message) = check_rate(rate.rate) {
                problems.push(club.error_at(&at("rate"), message));
                continue;
            }
            if table
                .entry(code.clone())
                .or_default()
                .insert(day, rate.rate)
                .is_some()
            {
                problems.push(club.error_at(
                    &at("from"),
                    tr!("currency-rate-twice", currency = code, date = &rate.from),
                ));
            }
        }
    }
    if let Some(name) = &settings.file {
        if !is_inside(name) {
            problems.push(club.error_at(
                &[Key("currencies"), Key("file")],
                tr!("currency-file-outside", file = name),
            ));
        } else if let Some((path, text)) = rate_file {
            read_rate_file(path, text, club, &mut table, &mut problems);
        }
    }
    if problems.is_empty() {
        Ok(Rates {
            by_currency: table,
            rounding: settings.rounding,
            decimals: settings.decimals,
            max_age_days: settings.max_age_days,
        })
    } else {
        Err(problems)
    }
}

/// Whether a rate file's name stays inside the club's folder (no absolute path, no `..`).
pub fn is_inside(name: &str) -> bool {
    let path = Path::new(name);
    !name.trim().is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

fn check_code(code: &str, club_currency: &str) -> Result<(), String> {
    if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(tr!("club-currency-invalid", currency = code));
    }
    if code == club_currency {
        return Err(tr!("currency-is-the-clubs", currency = code));
    }
    Ok(())
}

fn check_rate(rate: Decimal) -> Result<(), String> {
    if rate <= Decimal::ZERO || rate > crate::amount::LARGEST {
        return Err(tr!("currency-rate-range", rate = rate.to_string()));
    }
    Ok(())
}

/// Reads `date,currency,rate` rows into `table`; each bad row is a problem at its line,
/// naming its column.
fn read_rate_file(
    path: &Path,
    text: &str,
    club: &ClubFile,
    table: &mut BTreeMap<String, BTreeMap<NaiveDate, Decimal>>,
    problems: &mut Vec<Diagnostic>,
) {
    let definition = &club.definition;
    let problem = |line: usize, column: &str, message: String| {
        Diagnostic::error(tr!("currency-file-row", column = column, message = message))
            .at(Location::new(path, line, 1), Some(text))
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(str::to_ascii_lowercase).collect(),
        Err(error) => {
            problems.push(problem(1, "date", error.to_string()));
            return;
        }
    };
    let mut columns = [0usize; 3];
    for (slot, name) in columns.iter_mut().zip(["date", "currency", "rate"]) {
        match header.iter().position(|h| h == name) {
            Some(index) => *slot = index,
            None => {
                problems.push(problem(
                    1,
                    name,
                    tr!("currency-file-no-column", column = name),
                ));
                return;
            }
        }
    }
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line() as usize);
                problems.push(problem(line, "date", error.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cell = |i: usize| record.get(columns[i]).unwrap_or("");
        if record.iter().all(str::is_empty) {
            continue;
        }
        let day = match definition.calendar.parse_date(cell(0)) {
            Ok(day) => day,
            Err(message) => {
                problems.push(problem(line, "date", message));
                continue;
            }
        };
        let code = cell(1).to_ascii_uppercase();
        if let Err(message) = check_code(&code, &definition.currency) {
            problems.push(problem(line, "currency", message));
            continue;
        }
        let rate = match crate::amount::parse_amount(cell(2)) {
            Ok(rate) => rate,
            Err(message) => {
                problems.push(problem(line, "rate", message));
                continue;
            }
        };
        if let Err(message) = check_rate(rate) {
            problems.push(problem(line, "rate", message));
            continue;
        }
        if table
            .entry(code.clone())
            .or_default()
            .insert(day, rate)
            .is_some()
        {
            problems.push(problem(
                line,
                "date",
                tr!("currency-rate-twice", currency = &code, date = cell(0)),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Rounding;
    use crate::locale::Lang;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn club(yaml: &str) -> ClubFile {
        let source = format!("id: shop\nname: Shop\ncurrency: IRR\nrules: []\n{yaml}");
        let (file, problems) =
            super::super::load_club_file_anywhere(Path::new("club.yaml"), source);
        assert!(!problems.iter().any(Diagnostic::is_error), "{problems:?}");
        file.unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::from_str(text).unwrap()
    }

    #[test]
    fn a_rate_holds_from_its_day_until_the_next_and_not_past_its_age() {
        let file = club(
            "currencies:\n  rates:\n    USD:\n      - {from: 2025-02-01, rate: 850000}\n      - {from: 2025-01-01, rate: 820000}\n  max_age_days: 10\n",
        );
        let rates = compile_rates(&file, None).unwrap();
        assert_eq!(
            rates.rate_on("USD", day("2024-12-31")),
            Err(NoRate::Before(day("2025-01-01")))
        );
        assert_eq!(
            rates.rate_on("USD", day("2025-01-01")),
            Ok((day("2025-01-01"), d("820000")))
        );
        assert_eq!(
            rates.rate_on("USD", day("2025-01-11")),
            Ok((day("2025-01-01"), d("820000")))
        );
        assert_eq!(
            rates.rate_on("USD", day("2025-01-12")),
            Err(NoRate::Stale(day("2025-01-01")))
        );
        assert_eq!(
            rates.rate_on("USD", day("2025-02-01")),
            Ok((day("2025-02-01"), d("850000")))
        );
        assert_eq!(
            rates.rate_on("AED", day("2025-02-01")),
            Err(NoRate::Unknown)
        );
    }

    #[test]
    fn a_conversion_is_exact_then_rounded_once_as_declared() {
        let mut rates = Rates {
            rounding: Rounding::HalfUp,
            ..Rates::default()
        };
        assert_eq!(rates.convert(d("100.01"), d("850000.5")), Ok(d("85008550")));
        assert_eq!(rates.convert(d("0.5"), d("1")), Ok(d("1")));
        rates.rounding = Rounding::Floor;
        assert_eq!(rates.convert(d("0.5"), d("1")), Ok(d("0")));
        rates.decimals = 2;
        assert_eq!(rates.convert(d("1.005"), d("3")), Ok(d("3.01")));
        assert!(rates
            .convert(crate::amount::LARGEST, crate::amount::LARGEST)
            .is_err());
    }

    #[test]
    fn money_is_shown_as_money_says_else_as_messages_say() {
        let rial = club("");
        assert_eq!(
            display_money(Lang::En, &rial.definition, d("250000")),
            "250,000 Rial"
        );
        let toman = club("money: toman\n");
        assert_eq!(
            display_money(Lang::En, &toman.definition, d("250000")),
            "25,000 Toman"
        );
        assert_eq!(
            display_money(Lang::Fa, &toman.definition, d("250005")),
            "۲۵٬۰۰۰٫۵ تومان"
        );
        assert_eq!(
            shown_amount(&toman.definition, d("250000")),
            (d("25000"), "Toman".to_owned())
        );
        let messages = club("messages:\n  money: toman\n");
        assert_eq!(money_display(&messages.definition), MoneyUnit::Toman);
        let both = club("money: rial\nmessages:\n  money: toman\n");
        assert_eq!(money_display(&both.definition), MoneyUnit::Rial);
        assert_eq!(
            shown_amount(&both.definition, d("250000")),
            (d("250000"), "IRR".to_owned())
        );
    }

    #[test]
    fn a_rate_file_must_stay_inside_the_club_folder() {
        assert!(is_inside("rates.csv"));
        assert!(is_inside("./rates/2025.csv"));
        assert!(!is_inside("../other/rates.csv"));
        assert!(!is_inside("/etc/rates.csv"));
        assert!(!is_inside(" "));
    }
}
