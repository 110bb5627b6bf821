//! Positioned checks of `groups:` in `club.yaml` (unique kinds and roles, a share exactly
//! when split), apart from the kinds' types in `club::groups`, which the definition holds.

use rust_decimal::Decimal;

use super::club_file::ClubFile;
use super::groups::*;
use crate::diagnostic::Diagnostic;
use crate::tr;
use crate::yaml::PathSegment::{Index, Key};

/// Positioned checks of `groups:`: unique kinds and roles, a share exactly when split.
pub(super) fn validate_groups(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let mut kinds = std::collections::HashSet::new();
    for (i, kind) in file.definition.groups.iter().enumerate() {
        let at = |key| [Key("groups"), Index(i), Key(key)];
        if kind.id.trim().is_empty() || !kinds.insert(kind.id.as_str()) {
            out.push(file.error_at(&at("id"), tr!("club-group-kind-twice", id = &kind.id)));
        }
        if kind.roles.is_empty() {
            out.push(file.error_at(&at("roles"), tr!("club-group-no-roles", kind = &kind.id)));
        }
        let mut roles = std::collections::HashSet::new();
        for (j, role) in kind.roles.iter().enumerate() {
            let role_at = |key| [Key("groups"), Index(i), Key("roles"), Index(j), Key(key)];
            if role.id.trim().is_empty() || !roles.insert(role.id.as_str()) {
                out.push(file.error_at(
                    &role_at("id"),
                    tr!("club-group-role-twice", kind = &kind.id, role = &role.id),
                ));
            }
            if let Some(limit) = role.monthly_limit {
                if limit <= Decimal::ZERO || limit > crate::amount::LARGEST || !role.spend {
                    out.push(
                        file.error_at(
                            &role_at("monthly_limit"),
                            tr!("club-group-limit", kind = &kind.id, role = &role.id),
                        )
                        .with_help(tr!("club-group-limit-help")),
                    );
                }
            }
        }
        match (kind.earn, &kind.group_share) {
            (GroupEarn::Split, None) => out.push(
                file.error_at(
                    &at("earn"),
                    tr!("club-group-share-missing", kind = &kind.id),
                )
                .with_help(tr!("club-group-share-help")),
            ),
            (GroupEarn::Split, Some(share)) => {
                let fine = super::parse_percent(share).is_some_and(|p| p < Decimal::ONE_HUNDRED);
                if !fine {
                    out.push(
                        file.error_at(
                            &at("group_share"),
                            tr!("club-group-share-bad", kind = &kind.id, share = share),
                        )
                        .with_help(tr!("club-group-share-help")),
                    );
                }
            }
            (_, Some(_)) => out.push(file.error_at(
                &at("group_share"),
                tr!("club-group-share-unused", kind = &kind.id),
            )),
            (_, None) => {}
        }
        match (kind.earn, &kind.function) {
            (GroupEarn::Function, None) => out.push(file.error_at(
                &at("earn"),
                tr!("club-group-function-missing", kind = &kind.id),
            )),
            (GroupEarn::Function, Some(_)) | (_, None) => {}
            (_, Some(_)) => out.push(file.error_at(
                &at("function"),
                tr!("club-group-function-unused", kind = &kind.id),
            )),
        }
    }
}
