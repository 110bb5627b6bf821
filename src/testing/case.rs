//! The shape of a policy test file, and reading it with positions.
//!
//! ```yaml
//! - name: a purchase in the birthday month earns double
//!   given:
//!     members: [{id: M1, birthday: 1370-10-02}]
//!   when:
//!     - event: {id: P1, member: M1, date: 1403-10-03, amount: 185000}
//!   then:
//!     points: {P1: 36}
//!     balance: {M1: 36}
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::yaml::{self, FileKind, PathSegment};

/// What a test file is, for the messages about the whole file.
const TEST_FILE: FileKind = FileKind {
    empty: "the test file is empty",
    help: "a test file is a list of cases with `name`, `given`, `when` and `then`",
    strict: false,
};

// Unknown keys are refused through the schema (`schemars(deny_unknown_fields)`), which
// finds all of them with suggestions; serde then reads past them so that the problems
// after the first are found too.

/// One test case, with where it is written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    #[serde(default)]
    pub given: Given,
    #[serde(default)]
    pub when: Vec<Step>,
    #[serde(default)]
    pub then: Expectations,
    #[serde(skip)]
    pub file: PathBuf,
    #[serde(skip)]
    pub line: usize,
}

/// The starting point: members and the clock.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Given {
    /// The clock's time before the first step, in the club's calendar.
    #[serde(default)]
    pub clock: Option<String>,
    #[serde(default)]
    pub members: Vec<GivenMember>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct GivenMember {
    pub id: String,
    #[serde(default, rename = "type")]
    pub member_type: Option<String>,
    #[serde(default)]
    pub birthday: Option<String>,
    #[serde(default)]
    pub joined: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub tier: Option<String>,
    /// Points to start with (an adjustment before the first step).
    #[serde(default)]
    pub balance: Option<Decimal>,
}

/// Something that happens: an event, the clock moving, a redemption, an adjustment —
/// exactly one of them (the schema's `oneOf`: a step with both `event` and `advance` used
/// to run the event and drop the advance without a word). A step may say it must fail,
/// with `error:` (part of the expected message).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(
    deny_unknown_fields,
    extend("oneOf" = [
        {"required": ["event"]},
        {"required": ["advance"]},
        {"required": ["redeem"]},
        {"required": ["adjust"]}
    ])
)]
pub struct Step {
    /// An event as an import row: `{id, member, date, amount, type, ...}`.
    #[serde(default)]
    pub event: Option<BTreeMap<String, serde_json::Value>>,
    /// Move the clock to this date.
    #[serde(default)]
    pub advance: Option<String>,
    /// Redeem a reward: `{member, reward, date}`.
    #[serde(default)]
    pub redeem: Option<Redeem>,
    /// Adjust a balance by hand: `{member, points, reason, date}`.
    #[serde(default)]
    pub adjust: Option<Adjust>,
    /// The step must fail with a message containing this.
    #[serde(default)]
    pub error: Option<String>,
    /// What must hold right after this step (the same keys as the case's `then`), so a
    /// timeline — a review, an expiry, a deal checkpoint — can be checked as it unfolds.
    #[serde(default)]
    pub then: Option<Expectations>,
}

/// A redemption step.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Redeem {
    pub member: String,
    pub reward: String,
    /// Redeem from this group's pool (the member's role must allow it), not the member's
    /// own points.
    #[serde(default)]
    pub group: Option<String>,
    /// When, in the club's calendar; the clock's time if not given.
    #[serde(default)]
    pub date: Option<String>,
}

/// An adjustment step.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Adjust {
    pub member: String,
    /// Points to add (or, negative, to take).
    pub points: Decimal,
    #[serde(default)]
    pub reason: Option<String>,
    /// When, in the club's calendar; the clock's time if not given.
    #[serde(default)]
    pub date: Option<String>,
}

/// What must hold after the steps.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Expectations {
    /// Points each event gave or took, by event id (the sum of its entries).
    #[serde(default)]
    pub points: BTreeMap<String, Decimal>,
    /// The reasons each event's entries give, in order, by event id: what the member
    /// reads in their statement (`{P1: ["1 star per 10,000 IRR"]}`), so a rule's wording
    /// is tested with its arithmetic.
    #[serde(default)]
    pub reasons: BTreeMap<String, Vec<String>>,
    /// Each member's balance.
    #[serde(default)]
    pub balance: BTreeMap<String, Decimal>,
    /// Each member's tier (the one whose benefits they have).
    #[serde(default)]
    pub tier: BTreeMap<String, String>,
    /// Each member's state in each deal: `{M1: {monthly: completed}}`.
    #[serde(default)]
    pub deal: BTreeMap<String, BTreeMap<String, String>>,
    /// The messages each member was given, by kind and in order: `{M1: [expiring_soon]}`.
    #[serde(default)]
    pub messages: BTreeMap<String, Vec<String>>,
    /// Who won each contest's prizes, in prize order (every window decided, latest
    /// first): `{regulars: [M2, M1, M3]}`.
    #[serde(default)]
    pub winners: BTreeMap<String, Vec<String>>,
}

/// The cases of every `tests/*.yaml` of the club in `dir`, or the problems reading them.
pub fn load_cases(dir: &Path) -> Result<Vec<Case>, Vec<Diagnostic>> {
    let tests = dir.join("tests");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&tests) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect(),
        Err(_) => return Ok(Vec::new()),
    };
    files.sort();
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match load_file(&file) {
            Ok(more) => cases.extend(more),
            Err(more) => problems.extend(more),
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}

/// The cases of one file, or every problem in it.
fn load_file(file: &Path) -> Result<Vec<Case>, Vec<Diagnostic>> {
    let source = std::fs::read_to_string(file).map_err(|e| {
        vec![Diagnostic::error(crate::tr!(
            "cannot-read-file",
            file = file.display().to_string(),
            reason = e.to_string()
        ))]
    })?;
    let loaded = yaml::load::<Vec<Case>>(file, &source, TEST_FILE).empty_said(
        TEST_FILE,
        crate::tr!("test-file-empty"),
        crate::tr!("test-file-empty-help"),
    );
    let failed = loaded.has_errors();
    let (Some(mut cases), Some(tree), false) = (loaded.value, loaded.tree, failed) else {
        return Err(loaded.problems);
    };
    for (i, case) in cases.iter_mut().enumerate() {
        case.file = file.to_owned();
        case.line = tree.find(&[PathSegment::Index(i)]).map_or(0, |n| n.line);
    }
    Ok(cases)
}
