//! Reading a member's whole book for the decision stage ([`MemberBook`]), and the next free
//! numbers for lots and deal enrolments.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use chrono::DateTime;

use super::db::args;
use super::store::{decimal, Ledger, LedgerError};
use crate::decide::{
    shared_text, BookNeeds, ChallengeFact, EntryFact, EventFact, Ids, LotFact, MemberBook,
    MessageFact, ReturnShare, SpendFact,
};
use crate::engine::EntryKind;
use crate::event::EventType;
use crate::time::from_stored;

type Result<T> = std::result::Result<T, LedgerError>;

// What a member's book is read from (one statement each; see `Ledger::prefetch_book`).
const HISTORY_EVENTS: &str =
    "SELECT id, type, time, amount, original, currency, original_amount, rate FROM events WHERE member = ?1 ORDER BY seq";
const HISTORY_ENTRIES: &str = "SELECT l.event, l.time, l.rule, l.kind, l.points, (SELECT p.id FROM policy_versions p WHERE p.number = l.policy) AS policy_version FROM events e JOIN ledger l ON l.event_seq = e.seq
     WHERE e.member = ?1 AND l.member = ?1 AND l.kind IN ('earn', 'reverse') ORDER BY l.seq";
const RETURN_SHARES: &str = "SELECT s.return_event, s.original, s.rule, s.policy_version, s.points, s.taken, s.owed, s.forgiven, s.expired
     FROM events e JOIN return_shares s ON s.original = e.id WHERE e.member = ?1";
// A member's lots are found through their events (`events_member_time`, then `lots_event_seq`),
// as their entries are: a lot is written for every award, and an index ordered by member
// would cost each one a b-tree insert scattered over the whole index (see migration 21).
const OPEN_LOTS: &str =
    "SELECT l.seq, l.event, l.points, l.remaining, l.expired, l.earned_at, l.pending_until, l.expires_at
     FROM events ev JOIN lots l ON l.event_seq = ev.seq
     WHERE ev.member = ?1 AND l.member = ?1 AND l.remaining != '0' ORDER BY l.earned_at, l.seq";
const ALL_LOTS: &str =
    "SELECT l.seq, l.event, l.points, l.remaining, l.expired, l.earned_at, l.pending_until, l.expires_at
     FROM events ev JOIN lots l ON l.event_seq = ev.seq
     WHERE ev.member = ?1 AND l.member = ?1 ORDER BY l.earned_at, l.seq";
const NOTICES: &str = "SELECT key FROM notices WHERE member = ?1";
const MESSAGES: &str =
    "SELECT key, channel, day, status FROM messages WHERE member = ?1 ORDER BY seq";
const CONSENTS: &str = "SELECT channel, granted FROM consents WHERE member = ?1";
const CHALLENGES: &str = "SELECT challenge, period, purchases, spend, completed_at FROM challenge_progress WHERE member = ?1";
const BADGES: &str = "SELECT badge FROM badges WHERE member = ?1";
const CAMPAIGN_SPEND: &str = "SELECT campaign, day, points FROM campaign_spend WHERE member = ?1";
/// A member's redemptions that stand (a cancelled one no longer counts to a limit).
const REDEMPTIONS: &str = "SELECT reward FROM redemptions r WHERE member = ?1
    AND NOT EXISTS (SELECT 1 FROM redemption_cancels c WHERE c.redemption = r.event)";

fn instant(text: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    from_stored(text)
        .ok_or_else(|| LedgerError::corrupt(format!("`{text}` in the ledger is not a time")))
}

/// An instant the ledger keeps as Unix seconds (lots' times).
pub(super) fn seconds(value: i64) -> Result<chrono::DateTime<chrono::Utc>> {
    DateTime::from_timestamp(value, 0)
        .ok_or_else(|| LedgerError::corrupt(format!("`{value}` in the ledger is not a time")))
}

fn entry_kind(text: &str) -> Option<EntryKind> {
    Some(match text {
        "earn" => EntryKind::Earn,
        "reverse" => EntryKind::Reverse,
        _ => return None,
    })
}

impl Ledger {
    /// The numbers the next lot and the next deal enrolment get.
    pub fn next_ids(&self) -> Result<Ids> {
        let (lot, enrollment): (i64, i64) = self.db().query_one(
            "SELECT (SELECT COALESCE(MAX(seq), 0) + 1 FROM lots), (SELECT COALESCE(MAX(seq), 0) + 1 FROM deal_enrollments)",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Ids {
            next_lot: lot,
            next_enrollment: enrollment,
        })
    }

    /// What the decision stage needs to know about member `id` (`needs` says which of
    /// their facts); `None` if the ledger has never seen them.
    pub fn load_book(&self, id: &str, needs: BookNeeds) -> Result<Option<MemberBook>> {
        self.prefetch_book(id, needs)?;
        let book = self.read_book(id, needs);
        self.db().forget_prefetched();
        book
    }

    /// On PostgreSQL, every statement [`Ledger::read_book`] will run for member `id`, asked
    /// in one round trip instead of a dozen (SQLite reads in-process and skips this). The
    /// list follows `read_book`'s: a statement left out here is simply asked on its own.
    fn prefetch_book(&self, id: &str, needs: BookNeeds) -> Result<()> {
        if !self.books_in_one_trip() {
            return Ok(());
        }
        let member = args![id];
        let mut queries: Vec<(&'static str, &[&dyn super::db::Param])> =
            vec![(super::store::MEMBER_ROW, member)];
        if needs.deals {
            queries.push((super::deals::DEAL_STATUSES, member));
        }
        if needs.history {
            queries.extend([
                (HISTORY_EVENTS, member),
                (HISTORY_ENTRIES, member),
                (ALL_LOTS, member),
                (RETURN_SHARES, member),
            ]);
        }
        if needs.notices {
            queries.push((NOTICES, member));
        }
        if needs.messages {
            queries.extend([(MESSAGES, member), (CONSENTS, member)]);
        }
        if needs.challenges {
            queries.extend([(CHALLENGES, member), (BADGES, member)]);
        }
        if needs.campaign_spend {
            queries.push((CAMPAIGN_SPEND, member));
        }
        if needs.redemptions {
            queries.push((REDEMPTIONS, member));
        }
        // One statement gains nothing: asked on its own it runs prepared, which a batch
        // of text queries cannot (an import into PostgreSQL took twice as long when even
        // lone member rows went through a batch).
        if queries.len() < 2 {
            return Ok(());
        }
        self.db().prefetch(&queries)
    }

    fn read_book(&self, id: &str, needs: BookNeeds) -> Result<Option<MemberBook>> {
        let Some((state, joined_known)) = self.member_row(id, needs.deals)? else {
            return Ok(None);
        };
        let mut book = MemberBook::new(state, joined_known);
        book.is_new = false;
        book.history = false;
        book.lots_loaded = false;
        if needs.history {
            if self.has_no_events(id) {
                // What reading their history would give: no events, entries, lots or
                // return shares (a new ledger's first import; `ledger::bulk`).
                book.history = true;
                book.lots_loaded = true;
            } else {
                self.load_history(&mut book)?;
            }
        }
        if needs.notices {
            self.load_notices(&mut book)?;
        }
        if needs.messages {
            self.load_messages(&mut book)?;
        }
        if needs.challenges {
            self.load_challenges(&mut book)?;
        }
        if needs.campaign_spend {
            self.load_campaign_spend(&mut book)?;
        }
        if needs.redemptions {
            self.load_redemptions(&mut book)?;
        }
        if needs.groups {
            self.load_groups(&mut book)?;
        }
        Ok(Some(book))
    }

    /// Reads the member's whole history into `book` (once): events and their ids, earn
    /// and reverse entries, every lot, and what returns stood for.
    pub fn load_history(&self, book: &mut MemberBook) -> Result<()> {
        if book.history {
            return Ok(());
        }
        self.member_order()?;
        let id = book.state.id.clone();
        let id = id.as_str();

        // Everything recorded so far is in the ledger: what is read replaces what the
        // book held. Sealed lots name their events by place among the book's: decoded
        // before those are replaced (every lot is read again below in any case).
        book.unseal_lots();
        book.events.clear();
        let mut ids = HashSet::new();
        self.db().for_each(HISTORY_EVENTS, args![id], |row| {
            let event: String = row.get(0)?;
            let kind: String = row.get(1)?;
            let kind = EventType::parse(&kind);
            let Some(kind) = kind.filter(|k| k.importable()) else {
                // Not in `events`: its id is kept apart.
                ids.insert(event);
                return Ok(());
            };
            {
                book.events.push(EventFact {
                    id: Arc::from(event.as_str()),
                    kind,
                    time: instant(&row.get::<String>(2)?)?,
                    amount: decimal(&row.get::<String>(3)?)?,
                    original: row.get(4)?,
                    conversion: match (
                        row.get::<Option<String>>(5)?,
                        row.get::<Option<String>>(6)?,
                        row.get::<Option<String>>(7)?,
                    ) {
                        (Some(currency), Some(paid), Some(rate)) => Some(Box::new((
                            currency,
                            crate::event::Conversion {
                                original_amount: decimal(&paid)?,
                                rate: decimal(&rate)?,
                            },
                        ))),
                        _ => None,
                    },
                });
            }
            Ok(())
        })?;
        for id in ids {
            book.rest.add_other_id(id);
        }

        book.entries.clear();
        self.db().for_each(HISTORY_ENTRIES, args![id], |row| {
            let kind: String = row.get(3)?;
            let Some(kind) = entry_kind(&kind) else {
                return Ok(());
            };
            book.entries.push(EntryFact {
                event: Arc::from(row.get::<String>(0)?),
                time: instant(&row.get::<String>(1)?)?,
                rule: shared_text(&row.get::<String>(2)?),
                kind,
                points: decimal(&row.get::<String>(4)?)?,
                policy_version: shared_text(&row.get::<String>(5)?),
            });
            Ok(())
        })?;

        self.read_lots(book, false)?;
        book.returns = self.db().query(RETURN_SHARES, args![id], |row| {
            Ok(ReturnShare {
                return_event: row.get(0)?,
                original: row.get(1)?,
                rule: shared_text(&row.get::<String>(2)?),
                policy_version: shared_text(&row.get::<String>(3)?),
                points: decimal(&row.get::<String>(4)?)?,
                taken: decimal(&row.get::<String>(5)?)?,
                owed: decimal(&row.get::<String>(6)?)?,
                forgiven: decimal(&row.get::<String>(7)?)?,
                expired: decimal(&row.get::<String>(8)?)?,
            })
        })?;

        book.history = true;
        Ok(())
    }

    /// Reads the member's unspent lots into `book`, if it does not hold them yet.
    pub fn load_lots(&self, book: &mut MemberBook) -> Result<()> {
        if book.lots_loaded {
            return Ok(());
        }
        self.read_lots(book, true)
    }

    fn read_lots(&self, book: &mut MemberBook, open_only: bool) -> Result<()> {
        self.member_order()?;
        let sql = if open_only { OPEN_LOTS } else { ALL_LOTS };
        let lots = self.db().query(sql, args![book.state.id.as_str()], |row| {
            Ok(LotFact {
                id: row.get(0)?,
                event: Arc::from(row.get::<String>(1)?),
                points: decimal(&row.get::<String>(2)?)?,
                remaining: decimal(&row.get::<String>(3)?)?,
                expired: decimal(&row.get::<String>(4)?)?,
                earned_at: seconds(row.get(5)?)?,
                pending_until: seconds(row.get(6)?)?,
                expires_at: row.get::<Option<i64>>(7)?.map(seconds).transpose()?,
            })
        })?;
        book.lots = crate::decide::lots::Lots::from(lots);
        book.lots_loaded = true;
        Ok(())
    }

    fn load_notices(&self, book: &mut MemberBook) -> Result<()> {
        let mut notices = HashSet::new();
        self.db()
            .for_each(NOTICES, args![book.state.id.as_str()], |r| {
                notices.insert(r.get(0)?);
                Ok(())
            })?;
        for key in notices {
            book.rest.add_notice(key);
        }
        Ok(())
    }

    fn load_messages(&self, book: &mut MemberBook) -> Result<()> {
        let id = book.state.id.clone();
        let id = id.as_str();
        self.db().for_each(MESSAGES, args![id], |row| {
            book.messages.push(MessageFact {
                key: row.get(0)?,
                channel: row.get(1)?,
                day: row.get(2)?,
                suppressed: row.get::<String>(3)? == "suppressed",
            });
            Ok(())
        })?;
        let mut consents = BTreeMap::new();
        self.db().for_each(CONSENTS, args![id], |r| {
            consents.insert(r.get(0)?, r.get::<i64>(1)? != 0);
            Ok(())
        })?;
        book.consents = consents;
        Ok(())
    }

    fn load_challenges(&self, book: &mut MemberBook) -> Result<()> {
        let id = book.state.id.clone();
        let id = id.as_str();
        self.db().for_each(CHALLENGES, args![id], |row| {
            book.challenges.push(ChallengeFact {
                challenge: row.get(0)?,
                period: row.get(1)?,
                purchases: row.get(2)?,
                spend: decimal(&row.get::<String>(3)?)?,
                completed_at: row
                    .get::<Option<String>>(4)?
                    .as_deref()
                    .map(instant)
                    .transpose()?,
            });
            Ok(())
        })?;
        let mut badges = BTreeSet::new();
        self.db().for_each(BADGES, args![id], |r| {
            badges.insert(r.get(0)?);
            Ok(())
        })?;
        book.badges = badges;
        Ok(())
    }

    fn load_campaign_spend(&self, book: &mut MemberBook) -> Result<()> {
        let id = book.state.id.clone();
        self.db().for_each(CAMPAIGN_SPEND, args![id], |row| {
            let day: String = row.get(1)?;
            book.rest.add_spend(SpendFact {
                campaign: row.get(0)?,
                day: super::store::date(&day)?,
                points: decimal(&row.get::<String>(2)?)?,
            });
            Ok(())
        })
    }

    fn load_redemptions(&self, book: &mut MemberBook) -> Result<()> {
        book.redemptions = self
            .db()
            .query(REDEMPTIONS, args![book.state.id.as_str()], |r| r.get(0))?;
        Ok(())
    }
}
