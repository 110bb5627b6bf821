//! The value parts of `bashgah report` (issue 18) against a count made here, from the
//! events the test feeds (`tests/fixtures/value/events.jsonl`) and the club's declared
//! terms, not from the ledger: the liability per tier, tier movement, a campaign's cost,
//! revenue and holdout, partner settlement per month net of returns, and profitability.
//! `--at` a past day gives that day's figures; CSV is checked exactly; the holdout and the
//! whole report are the same however the events arrive, and in PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rust_decimal::Decimal;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn d(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

/// An event of the fixture, read here with serde_json (not bashgah's reader).
struct Fed {
    id: String,
    member: String,
    date: String,
    amount: Decimal,
    is_return: bool,
    original: Option<String>,
    partner: Option<String>,
    margin: Decimal,
}

/// The club's terms: 1 point per 10 EUR (`base`), 1 more in February (`promo`, 50%
/// held out), a point worth 0.5 EUR, margins 60% on coffee and 20% on the rest.
fn fed() -> Vec<Fed> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/value/events.jsonl"),
    )
    .expect("events");
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("json");
            let amount = d(&v["amount"].to_string());
            let margin = match v["items"].as_array() {
                None => amount * d("0.2"),
                Some(items) => items
                    .iter()
                    .map(|item| {
                        if let Some(m) = item.get("margin") {
                            return d(&m.to_string());
                        }
                        let line = d(&item["qty"].to_string()) * d(&item["price"].to_string());
                        if item["category"] == "coffee" {
                            line * d("0.6")
                        } else {
                            line * d("0.2")
                        }
                    })
                    .sum(),
            };
            Fed {
                id: v["id"].as_str().unwrap().to_owned(),
                member: v["member"].as_str().unwrap().to_owned(),
                date: v["date"].as_str().unwrap().to_owned(),
                amount,
                is_return: v["type"] == "return",
                original: v["original"].as_str().map(str::to_owned),
                partner: v["partner"].as_str().map(str::to_owned),
                margin,
            }
        })
        .collect()
}

/// The documented holdout rule, written again: SHA-256 of campaign, a zero byte, member;
/// the first eight bytes as a number, modulo 10,000, below the share in hundredths of a %.
fn held_out(member: &str) -> bool {
    let mut hash = Sha256::new();
    hash.update(b"promo\0");
    hash.update(member.as_bytes());
    let digest = hash.finalize();
    let draw = u64::from_be_bytes(digest[..8].try_into().unwrap()) % 10_000;
    draw < 5_000
}

fn in_promo(date: &str) -> bool {
    ("2025-02-01"..="2025-02-28").contains(&date)
}

/// A settlement line: purchases, amount, returns, returned, points.
type Settled = (usize, Decimal, usize, Decimal, Decimal);

/// What the report must say as at the end of day `until` (an ISO date), counted here.
struct Expected {
    balances: BTreeMap<String, Decimal>,
    given: BTreeMap<String, Decimal>,
    tiers: BTreeMap<String, &'static str>,
    /// month -> (entered, up, down)
    movement: BTreeMap<String, (usize, usize, usize)>,
    promo_points: Decimal,
    rewarded_events: BTreeSet<String>,
    rewarded: BTreeSet<String>,
    held: BTreeSet<String>,
    net: BTreeMap<String, Decimal>,
    /// (month, partner) -> (purchases, amount, returns, returned, points)
    settlement: BTreeMap<(String, String), Settled>,
    margin: BTreeMap<String, Decimal>,
}

impl Expected {
    /// How many members hold `tier`, and the points they hold.
    fn tier(&self, tier: &str) -> (usize, Decimal) {
        let members: Vec<&String> = self
            .tiers
            .iter()
            .filter(|(_, t)| **t == tier)
            .map(|(m, _)| m)
            .collect();
        let held = members.iter().map(|m| self.balances[*m]).sum();
        (members.len(), held)
    }
}

fn expected(until: &str) -> Expected {
    let events: Vec<Fed> = fed()
        .into_iter()
        .filter(|e| e.date.as_str() <= until)
        .collect();
    let mut e = Expected {
        balances: BTreeMap::new(),
        given: BTreeMap::new(),
        tiers: BTreeMap::new(),
        movement: BTreeMap::new(),
        promo_points: Decimal::ZERO,
        rewarded_events: BTreeSet::new(),
        rewarded: BTreeSet::new(),
        held: BTreeSet::new(),
        net: BTreeMap::new(),
        settlement: BTreeMap::new(),
        margin: BTreeMap::new(),
    };
    // (base, promo) each purchase earned; spend for tiers.
    let mut awards: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    let mut spend: BTreeMap<String, Decimal> = BTreeMap::new();
    let by_id: BTreeMap<&str, &Fed> = events.iter().map(|e| (e.id.as_str(), e)).collect();
    for ev in &events {
        let month = ev.date[..7].to_owned();
        let (points, partner, margin) = if ev.is_return {
            let original = by_id[ev.original.as_deref().unwrap()];
            let (base, promo) = awards[&original.id];
            // Each rule's award back in the share returned, towards zero.
            let back = |p: Decimal| (p * ev.amount / original.amount).trunc();
            *e.net.get_mut(&original.id).unwrap() -= ev.amount;
            let margin = (original.margin * ev.amount / original.amount).trunc_with_scale(2);
            (
                -(back(base) + back(promo)),
                original.partner.clone(),
                -margin,
            )
        } else {
            let base = (ev.amount / d("10")).floor();
            let would = in_promo(&ev.date) && base > Decimal::ZERO;
            let promo = if would && !held_out(&ev.member) {
                base
            } else {
                Decimal::ZERO
            };
            if would && held_out(&ev.member) {
                e.held.insert(ev.member.clone());
            }
            if promo > Decimal::ZERO {
                e.promo_points += promo;
                e.rewarded_events.insert(ev.id.clone());
                e.rewarded.insert(ev.member.clone());
            }
            awards.insert(ev.id.clone(), (base, promo));
            e.net.insert(ev.id.clone(), ev.amount);
            // Tiers: bronze from the first purchase, silver from 300 EUR spent.
            let before = spend.get(&ev.member).copied();
            let after = before.unwrap_or_default() + ev.amount;
            spend.insert(ev.member.clone(), after);
            let tier = |s: Decimal| if s >= d("300") { 1 } else { 0 };
            match before {
                None => e.movement.entry(month.clone()).or_default().0 += 1,
                Some(b) if tier(after) > tier(b) => {
                    e.movement.entry(month.clone()).or_default().1 += 1
                }
                _ => {}
            }
            e.tiers.insert(
                ev.member.clone(),
                if tier(after) == 1 { "silver" } else { "bronze" },
            );
            (base + promo, ev.partner.clone(), ev.margin)
        };
        *e.balances.entry(ev.member.clone()).or_default() += points;
        *e.given.entry(ev.member.clone()).or_default() += points;
        *e.margin.entry(ev.member.clone()).or_default() += margin;
        if let Some(partner) = partner {
            let line = e.settlement.entry((month, partner)).or_default();
            if ev.is_return {
                line.2 += 1;
                line.3 += ev.amount;
            } else {
                line.0 += 1;
                line.1 += ev.amount;
            }
            line.4 += points;
        }
    }
    e
}

fn workspace() -> tempfile::TempDir {
    let dir = crate::scratch();
    let club = dir.path().join("policies/val");
    std::fs::create_dir_all(&club).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/value");
    for name in ["club.yaml", "rules.rhai"] {
        std::fs::copy(fixture.join(name), club.join(name)).unwrap();
    }
    std::fs::copy(
        fixture.join("events.jsonl"),
        dir.path().join("events.jsonl"),
    )
    .unwrap();
    dir
}

fn run(dir: &Path, database: &[&str], args: &[&str]) -> String {
    let output = crate::bashgah_command()
        .args(database)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn report(dir: &Path, database: &[&str], at: &str) -> Value {
    let text = run(dir, database, &["report", "val", "--at", at, "--json"]);
    serde_json::from_str::<Value>(&text).expect("json")["value"].clone()
}

fn dec(v: &Value) -> Decimal {
    d(v.as_str()
        .unwrap_or_else(|| panic!("{v} is not a decimal string")))
}

fn per_member(total: Decimal, n: usize) -> Decimal {
    (total / Decimal::from(n)).round_dp(2)
}

/// The report's value parts as at `at` (ISO date, end of day `until`) against the count.
fn check(value: &Value, until: &str) {
    let e = expected(until);
    let half = d("0.5");
    // Liability, per tier.
    let total: Decimal = e.balances.values().sum();
    assert_eq!(dec(&value["liability"]["points"]), total);
    assert_eq!(dec(&value["liability"]["money"]), total * half);
    assert_eq!(value["liability"]["members"], e.balances.len());
    for tier in ["bronze", "silver"] {
        let (members, held) = e.tier(tier);
        let line = value["liability"]["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["tier"] == tier);
        if members == 0 {
            assert!(line.is_none(), "{tier}: {line:?}");
            continue;
        }
        let line = line.unwrap_or_else(|| panic!("no {tier} in {value}"));
        assert_eq!(line["members"], members, "{tier}");
        assert_eq!(dec(&line["points"]), held, "{tier}");
        assert_eq!(dec(&line["money"]), held * half, "{tier}");
    }
    // Tier movement per month.
    let movement: Vec<(String, (usize, usize, usize))> = value["tier_movement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_owned(),
                (
                    m["entered"].as_u64().unwrap() as usize,
                    m["upgrades"].as_u64().unwrap() as usize,
                    m["downgrades"].as_u64().unwrap() as usize,
                ),
            )
        })
        .collect();
    assert_eq!(movement, e.movement.into_iter().collect::<Vec<_>>());
    // The campaign: cost, revenue of what it rewarded, holdout and lift.
    let c = &value["campaigns"][0];
    assert_eq!(dec(&c["points"]), e.promo_points);
    assert_eq!(dec(&c["money"]), e.promo_points * half);
    assert_eq!(c["purchases"], e.rewarded_events.len());
    let revenue: Decimal = e.rewarded_events.iter().map(|id| e.net[id]).sum();
    assert_eq!(dec(&c["revenue"]), revenue);
    assert_eq!(c["rewarded_members"], e.rewarded.len());
    assert_eq!(c["holdout_members"], e.held.len());
    let feb: Vec<Fed> = fed()
        .into_iter()
        .filter(|f| !f.is_return && in_promo(&f.date) && f.date.as_str() <= until)
        .collect();
    let bought = |group: &BTreeSet<String>| -> Decimal {
        feb.iter()
            .filter(|f| group.contains(&f.member))
            .map(|f| e.net[&f.id])
            .sum()
    };
    let treated =
        (!e.rewarded.is_empty()).then(|| per_member(bought(&e.rewarded), e.rewarded.len()));
    let control = (!e.held.is_empty()).then(|| per_member(bought(&e.held), e.held.len()));
    assert_eq!(c["rewarded_revenue_per_member"].as_str().map(d), treated);
    assert_eq!(c["holdout_revenue_per_member"].as_str().map(d), control);
    let lift = match (treated, control) {
        (Some(t), Some(h)) if !h.is_zero() => Some(((t / h - Decimal::ONE) * d("100")).round_dp(2)),
        _ => None,
    };
    assert_eq!(c["lift_percent"].as_str().map(d), lift);
    // Settlement per month and partner, returns in their month.
    let settlement: Vec<((String, String), Settled)> = value["settlement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                (
                    s["month"].as_str().unwrap().to_owned(),
                    s["partner"].as_str().unwrap().to_owned(),
                ),
                (
                    s["purchases"].as_u64().unwrap() as usize,
                    dec(&s["amount"]),
                    s["returns"].as_u64().unwrap() as usize,
                    dec(&s["returned"]),
                    dec(&s["points"]),
                ),
            )
        })
        .collect();
    assert_eq!(settlement, e.settlement.into_iter().collect::<Vec<_>>());
    // Profitability per member: margin less the worth of the points given.
    let members = value["profitability"]["members"].as_array().unwrap();
    assert_eq!(members.len(), e.margin.len());
    for m in members {
        let id = m["member"].as_str().unwrap();
        let worth = e.given[id] * half;
        assert_eq!(dec(&m["margin"]), e.margin[id], "{id}");
        assert_eq!(dec(&m["worth"]), worth, "{id}");
        assert_eq!(dec(&m["net"]), e.margin[id] - worth, "{id}");
    }
    let loss = e
        .margin
        .iter()
        .filter(|(id, m)| **m < e.given[*id] * half)
        .count();
    assert_eq!(value["profitability"]["segments"][0]["segment"], "loss");
    assert_eq!(value["profitability"]["segments"][0]["members"], loss);
}

fn imported(database: &[&str]) -> tempfile::TempDir {
    let dir = workspace();
    run(dir.path(), database, &["import", "val", "events.jsonl"]);
    dir
}

#[test]
fn the_value_report_matches_a_count_of_the_events_now_and_in_the_past() {
    let dir = imported(&[]);
    check(&report(dir.path(), &[], "2025-03-31"), "2025-03-31");
    // As at the end of January: only January's purchases, before any campaign or return.
    check(&report(dir.path(), &[], "2025-02-01"), "2025-01-31");
    // Mid-February (the day's purchases at midnight included): no returns yet.
    check(&report(dir.path(), &[], "2025-02-09"), "2025-02-09");
    // The test is not vacuous: the fixture has a held-out member and a rewarded one.
    let e = expected("2025-03-31");
    assert!(!e.held.is_empty() && !e.rewarded.is_empty());
}

#[test]
fn the_value_report_as_csv_is_exact() {
    let dir = imported(&[]);
    let e = expected("2025-03-31");
    let mut settlement =
        String::from("month,partner,purchases,amount,returns,returned,points,money\n");
    for ((month, partner), (p, a, r, ra, pts)) in &e.settlement {
        settlement.push_str(&format!(
            "{month},{partner},{p},{a},{r},{ra},{pts},{}\n",
            (pts * d("0.5")).normalize()
        ));
    }
    assert_eq!(
        run(
            dir.path(),
            &[],
            &["report", "val", "--at", "2025-03-31", "--csv", "settlement"]
        ),
        settlement
    );
    let mut liability = String::from("tier,members,points,money\n");
    for tier in ["bronze", "silver"] {
        let (members, held) = e.tier(tier);
        liability.push_str(&format!(
            "{tier},{members},{held},{}\n",
            (held * d("0.5")).normalize()
        ));
    }
    assert_eq!(
        run(
            dir.path(),
            &[],
            &["report", "val", "--at", "2025-03-31", "--csv", "liability"]
        ),
        liability
    );
}

#[test]
fn the_holdout_and_the_report_are_the_same_however_the_events_arrive() {
    let whole = imported(&[]);
    let expected = report(whole.path(), &[], "2025-03-31");
    // One event per transaction, and the file split in two imports.
    let one_by_one = workspace();
    run(
        one_by_one.path(),
        &[],
        &["import", "val", "events.jsonl", "--batch-size", "1"],
    );
    assert_eq!(report(one_by_one.path(), &[], "2025-03-31"), expected);
    let split = workspace();
    let text = std::fs::read_to_string(split.path().join("events.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(split.path().join("a.jsonl"), lines[..5].join("\n") + "\n").unwrap();
    std::fs::write(split.path().join("b.jsonl"), lines[5..].join("\n") + "\n").unwrap();
    run(split.path(), &[], &["import", "val", "a.jsonl"]);
    run(split.path(), &[], &["import", "val", "b.jsonl"]);
    assert_eq!(report(split.path(), &[], "2025-03-31"), expected);
    // The ledger records each held-out member once, at their first February purchase.
    let db = rusqlite::Connection::open(split.path().join("data/val.sqlite")).unwrap();
    let mut rows: Vec<(String, String)> = db
        .prepare(
            "SELECT member, event FROM campaign_holdouts WHERE campaign = 'promo' ORDER BY member",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.sort();
    let first_in_feb: Vec<(String, String)> = {
        let mut seen = BTreeMap::new();
        for f in fed()
            .iter()
            .filter(|f| !f.is_return && in_promo(&f.date) && held_out(&f.member))
        {
            seen.entry(f.member.clone()).or_insert(f.id.clone());
        }
        seen.into_iter().collect()
    };
    assert_eq!(rows, first_in_feb);
}

#[test]
fn the_value_report_is_the_same_from_postgresql() {
    let Some(database) = crate::pg::PgDatabase::fresh("value") else {
        return;
    };
    let flag = ["--database", database.url.as_str()];
    let dir = imported(&flag);
    let value = report(dir.path(), &flag, "2025-03-31");
    check(&value, "2025-03-31");
    check(&report(dir.path(), &flag, "2025-02-01"), "2025-01-31");
    let sqlite = imported(&[]);
    assert_eq!(value, report(sqlite.path(), &[], "2025-03-31"));
}

#[test]
fn simulate_flags_a_campaign_giving_away_more_than_the_declared_share_of_margin() {
    let dir = workspace();
    let club = dir.path().join("policies/val/club.yaml");
    let text = std::fs::read_to_string(&club).unwrap();
    std::fs::write(&club, format!("{text}  max_giveaway: 20%\n")).unwrap();
    let output = crate::bashgah_command()
        .args(["simulate", "val", "--events", "events.jsonl"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Counted here: what `promo` gave (worth 0.5 EUR a point) against the margin of the
    // purchases it rewarded. `base` gives as much per purchase, but over every purchase,
    // where the coffee's 60% and a 150 EUR line's margin keep it below 20%.
    let e = expected("9999-12-31");
    let margins: BTreeMap<String, Decimal> = fed().into_iter().map(|f| (f.id, f.margin)).collect();
    let worth = e.promo_points * d("0.5");
    let margin: Decimal = e.rewarded_events.iter().map(|id| margins[id]).sum();
    let percent = (worth / margin * d("100")).round_dp(2).normalize();
    assert!(percent > d("20"), "{percent}");
    for kind in ["campaign", "rule"] {
        let line = format!(
            "warning: policies/val: {kind} `promo` gives away {percent}% of the margin of the purchases it rewards ({} EUR of {} EUR), more than `reports.max_giveaway` (20%)",
            worth.normalize(),
            margin.normalize()
        );
        assert!(stderr.contains(&line), "{line}\nnot in\n{stderr}");
    }
    assert!(!stderr.contains("rule `base`"), "{stderr}");
}

#[test]
fn check_flags_a_rule_giving_away_more_than_the_declared_share_on_the_clubs_tests() {
    let dir = workspace();
    let club = dir.path().join("policies/val");
    let text = std::fs::read_to_string(club.join("club.yaml")).unwrap();
    std::fs::write(
        club.join("club.yaml"),
        format!("{text}  max_giveaway: 20%\n"),
    )
    .unwrap();
    std::fs::create_dir_all(club.join("tests")).unwrap();
    // A purchase of 100 EUR in March (no campaign): `base` gives 10 points, worth 5 EUR,
    // against a margin of 20% of 100 EUR: 25% of it, more than 20%. A coffee line (60%
    // margin) in another case brings the sum to 10 EUR of 80 EUR: 12.5%, under the limit.
    std::fs::write(
        club.join("tests/base.yaml"),
        "- name: a point per 10 EUR\n  when:\n    - event: {id: P1, member: M1, date: 2025-03-06, amount: 100}\n  then:\n    points: {P1: 10}\n",
    )
    .unwrap();
    let check = |dir: &Path| {
        let output = crate::bashgah_command()
            .args(["check", "val"])
            .current_dir(dir)
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0), "a warning, not a failure");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let stderr = check(dir.path());
    assert!(
        stderr.starts_with("warning: rule `base` gives away 25% of the margin of the purchases it rewards in the club's tests (5 EUR of 20 EUR), more than `max_giveaway` (20%)\n  --> policies/val/club.yaml:19:3\n"),
        "{stderr}"
    );
    std::fs::write(
        club.join("tests/coffee.yaml"),
        "- name: coffee\n  when:\n    - event: {id: P1, member: M1, date: 2025-03-06, amount: 100, items: [{sku: c, category: coffee, qty: 1, price: 100}]}\n  then:\n    points: {P1: 10}\n",
    )
    .unwrap();
    assert_eq!(check(dir.path()), "");
}
