//! A readable diff between two versions' files: which files were added, removed or
//! changed, and for a changed file its line hunks (three lines of context), every line
//! with its numbers in the old and the new text. Pure: the files in, the diff out.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// Lines of context around each change, as `diff -u` shows.
const CONTEXT: usize = 3;

/// One file's change between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FileDiff {
    /// The file's name in the club folder (`club.yaml`, `earn.rhai`).
    pub name: String,
    pub status: FileStatus,
    /// Lines added and removed in all.
    pub added: usize,
    pub removed: usize,
    /// The changed parts with their context, in order.
    pub hunks: Vec<Hunk>,
}

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Only in the newer version (`to`).
    Added,
    /// Only in the older version (`from`).
    Removed,
    /// In both, with other text.
    Changed,
}

/// A run of changed lines with the context around them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Hunk {
    /// The first line of the hunk in the old text (from 1; 0 when the old file is empty),
    /// and how many of its lines the hunk covers.
    pub old_start: usize,
    pub old_lines: usize,
    /// The same in the new text.
    pub new_start: usize,
    pub new_lines: usize,
    pub lines: Vec<DiffLine>,
}

/// One line of a hunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DiffLine {
    pub kind: LineKind,
    /// Its number in the old text (none for an added line).
    pub old: Option<usize>,
    /// Its number in the new text (none for a removed line).
    pub new: Option<usize>,
    /// The line, without its line break.
    pub text: String,
}

/// Whether a line is context, added or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    Context,
    Added,
    Removed,
}

/// The files that differ between `from` and `to` (each a list of name and text), in
/// name order; files the same in both are left out.
pub fn diff_files(from: &[(String, String)], to: &[(String, String)]) -> Vec<FileDiff> {
    let mut names: Vec<&str> = from
        .iter()
        .chain(to)
        .map(|(name, _)| name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let text_of = |files: &[(String, String)], name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.clone())
    };
    names
        .into_iter()
        .filter_map(|name| {
            let (old, new) = (text_of(from, name), text_of(to, name));
            let status = match (&old, &new) {
                (None, Some(_)) => FileStatus::Added,
                (Some(_), None) => FileStatus::Removed,
                (Some(old), Some(new)) if old != new => FileStatus::Changed,
                _ => return None,
            };
            Some(diff_file(
                name,
                status,
                old.as_deref().unwrap_or(""),
                new.as_deref().unwrap_or(""),
            ))
        })
        .collect()
}

/// The names of the files `from` and `to` both hold with the same text.
pub fn unchanged(from: &[(String, String)], to: &[(String, String)]) -> Vec<String> {
    let mut same: Vec<String> = from
        .iter()
        .filter(|(name, text)| to.iter().any(|(n, t)| n == name && t == text))
        .map(|(name, _)| name.clone())
        .collect();
    same.sort_unstable();
    same
}

fn diff_file(name: &str, status: FileStatus, old: &str, new: &str) -> FileDiff {
    let diff = TextDiff::from_lines(old, new);
    let (mut added, mut removed) = (0, 0);
    let hunks = diff
        .grouped_ops(CONTEXT)
        .iter()
        .filter_map(|group| {
            let (first, last) = (group.first()?, group.last()?);
            let (old_range, new_range) = (
                first.old_range().start..last.old_range().end,
                first.new_range().start..last.new_range().end,
            );
            let mut lines = Vec::new();
            for op in group {
                for change in diff.iter_changes(op) {
                    let kind = match change.tag() {
                        ChangeTag::Equal => LineKind::Context,
                        ChangeTag::Insert => {
                            added += 1;
                            LineKind::Added
                        }
                        ChangeTag::Delete => {
                            removed += 1;
                            LineKind::Removed
                        }
                    };
                    let text = change.value();
                    let text = text.strip_suffix('\n').unwrap_or(text);
                    lines.push(DiffLine {
                        kind,
                        old: change.old_index().map(|i| i + 1),
                        new: change.new_index().map(|i| i + 1),
                        text: text.strip_suffix('\r').unwrap_or(text).to_owned(),
                    });
                }
            }
            Some(Hunk {
                old_start: start(&old_range),
                old_lines: old_range.len(),
                new_start: start(&new_range),
                new_lines: new_range.len(),
                lines,
            })
        })
        .collect();
    FileDiff {
        name: name.to_owned(),
        status,
        added,
        removed,
        hunks,
    }
}

/// A hunk's first line as `diff -u` numbers it: from 1, or 0 for an empty side.
fn start(range: &std::ops::Range<usize>) -> usize {
    if range.is_empty() {
        range.start
    } else {
        range.start + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect()
    }

    #[test]
    fn a_changed_line_is_removed_then_added_with_both_numbers() {
        let from = files(&[
            ("earn.rhai", "fn a() {\n    1\n}\n"),
            ("club.yaml", "id: x\n"),
        ]);
        let to = files(&[
            ("earn.rhai", "fn a() {\n    2\n}\n"),
            ("club.yaml", "id: x\n"),
        ]);
        let diff = diff_files(&from, &to);
        assert_eq!(unchanged(&from, &to), vec!["club.yaml".to_owned()]);
        let line = |kind, old, new, text: &str| DiffLine {
            kind,
            old,
            new,
            text: text.to_owned(),
        };
        assert_eq!(
            diff,
            vec![FileDiff {
                name: "earn.rhai".into(),
                status: FileStatus::Changed,
                added: 1,
                removed: 1,
                hunks: vec![Hunk {
                    old_start: 1,
                    old_lines: 3,
                    new_start: 1,
                    new_lines: 3,
                    lines: vec![
                        line(LineKind::Context, Some(1), Some(1), "fn a() {"),
                        line(LineKind::Removed, Some(2), None, "    1"),
                        line(LineKind::Added, None, Some(2), "    2"),
                        line(LineKind::Context, Some(3), Some(3), "}"),
                    ],
                }],
            }]
        );
    }

    #[test]
    fn an_added_file_is_all_added_from_line_zero_and_a_removed_one_all_removed() {
        let from = files(&[("old.rhai", "x\n")]);
        let to = files(&[("new.rhai", "a\nb\n")]);
        let diff = diff_files(&from, &to);
        assert_eq!(diff.len(), 2);
        assert_eq!(
            (diff[0].name.as_str(), diff[0].status, diff[0].added),
            ("new.rhai", FileStatus::Added, 2)
        );
        assert_eq!(
            (diff[0].hunks[0].old_start, diff[0].hunks[0].new_start),
            (0, 1)
        );
        assert_eq!(
            (diff[1].name.as_str(), diff[1].status, diff[1].removed),
            ("old.rhai", FileStatus::Removed, 1)
        );
        assert_eq!(
            (diff[1].hunks[0].old_start, diff[1].hunks[0].new_start),
            (1, 0)
        );
    }

    #[test]
    fn far_apart_changes_are_two_hunks() {
        let old: String = (1..=20).map(|n| format!("line {n}\n")).collect();
        let new = old
            .replace("line 2\n", "line two\n")
            .replace("line 19\n", "");
        let diff = diff_files(&files(&[("a", &old)]), &files(&[("a", &new)]));
        let hunks: Vec<(usize, usize, usize, usize)> = diff[0]
            .hunks
            .iter()
            .map(|h| (h.old_start, h.old_lines, h.new_start, h.new_lines))
            .collect();
        assert_eq!(hunks, vec![(1, 5, 1, 5), (16, 5, 16, 4)]);
    }
}
