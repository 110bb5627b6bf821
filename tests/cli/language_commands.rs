//! Persian and English output of the commands (issue 19): see language.rs.
