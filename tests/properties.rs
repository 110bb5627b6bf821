//! Property tests: random sequences of purchases, returns, spends, grants, transfers and
//! clock advances, checked after every step against the ledger's accounting rules, then
//! replayed into a fresh ledger, which must come out identical.

use std::sync::Arc;

use bashgah::club::WhenSpent;
use bashgah::import::{import_events, read_rows, FileFormat, ImportOptions, EVENT_COLUMNS};
use bashgah::ledger::Ledger;
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

const MEMBERS: [&str; 3] = ["M0", "M1", "M2"];

#[derive(Debug, Clone)]
enum Op {
    Purchase {
        member: usize,
        amount: u32,
    },
    /// Return `percent` of what is left of the `nth` purchase so far.
    Return {
        nth: usize,
        percent: u32,
    },
    Spend {
        member: usize,
        points: u32,
    },
    Grant {
        member: usize,
        points: u32,
    },
    Transfer {
        from: usize,
        to: usize,
        points: u32,
    },
    /// Redeem reward `nth` of the catalogue (one has a stock of 2).
    Redeem {
        member: usize,
        nth: usize,
    },
    /// Cancel the `nth` redemption tried so far.
    Cancel {
        nth: usize,
    },
    Convert {
        member: usize,
        points: u32,
    },
    Advance {
        days: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 1..2_000u32).prop_map(|(member, amount)| Op::Purchase { member, amount }),
        2 => (0..40usize, 1..=100u32).prop_map(|(nth, percent)| Op::Return { nth, percent }),
        2 => (0..3usize, 1..80u32).prop_map(|(member, points)| Op::Spend { member, points }),
        1 => (0..3usize, 1..50u32).prop_map(|(member, points)| Op::Grant { member, points }),
        1 => (0..3usize, 0..3usize, 1..60u32).prop_map(|(from, to, points)| Op::Transfer { from, to, points }),
        2 => (0..3usize, 0..2usize).prop_map(|(member, nth)| Op::Redeem { member, nth }),
        1 => (0..3usize, 1..60u32).prop_map(|(member, points)| Op::Convert { member, points }),
        1 => (0..10usize).prop_map(|nth| Op::Cancel { nth }),
        2 => (0..90u32).prop_map(|days| Op::Advance { days }),
    ]
}

fn club(when_spent: WhenSpent) -> (tempfile::TempDir, Policy) {
    let dir = crate::scratch();
    let club = dir.path().join("shop");
    std::fs::create_dir_all(&club).unwrap();
    let when = match when_spent {
        WhenSpent::Debt => "debt",
        WhenSpent::NegativeBalance => "negative_balance",
    };
    std::fs::write(
        club.join("club.yaml"),
        format!(
            "id: shop\nname: Shop\ncurrency: EUR\npoints:\n  pending: 3d\n  transfers: true\n  when_spent: {when}\n  \
             expiry: {{after: 2m, inactivity: 4m, warn_before: 10d}}\nrules:\n  - {{id: base, function: base}}\n\
             rewards:\n  - {{id: cup, cost: 7, kind: gift}}\n  - {{id: code, cost: 15, kind: discount_code, stock: 2}}\n\
             credit: {{rate: 100, minimum: 10}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        club.join("earn.rhai"),
        "fn base(event, member) { event.amount / 10 }\n",
    )
    .unwrap();
    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let policy = Policy::load(&club, &engine).unwrap().0;
    (dir, policy)
}

/// Plays `ops` into `ledger`, checking the invariants after each step.
fn play(ledger: &Ledger, policy: &Policy, ops: &[Op]) {
    let mut now: DateTime<Utc> = Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap();
    // (id, member, amount, returned so far)
    let mut purchases: Vec<(String, usize, Decimal, Decimal)> = Vec::new();
    let mut redemptions: Vec<(String, usize)> = Vec::new();
    for (step, op) in ops.iter().enumerate() {
        now += Duration::hours(7);
        let import = |csv: String| {
            let text = format!("id,member,date,amount,type,original\n{csv}");
            let rows = read_rows(
                std::io::Cursor::new(text.into_bytes()),
                FileFormat::Csv,
                "ops.csv",
                &EVENT_COLUMNS,
            )
            .unwrap();
            import_events(ledger, policy, rows, ImportOptions::default()).unwrap()
        };
        let at = bashgah::time::stored(now);
        match op {
            Op::Purchase { member, amount } => {
                let id = format!("P{step}");
                let report = import(format!(
                    "{id},{},{at},{amount},purchase,\n",
                    MEMBERS[*member]
                ));
                assert_eq!(report.accepted, 1, "{:?}", report.problems);
                purchases.push((id, *member, Decimal::from(*amount), Decimal::ZERO));
            }
            Op::Return { nth, percent } => {
                let Some((id, member, amount, returned)) = purchases.get_mut(*nth) else {
                    continue;
                };
                let left = *amount - *returned;
                let give_back = (left * Decimal::from(*percent) / Decimal::from(100)).round_dp(2);
                if give_back <= Decimal::ZERO {
                    continue;
                }
                let report = import(format!(
                    "R{step},{},{at},{give_back},return,{id}\n",
                    MEMBERS[*member]
                ));
                assert_eq!(report.accepted, 1, "{:?}", report.problems);
                *returned += give_back;
            }
            Op::Spend { member, points } | Op::Grant { member, points } => {
                if ledger.member_summary(MEMBERS[*member]).unwrap().is_none() {
                    continue;
                }
                let points = match op {
                    Op::Spend { .. } => -Decimal::from(*points),
                    _ => Decimal::from(*points),
                };
                ledger.begin().unwrap();
                match ledger.adjust(
                    policy,
                    &format!("A{step}"),
                    MEMBERS[*member],
                    points,
                    "property",
                    now,
                ) {
                    Ok(_) => ledger.commit().unwrap(),
                    // Refused for lack of points: nothing may have changed.
                    Err(_) => ledger.rollback().unwrap(),
                }
            }
            Op::Transfer { from, to, points } => {
                let (from, to) = (MEMBERS[*from], MEMBERS[*to]);
                if ledger.member_summary(from).unwrap().is_none()
                    || ledger.member_summary(to).unwrap().is_none()
                {
                    continue;
                }
                ledger.begin().unwrap();
                match ledger.transfer(
                    policy,
                    &format!("T{step}"),
                    from,
                    to,
                    Decimal::from(*points),
                    "",
                    now,
                ) {
                    Ok(_) => ledger.commit().unwrap(),
                    Err(_) => ledger.rollback().unwrap(),
                }
            }
            Op::Redeem { member, nth } => {
                if ledger.member_summary(MEMBERS[*member]).unwrap().is_none() {
                    continue;
                }
                let reward = ["cup", "code"][*nth];
                ledger.begin().unwrap();
                match ledger.redeem(policy, &format!("X{step}"), MEMBERS[*member], reward, now) {
                    Ok(_) => ledger.commit().unwrap(),
                    Err(_) => ledger.rollback().unwrap(),
                }
                redemptions.push((format!("X{step}"), *member));
            }
            Op::Cancel { nth } => {
                let Some((redemption, member)) = redemptions.get(*nth) else {
                    continue;
                };
                ledger.begin().unwrap();
                match ledger.cancel_redemption(
                    policy,
                    &format!("K{step}"),
                    MEMBERS[*member],
                    redemption,
                    "property",
                    now,
                ) {
                    Ok(_) => ledger.commit().unwrap(),
                    // Never redeemed, or cancelled already: nothing may have changed.
                    Err(_) => ledger.rollback().unwrap(),
                }
            }
            Op::Convert { member, points } => {
                if ledger.member_summary(MEMBERS[*member]).unwrap().is_none() {
                    continue;
                }
                ledger.begin().unwrap();
                match ledger.convert(
                    policy,
                    &format!("C{step}"),
                    MEMBERS[*member],
                    Decimal::from(*points),
                    now,
                ) {
                    Ok(_) => ledger.commit().unwrap(),
                    Err(_) => ledger.rollback().unwrap(),
                }
            }
            Op::Advance { days } => {
                now += Duration::days(i64::from(*days));
                ledger.begin().unwrap();
                bashgah::clock::advance(ledger, policy, now).unwrap();
                ledger.commit().unwrap();
            }
        }
        check(ledger, policy, now);
    }
}

fn check(ledger: &Ledger, policy: &Policy, now: DateTime<Utc>) {
    for member in MEMBERS {
        let Some(summary) = ledger.member_summary(member).unwrap() else {
            continue;
        };
        let balance = summary.balance;
        assert_eq!(
            balance,
            ledger.sum_of_entries(member).unwrap(),
            "{member}: balance is the sum of the ledger"
        );
        let lots: Decimal = ledger
            .open_lots(member)
            .unwrap()
            .iter()
            .map(|l| l.remaining)
            .sum();
        let b = ledger.balances(member, now).unwrap();
        assert!(
            b.available >= Decimal::ZERO && b.pending >= Decimal::ZERO && b.debt >= Decimal::ZERO
        );
        match policy.club.points.when_spent {
            WhenSpent::Debt => {
                assert_eq!(balance, lots, "{member}: balance is what is left in lots");
                assert!(balance >= Decimal::ZERO, "{member}: no negative balance");
            }
            WhenSpent::NegativeBalance => assert_eq!(balance, lots - b.debt),
        }
        // Lots due to expire but not yet expired do not count as available or pending.
        assert!(b.available + b.pending <= lots);
        assert!(
            summary.credit >= Decimal::ZERO,
            "{member}: credit cannot go below zero"
        );
    }
    assert!(
        ledger.redemptions_of("code", None).unwrap() <= 2,
        "the stock of `code` is 2"
    );
    let totals = ledger.lot_totals().unwrap();
    let used: Decimal = totals.used.iter().map(|(_, p)| *p).sum();
    assert_eq!(
        totals.awarded,
        totals.remaining + used,
        "every point awarded is left or used: {totals:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_ledger_always_adds_up_and_replays_identically(
        ops in prop::collection::vec(op(), 1..40),
        negative in any::<bool>(),
    ) {
        let when_spent = if negative { WhenSpent::NegativeBalance } else { WhenSpent::Debt };
        let (_dir, policy) = club(when_spent);
        let first = Ledger::open_in_memory().unwrap();
        play(&first, &policy, &ops);
        let replay = Ledger::open_in_memory().unwrap();
        play(&replay, &policy, &ops);
        prop_assert_eq!(first.dump().unwrap(), replay.dump().unwrap());
    }
}

/// A purchase of `cents` / 100 dollars at `rate` (ten-thousandths), returned in parts
/// (`parts`, in cents, the last one what is left): the stored amount, each return's and
/// the member's balance after it all, with `rounding` declared.
fn foreign_purchase_returned(
    cents: u64,
    rate: u64,
    parts: &[u64],
    rounding: &str,
) -> Result<(), TestCaseError> {
    use bashgah::event::Conversion;
    let dir = crate::scratch();
    let rate = Decimal::new(rate as i64, 4);
    let club_yaml = crate::currencies::CLUB_YAML
        .replace("rate: 820000}", &format!("rate: {rate}}}"))
        .replace("rounding: half_up", &format!("rounding: {rounding}"));
    let policy = crate::currencies::club(dir.path(), &club_yaml, crate::currencies::RATES_CSV)
        .map_err(TestCaseError::fail)?;
    let paid = Decimal::new(cents as i64, 2);
    let mut csv = format!(
        "id,member,date,amount,type,original,currency\nP1,M1,2025-01-05 10:00,{paid},,,USD\n"
    );
    let mut left = cents;
    let mut returns = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let part = (*part).min(left);
        if part == 0 {
            continue;
        }
        left -= part;
        returns.push(format!("R{i}"));
        csv.push_str(&format!(
            "R{i},M1,2025-01-{:02} 10:00,{},return,P1,USD\n",
            6 + i,
            Decimal::new(part as i64, 2)
        ));
    }
    if left > 0 {
        returns.push("RL".into());
        csv.push_str(&format!(
            "RL,M1,2025-01-20 10:00,{},return,P1,USD\n",
            Decimal::new(left as i64, 2)
        ));
    }
    let ledger = Ledger::open_in_memory().unwrap();
    let rows = read_rows(
        std::io::Cursor::new(csv.into_bytes()),
        FileFormat::Csv,
        "p.csv",
        &EVENT_COLUMNS,
    )
    .unwrap();
    let report = import_events(&ledger, &policy, rows, ImportOptions::default()).unwrap();
    prop_assert_eq!(report.rejected, 0, "{:?}", report.problems);

    // The conversion, worked out here on its own: paid × rate, rounded to whole Rials.
    let strategy = match rounding {
        "floor" => rust_decimal::RoundingStrategy::ToNegativeInfinity,
        "ceil" => rust_decimal::RoundingStrategy::ToPositiveInfinity,
        _ => rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    };
    let expected = (paid * rate).round_dp_with_strategy(0, strategy);
    let stored = ledger.stored_event("P1").unwrap().unwrap().0;
    prop_assert_eq!(stored.amount, expected);
    prop_assert_eq!(
        stored.conversion,
        Some(Conversion {
            original_amount: paid,
            rate
        })
    );
    let mut given_back = Decimal::ZERO;
    for id in &returns {
        let event = ledger.stored_event(id).unwrap().unwrap().0;
        prop_assert_eq!(event.conversion.map(|c| c.rate), Some(rate));
        given_back += event.amount;
    }
    // Everything returned converts to exactly what the purchase did, and the points it
    // earned are all taken back.
    prop_assert_eq!(given_back, expected);
    prop_assert_eq!(ledger.sum_of_entries("M1").unwrap(), Decimal::ZERO);
    let summary = ledger.member_summary("M1").unwrap().unwrap();
    prop_assert_eq!(summary.balance, Decimal::ZERO);
    // Lifetime spend counts the purchase, in Rials.
    prop_assert_eq!(summary.spend_total, expected);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_foreign_purchase_converts_exactly_and_a_full_return_leaves_nothing(
        cents in 1u64..1_000_000_000,
        rate in 1u64..100_000_000_000,
        parts in prop::collection::vec(0u64..500_000_000, 0..4),
        rounding in prop::sample::select(vec!["half_up", "floor", "ceil"]),
    ) {
        foreign_purchase_returned(cents, rate, &parts, rounding)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The value report's liability (issue 18) at any instant of a random history is the
    /// sum of every member's entries up to then, each point worth `credit.rate` (100), and
    /// its tiers add up to it.
    #[test]
    fn the_liability_is_every_balance_up_to_then_times_a_points_worth(
        ops in prop::collection::vec(op(), 1..30),
        pick in 0..1_000usize,
    ) {
        let (_dir, policy) = club(WhenSpent::Debt);
        let ledger = Ledger::open_in_memory().unwrap();
        play(&ledger, &policy, &ops);
        let lines: Vec<(String, bashgah::ledger::StatementLine)> = MEMBERS
            .iter()
            .flat_map(|m| {
                ledger
                    .statement(m)
                    .unwrap()
                    .into_iter()
                    .map(move |line| (m.to_string(), line))
            })
            .collect();
        let mut times: Vec<String> = lines.iter().map(|(_, l)| l.time.clone()).collect();
        times.sort();
        times.dedup();
        let mut instants: Vec<DateTime<Utc>> = times
            .iter()
            .filter_map(|t| bashgah::time::from_stored(t))
            .collect();
        instants.push(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap());
        let at = instants[pick % instants.len()];
        let until = bashgah::time::stored(at);
        let expected: Decimal = lines
            .iter()
            .filter(|(_, l)| l.time <= until)
            .map(|(_, l)| l.points)
            .sum();
        let value = bashgah::value::build(&ledger, &policy, at).unwrap();
        prop_assert_eq!(value.liability.points, expected);
        prop_assert_eq!(value.liability.money, Some(expected * Decimal::from(100)));
        let by_tier: Decimal = value.liability.tiers.iter().map(|t| t.points).sum();
        prop_assert_eq!(by_tier, expected);
        let members: usize = value.liability.tiers.iter().map(|t| t.members).sum();
        prop_assert_eq!(members, value.liability.members);
    }
}
