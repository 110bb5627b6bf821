//! An independent reference model of a club that earns `amount / 10` points (times the
//! tier's multiplier, rounded down), ranks members into tiers by their spend over a
//! window, lets points expire a fixed span after earning, spends them on rewards oldest
//! first, and takes back a share of a purchase's points on a return.
//!
//! Plain Rust over `std`, `chrono`, `chrono-tz` and `rust_decimal`: nothing of the
//! engine is used, so that the two can only agree by both being right. Where the engine
//! is right the model follows it exactly (window starts, review instants,
//! `keep_next_period`, start of day in the club's zone, lots expiring at the start of the
//! day N months later, oldest lots first). Where issue 11 says the engine is wrong, the
//! model does what the issue says is right:
//!
//! - time-based work (tier reviews, expiry) for a member happens before each of their
//!   events, whatever the batch they arrive in;
//! - tier reviews are due only once the member has a tier (never dated before it), then at
//!   each review period's start; a review never drops a member below the lowest tier;
//! - a return of `r` of a purchase of `a` that earned `p` takes back
//!   `floor(p × returned_so_far / a) − taken_before`, multiplied first, exactly;
//! - a return after the purchase's own points expired (`returns.after_expiry: forgive`,
//!   the default) takes from what is left of the purchase's own lots, forgives up to what
//!   of them expired, and only the rest (points that were spent) comes from the balance
//!   or becomes debt; what an earlier return left owed counts as taken.
//! - settling a debt is not part of what a purchase awarded: returning the purchase does
//!   not give the debt back.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::consistency::calendar::{local_date, start_of_day, Cal, Period};
use crate::consistency::history::{rfc3339, History, Kind, Row, Step, REWARDS};

pub const THRESHOLDS: [i64; 3] = [0, 500, 2000];
pub const TIER_NAMES: [&str; 3] = ["bronze", "silver", "gold"];
/// Multipliers in tenths: ×1, ×1.5, ×2.
pub const MULTIPLIERS: [i64; 3] = [10, 15, 20];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    CalendarYear,
    Rolling(u32),
    Lifetime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Downgrade {
    Recompute,
    OneStep,
    KeepNextPeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    Months(u32),
    Days(u32),
}

/// The club the model describes; [`ModelClub::yaml`] writes it for the engine.
#[derive(Debug, Clone, Copy)]
pub struct ModelClub {
    pub cal: Cal,
    pub tiers: bool,
    pub window: Window,
    pub review: Period,
    pub downgrade: Downgrade,
    /// `upgrade_earns_at: new` (else `old`).
    pub upgrade_earns_new: bool,
    pub expiry: Option<Expiry>,
    /// `when_spent: negative_balance` (else `debt`).
    pub negative_balance: bool,
}

impl ModelClub {
    pub fn zone(&self) -> Tz {
        match self.cal {
            Cal::Gregorian => chrono_tz::Europe::Berlin,
            Cal::Jalali => chrono_tz::Asia::Tehran,
        }
    }

    pub fn yaml(&self, id: &str) -> String {
        let mut y = format!(
            "id: {id}\nname: Model {id}\ncurrency: EUR\ncalendar: {}\ntimezone: {}\n",
            self.cal.yaml(),
            self.zone().name()
        );
        y.push_str(&format!(
            "points:\n  when_spent: {}\n",
            if self.negative_balance {
                "negative_balance"
            } else {
                "debt"
            }
        ));
        match self.expiry {
            Some(Expiry::Months(n)) => y.push_str(&format!("  expiry: {{after: {n}m}}\n")),
            Some(Expiry::Days(n)) => y.push_str(&format!("  expiry: {{after: {n}d}}\n")),
            None => {}
        }
        y.push_str("rules:\n  - {id: base, function: base, description: 1 point per 10}\n");
        if self.tiers {
            y.push_str(
                "tiers:\n  - {id: bronze, thresholds: {individual: 0}}\n  \
                 - {id: silver, thresholds: {individual: 500}, multiplier: 1.5}\n  \
                 - {id: gold, thresholds: {individual: 2000}, multiplier: 2}\n",
            );
            let window = match self.window {
                Window::CalendarYear => "calendar_year".to_owned(),
                Window::Rolling(m) => format!("{m}m"),
                Window::Lifetime => "lifetime".to_owned(),
            };
            let downgrade = match self.downgrade {
                Downgrade::Recompute => "recompute",
                Downgrade::OneStep => "one_step",
                Downgrade::KeepNextPeriod => "keep_next_period",
            };
            y.push_str(&format!(
                "tiering: {{window: {window}, review: {}, downgrade: {downgrade}, upgrade_earns_at: {}}}\n",
                self.review.yaml(),
                if self.upgrade_earns_new { "new" } else { "old" }
            ));
        }
        y.push_str(
            "rewards:\n  - {id: small, cost: 5, kind: gift}\n  - {id: medium, cost: 25, kind: gift}\n  \
             - {id: large, cost: 100, kind: discount_code}\n",
        );
        y
    }
}

#[derive(Debug, Clone)]
struct Lot {
    seq: u64,
    event: String,
    earned: DateTime<Utc>,
    points: Decimal,
    remaining: Decimal,
    expires: Option<DateTime<Utc>>,
    expired: Decimal,
}

#[derive(Debug, Clone)]
struct Member {
    joined: chrono::NaiveDate,
    tier: Option<usize>,
    reviewed_at: Option<DateTime<Utc>>,
    valid_until: Option<DateTime<Utc>>,
    balance: Decimal,
    debt: Decimal,
    lots: Vec<Lot>,
    /// (time, signed spend): purchases and returns, for the tier metric.
    spend: Vec<(DateTime<Utc>, Decimal)>,
    tier_changes: Vec<(DateTime<Utc>, Option<usize>, Option<usize>)>,
    expiries: BTreeMap<DateTime<Utc>, Decimal>,
}

#[derive(Debug, Clone)]
struct Purchase {
    member: String,
    /// In cents.
    cents: i128,
    points: Decimal,
    returned_cents: i128,
    /// Points earlier returns took back (taken, forgiven or left owed).
    taken: Decimal,
    forgiven: Decimal,
    /// Debt this purchase's points settled (`when_spent: debt`), and how much of that
    /// returns gave back (with the `settle` quirk).
    settled: Decimal,
    settle_reversed: Decimal,
}

/// What the model says a ledger holds at the end.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Points of each event with entries (their sum), by event id.
    pub points: BTreeMap<String, Decimal>,
    /// Per member: balance, debt, tier, tier changes, expiries, open lots.
    pub members: BTreeMap<String, MemberOutcome>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberOutcome {
    pub balance: Decimal,
    pub debt: Decimal,
    pub tier: Option<String>,
    /// (time, from, to).
    pub tier_changes: Vec<(String, Option<String>, Option<String>)>,
    /// (time, points taken), one per expiry instant.
    pub expiries: Vec<(String, Decimal)>,
    /// (event, points, remaining, expires).
    pub open_lots: Vec<(String, Decimal, Decimal, Option<String>)>,
}

/// Today's engine's known departures from the semantics, each of which the model
/// can be told to copy (`CONSISTENCY_MODEL_QUIRKS=tier_floor,share,...`), so that the
/// fix of one defect can be checked while others remain, and so that whatever else
/// differs shows up. The default is none: the model as the issue says it should be.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quirks {
    /// Issue item 4: a review drops a member whose window's spend is negative to no tier.
    pub tier_floor: bool,
    /// Issue item 3: the return share is divided (and rounded to 28 digits) before it is
    /// multiplied by the points.
    pub share: bool,
    /// Issue item 5: a return after the purchase's points expired takes the expired
    /// share again, from other lots or as debt.
    pub expired_share: bool,
    /// Issue item 6: returning a purchase whose points settled a debt also reverses the
    /// settlement, giving the debt back.
    pub settle: bool,
    /// What an earlier return left owed (`when_spent: debt`) does not count as taken back,
    /// so a later return of the same purchase takes it again.
    pub owed: bool,
}

impl Quirks {
    pub fn from_env() -> Quirks {
        let list = std::env::var("CONSISTENCY_MODEL_QUIRKS").unwrap_or_default();
        let on = |name: &str| {
            list.split(',')
                .any(|q| q.trim() == name || q.trim() == "all")
        };
        Quirks {
            tier_floor: on("tier_floor"),
            share: on("share"),
            expired_share: on("expired_share"),
            settle: on("settle"),
            owed: on("owed"),
        }
    }
}

pub struct Model {
    club: ModelClub,
    quirks: Quirks,
    zone: Tz,
    members: BTreeMap<String, Member>,
    purchases: BTreeMap<String, Purchase>,
    points: BTreeMap<String, Decimal>,
    seq: u64,
}

fn cents(amount: Decimal) -> i128 {
    let scaled = amount * Decimal::from(100);
    assert!(
        scaled.fract().is_zero(),
        "amounts have at most two decimals"
    );
    scaled.trunc().to_string().parse().expect("an integer")
}

/// `floor(a / b)` for b > 0, exactly.
fn floor_div(a: i128, b: i128) -> i128 {
    a.div_euclid(b)
}

fn whole(points: Decimal) -> i128 {
    assert!(points.fract().is_zero(), "points are whole");
    points.trunc().to_string().parse().expect("an integer")
}

impl Model {
    pub fn new(club: ModelClub, quirks: Quirks) -> Model {
        Model {
            club,
            quirks,
            zone: club.zone(),
            members: BTreeMap::new(),
            purchases: BTreeMap::new(),
            points: BTreeMap::new(),
            seq: 0,
        }
    }

    /// Replays `history` and says what the ledger must hold.
    pub fn run(club: ModelClub, quirks: Quirks, history: &History) -> Outcome {
        let mut model = Model::new(club, quirks);
        for step in &history.steps {
            match step {
                Step::Event(row) => model.event(row),
                Step::Advance(at) => model.advance(*at),
                Step::Redeem {
                    id,
                    member,
                    reward,
                    at,
                } => {
                    let cost = REWARDS
                        .iter()
                        .find(|(r, _)| r == reward)
                        .map(|(_, c)| Decimal::from(*c))
                        .expect("a known reward");
                    model.redeem(id, member, cost, *at);
                }
            }
        }
        model.outcome()
    }

    fn next_review(&self, after: DateTime<Utc>) -> DateTime<Utc> {
        let day = local_date(self.zone, after);
        start_of_day(
            self.zone,
            self.club.cal.start_of_next(self.club.review, day),
        )
    }

    fn window_start(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = local_date(self.zone, at);
        let day = match self.club.window {
            Window::Lifetime => return None,
            Window::CalendarYear => self.club.cal.year_start(today),
            Window::Rolling(months) => {
                self.club.cal.months_before(today, months) + Duration::days(1)
            }
        };
        Some(start_of_day(self.zone, day))
    }

    fn standing(member: &Member, from: Option<DateTime<Utc>>, to: DateTime<Utc>) -> Decimal {
        member
            .spend
            .iter()
            .filter(|(t, _)| from.is_none_or(|f| *t >= f) && *t < to)
            .map(|(_, s)| *s)
            .sum()
    }

    fn qualified(value: Decimal) -> Option<usize> {
        (0..THRESHOLDS.len())
            .rev()
            .find(|&i| value >= Decimal::from(THRESHOLDS[i]))
    }

    fn lot_expiry(&self, earned: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let day = local_date(self.zone, earned);
        let end = match self.club.expiry? {
            Expiry::Months(n) => self.club.cal.add_months(day, n),
            Expiry::Days(n) => day + Duration::days(i64::from(n)),
        };
        Some(start_of_day(self.zone, end))
    }

    /// Reviews and expiry due for `id` up to `to`.
    fn catch_up(&mut self, id: &str, to: DateTime<Utc>) {
        let mut member = self.members.remove(id).expect("a member");
        if self.club.tiers && member.tier.is_some() {
            let start = member
                .reviewed_at
                .unwrap_or_else(|| start_of_day(self.zone, member.joined));
            let mut at = self.next_review(start);
            while at <= to {
                let from = self.window_start(at - Duration::seconds(1));
                let value = Self::standing(&member, from, at);
                // Never below the lowest tier.
                let qualified = if self.quirks.tier_floor {
                    Self::qualified(value)
                } else {
                    Self::qualified(value).max(Some(0))
                };
                let current = member.tier;
                if qualified >= current {
                    member.valid_until = Some(self.next_review(at));
                }
                let new = if qualified >= current {
                    qualified
                } else {
                    match self.club.downgrade {
                        Downgrade::Recompute => qualified,
                        Downgrade::OneStep => current.and_then(|c| c.checked_sub(1)).max(qualified),
                        Downgrade::KeepNextPeriod => {
                            if member.valid_until.is_some_and(|until| at < until) {
                                current
                            } else {
                                qualified
                            }
                        }
                    }
                };
                if new != current {
                    member.tier_changes.push((at, current, new));
                    member.tier = new;
                }
                member.reviewed_at = Some(at);
                at = self.next_review(at);
            }
        }
        for lot in &mut member.lots {
            if lot.remaining > Decimal::ZERO && lot.expires.is_some_and(|e| e <= to) {
                let at = lot.expires.expect("an expiry");
                *member.expiries.entry(at).or_default() += lot.remaining;
                member.balance -= lot.remaining;
                lot.expired += lot.remaining;
                lot.remaining = Decimal::ZERO;
            }
        }
        self.members.insert(id.to_owned(), member);
    }

    pub fn advance(&mut self, to: DateTime<Utc>) {
        let ids: Vec<String> = self.members.keys().cloned().collect();
        for id in ids {
            self.catch_up(&id, to);
        }
    }

    /// Takes up to `wanted` from the member's lots in `order` (indices), oldest first;
    /// returns what it took.
    fn take(
        member: &mut Member,
        wanted: Decimal,
        only: Option<&str>,
        except: Option<&str>,
    ) -> Decimal {
        let mut order: Vec<usize> = (0..member.lots.len())
            .filter(|&i| {
                let lot = &member.lots[i];
                lot.remaining > Decimal::ZERO
                    && only.is_none_or(|e| lot.event == e)
                    && except.is_none_or(|e| lot.event != e)
            })
            .collect();
        order.sort_by_key(|&i| (member.lots[i].earned, member.lots[i].seq));
        let mut left = wanted;
        for i in order {
            if left.is_zero() {
                break;
            }
            let used = member.lots[i].remaining.min(left);
            member.lots[i].remaining -= used;
            left -= used;
        }
        wanted - left
    }

    pub fn redeem(&mut self, id: &str, member_id: &str, cost: Decimal, at: DateTime<Utc>) {
        if !self.members.contains_key(member_id) {
            return;
        }
        // A refused redemption changes nothing, not even what its catch-up did.
        let before = self.members.get(member_id).cloned().expect("a member");
        self.catch_up(member_id, at);
        let member = self.members.get_mut(member_id).expect("a member");
        let available: Decimal = member.lots.iter().map(|l| l.remaining).sum();
        if available < cost {
            self.members.insert(member_id.to_owned(), before);
            return;
        }
        Self::take(member, cost, None, None);
        member.balance -= cost;
        self.points.insert(id.to_owned(), -cost);
    }

    pub fn event(&mut self, row: &Row) {
        let t = row.time;
        if self.members.contains_key(&row.member) {
            self.catch_up(&row.member, t);
        } else {
            self.members.insert(
                row.member.clone(),
                Member {
                    joined: local_date(self.zone, t),
                    tier: None,
                    reviewed_at: None,
                    valid_until: None,
                    balance: Decimal::ZERO,
                    debt: Decimal::ZERO,
                    lots: Vec::new(),
                    spend: Vec::new(),
                    tier_changes: Vec::new(),
                    expiries: BTreeMap::new(),
                },
            );
        }
        let signed = match row.kind {
            Kind::Purchase => row.amount,
            Kind::Return => -row.amount,
            Kind::Enroll => panic!("the model club has no deals"),
        };
        // Upgrade: the window's standing including this event.
        let from = self.window_start(t);
        let member = self.members.get(&row.member).expect("a member");
        let current = member.tier;
        let upgrade = if self.club.tiers {
            let value = Self::standing(member, from, t + Duration::seconds(1)) + signed;
            Self::qualified(value).filter(|q| Some(*q) > current)
        } else {
            None
        };
        let rate = match upgrade {
            Some(q) if self.club.upgrade_earns_new => Some(q),
            _ => current,
        };
        let next = upgrade.map(|_| self.next_review(self.next_review(t)));
        let expires = self.lot_expiry(t);
        let member = self.members.get_mut(&row.member).expect("a member");
        if let Some(q) = upgrade {
            member.tier_changes.push((t, current, Some(q)));
            member.tier = Some(q);
            member.valid_until = next;
        }
        member.spend.push((t, signed));
        match row.kind {
            Kind::Purchase => {
                let multiplier = MULTIPLIERS[rate.unwrap_or(0)];
                let earned = Decimal::from(floor_div(
                    cents(row.amount) * i128::from(multiplier),
                    10 * 10 * 100,
                ) as i64);
                let mut points = earned;
                let mut settled = Decimal::ZERO;
                if earned > Decimal::ZERO {
                    self.seq += 1;
                    settled = member.debt.min(earned);
                    member.debt -= settled;
                    member.balance += earned;
                    if !self.club.negative_balance {
                        member.balance -= settled;
                        points -= settled;
                    }
                    member.lots.push(Lot {
                        seq: self.seq,
                        event: row.id.clone(),
                        earned: t,
                        points: earned,
                        remaining: earned - settled,
                        expires,
                        expired: Decimal::ZERO,
                    });
                }
                if !points.is_zero() {
                    self.points.insert(row.id.clone(), points);
                }
                self.purchases.insert(
                    row.id.clone(),
                    Purchase {
                        member: row.member.clone(),
                        cents: cents(row.amount),
                        points: earned,
                        returned_cents: 0,
                        taken: Decimal::ZERO,
                        forgiven: Decimal::ZERO,
                        settled: if self.club.negative_balance {
                            Decimal::ZERO
                        } else {
                            settled
                        },
                        settle_reversed: Decimal::ZERO,
                    },
                );
            }
            Kind::Return => {
                let original = row
                    .original
                    .as_deref()
                    .expect("a return names its purchase");
                let purchase = self.purchases.get_mut(original).expect("a known purchase");
                assert_eq!(purchase.member, row.member);
                let returned_before = purchase.returned_cents;
                purchase.returned_cents += cents(row.amount);
                let target = if self.quirks.share {
                    let share = Decimal::from(purchase.returned_cents as i64)
                        / Decimal::from(purchase.cents as i64);
                    (purchase.points * share).trunc()
                } else {
                    Decimal::from(floor_div(
                        whole(purchase.points) * purchase.returned_cents,
                        purchase.cents,
                    ) as i64)
                };
                let take = target - purchase.taken;
                let _ = returned_before;
                let mut event_points = Decimal::ZERO;
                if !take.is_zero() {
                    // The purchase's own points first, then forgive what of them expired,
                    // then the rest from the balance (or as debt).
                    let own = Self::take(member, take, Some(original), None);
                    let own_expired: Decimal = member
                        .lots
                        .iter()
                        .filter(|l| l.event == original)
                        .map(|l| l.expired)
                        .sum();
                    let forgiven = if self.quirks.expired_share {
                        Decimal::ZERO
                    } else {
                        (take - own).min(own_expired - purchase.forgiven)
                    };
                    purchase.forgiven += forgiven;
                    let rest = take - own - forgiven;
                    let other = Self::take(member, rest, None, Some(original));
                    let missing = rest - other;
                    member.debt += missing;
                    let entry = if self.club.negative_balance {
                        own + rest
                    } else {
                        own + other
                    };
                    member.balance -= entry;
                    event_points -= entry;
                    purchase.taken = if self.quirks.owed && !self.club.negative_balance {
                        purchase.taken + own + other + forgiven
                    } else {
                        target
                    };
                }
                if self.quirks.settle && !purchase.settled.is_zero() {
                    // The settlement reversed in proportion, as a lot of its own that
                    // pays the debt first.
                    let share = Decimal::from(purchase.returned_cents as i64)
                        / Decimal::from(purchase.cents as i64);
                    // The engine's "already reversed" for the `debt` rule sums every
                    // `debt` entry of the returns: the reversals and the settlements
                    // their lots made.
                    let back = (purchase.settled * share).trunc() - purchase.settle_reversed;
                    if back > Decimal::ZERO {
                        self.seq += 1;
                        let settled = member.debt.min(back);
                        purchase.settle_reversed += back - settled;
                        member.debt -= settled;
                        member.balance += back - settled;
                        event_points += back - settled;
                        member.lots.push(Lot {
                            seq: self.seq,
                            event: row.id.clone(),
                            earned: t,
                            points: back,
                            remaining: back - settled,
                            expires: None,
                            expired: Decimal::ZERO,
                        });
                    }
                }
                if !event_points.is_zero() {
                    self.points.insert(row.id.clone(), event_points);
                }
            }
            Kind::Enroll => unreachable!(),
        }
    }

    pub fn outcome(&self) -> Outcome {
        let name = |t: Option<usize>| t.map(|i| TIER_NAMES[i].to_owned());
        let members = self
            .members
            .iter()
            .map(|(id, m)| {
                let mut lots: Vec<&Lot> = m
                    .lots
                    .iter()
                    .filter(|l| l.remaining > Decimal::ZERO)
                    .collect();
                lots.sort_by_key(|l| (l.earned, l.seq));
                (
                    id.clone(),
                    MemberOutcome {
                        balance: m.balance,
                        debt: m.debt,
                        tier: name(m.tier),
                        tier_changes: m
                            .tier_changes
                            .iter()
                            .map(|(t, a, b)| (rfc3339(*t), name(*a), name(*b)))
                            .collect(),
                        expiries: m.expiries.iter().map(|(t, p)| (rfc3339(*t), *p)).collect(),
                        open_lots: lots
                            .iter()
                            .map(|l| {
                                (
                                    l.event.clone(),
                                    l.points,
                                    l.remaining,
                                    l.expires.map(rfc3339),
                                )
                            })
                            .collect(),
                    },
                )
            })
            .collect();
        Outcome {
            points: self.points.clone(),
            members,
        }
    }
}
