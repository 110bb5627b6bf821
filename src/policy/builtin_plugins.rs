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
    let hex = crate::hex::encode(&digest.finalize()[..8]);
    let folder = std::env::temp_dir().join(format!("bashgah-plugins-{hex}"));
    if holds_the_builtins(&folder) {
        return Some(folder);
    }
    if folder.exists() {
        // Not ours as it stands (another user's, or half written by hand): a folder of
        // this process's own, so that only the built-in text is ever run.
        return write_to(
            &std::env::temp_dir().join(format!("bashgah-plugins-{hex}-{}", std::process::id())),
        );
    }
    // Written aside and renamed into place: another process writing the same folder at
    // the same moment leaves either its copy or ours, both whole.
    let aside = std::env::temp_dir().join(format!("bashgah-plugins-{hex}.{}", std::process::id()));
    if write_to(&aside).is_none() {
        let _ = std::fs::remove_dir_all(&aside);
        return None;
    }
    if std::fs::rename(&aside, &folder).is_ok() {
        return holds_the_builtins(&folder).then_some(folder);
    }
    // Another process was first: its copy serves if it is the same; else ours stays ours.
    if holds_the_builtins(&folder) {
        let _ = std::fs::remove_dir_all(&aside);
        return Some(folder);
    }
    Some(aside)
}

/// Whether `folder` holds exactly the built-in plugins' text (read back, not trusted by
/// name: the temporary folder is shared with other users of the machine).
fn holds_the_builtins(folder: &std::path::Path) -> bool {
    folder.join("done").is_file()
        && BUILTIN.iter().all(|(name, script, manifest)| {
            let dir = folder.join(name);
            std::fs::read_to_string(dir.join(format!("{name}.rhai"))).is_ok_and(|t| t == *script)
                && std::fs::read_to_string(dir.join("plugin.yaml")).is_ok_and(|t| t == *manifest)
        })
}

/// Writes the built-in plugins into `folder` (which must not exist yet).
fn write_to(folder: &std::path::Path) -> Option<PathBuf> {
    let _ = std::fs::remove_dir_all(folder);
    let written = (|| -> std::io::Result<()> {
        for (name, script, manifest) in BUILTIN {
            let dir = folder.join(name);
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join(format!("{name}.rhai")), script)?;
            std::fs::write(dir.join("plugin.yaml"), manifest)?;
        }
        std::fs::write(folder.join("done"), "")
    })();
    (written.is_ok() && holds_the_builtins(folder)).then(|| folder.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_that_does_not_hold_the_builtins_is_not_trusted() {
        let dir = std::env::temp_dir().join(format!("bashgah-builtin-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(write_to(&dir).is_some());
        assert!(holds_the_builtins(&dir));
        // Someone else's `referral` in its place: not the built-in text, not used.
        std::fs::write(
            dir.join("referral/referral.rhai"),
            "fn referrer_bonus(e, m) { 1000000 }\n",
        )
        .unwrap();
        assert!(!holds_the_builtins(&dir));
        let _ = std::fs::remove_dir_all(&dir);
        // What `folder` gives holds the built-in text.
        assert!(folder().is_some_and(|f| holds_the_builtins(&f)));
    }
}
