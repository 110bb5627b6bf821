//! What a club is: the typed form of `club.yaml`, how it is read with every problem
//! positioned, and the JSON Schema that editors use to check it as the user types.

mod campaigns;
pub mod channel_template;
mod club_file;
mod contests;
pub mod currencies;
mod definition;
mod groups;
mod groups_check;
mod import_profiles;
mod load;
mod messaging;
mod rate_file;
mod span;
mod validate;
pub mod value;
mod webhooks;

pub use crate::yaml::{Node, NodeValue, PathSegment};
pub use campaigns::*;
pub use club_file::ClubFile;
pub use contests::*;
pub use definition::*;
pub use groups::{GroupEarn, GroupKind, GroupRole};
pub use import_profiles::{
    check_date_format, ImportProfile, ImportSettings, CANONICAL_COLUMNS, IGNORE,
};
pub use load::{load_club_file, load_club_file_anywhere};
pub use messaging::*;
pub use span::{Span, SpanError, MAX_DAYS, MAX_MONTHS, MAX_YEARS};
pub use validate::{clock_minutes, placeholders};
pub use webhooks::{WebhookDefinition, WebhookEvent, DEFAULT_WEBHOOK_ATTEMPTS};

/// The JSON Schema of `club.yaml`, as `bashgah schema` prints it.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(ClubDefinition);
    serde_json::to_value(schema).unwrap_or_default()
}
