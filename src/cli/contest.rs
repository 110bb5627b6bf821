//! `bashgah contest <club> [<contest>]`: the club's leaderboards and draws — each one's
//! window, standings or entries, and recorded results with a draw's seed — and, with
//! `--verify`, each recorded result decided again from the ledger's rows, to show that it
//! matches.

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::contests::{ContestView, MemberContest, PrizeView, Verification};
use crate::locale::numerals;
use crate::policy::Policy;
use crate::tr;

/// What `contest` was asked.
pub struct ContestArgs<'a> {
    pub club: &'a str,
    pub contest: Option<&'a str>,
    pub window: Option<&'a str>,
    pub at: Option<&'a str>,
    pub verify: bool,
    pub json: bool,
}

pub fn run(workspace: &Workspace, args: &ContestArgs<'_>) -> Result<ExitCode, CommandError> {
    let policy = workspace.load_policy(args.club)?;
    let failure =
        |message: String| CommandError(format!("{}: {message}\n", tr!("diagnostic-error")));
    let db = workspace.ledger_place(&policy);
    if !db.exists()? {
        return Err(failure(tr!(
            "report-no-ledger",
            club = &policy.club.id,
            place = db.to_string()
        )));
    }
    let ledger = workspace.open_ledger(&db)?;
    let at = match args.at {
        Some(text) => crate::time::parse_event_time(text, policy.club.calendar, policy.zone)
            .map_err(|m| failure(tr!("report-bad-at", reason = m)))?,
        None => ledger.now()?.unwrap_or_else(chrono::Utc::now),
    };
    let unknown = |id: &str| failure(tr!("contest-unknown", id = id, club = &policy.club.id));
    if args.verify {
        let Some(id) = args.contest else {
            return Err(failure(tr!("contest-verify-which")));
        };
        let checks = crate::contests::verify(&ledger, &policy, id, args.window)?
            .ok_or_else(|| unknown(id))?;
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&checks).unwrap_or_default()
            );
        } else {
            print!("{}", render_verification(&checks));
        }
        return Ok(if checks.iter().all(|c| c.matches) {
            ExitCode::Ok
        } else {
            ExitCode::Failed
        });
    }
    let views = match args.contest {
        Some(id) => vec![
            crate::contests::contest(&ledger, &policy, id, at, args.window)?
                .ok_or_else(|| unknown(id))?,
        ],
        None => crate::contests::contests(&ledger, &policy, at)?,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&views).unwrap_or_default()
        );
    } else if views.is_empty() {
        println!("{}", tr!("contest-none", club = &policy.club.id));
    } else {
        for view in &views {
            print!("{}", render(&policy, view));
        }
    }
    Ok(ExitCode::Ok)
}

/// A prize in words: `500 stars, badge champion, reward free-coffee`.
pub fn prize_words(policy: &Policy, prize: &PrizeView) -> String {
    let mut parts = Vec::new();
    if !prize.points.is_zero() {
        parts.push(format!(
            "{} {}",
            crate::locale::amount(prize.points),
            policy.club.points.name
        ));
    }
    if let Some(badge) = &prize.badge {
        parts.push(tr!("contest-badge", badge = badge));
    }
    if let Some(reward) = &prize.reward {
        parts.push(tr!("contest-reward", reward = reward));
    }
    parts.join(&tr!("list-comma"))
}

/// One contest: heading, window, standings (the first 10) and results.
pub fn render(policy: &Policy, view: &ContestView) -> String {
    let mut out = match &view.metric {
        Some(metric) => tr!(
            "contest-heading-board",
            name = &view.name,
            id = &view.id,
            metric = metric
        ),
        None => tr!("contest-heading-draw", name = &view.name, id = &view.id),
    };
    out.push('\n');
    if let Some(window) = &view.window {
        out.push_str(&tr!(
            "contest-window-line",
            from = numerals(&window.key),
            to = numerals(&window.last_day_local),
            decided = numerals(&policy.local_date(window.decided_at))
        ));
        out.push('\n');
    }
    for standing in view.standings.iter().take(10) {
        let score = crate::locale::amount(standing.score);
        out.push_str(&match standing.place {
            Some(place) => format!(
                "  {:>4}  {:<12} {score:>12}\n",
                numerals(&place.to_string()),
                standing.member
            ),
            None => format!("        {:<12} {score:>12}\n", standing.member),
        });
    }
    if view.standings.len() > 10 {
        out.push_str(&tr!(
            "contest-more",
            more = view.standings.len().saturating_sub(10)
        ));
        out.push('\n');
    }
    for result in &view.results {
        out.push_str(&tr!(
            "contest-result",
            window = numerals(&result.window),
            decided = numerals(&result.decided_local),
            participants = result.participants
        ));
        out.push('\n');
        if let Some(seed) = &result.seed {
            out.push_str(&tr!("contest-seed", seed = seed, entries = result.entries));
            out.push('\n');
        }
        for prize in &result.prizes {
            out.push_str(&format!(
                "  {:>4}  {:<12} {:>12}  {}\n",
                numerals(&prize.rank.to_string()),
                prize.member,
                crate::locale::amount(prize.score),
                prize_words(policy, prize)
            ));
        }
    }
    out.push('\n');
    out
}

fn render_verification(checks: &[Verification]) -> String {
    if checks.is_empty() {
        return format!("{}\n", tr!("contest-verify-nothing"));
    }
    let mut out = String::new();
    for check in checks {
        let winners = |prizes: &[PrizeView]| {
            prizes
                .iter()
                .map(|p| format!("{} {}", numerals(&p.rank.to_string()), p.member))
                .collect::<Vec<_>>()
                .join(&tr!("list-comma"))
        };
        out.push_str(&if check.matches {
            tr!(
                "contest-verify-ok",
                contest = &check.contest,
                window = numerals(&check.window),
                winners = winners(&check.decided)
            )
        } else {
            tr!(
                "contest-verify-differs",
                contest = &check.contest,
                window = numerals(&check.window),
                recorded = winners(&check.recorded),
                decided = winners(&check.decided)
            )
        });
        out.push('\n');
        if let Some(seed) = &check.seed {
            out.push_str(&tr!("contest-verify-seed", seed = seed));
            out.push('\n');
        }
    }
    out
}

/// The member's contests, for `bashgah member`.
pub fn member_lines(policy: &Policy, contests: &[MemberContest]) -> String {
    let mut out = tr!("member-contests-heading");
    out.push('\n');
    for contest in contests {
        let window = numerals(&contest.window);
        let score = crate::locale::amount(contest.score);
        out.push_str("  ");
        out.push_str(&match (contest.entries, contest.place) {
            (Some(entries), _) => tr!(
                "member-contest-draw",
                name = &contest.name,
                window = window,
                entries = entries
            ),
            (None, Some(place)) => tr!(
                "member-contest-board",
                name = &contest.name,
                window = window,
                score = score,
                place = place,
                ranked = contest.ranked
            ),
            (None, None) => tr!(
                "member-contest-unranked",
                name = &contest.name,
                window = window,
                score = score
            ),
        });
        if let Some(prize) = &contest.prize {
            out.push_str(&tr!(
                "member-contest-prize",
                prize = prize_words(policy, prize)
            ));
        } else if !contest.decided {
            out.push_str(&tr!("member-contest-open"));
        }
        out.push('\n');
    }
    out
}
