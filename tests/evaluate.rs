//! `evaluate` on its own: pure, deterministic, and its trace says what each rule did.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use bashgah::engine::{
    evaluate, Award, EntryKind, EvaluationInput, LotTerms, RuleStatus, RuleTrace,
};
use bashgah::event::{Event, EventType};
use bashgah::member::MemberState;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

fn at(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn club() -> (tempfile::TempDir, Policy) {
    let dir = crate::scratch();
    let club = dir.path().join("shop");
    std::fs::create_dir_all(&club).unwrap();
    std::fs::write(
        club.join("club.yaml"),
        "\
id: shop
name: Corner Shop
currency: EUR
points: {precision: 1, rounding: half_even, pending: 14d, expiry: {after: 12m, round_to: month}}
rules:
  - {id: base, function: base, description: 1 point per 7 EUR}
  - {id: on_time, function: on_time, events: [payment]}
  - {id: retired, function: base, enabled: false}
  - {id: weekend, function: weekend, expiry: {end_of: year}}
",
    )
    .unwrap();
    std::fs::write(
        club.join("earn.rhai"),
        "\
fn base(event, member) { event.amount / 7 }
fn on_time(event, member) { 10 }
fn weekend(event, member) { if event.weekday == \"sat\" { award(2, `weekend, balance was ${member.balance}`) } }
",
    )
    .unwrap();
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let (policy, warnings) = Policy::load(&club, &engine).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    (dir, policy)
}

#[test]
fn evaluation_is_pure_and_traced() {
    let (_dir, policy) = club();
    let event = Event {
        id: "E1".into(),
        member: "M1".into(),
        kind: EventType::Purchase,
        // A Saturday.
        time: Utc.with_ymd_and_hms(2025, 3, 1, 10, 0, 0).unwrap(),
        amount: d("100"),
        original: None,
        currency: None,
        channel: None,
        store: None,
        credit_used: None,
        items: Vec::new(),
        attributes: BTreeMap::new(),
        conversion: None,
    };
    let mut member = MemberState::new(
        "M1",
        "individual",
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
    );
    member.balance = d("12.5");
    let input = EvaluationInput {
        event: &event,
        member: &member,
        original: None,
    };
    let outcome = evaluate(&policy, input).unwrap();
    assert_eq!(
        outcome,
        evaluate(&policy, input).unwrap(),
        "same input, same outcome"
    );
    assert_eq!(outcome.policy_version, policy.id);
    let version = policy.id.clone();
    assert_eq!(
        outcome.awards,
        vec![
            // 100 / 7 = 14.2857... -> 14.3 at one decimal place.
            Award {
                rule: "base".into(),
                points: d("14.3"),
                reason: "1 point per 7 EUR".into(),
                policy_version: version.clone(),
                kind: EntryKind::Earn,
                // Spendable after 14 days; 12 months, to the end of the month: all of
                // February 2026, gone on 1 March.
                lot: Some(LotTerms {
                    pending_until: at(2025, 3, 15, 10),
                    expires_at: Some(at(2026, 3, 1, 0))
                }),
            },
            Award {
                rule: "weekend".into(),
                points: d("2"),
                reason: "weekend, balance was 12.5".into(),
                policy_version: version,
                kind: EntryKind::Earn,
                // The rule's own expiry: the end of the year of earning.
                lot: Some(LotTerms {
                    pending_until: at(2025, 3, 15, 10),
                    expires_at: Some(at(2026, 1, 1, 0))
                }),
            },
        ]
    );
    assert_eq!(
        outcome.trace,
        vec![
            RuleTrace {
                rule: 0,
                status: RuleStatus::Ran,
                raw_points: Some(d("100") / d("7")),
                points: d("14.3"),
                reads: Vec::new(),
            },
            RuleTrace {
                rule: 1,
                status: RuleStatus::NotForThisEventType,
                raw_points: None,
                points: d("0"),
                reads: Vec::new(),
            },
            RuleTrace {
                rule: 2,
                status: RuleStatus::Disabled,
                raw_points: None,
                points: d("0"),
                reads: Vec::new(),
            },
            RuleTrace {
                rule: 3,
                status: RuleStatus::Ran,
                raw_points: Some(d("2")),
                points: d("2"),
                reads: Vec::new(),
            },
        ]
    );
    assert_eq!(outcome.total_points(), d("16.3"));
}

#[test]
fn the_policy_id_changes_with_any_file_and_only_then() {
    let (dir, policy) = club();
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let club = dir.path().join("shop");
    assert_eq!(Policy::load(&club, &engine).unwrap().0.id, policy.id);
    let script = std::fs::read_to_string(club.join("earn.rhai")).unwrap();
    std::fs::write(club.join("earn.rhai"), script.replace("/ 7", "/ 8")).unwrap();
    assert_ne!(Policy::load(&club, &engine).unwrap().0.id, policy.id);
}
