//! Members' rows held back during a first import and written in passes in id order.
//!
//! The recorder writes the row of every member it touched each time it lets books go
//! ([`crate::recording`]). At ten million purchases by a million members that is about
//! one `UPDATE members` a purchase, each landing on its own page of a table several
//! times larger than the page cache: two fifths of the writer's time (issue 14). Held
//! here, compactly, and written once the bytes reach [`HELD_ROW_BYTES`] (or before
//! anything reads the table, and before every commit), the same rows fall several to a
//! page, and a member touched twice meanwhile is written once.
//!
//! A returning member's row is held: their totals, and their profile when it changed (a
//! member imported without a joining date gets one at their first event). A new member's
//! insert is written at once. What is held is what [`Ledger::save_book`] would have
//! written, exactly: decimals with their scale, times to the nanosecond.
//!
//! [`Ledger::save_book`]: super::store::Ledger::save_book

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::decide::compact::{Reader, Writer};
use crate::member::MemberState;
use crate::word_table::WordTable;

/// The bytes of rows held before they are written (some 60 bytes a row: about 280,000
/// rows), so that a batch of the default size writes its held rows once, at its commit,
/// and a member touched several times in it is written once. The ledger's page cache
/// gives 12 MiB of its 64 back for the difference while the file is the import's
/// ([`super::bulk`]). Against 4 MiB: at two million purchases by a million members 11
/// passes instead of 34 and 0.87–0.90x the time at the same peak; at ten million the
/// same time (113–115 s of passes either way: a batch there touches most of a million
/// members, so fewer, larger passes write about as many rows) (issue 14,
/// docs/PERFORMANCE.md, thirtieth stop).
pub(super) const HELD_ROW_BYTES: usize = 16 << 20;

/// A member's row as `UPDATE members` writes it ([`super::record`]).
pub(super) struct HeldRow<'a> {
    pub id: &'a str,
    pub balance: Decimal,
    pub spend_total: Decimal,
    pub visits: i64,
    pub last_visit: Option<DateTime<Utc>>,
    pub debt: Decimal,
    pub credit: Decimal,
    pub tier: Option<&'a str>,
    pub tier_valid_until: Option<DateTime<Utc>>,
    pub tier_reviewed_at: Option<DateTime<Utc>>,
    pub greeted_through: Option<DateTime<Utc>>,
    /// The profile, if it changed since the member's row was written.
    pub profile: Option<HeldProfile<'a>>,
}

impl<'a> HeldRow<'a> {
    /// `state`'s row, with `profile` (its attributes as stored, and whether the joining
    /// date is known) its profile too.
    pub(super) fn of(state: &'a MemberState, profile: Option<(&'a str, bool)>) -> HeldRow<'a> {
        HeldRow {
            id: &state.id,
            balance: state.balance,
            spend_total: state.stats.spend_total,
            visits: state.stats.visits_total,
            last_visit: state.stats.last_visit,
            debt: state.debt,
            credit: state.credit,
            tier: state.tier.as_deref(),
            tier_valid_until: state.tier_valid_until,
            tier_reviewed_at: state.tier_reviewed_at,
            greeted_through: state.greeted_through,
            profile: profile.map(|(attributes, joined_known)| HeldProfile {
                member_type: &state.member_type,
                joined: state.joined,
                birthday: state.birthday,
                attributes,
                joined_known,
            }),
        }
    }
}

/// A member's profile as their row holds it.
pub(super) struct HeldProfile<'a> {
    pub member_type: &'a str,
    pub joined: NaiveDate,
    pub birthday: Option<NaiveDate>,
    /// As stored: JSON.
    pub attributes: &'a str,
    pub joined_known: bool,
}

/// What is held for a member ([`HeldRows::latest`]).
pub(super) enum Held<'a> {
    Nothing,
    /// Their last row, with the last profile held for them if any.
    Row(HeldRow<'a>),
    /// Maybe something: another member held shares their key. Write the rows first.
    Unknown,
}

/// A key's place when two members held share it ([`Held::Unknown`]).
const SHARED: u64 = u32::MAX as u64;

/// Rows held, one after another in `bytes`, each beginning at its place in `starts`.
pub(super) struct HeldRows {
    bytes: Vec<u8>,
    starts: Vec<u32>,
    /// Each member's last row: the top 32 bits of their id's hash over its start plus
    /// one (or [`SHARED`]). So a member's row is read back without writing what is held:
    /// a club whose books are read back from their rows (one that only earns) reads a
    /// member soon after letting them go.
    latest: WordTable,
    hasher: foldhash::quality::RandomState,
}

impl Default for HeldRows {
    fn default() -> HeldRows {
        HeldRows {
            bytes: Vec::new(),
            starts: Vec::new(),
            latest: WordTable::new(32),
            hasher: foldhash::quality::RandomState::default(),
        }
    }
}

impl HeldRows {
    /// Holds `state`'s totals, and with `profile` (its attributes as stored, and whether
    /// the joining date is known) its profile: replacing what is held for them when
    /// written.
    pub(super) fn hold(&mut self, state: &MemberState, profile: Option<(&str, bool)>) {
        if self.bytes.capacity() == 0 {
            // Once, whole: a vector doubling past the bound would hold twice it.
            self.bytes.reserve_exact(HELD_ROW_BYTES + 4096);
        }
        let start = u32::try_from(self.bytes.len()).unwrap_or(u32::MAX - 1);
        let key = self.key(&state.id);
        // A profile held before goes on in each later row (the latest row is read back
        // whole); it is the member's profile still, or it would be held anew.
        let carried = match (profile, self.latest(&state.id)) {
            (None, Held::Row(row)) => row
                .profile
                .map(|p| (p.attributes.to_owned(), p.joined_known)),
            _ => None,
        };
        let profile = profile.or(carried
            .as_ref()
            .map(|(text, known)| (text.as_str(), *known)));
        let place = match self.latest.get(key).map(|word| word & SHARED) {
            Some(SHARED) => SHARED,
            Some(place) if self.id_at(place as u32 - 1) != state.id => SHARED,
            _ => u64::from(start) + 1,
        };
        let mut writer = Writer::for_events(&[], 0);
        writer.bytes = std::mem::take(&mut self.bytes);
        raw_text(&mut writer, &state.id);
        writer.decimal(state.balance);
        writer.decimal(state.stats.spend_total);
        writer.int(state.stats.visits_total);
        writer.optional(state.stats.last_visit, Writer::time);
        writer.decimal(state.debt);
        writer.decimal(state.credit);
        writer.optional(state.tier.as_deref(), raw_text);
        writer.optional(state.tier_valid_until, Writer::time);
        writer.optional(state.tier_reviewed_at, Writer::time);
        writer.optional(state.greeted_through, Writer::time);
        writer.optional(profile, |writer, (attributes, joined_known)| {
            raw_text(writer, &state.member_type);
            date(writer, state.joined);
            writer.optional(state.birthday, date);
            raw_text(writer, attributes);
            writer.byte(u8::from(joined_known));
        });
        self.bytes = writer.bytes;
        self.starts.push(start);
        self.latest.insert(key << 32 | place);
    }

    /// The top 32 bits of `id`'s hash.
    fn key(&self, id: &str) -> u64 {
        std::hash::BuildHasher::hash_one(&self.hasher, id) >> 32
    }

    /// The id of the row at `start`.
    fn id_at(&self, start: u32) -> &str {
        let mut reader = Reader::new(self.bytes.get(start as usize..).unwrap_or_default());
        read_raw_text(&mut reader).unwrap_or_default()
    }

    /// What is held for member `id`.
    pub(super) fn latest(&self, id: &str) -> Held<'_> {
        let Some(word) = self.latest.get(self.key(id)) else {
            return Held::Nothing;
        };
        let place = word & SHARED;
        if place == SHARED {
            return Held::Unknown;
        }
        let row = self
            .bytes
            .get(place as usize - 1..)
            .and_then(decode)
            .filter(|row| row.id == id);
        match row {
            Some(row) => Held::Row(row),
            // Another member's key: theirs alone, or it would be shared.
            None => Held::Nothing,
        }
    }

    /// Whether the rows held should be written now.
    pub(super) fn is_full(&self) -> bool {
        self.bytes.len() >= HELD_ROW_BYTES
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Whether a row of member `id` may be held.
    pub(super) fn may_hold(&self, id: &str) -> bool {
        !matches!(self.latest(id), Held::Nothing)
    }

    /// Forgets every row held (what they were written for was undone).
    pub(super) fn clear(&mut self) {
        self.bytes.clear();
        self.starts.clear();
        self.latest.clear();
    }

    /// Each member's last row held, in the order of their ids (the members table's own),
    /// given to `write` with the last profile held for them; then holds none. Stops at `write`'s first error (the rows are
    /// forgotten all the same: the transaction is rolled back after a failed write).
    pub(super) fn write_in_order<E>(
        &mut self,
        mut write: impl FnMut(&HeldRow) -> Result<(), E>,
        corrupt: impl Fn() -> E,
    ) -> Result<(), E> {
        let mut starts = std::mem::take(&mut self.starts);
        let bytes = &self.bytes;
        let id_at = |start: u32| {
            let mut reader = Reader::new(bytes.get(start as usize..).unwrap_or_default());
            read_raw_text(&mut reader).unwrap_or_default()
        };
        // Stable: of a member's rows, the one held last comes last.
        starts.sort_by(|&a, &b| id_at(a).cmp(id_at(b)));
        let mut outcome = Ok(());
        // Of a member's rows, the last with a profile (a later one without had the same).
        let mut profile_at = None;
        for (at, &start) in starts.iter().enumerate() {
            let row = bytes.get(start as usize..).and_then(decode);
            if row.as_ref().is_some_and(|row| row.profile.is_some()) {
                profile_at = Some(start);
            }
            if starts
                .get(at + 1)
                .is_some_and(|&next| id_at(next) == id_at(start))
            {
                continue;
            }
            let row = row.map(|mut row| {
                if row.profile.is_none() {
                    row.profile = profile_at
                        .and_then(|start| bytes.get(start as usize..))
                        .and_then(decode)
                        .and_then(|held| held.profile);
                }
                row
            });
            profile_at = None;
            outcome = match row {
                Some(row) => write(&row),
                None => Err(corrupt()),
            };
            if outcome.is_err() {
                break;
            }
        }
        starts.clear();
        self.starts = starts;
        self.bytes.clear();
        self.latest.clear();
        outcome
    }
}

/// A text as its length and bytes (an id or a tier: no table of texts for one row).
fn raw_text(writer: &mut Writer, text: &str) {
    writer.count(text.len());
    writer.bytes.extend_from_slice(text.as_bytes());
}

fn read_raw_text<'b>(reader: &mut Reader<'b>) -> Option<&'b str> {
    let len = reader.count()?;
    std::str::from_utf8(reader.take(len)?).ok()
}

/// A date as its count of days from the first of the common era.
fn date(writer: &mut Writer, date: NaiveDate) {
    writer.int(i64::from(date.num_days_from_ce()));
}

fn read_date(reader: &mut Reader) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(reader.int()?).ok()?)
}

fn read_profile<'b>(reader: &mut Reader<'b>) -> Option<HeldProfile<'b>> {
    Some(HeldProfile {
        member_type: read_raw_text(reader)?,
        joined: read_date(reader)?,
        birthday: reader.optional(read_date)?,
        attributes: read_raw_text(reader)?,
        joined_known: reader.byte()? != 0,
    })
}

fn decode(bytes: &[u8]) -> Option<HeldRow<'_>> {
    let mut reader = Reader::new(bytes);
    Some(HeldRow {
        id: read_raw_text(&mut reader)?,
        balance: reader.decimal()?,
        spend_total: reader.decimal()?,
        visits: reader.int()?,
        last_visit: reader.optional(Reader::time)?,
        debt: reader.decimal()?,
        credit: reader.decimal()?,
        tier: reader.optional(read_raw_text)?,
        tier_valid_until: reader.optional(Reader::time)?,
        tier_reviewed_at: reader.optional(Reader::time)?,
        greeted_through: reader.optional(Reader::time)?,
        profile: reader.optional(read_profile)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::str::FromStr;

    fn member(id: &str, balance: &str, tier: Option<&str>) -> MemberState {
        let joined = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let mut state = MemberState::new(id, "individual", joined);
        state.balance = Decimal::from_str(balance).unwrap();
        state.stats.spend_total = Decimal::from_str("1234567.8900").unwrap();
        state.stats.visits_total = 7;
        state.stats.last_visit = Some(Utc.with_ymd_and_hms(2025, 3, 21, 23, 59, 59).unwrap());
        state.debt = Decimal::from_str("-0.5").unwrap();
        state.tier = tier.map(str::to_owned);
        state.tier_valid_until = Some(
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
                + chrono::Duration::nanoseconds(123_456_789),
        );
        state
    }

    fn written(held: &mut HeldRows) -> Vec<String> {
        let mut rows = Vec::new();
        held.write_in_order(
            |row| {
                let profile = row.profile.as_ref().map(|p| {
                    format!(
                        " [{} {} {:?} {} {}]",
                        p.member_type, p.joined, p.birthday, p.attributes, p.joined_known
                    )
                });
                rows.push(format!(
                    "{} {} {} {} {:?} {} {} {:?} {:?} {:?} {:?}{}",
                    row.id,
                    row.balance,
                    row.spend_total,
                    row.visits,
                    row.last_visit,
                    row.debt,
                    row.credit,
                    row.tier,
                    row.tier_valid_until,
                    row.tier_reviewed_at,
                    row.greeted_through,
                    profile.unwrap_or_default()
                ));
                Ok::<(), ()>(())
            },
            || (),
        )
        .unwrap();
        rows
    }

    #[test]
    fn rows_come_back_exact_in_id_order_each_members_last() {
        let mut held = HeldRows::default();
        held.hold(&member("m3", "10", None), None);
        held.hold(&member("m1", "2.50", Some("gold")), None);
        held.hold(&member("m3", "11", Some("silver")), None);
        held.hold(&member("m2", "0", None), None);
        assert!(held.may_hold("m1") && held.may_hold("m3"));
        let rows = written(&mut held);
        let expected_tail = "1234567.8900 7 Some(2025-03-21T23:59:59Z) -0.5 0";
        assert_eq!(
            rows,
            [
                format!("m1 2.50 {expected_tail} Some(\"gold\") Some(2026-01-01T00:00:00.123456789Z) None None"),
                format!("m2 0 {expected_tail} None Some(2026-01-01T00:00:00.123456789Z) None None"),
                format!("m3 11 {expected_tail} Some(\"silver\") Some(2026-01-01T00:00:00.123456789Z) None None"),
            ]
        );
        assert!(held.is_empty() && !held.may_hold("m1"));
        assert!(written(&mut held).is_empty());
    }

    #[test]
    fn a_members_last_profile_goes_with_their_last_totals() {
        let mut held = HeldRows::default();
        let mut with_birthday = member("m1", "1", None);
        with_birthday.birthday = chrono::NaiveDate::from_ymd_opt(1990, 2, 28);
        held.hold(&member("m1", "0", None), Some(("{}", false)));
        held.hold(&with_birthday, Some(("{\"city\":\"Tabriz\"}", true)));
        // Later totals of the same member (their profile as it was held).
        let mut later = member("m1", "2", None);
        later.birthday = with_birthday.birthday;
        held.hold(&later, None);
        held.hold(&member("m2", "3", None), None);
        let rows = written(&mut held);
        assert_eq!(rows.len(), 2);
        assert!(
            rows[0].starts_with("m1 2 ")
                && rows[0].ends_with(
                    " [individual 2024-01-01 Some(1990-02-28) {\"city\":\"Tabriz\"} true]"
                ),
            "{rows:?}"
        );
        assert!(
            rows[1].starts_with("m2 3 ") && !rows[1].contains('['),
            "{rows:?}"
        );
    }

    #[test]
    fn a_members_latest_row_is_found_with_the_profile_held_before_it() {
        let mut held = HeldRows::default();
        held.hold(&member("m1", "1", None), Some(("{\"a\":\"b\"}", true)));
        held.hold(&member("m2", "5", None), None);
        held.hold(&member("m1", "3", Some("gold")), None);
        let Held::Row(row) = held.latest("m1") else {
            panic!("m1 is held");
        };
        assert_eq!((row.balance, row.tier), (Decimal::from(3), Some("gold")));
        let profile = row.profile.expect("the profile held before");
        assert_eq!(
            (profile.attributes, profile.joined_known),
            ("{\"a\":\"b\"}", true)
        );
        let Held::Row(row) = held.latest("m2") else {
            panic!("m2 is held");
        };
        assert!(row.balance == Decimal::from(5) && row.profile.is_none());
        assert!(matches!(held.latest("m3"), Held::Nothing));
    }

    #[test]
    fn a_key_two_members_share_says_unknown_and_anothers_row_is_not_theirs() {
        let mut held = HeldRows::default();
        held.hold(&member("m1", "1", None), None);
        // m2's key pointing at m1's row (as if their hashes shared 32 bits): not m2's.
        let m1 = held.latest.get(held.key("m1")).expect("m1's place");
        held.latest.insert(held.key("m2") << 32 | (m1 & SHARED));
        assert!(matches!(held.latest("m2"), Held::Nothing));
        // Holding m2 then finds the key taken by another: shared, unknown for both.
        let key = held.key("m2");
        held.hold(&member("m2", "2", None), None);
        assert_eq!(held.latest.get(key).map(|word| word & SHARED), Some(SHARED));
        assert!(matches!(held.latest("m2"), Held::Unknown));
        assert!(held.may_hold("m2"));
        let rows = written(&mut held);
        assert_eq!(rows.len(), 2, "{rows:?}");
    }

    #[test]
    fn a_row_held_after_clearing_is_the_only_one() {
        let mut held = HeldRows::default();
        held.hold(&member("m1", "5", None), None);
        held.clear();
        assert!(!held.may_hold("m1"));
        held.hold(&member("m2", "6", None), None);
        let rows = written(&mut held);
        assert_eq!(rows.len(), 1);
        assert!(rows[0].starts_with("m2 6 "), "{rows:?}");
    }

    #[test]
    fn the_bound_is_reached_by_bytes() {
        let mut held = HeldRows::default();
        let state = member("m0000001", "123456", Some("gold"));
        let mut rows = 0;
        while !held.is_full() {
            held.hold(&state, None);
            rows += 1;
        }
        // Some 60 bytes a row, as the bound's note says.
        assert!(
            (HELD_ROW_BYTES / 80..HELD_ROW_BYTES / 40).contains(&rows),
            "{rows}"
        );
        assert!(held.bytes.capacity() <= HELD_ROW_BYTES + 4096);
        assert_eq!(written(&mut held).len(), 1);
    }
}
