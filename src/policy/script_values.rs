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

/// Notes that a script read `owner.name`, when a trace is being recorded on this thread.
fn note_read(owner: &str, name: &str) {
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            let field = format!("{owner}.{name}");
            if !reads.contains(&field) {
                reads.push(field);
            }
        }
    });
}

/// `event.<name>` as scripts read it (noting the read when a trace is being recorded), or
/// `None` for a name that is not one of [`EVENT_FIELDS`]. The one place the fields are
/// made: the engine's getters and [`super::native`] both read them here.
pub fn event_field(e: &ScriptEvent, name: &str) -> Option<Dynamic> {
    let e = &e.0;
    let value: Dynamic = match name {
        "id" => e.event.id.clone().into(),
        "member" => e.event.member.clone().into(),
        "type" => e.event.kind.as_str().into(),
        "time" => crate::time::stored(e.event.time).into(),
        "date" => local_date_text(e.local).into(),
        "year" => INT::from(e.local.year).into(),
        "month" => INT::from(e.local.month).into(),
        "day" => INT::from(e.local.day).into(),
        "weekday" => e.weekday.into(),
        "hour" => INT::from(e.hour).into(),
        "amount" => Dynamic::from_decimal(e.event.amount),
        // The part of a purchase paid from the credit wallet: zero when none was.
        "credit_used" => Dynamic::from_decimal(e.event.credit_used.unwrap_or_default()),
        "original" => text_or_unit(&e.event.original),
        "currency" => text_or_unit(&e.event.currency),
        // A purchase paid in a foreign currency: `amount` is converted into the club's,
        // `original_amount` is what was paid (in `currency`) and `rate` the rate used. For
        // any other event, `original_amount` is `amount` and `rate` is 1.
        "original_amount" => Dynamic::from_decimal(e.event.written_amount()),
        "rate" => Dynamic::from_decimal(e.event.conversion.map_or(Decimal::ONE, |c| c.rate)),
        "channel" => text_or_unit(&e.event.channel),
        "store" => text_or_unit(&e.event.store),
        "attributes" => string_map(&e.event.attributes).into(),
        "items" => {
            let items: Array = e
                .event
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
                .collect();
            items.into()
        }
        _ => return None,
    };
    note_read("event", name);
    Some(value)
}

/// `member.<name>` as scripts read it, or `None` for a name not in [`MEMBER_FIELDS`]; see
/// [`event_field`].
pub fn member_field(m: &ScriptMember, name: &str) -> Option<Dynamic> {
    let m = &m.0;
    let value: Dynamic = match name {
        "id" => m.member.id.clone().into(),
        "type" => m.member.member_type.clone().into(),
        "kind" => match m.kind {
            PersonKind::Natural => "natural",
            PersonKind::Legal => "legal",
        }
        .into(),
        "joined" => m.calendar.format(m.member.joined).into(),
        "birthday" => m
            .member
            .birthday
            .map_or(Dynamic::UNIT, |b| m.calendar.format(b).into()),
        "birthday_month" => {
            let local = m.member.birthday.map(|b| m.calendar.to_local(b));
            local.map_or(Dynamic::UNIT, |l| INT::from(l.month).into())
        }
        "birthday_day" => {
            let local = m.member.birthday.map(|b| m.calendar.to_local(b));
            local.map_or(Dynamic::UNIT, |l| INT::from(l.day).into())
        }
        "attributes" => string_map(&m.member.attributes).into(),
        "balance" => Dynamic::from_decimal(m.member.balance),
        "credit" => Dynamic::from_decimal(m.member.credit),
        "tier" => text_or_unit(&m.member.tier),
        "perks" => {
            let perks: Array = m.perks.iter().map(|p| Dynamic::from(p.clone())).collect();
            perks.into()
        }
        "tier_multiplier" => Dynamic::from_decimal(m.multiplier),
        "stats" => {
            let stats = &m.member.stats;
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
            s.into()
        }
        _ => return None,
    };
    note_read("member", name);
    Some(value)
}

/// Registers the `Event` and `Member` types and their fields (each a getter reading
/// [`event_field`] or [`member_field`]); see the README's "What scripts see" for the list.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<ScriptEvent>("Event");
    for name in EVENT_FIELDS {
        engine.register_get(name, move |e: &mut ScriptEvent| {
            event_field(e, name).unwrap_or(Dynamic::UNIT)
        });
    }
    engine.register_fn("to_string", |e: &mut ScriptEvent| {
        format!(
            "{} event `{}` of member `{}`",
            e.0.event.kind, e.0.event.id, e.0.event.member
        )
    });
    engine.register_fn("to_debug", |e: &mut ScriptEvent| format!("{:?}", e.0.event));

    engine.register_type_with_name::<ScriptMember>("Member");
    for name in MEMBER_FIELDS {
        engine.register_get(name, move |m: &mut ScriptMember| {
            member_field(m, name).unwrap_or(Dynamic::UNIT)
        });
    }
    engine.register_fn("to_string", |m: &mut ScriptMember| {
        format!("member `{}`", m.0.member.id)
    });
    engine.register_fn("to_debug", |m: &mut ScriptMember| {
        format!("{:?}", m.0.member)
    });
}
