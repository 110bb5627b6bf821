//! `GET …/members/{member}/groups`: a member's groups (issue 18), and for a group's
//! account its members: roles, what each brought to the pool and spent from it. As the
//! groups part of `bashgah member`.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use schemars::JsonSchema;
use serde::Serialize;

use super::answers::Reply;
use super::request::{authorize, club_for, on_reader, segments, unknown_member, Answer, App};
use crate::ledger::{GroupMemberLine, LedgerError};

/// A member's groups, and a group's members.
#[derive(Serialize, JsonSchema)]
pub struct Groups {
    pub member: String,
    /// The groups the member is in now, with their role.
    pub groups: Vec<Membership>,
    /// If the member is a group's account: everyone who ever joined it (`role` null for
    /// those who left), what their events brought the pool and what they spent from it.
    pub members: Vec<GroupMemberLine>,
}

/// The member's place in a group.
#[derive(Serialize, JsonSchema)]
pub struct Membership {
    pub group: String,
    pub kind: String,
    pub role: String,
    pub since: chrono::DateTime<chrono::Utc>,
}

pub(super) async fn get_groups(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Answer<Groups> {
    let grant = authorize(&app, &headers)?;
    let (club, member) = segments(path)?;
    let club = club_for(&app, &grant, &club)?;
    let club_id = club.id.clone();
    let answer = on_reader(&club, move |ledger| {
        let read = (|| {
            if ledger.member_summary(&member)?.is_none() {
                return Ok(Err(unknown_member(&member, &club_id)));
            }
            let mut groups: Vec<Membership> = Vec::new();
            for row in ledger.memberships_of(&member)? {
                groups.retain(|g| g.group != row.group);
                if let Some(role) = row.role {
                    groups.push(Membership {
                        group: row.group,
                        kind: row.kind,
                        role,
                        since: row.at,
                    });
                }
            }
            let members = ledger.group_members(&member)?;
            Ok(Ok(Groups {
                member,
                groups,
                members,
            }))
        })();
        read.unwrap_or_else(|e: LedgerError| Err(e.into()))
    })
    .await?;
    Ok(Reply::ok(answer))
}
