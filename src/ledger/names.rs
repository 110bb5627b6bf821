//! How a club's ledger is named in PostgreSQL: its schema (`club_<id>`), and identifiers
//! quoted whatever characters they hold. Below the ledger's store and its places, which
//! both name schemas.

/// The PostgreSQL schema holding club `club`'s tables.
pub fn schema_name(club: &str) -> String {
    format!("club_{club}")
}

/// [`schema_name`], quoted for SQL.
pub fn quoted_schema(club: &str) -> String {
    quoted_identifier(&schema_name(club))
}

/// `name` as a PostgreSQL identifier, whatever characters it has.
pub(super) fn quoted_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
