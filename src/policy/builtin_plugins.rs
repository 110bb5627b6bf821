//! The plugins that ship in `plugins/`, built into the binary: a club made by `bashgah
//! init` anywhere can `import "referral"` without a plugins folder of its own. A local
//! plugins folder (`--plugins`) adds plugins and overrides these by name.
//!
//! They are written once to a folder named by a hash of their contents (in the system's
//! temporary folder), so that the same loading, resolving and version hashing serve both
//! kinds: a plugin's files are files wherever it comes from.

use std::path::PathBuf;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// Each built-in plugin: its name, its script, its manifest.
const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "calendar",
        include_str!("../../plugins/calendar/calendar.rhai"),
        include_str!("../../plugins/calendar/plugin.yaml"),
    ),
    (
        "partner",
        include_str!("../../plugins/partner/partner.rhai"),
        include_str!("../../plugins/partner/plugin.yaml"),
    ),
    (
        "referral",
        include_str!("../../plugins/referral/referral.rhai"),
        include_str!("../../plugins/referral/plugin.yaml"),
    ),
    (
        "rfm",
        include_str!("../../plugins/rfm/rfm.rhai"),
        include_str!("../../plugins/rfm/plugin.yaml"),
    ),
    (
        "win_back",
        include_str!("../../plugins/win_back/win_back.rhai"),
        include_str!("../../plugins/win_back/plugin.yaml"),
    ),
];

/// The names of the built-in plugins.
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(name, _, _)| *name)
}

/// The folder holding the built-in plugins, written on first use (`None` if it cannot be
/// written: then only a local plugins folder serves).
pub fn folder() -> Option<PathBuf> {
    static FOLDER: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOLDER.get_or_init(write_folder).clone()
}

fn write_folder() -> Option<PathBuf> {
    let mut digest = Sha256::new();
    for (name, script, manifest) in BUILTIN {
        for part in [name, script, manifest] {
            digest.update(part.as_bytes());
            digest.update([0]);
        }
    }
    let hex: String = digest
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let folder = std::env::temp_dir().join(format!("bashgah-plugins-{hex}"));
    if folder.join("done").is_file() {
        return Some(folder);
    }
    // Written aside and renamed into place: another process writing the same folder at
    // the same moment leaves either its copy or ours, both whole.
    let aside = std::env::temp_dir().join(format!("bashgah-plugins-{hex}.{}", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        for (name, script, manifest) in BUILTIN {
            let dir = aside.join(name);
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join(format!("{name}.rhai")), script)?;
            std::fs::write(dir.join("plugin.yaml"), manifest)?;
        }
        std::fs::write(aside.join("done"), "")?;
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&aside);
        return None;
    }
    if std::fs::rename(&aside, &folder).is_err() {
        // Another process was first: its copy is the same.
        let _ = std::fs::remove_dir_all(&aside);
    }
    folder.join("done").is_file().then_some(folder)
}
