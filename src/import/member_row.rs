//! Importing member profiles: type (individual, business...), birthday, joining date,
//! consent to each message channel (`consent_<channel>`: yes or no), and any other columns
//! as attributes. Balances and history are never touched here.

use serde::Serialize;

use super::report::RowProblem;
use super::rows::Row;
use crate::engine::MemberState;
use crate::ledger::{Ledger, LedgerError};
use crate::policy::Policy;

/// Columns every member row must have.
pub const REQUIRED: [&str; 1] = ["id"];
const KNOWN: [&str; 4] = ["id", "type", "birthday", "joined"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MemberImportReport {
    pub created: u64,
    pub updated: u64,
    pub rejected: u64,
    pub problems: Vec<RowProblem>,
}

impl MemberImportReport {
    pub fn summary(&self) -> String {
        format!(
            "{} members created, {} updated, {} rejected",
            self.created, self.updated, self.rejected
        )
    }
}

/// Creates or updates the members in `rows`, in one transaction.
/// `today` is the joining date given to new members whose row has no `joined`.
pub fn import_members(
    ledger: &Ledger,
    policy: &Policy,
    rows: impl Iterator<Item = Result<Row, RowProblem>>,
    today: chrono::NaiveDate,
) -> Result<MemberImportReport, LedgerError> {
    let mut report = MemberImportReport::default();
    ledger.begin()?;
    let result = (|| {
        for row in rows {
            let member = row.and_then(|row| {
                let consents = consents_from_row(&row, policy)?;
                let member = member_from_row(&row, policy, ledger, today)?;
                Ok((member, consents, row.line))
            });
            match member {
                Ok((member, consents, line)) => {
                    if ledger.upsert_member_profile(&member)? {
                        report.created += 1;
                    } else {
                        report.updated += 1;
                    }
                    for (channel, granted) in consents {
                        let source = format!("members file, line {line}");
                        ledger.set_consent(
                            &member.id,
                            &channel,
                            granted,
                            chrono::Utc::now(),
                            &source,
                        )?;
                    }
                }
                Err(problem) => {
                    report.rejected += 1;
                    report.problems.push(problem);
                }
            }
        }
        ledger.commit()
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
            let hint = crate::diagnostic::did_you_mean(channel, channels.iter().copied())
                .map(|near| format!("; did you mean `consent_{near}`?"))
                .unwrap_or_default();
            return Err(RowProblem::rejected(
                row.line,
                Some(key),
                format!("the club has no message channel `{channel}`{hint}"),
            ));
        }
        let Some(text) = row.text(key) else { continue };
        let granted = match text.to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" | "1" | "بله" => true,
            "no" | "n" | "false" | "0" | "خیر" => false,
            _ => {
                return Err(RowProblem::rejected(
                    row.line,
                    Some(key),
                    format!("`{text}` is not yes or no"),
                ))
            }
        };
        consents.push((channel.to_owned(), granted));
    }
    Ok(consents)
}

fn member_from_row(
    row: &Row,
    policy: &Policy,
    ledger: &Ledger,
    today: chrono::NaiveDate,
) -> Result<MemberState, RowProblem> {
    let id = row
        .text("id")
        .ok_or_else(|| RowProblem::rejected(row.line, Some("id"), "`id` is empty"))?;
    let calendar = policy.club.calendar;
    let existing = ledger
        .member_state(&id, chrono::Utc::now(), false)
        .map_err(|e| RowProblem::rejected(row.line, None, e.to_string()))?;
    let types: Vec<&str> = policy
        .club
        .member_types
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    let member_type = match row.text("type") {
        Some(t) if types.contains(&t.as_str()) => t,
        Some(t) => {
            let hint = crate::diagnostic::did_you_mean(&t, types.iter().copied())
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_default();
            return Err(RowProblem::rejected(
                row.line,
                Some("type"),
                format!(
                    "`{t}` is not a member type of this club ({}){hint}",
                    types.join(", ")
                ),
            ));
        }
        None => existing
            .as_ref()
            .map(|m| m.member_type.clone())
            .unwrap_or_else(|| types.first().copied().unwrap_or("individual").to_owned()),
    };
    let parse_date = |column: &'static str| -> Result<Option<chrono::NaiveDate>, RowProblem> {
        row.text(column)
            .map(|text| {
                calendar
                    .parse_date(&text)
                    .map_err(|m| RowProblem::rejected(row.line, Some(column), m))
            })
            .transpose()
    };
    let birthday = parse_date("birthday")?.or(existing.as_ref().and_then(|m| m.birthday));
    let joined = parse_date("joined")?
        .or(existing.as_ref().map(|m| m.joined))
        .unwrap_or(today);
    let mut member = existing.unwrap_or_else(|| MemberState::new(&id, &member_type, joined));
    member.member_type = member_type;
    member.birthday = birthday;
    member.joined = joined;
    for (key, value) in &row.fields {
        if !KNOWN.contains(&key.as_str()) && !key.starts_with("consent_") {
            let text = match value {
                serde_json::Value::String(s) => s.trim().to_owned(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            if text.is_empty() {
                member.attributes.remove(key);
            } else {
                member.attributes.insert(key.clone(), text);
            }
        }
    }
    Ok(member)
}
