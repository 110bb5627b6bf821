//! Recording a [`Plan`]: the only place bashgah writes what it decided. Each change
//! becomes rows as it is; nothing is decided here. Call inside [`Ledger::begin`] and
//! [`Ledger::commit`] (or a mark of the host process), so a plan is written whole or not
//! at all.

use rusqlite::{params, CachedStatement};
use rust_decimal::Decimal;

use super::store::{Ledger, LedgerError};
use crate::decide::{Change, MemberBook, Plan, Posting, UseKind};
use crate::time::stored;

type Result<T> = std::result::Result<T, LedgerError>;

/// A decimal as stored: no trailing zeros. Whole numbers (nearly every amount of points)
/// take a fast path: formatting a `Decimal` costs far more than an integer.
fn text(value: Decimal) -> String {
    if value.scale() == 0 {
        if let Some(whole) = rust_decimal::prelude::ToPrimitive::to_i64(&value) {
            return whole.to_string();
        }
    }
    value.normalize().to_string()
}

/// The statements every posting uses, held by a writer that records many plans (an
/// import) so that each is found in the statement cache once, not once per row.
#[derive(Default)]
pub struct Statements<'a> {
    event: Option<CachedStatement<'a>>,
    entry: Option<CachedStatement<'a>>,
    lot: Option<CachedStatement<'a>>,
}

const INSERT_EVENT: &str = "INSERT INTO events (id, member, type, time, amount, original, currency, channel, store, items, attributes, fingerprint, policy_version, credit_used)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
const INSERT_ENTRY: &str =
    "INSERT INTO ledger (member, event, time, rule, points, reason, policy_version, kind)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
const INSERT_LOT: &str = "INSERT INTO lots (seq, member, entry, event, points, remaining, earned_at, pending_until, expires_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8)";

/// `slot`'s statement, prepared (from the cache) the first time.
fn statement<'s, 'a>(
    ledger: &'a Ledger,
    slot: &'s mut Option<CachedStatement<'a>>,
    sql: &str,
) -> Result<&'s mut CachedStatement<'a>> {
    if slot.is_none() {
        *slot = Some(ledger.connection().prepare_cached(sql)?);
    }
    slot.as_mut()
        .ok_or_else(|| LedgerError::corrupt("a statement just prepared is missing"))
}

impl Ledger {
    /// Writes every change of `plan`, in order.
    pub fn record(&self, plan: &Plan<'_>) -> Result<()> {
        self.record_with(plan, &mut Statements::default())
    }

    /// [`Ledger::record`] with statements kept between plans.
    pub fn record_with<'a>(
        &'a self,
        plan: &Plan<'_>,
        statements: &mut Statements<'a>,
    ) -> Result<()> {
        for change in &plan.changes {
            self.record_change(change, statements)?;
        }
        Ok(())
    }

    fn record_change<'a>(
        &'a self,
        change: &Change<'_>,
        statements: &mut Statements<'a>,
    ) -> Result<()> {
        let conn = self.connection();
        match change {
            Change::Posting(posting) => self.record_posting(posting, statements)?,
            Change::Tier(tier) => {
                let time = stored(tier.at);
                conn.prepare_cached(
                    "INSERT INTO events (id, member, type, time, amount, fingerprint, policy_version) VALUES (?1, ?2, 'tier', ?3, '0', ?1, ?4)",
                )?
                .execute(params![tier.event, tier.member, time, tier.policy_version])?;
                conn.prepare_cached(
                    "INSERT INTO tier_changes (member, event, time, from_tier, to_tier, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![tier.member, tier.event, time, tier.from, tier.to, tier.reason])?;
            }
            Change::DealJoined {
                member,
                event,
                status,
            } => {
                conn.prepare_cached(
                    "INSERT INTO deal_enrollments (seq, member, deal, event, enrolled_at, starts_at, periods, next_checkpoint)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    status.enrollment,
                    member,
                    status.deal,
                    event,
                    stored(status.enrolled_at),
                    stored(status.starts_at),
                    status.periods,
                    stored(status.next_checkpoint)
                ])?;
            }
            Change::Checkpoint(row) => {
                conn.prepare_cached(
                    "INSERT INTO deal_checkpoints (enrollment, period, starts, ends, kept, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    row.enrollment,
                    row.period,
                    stored(row.starts),
                    stored(row.ends),
                    row.kept,
                    row.note
                ])?;
            }
            Change::DealUpdated(status) => {
                conn.prepare_cached(
                    "UPDATE deal_enrollments SET kept = ?2, missed = ?3, next_checkpoint = ?4, state = ?5, ended_at = ?6, tier_until = ?7
                     WHERE seq = ?1",
                )?
                .execute(params![
                    status.enrollment,
                    status.kept,
                    status.missed,
                    stored(status.next_checkpoint),
                    status.state.as_str(),
                    status.ended_at.map(stored),
                    status.tier_until.map(stored),
                ])?;
            }
            Change::Notice {
                key,
                member,
                at,
                due,
                points,
            } => {
                conn.prepare_cached(
                    "INSERT INTO notices (key, member, kind, at, due, points) VALUES (?1, ?2, 'expiring_soon', ?3, ?4, ?5)",
                )?
                .execute(params![key, member, stored(*at), stored(*due), text(*points)])?;
            }
            Change::Message(m) => {
                conn.prepare_cached(
                    "INSERT INTO messages (key, channel, member, occasion, day, created_at, deliver_after, language, text, status, reason)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?
                .execute(params![
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
                ])?;
            }
            Change::Consent {
                member,
                channel,
                granted,
                at,
                source,
            } => {
                conn.prepare_cached(
                    "INSERT INTO consents (member, channel, granted, at, source) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (member, channel) DO UPDATE SET granted = excluded.granted, at = excluded.at, source = excluded.source",
                )?
                .execute(params![member, channel, granted, stored(*at), source])?;
            }
            Change::CampaignSpend {
                campaign,
                member,
                day,
                points,
                event,
            } => {
                conn.prepare_cached(
                    "INSERT INTO campaign_spend (campaign, member, day, points, event) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![campaign, member, day.to_string(), text(*points), event])?;
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
                conn.prepare_cached(
                    "INSERT INTO challenge_progress (challenge, member, period, purchases, spend, completed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (challenge, member, period) DO UPDATE SET purchases = excluded.purchases, spend = excluded.spend, completed_at = excluded.completed_at",
                )?
                .execute(params![
                    challenge,
                    member,
                    period,
                    purchases,
                    text(*spend),
                    completed_at.map(stored)
                ])?;
            }
            Change::Badge {
                member,
                badge,
                at,
                source,
            } => {
                conn.prepare_cached(
                    "INSERT OR IGNORE INTO badges (member, badge, at, source) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![member, badge, stored(*at), source])?;
            }
            Change::Redemption {
                event,
                member,
                reward,
                points,
                code,
                at,
            } => {
                conn.prepare_cached(
                    "INSERT INTO redemptions (event, member, reward, points, code, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![event, member, reward, text(*points), code, stored(*at)])?;
            }
        }
        Ok(())
    }

    /// An event, its entries, the lots they make and use, credit and return shares.
    fn record_posting<'a>(
        &'a self,
        posting: &Posting<'_>,
        statements: &mut Statements<'a>,
    ) -> Result<()> {
        let conn = self.connection();
        let event = &posting.event;
        let time = stored(event.time);
        let items = (!event.items.is_empty())
            .then(|| serde_json::to_string(&event.items).unwrap_or_default());
        let attributes = (!event.attributes.is_empty())
            .then(|| serde_json::to_string(&event.attributes).unwrap_or_default());
        statement(self, &mut statements.event, INSERT_EVENT)?.execute(params![
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
            posting.policy_version,
            event.credit_used.map(text),
        ])?;
        for entry in &posting.entries {
            statement(self, &mut statements.entry, INSERT_ENTRY)?.execute(params![
                event.member,
                event.id,
                time,
                entry.rule,
                text(entry.points),
                entry.reason,
                entry.policy_version,
                entry.kind.as_str(),
            ])?;
            let seq = conn.last_insert_rowid();
            for lot in &entry.lots {
                statement(self, &mut statements.lot, INSERT_LOT)?.execute(params![
                    lot.id,
                    event.member,
                    seq,
                    event.id,
                    text(lot.points),
                    lot.earned_at.timestamp(),
                    lot.terms.pending_until.timestamp(),
                    lot.terms.expires_at.map(|t| t.timestamp())
                ])?;
            }
            for used in &entry.uses {
                conn.prepare_cached(
                    "INSERT INTO lot_uses (entry, lot, kind, points) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![
                    seq,
                    used.lot,
                    used.kind.as_str(),
                    text(used.points)
                ])?;
                if used.kind == UseKind::Expire {
                    // A lot expires once, taking all that is left of it.
                    conn.prepare_cached(
                        "UPDATE lots SET remaining = ?2, expired = ?3 WHERE seq = ?1",
                    )?
                    .execute(params![
                        used.lot,
                        text(used.remaining),
                        text(used.points)
                    ])?;
                } else {
                    conn.prepare_cached("UPDATE lots SET remaining = ?2 WHERE seq = ?1")?
                        .execute(params![used.lot, text(used.remaining)])?;
                }
            }
        }
        for (amount, reason) in &posting.credit {
            conn.prepare_cached(
                "INSERT INTO credit (member, event, time, amount, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![event.member, event.id, time, text(*amount), reason])?;
        }
        for share in &posting.returns {
            conn.prepare_cached(
                "INSERT INTO return_shares (return_event, original, rule, policy_version, points, taken, owed, forgiven, expired)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                share.return_event,
                share.original,
                share.rule,
                share.policy_version,
                text(share.points),
                text(share.taken),
                text(share.owed),
                text(share.forgiven),
                text(share.expired)
            ])?;
        }
        Ok(())
    }

    /// Writes the member's row from their book: all of it if the member is new or their
    /// profile changed, else balance, activity, tier and cursors.
    pub fn save_book(&self, book: &MemberBook) -> Result<()> {
        let member = &book.state;
        let stats = &member.stats;
        let conn = self.connection();
        let totals = params![
            member.id,
            text(member.balance),
            text(stats.spend_total),
            stats.visits_total,
            stats.last_visit.map(stored),
            text(member.debt),
            text(member.credit),
            member.tier,
            member.tier_valid_until.map(stored),
            member.tier_reviewed_at.map(stored),
            member.greeted_through.map(stored),
        ];
        if !book.is_new && !book.profile_changed {
            conn.prepare_cached(
                "UPDATE members SET balance = ?2, spend_total = ?3, visits = ?4, last_visit = ?5, debt = ?6, credit = ?7,
                 tier = ?8, tier_valid_until = ?9, tier_reviewed_at = ?10, greeted_through = ?11 WHERE id = ?1",
            )?
            .execute(totals)?;
            return Ok(());
        }
        let sql = if book.is_new {
            "INSERT INTO members (id, balance, spend_total, visits, last_visit, debt, credit, tier, tier_valid_until,
             tier_reviewed_at, greeted_through, type, joined, birthday, attributes, joined_known)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        } else {
            "UPDATE members SET balance = ?2, spend_total = ?3, visits = ?4, last_visit = ?5, debt = ?6, credit = ?7,
             tier = ?8, tier_valid_until = ?9, tier_reviewed_at = ?10, greeted_through = ?11, type = ?12, joined = ?13,
             birthday = ?14, attributes = ?15, joined_known = ?16 WHERE id = ?1"
        };
        let mut statement = conn.prepare_cached(sql)?;
        for (index, value) in totals.iter().enumerate() {
            statement.raw_bind_parameter(index + 1, value)?;
        }
        statement.raw_bind_parameter(12, &member.member_type)?;
        statement.raw_bind_parameter(13, member.joined.to_string())?;
        statement.raw_bind_parameter(14, member.birthday.map(|d| d.to_string()))?;
        statement.raw_bind_parameter(
            15,
            serde_json::to_string(&member.attributes).unwrap_or_default(),
        )?;
        statement.raw_bind_parameter(16, book.joined_known)?;
        statement.raw_execute()?;
        Ok(())
    }
}
