//! The loaded policy snapshot and its parts.

use std::path::PathBuf;
use std::sync::Arc;

use chrono_tz::Tz;

pub use super::script::Script;
use super::ScriptEngine;
use crate::club::ClubDefinition;

/// A source file the policy was built from, kept verbatim for the `policy_versions` table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PolicyFile {
    /// Path relative to the club folder, with `/` separators.
    pub name: String,
    pub text: String,
}

/// A rule bound to the script function that implements it.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    /// Index into `ClubDefinition::rules`.
    pub index: usize,
    /// Index into [`Policy::scripts`].
    pub script: usize,
    /// 1-based line of `fn <function>(` in that script, for traces.
    pub line: usize,
}

/// An immutable, checked club policy ready for evaluation.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Hex SHA-256 of the files below (names and contents).
    pub id: String,
    pub club: ClubDefinition,
    pub dir: PathBuf,
    pub zone: Tz,
    pub files: Vec<PolicyFile>,
    pub scripts: Vec<Script>,
    pub rules: Vec<CompiledRule>,
    /// The script holding `tiering.function`, when the tier metric is a function.
    pub tier_function: Option<usize>,
    /// For each deal, the script holding its `target` function.
    pub deal_targets: Vec<usize>,
    /// Whether any script reads `member.stats`; if not, the ledger skips computing them.
    pub uses_member_stats: bool,
    /// Each campaign's window and segment function, in `club.campaigns` order.
    pub campaigns: Vec<CompiledCampaign>,
    /// Each leaderboard's and draw's window and scripts.
    pub contests: super::contests::CompiledContests,
    /// The script holding `reports.segment`.
    pub segment_function: Option<usize>,
    /// The declared rates of foreign currencies (`currencies:` and its rate file).
    pub rates: crate::club::currencies::Rates,
    /// For each group kind, in `club.groups` order, the script holding its `function`
    /// (`earn: function`).
    pub group_functions: Vec<Option<usize>>,
    /// What `settings("<plugin>")` returns, per plugin (shared: cloning it is cheap).
    pub plugin_settings: rhai::Dynamic,
    pub engine: Arc<ScriptEngine>,
}

/// A campaign's dates as instants, and its segment function.
#[derive(Debug, Clone)]
pub struct CompiledCampaign {
    /// The public start (the first day's start, club time).
    pub start: chrono::DateTime<chrono::Utc>,
    /// The end: the start of the day after `to`.
    pub end: chrono::DateTime<chrono::Utc>,
    /// The start for early-access members (`start` when none).
    pub early_start: chrono::DateTime<chrono::Utc>,
    /// The script holding `segment.function`.
    pub segment_script: Option<usize>,
}

impl Policy {
    /// Calls `function`, defined in script number `script`, with `args`: the one place
    /// bashgah runs a club's Rhai. Every caller — earning rules, campaign segments, deal
    /// targets, the tier function, report segments — gets the same options (the script's
    /// top level runs first, so its `import`s resolve; plugin settings travel as the call's
    /// tag) and the same limits (operations, depth, sizes, and the wall-time limit). A
    /// function simple enough runs without the interpreter, to the same value
    /// ([`super::native`]); whatever it does not decide itself, Rhai does.
    pub fn call(
        &self,
        script: usize,
        function: &str,
        args: impl rhai::FuncArgs,
    ) -> Result<rhai::Dynamic, Box<rhai::EvalAltResult>> {
        let mut values: Vec<rhai::Dynamic> = Vec::new();
        args.parse(&mut values);
        // A spent budget stops every call at its first operation: Rhai says so.
        let native = self.scripts.get(script).map(|s| &s.native);
        let native = native.filter(|_| !super::script_engine::budget_spent());
        if let Some(value) = native.and_then(|n| n.call(function, &values)) {
            return Ok(value);
        }
        self.call_in_rhai(script, function, values)
    }

    /// Calls `function` as [`Policy::call`] does, always through Rhai's interpreter: the
    /// reference the functions run without it are compared with.
    pub(crate) fn call_in_rhai(
        &self,
        script: usize,
        function: &str,
        values: Vec<rhai::Dynamic>,
    ) -> Result<rhai::Dynamic, Box<rhai::EvalAltResult>> {
        let Some(script) = self.scripts.get(script) else {
            return Err(Box::new(rhai::EvalAltResult::ErrorFunctionNotFound(
                function.to_owned(),
                rhai::Position::NONE,
            )));
        };
        self.engine.timed(|engine| {
            engine.call_fn_with_options::<rhai::Dynamic>(
                rhai::CallFnOptions::new()
                    .eval_ast(true)
                    .rewind_scope(false)
                    .with_tag(self.plugin_settings.clone()),
                &mut rhai::Scope::new(),
                &script.ast,
                function,
                values,
            )
        })
    }

    /// Whether some rule runs for birthdays or anniversaries, or the club has a message for
    /// them (otherwise the clock does not write them).
    pub fn greets(&self) -> bool {
        use crate::event::EventType;
        let templates = self.club.messages.as_ref().map(|m| &m.templates);
        templates.is_some_and(|t| t.birthday.is_some() || t.anniversary.is_some())
            || self.club.rules.iter().any(|r| {
                r.enabled
                    && r.events
                        .iter()
                        .any(|e| matches!(e, EventType::Birthday | EventType::Anniversary))
            })
    }

    /// Whether the club tells members who stopped buying (a message or a rule for it).
    pub fn watches_inactivity(&self) -> bool {
        let listens = |kind| {
            self.club
                .rules
                .iter()
                .any(|r| r.enabled && r.events.contains(&kind))
        };
        self.club.messages.as_ref().is_some_and(|m| {
            m.inactive_after.is_some()
                && (m.templates.inactive.is_some() || listens(crate::event::EventType::Inactive))
        })
    }

    /// Whether any points can expire (club-wide or per rule), so that the clock has work.
    pub fn has_expiry(&self) -> bool {
        self.club.points.expiry.is_some() || self.club.rules.iter().any(|r| r.expiry.is_some())
    }

    /// The campaign a rule belongs to, if any.
    pub fn campaign_of(&self, rule: &str) -> Option<usize> {
        self.club
            .campaigns
            .iter()
            .position(|c| c.rules.iter().any(|r| r == rule))
    }

    /// The day of `at` as the club writes dates: its calendar, its timezone.
    pub fn local_date(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        self.club
            .calendar
            .format(at.with_timezone(&self.zone).date_naive())
    }

    /// The instant `span` before `at` on the club's calendar (months as the club counts
    /// them), at the same time of day in the club's time zone; the earliest instant there
    /// is when that is before anything the calendars count.
    pub fn span_before(
        &self,
        span: crate::club::Span,
        at: chrono::DateTime<chrono::Utc>,
    ) -> chrono::DateTime<chrono::Utc> {
        use chrono::TimeZone;
        let local = at.with_timezone(&self.zone);
        let day = span.before(local.date_naive(), self.club.calendar);
        self.zone
            .from_local_datetime(&day.and_time(local.time()))
            .earliest()
            .map_or(chrono::DateTime::<chrono::Utc>::MIN_UTC, |t| {
                t.with_timezone(&chrono::Utc)
            })
    }

    /// The first 12 hex digits of the id: enough to tell versions apart on screen.
    pub fn short_id(&self) -> &str {
        &self.id[..12.min(self.id.len())]
    }
}
