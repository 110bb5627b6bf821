//! `bashgah adjust`, `transfer`, `redeem`, `convert` and `cancel`: changes made by hand.

use chrono::Utc;
use rust_decimal::Decimal;

use super::args::WhenArgs;
use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::ledger::Ledger;
use crate::policy::Policy;
use crate::recording::{Applied, ManualError};
use crate::time::{parse_event_time, stored};
use crate::tr;

/// Points as given on the command line (`2.5`, `1000`), in the language's digits.
fn figure(points: Decimal) -> String {
    crate::locale::numerals(&points.normalize().to_string())
}

struct Prepared {
    policy: Policy,
    ledger: Ledger,
    at: chrono::DateTime<Utc>,
    points: Decimal,
    /// `--id`, if given: the same id again is a repeat, answered "already recorded".
    id: Option<String>,
    /// Without `--id`, the id is made from this (the kind, member and time), made unique
    /// in the ledger when the change is recorded ([`Ledger::unused_id`]).
    base_id: String,
}

fn prepare(
    workspace: &Workspace,
    club: &str,
    points: &str,
    when: &WhenArgs,
    base_id: impl FnOnce(&str) -> String,
) -> Result<Prepared, CommandError> {
    let policy = workspace.load_policy(club)?;
    // Redemptions have no points argument: the reward says what it costs.
    let points = if points.is_empty() {
        Decimal::ZERO
    } else {
        crate::amount::parse_amount(points).map_err(|m| {
            CommandError(format!(
                "{}: {}\n",
                tr!("diagnostic-error"),
                tr!("manual-bad-points", reason = m)
            ))
        })?
    };
    let ledger = workspace.open_ledger(&workspace.ledger_place(&policy))?;
    // The club's own clock, not the machine's: on a back-dated club (history imported,
    // examples) "now" is where its events are, and the machine's date would find every
    // point long expired.
    let at = match &when.at {
        Some(text) => parse_event_time(text, policy.club.calendar, policy.zone).map_err(|m| {
            CommandError(format!(
                "{}: {}\n",
                tr!("diagnostic-error"),
                tr!("member-bad-at", reason = m)
            ))
        })?,
        None => ledger.now()?.unwrap_or_else(Utc::now),
    };
    let base_id = base_id(&stored(at));
    Ok(Prepared {
        policy,
        ledger,
        at,
        points,
        id: when.id.clone(),
        base_id,
    })
}

/// Runs `change` with the change's id in one transaction and reports it; `done` words
/// what was done, given the id.
fn finish(
    p: &Prepared,
    done: impl FnOnce(&str) -> String,
    change: impl FnOnce(&str) -> Result<Applied, ManualError>,
) -> Result<ExitCode, CommandError> {
    let ledger = &p.ledger;
    ledger.begin()?;
    let id = match &p.id {
        Some(id) => id.clone(),
        None => match ledger.unused_id(&p.base_id) {
            Ok(id) => id,
            Err(error) => {
                ledger.rollback()?;
                return Err(error.into());
            }
        },
    };
    match change(&id) {
        Ok(Applied::Done) => {
            ledger.commit()?;
            println!("{}", done(&id));
            Ok(ExitCode::Ok)
        }
        Ok(Applied::Duplicate) => {
            ledger.rollback()?;
            println!("{}", tr!("manual-duplicate", id = &id));
            Ok(ExitCode::Ok)
        }
        Err(ManualError::Refused(message)) => {
            ledger.rollback()?;
            eprintln!("{}: {message}", tr!("diagnostic-error"));
            Ok(ExitCode::Failed)
        }
        Err(ManualError::Ledger(error)) => {
            ledger.rollback()?;
            Err(error.into())
        }
    }
}

pub fn adjust(
    workspace: &Workspace,
    club: &str,
    member: &str,
    points: &str,
    reason: &str,
    when: &WhenArgs,
) -> Result<ExitCode, CommandError> {
    let p = prepare(workspace, club, points, when, |at| {
        format!("adjust:{member}:{at}")
    })?;
    let took = p.points.is_sign_negative();
    let amount = figure(p.points.abs());
    let name = &p.policy.club.points.name;
    finish(
        &p,
        |id| {
            if took {
                tr!(
                    "manual-took",
                    amount = &amount,
                    points = name,
                    member = member,
                    id = id
                )
            } else {
                tr!(
                    "manual-added",
                    amount = &amount,
                    points = name,
                    member = member,
                    id = id
                )
            }
        },
        |id| {
            p.ledger
                .adjust(&p.policy, id, member, p.points, reason, p.at)
        },
    )
}

pub fn transfer(
    workspace: &Workspace,
    club: &str,
    from: &str,
    to: &str,
    points: &str,
    reason: &str,
    when: &WhenArgs,
) -> Result<ExitCode, CommandError> {
    let p = prepare(workspace, club, points, when, |at| {
        format!("transfer:{from}:{to}:{at}")
    })?;
    let amount = figure(p.points);
    let name = &p.policy.club.points.name;
    finish(
        &p,
        |id| {
            tr!(
                "manual-moved",
                amount = &amount,
                points = name,
                from = from,
                to = to,
                id = id
            )
        },
        |id| {
            p.ledger
                .transfer(&p.policy, id, from, to, p.points, reason, p.at)
        },
    )
}

pub fn redeem(
    workspace: &Workspace,
    club: &str,
    member: &str,
    reward: &str,
    group: Option<&str>,
    when: &WhenArgs,
) -> Result<ExitCode, CommandError> {
    let p = prepare(workspace, club, "", when, |at| match group {
        Some(group) => format!("redeem:{group}:{member}:{reward}:{at}"),
        None => format!("redeem:{member}:{reward}:{at}"),
    })?;
    let mut code = None;
    let result = finish(
        &p,
        |id| tr!("manual-redeemed", member = member, reward = reward, id = id),
        |id| {
            let redemption = match group {
                Some(group) => p
                    .ledger
                    .redeem_from_group(&p.policy, id, member, group, reward, p.at)?,
                None => p.ledger.redeem(&p.policy, id, member, reward, p.at)?,
            };
            code = redemption.code;
            Ok(redemption.applied)
        },
    );
    if let (Ok(ExitCode::Ok), Some(code)) = (&result, code) {
        println!("{}", tr!("manual-code", code = code));
    }
    result
}

pub fn cancel(
    workspace: &Workspace,
    club: &str,
    member: &str,
    redemption: &str,
    reason: &str,
    when: &WhenArgs,
) -> Result<ExitCode, CommandError> {
    let p = prepare(workspace, club, "", when, |_| {
        format!("cancel:{redemption}")
    })?;
    finish(
        &p,
        |id| {
            tr!(
                "manual-cancelled",
                redemption = redemption,
                member = member,
                id = id
            )
        },
        |id| {
            p.ledger
                .cancel_redemption(&p.policy, id, member, redemption, reason, p.at)
        },
    )
}

pub fn convert(
    workspace: &Workspace,
    club: &str,
    member: &str,
    points: &str,
    when: &WhenArgs,
) -> Result<ExitCode, CommandError> {
    let p = prepare(workspace, club, points, when, |at| {
        format!("convert:{member}:{at}")
    })?;
    let amount = figure(p.points);
    let name = &p.policy.club.points.name;
    finish(
        &p,
        |id| {
            tr!(
                "manual-converted",
                amount = &amount,
                points = name,
                member = member,
                id = id
            )
        },
        |id| p.ledger.convert(&p.policy, id, member, p.points, p.at),
    )
}
