//! A file's column names as bashgah reads them: an import profile's renames and dropped
//! columns (`import.profiles.<name>.columns`), applied where names are read — the CSV
//! header once, or each JSON Lines object's keys — so that a missing column is reported
//! once, at the header. Below both the rows' reader (`rows`) and the profile that builds
//! it (`profile`).

use std::collections::BTreeMap;

/// The file's column names → bashgah's, case-insensitive. A name it does not list is kept.
#[derive(Debug, Clone, Default)]
pub struct HeaderMap {
    /// Lower-cased file column → bashgah column, or `None` for a dropped column.
    names: BTreeMap<String, Option<String>>,
}

impl HeaderMap {
    /// Lower-cased file columns → bashgah columns (`None`: dropped).
    pub(super) fn new(names: BTreeMap<String, Option<String>>) -> HeaderMap {
        HeaderMap { names }
    }

    /// What the file's column `name` is called in bashgah (lower-cased), or `None` if the
    /// profile drops it.
    pub fn column(&self, name: &str) -> Option<String> {
        let lower = name.to_lowercase();
        match self.names.get(&lower) {
            Some(target) => target.clone(),
            None => Some(lower),
        }
    }

    /// Whether the map renames or drops anything (a file without a profile: no).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The file's columns that become `column`, for messages.
    pub fn sources_of(&self, column: &str) -> Vec<&str> {
        self.names
            .iter()
            .filter(|(_, target)| target.as_deref() == Some(column))
            .map(|(source, _)| source.as_str())
            .collect()
    }
}
