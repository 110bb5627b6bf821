//! One policy over a file of events: the scratch ledger, and what it adds up to.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::import::{import_events, ImportOptions, Rows};
use crate::ledger::{Ledger, LedgerError};
use crate::overview::Flow;
use crate::policy::Policy;

/// What a policy did with a file of events.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Simulation {
    pub club: String,
    /// What people call this scenario (the club folder simulated), beside its version.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    pub policy_version: String,
    pub events: u64,
    pub rejected: u64,
    /// Points rules (and deals) awarded, in all and by rule.
    pub issued: Decimal,
    pub issued_by_rule: BTreeMap<String, Decimal>,
    /// Points taken back by returns (and claw-backs).
    pub reversed: Decimal,
    pub spent: Decimal,
    pub expired: Decimal,
    /// Points members hold at the end.
    pub outstanding: Decimal,
    /// `outstanding` in the club's currency, when the club converts points to credit.
    pub liability: Option<Decimal>,
    pub currency: String,
    pub members_per_tier: BTreeMap<String, u64>,
    /// Points each deal gave (net of claw-backs).
    pub deal_points: BTreeMap<String, Decimal>,
    /// Points issued per month of the club's calendar (`1403-10`), for charts.
    pub issued_by_month: BTreeMap<String, Decimal>,
    /// Rules and campaigns that gave away more of the margin of the purchases they
    /// rewarded than `reports.max_giveaway` (issue 18).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub giveaways: Vec<crate::value::Giveaway>,
    /// Each member's balance and tier at the end (for comparisons).
    #[serde(skip)]
    pub members: BTreeMap<String, (Decimal, String)>,
    /// The club's tiers in their own order (lowest first), after `none`: how tables and
    /// charts list them.
    #[serde(skip)]
    pub tier_order: Vec<String>,
}

impl Simulation {
    /// Where `tier` stands in the club's order (a tier it does not know comes last).
    pub fn tier_rank(&self, tier: &str) -> usize {
        self.tier_order
            .iter()
            .position(|t| t == tier)
            .unwrap_or(self.tier_order.len())
    }

    /// The tiers of `members_per_tier`, in the club's order.
    pub fn tiers_in_order(&self) -> Vec<(&String, u64)> {
        let mut tiers: Vec<(&String, u64)> =
            self.members_per_tier.iter().map(|(t, n)| (t, *n)).collect();
        tiers.sort_by_key(|(tier, _)| self.tier_rank(tier));
        tiers
    }
}

/// A temporary ledger file, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

fn number(text: &str) -> Result<Decimal, LedgerError> {
    Decimal::from_str(text).map_err(|_| LedgerError::corrupt(format!("`{text}` is not a number")))
}

/// A members file for a simulation, and when it is taken to be read.
///
/// A profile with no `joined` column joins on the day of the member's first event, or on
/// the day the file is read if that comes first (as `bashgah import --members` does: it
/// reads the file now). So a simulation reads its members file at the *end* of what it
/// simulates — the command line passes `--to`, else the file's last event — and every
/// member joins on their first event's day, as an import of the same files today would
/// have it. Read at the start of time instead (until issue 14 found it), every member
/// joined in 1970 and collected fifty-five years of anniversaries.
pub struct MembersFile {
    pub rows: Rows,
    pub read_at: chrono::DateTime<chrono::Utc>,
}

/// Replays `rows` (after the member profiles in `members`, if any) under `policy` into a
/// scratch ledger and sums it up.
pub fn simulate(
    policy: &Policy,
    members: Option<MembersFile>,
    rows: Rows,
) -> Result<Simulation, LedgerError> {
    simulate_until(policy, members, rows, None)
}

/// [`simulate`] as of `until`: only the events up to then, and the clock run to then
/// (what fell due by that day — expiry, reviews, checkpoints — has happened).
pub fn simulate_until(
    policy: &Policy,
    members: Option<MembersFile>,
    rows: Rows,
    until: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Simulation, LedgerError> {
    let rows: Rows = match until {
        None => rows,
        Some(until) => {
            let (calendar, zone) = (policy.club.calendar, policy.zone);
            Box::new(rows.filter(move |row| {
                // A row whose date cannot be read is kept: the import rejects it, as always.
                let Ok(row) = row else { return true };
                let when = row
                    .label("date")
                    .and_then(|text| crate::time::parse_event_time(&text, calendar, zone).ok());
                when.is_none_or(|when| when <= until)
            }))
        }
    };
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let scratch = Scratch(std::env::temp_dir().join(format!(
        "bashgah-simulate-{}-{n}.sqlite",
        std::process::id()
    )));
    let _ = std::fs::remove_file(&scratch.0);
    let ledger = Ledger::open(&scratch.0)?;
    if let Some(members) = members {
        crate::import::import_members(&ledger, policy, members.rows, members.read_at)?;
    }
    let report = import_events(&ledger, policy, rows, ImportOptions::default())?;
    // Let the clock run to the last event (or to `until`), so that what fell due by then
    // has happened.
    if let Some(now) = until.or(ledger.now()?) {
        ledger.begin()?;
        crate::clock::advance(&ledger, policy, now)?;
        ledger.commit()?;
    }
    summarise(
        &ledger,
        policy,
        report.accepted,
        report.rejected + report.conflicts,
    )
}

/// Replays `events` (in their order; members' profiles from `members`, with no tier and no
/// points: everyone starts the period afresh) under `policy` into a scratch ledger, runs
/// the clock to `until`, and sums it up. The events are decided by the same recorder as an
/// import; `rejected` counts those the policy refused.
pub fn simulate_events(
    policy: &Policy,
    members: &[crate::member::MemberState],
    events: &[crate::event::Event],
    until: chrono::DateTime<chrono::Utc>,
) -> Result<Simulation, LedgerError> {
    let (scratch, accepted, rejected) = scratch_ledger(policy, members, events, until)?;
    summarise(&scratch, policy, accepted, rejected)
}

/// A scratch ledger in memory holding `events` decided by `policy` and the clock advanced
/// to `until`, with how many events were accepted and rejected.
pub fn scratch_ledger(
    policy: &Policy,
    members: &[crate::member::MemberState],
    events: &[crate::event::Event],
    until: chrono::DateTime<chrono::Utc>,
) -> Result<(Ledger, u64, u64), LedgerError> {
    let scratch = Ledger::open_in_memory()?;
    scratch.record_policy(policy)?;
    scratch.begin()?;
    // The recorder borrows the ledger; it is done before the ledger is handed back.
    let (accepted, rejected) = {
        let mut recorder = crate::recording::Recorder::new(&scratch, policy);
        let first = events.first().map_or(until, |e| e.time);
        for member in members {
            let mut profile = member.clone();
            profile.tier = None;
            recorder.profile(&profile, true, &[], "simulate", first)?;
        }
        let (mut accepted, mut rejected) = (0, 0);
        for event in events {
            match recorder.event(event, event.fingerprint())? {
                crate::recording::Disposition::Applied { .. } => accepted += 1,
                crate::recording::Disposition::Duplicate => {}
                _ => rejected += 1,
            }
        }
        recorder.finish()?;
        (accepted, rejected)
    };
    scratch.commit()?;
    scratch.begin()?;
    crate::clock::advance(&scratch, policy, until)?;
    scratch.commit()?;
    Ok((scratch, accepted, rejected))
}

/// What the scratch ledger holds, summed up.
fn summarise(
    ledger: &Ledger,
    policy: &Policy,
    accepted: u64,
    rejected: u64,
) -> Result<Simulation, LedgerError> {
    let mut sim = Simulation {
        club: policy.club.id.clone(),
        policy_version: policy.short_id().to_owned(),
        events: accepted,
        rejected,
        currency: policy.club.currency.clone(),
        tier_order: std::iter::once("none".to_owned())
            .chain(policy.club.tiers.iter().map(|t| t.id.clone()))
            .collect(),
        ..Simulation::default()
    };
    let calendar = policy.club.calendar;
    ledger.each_entry(|rule, kind, points, time| {
        let points = number(points)?;
        match Flow::of(kind, points) {
            Some(Flow::Issued) => {
                sim.issued += points;
                *sim.issued_by_rule.entry(rule.to_owned()).or_default() += points;
                if let Some(at) = crate::time::from_stored(time) {
                    let local = calendar.to_local(at.with_timezone(&policy.zone).date_naive());
                    *sim.issued_by_month
                        .entry(format!("{:04}-{:02}", local.year, local.month))
                        .or_default() += points;
                }
            }
            Some(Flow::Reversed) => sim.reversed -= points,
            Some(Flow::Expired) => sim.expired -= points,
            Some(Flow::Spent) => sim.spent -= points,
            None => {}
        }
        if let Some(deal) = rule.strip_prefix("deal:") {
            *sim.deal_points.entry(deal.to_owned()).or_default() += points;
        }
        Ok(())
    })?;
    for (id, balance, tier) in ledger.member_balances()? {
        sim.outstanding += balance;
        let tier = tier.unwrap_or_else(|| "none".into());
        if !policy.club.tiers.is_empty() {
            *sim.members_per_tier.entry(tier.clone()).or_default() += 1;
        }
        sim.members.insert(id, (balance, tier));
    }
    sim.giveaways = crate::value::giveaways(ledger, policy)?;
    sim.liability = policy
        .club
        .credit
        .as_ref()
        .map(|c| sim.outstanding * c.rate);
    Ok(sim)
}
