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
use serde::Deserialize;

use crate::club::{yaml_tree, PathSegment};
use crate::diagnostic::{Diagnostic, Location};

/// One test case, with where it is written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Given {
    /// The clock's time before the first step, in the club's calendar.
    #[serde(default)]
    pub clock: Option<String>,
    #[serde(default)]
    pub members: Vec<GivenMember>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// Something that happens: an event, the clock moving, a redemption, an adjustment. A
/// step may say it must fail, with `error:` (part of the expected message).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// An event as an import row: `{id, member, date, amount, type, ...}`.
    #[serde(default)]
    pub event: Option<BTreeMap<String, serde_json::Value>>,
    /// Move the clock to this date.
    #[serde(default)]
    pub advance: Option<String>,
    /// `{member, reward, date}`.
    #[serde(default)]
    pub redeem: Option<BTreeMap<String, String>>,
    /// `{member, points, reason, date}`.
    #[serde(default)]
    pub adjust: Option<BTreeMap<String, String>>,
    /// The step must fail with a message containing this.
    #[serde(default)]
    pub error: Option<String>,
    /// What must hold right after this step (the same keys as the case's `then`), so a
    /// timeline — a review, an expiry, a deal checkpoint — can be checked as it unfolds.
    #[serde(default)]
    pub then: Option<Expectations>,
}

/// What must hold after the steps.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    /// Points each event gave or took, by event id (the sum of its entries).
    #[serde(default)]
    pub points: BTreeMap<String, Decimal>,
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
            Err(problem) => problems.push(*problem),
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}

fn load_file(file: &Path) -> Result<Vec<Case>, Box<Diagnostic>> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| Diagnostic::error(format!("cannot read `{}`: {e}", file.display())))?;
    let tree = yaml_tree::parse(&source).map_err(|e| {
        Diagnostic::error(format!("invalid YAML: {}", e.message))
            .at(Location::new(file, e.line, e.column), Some(&source))
    })?;
    let mut cases: Vec<Case> = serde_yaml::from_str(&source).map_err(|e| {
        let text = e.to_string();
        let mut message = text.split(" at line ").next().unwrap_or(&text).to_owned();
        // serde names the case as `.[0]`; people count from 1.
        if let Some(rest) = message.strip_prefix(".[") {
            if let Some((index, tail)) = rest.split_once(']') {
                if let Ok(index) = index.parse::<usize>() {
                    message = format!("case {}{tail}", index + 1);
                }
            }
        }
        let diagnostic = Diagnostic::error(message)
            .with_help("a test file is a list of cases with `name`, `given`, `when` and `then`");
        Box::new(match e.location() {
            Some(at) => diagnostic.at(Location::new(file, at.line(), at.column()), Some(&source)),
            None => diagnostic.in_file(file),
        })
    })?;
    for (i, case) in cases.iter_mut().enumerate() {
        case.file = file.to_owned();
        case.line = tree
            .as_ref()
            .and_then(|t| t.find(&[PathSegment::Index(i)]))
            .map_or(0, |n| n.line);
    }
    Ok(cases)
}
