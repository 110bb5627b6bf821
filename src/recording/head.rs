//! A compact book's head as bytes: the member's state, the tier last written for them
//! and the book's flags ([`SlimHead`]). As structs a head was some 350 bytes and a few
//! small allocations (the member's id, type, tier and deals), a sixth of a realistic
//! member's compact book at a million purchases by 100,000 members; as bytes it is a
//! quarter of that or less (issue 14). The same bytes go to the scratch file when the book is
//! spilled ([`super::spill`]), and are decoded only when the member comes back.

use crate::decide::compact::{Reader, Writer};
use crate::member::{DealState, DealStatus, MemberState, MemberStats};
use chrono::{Datelike, NaiveDate};

/// What a slim compact book keeps besides its encoded lists, as structs: decoded from
/// its bytes when the book is thawed.
pub(super) struct SlimHead {
    pub(super) state: MemberState,
    pub(super) stored_tier: Option<String>,
    /// `is_new`, `joined_known`, `posted`, `profile_changed`, `lots_loaded`, `history`.
    pub(super) flags: [bool; 6],
}

/// `head` as bytes: the member's state (their id first), the tier last written, the
/// flags.
pub(super) fn encode(head: &SlimHead) -> Box<[u8]> {
    let SlimHead {
        state,
        stored_tier,
        flags,
    } = head;
    // Written into this thread's scratch buffer, then copied into an allocation of its
    // size: one allocation a book frozen, where a buffer grown from empty was several.
    SCRATCH.with_borrow_mut(|scratch| {
        let mut writer = Writer::for_events(&[], 0);
        writer.bytes = std::mem::take(scratch);
        writer.bytes.clear();
        write_state(&mut writer, state);
        writer.optional(stored_tier.as_deref(), raw_text);
        let mut bits = 0u8;
        for (n, flag) in flags.iter().enumerate() {
            bits |= u8::from(*flag) << n;
        }
        writer.byte(bits);
        let bytes = Box::from(writer.bytes.as_slice());
        // A member with a very large profile does not keep its size here.
        if writer.bytes.capacity() <= 1 << 16 {
            *scratch = writer.bytes;
        }
        bytes
    })
}

thread_local! {
    /// Where [`encode`] writes a head before copying it out.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The head [`encode`] wrote, if `bytes` are one and nothing more.
pub(super) fn decode(bytes: &[u8]) -> Option<SlimHead> {
    let mut reader = Reader::new(bytes);
    let state = read_state(&mut reader)?;
    let stored_tier = reader.optional(read_raw_text)?;
    let bits = reader.byte()?;
    if bits >> 6 != 0 || reader.at != bytes.len() {
        return None;
    }
    Some(SlimHead {
        state,
        stored_tier,
        flags: std::array::from_fn(|n| bits & (1 << n) != 0),
    })
}

/// The length of the member's id at the start of a head's bytes.
pub(super) fn id_len(bytes: &[u8]) -> usize {
    Reader::new(bytes).count().unwrap_or(0)
}

pub(super) fn raw_text(writer: &mut Writer, text: &str) {
    writer.count(text.len());
    writer.bytes.extend_from_slice(text.as_bytes());
}

pub(super) fn read_raw_text(reader: &mut Reader) -> Option<String> {
    let len = reader.count()?;
    Some(std::str::from_utf8(reader.take(len)?).ok()?.to_owned())
}

fn date(writer: &mut Writer, date: NaiveDate) {
    writer.int(i64::from(date.num_days_from_ce()));
}

fn read_date(reader: &mut Reader) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(reader.int()?).ok()?)
}

/// A member's state, field by field. Named without `..`: a field added to the state
/// does not compile until it is written here.
fn write_state(writer: &mut Writer, state: &MemberState) {
    let MemberState {
        id,
        member_type,
        joined,
        birthday,
        attributes,
        balance,
        debt,
        credit,
        tier,
        tier_valid_until,
        tier_reviewed_at,
        greeted_through,
        deals,
        stats,
    } = state;
    raw_text(writer, id);
    raw_text(writer, member_type);
    date(writer, *joined);
    writer.optional(*birthday, date);
    writer.count(attributes.len());
    for (name, value) in attributes {
        raw_text(writer, name);
        raw_text(writer, value);
    }
    for amount in [balance, debt, credit] {
        writer.decimal(*amount);
    }
    writer.optional(tier.as_deref(), raw_text);
    for time in [tier_valid_until, tier_reviewed_at, greeted_through] {
        writer.optional(*time, Writer::time);
    }
    writer.count(deals.len());
    for deal in deals {
        write_deal(writer, deal);
    }
    let MemberStats {
        spend_total,
        visits_total,
        last_visit,
        spend_30d,
        visits_30d,
        spend_90d,
        visits_90d,
        spend_365d,
        visits_365d,
    } = stats;
    for (spend, visits) in [
        (spend_total, visits_total),
        (spend_30d, visits_30d),
        (spend_90d, visits_90d),
        (spend_365d, visits_365d),
    ] {
        writer.decimal(*spend);
        writer.int(*visits);
    }
    writer.optional(*last_visit, Writer::time);
}

fn read_state(reader: &mut Reader) -> Option<MemberState> {
    let id = read_raw_text(reader)?;
    let member_type = read_raw_text(reader)?;
    let joined = read_date(reader)?;
    let birthday = reader.optional(read_date)?;
    let mut attributes = std::collections::BTreeMap::new();
    for _ in 0..reader.count()? {
        let name = read_raw_text(reader)?;
        attributes.insert(name, read_raw_text(reader)?);
    }
    let (balance, debt, credit) = (reader.decimal()?, reader.decimal()?, reader.decimal()?);
    let tier = reader.optional(read_raw_text)?;
    let tier_valid_until = reader.optional(Reader::time)?;
    let tier_reviewed_at = reader.optional(Reader::time)?;
    let greeted_through = reader.optional(Reader::time)?;
    let count = reader.count()?;
    let mut deals = Vec::with_capacity(count.min(reader.bytes.len()));
    for _ in 0..count {
        deals.push(read_deal(reader)?);
    }
    let mut figures = || Some((reader.decimal()?, reader.int()?));
    let (spend_total, visits_total) = figures()?;
    let (spend_30d, visits_30d) = figures()?;
    let (spend_90d, visits_90d) = figures()?;
    let (spend_365d, visits_365d) = figures()?;
    let last_visit = reader.optional(Reader::time)?;
    Some(MemberState {
        id,
        member_type,
        joined,
        birthday,
        attributes,
        balance,
        debt,
        credit,
        tier,
        tier_valid_until,
        tier_reviewed_at,
        greeted_through,
        deals,
        stats: MemberStats {
            spend_total,
            visits_total,
            last_visit,
            spend_30d,
            visits_30d,
            spend_90d,
            visits_90d,
            spend_365d,
            visits_365d,
        },
    })
}

fn write_deal(writer: &mut Writer, deal: &DealStatus) {
    let DealStatus {
        enrollment,
        deal,
        state,
        enrolled_at,
        starts_at,
        periods,
        kept,
        missed,
        next_checkpoint,
        ended_at,
        tier_until,
    } = deal;
    writer.int(*enrollment);
    raw_text(writer, deal);
    writer.byte(match state {
        DealState::Active => 0,
        DealState::Completed => 1,
        DealState::Failed => 2,
    });
    for time in [enrolled_at, starts_at, next_checkpoint] {
        writer.time(*time);
    }
    for count in [periods, kept, missed] {
        writer.count(*count as usize);
    }
    writer.optional(*ended_at, Writer::time);
    writer.optional(*tier_until, Writer::time);
}

fn read_deal(reader: &mut Reader) -> Option<DealStatus> {
    let enrollment = reader.int()?;
    let deal = read_raw_text(reader)?;
    let state = match reader.byte()? {
        0 => DealState::Active,
        1 => DealState::Completed,
        2 => DealState::Failed,
        _ => return None,
    };
    let (enrolled_at, starts_at, next_checkpoint) =
        (reader.time()?, reader.time()?, reader.time()?);
    let mut count = || u32::try_from(reader.count()?).ok();
    let (periods, kept, missed) = (count()?, count()?, count()?);
    Some(DealStatus {
        enrollment,
        deal,
        state,
        enrolled_at,
        starts_at,
        periods,
        kept,
        missed,
        next_checkpoint,
        ended_at: reader.optional(Reader::time)?,
        tier_until: reader.optional(Reader::time)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::cold::tests::book_with_everything;

    fn head() -> SlimHead {
        let book = book_with_everything();
        SlimHead {
            state: book.state.clone(),
            stored_tier: Some("silver".to_owned()),
            flags: [true, false, true, false, true, true],
        }
    }

    /// A head comes back from its bytes field for field, in a fraction of its struct.
    #[test]
    fn a_head_comes_back_from_its_bytes() {
        let head = head();
        let bytes = encode(&head);
        assert_eq!(id_len(&bytes), head.state.id.len());
        let back = decode(&bytes).expect("a head");
        assert_eq!(back.state, head.state);
        assert_eq!(back.stored_tier, head.stored_tier);
        assert_eq!(back.flags, head.flags);
        let slim = SlimHead {
            state: crate::member::MemberState::new(
                "m0042841",
                "individual",
                NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date"),
            ),
            stored_tier: None,
            flags: [false; 6],
        };
        let bytes = encode(&slim).len();
        assert!(
            bytes * 4 < std::mem::size_of::<SlimHead>(),
            "{bytes} bytes against a struct of {}",
            std::mem::size_of::<SlimHead>()
        );
    }

    /// Bytes cut short, or with anything after the head, are no head.
    #[test]
    fn bytes_that_are_not_a_head_are_refused() {
        let bytes = encode(&head());
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_none(), "cut at {len}");
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(decode(&longer).is_none());
        let mut flags = bytes.to_vec();
        *flags.last_mut().expect("a byte") |= 1 << 6;
        assert!(decode(&flags).is_none());
    }
}
