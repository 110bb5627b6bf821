//! A club's contests compiled for deciding: each leaderboard's and draw's window as
//! instants (or its repeating period), its draw time, and the scripts holding its metric,
//! entry and eligibility functions. Everything wrong is reported at `check`, positioned.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::script::Script;
use crate::calendar::{CalendarKind, Period};
use crate::club::{ClubFile, Metric, PathSegment, Window};
use crate::diagnostic::Diagnostic;
use crate::tr;

use PathSegment::{Index, Key};

/// Leaderboards and draws, in `club.contests` order.
#[derive(Debug, Clone, Default)]
pub struct CompiledContests {
    pub leaderboards: Vec<CompiledContest>,
    pub draws: Vec<CompiledContest>,
}

/// One contest's window and scripts.
#[derive(Debug, Clone, Default)]
pub struct CompiledContest {
    /// Fixed dates: the first day's start and the start of the day after the last.
    pub fixed: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// A repeating period of the club's calendar.
    pub period: Option<Period>,
    /// A draw's declared time, if later than its window's end.
    pub draw_at: Option<DateTime<Utc>>,
    /// The script holding the metric's or the entry rule's function.
    pub function: Option<usize>,
    /// The script holding `eligible.function`.
    pub eligible: Option<usize>,
}

/// One window of a contest: its key (the first day, as the club writes dates), start and
/// end, and when it is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContestWindow {
    pub key: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// When prizes are given or the draw held: the end, or a draw's `draw_at`.
    pub decided_at: DateTime<Utc>,
}

impl CompiledContest {
    /// The window holding `at`, if the contest runs then.
    pub fn window_at(
        &self,
        calendar: CalendarKind,
        zone: Tz,
        at: DateTime<Utc>,
    ) -> Option<ContestWindow> {
        let day = at.with_timezone(&zone).date_naive();
        let window = match (self.fixed, self.period) {
            (Some((start, end)), _) => self.fixed_window(calendar, zone, start, end),
            (None, Some(period)) => period_window(calendar, zone, period, day)?,
            (None, None) => return None,
        };
        (at >= window.start && at < window.end).then_some(window)
    }

    /// The window whose key is `key` (its first day), if the contest has it.
    pub fn window_keyed(
        &self,
        calendar: CalendarKind,
        zone: Tz,
        key: &str,
    ) -> Option<ContestWindow> {
        match (self.fixed, self.period) {
            (Some((start, end)), _) => {
                Some(self.fixed_window(calendar, zone, start, end)).filter(|w| w.key == key)
            }
            (None, Some(period)) => {
                let day = calendar.parse_date(key).ok()?;
                period_window(calendar, zone, period, day).filter(|w| w.key == key)
            }
            (None, None) => None,
        }
    }

    /// The fixed window (the contest's only one), if it has fixed dates.
    pub fn fixed(&self, calendar: CalendarKind, zone: Tz) -> Option<ContestWindow> {
        let (start, end) = self.fixed?;
        Some(self.fixed_window(calendar, zone, start, end))
    }

    fn fixed_window(
        &self,
        calendar: CalendarKind,
        zone: Tz,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> ContestWindow {
        ContestWindow {
            key: calendar.format(start.with_timezone(&zone).date_naive()),
            start,
            end,
            decided_at: self.draw_at.map_or(end, |at| at.max(end)),
        }
    }
}

/// The `period` of the club's calendar that holds `day`.
fn period_window(
    calendar: CalendarKind,
    zone: Tz,
    period: Period,
    day: NaiveDate,
) -> Option<ContestWindow> {
    let local = calendar.to_local(day);
    let first_month = match period {
        Period::Month => local.month,
        Period::Quarter => (local.month - 1) / 3 * 3 + 1,
        Period::Year => 1,
    };
    let first = calendar.from_local(local.year, first_month, 1).ok()?;
    let next = calendar.start_of_next(period, first);
    let start = crate::time::start_of_day(first, zone).ok()?;
    let end = crate::time::start_of_day(next, zone).ok()?;
    Some(ContestWindow {
        key: calendar.format(first),
        start,
        end,
        decided_at: end,
    })
}

/// Compiles `club.contests`, adding every problem to `problems`. `scripts` is empty when
/// they did not compile (functions are then not bound: that would only repeat it).
pub(super) fn compile(
    club: &ClubFile,
    zone: Tz,
    scripts: Option<&[Script]>,
    problems: &mut Vec<Diagnostic>,
) -> CompiledContests {
    let Some(contests) = &club.definition.contests else {
        return CompiledContests::default();
    };
    let mut ids: Vec<String> = Vec::new();
    let mut twice = |id: &str, path: &[PathSegment], problems: &mut Vec<Diagnostic>| {
        if ids.iter().any(|known| known == id) {
            problems.push(club.error_at(path, tr!("contest-twice", id = id)));
        }
        ids.push(id.to_owned());
    };
    let mut compiled = CompiledContests::default();
    for (i, board) in contests.leaderboards.iter().enumerate() {
        let at = |key: &'static str| [Key("contests"), Key("leaderboards"), Index(i), Key(key)];
        let id = board.id.as_str();
        twice(id, &at("id"), problems);
        let mut contest = CompiledContest::default();
        window(
            club,
            zone,
            &board.window,
            &at("window"),
            id,
            &mut contest,
            problems,
        );
        match (board.metric, &board.function) {
            (Metric::Function, None) => problems.push(
                club.error_at(&at("metric"), tr!("contest-metric-function", id = id))
                    .with_help(tr!("contest-metric-function-help")),
            ),
            (Metric::Function, Some(name)) => {
                contest.function = bind(club, scripts, name, &at("function"), id, problems);
            }
            (_, Some(_)) => problems
                .push(club.error_at(&at("function"), tr!("contest-function-unused", id = id))),
            (_, None) => {}
        }
        contest.eligible = eligible(
            club,
            scripts,
            board.eligible.as_ref(),
            &at("eligible"),
            id,
            problems,
        );
        let mut ranks: Vec<u32> = Vec::new();
        for (j, prize) in board.prizes.iter().enumerate() {
            let path = [
                Key("contests"),
                Key("leaderboards"),
                Index(i),
                Key("prizes"),
                Index(j),
                Key("rank"),
            ];
            if prize.rank == 0 || ranks.contains(&prize.rank) {
                problems.push(club.error_at(&path, tr!("contest-rank", id = id)));
            }
            ranks.push(prize.rank);
            prize_checks(club, &prize.prize(), &path[..5], problems);
        }
        compiled.leaderboards.push(contest);
    }
    for (i, draw) in contests.draws.iter().enumerate() {
        let at = |key: &'static str| [Key("contests"), Key("draws"), Index(i), Key(key)];
        let id = draw.id.as_str();
        twice(id, &at("id"), problems);
        let mut contest = CompiledContest::default();
        window(
            club,
            zone,
            &draw.window,
            &at("window"),
            id,
            &mut contest,
            problems,
        );
        match (&draw.entries.per, &draw.entries.function) {
            (Some(per), None) if per.is_sign_positive() && !per.is_zero() => {}
            (None, Some(name)) => {
                contest.function = bind(club, scripts, name, &at("entries"), id, problems);
            }
            _ => problems.push(
                club.error_at(&at("entries"), tr!("contest-entries", id = id))
                    .with_help(tr!("contest-entries-help")),
            ),
        }
        if let Some(text) = &draw.draw_at {
            match (contest.fixed, day_start(club, zone, text)) {
                (Some((_, end)), Ok(at)) if at >= end => contest.draw_at = Some(at),
                (Some(_), Ok(_)) => {
                    problems.push(club.error_at(&at("draw_at"), tr!("contest-draw-early", id = id)))
                }
                (Some(_), Err(message)) => problems.push(club.error_at(
                    &at("draw_at"),
                    tr!("contest-date", id = id, message = message),
                )),
                (None, _) => problems
                    .push(club.error_at(&at("draw_at"), tr!("contest-draw-at-fixed", id = id))),
            }
        }
        if draw.prizes.is_empty() {
            problems.push(club.error_at(&at("prizes"), tr!("contest-no-prizes", id = id)));
        }
        for (j, prize) in draw.prizes.iter().enumerate() {
            let path = [
                Key("contests"),
                Key("draws"),
                Index(i),
                Key("prizes"),
                Index(j),
            ];
            prize_checks(club, prize, &path, problems);
        }
        contest.eligible = eligible(
            club,
            scripts,
            draw.eligible.as_ref(),
            &at("eligible"),
            id,
            problems,
        );
        compiled.draws.push(contest);
    }
    compiled
}

/// A prize's points are not negative and its reward is one the club has.
fn prize_checks(
    club: &ClubFile,
    prize: &crate::club::Prize,
    path: &[PathSegment],
    problems: &mut Vec<Diagnostic>,
) {
    if prize.points.is_sign_negative() || prize.points > crate::amount::LARGEST {
        let mut here = path.to_vec();
        here.push(Key("points"));
        problems.push(club.error_at(&here, tr!("contest-prize-points")));
    }
    if let Some(reward) = &prize.reward {
        if !club.definition.rewards.iter().any(|r| &r.id == reward) {
            let mut here = path.to_vec();
            here.push(Key("reward"));
            problems.push(club.error_at(&here, tr!("contest-prize-reward", reward = reward)));
        }
    }
}

/// Reads a window: fixed dates or a period, not both.
fn window(
    club: &ClubFile,
    zone: Tz,
    window: &Window,
    path: &[PathSegment],
    id: &str,
    contest: &mut CompiledContest,
    problems: &mut Vec<Diagnostic>,
) {
    match (&window.from, &window.to, window.period) {
        (Some(from), Some(to), None) => {
            let here = |key: &'static str| {
                let mut here = path.to_vec();
                here.push(Key(key));
                here
            };
            let start = day_start(club, zone, from).map_err(|message| {
                problems.push(club.error_at(
                    &here("from"),
                    tr!("contest-date", id = id, message = message),
                ))
            });
            let last = club.definition.calendar.parse_date(to).map_err(|message| {
                problems.push(
                    club.error_at(&here("to"), tr!("contest-date", id = id, message = message)),
                )
            });
            if let (Ok(start), Ok(last)) = (start, last) {
                let end = last
                    .succ_opt()
                    .and_then(|next| crate::time::start_of_day(next, zone).ok());
                match end {
                    Some(end) if end > start => contest.fixed = Some((start, end)),
                    _ => problems
                        .push(club.error_at(&here("to"), tr!("contest-ends-before", id = id))),
                }
            }
        }
        (None, None, Some(period)) => contest.period = Some(period),
        _ => problems.push(
            club.error_at(path, tr!("contest-window", id = id))
                .with_help(tr!("contest-window-help")),
        ),
    }
}

/// The start of the day `text` names, in the club's calendar and zone.
fn day_start(club: &ClubFile, zone: Tz, text: &str) -> Result<DateTime<Utc>, String> {
    let day = club.definition.calendar.parse_date(text)?;
    crate::time::start_of_day(day, zone)
}

/// The script defining `fn name(event, member)`.
fn bind(
    club: &ClubFile,
    scripts: Option<&[Script]>,
    name: &str,
    path: &[PathSegment],
    id: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let scripts = scripts?;
    let what = tr!("contest-what", id = id);
    super::binding::bind_function(club, scripts, name, path, &what, "event, member", problems)
        .map(|(script, _)| script)
}

/// The script defining an `eligible.function`, `fn name(member)`.
fn eligible(
    club: &ClubFile,
    scripts: Option<&[Script]>,
    segment: Option<&crate::club::Segment>,
    at: &[PathSegment],
    id: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let name = segment?.function.as_ref()?;
    let mut path = at.to_vec();
    path.push(Key("function"));
    let what = tr!("contest-what", id = id);
    super::binding::bind_function(club, scripts?, name, &path, &what, "member", problems)
        .map(|(script, _)| script)
}
