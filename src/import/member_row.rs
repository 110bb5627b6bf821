//! Importing member profiles: type (individual, business...), birthday, joining date,
//! consent to each message channel (`consent_<channel>`: yes or no), and any other columns
//! as attributes. Balances and history are never touched here.

use serde::Serialize;

use super::json::Field;
use super::report::RowProblem;
use super::rows::Row;
use crate::ledger::{Ledger, LedgerError};
use crate::member::MemberState;
use crate::policy::Policy;
use crate::recording::{ProfileOutcome, Recorder};

/// Columns every member row must have.
pub const REQUIRED: [&str; 1] = ["id"];
const KNOWN: [&str; 4] = crate::event::MEMBER_COLUMNS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MemberImportReport {
    pub created: u64,
    pub updated: u64,
    /// Rows that said what the ledger already held: nothing written.
    pub unchanged: u64,
    pub rejected: u64,
    pub problems: Vec<RowProblem>,
}

impl MemberImportReport {
    pub fn summary(&self) -> String {
        let unchanged = match self.unchanged {
            0 => String::new(),
            n => crate::tr!("rows-members-unchanged", count = n),
        };
        crate::tr!(
            "rows-members-summary",
            created = self.created,
            updated = self.updated,
            unchanged = unchanged,
            rejected = self.rejected
        )
    }
}

/// Creates or updates the members in `rows`, in one transaction. `at` is when the file
/// is taken to say what it says (consents are dated then). A new member whose row has no
/// `joined` joins on the day of their first event.
pub fn import_members(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = Result<Row, RowProblem>>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<MemberImportReport, LedgerError> {
    // A new ledger's first import writes the file directly, and builds the console's
    // indexes at its end (see `ledger::bulk`): a members file is often that import.
    let histories_read = crate::decide::BookNeeds::of(policy).history;
    ledger.import_in_bulk(histories_read, false, || {
        members(ledger, policy, rows, at, false)
    })
}

/// Reads and decides the members in `rows` as [`import_members`] does, reports the
/// same, and writes nothing (issue 12: `import --dry-run --members FILE` wrote the
/// profiles).
pub fn import_members_dry_run(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = Result<Row, RowProblem>>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<MemberImportReport, LedgerError> {
    members(ledger, policy, rows, at, true)
}

fn members(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = Result<Row, RowProblem>>,
    at: chrono::DateTime<chrono::Utc>,
    dry_run: bool,
) -> Result<MemberImportReport, LedgerError> {
    let mut report = MemberImportReport::default();
    ledger.begin()?;
    let mut recorder = Recorder::new(ledger, policy);
    let result = (|| {
        for row in rows {
            let member = match row {
                Ok(row) => match row.required_id("id") {
                    Ok(id) => {
                        let existing = recorder.member_state(id)?;
                        consents_from_row(&row, policy).and_then(|consents| {
                            let (member, joined_known) =
                                member_from_row(&row, id, policy, existing.as_ref(), at)?;
                            Ok((member, joined_known, consents, row.line))
                        })
                    }
                    Err(problem) => Err(problem),
                },
                Err(problem) => Err(problem),
            };
            match member {
                Ok((member, joined_known, consents, line)) => {
                    let source = format!("members file, line {line}");
                    match recorder.profile(&member, joined_known, &consents, &source, at)? {
                        ProfileOutcome::Created => report.created += 1,
                        ProfileOutcome::Updated => report.updated += 1,
                        ProfileOutcome::Unchanged => report.unchanged += 1,
                    }
                }
                Err(problem) => {
                    report.rejected += 1;
                    report.problems.push(problem);
                }
            }
        }
        recorder.finish()?;
        if dry_run {
            ledger.rollback()
        } else {
            ledger.commit()
        }
    })();
    if result.is_err() {
        ledger.rollback()?;
    }
    result.map(|()| report)
}

/// `consent_<channel>` columns: yes or no for each of the club's message channels.
fn consents_from_row(row: &Row, policy: &Policy) -> Result<Vec<(String, bool)>, RowProblem> {
    let channels: Vec<&str> = policy
        .club
        .messages
        .iter()
        .flat_map(|m| m.channels.iter().map(|c| c.id.as_str()))
        .collect();
    let mut consents = Vec::new();
    for key in row.fields.keys() {
        let Some(channel) = key.strip_prefix("consent_") else {
            continue;
        };
        if !channels.contains(&channel) {
            let problem = crate::tr!("rows-no-channel", channel = channel);
            return Err(RowProblem::rejected(
                row.line,
                Some(key),
                match crate::diagnostic::did_you_mean(channel, channels.iter().copied()) {
                    Some(near) => crate::tr!(
                        "rows-with-suggestion",
                        problem = problem,
                        suggestion = crate::tr!("did-you-mean", name = format!("consent_{near}"))
                    ),
                    None => problem,
                },
            ));
        }
        let text = match row.fields.get(key) {
            Some(Field::Bool(granted)) => {
                consents.push((channel.to_owned(), *granted));
                continue;
            }
            // `1` and `0` in JSON, as in a CSV.
            Some(Field::Number(number)) => number.clone(),
            _ => match row.text(key)? {
                Some(text) => crate::digits::to_ascii(text).into_owned(),
                None => continue,
            },
        };
        let granted = match text.to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" | "1" | "بله" => true,
            "no" | "n" | "false" | "0" | "خیر" => false,
            _ => {
                return Err(RowProblem::rejected(
                    row.line,
                    Some(key),
                    crate::tr!("rows-not-yes-or-no", text = text),
                ))
            }
        };
        consents.push((channel.to_owned(), granted));
    }
    Ok(consents)
}

/// The member a row describes, over what is known of them, and whether their joining date
/// is known.
fn member_from_row(
    row: &Row,
    id: &str,
    policy: &Policy,
    existing: Option<&(MemberState, bool)>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(MemberState, bool), RowProblem> {
    let calendar = policy.club.calendar;
    let (existing, known_before) = match existing {
        Some((state, known)) => (Some(state.clone()), *known),
        None => (None, false),
    };
    let types: Vec<&str> = policy
        .club
        .member_types
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    let member_type = match row.text("type")? {
        Some(t) if types.contains(&t) => t.to_owned(),
        Some(t) => {
            let problem = crate::tr!(
                "rows-not-member-type",
                text = t,
                types = types.join(&crate::tr!("list-comma"))
            );
            return Err(RowProblem::rejected(
                row.line,
                Some("type"),
                match crate::diagnostic::did_you_mean(t, types.iter().copied()) {
                    Some(near) => crate::tr!(
                        "rows-with-suggestion",
                        problem = problem,
                        suggestion = crate::tr!("did-you-mean", name = near)
                    ),
                    None => problem,
                },
            ));
        }
        None => existing
            .as_ref()
            .map(|m| m.member_type.clone())
            .unwrap_or_else(|| types.first().copied().unwrap_or("individual").to_owned()),
    };
    let parse_date = |column: &'static str| -> Result<Option<chrono::NaiveDate>, RowProblem> {
        row.text(column)?
            .map(|text| {
                calendar
                    .parse_date(text)
                    .map_err(|m| RowProblem::rejected(row.line, Some(column), m))
            })
            .transpose()
    };
    let birthday = parse_date("birthday")?.or(existing.as_ref().and_then(|m| m.birthday));
    let given = parse_date("joined")?;
    let joined_known = given.is_some() || known_before;
    // Not given and not known: the day of the member's first event, when it comes (until
    // then, the day the file is read).
    let joined = given
        .or(existing.as_ref().map(|m| m.joined))
        .unwrap_or_else(|| at.with_timezone(&policy.zone).date_naive());
    let mut member = existing.unwrap_or_else(|| MemberState::new(id, &member_type, joined));
    member.member_type = member_type;
    member.birthday = birthday;
    member.joined = joined;
    for (key, value) in &row.fields {
        if !KNOWN.contains(&key.as_str()) && !key.starts_with("consent_") {
            let text = value.plain_text();
            if text.is_empty() {
                member.attributes.remove(key);
            } else {
                member.attributes.insert(key.clone(), text);
            }
        }
    }
    Ok((member, joined_known))
}
