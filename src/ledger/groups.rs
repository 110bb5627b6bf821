//! Groups in the ledger: a member's joins and leaves and a group's pool spends, read into
//! their books (`decide::groups`), and what statements show of a group: its members and
//! roles, and what each brought to the pool.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::db::args;
use super::store::{decimal, Ledger, LedgerError};
use crate::decide::groups::{MembershipFact, PoolSpendFact, POOL_SUFFIX};
use crate::decide::MemberBook;
use crate::time::from_stored;

type Result<T> = std::result::Result<T, LedgerError>;

const MEMBERSHIPS: &str = "SELECT member, group_id, kind, role, time, event FROM group_memberships WHERE member = ?1 ORDER BY seq";
const GROUP_ROWS: &str = "SELECT member, group_id, kind, role, time, event FROM group_memberships WHERE group_id = ?1 ORDER BY seq";
const POOL_SPENDS: &str =
    "SELECT group_id, member, event, time, month, points FROM group_spends WHERE group_id = ?1";

fn instant(text: &str) -> Result<DateTime<Utc>> {
    from_stored(text).ok_or_else(|| LedgerError::corrupt(format!("bad time `{text}`")))
}

fn membership(row: &super::db::Row<'_>) -> Result<MembershipFact> {
    Ok(MembershipFact {
        member: row.get(0)?,
        group: row.get(1)?,
        kind: row.get(2)?,
        role: row.get(3)?,
        at: instant(&row.get::<String>(4)?)?,
        event: row.get(5)?,
    })
}

/// A member of a group as a statement shows them: their role now (`None`: they left), and
/// the points their events brought the pool (net of returns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct GroupMemberLine {
    pub member: String,
    pub kind: String,
    pub role: Option<String>,
    /// When they last joined or left.
    pub since: DateTime<Utc>,
    /// Points the pool got from their events, less what their returns took back.
    pub contributed: Decimal,
    /// Points they spent from the pool.
    pub spent: Decimal,
}

impl Ledger {
    /// Reads the member's memberships and, for a group, its pool spends into `book`.
    pub(super) fn load_groups(&self, book: &mut MemberBook) -> Result<()> {
        let id = book.state.id.clone();
        book.groups = self
            .db()
            .query(MEMBERSHIPS, args![id.as_str()], membership)?;
        book.pool_spends = self.db().query(POOL_SPENDS, args![id.as_str()], |row| {
            Ok(PoolSpendFact {
                group: row.get(0)?,
                member: row.get(1)?,
                event: row.get(2)?,
                at: instant(&row.get::<String>(3)?)?,
                month: row.get(4)?,
                points: decimal(&row.get::<String>(5)?)?,
            })
        })?;
        Ok(())
    }

    /// Every join and leave of member `id`, oldest first.
    pub fn memberships_of(&self, id: &str) -> Result<Vec<MembershipFact>> {
        self.db().query(MEMBERSHIPS, args![id], membership)
    }

    /// Group `id`'s members (everyone who ever joined), with their role now, what their
    /// events brought the pool and what they spent from it; empty if `id` is no group.
    pub fn group_members(&self, id: &str) -> Result<Vec<GroupMemberLine>> {
        let rows = self.db().query(GROUP_ROWS, args![id], membership)?;
        let mut lines: Vec<GroupMemberLine> = Vec::new();
        for row in rows {
            match lines.iter_mut().find(|l| l.member == row.member) {
                Some(line) => {
                    line.role = row.role;
                    line.kind = row.kind;
                    line.since = row.at;
                }
                None => lines.push(GroupMemberLine {
                    member: row.member,
                    kind: row.kind,
                    role: row.role,
                    since: row.at,
                    contributed: Decimal::ZERO,
                    spent: Decimal::ZERO,
                }),
            }
        }
        // The pool's entries of its mirrors of members' events (`<event>:group`), by the
        // member whose event it mirrors (the mirror's `member` attribute).
        let pattern = format!("%{POOL_SUFFIX}");
        self.member_order()?;
        let entries: Vec<(Option<String>, String)> = self.db().query(
            "SELECT e.attributes, l.points FROM events e JOIN ledger l ON l.event_seq = e.seq
             WHERE e.member = ?1 AND l.member = ?1 AND e.id LIKE ?2 AND l.kind IN ('earn', 'reverse')",
            args![id, pattern.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        for (attributes, points) in entries {
            let member = attributes
                .as_deref()
                .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
                .and_then(|a| a.get("member").and_then(|m| m.as_str()).map(str::to_owned));
            let Some(line) = member.and_then(|m| lines.iter_mut().find(|l| l.member == m)) else {
                continue;
            };
            line.contributed = crate::amount::add(line.contributed, decimal(&points)?)
                .map_err(|e| LedgerError::corrupt(e.to_string()))?;
        }
        let spends: Vec<(String, String)> = self.db().query(
            "SELECT member, points FROM group_spends WHERE group_id = ?1",
            args![id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        for (member, points) in spends {
            if let Some(line) = lines.iter_mut().find(|l| l.member == member) {
                line.spent = crate::amount::add(line.spent, decimal(&points)?)
                    .map_err(|e| LedgerError::corrupt(e.to_string()))?;
            }
        }
        Ok(lines)
    }
}
