//! How events and members look to Rhai scripts: `Event` and `Member` values whose fields
//! are read through getters, with exact decimals and dates in the club's calendar.
//!
//! Getters (rather than maps built for every event) cost only for the fields a script
//! reads, which matters at a million purchases; and a misspelt field is an error that
//! names the field and the type, not a silent `()`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, Timelike};
use rhai::{Array, Dynamic, Engine, Map, INT};
use rust_decimal::Decimal;

use super::Policy;
use crate::calendar::{CalendarKind, LocalDate};
use crate::club::PersonKind;
use crate::event::Event;
use crate::member::MemberState;

/// The event as scripts see it: the event plus its time in the club's calendar and zone.
#[derive(Debug, Clone)]
pub struct ScriptEvent(Arc<EventView>);

#[derive(Debug)]
pub struct EventView {
    event: Event,
    local: LocalDate,
    weekday: &'static str,
    hour: u32,
}

/// The member as scripts see it.
#[derive(Debug, Clone)]
pub struct ScriptMember(Arc<MemberView>);

#[derive(Debug)]
pub struct MemberView {
    member: MemberState,
    calendar: CalendarKind,
    kind: PersonKind,
    /// The tier's perks and multiplier (none and 1 without a tier).
    perks: Vec<String>,
    multiplier: Decimal,
}

/// The fields scripts can read on an event (`event.amount`); `register` registers exactly
/// these, and `check` refuses a script reading any other (see `policy::properties`).
pub const EVENT_FIELDS: [&str; 20] = [
    "id",
    "member",
    "type",
    "time",
    "date",
    "year",
    "month",
    "day",
    "weekday",
    "hour",
    "amount",
    "credit_used",
    "original",
    "currency",
    "original_amount",
    "rate",
    "channel",
    "store",
    "attributes",
    "items",
];

/// The fields scripts can read on a member (`member.tier`).
pub const MEMBER_FIELDS: [&str; 14] = [
    "id",
    "type",
    "kind",
    "joined",
    "birthday",
    "birthday_month",
    "birthday_day",
    "attributes",
    "balance",
    "credit",
    "tier",
    "perks",
    "tier_multiplier",
    "stats",
];

/// The keys of each of `event.items` (a map per line item).
pub const ITEM_FIELDS: [&str; 4] = ["sku", "category", "qty", "price"];

/// The keys of `member.stats`.
pub const STATS_FIELDS: [&str; 9] = [
    "spend_total",
    "visits_total",
    "last_visit",
    "spend_30d",
    "visits_30d",
    "spend_90d",
    "visits_90d",
    "spend_365d",
    "visits_365d",
];

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub fn event_value(event: &Event, policy: &Policy) -> ScriptEvent {
    let local = event.time.with_timezone(&policy.zone);
    let calendar = policy.club.calendar;
    ScriptEvent(Arc::new(EventView {
        event: event.clone(),
        local: calendar.to_local(local.date_naive()),
        weekday: WEEKDAYS[local.weekday().num_days_from_monday() as usize],
        hour: local.hour(),
    }))
}

/// The member as scripts see them, with the perks and tier multiplier their tier and deals
/// give them (worked out by the engine, which knows what a tier and a deal are).
pub fn member_value(
    member: &MemberState,
    policy: &Policy,
    perks: Vec<String>,
    multiplier: Decimal,
) -> ScriptMember {
    let kind = policy
        .club
        .member_types
        .iter()
        .find(|t| t.id == member.member_type)
        .map_or(PersonKind::Natural, |t| t.kind);
    ScriptMember(Arc::new(MemberView {
        member: member.clone(),
        calendar: policy.club.calendar,
        kind,
        perks,
        multiplier,
    }))
}

fn text_or_unit(value: &Option<String>) -> Dynamic {
    value.as_ref().map_or(Dynamic::UNIT, |v| v.as_str().into())
}

fn string_map(values: &BTreeMap<String, String>) -> Map {
    values
        .iter()
        .map(|(k, v)| (k.as_str().into(), v.as_str().into()))
        .collect()
}

fn local_date_text(date: LocalDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year, date.month, date.day)
}

thread_local! {
    /// The fields read while a trace is being recorded on this thread (see [`record_reads`]).
    static READS: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Runs `f` and returns what it returned with the event and member fields scripts read,
/// in the order first read (`event.amount`, `member.birthday_month`...).
pub fn record_reads<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    READS.with(|r| *r.borrow_mut() = Some(Vec::new()));
    let result = f();
    let reads = READS.with(|r| r.borrow_mut().take()).unwrap_or_default();
    (result, reads)
}

/// Registers a getter that also notes the read when a trace is being recorded.
fn get<T, R>(
    engine: &mut Engine,
    owner: &'static str,
    name: &'static str,
    getter: impl Fn(&mut T) -> R + Send + Sync + 'static,
) where
    T: Clone + Send + Sync + 'static,
    R: Clone + Send + Sync + 'static,
{
    debug_assert!(
        match owner {
            "event" => EVENT_FIELDS.contains(&name),
            _ => MEMBER_FIELDS.contains(&name),
        },
        "`{owner}.{name}` is missing from the list of {owner} fields"
    );
    engine.register_get(name, move |value: &mut T| {
        READS.with(|r| {
            if let Some(reads) = r.borrow_mut().as_mut() {
                let field = format!("{owner}.{name}");
                if !reads.contains(&field) {
                    reads.push(field);
                }
            }
        });
        getter(value)
    });
}

/// Registers the `Event` and `Member` types and their fields; see the README's
/// "What scripts see" for the list.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<ScriptEvent>("Event");
    get(engine, "event", "id", |e: &mut ScriptEvent| {
        e.0.event.id.clone()
    });
    get(engine, "event", "member", |e: &mut ScriptEvent| {
        e.0.event.member.clone()
    });
    get(engine, "event", "type", |e: &mut ScriptEvent| {
        e.0.event.kind.as_str()
    });
    get(engine, "event", "time", |e: &mut ScriptEvent| {
        crate::time::stored(e.0.event.time)
    });
    get(engine, "event", "date", |e: &mut ScriptEvent| {
        local_date_text(e.0.local)
    });
    get(engine, "event", "year", |e: &mut ScriptEvent| {
        INT::from(e.0.local.year)
    });
    get(engine, "event", "month", |e: &mut ScriptEvent| {
        INT::from(e.0.local.month)
    });
    get(engine, "event", "day", |e: &mut ScriptEvent| {
        INT::from(e.0.local.day)
    });
    get(engine, "event", "weekday", |e: &mut ScriptEvent| {
        e.0.weekday
    });
    get(engine, "event", "hour", |e: &mut ScriptEvent| {
        INT::from(e.0.hour)
    });
    get(engine, "event", "amount", |e: &mut ScriptEvent| {
        e.0.event.amount
    });
    // The part of a purchase paid from the credit wallet: zero when none was.
    get(engine, "event", "credit_used", |e: &mut ScriptEvent| {
        e.0.event.credit_used.unwrap_or_default()
    });
    get(engine, "event", "original", |e: &mut ScriptEvent| {
        text_or_unit(&e.0.event.original)
    });
    get(engine, "event", "currency", |e: &mut ScriptEvent| {
        text_or_unit(&e.0.event.currency)
    });
    // A purchase paid in a foreign currency: `amount` is converted into the club's,
    // `original_amount` is what was paid (in `currency`) and `rate` the rate used. For
    // any other event, `original_amount` is `amount` and `rate` is 1.
    get(engine, "event", "original_amount", |e: &mut ScriptEvent| {
        e.0.event.written_amount()
    });
    get(engine, "event", "rate", |e: &mut ScriptEvent| {
        e.0.event.conversion.map_or(Decimal::ONE, |c| c.rate)
    });
    get(engine, "event", "channel", |e: &mut ScriptEvent| {
        text_or_unit(&e.0.event.channel)
    });
    get(engine, "event", "store", |e: &mut ScriptEvent| {
        text_or_unit(&e.0.event.store)
    });
    get(engine, "event", "attributes", |e: &mut ScriptEvent| {
        string_map(&e.0.event.attributes)
    });
    get(engine, "event", "items", |e: &mut ScriptEvent| -> Array {
        e.0.event
            .items
            .iter()
            .map(|item| {
                let mut m = Map::new();
                m.insert("sku".into(), item.sku.as_str().into());
                m.insert("category".into(), text_or_unit(&item.category));
                m.insert("qty".into(), Dynamic::from_decimal(item.qty));
                m.insert("price".into(), Dynamic::from_decimal(item.price));
                m.into()
            })
            .collect()
    });
    engine.register_fn("to_string", |e: &mut ScriptEvent| {
        format!(
            "{} event `{}` of member `{}`",
            e.0.event.kind, e.0.event.id, e.0.event.member
        )
    });
    engine.register_fn("to_debug", |e: &mut ScriptEvent| format!("{:?}", e.0.event));

    engine.register_type_with_name::<ScriptMember>("Member");
    get(engine, "member", "id", |m: &mut ScriptMember| {
        m.0.member.id.clone()
    });
    get(engine, "member", "type", |m: &mut ScriptMember| {
        m.0.member.member_type.clone()
    });
    get(engine, "member", "kind", |m: &mut ScriptMember| {
        match m.0.kind {
            PersonKind::Natural => "natural",
            PersonKind::Legal => "legal",
        }
    });
    get(engine, "member", "joined", |m: &mut ScriptMember| {
        m.0.calendar.format(m.0.member.joined)
    });
    get(engine, "member", "birthday", |m: &mut ScriptMember| {
        m.0.member
            .birthday
            .map_or(Dynamic::UNIT, |b| m.0.calendar.format(b).into())
    });
    get(
        engine,
        "member",
        "birthday_month",
        |m: &mut ScriptMember| {
            let local = m.0.member.birthday.map(|b| m.0.calendar.to_local(b));
            local.map_or(Dynamic::UNIT, |l| INT::from(l.month).into())
        },
    );
    get(engine, "member", "birthday_day", |m: &mut ScriptMember| {
        let local = m.0.member.birthday.map(|b| m.0.calendar.to_local(b));
        local.map_or(Dynamic::UNIT, |l| INT::from(l.day).into())
    });
    get(engine, "member", "attributes", |m: &mut ScriptMember| {
        string_map(&m.0.member.attributes)
    });
    get(engine, "member", "balance", |m: &mut ScriptMember| {
        m.0.member.balance
    });
    get(engine, "member", "credit", |m: &mut ScriptMember| {
        m.0.member.credit
    });
    get(engine, "member", "tier", |m: &mut ScriptMember| {
        text_or_unit(&m.0.member.tier)
    });
    get(engine, "member", "perks", |m: &mut ScriptMember| -> Array {
        m.0.perks.iter().map(|p| Dynamic::from(p.clone())).collect()
    });
    get(
        engine,
        "member",
        "tier_multiplier",
        |m: &mut ScriptMember| m.0.multiplier,
    );
    get(engine, "member", "stats", |m: &mut ScriptMember| {
        let stats = &m.0.member.stats;
        let decimal = |d: Decimal| Dynamic::from_decimal(d);
        let mut s = Map::new();
        s.insert("spend_total".into(), decimal(stats.spend_total));
        s.insert("visits_total".into(), stats.visits_total.into());
        s.insert(
            "last_visit".into(),
            stats
                .last_visit
                .map_or(Dynamic::UNIT, |t| crate::time::stored(t).into()),
        );
        s.insert("spend_30d".into(), decimal(stats.spend_30d));
        s.insert("visits_30d".into(), stats.visits_30d.into());
        s.insert("spend_90d".into(), decimal(stats.spend_90d));
        s.insert("visits_90d".into(), stats.visits_90d.into());
        s.insert("spend_365d".into(), decimal(stats.spend_365d));
        s.insert("visits_365d".into(), stats.visits_365d.into());
        s
    });
    engine.register_fn("to_string", |m: &mut ScriptMember| {
        format!("member `{}`", m.0.member.id)
    });
    engine.register_fn("to_debug", |m: &mut ScriptMember| {
        format!("{:?}", m.0.member)
    });
}
