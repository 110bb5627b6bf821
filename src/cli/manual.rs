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
        crate::amount::parse_amount(points)
            .map_err(|m| CommandError(format!("error: points: {m}\n")))?
    };
    let ledger = workspace.open_ledger(&workspace.ledger_place(&policy))?;
    // The club's own clock, not the machine's: on a back-dated club (history imported,
    // examples) "now" is where its events are, and the machine's date would find every
    // point long expired.
    let at = match &when.at {
        Some(text) => parse_event_time(text, policy.club.calendar, policy.zone)
            .map_err(|m| CommandError(format!("error: --at: {m}\n")))?,
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
            println!("already recorded as `{id}`: nothing changed");
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
    let verb = if p.points.is_sign_negative() {
        "took"
    } else {
        "added"
    };
    let amount = p.points.abs().normalize();
    let name = &p.policy.club.points.name;
    finish(
        &p,
        |id| format!("{verb} {amount} {name} for `{member}` ({id})"),
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
    let amount = p.points.normalize();
    let name = &p.policy.club.points.name;
    finish(
        &p,
        |id| format!("moved {amount} {name} from `{from}` to `{to}` ({id})"),
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
    when: &WhenArgs,
) -> Result<ExitCode, CommandError> {
    let p = prepare(workspace, club, "", when, |at| {
        format!("redeem:{member}:{reward}:{at}")
    })?;
    let mut code = None;
    let result = finish(
        &p,
        |id| format!("`{member}` redeemed `{reward}` ({id})"),
        |id| {
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
        |id| format!("cancelled redemption `{redemption}` of `{member}` ({id})"),
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
    let amount = p.points.normalize();
    let name = &p.policy.club.points.name;
    finish(
        &p,
        |id| format!("converted {amount} {name} of `{member}` to credit ({id})"),
        |id| p.ledger.convert(&p.policy, id, member, p.points, p.at),
    )
}
