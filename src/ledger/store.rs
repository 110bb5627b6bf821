//! [`Ledger`]: opening a club's database, reading member state, applying outcomes.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use super::lots::{Take, UseKind};
use super::migrations::MIGRATIONS;
use crate::club::WhenSpent;
use crate::engine::{
    Award, EntryKind, Event, EventType, LotTerms, MemberState, MemberStats, OriginalRecord, Outcome,
};
use crate::policy::Policy;
use crate::time::{from_stored, stored};

/// A database problem: the file cannot be opened, is corrupt, or a write failed.
/// Unlike a bad row, this stops the whole operation (after rolling back).
#[derive(Debug, thiserror::Error)]
#[error("ledger database: {0}")]
pub struct LedgerError(String);

impl From<rusqlite::Error> for LedgerError {
    fn from(error: rusqlite::Error) -> Self {
        LedgerError(error.to_string())
    }
}

impl LedgerError {
    pub fn corrupt(what: impl Into<String>) -> LedgerError {
        LedgerError(what.into())
    }
}

type Result<T> = std::result::Result<T, LedgerError>;

/// Where a ledger entry is written: its event, time, policy version, and the club's
/// choice for points taken that were already spent.
pub struct EntryContext<'a> {
    pub event: &'a str,
    pub time: &'a str,
    pub policy_version: &'a str,
    pub when_spent: WhenSpent,
}

/// Whether an event id is already in the ledger, and with what content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventLookup {
    Absent,
    Present { fingerprint: String },
}

/// An open club ledger.
pub struct Ledger {
    conn: Connection,
    /// Lifecycle-hook rules that failed since the caller last asked
    /// ([`Ledger::take_hook_failures`]): the occasion still happened, without its points.
    hook_failures: std::cell::RefCell<Vec<String>>,
}

fn decimal(text: &str) -> Result<Decimal> {
    Decimal::from_str(text)
        .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not a number")))
}

fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| LedgerError::corrupt(format!("`{text}` in the ledger is not a date")))
}

fn json_map(text: &str) -> BTreeMap<String, String> {
    serde_json::from_str(text).unwrap_or_default()
}

impl Ledger {
    /// Opens (creating if needed) the ledger at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Ledger> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| LedgerError(format!("cannot create `{}`: {e}", parent.display())))?;
        }
        let conn = Connection::open(path)
            .map_err(|e| LedgerError(format!("cannot open `{}`: {e}", path.display())))?;
        // Larger pages: fewer b-tree splits for the many small rows of a busy ledger. Only
        // takes effect when the file is created.
        conn.pragma_update(None, "page_size", 16_384)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // WAL + NORMAL is durable across application crashes; only an OS crash or power
        // loss can lose the last transactions, never corrupt the file.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "cache_size", -65_536)?;
        Ledger::prepare(conn)
    }

    /// A ledger that lives in memory: policy tests, simulations, dry runs.
    pub fn open_in_memory() -> Result<Ledger> {
        Ledger::prepare(Connection::open_in_memory()?)
    }

    fn prepare(conn: Connection) -> Result<Ledger> {
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut ledger = Ledger {
            conn,
            hook_failures: std::cell::RefCell::new(Vec::new()),
        };
        ledger.migrate()?;
        Ok(ledger)
    }

    fn migrate(&mut self) -> Result<()> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        )?;
        let current = self.schema_version()?;
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![version, stored(Utc::now())],
            )?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }

    /// Starts a write transaction. Writes take the lock at once, so two importers
    /// queue rather than fail half-way.
    pub fn begin(&self) -> Result<()> {
        Ok(self.conn.execute_batch("BEGIN IMMEDIATE")?)
    }

    pub fn commit(&self) -> Result<()> {
        Ok(self.conn.execute_batch("COMMIT")?)
    }

    pub fn rollback(&self) -> Result<()> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }

    /// The lifecycle-hook rules that failed since the last call, worded for the user.
    pub fn take_hook_failures(&self) -> Vec<String> {
        std::mem::take(&mut *self.hook_failures.borrow_mut())
    }

    pub(super) fn note_hook_failure(&self, failure: String) {
        self.hook_failures.borrow_mut().push(failure);
    }

    /// Whether a transaction is open.
    pub fn is_in_transaction(&self) -> bool {
        !self.conn.is_autocommit()
    }

    /// Marks a point inside the transaction that [`Ledger::undo_to_mark`] returns to: the
    /// host process runs many requests in one transaction (one disk sync for all), and a
    /// request that is refused or is only a dry run must leave nothing behind.
    pub fn mark(&self) -> Result<()> {
        Ok(self.conn.execute_batch("SAVEPOINT request")?)
    }

    /// Keeps what was written since [`Ledger::mark`].
    pub fn keep_since_mark(&self) -> Result<()> {
        Ok(self.conn.execute_batch("RELEASE request")?)
    }

    /// Undoes everything written since [`Ledger::mark`].
    pub fn undo_to_mark(&self) -> Result<()> {
        Ok(self
            .conn
            .execute_batch("ROLLBACK TO request; RELEASE request")?)
    }

    /// Every commit is synced to disk before it returns (`synchronous = FULL`): what the
    /// host process has answered for survives a power cut, not only a crash.
    pub fn sync_every_commit(&self) -> Result<()> {
        Ok(self.conn.pragma_update(None, "synchronous", "FULL")?)
    }

    /// Stores `policy`'s files under its id, once.
    pub fn record_policy(&self, policy: &Policy) -> Result<()> {
        let files = serde_json::to_string(&policy.files).unwrap_or_default();
        self.conn.execute(
            "INSERT OR IGNORE INTO policy_versions (id, club, first_used, files) VALUES (?1, ?2, ?3, ?4)",
            params![policy.id, policy.club.id, stored(Utc::now()), files],
        )?;
        Ok(())
    }

    pub fn lookup_event(&self, id: &str) -> Result<EventLookup> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT fingerprint FROM events WHERE id = ?1")?;
        let found: Option<String> = statement.query_row([id], |r| r.get(0)).optional()?;
        Ok(match found {
            Some(fingerprint) => EventLookup::Present { fingerprint },
            None => EventLookup::Absent,
        })
    }

    /// The member as evaluation sees them just before an event at `at`; `None` if the
    /// ledger has never seen them. Window stats are computed only when asked for.
    pub fn member_state(
        &self,
        id: &str,
        at: DateTime<Utc>,
        with_stats: bool,
    ) -> Result<Option<MemberState>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT type, joined, birthday, attributes, balance, spend_total, visits, last_visit, debt, credit, tier, tier_valid_until, tier_reviewed_at, greeted_through FROM members WHERE id = ?1",
        )?;
        let row = statement
            .query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, Option<String>>(11)?,
                    r.get::<_, Option<String>>(12)?,
                    r.get::<_, Option<String>>(13)?,
                ))
            })
            .optional()?;
        let Some((
            member_type,
            joined,
            birthday,
            attributes,
            balance,
            spend_total,
            visits,
            last_visit,
            debt,
            credit,
            tier,
            tier_valid_until,
            tier_reviewed_at,
            greeted_through,
        )) = row
        else {
            return Ok(None);
        };
        let mut stats = MemberStats {
            spend_total: decimal(&spend_total)?,
            visits_total: visits,
            last_visit: last_visit.as_deref().and_then(from_stored),
            ..MemberStats::default()
        };
        if with_stats {
            self.window_stats(id, at, &mut stats)?;
        }
        Ok(Some(MemberState {
            id: id.to_owned(),
            member_type,
            joined: date(&joined)?,
            birthday: birthday.as_deref().map(date).transpose()?,
            attributes: json_map(&attributes),
            balance: decimal(&balance)?,
            debt: decimal(&debt)?,
            credit: decimal(&credit)?,
            tier,
            tier_valid_until: tier_valid_until.as_deref().and_then(from_stored),
            tier_reviewed_at: tier_reviewed_at.as_deref().and_then(from_stored),
            greeted_through: greeted_through.as_deref().and_then(from_stored),
            deals: self.deal_statuses(id)?,
            stats,
        }))
    }

    /// Fills the 30/90/365-day spend and visit figures of `stats`, counted over the
    /// member's purchases before `at`.
    pub fn window_stats(&self, id: &str, at: DateTime<Utc>, stats: &mut MemberStats) -> Result<()> {
        *stats = MemberStats {
            spend_total: stats.spend_total,
            visits_total: stats.visits_total,
            last_visit: stats.last_visit,
            ..MemberStats::default()
        };
        let mut statement = self.conn.prepare_cached(
            "SELECT time, amount FROM events WHERE member = ?1 AND type = 'purchase' AND time >= ?2 AND time < ?3",
        )?;
        let since = stored(at - Duration::days(365));
        let mut rows = statement.query(params![id, since, stored(at)])?;
        let day30 = stored(at - Duration::days(30));
        let day90 = stored(at - Duration::days(90));
        while let Some(row) = rows.next()? {
            let time: String = row.get(0)?;
            let amount = decimal(&row.get::<_, String>(1)?)?;
            stats.spend_365d += amount;
            stats.visits_365d += 1;
            if time >= day90 {
                stats.spend_90d += amount;
                stats.visits_90d += 1;
            }
            if time >= day30 {
                stats.spend_30d += amount;
                stats.visits_30d += 1;
            }
        }
        Ok(())
    }

    /// What a return of `id` needs to know; `None` if there is no such event.
    pub fn original_record(&self, id: &str) -> Result<Option<OriginalRecord>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT member, type, amount FROM events WHERE id = ?1")?;
        let row = statement
            .query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .optional()?;
        let Some((member, kind, amount)) = row else {
            return Ok(None);
        };
        let kind = EventType::parse(&kind)
            .ok_or_else(|| LedgerError::corrupt(format!("unknown event type `{kind}`")))?;
        let mut returned_before = Decimal::ZERO;
        let mut returns = self
            .conn
            .prepare_cached("SELECT amount FROM events WHERE original = ?1 AND type = 'return'")?;
        for amount in returns.query_map([id], |r| r.get::<_, String>(0))? {
            returned_before += decimal(&amount?)?;
        }
        let mut awards = Vec::new();
        let mut entries = self.conn.prepare_cached(
            "SELECT rule, points, policy_version FROM ledger WHERE event = ?1 ORDER BY seq",
        )?;
        for row in entries.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (rule, points, version) = row?;
            awards.push((rule, decimal(&points)?, version));
        }
        let mut reversed_before = BTreeMap::new();
        let mut reversals = self.conn.prepare_cached(
            "SELECT l.rule, l.points FROM ledger l JOIN events e ON e.id = l.event WHERE e.original = ?1 AND e.type = 'return'",
        )?;
        for row in reversals.query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (rule, points) = row?;
            *reversed_before.entry(rule).or_insert(Decimal::ZERO) += decimal(&points)?;
        }
        Ok(Some(OriginalRecord {
            member,
            kind,
            amount: decimal(&amount)?,
            returned_before,
            awards,
            reversed_before,
        }))
    }

    /// Writes an evaluated event: the member (if new), the event, its ledger entries and
    /// lots, and the member's balance. Call inside [`Ledger::begin`]/[`Ledger::commit`].
    pub fn apply(
        &self,
        event: &Event,
        fingerprint: &str,
        member: &MemberState,
        member_is_new: bool,
        outcome: &Outcome,
    ) -> Result<()> {
        let mut after = member.clone();
        self.apply_event(event, fingerprint, outcome, &mut after)?;
        self.save_member(&after, member_is_new)
    }

    /// Writes the event, its ledger entries and their lots, and updates `member` (balance,
    /// debt, activity) in memory but not its row: the importer holds members touched in a
    /// batch and saves each once, with [`Ledger::save_member`].
    pub fn apply_event(
        &self,
        event: &Event,
        fingerprint: &str,
        outcome: &Outcome,
        member: &mut MemberState,
    ) -> Result<()> {
        let items = (!event.items.is_empty())
            .then(|| serde_json::to_string(&event.items).unwrap_or_default());
        let attributes = (!event.attributes.is_empty())
            .then(|| serde_json::to_string(&event.attributes).unwrap_or_default());
        let time = stored(event.time);
        self.conn
            .prepare_cached(
                "INSERT INTO events (id, member, type, time, amount, original, currency, channel, store, items, attributes, fingerprint, policy_version, credit_used)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                event.id,
                event.member,
                event.kind.as_str(),
                time,
                event.amount.normalize().to_string(),
                event.original,
                event.currency,
                event.channel,
                event.store,
                items,
                attributes,
                fingerprint,
                outcome.policy_version,
                event.credit_used.map(|c| c.normalize().to_string()),
            ])?;
        for award in &outcome.awards {
            self.write_entry(event, &time, award, member, outcome.when_spent)?;
        }
        if let Some(credit) = event.credit_used {
            // Evaluation refused the event if the wallet held less.
            self.credit_entry(
                member,
                &event.id,
                &time,
                -credit,
                "paid part of this purchase",
            )?;
        }
        member.record(event);
        Ok(())
    }

    /// One ledger entry and what it does to lots: points added become a lot (first paying
    /// any debt); points taken use lots up, oldest first. What is missing becomes debt:
    /// with `when_spent: debt` the entry records only what it could take (the balance
    /// never goes below zero), with `negative_balance` all of it.
    fn write_entry(
        &self,
        event: &Event,
        time: &str,
        award: &Award,
        member: &mut MemberState,
        when_spent: WhenSpent,
    ) -> Result<()> {
        let context = EntryContext {
            event: &event.id,
            time,
            policy_version: &award.policy_version,
            when_spent,
        };
        if award.points.is_sign_positive() {
            let entry = self.insert_entry(
                &member.id,
                &context,
                &award.rule,
                award.points,
                &award.reason,
                award.kind,
            )?;
            if award.points.is_zero() {
                // An entry that records why nothing was given (a campaign over budget).
                return Ok(());
            }
            member.balance += award.points;
            let terms = award.lot.unwrap_or(LotTerms {
                pending_until: event.time,
                expires_at: None,
            });
            let lot = self.create_lot(
                &member.id,
                entry,
                &event.id,
                award.points,
                terms,
                event.time,
            )?;
            self.settle_debt(member, lot, award.points, entry, &context)?;
            return Ok(());
        }
        let (take, kind) = match award.kind {
            EntryKind::Reverse => (
                Take::Any {
                    first: event.original.as_deref(),
                },
                UseKind::Reverse,
            ),
            // Spends the member chose: only points they can spend now (checked before).
            EntryKind::Adjust | EntryKind::TransferOut | EntryKind::Redeem | EntryKind::Convert => {
                (Take::Available, UseKind::Spend)
            }
            _ => (Take::Any { first: None }, UseKind::Spend),
        };
        let wanted = -award.points;
        let plan = self.plan_take(&member.id, wanted, event.time, take)?;
        let taken: Decimal = plan.iter().map(|(_, _, used)| *used).sum();
        let missing = wanted - taken;
        let (points, reason) = match when_spent {
            WhenSpent::Debt if !missing.is_zero() => (
                -taken,
                format!(
                    "{} ({} already spent: owed)",
                    award.reason,
                    missing.normalize()
                ),
            ),
            _ => (award.points, award.reason.clone()),
        };
        let entry = self.insert_entry(
            &member.id,
            &context,
            &award.rule,
            points,
            &reason,
            award.kind,
        )?;
        member.balance += points;
        for (lot, remaining, used) in plan {
            self.use_lot(entry, lot, remaining, used, kind)?;
        }
        member.debt += missing;
        Ok(())
    }

    /// A credit wallet entry (positive: credit added).
    pub(super) fn credit_entry(
        &self,
        member: &mut MemberState,
        event: &str,
        time: &str,
        amount: Decimal,
        reason: &str,
    ) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO credit (member, event, time, amount, reason) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![member.id, event, time, amount.normalize().to_string(), reason])?;
        member.credit += amount;
        Ok(())
    }

    pub(super) fn insert_entry(
        &self,
        member: &str,
        context: &EntryContext,
        rule: &str,
        points: Decimal,
        reason: &str,
        kind: EntryKind,
    ) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO ledger (member, event, time, rule, points, reason, policy_version, kind)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                member,
                context.event,
                context.time,
                rule,
                points.normalize().to_string(),
                reason,
                context.policy_version,
                kind.as_str(),
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Pays the member's debt from a new lot (`lot`, of `points`, made by `entry`). With
    /// `when_spent: debt` the payment is an entry of its own; with `negative_balance` the
    /// balance already went below zero, so the lot is only marked as used.
    pub(super) fn settle_debt(
        &self,
        member: &mut MemberState,
        lot: i64,
        points: Decimal,
        entry: i64,
        context: &EntryContext,
    ) -> Result<()> {
        if member.debt.is_zero() {
            return Ok(());
        }
        let settled = member.debt.min(points);
        let use_entry = match context.when_spent {
            WhenSpent::NegativeBalance => entry,
            WhenSpent::Debt => {
                member.balance -= settled;
                self.insert_entry(
                    &member.id,
                    context,
                    "debt",
                    -settled,
                    "pays what a return left owed",
                    EntryKind::Settle,
                )?
            }
        };
        self.use_lot(use_entry, lot, points, settled, UseKind::Settle)?;
        member.debt -= settled;
        Ok(())
    }

    /// Saves a member's row: all of it if new, else balance and activity figures.
    pub fn save_member(&self, member: &MemberState, is_new: bool) -> Result<()> {
        if is_new {
            self.insert_member(member)?;
        }
        let stats = &member.stats;
        self.conn
            .prepare_cached("UPDATE members SET balance = ?2, spend_total = ?3, visits = ?4, last_visit = ?5, debt = ?6, credit = ?7,
                 tier = ?8, tier_valid_until = ?9, tier_reviewed_at = ?10, greeted_through = ?11 WHERE id = ?1")?
            .execute(params![
                member.id,
                member.balance.normalize().to_string(),
                stats.spend_total.normalize().to_string(),
                stats.visits_total,
                stats.last_visit.map(stored),
                member.debt.normalize().to_string(),
                member.credit.normalize().to_string(),
                member.tier,
                member.tier_valid_until.map(stored),
                member.tier_reviewed_at.map(stored),
                member.greeted_through.map(stored),
            ])?;
        Ok(())
    }

    fn insert_member(&self, member: &MemberState) -> Result<()> {
        self.write_profile("INSERT INTO members (id, type, joined, birthday, attributes) VALUES (?1, ?2, ?3, ?4, ?5)", member)?;
        Ok(())
    }

    /// Runs `sql` with a member's profile fields as ?1..?5; returns the rows changed.
    fn write_profile(&self, sql: &str, member: &MemberState) -> Result<usize> {
        Ok(self.conn.prepare_cached(sql)?.execute(params![
            member.id,
            member.member_type,
            member.joined.to_string(),
            member.birthday.map(|d| d.to_string()),
            serde_json::to_string(&member.attributes).unwrap_or_default(),
        ])?)
    }

    /// Creates or updates a member's profile (type, joined, birthday, attributes),
    /// leaving their balance and history alone. Returns true if the member was new.
    pub fn upsert_member_profile(&self, member: &MemberState) -> Result<bool> {
        let updated = self.write_profile(
            "UPDATE members SET type = ?2, joined = ?3, birthday = ?4, attributes = ?5 WHERE id = ?1",
            member,
        )?;
        if updated == 0 {
            self.insert_member(member)?;
        }
        Ok(updated == 0)
    }

    pub(super) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// A canonical text dump of members, events and entries (without row numbers or
    /// load times), for comparing two ledgers: replays, interrupted imports.
    pub fn dump(&self) -> Result<String> {
        let mut out = String::new();
        let queries = [
            "SELECT id, type, joined, COALESCE(birthday, ''), attributes, balance, spend_total, visits, COALESCE(last_visit, '') FROM members ORDER BY id",
            "SELECT id, member, type, time, amount, COALESCE(original, ''), fingerprint, policy_version FROM events ORDER BY seq",
            "SELECT member, event, time, rule, points, reason, policy_version FROM ledger ORDER BY seq",
        ];
        for query in queries {
            let mut statement = self.conn.prepare(query)?;
            let columns = statement.column_count();
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let fields: Vec<String> = (0..columns)
                    .map(|i| {
                        row.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<std::result::Result<_, _>>()?;
                out.push_str(&fields.join("|"));
                out.push('\n');
            }
            out.push_str("--\n");
        }
        Ok(out)
    }
}
