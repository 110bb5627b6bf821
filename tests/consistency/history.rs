//! Random programme histories: a few members over a few years, as a list of steps
//! (event rows, clock advances, redemptions) that every delivery mode replays in the same
//! order — only the batching and the transport differ.
//!
//! Strategies generate *operations* with loose parameters (which purchase to return, how
//! much of what is left); [`realize`] turns them into valid steps, so that shrinking an
//! operation away never leaves a return of a purchase that is not there.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// What kind of row an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Purchase,
    Return,
    Enroll,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Purchase => "purchase",
            Kind::Return => "return",
            Kind::Enroll => "enroll",
        }
    }
}

/// One event row, the same whether it travels in a CSV file or as JSON over HTTP.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub member: String,
    pub time: DateTime<Utc>,
    pub kind: Kind,
    pub amount: Decimal,
    pub original: Option<String>,
    pub deal: Option<String>,
}

pub const CSV_HEADER: &str = "id,member,date,amount,type,original,deal\n";

/// An instant as event rows carry it: RFC 3339 in UTC.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Row {
    pub fn csv(&self) -> String {
        let amount = if self.kind == Kind::Enroll {
            String::new()
        } else {
            self.amount.to_string()
        };
        format!(
            "{},{},{},{},{},{},{}\n",
            self.id,
            self.member,
            rfc3339(self.time),
            amount,
            self.kind.as_str(),
            self.original.as_deref().unwrap_or(""),
            self.deal.as_deref().unwrap_or("")
        )
    }

    pub fn json(&self) -> String {
        let mut object = serde_json::json!({
            "id": self.id,
            "member": self.member,
            "date": rfc3339(self.time),
            "type": self.kind.as_str(),
        });
        if self.kind != Kind::Enroll {
            object["amount"] = self.amount.to_string().into();
        } else {
            object["amount"] = "".into();
        }
        if let Some(original) = &self.original {
            object["original"] = original.clone().into();
        }
        if let Some(deal) = &self.deal {
            object["attributes"] = serde_json::json!({ "deal": deal });
        }
        object.to_string()
    }
}

/// Something that happens to the ledger.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Event(Row),
    /// The clock moves (every member's reviews, expiry, deal checkpoints).
    Advance(DateTime<Utc>),
    /// A member spends points on a reward (refused if they have too few: nothing changes).
    Redeem {
        id: String,
        member: String,
        reward: String,
        at: DateTime<Utc>,
    },
}

/// The rewards every test club offers, by cost.
pub const REWARDS: [(&str, u32); 3] = [("small", 5), ("medium", 25), ("large", 100)];

/// A realized history.
#[derive(Debug, Clone)]
pub struct History {
    pub steps: Vec<Step>,
    pub members: Vec<String>,
    /// The latest instant of any step.
    pub end: DateTime<Utc>,
}

impl History {
    pub fn rows(&self) -> Vec<&Row> {
        self.steps
            .iter()
            .filter_map(|s| match s {
                Step::Event(row) => Some(row),
                _ => None,
            })
            .collect()
    }

    /// The history written as a reader would: one line per step.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            match step {
                Step::Event(row) => out.push_str(&format!(
                    "  {} {} {} {} {}{}{}\n",
                    rfc3339(row.time),
                    row.id,
                    row.member,
                    row.kind.as_str(),
                    row.amount,
                    row.original
                        .as_deref()
                        .map(|o| format!(" of {o}"))
                        .unwrap_or_default(),
                    row.deal
                        .as_deref()
                        .map(|d| format!(" deal {d}"))
                        .unwrap_or_default(),
                )),
                Step::Advance(t) => out.push_str(&format!("  {} advance\n", rfc3339(*t))),
                Step::Redeem {
                    id,
                    member,
                    reward,
                    at,
                } => out.push_str(&format!(
                    "  {} {id} {member} redeems {reward}\n",
                    rfc3339(*at)
                )),
            }
        }
        out
    }
}

/// How far the next step is from the one before.
#[derive(Debug, Clone, Copy)]
pub enum Gap {
    Minutes(u32),
    /// Whole days and a few hours.
    Days(u32, u32),
    /// About `n` months (30 days each) and a few hours.
    Months(u32, u32),
    /// The next midnight in Tehran (20:30 UTC) plus this many minutes (−5..=5).
    TehranMidnight(i32),
    /// The next 19/20/21 March (day 19 + first) at 20:30 UTC plus minutes: around
    /// Nowruz, the Jalali new year.
    Nowruz(u32, i32),
    /// The next 31 December at 23:00 UTC plus minutes: Berlin's new year in winter.
    NewYear(i32),
}

fn gap() -> impl Strategy<Value = Gap> {
    prop_oneof![
        3 => (1..600u32).prop_map(Gap::Minutes),
        4 => (1..45u32, 0..24u32).prop_map(|(d, h)| Gap::Days(d, h)),
        2 => (1..5u32, 0..24u32).prop_map(|(m, h)| Gap::Months(m, h)),
        2 => (-5..=5i32).prop_map(Gap::TehranMidnight),
        1 => (0..3u32, -5..=5i32).prop_map(|(d, m)| Gap::Nowruz(d, m)),
        1 => (-5..=5i32).prop_map(Gap::NewYear),
    ]
}

/// The instant after `now` that `gap` names; always at least a minute later.
fn apply(now: DateTime<Utc>, gap: Gap) -> DateTime<Utc> {
    let at_least = now + Duration::minutes(1);
    let next_at = |first: DateTime<Utc>, step: &dyn Fn(DateTime<Utc>) -> DateTime<Utc>| {
        let mut t = first;
        while t < at_least {
            t = step(t);
        }
        t
    };
    let utc =
        |d: NaiveDate, h: u32, m: u32| Utc.from_utc_datetime(&d.and_hms_opt(h, m, 0).unwrap());
    match gap {
        Gap::Minutes(m) => now + Duration::minutes(i64::from(m)),
        Gap::Days(d, h) => now + Duration::days(i64::from(d)) + Duration::hours(i64::from(h)),
        Gap::Months(m, h) => {
            now + Duration::days(30 * i64::from(m)) + Duration::hours(i64::from(h))
        }
        Gap::TehranMidnight(minutes) => {
            let first = utc(now.date_naive(), 20, 30) + Duration::minutes(i64::from(minutes));
            next_at(first - Duration::days(1), &|t| t + Duration::days(1))
        }
        Gap::Nowruz(day, minutes) => {
            let at = |year: i32| {
                utc(NaiveDate::from_ymd_opt(year, 3, 19 + day).unwrap(), 20, 30)
                    + Duration::minutes(i64::from(minutes))
            };
            let mut year = now.year();
            while at(year) < at_least {
                year += 1;
            }
            at(year)
        }
        Gap::NewYear(minutes) => {
            let at = |year: i32| {
                utc(NaiveDate::from_ymd_opt(year, 12, 31).unwrap(), 23, 0)
                    + Duration::minutes(i64::from(minutes))
            };
            let mut year = now.year();
            while at(year) < at_least {
                year += 1;
            }
            at(year)
        }
    }
}

/// A return's `percent` meaning a third of the purchase: shares such as 1/3 have no
/// finite decimal, which is where rounding the share first goes wrong.
pub const THIRD: u32 = 333;

/// One loosely specified operation.
#[derive(Debug, Clone)]
pub enum Op {
    Purchase {
        member: usize,
        /// In cents.
        cents: u32,
        gap: Gap,
        /// Dated this many days before the latest step (an event arriving late).
        late: Option<u32>,
    },
    /// Returns `percent` of what is left of the `pick`-th purchase still returnable
    /// (100: all of it; [`THIRD`]: a third of the purchase, as far as is left).
    Return {
        pick: usize,
        percent: u32,
        gap: Gap,
    },
    Redeem {
        member: usize,
        reward: usize,
        gap: Gap,
    },
    Enroll {
        member: usize,
        gap: Gap,
    },
    Advance {
        gap: Gap,
    },
}

/// What a history may contain.
#[derive(Debug, Clone, Copy)]
pub struct Features {
    pub returns: bool,
    pub redemptions: bool,
    pub advances: bool,
    /// `enroll` rows naming this deal.
    pub enrol_deal: Option<&'static str>,
    pub late_events: bool,
}

fn cents() -> impl Strategy<Value = u32> {
    prop_oneof![
        6 => (1..300u32).prop_map(|units| units * 100),
        2 => (300..1500u32).prop_map(|units| units * 100),
        1 => 150_000..300_000u32,
        1 => 1..30_000u32,
    ]
}

pub fn op(features: Features, members: usize) -> impl Strategy<Value = Op> {
    let late = if features.late_events {
        prop_oneof![9 => Just(None), 1 => (1..60u32).prop_map(Some)].boxed()
    } else {
        Just(None).boxed()
    };
    // Only the enabled kinds: a weight of 0 would still be reached by shrinking.
    let mut kinds: Vec<(u32, BoxedStrategy<Op>)> = vec![(
        8,
        (0..members, cents(), gap(), late)
            .prop_map(|(member, cents, gap, late)| Op::Purchase {
                member,
                cents,
                gap,
                late,
            })
            .boxed(),
    )];
    if features.returns {
        kinds.push((
            3,
            (
                0..64usize,
                prop_oneof![4 => 1..100u32, 2 => Just(100u32), 1 => Just(THIRD)],
                gap(),
            )
                .prop_map(|(pick, percent, gap)| Op::Return { pick, percent, gap })
                .boxed(),
        ));
    }
    if features.redemptions {
        kinds.push((
            2,
            (0..members, 0..REWARDS.len(), gap())
                .prop_map(|(member, reward, gap)| Op::Redeem {
                    member,
                    reward,
                    gap,
                })
                .boxed(),
        ));
    }
    if features.enrol_deal.is_some() {
        // Often enough that members join again while (or after) they are in the deal.
        kinds.push((
            2,
            (0..members, gap())
                .prop_map(|(member, gap)| Op::Enroll { member, gap })
                .boxed(),
        ));
    }
    if features.advances {
        kinds.push((1, gap().prop_map(|gap| Op::Advance { gap }).boxed()));
    }
    proptest::strategy::Union::new_weighted(kinds)
}

/// A starting instant between 2019 and 2026 (Tehran still had summer time until 2022).
pub fn start() -> impl Strategy<Value = DateTime<Utc>> {
    (2019..=2026i32, 0..365u32, 0..24 * 60u32).prop_map(|(year, day, minute)| {
        Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap()
            + Duration::days(i64::from(day))
            + Duration::minutes(i64::from(minute))
    })
}

/// Everything a history is made from.
#[derive(Debug, Clone)]
pub struct Spec {
    pub start: DateTime<Utc>,
    pub members: usize,
    pub ops: Vec<Op>,
    pub features: Features,
}

pub fn spec(features: Features, ops: std::ops::Range<usize>) -> impl Strategy<Value = Spec> {
    (start(), 3..=6usize).prop_flat_map(move |(start, members)| {
        prop::collection::vec(op(features, members), ops.clone()).prop_map(move |ops| Spec {
            start,
            members,
            ops,
            features,
        })
    })
}

/// Turns operations into valid steps: returns name a purchase with something left and
/// never give back more than is left; redemptions are for members who have been seen.
pub fn realize(spec: &Spec) -> History {
    let mut now = spec.start;
    let mut steps = Vec::new();
    // (id, member, amount, returned so far)
    let mut purchases: Vec<(String, usize, Decimal, Decimal)> = Vec::new();
    let mut seen = vec![false; spec.members];
    let name = |m: usize| format!("M{m}");
    for (i, op) in spec.ops.iter().enumerate() {
        match *op {
            Op::Purchase {
                member,
                cents,
                gap,
                late,
            } => {
                let time = match late.filter(|_| spec.features.late_events) {
                    Some(days) => (now - Duration::days(i64::from(days))).max(spec.start),
                    None => {
                        now = apply(now, gap);
                        now
                    }
                };
                let amount = Decimal::new(i64::from(cents), 2).normalize();
                let id = format!("P{i}");
                purchases.push((id.clone(), member, amount, Decimal::ZERO));
                seen[member] = true;
                steps.push(Step::Event(Row {
                    id,
                    member: name(member),
                    time,
                    kind: Kind::Purchase,
                    amount,
                    original: None,
                    deal: None,
                }));
            }
            Op::Return { pick, percent, gap } => {
                let open: Vec<usize> = (0..purchases.len())
                    .filter(|&p| purchases[p].3 < purchases[p].2)
                    .collect();
                if open.is_empty() {
                    continue;
                }
                let (id, member, amount, returned) = &mut purchases[open[pick % open.len()]];
                let left = *amount - *returned;
                let back = if percent == THIRD {
                    (*amount / Decimal::from(3))
                        .round_dp(2)
                        .min(left)
                        .normalize()
                } else if percent >= 100 {
                    left
                } else {
                    (left * Decimal::from(percent) / Decimal::from(100))
                        .round_dp(2)
                        .normalize()
                };
                if back <= Decimal::ZERO {
                    continue;
                }
                *returned += back;
                now = apply(now, gap);
                steps.push(Step::Event(Row {
                    id: format!("R{i}"),
                    member: name(*member),
                    time: now,
                    kind: Kind::Return,
                    amount: back,
                    original: Some(id.clone()),
                    deal: None,
                }));
            }
            Op::Redeem {
                member,
                reward,
                gap,
            } => {
                if !seen[member] {
                    continue;
                }
                now = apply(now, gap);
                steps.push(Step::Redeem {
                    id: format!("X{i}"),
                    member: name(member),
                    reward: REWARDS[reward].0.to_owned(),
                    at: now,
                });
            }
            Op::Enroll { member, gap } => {
                let Some(deal) = spec.features.enrol_deal else {
                    continue;
                };
                now = apply(now, gap);
                seen[member] = true;
                steps.push(Step::Event(Row {
                    id: format!("E{i}"),
                    member: name(member),
                    time: now,
                    kind: Kind::Enroll,
                    amount: Decimal::ZERO,
                    original: None,
                    deal: Some(deal.to_owned()),
                }));
            }
            Op::Advance { gap } => {
                now = apply(now, gap);
                steps.push(Step::Advance(now));
            }
        }
    }
    let members = (0..spec.members).filter(|&m| seen[m]).map(name).collect();
    History {
        steps,
        members,
        end: now,
    }
}

#[test]
fn gaps_land_where_they_say() {
    let t = Utc.with_ymd_and_hms(2024, 3, 19, 20, 31, 0).unwrap();
    assert_eq!(
        apply(t, Gap::Nowruz(1, -5)),
        Utc.with_ymd_and_hms(2024, 3, 20, 20, 25, 0).unwrap()
    );
    assert_eq!(
        apply(t, Gap::TehranMidnight(0)),
        Utc.with_ymd_and_hms(2024, 3, 20, 20, 30, 0).unwrap()
    );
    let late = apply(t, Gap::TehranMidnight(-5));
    assert_eq!((late.day(), late.hour(), late.minute()), (20, 20, 25));
    assert_eq!(
        apply(t, Gap::NewYear(3)),
        Utc.with_ymd_and_hms(2024, 12, 31, 23, 3, 0).unwrap()
    );
}
