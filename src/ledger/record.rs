//! Recording a [`Plan`]: the only place bashgah writes what it decided. Each change
//! becomes rows as it is; nothing is decided here. Call inside [`Ledger::begin`] and
//! [`Ledger::commit`] (or a mark of the host process), so a plan is written whole or not
//! at all.

use super::db::{args, Db, Param};
use super::held_rows::HeldRow;
use super::hot::{HotStatement, HotWrites};
use super::store::{text, Ledger, LedgerError};
use crate::decide::{Change, MemberBook, Plan, Posting, UseKind};
use crate::time::stored;

type Result<T> = std::result::Result<T, LedgerError>;

const INSERT_EVENT: &str = "INSERT INTO events (id, member, type, time, amount, original, currency, channel, store, items, attributes, fingerprint, policy, credit_used, original_amount, rate)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
// Entries and lots name their event twice: by its id (what people and the API read) and
// by its row number (`event_seq`, what the indexes that find them hold; see migration 22).
const INSERT_ENTRY: &str =
    "INSERT INTO ledger (member, event, time, rule, points, reason, policy, kind, event_seq)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const INSERT_LOT: &str = "INSERT INTO lots (seq, member, entry, event, points, remaining, earned_at, pending_until, expires_at, event_seq)
     VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9)";
/// [`INSERT_ENTRY`] for PostgreSQL, whose writes are held back (`Db::write`): the event's
/// row number is not known when they are queued, so it is looked up when they run, after
/// the event's own insert (the parameter that would carry it is left unused).
const INSERT_ENTRY_AFTER_EVENT: &str =
    "INSERT INTO ledger (member, event, time, rule, points, reason, policy, kind, event_seq)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, (SELECT seq FROM events WHERE id = ?2))";
const INSERT_LOT_USE: &str =
    "INSERT INTO lot_uses (entry, lot, kind, points) VALUES (?1, ?2, ?3, ?4)";
/// [`INSERT_LOT`] and [`INSERT_LOT_USE`] for PostgreSQL, where they run right after their
/// entry's insert and name it as the entry this connection wrote last (the parameter that
/// would say it is left unused).
const INSERT_LOT_AFTER_ENTRY: &str = "INSERT INTO lots (seq, member, entry, event, points, remaining, earned_at, pending_until, expires_at, event_seq)
     VALUES (?1, ?2, currval(pg_get_serial_sequence('ledger', 'seq')), ?4, ?5, ?5, ?6, ?7, ?8, (SELECT seq FROM events WHERE id = ?4))";
const INSERT_LOT_USE_AFTER_ENTRY: &str = "INSERT INTO lot_uses (entry, lot, kind, points)
     VALUES (currval(pg_get_serial_sequence('ledger', 'seq')), ?2, ?3, ?4)";

/// A returning member's row after an event, when their profile did not change; `tier`
/// only when it did ([`MemberBook::stored_tier`]).
const UPDATE_MEMBER_TOTALS: &str = "UPDATE members SET balance = ?2, spend_total = ?3, visits = ?4, last_visit = ?5, debt = ?6, credit = ?7,
     tier_valid_until = ?9, tier_reviewed_at = ?10, greeted_through = ?11 WHERE id = ?1";
const UPDATE_MEMBER_TOTALS_AND_TIER: &str = "UPDATE members SET balance = ?2, spend_total = ?3, visits = ?4, last_visit = ?5, debt = ?6, credit = ?7,
     tier = ?8, tier_valid_until = ?9, tier_reviewed_at = ?10, greeted_through = ?11 WHERE id = ?1";
/// A returning member's whole row: their profile changed.
const UPDATE_MEMBER_ROW: &str = "UPDATE members SET balance = ?2, spend_total = ?3, visits = ?4, last_visit = ?5, debt = ?6, credit = ?7,
     tier = ?8, tier_valid_until = ?9, tier_reviewed_at = ?10, greeted_through = ?11, type = ?12, joined = ?13,
     birthday = ?14, attributes = ?15, joined_known = ?16 WHERE id = ?1";

/// A member's attributes as their row stores them.
fn attributes_text(member: &crate::member::MemberState) -> String {
    serde_json::to_string(&member.attributes).unwrap_or_default()
}

impl Ledger {
    /// Whether a row of member `id` may be held back (`ledger::held_rows`).
    pub(super) fn may_hold_row(&self, id: &str) -> bool {
        self.held_rows
            .borrow()
            .as_ref()
            .is_some_and(|held| held.may_hold(id))
    }

    /// Writes the members' rows held back, in the order of their ids: before a commit,
    /// and before anything reads what they change.
    pub(super) fn write_held_rows(&self) -> Result<()> {
        let Some(mut held) = self.held_rows.borrow_mut().take() else {
            return Ok(());
        };
        let written = held.write_in_order(
            // The tier always: a member's rows held may differ in it, and the index on it
            // is deferred through a first import (`ledger::bulk`).
            |row| self.write_member_row(row, false, false),
            || LedgerError::corrupt("a member's row held back does not read back"),
        );
        *self.held_rows.borrow_mut() = Some(held);
        written
    }

    /// Forgets the rows held back: what they were written for was undone.
    pub(super) fn forget_held_rows(&self) {
        if let Some(held) = self.held_rows.borrow_mut().as_mut() {
            held.clear();
        }
    }
}

/// Runs `sql` with `args` through the ledger's hot statement `slot` picks (prepared the
/// first time), or on PostgreSQL as any statement.
fn write_hot(
    ledger: &Ledger,
    slot: fn(&mut HotWrites) -> &mut Option<HotStatement>,
    sql: &'static str,
    args: &[&dyn Param],
) -> Result<()> {
    let Db::Sqlite(conn) = ledger.db() else {
        return ledger.db().write(sql, args);
    };
    let mut hot = ledger.hot();
    let slot = slot(&mut hot);
    if slot.is_none() {
        *slot = Some(HotStatement::prepare(conn, sql)?);
    }
    let statement = slot
        .as_mut()
        .ok_or_else(|| LedgerError::corrupt("a statement just prepared is missing"))?;
    Ok(statement.execute(args.iter().map(|arg| arg.as_sqlite().to_sql()))?)
}

impl Ledger {
    /// Writes every change of `plan`, in order.
    pub fn record(&self, plan: &Plan<'_>) -> Result<()> {
        for change in &plan.changes {
            self.record_change(change)?;
        }
        Ok(())
    }

    fn record_change(&self, change: &Change<'_>) -> Result<()> {
        match change {
            Change::Posting(posting) => self.record_posting(posting)?,
            Change::Tier(tier) => {
                let time = stored(tier.at);
                self.events_written_for(&tier.member);
                self.db().write(
                    "INSERT INTO events (id, member, type, time, amount, fingerprint, policy) VALUES (?1, ?2, 'tier', ?3, '0', ?1, ?4)",
                    args![tier.event, tier.member, time, self.policy_number(&tier.policy_version)?],
                )?;
                self.db().write(
                    "INSERT INTO tier_changes (member, event, time, from_tier, to_tier, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    args![tier.member, tier.event, time, tier.from, tier.to, tier.reason],
                )?;
            }
            Change::DealJoined {
                member,
                event,
                status,
            } => {
                self.db().write(
                    "INSERT INTO deal_enrollments (seq, member, deal, event, enrolled_at, starts_at, periods, next_checkpoint)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    args![
                    status.enrollment,
                    member,
                    status.deal,
                    event,
                    stored(status.enrolled_at),
                    stored(status.starts_at),
                    i64::from(status.periods),
                    stored(status.next_checkpoint)
                ],
                )?;
            }
            Change::Checkpoint(row) => {
                self.db().write(
                    "INSERT INTO deal_checkpoints (enrollment, period, starts, ends, kept, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    args![
                    row.enrollment,
                    i64::from(row.period),
                    stored(row.starts),
                    stored(row.ends),
                    i64::from(row.kept),
                    row.note
                ],
                )?;
            }
            Change::DealUpdated(status) => {
                self.db().write(
                    "UPDATE deal_enrollments SET kept = ?2, missed = ?3, next_checkpoint = ?4, state = ?5, ended_at = ?6, tier_until = ?7
                     WHERE seq = ?1",
                    args![
                    status.enrollment,
                    i64::from(status.kept),
                    i64::from(status.missed),
                    stored(status.next_checkpoint),
                    status.state.as_str(),
                    status.ended_at.map(stored),
                    status.tier_until.map(stored),
                ],
                )?;
            }
            Change::Notice {
                key,
                member,
                at,
                due,
                points,
            } => {
                self.db().write(
                    "INSERT INTO notices (key, member, kind, at, due, points) VALUES (?1, ?2, 'expiring_soon', ?3, ?4, ?5)",
                    args![key, member, stored(*at), stored(*due), text(*points)],
                )?;
            }
            Change::Message(m) => {
                self.db().write(
                    "INSERT INTO messages (key, channel, member, occasion, day, created_at, deliver_after, language, text, status, reason)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    args![
                    m.key,
                    m.channel,
                    m.member,
                    m.occasion,
                    m.day,
                    stored(m.created_at),
                    stored(m.deliver_after),
                    m.language,
                    m.text,
                    m.status,
                    m.reason
                ],
                )?;
            }
            Change::Consent {
                member,
                channel,
                granted,
                at,
                source,
            } => {
                self.db().write(
                    "INSERT INTO consents (member, channel, granted, at, source) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (member, channel) DO UPDATE SET granted = excluded.granted, at = excluded.at, source = excluded.source",
                    args![member, channel, i64::from(*granted), stored(*at), source],
                )?;
            }
            Change::CampaignSpend {
                campaign,
                member,
                day,
                points,
                event,
            } => {
                self.db().write(
                    "INSERT INTO campaign_spend (campaign, member, day, points, event) VALUES (?1, ?2, ?3, ?4, ?5)",
                    args![campaign, member, day.to_string(), text(*points), event],
                )?;
                self.add_to_campaign_total(campaign, *points);
            }
            Change::Challenge {
                challenge,
                member,
                period,
                purchases,
                spend,
                completed_at,
            } => {
                self.db().write(
                    "INSERT INTO challenge_progress (challenge, member, period, purchases, spend, completed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (challenge, member, period) DO UPDATE SET purchases = excluded.purchases, spend = excluded.spend, completed_at = excluded.completed_at",
                    args![
                    challenge,
                    member,
                    period,
                    purchases,
                    text(*spend),
                    completed_at.map(stored)
                ],
                )?;
            }
            Change::Holdout {
                campaign,
                member,
                event,
                at,
            } => {
                self.db().write(
                    "INSERT INTO campaign_holdouts (campaign, member, event, time) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    args![campaign, member, event, stored(*at)],
                )?;
            }
            Change::Badge {
                member,
                badge,
                at,
                source,
            } => {
                self.db().write(
                    "INSERT INTO badges (member, badge, at, source) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    args![member, badge, stored(*at), source],
                )?;
            }
            Change::Redemption {
                event,
                member,
                reward,
                points,
                code,
                at,
            } => {
                self.db().write(
                    "INSERT INTO redemptions (event, member, reward, points, code, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    args![event, member, reward, text(*points), code, stored(*at)],
                )?;
            }
            Change::Outbound(row) => {
                let data: serde_json::Map<String, serde_json::Value> = row
                    .data
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), value.clone().into()))
                    .collect();
                let data = serde_json::Value::Object(data).to_string();
                // A replay decides the same happening again: written once.
                self.db().write(
                    "INSERT INTO outbound (id, kind, member, time, data) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
                    args![row.id, row.kind.as_str(), row.member, stored(row.at), data],
                )?;
            }
            Change::ContestScore {
                contest,
                window,
                member,
                event,
                value,
                at,
            } => {
                self.db().write(
                    "INSERT INTO contest_scores (contest, window_key, member, event, value, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                    args![contest, window, member, event, text(*value), stored(*at)],
                )?;
            }
            Change::ContestResult(result) => {
                let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
                self.db().write(
                    "INSERT INTO contest_results (contest, window_key, kind, decided_at, seed, participants, entries, policy_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    args![
                        result.contest,
                        result.window,
                        result.kind,
                        stored(result.decided_at),
                        result.seed,
                        count(result.participants),
                        count(result.entries),
                        result.policy_version
                    ],
                )?;
                for prize in &result.prizes {
                    self.db().write(
                        "INSERT INTO contest_prizes (contest, window_key, rank, member, score, points, badge, reward, event) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        args![
                            result.contest,
                            result.window,
                            count(prize.rank),
                            prize.member,
                            text(prize.score),
                            text(prize.points),
                            prize.badge,
                            prize.reward,
                            prize.event
                        ],
                    )?;
                }
            }
            Change::RedemptionCancelled {
                redemption,
                event,
                member,
                at,
                reason,
            } => {
                self.db().write(
                    "INSERT INTO redemption_cancels (redemption, event, member, time, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
                    args![redemption, event, member, stored(*at), reason],
                )?;
            }
            Change::Membership(fact) => {
                self.db().write(
                    "INSERT INTO group_memberships (member, group_id, kind, role, time, event) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    args![fact.member, fact.group, fact.kind, fact.role, stored(fact.at), fact.event],
                )?;
            }
            Change::PoolSpend(fact) => {
                self.db().write(
                    "INSERT INTO group_spends (group_id, member, event, time, month, points) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    args![fact.group, fact.member, fact.event, stored(fact.at), fact.month, text(fact.points)],
                )?;
            }
        }
        Ok(())
    }

    /// An event, its entries, the lots they make and use, credit and return shares.
    fn record_posting(&self, posting: &Posting<'_>) -> Result<()> {
        let event = &posting.event;
        let time = stored(event.time);
        let items = (!event.items.is_empty())
            .then(|| serde_json::to_string(&event.items).unwrap_or_default());
        let attributes = (!event.attributes.is_empty())
            .then(|| serde_json::to_string(&event.attributes).unwrap_or_default());
        self.events_written_for(&event.member);
        write_hot(
            self,
            |hot| &mut hot.event,
            INSERT_EVENT,
            args![
                event.id,
                event.member,
                event.kind.as_str(),
                time,
                text(event.amount),
                event.original,
                event.currency,
                event.channel,
                event.store,
                items,
                attributes,
                posting.fingerprint,
                self.policy_number(&posting.policy_version)?,
                event.credit_used.map(text),
                event.conversion.map(|c| text(c.original_amount)),
                event.conversion.map(|c| text(c.rate)),
            ],
        )?;
        // The event's row number, for its entries and lots (on PostgreSQL looked up by
        // the statements themselves, see [`INSERT_ENTRY_AFTER_EVENT`]).
        let (event_seq, insert_entry) = match self.db() {
            Db::Sqlite(conn) => (conn.last_insert_rowid(), INSERT_ENTRY),
            Db::Postgres(_) => (0, INSERT_ENTRY_AFTER_EVENT),
        };
        for entry in &posting.entries {
            let entry_args = args![
                event.member,
                event.id,
                time,
                entry.rule,
                text(entry.points),
                entry.reason,
                self.policy_number(&entry.policy_version)?,
                entry.kind.as_str(),
                event_seq,
            ];
            write_hot(self, |hot| &mut hot.entry, insert_entry, entry_args)?;
            // The entry's row number, for its lots and uses. PostgreSQL's writes are held
            // back (`Db::write`), so there they name it as "the entry this connection wrote
            // last" (`currval`) instead, which it is when they run.
            let (seq, insert_lot, insert_use) = match self.db() {
                Db::Sqlite(conn) => (conn.last_insert_rowid(), INSERT_LOT, INSERT_LOT_USE),
                Db::Postgres(_) => (0, INSERT_LOT_AFTER_ENTRY, INSERT_LOT_USE_AFTER_ENTRY),
            };
            for lot in &entry.lots {
                write_hot(
                    self,
                    |hot| &mut hot.lot,
                    insert_lot,
                    args![
                        lot.id,
                        event.member,
                        seq,
                        event.id,
                        text(lot.points),
                        lot.earned_at.timestamp(),
                        lot.terms.pending_until.timestamp(),
                        lot.terms.expires_at.map(|t| t.timestamp()),
                        event_seq
                    ],
                )?;
            }
            for used in &entry.uses {
                self.db().write(
                    insert_use,
                    args![seq, used.lot, used.kind.as_str(), text(used.points)],
                )?;
                if used.kind == UseKind::Expire {
                    // A lot expires once, taking all that is left of it.
                    self.db().write(
                        "UPDATE lots SET remaining = ?2, expired = ?3 WHERE seq = ?1",
                        args![used.lot, text(used.remaining), text(used.points)],
                    )?;
                } else {
                    self.db().write(
                        "UPDATE lots SET remaining = ?2 WHERE seq = ?1",
                        args![used.lot, text(used.remaining)],
                    )?;
                }
            }
        }
        for (amount, reason) in &posting.credit {
            self.db().write(
                    "INSERT INTO credit (member, event, time, amount, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
                    args![event.member, event.id, time, text(*amount), reason],
                )?;
        }
        for share in &posting.returns {
            self.db().write(
                    "INSERT INTO return_shares (return_event, original, rule, policy_version, points, taken, owed, forgiven, expired)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    args![
                share.return_event,
                share.original,
                &*share.rule,
                &*share.policy_version,
                text(share.points),
                text(share.taken),
                text(share.owed),
                text(share.forgiven),
                text(share.expired)
            ],
                )?;
        }
        Ok(())
    }

    /// Writes the member's row from their book: all of it if the member is new or their
    /// profile changed, else balance, activity, tier and cursors.
    pub fn save_book(&self, book: &MemberBook) -> Result<()> {
        let member = &book.state;
        let held_full = match self.held_rows.borrow_mut().as_mut() {
            Some(held) if !book.is_new => {
                let attributes = book.profile_changed.then(|| attributes_text(member));
                held.hold(
                    member,
                    attributes.as_deref().map(|text| (text, book.joined_known)),
                );
                Some(held.is_full())
            }
            _ => None,
        };
        match held_full {
            Some(false) => return Ok(()),
            Some(true) => return self.write_held_rows(),
            None => {}
        }
        // Rows held for this member are older than this one: written first.
        if self.may_hold_row(&member.id) {
            self.write_held_rows()?;
        }
        let attributes = (book.is_new || book.profile_changed).then(|| attributes_text(member));
        let row = HeldRow::of(
            member,
            attributes.as_deref().map(|text| (text, book.joined_known)),
        );
        self.write_member_row(&row, book.is_new, member.tier == book.stored_tier)
    }

    /// Writes a member's row: inserted (`new`) or updated whole when it carries a
    /// profile, else its totals, with the tier unless `tier_unchanged`.
    fn write_member_row(&self, row: &HeldRow, new: bool, tier_unchanged: bool) -> Result<()> {
        let balance = text(row.balance);
        let spend_total = text(row.spend_total);
        let last_visit = row.last_visit.map(stored);
        let debt = text(row.debt);
        let credit = text(row.credit);
        let tier_valid_until = row.tier_valid_until.map(stored);
        let tier_reviewed_at = row.tier_reviewed_at.map(stored);
        let greeted_through = row.greeted_through.map(stored);
        let totals = args![
            row.id,
            balance,
            spend_total,
            row.visits,
            last_visit,
            debt,
            credit,
            row.tier,
            tier_valid_until,
            tier_reviewed_at,
            greeted_through,
        ];
        let Some(profile) = &row.profile else {
            if tier_unchanged {
                return write_hot(
                    self,
                    |hot| &mut hot.member_totals,
                    UPDATE_MEMBER_TOTALS,
                    totals,
                );
            }
            return write_hot(
                self,
                |hot| &mut hot.member_totals_and_tier,
                UPDATE_MEMBER_TOTALS_AND_TIER,
                totals,
            );
        };
        let sql = if new {
            "INSERT INTO members (id, balance, spend_total, visits, last_visit, debt, credit, tier, tier_valid_until,
             tier_reviewed_at, greeted_through, type, joined, birthday, attributes, joined_known)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        } else {
            UPDATE_MEMBER_ROW
        };
        let joined = profile.joined.to_string();
        let birthday = profile.birthday.map(|d| d.to_string());
        let joined_known = i64::from(profile.joined_known);
        let mut all: Vec<&dyn Param> = totals.to_vec();
        all.extend(args![
            profile.member_type,
            joined,
            birthday,
            profile.attributes,
            joined_known
        ]);
        self.db().write(sql, &all)?;
        Ok(())
    }
}
