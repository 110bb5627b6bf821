//! Persian and English output of the reports (issue 19): see language.rs.
