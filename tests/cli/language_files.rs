//! Persian and English output of the files (issue 19): see language.rs.
