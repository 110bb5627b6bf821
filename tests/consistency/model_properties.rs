//! The engine against the reference model (`model.rs`) on random histories.

use std::collections::BTreeMap;

use bashgah::ledger::Ledger;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rust_decimal::Decimal;

use crate::consistency::calendar::{Cal, Period};
use crate::consistency::clubs::temp_club;
use crate::consistency::deliver::{deliver, Mode};
use crate::consistency::history::{realize, rfc3339, spec, Features, History, Spec};
use crate::consistency::model::{
    Downgrade, Expiry, MemberOutcome, Model, ModelClub, Outcome, Quirks, Window,
};
use crate::consistency::properties::{guarded, runner_config};

/// The model club's rule.
const RHAI: &str = "fn base(event, member) { event.amount / 10 }\n";

fn model_club(tiers: bool, expiry: bool) -> impl Strategy<Value = ModelClub> {
    let expiry = if expiry {
        prop::sample::select(vec![
            Some(Expiry::Months(12)),
            Some(Expiry::Months(6)),
            Some(Expiry::Months(1)),
            Some(Expiry::Days(90)),
            Some(Expiry::Days(30)),
        ])
        .boxed()
    } else {
        Just(None).boxed()
    };
    (
        prop::sample::select(vec![Cal::Gregorian, Cal::Jalali]),
        prop::sample::select(vec![
            Window::CalendarYear,
            Window::Rolling(12),
            Window::Rolling(3),
            Window::Lifetime,
        ]),
        prop::sample::select(vec![Period::Month, Period::Quarter, Period::Year]),
        prop::sample::select(vec![
            Downgrade::Recompute,
            Downgrade::OneStep,
            Downgrade::KeepNextPeriod,
        ]),
        any::<bool>(),
        expiry,
        any::<bool>(),
    )
        .prop_map(
            move |(cal, window, review, downgrade, upgrade_earns_new, expiry, negative_balance)| {
                ModelClub {
                    cal,
                    tiers,
                    window,
                    review,
                    downgrade,
                    upgrade_earns_new,
                    expiry,
                    negative_balance,
                }
            },
        )
}

fn features(redemptions: bool) -> Features {
    Features {
        returns: true,
        redemptions,
        advances: true,
        enrol_deal: None,
        late_events: false,
    }
}

/// What the engine's ledger holds, in the model's terms.
fn engine_outcome(ledger: &Ledger, members: &[String]) -> Outcome {
    let mut points: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for member in members {
        let mut expiries: BTreeMap<String, Decimal> = BTreeMap::new();
        for line in ledger.statement(member).expect("statement") {
            if line.event_type == "expiry" {
                *expiries.entry(line.time.clone()).or_default() -= line.points;
            } else {
                *points.entry(line.event.clone()).or_default() += line.points;
            }
        }
        let changes = ledger.tier_changes(member).expect("tier changes");
        let summary = ledger
            .member_summary(member)
            .expect("summary")
            .expect("the member exists");
        let far = chrono::DateTime::parse_from_rfc3339("2100-01-01T00:00:00Z")
            .expect("a time")
            .to_utc();
        out.insert(
            member.clone(),
            MemberOutcome {
                balance: summary.balance,
                debt: ledger.balances(member, far).expect("balances").debt,
                tier: changes.last().and_then(|c| c.to.clone()),
                tier_changes: changes
                    .iter()
                    .map(|c| (c.time.clone(), c.from.clone(), c.to.clone()))
                    .collect(),
                expiries: expiries.into_iter().collect(),
                open_lots: ledger
                    .open_lots(member)
                    .expect("lots")
                    .iter()
                    .map(|l| {
                        (
                            l.event.clone(),
                            l.points,
                            l.remaining,
                            l.expires_at.map(rfc3339),
                        )
                    })
                    .collect(),
            },
        );
    }
    points.retain(|_, p| !p.is_zero());
    Outcome {
        points,
        members: out,
    }
}

/// Where two outcomes differ, one line each.
fn differences(model: &Outcome, engine: &Outcome) -> Vec<String> {
    let mut out = Vec::new();
    let ids: std::collections::BTreeSet<&String> =
        model.points.keys().chain(engine.points.keys()).collect();
    for id in ids {
        let (m, e) = (model.points.get(id), engine.points.get(id));
        if m != e {
            out.push(format!("points of {id}: model {m:?}, engine {e:?}"));
        }
    }
    for (member, m) in &model.members {
        let default = MemberOutcome::default();
        let e = engine.members.get(member).unwrap_or(&default);
        let mut field = |name: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{member} {name}:\n    model  {a}\n    engine {b}"));
            }
        };
        field("balance", m.balance.to_string(), e.balance.to_string());
        field("debt", m.debt.to_string(), e.debt.to_string());
        field("tier", format!("{:?}", m.tier), format!("{:?}", e.tier));
        field(
            "tier changes",
            format!("{:?}", m.tier_changes),
            format!("{:?}", e.tier_changes),
        );
        field(
            "expiries",
            format!("{:?}", m.expiries),
            format!("{:?}", e.expiries),
        );
        field(
            "open lots",
            format!("{:?}", m.open_lots),
            format!("{:?}", e.open_lots),
        );
    }
    out
}

/// Delivers `spec` to the engine in `mode` and compares with the model.
fn agrees(club: ModelClub, spec: &Spec, mode: &Mode) -> Result<(), TestCaseError> {
    let folder = temp_club("model", &club.yaml("model"), RHAI);
    let history: History = realize(spec);
    let expected = Model::run(club, Quirks::from_env(), &history);
    let (actual, log) = guarded(
        &club.yaml("model"),
        &history,
        &format!("{mode:?} to the model club"),
        || {
            let ledger = Ledger::open_in_memory().expect("ledger");
            let log = deliver(&ledger, &folder.policy, &history, mode);
            (engine_outcome(&ledger, &history.members), log)
        },
    )?;
    let diffs = differences(&expected, &actual);
    if diffs.is_empty() {
        return Ok(());
    }
    Err(TestCaseError::fail(format!(
        "the engine ({mode:?}) disagrees with the model\nclub:\n{}history:\n{}{}\n(log: {log:?})",
        club.yaml("model"),
        history.describe(),
        diffs.join("\n")
    )))
}

proptest! {
    #![proptest_config(runner_config(256))]

    /// Tiers by window, reviews and every downgrade policy, with returns (no expiry, no
    /// spending), one event per transaction.
    #[test]
    fn the_model_agrees_on_tiers(
        club in model_club(true, false),
        spec in spec(features(false), 4..40),
    ) {
        agrees(club, &spec, &Mode::Batches(Some(1)))?;
    }

    /// Expiry, returns (partial, full, after expiry), redemptions and debt or a negative
    /// balance, without tiers, one event per transaction.
    #[test]
    fn the_model_agrees_on_points(
        club in model_club(false, true),
        spec in spec(features(true), 4..40),
    ) {
        agrees(club, &spec, &Mode::Batches(Some(1)))?;
    }

    /// Everything together, imported as a user would: each run of rows as one file.
    #[test]
    fn the_model_agrees_on_whole_histories(
        club in model_club(true, true),
        spec in spec(features(true), 4..48),
    ) {
        agrees(club, &spec, &Mode::Batches(None))?;
    }
}
