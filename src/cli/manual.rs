//! `bashgah adjust` and `bashgah transfer`: changes made by hand.

use chrono::Utc;
use rust_decimal::Decimal;

use super::args::WhenArgs;
use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::ledger::Ledger;
use crate::policy::Policy;
use crate::recording::{Applied, ManualError};
use crate::time::{parse_event_time, stored};

struct Prepared {
    policy: Policy,
    ledger: Ledger,
    at: chrono::DateTime<Utc>,
    points: Decimal,
    /// `--id`, or one made from the kind, member and time by the caller's `default_id`.
    id: String,
}

fn prepare(
    workspace: &Workspace,
    club: &str,
    points: &str,
    when: &WhenArgs,
    default_id: impl FnOnce(&str) -> String,
) -> Result<Prepared, CommandError> {
    let policy = workspace.load_policy(club)?;
    // Redemptions have no points argument: the reward says what it costs.
    let points = if points.is_empty() {
        Decimal::ZERO
    } else {
        crate::amount::parse_amount(points)
            .map_err(|m| CommandError(format!("error: points: {m}\n")))?
    };
    let at = match &when.at {
        Some(text) => parse_event_time(text, policy.club.calendar, policy.zone)
            .map_err(|m| CommandError(format!("error: --at: {m}\n")))?,
        None => Utc::now(),
    };
    let ledger = workspace.open_ledger(&workspace.ledger_place(&policy))?;
    let id = when.id.clone().unwrap_or_else(|| default_id(&stored(at)));
    Ok(Prepared {
        policy,
        ledger,
        at,
        points,
        id,
    })
}

/// Runs `change` in one transaction and reports it.
fn finish(
    ledger: &Ledger,
    done: &str,
    change: impl FnOnce() -> Result<Applied, ManualError>,
) -> Result<ExitCode, CommandError> {
    ledger.begin()?;
    match change() {
        Ok(Applied::Done) => {
            ledger.commit()?;
            println!("{done}");
            Ok(ExitCode::Ok)
        }
        Ok(Applied::Duplicate) => {
            ledger.rollback()?;
            println!("already recorded: nothing changed");
            Ok(ExitCode::Ok)
        }
        Err(ManualError::Refused(message)) => {
            ledger.rollback()?;
            eprintln!("error: {message}");
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
    let id = &p.id;
    let done = format!(
        "{} {} {} for `{member}` ({id})",
        if p.points.is_sign_negative() {
            "took"
        } else {
            "added"
        },
        p.points.abs().normalize(),
        p.policy.club.points.name
    );
    finish(&p.ledger, &done, || {
        p.ledger
            .adjust(&p.policy, id, member, p.points, reason, p.at)
    })
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
    let id = &p.id;
    let done = format!(
        "moved {} {} from `{from}` to `{to}` ({id})",
        p.points.normalize(),
        p.policy.club.points.name
    );
    finish(&p.ledger, &done, || {
        p.ledger
            .transfer(&p.policy, id, from, to, p.points, reason, p.at)
    })
}

pub fn redeem(
    workspace: &Workspace,
    club: &str,
    member: &str,
    reward: &str,
    when: &WhenArgs,
) -> Result<ExitCode, CommandError> {
    let p = prepare(workspace, club, "", when, |at| {
        format!("redeem:{member}:{reward}:{at}")
    })?;
    let id = &p.id;
    let mut code = None;
    let result = finish(
        &p.ledger,
        &format!("`{member}` redeemed `{reward}` ({id})"),
        || {
            let redemption = p.ledger.redeem(&p.policy, id, member, reward, p.at)?;
            code = redemption.code;
            Ok(redemption.applied)
        },
    );
    if let (Ok(ExitCode::Ok), Some(code)) = (&result, code) {
        println!("code: {code}");
    }
    result
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
    let id = &p.id;
    let done = format!(
        "converted {} {} of `{member}` to credit ({id})",
        p.points.normalize(),
        p.policy.club.points.name
    );
    finish(&p.ledger, &done, || {
        p.ledger.convert(&p.policy, id, member, p.points, p.at)
    })
}
