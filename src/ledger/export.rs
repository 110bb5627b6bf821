//! What `bashgah export` reads: every member, entry, lot or message of a club, streamed
//! row by row from one consistent snapshot of the ledger (memory stays flat however many
//! there are), as plain records for [`crate::export`] to write out.
//!
//! Members and entries can be read as they stood at a past instant: the ledger is
//! append-only, so an entry's time says whether it had happened, and a member's balance
//! is the sum of their entries up to then (their tier, the last tier change up to then).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::db::{args, Db, Row};
use super::store::{Ledger, LedgerError};
use crate::time::stored;

type Result<T> = std::result::Result<T, LedgerError>;

/// A member, as exported.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MemberRecord {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub joined: String,
    pub birthday: Option<String>,
    #[schemars(with = "rust_decimal::Decimal")]
    pub balance: String,
    pub tier: Option<String>,
}

/// A member as a list or a search shows them: the record, and the profile's values.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ListedMember {
    #[serde(flatten)]
    pub record: MemberRecord,
    /// The member's profile (name, phone, email...), as the members file gave it.
    pub profile: serde_json::Map<String, serde_json::Value>,
}

/// A page of a member search: the members found, and how far it read.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    pub found: Vec<ListedMember>,
    /// The last member the search read, when there are more after it: the next page
    /// starts after them. `None`: the search read to the last member.
    pub read_to: Option<String>,
}

/// A ledger entry, as exported.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EntryRecord {
    pub seq: i64,
    pub member: String,
    pub event: String,
    pub time: String,
    pub rule: String,
    pub kind: String,
    #[schemars(with = "rust_decimal::Decimal")]
    pub points: String,
    pub reason: String,
    pub policy_version: String,
}

/// A lot (points earned together, spent oldest first), as exported.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LotRecord {
    pub seq: i64,
    pub member: String,
    pub event: String,
    #[schemars(with = "rust_decimal::Decimal")]
    pub points: String,
    #[schemars(with = "rust_decimal::Decimal")]
    pub remaining: String,
    #[schemars(with = "rust_decimal::Decimal")]
    pub expired: String,
    pub earned_at: String,
    pub spendable_at: String,
    pub expires_at: Option<String>,
}

/// A message in the outbox, as exported.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MessageRecord {
    pub seq: i64,
    pub member: String,
    pub occasion: String,
    pub channel: String,
    pub created_at: String,
    pub deliver_after: String,
    pub language: String,
    pub status: String,
    pub attempts: i64,
    pub sent_at: Option<String>,
    pub text: String,
}

const MEMBERS_NOW: &str =
    "SELECT id, type, joined, birthday, balance, tier FROM members ORDER BY id";

// One row per member and entry up to ?1, members in id order: the balance is summed here,
// exactly (SQLite would sum decimal text as floating point). The join finds entries by
// member without an index of its own: SQLite makes a transient one, PostgreSQL hashes.
const MEMBERS_AT: &str = "SELECT m.id, m.type, m.joined, m.birthday,
       (SELECT t.to_tier FROM tier_changes t WHERE t.member = m.id AND t.time <= ?1 ORDER BY t.seq DESC LIMIT 1),
       e.points
     FROM members m LEFT JOIN (SELECT member, points FROM ledger WHERE time <= ?1) e ON e.member = m.id
     WHERE m.joined <= ?1
     ORDER BY m.id";

const ENTRIES: &str = "SELECT seq, member, event, time, rule, kind, points, reason, (SELECT p.id FROM policy_versions p WHERE p.number = ledger.policy) AS policy_version
     FROM ledger WHERE time <= ?1 ORDER BY seq";

const LOTS: &str =
    "SELECT seq, member, event, points, remaining, expired, earned_at, pending_until, expires_at
     FROM lots ORDER BY seq";

const MESSAGES: &str = "SELECT seq, member, occasion, channel, created_at, deliver_after, language, status, attempts, sent_at, text
     FROM messages ORDER BY seq";

/// A member's latest messages, newest first (on `messages_member_day`).
const MEMBER_MESSAGES: &str = "SELECT seq, member, occasion, channel, created_at, deliver_after, language, status, attempts, sent_at, text
     FROM messages WHERE member = ?1 ORDER BY seq DESC LIMIT ?2";

const MEMBER_PAGE: &str =
    "SELECT id, type, joined, birthday, balance, tier, attributes FROM members
     WHERE id > ?1 ORDER BY id LIMIT ?2";

/// The id of the last of the `?2` members after `?1`: how far one page of a search
/// reads (on the id index alone).
const SEARCH_WINDOW: &str =
    "SELECT MAX(id) FROM (SELECT id FROM members WHERE id > ?1 ORDER BY id LIMIT ?2) AS scanned";

/// Whether any member comes after `?1`.
const MEMBER_AFTER: &str = "SELECT id FROM members WHERE id > ?1 ORDER BY id LIMIT 1";

/// Members of a search's window a search may match: the text in the id, or anywhere in
/// the profile's JSON (in lower case, or with Persian or Arabic-Indic digits, as a members
/// file may hold them). Only a first sieve: [`profile_matches`] then looks at the values
/// alone. On SQLite, read on the index that holds the profiles (migration 14): the sieve
/// then reads no table row but those it lets through (three times faster at a million
/// members).
const MEMBER_SEARCH_SQLITE: &str =
    "SELECT id, type, joined, birthday, balance, tier, attributes FROM members
     INDEXED BY members_id_attributes
     WHERE id > ?1 AND id <= ?2 AND (LOWER(id) LIKE ?3 ESCAPE '\\' OR LOWER(attributes) LIKE ?3 ESCAPE '\\'
        OR attributes LIKE ?4 ESCAPE '\\' OR attributes LIKE ?5 ESCAPE '\\')
     ORDER BY id LIMIT ?6";

/// [`MEMBER_SEARCH_SQLITE`] on PostgreSQL, which chooses its own index.
const MEMBER_SEARCH_POSTGRES: &str =
    "SELECT id, type, joined, birthday, balance, tier, attributes FROM members
     WHERE id > ?1 AND id <= ?2 AND (LOWER(id) LIKE ?3 ESCAPE '\\' OR LOWER(attributes) LIKE ?3 ESCAPE '\\'
        OR attributes LIKE ?4 ESCAPE '\\' OR attributes LIKE ?5 ESCAPE '\\')
     ORDER BY id LIMIT ?6";

const CHANGE_PAGE: &str =
    "SELECT seq, member, event, time, rule, kind, points, reason, (SELECT p.id FROM policy_versions p WHERE p.number = ledger.policy) AS policy_version
     FROM ledger WHERE seq > ?1 ORDER BY seq LIMIT ?2";

const LOT_PAGE: &str =
    "SELECT seq, member, event, points, remaining, expired, earned_at, pending_until, expires_at
     FROM lots WHERE seq > ?1 ORDER BY seq LIMIT ?2";

const MESSAGE_PAGE: &str = "SELECT seq, member, occasion, channel, created_at, deliver_after, language, status, attempts, sent_at, text
     FROM messages WHERE seq > ?1 ORDER BY seq LIMIT ?2";

/// The latest time text can hold: entries "up to the end of time".
const END_OF_TIME: &str = "9999-12-31T23:59:59Z";

impl Ledger {
    /// Runs `read` on one consistent snapshot of the ledger: what other writers commit
    /// meanwhile is not seen, so an export's members and their entries agree.
    ///
    /// A read of whole tables uses each page once, so SQLite's page cache is kept to
    /// SQLite's own default (2 MB) while it runs, rather than the 64 MB the writer keeps:
    /// memory then stays the same on a million members as on ten thousand. The cache is
    /// given back afterwards.
    pub fn in_snapshot<T>(&self, read: impl FnOnce(&Ledger) -> Result<T>) -> Result<T> {
        let (begin, cache) = match self.db() {
            Db::Sqlite(conn) => {
                let cache: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
                conn.pragma_update(None, "cache_size", -2_000)?;
                ("BEGIN", Some(cache))
            }
            Db::Postgres(_) => ("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", None),
        };
        self.db().batch(begin)?;
        let result = read(self);
        let ended = self.db().batch("ROLLBACK");
        if let (Db::Sqlite(conn), Some(cache)) = (self.db(), cache) {
            conn.pragma_update(None, "cache_size", cache)?;
        }
        ended?;
        result
    }

    /// Every member in id order: as now, or, with `at`, as they stood then (members who
    /// had joined, their balance and tier at that instant).
    pub fn export_members(
        &self,
        at: Option<DateTime<Utc>>,
        mut each: impl FnMut(MemberRecord) -> Result<()>,
    ) -> Result<()> {
        let Some(at) = at else {
            return self
                .db()
                .stream(MEMBERS_NOW, args![], |r| each(member_record(r)?));
        };
        let mut current: Option<(MemberRecord, Decimal)> = None;
        let finish = |done: Option<(MemberRecord, Decimal)>,
                      each: &mut dyn FnMut(MemberRecord) -> Result<()>|
         -> Result<()> {
            if let Some((mut member, balance)) = done {
                member.balance = balance.normalize().to_string();
                each(member)?;
            }
            Ok(())
        };
        self.db().stream(MEMBERS_AT, args![stored(at)], |r| {
            let id: String = r.get(0)?;
            if current.as_ref().is_none_or(|(m, _)| m.id != id) {
                finish(current.take(), &mut each)?;
                current = Some((
                    MemberRecord {
                        id,
                        kind: r.get(1)?,
                        joined: r.get(2)?,
                        birthday: r.get(3)?,
                        balance: String::new(),
                        tier: r.get(4)?,
                    },
                    Decimal::ZERO,
                ));
            }
            if let (Some(points), Some((_, balance))) = (r.get::<Option<String>>(5)?, &mut current)
            {
                let points: Decimal = points.parse().map_err(|_| {
                    LedgerError::corrupt(format!("an entry's points are not a number: `{points}`"))
                })?;
                *balance = balance.checked_add(points).ok_or_else(|| {
                    LedgerError::corrupt("a member's balance is beyond what can be counted")
                })?;
            }
            Ok(())
        })?;
        finish(current.take(), &mut each)
    }

    /// Up to `limit` members whose id sorts after `after`, in id order: a page of the
    /// member list (`GET …/members?after=`).
    pub fn member_page(&self, after: &str, limit: u32) -> Result<Vec<ListedMember>> {
        self.db()
            .query(MEMBER_PAGE, args![after, i64::from(limit)], listed_member)
    }

    /// Up to `limit` members whose id sorts after `after` and whose id or a profile value
    /// (name, phone, email...) holds `text`, ignoring case and which script its digits are
    /// written in: a page of a member search (`GET …/members?q=`).
    ///
    /// A search reads at most `budget` members after `after`, in id order: a rare text in a
    /// club of a million members would otherwise read them all for one page (seconds).
    /// [`Search::read_to`] says where it stopped, so that the next page goes on from there.
    pub fn member_search(
        &self,
        after: &str,
        text: &str,
        limit: u32,
        budget: u32,
    ) -> Result<Search> {
        let wanted = normalised(text);
        let pattern = |digits: Option<char>| {
            let mut like = String::from("%");
            for c in wanted.chars() {
                match (c, digits) {
                    ('%' | '_' | '\\', _) => {
                        like.push('\\');
                        like.push(c);
                    }
                    ('0'..='9', Some(zero)) => like
                        .push(char::from_u32(zero as u32 + (c as u32 - '0' as u32)).unwrap_or(c)),
                    _ => like.push(c),
                }
            }
            like.push('%');
            like
        };
        let (plain, persian, arabic) = (pattern(None), pattern(Some('۰')), pattern(Some('٠')));
        // The last member the budget reaches (on the id index alone), then the search
        // within that window.
        let budget = i64::from(budget.max(1));
        let bound: Option<String> = self
            .db()
            .query(SEARCH_WINDOW, args![after, budget], |r| r.get(0))?
            .into_iter()
            .next()
            .flatten();
        let Some(bound) = bound else {
            return Ok(Search {
                found: Vec::new(),
                read_to: None,
            });
        };
        let sql = if self.is_postgres() {
            MEMBER_SEARCH_POSTGRES
        } else {
            MEMBER_SEARCH_SQLITE
        };
        let mut found = Vec::new();
        let mut from = after.to_owned();
        // The sieve lets through members whose profile holds the text only in a key: read
        // on in chunks until the page is full or the window is read.
        let chunk = i64::from(limit.max(100));
        loop {
            let rows: Vec<ListedMember> = self.db().query(
                sql,
                args![from, bound, plain, persian, arabic, chunk],
                listed_member,
            )?;
            let full = rows.len() as i64 == chunk;
            for member in rows {
                from.clone_from(&member.record.id);
                if normalised(&member.record.id).contains(&wanted)
                    || profile_matches(&member.profile, &wanted)
                {
                    found.push(member);
                    if found.len() == limit as usize {
                        return Ok(Search {
                            found,
                            read_to: Some(from),
                        });
                    }
                }
            }
            if !full {
                break;
            }
        }
        // A window shorter than the budget reached the last member.
        let members_left = self
            .db()
            .query(MEMBER_AFTER, args![bound], |r| r.get::<String>(0))?
            .into_iter()
            .next()
            .is_some();
        Ok(Search {
            found,
            read_to: members_left.then_some(bound),
        })
    }

    /// Up to `limit` entries written after entry `after`, in the order they were written:
    /// a page of the change feed (`GET …/changes?after=`). Entries are numbered as they
    /// are committed, one writer per club at a time (on PostgreSQL too: the club's write
    /// lock), so a reader who asks again from the last number it saw misses none and sees
    /// none twice.
    pub fn change_page(&self, after: i64, limit: u32) -> Result<Vec<EntryRecord>> {
        self.db()
            .query(CHANGE_PAGE, args![after, i64::from(limit)], entry_record)
    }

    /// Every entry in the order it was written, up to `at` (every one without).
    pub fn export_entries(
        &self,
        at: Option<DateTime<Utc>>,
        mut each: impl FnMut(EntryRecord) -> Result<()>,
    ) -> Result<()> {
        let until = at.map_or_else(|| END_OF_TIME.to_owned(), stored);
        self.db()
            .stream(ENTRIES, args![until], |r| each(entry_record(r)?))
    }

    /// Every lot as it stands now.
    pub fn export_lots(&self, mut each: impl FnMut(LotRecord) -> Result<()>) -> Result<()> {
        self.db().stream(LOTS, args![], |r| each(lot_record(r)?))
    }

    /// Every message in the outbox, in the order they were queued.
    pub fn export_messages(&self, mut each: impl FnMut(MessageRecord) -> Result<()>) -> Result<()> {
        self.db()
            .stream(MESSAGES, args![], |r| each(message_record(r)?))
    }

    /// The member's latest `limit` messages (queued, sent, held or failed), newest first.
    pub fn member_messages(&self, member: &str, limit: u32) -> Result<Vec<MessageRecord>> {
        self.db().query(
            MEMBER_MESSAGES,
            args![member, i64::from(limit)],
            message_record,
        )
    }

    /// Up to `limit` lots numbered after `after`, in order: a page of `GET …/lots`.
    pub fn lot_page(&self, after: i64, limit: u32) -> Result<Vec<LotRecord>> {
        self.db()
            .query(LOT_PAGE, args![after, i64::from(limit)], lot_record)
    }

    /// Up to `limit` messages queued after message `after`, in order: a page of
    /// `GET …/messages`.
    pub fn message_page(&self, after: i64, limit: u32) -> Result<Vec<MessageRecord>> {
        self.db()
            .query(MESSAGE_PAGE, args![after, i64::from(limit)], message_record)
    }
}

/// A lot row of [`LOTS`] or [`LOT_PAGE`].
fn lot_record(r: &Row<'_>) -> Result<LotRecord> {
    Ok(LotRecord {
        seq: r.get(0)?,
        member: r.get(1)?,
        event: r.get(2)?,
        points: r.get(3)?,
        remaining: r.get(4)?,
        expired: r.get(5)?,
        earned_at: instant(r.get(6)?)?,
        spendable_at: instant(r.get(7)?)?,
        expires_at: r.get::<Option<i64>>(8)?.map(instant).transpose()?,
    })
}

/// A message row of [`MESSAGES`] or [`MESSAGE_PAGE`].
fn message_record(r: &Row<'_>) -> Result<MessageRecord> {
    Ok(MessageRecord {
        seq: r.get(0)?,
        member: r.get(1)?,
        occasion: r.get(2)?,
        channel: r.get(3)?,
        created_at: r.get(4)?,
        deliver_after: r.get(5)?,
        language: r.get(6)?,
        status: r.get(7)?,
        attempts: r.get(8)?,
        sent_at: r.get(9)?,
        text: r.get(10)?,
    })
}

/// `text` as a search compares it: lower case, ASCII digits.
fn normalised(text: &str) -> String {
    crate::digits::to_ascii(text).to_lowercase()
}

/// Whether a value of the profile holds `wanted` (already [`normalised`]).
fn profile_matches(profile: &serde_json::Map<String, serde_json::Value>, wanted: &str) -> bool {
    profile.values().any(|value| match value {
        serde_json::Value::String(text) => normalised(text).contains(wanted),
        serde_json::Value::Number(number) => number.to_string().contains(wanted),
        _ => false,
    })
}

/// A member row of [`MEMBER_PAGE`] or a search, with the profile (column 6).
fn listed_member(r: &Row<'_>) -> Result<ListedMember> {
    let profile = match serde_json::from_str(&r.get::<String>(6)?) {
        Ok(serde_json::Value::Object(fields)) => fields,
        _ => serde_json::Map::new(),
    };
    Ok(ListedMember {
        record: member_record(r)?,
        profile,
    })
}

/// A member row of [`MEMBERS_NOW`], [`MEMBER_PAGE`] or a search.
fn member_record(r: &Row<'_>) -> Result<MemberRecord> {
    Ok(MemberRecord {
        id: r.get(0)?,
        kind: r.get(1)?,
        joined: r.get(2)?,
        birthday: r.get(3)?,
        balance: r.get(4)?,
        tier: r.get(5)?,
    })
}

/// An entry row of [`ENTRIES`] or [`CHANGE_PAGE`].
fn entry_record(r: &Row<'_>) -> Result<EntryRecord> {
    Ok(EntryRecord {
        seq: r.get(0)?,
        member: r.get(1)?,
        event: r.get(2)?,
        time: r.get(3)?,
        rule: r.get(4)?,
        kind: r.get(5)?,
        points: r.get(6)?,
        reason: r.get(7)?,
        policy_version: r.get(8)?,
    })
}

/// A lot's time (seconds since 1970) as stored text.
fn instant(seconds: i64) -> Result<String> {
    DateTime::from_timestamp(seconds, 0)
        .map(stored)
        .ok_or_else(|| LedgerError::corrupt(format!("a lot's time is out of range: {seconds}")))
}

#[cfg(test)]
mod search_tests {
    use super::*;

    /// Members `M01`…`M10`; M03 and M08 are called Sara.
    fn ten_members() -> Ledger {
        let ledger = Ledger::open_in_memory().unwrap();
        let mut sql = String::new();
        for n in 1..=10 {
            let name = if n == 3 || n == 8 { "Sara" } else { "Reza" };
            sql.push_str(&format!(
                "INSERT INTO members (id, type, joined, attributes) VALUES ('M{n:02}', 'individual', '2025-01-01', '{{\"name\": \"{name}\"}}');"
            ));
        }
        ledger.db().batch(&sql).unwrap();
        ledger
    }

    fn ids(search: &Search) -> Vec<&str> {
        search.found.iter().map(|m| m.record.id.as_str()).collect()
    }

    #[test]
    fn a_search_reads_at_most_its_budget_and_says_where_it_stopped() {
        let ledger = ten_members();
        // Four members a page: M01-M04 holds M03, M05-M08 holds M08, M09-M10 none.
        let first = ledger.member_search("", "sara", 50, 4).unwrap();
        assert_eq!(
            (ids(&first), first.read_to.as_deref()),
            (vec!["M03"], Some("M04"))
        );
        assert_eq!(first.found[0].profile["name"], "Sara");
        let second = ledger.member_search("M04", "sara", 50, 4).unwrap();
        assert_eq!(
            (ids(&second), second.read_to.as_deref()),
            (vec!["M08"], Some("M08"))
        );
        let last = ledger.member_search("M08", "sara", 50, 4).unwrap();
        assert_eq!((ids(&last), last.read_to.as_deref()), (vec![], None));
        // A full page stops at its last member, before the budget is spent.
        let full = ledger.member_search("", "sara", 1, 100).unwrap();
        assert_eq!(
            (ids(&full), full.read_to.as_deref()),
            (vec!["M03"], Some("M03"))
        );
        // The whole club in one window: nothing more to read.
        let all = ledger.member_search("", "sara", 50, 100).unwrap();
        assert_eq!(
            (ids(&all), all.read_to.as_deref()),
            (vec!["M03", "M08"], None)
        );
    }
}
