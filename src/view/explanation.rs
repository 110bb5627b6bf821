//! Why an event the ledger holds earned what it did, for `bashgah explain <club> <event>`
//! and the HTTP API's `GET /v1/clubs/{club}/events/{event}/explanation` (and the console's
//! page of it): the event is evaluated again, traced, under the policy version that
//! evaluated it (rebuilt from the files the ledger keeps), against the member as they stood
//! just before it; the entries the ledger holds are set beside the result.
//!
//! The command prints [`Traced`] as text; the API answers it as an [`Explanation`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::decide::MemberBook;
use crate::diagnostic::Diagnostic;
use crate::engine::RuleStatus;
use crate::engine::{evaluate_traced, EvalError, EvaluationInput, OriginalRecord, Outcome};
use crate::event::{Event, EventType};
use crate::ledger::{Ledger, LedgerError};
use crate::member::MemberState;
use crate::policy::{Policy, ScriptEngine};
use crate::time::stored;

/// A folder a policy version was rebuilt in: removed when dropped.
pub struct RebuiltFiles(PathBuf);

impl Drop for RebuiltFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Why an earlier policy version could not be rebuilt.
#[derive(Debug)]
pub enum RebuildError {
    /// The ledger keeps no files for version `.0`.
    NoFiles(String),
    /// Its files no longer load (an engine change, say).
    Load(String, Vec<Diagnostic>),
    Io(std::io::Error),
    Ledger(LedgerError),
}

impl From<std::io::Error> for RebuildError {
    fn from(error: std::io::Error) -> RebuildError {
        RebuildError::Io(error)
    }
}

impl From<LedgerError> for RebuildError {
    fn from(error: LedgerError) -> RebuildError {
        RebuildError::Ledger(error)
    }
}

/// The policy version `version`, rebuilt from the files the ledger stored for it, in a
/// temporary folder of this process that goes when the returned guard is dropped (keep it
/// while the policy runs: plugins are read from it). Scripts run with `current`'s limits.
pub fn rebuild(
    ledger: &Ledger,
    current: &Policy,
    version: &str,
) -> Result<(Policy, RebuiltFiles), RebuildError> {
    let Some(files) = ledger.policy_files(version)? else {
        return Err(RebuildError::NoFiles(version.to_owned()));
    };
    // Unique per call: the server may rebuild the same version for two requests at once.
    let mut random = [0u8; 6];
    // Randomness fails only where the system has none; the process id then stands alone.
    let _ = getrandom::fill(&mut random);
    let root = std::env::temp_dir().join(format!(
        "bashgah-policy-{version}-{}-{}",
        std::process::id(),
        crate::hex::encode(&random)
    ));
    let dir = root.join(&current.club.id);
    std::fs::create_dir_all(&dir)?;
    let files_guard = RebuiltFiles(root);
    // The plugins the version imported were stored with it, as `plugins/...`: they go
    // beside the club, and the rebuilt policy imports them from there.
    let plugins = dir.with_file_name("plugins");
    for (name, text) in files {
        let path = match name.strip_prefix("plugins/") {
            Some(inner) => plugins.join(inner),
            None => dir.join(&name),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    let engine = Arc::new(ScriptEngine::new(
        current.engine.limits().clone(),
        plugins.is_dir().then_some(plugins.as_path()),
    ));
    load(&dir, &engine)
        .map(|policy| (policy, files_guard))
        .map_err(|problems| RebuildError::Load(version.to_owned(), problems))
}

fn load(dir: &Path, engine: &Arc<ScriptEngine>) -> Result<Policy, Vec<Diagnostic>> {
    Policy::load(dir, engine).map(|(policy, _)| policy)
}

/// A member the ledger has not seen, as the write path would create them.
pub fn new_member(policy: &Policy, event: &Event) -> MemberBook {
    let default_type = policy
        .club
        .member_types
        .first()
        .map_or("individual", |t| t.id.as_str());
    let joined = event.time.with_timezone(&policy.zone).date_naive();
    MemberBook::new(MemberState::new(&event.member, default_type, joined), false)
}

/// The member as they stood just before a stored event (balance, tier, deals, activity
/// over the windows before it).
pub fn member_then(
    ledger: &Ledger,
    policy: &Policy,
    event: &Event,
    book: Option<&MemberBook>,
) -> Result<MemberState, LedgerError> {
    let Some(book) = book else {
        return Ok(new_member(policy, event).state);
    };
    let mut member = book.state.clone();
    let before = MemberBook {
        events: book
            .events
            .iter()
            .take_while(|e| *e.id != *event.id)
            .cloned()
            .collect(),
        ..book.clone()
    };
    member.stats = before.window_stats(event.time).unwrap_or_default();
    member.balance = ledger.balance_before(&member.id, &event.id, &stored(event.time))?;
    let changes = ledger.tier_changes(&member.id)?;
    member.tier = changes
        .iter()
        .rev()
        .find(|c| c.time <= stored(event.time))
        .and_then(|c| c.to.clone());
    member
        .deals
        .retain(|d| d.enrolled_at <= event.time && d.ended_at.is_none_or(|end| end > event.time));
    Ok(member)
}

/// The purchase a return gives back, as it stood when the return arrived: a stored return
/// is itself among the returns of its original, so it is left out.
pub fn original_of(
    event: &Event,
    book: Option<&MemberBook>,
    stored_event: bool,
) -> Option<OriginalRecord> {
    let mut original = match (&event.kind, &event.original, book) {
        (EventType::Return, Some(original), Some(book)) => book.original(original).ok().flatten(),
        _ => None,
    };
    if let (Some(record), Some(book)) = (original.as_mut(), book.filter(|_| stored_event)) {
        record.returned_before -= event.amount;
        for share in book.returns.iter().filter(|s| s.return_event == event.id) {
            if let Some(reversed) = record.reversed_before.get_mut(&*share.rule) {
                *reversed -= share.points;
            }
        }
    }
    original
}

/// A stored event evaluated again: under `policy` (the version that evaluated it), for
/// `member` as they stood before it, beside what the ledger holds.
pub struct Traced {
    pub event: Event,
    pub policy: Policy,
    pub member: MemberState,
    pub result: Result<Outcome, EvalError>,
    /// The ledger's entries of the event: (rule, points, reason, kind).
    pub entries: Vec<(String, Decimal, String, String)>,
    /// Keeps an earlier version's files while its policy is in use.
    _files: Option<RebuiltFiles>,
}

/// Traces stored event `id` (`None`: the ledger has no such event).
pub fn trace_stored(
    ledger: &Ledger,
    current: &Policy,
    id: &str,
) -> Result<Option<Traced>, RebuildError> {
    let Some((event, version)) = ledger.stored_event(id)? else {
        return Ok(None);
    };
    let (policy, files) = if version == current.id {
        (current.clone(), None)
    } else {
        let (policy, files) = rebuild(ledger, current, &version)?;
        (policy, Some(files))
    };
    let entries = ledger.entries_of_event(id)?;
    let book = ledger.load_book(&event.member, crate::decide::BookNeeds::all())?;
    let member = member_then(ledger, &policy, &event, book.as_ref())?;
    let original = original_of(&event, book.as_ref(), true);
    let input = EvaluationInput {
        event: &event,
        member: &member,
        original: original.as_ref(),
    };
    let result = evaluate_traced(&policy, input);
    Ok(Some(Traced {
        event,
        policy,
        member,
        result,
        entries,
        _files: files,
    }))
}

/// Whether a club's rules make the entries of events of this kind (a purchase, a return, a
/// birthday...), as opposed to bashgah itself or a person (expiry, deals' checkpoints,
/// redemptions, conversions, cancellations, adjustments, transfers, contest prizes).
pub fn rules_write(kind: EventType) -> bool {
    !matches!(
        kind,
        EventType::Expiry
            | EventType::Deal
            | EventType::Redemption
            | EventType::Conversion
            | EventType::Cancellation
            | EventType::Adjustment
            | EventType::Transfer
            | EventType::Prize
    )
}

/// An event's explanation, as the API answers it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Explanation {
    pub event: String,
    /// `purchase`, `return`, `adjustment`...
    #[serde(rename = "type")]
    pub kind: String,
    pub member: String,
    /// When, in UTC.
    pub time: String,
    /// Its day in the club's calendar.
    pub time_local: String,
    pub amount: Decimal,
    /// For an event paid in a foreign currency: that currency, the amount as paid and the
    /// rate `amount` was converted at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid: Option<crate::event::Paid>,
    pub channel: Option<String>,
    pub store: Option<String>,
    pub attributes: std::collections::BTreeMap<String, String>,
    /// The policy version that evaluated the event, and the one active now.
    pub policy_version: String,
    pub current_version: String,
    /// The member as they stood just before the event.
    pub member_then: MemberThen,
    /// Every rule of the version, in order: what it did and what it read.
    pub rules: Vec<RuleLine>,
    /// How points are rounded: `floor`, `round`..., to this many places.
    pub rounding: String,
    pub precision: u32,
    /// The rules failed on the event (the script's message).
    pub error: Option<String>,
    /// Whether the club's rules make this kind of event's entries (not so for expiry,
    /// redemptions, changes by hand...).
    pub rules_write: bool,
    /// The entries the rules give now.
    pub rules_entries: Vec<ExplainedEntry>,
    /// The entries the ledger holds for the event.
    pub ledger_entries: Vec<ExplainedEntry>,
    /// Whether the rules give now what the ledger holds (for events the rules write).
    pub same: Option<bool>,
}

/// The member before an event.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct MemberThen {
    #[serde(rename = "type")]
    pub kind: String,
    pub tier: Option<String>,
    /// The tier's points multiplier, when not 1.
    pub multiplier: Option<Decimal>,
    pub balance: Decimal,
}

/// A rule's part in an event.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RuleLine {
    pub rule: String,
    pub function: String,
    /// `file:line` of the function.
    pub place: String,
    /// `ran`, `not_for_this_event_type`, `disabled` or `campaign_closed`.
    pub status: String,
    /// The points as the script returned them, before rounding (`null`: nothing).
    pub raw_points: Option<Decimal>,
    pub points: Decimal,
    /// The event and member fields it read.
    pub reads: Vec<String>,
}

/// An entry: its rule, points, reason, and (of the ledger's) kind.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ExplainedEntry {
    pub rule: String,
    pub points: Decimal,
    pub reason: String,
    pub kind: Option<String>,
}

impl Traced {
    /// The explanation as the API answers it; `current` is the version active now.
    pub fn explanation(&self, current: &Policy) -> Explanation {
        let policy = &self.policy;
        let event = &self.event;
        let tier = crate::engine::benefits::tier_of(policy, &self.member);
        let rules = match &self.result {
            Ok(outcome) => outcome
                .trace
                .iter()
                .filter_map(|trace| {
                    let definition = policy.club.rules.get(trace.rule)?;
                    let compiled = policy.rules.iter().find(|r| r.index == trace.rule);
                    Some(RuleLine {
                        rule: definition.id.clone(),
                        function: definition.function.clone(),
                        place: compiled.map_or(String::new(), |r| {
                            format!("{}:{}", policy.scripts[r.script].display_path, r.line)
                        }),
                        status: match trace.status {
                            RuleStatus::Ran => "ran",
                            RuleStatus::NotForThisEventType => "not_for_this_event_type",
                            RuleStatus::Disabled => "disabled",
                            RuleStatus::CampaignClosed => "campaign_closed",
                        }
                        .to_owned(),
                        raw_points: trace.raw_points,
                        points: trace.points,
                        reads: trace.reads.clone(),
                    })
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let rules_entries: Vec<ExplainedEntry> = self
            .result
            .as_ref()
            .map(|o| {
                o.awards
                    .iter()
                    .map(|a| ExplainedEntry {
                        rule: a.rule.clone(),
                        points: a.points,
                        reason: a.reason.clone(),
                        kind: None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let writes = rules_write(event.kind);
        let same = writes.then(|| {
            let now: Vec<(&str, Decimal)> = rules_entries
                .iter()
                .map(|e| (e.rule.as_str(), e.points))
                .collect();
            let then: Vec<(&str, Decimal)> = self
                .entries
                .iter()
                .filter(|(_, _, _, kind)| kind == "earn" || kind == "reverse")
                .map(|(rule, points, _, _)| (rule.as_str(), *points))
                .collect();
            self.result.is_ok() && now == then
        });
        Explanation {
            event: event.id.clone(),
            kind: event.kind.as_str().to_owned(),
            member: event.member.clone(),
            time: stored(event.time),
            time_local: policy.local_date(event.time),
            amount: event.amount,
            paid: event.paid(),
            channel: event.channel.clone(),
            store: event.store.clone(),
            attributes: event
                .attributes
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            policy_version: policy.id.clone(),
            current_version: current.id.clone(),
            member_then: MemberThen {
                kind: self.member.member_type.clone(),
                tier: tier.map(|t| t.id.clone()),
                multiplier: tier
                    .and_then(|t| t.multiplier)
                    .filter(|m| *m != Decimal::ONE),
                balance: self.member.balance,
            },
            rules,
            rounding: format!("{:?}", policy.club.points.rounding).to_lowercase(),
            precision: policy.club.points.precision,
            error: self.result.as_ref().err().map(ToString::to_string),
            rules_write: writes,
            rules_entries: if writes { rules_entries } else { Vec::new() },
            ledger_entries: self
                .entries
                .iter()
                .map(|(rule, points, reason, kind)| ExplainedEntry {
                    rule: rule.clone(),
                    points: *points,
                    reason: reason.clone(),
                    kind: Some(kind.clone()),
                })
                .collect(),
            same,
        }
    }
}
