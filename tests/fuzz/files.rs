//! The shipped files the fuzz suite starts from, and scratch folders to load them in.

use std::path::{Path, PathBuf};

use crate::fuzz::harness::root;

/// Every club folder that ships: `policies/*` (also the `init` templates), the plugins' test
/// clubs and the test suites' fixture clubs, by context name.
pub fn clubs() -> Vec<(String, PathBuf)> {
    let root = root();
    let mut out = Vec::new();
    let mut add = |prefix: &str, dir: PathBuf, inner: Option<&str>| {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut found: Vec<(String, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let mut path = e.path();
                if let Some(inner) = inner {
                    path = path.join(inner).join(&name);
                }
                path.join("club.yaml")
                    .is_file()
                    .then(|| (format!("{prefix}{name}"), path))
            })
            .collect();
        found.sort();
        out.extend(found);
    };
    add("", root.join("policies"), None);
    add("plugin.", root.join("plugins"), Some("tests"));
    add(
        "consistency.",
        root.join("tests/consistency/fixtures"),
        None,
    );
    out.push(("report".into(), root.join("tests/fixtures/report")));
    out
}

pub fn club_dir(context: &str) -> Option<PathBuf> {
    clubs()
        .into_iter()
        .find(|(name, _)| name == context)
        .map(|(_, dir)| dir)
}

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a folder").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy a file");
        }
    }
}

/// The files of `dir` (not recursive) whose names end with `suffix`, sorted.
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(suffix))
        })
        .collect();
    out.sort();
    out
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub fn corpus() -> PathBuf {
    root().join("tests/fuzz/corpus")
}
