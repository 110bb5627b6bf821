//! How events and members look to Rhai scripts: plain maps with exact decimals, dates
//! written in the club's calendar, and nothing that could reach outside.

use chrono::{Datelike, Timelike};
use rhai::{Array, Dynamic, Map, INT};

use super::{Event, MemberState};
use crate::club::PersonKind;
use crate::policy::Policy;

fn text_or_unit(value: &Option<String>) -> Dynamic {
    value.as_ref().map_or(Dynamic::UNIT, |v| v.as_str().into())
}

fn string_map(values: &std::collections::BTreeMap<String, String>) -> Map {
    values
        .iter()
        .map(|(k, v)| (k.as_str().into(), v.as_str().into()))
        .collect()
}

/// `event` as scripts see it; see the README's "What scripts see" for the field list.
pub fn event_value(event: &Event, policy: &Policy) -> Dynamic {
    let local = event.time.with_timezone(&policy.zone);
    let calendar = policy.club.calendar;
    let date = calendar.to_local(local.date_naive());
    let mut map = Map::new();
    map.insert("id".into(), event.id.as_str().into());
    map.insert("member".into(), event.member.as_str().into());
    map.insert("type".into(), event.kind.as_str().into());
    map.insert("time".into(), crate::time::stored(event.time).into());
    map.insert("date".into(), calendar.format(local.date_naive()).into());
    map.insert("year".into(), INT::from(date.year).into());
    map.insert("month".into(), INT::from(date.month).into());
    map.insert("day".into(), INT::from(date.day).into());
    map.insert(
        "weekday".into(),
        local.weekday().to_string().to_lowercase().into(),
    );
    map.insert("hour".into(), INT::from(local.hour() as u8).into());
    map.insert("amount".into(), Dynamic::from_decimal(event.amount));
    map.insert("original".into(), text_or_unit(&event.original));
    map.insert("currency".into(), text_or_unit(&event.currency));
    map.insert("channel".into(), text_or_unit(&event.channel));
    map.insert("store".into(), text_or_unit(&event.store));
    let items: Array = event
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
    map.insert("items".into(), items.into());
    map.insert("attributes".into(), string_map(&event.attributes).into());
    map.into()
}

/// `member` as scripts see it.
pub fn member_value(member: &MemberState, policy: &Policy) -> Dynamic {
    let calendar = policy.club.calendar;
    let kind = policy
        .club
        .member_types
        .iter()
        .find(|t| t.id == member.member_type)
        .map_or(PersonKind::Natural, |t| t.kind);
    let mut map = Map::new();
    map.insert("id".into(), member.id.as_str().into());
    map.insert("type".into(), member.member_type.as_str().into());
    map.insert(
        "kind".into(),
        match kind {
            PersonKind::Natural => "natural",
            PersonKind::Legal => "legal",
        }
        .into(),
    );
    map.insert("joined".into(), calendar.format(member.joined).into());
    match member.birthday {
        Some(birthday) => {
            let local = calendar.to_local(birthday);
            map.insert("birthday".into(), calendar.format(birthday).into());
            map.insert("birthday_month".into(), INT::from(local.month).into());
            map.insert("birthday_day".into(), INT::from(local.day).into());
        }
        None => {
            map.insert("birthday".into(), Dynamic::UNIT);
            map.insert("birthday_month".into(), Dynamic::UNIT);
            map.insert("birthday_day".into(), Dynamic::UNIT);
        }
    }
    map.insert("attributes".into(), string_map(&member.attributes).into());
    map.insert("balance".into(), Dynamic::from_decimal(member.balance));
    let stats = &member.stats;
    let mut s = Map::new();
    s.insert(
        "spend_total".into(),
        Dynamic::from_decimal(stats.spend_total),
    );
    s.insert("visits_total".into(), stats.visits_total.into());
    s.insert(
        "last_visit".into(),
        stats
            .last_visit
            .map_or(Dynamic::UNIT, |t| crate::time::stored(t).into()),
    );
    s.insert("spend_30d".into(), Dynamic::from_decimal(stats.spend_30d));
    s.insert("visits_30d".into(), stats.visits_30d.into());
    s.insert("spend_90d".into(), Dynamic::from_decimal(stats.spend_90d));
    s.insert("visits_90d".into(), stats.visits_90d.into());
    s.insert("spend_365d".into(), Dynamic::from_decimal(stats.spend_365d));
    s.insert("visits_365d".into(), stats.visits_365d.into());
    map.insert("stats".into(), s.into());
    map.into()
}
