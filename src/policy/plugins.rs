//! Plugins: reusable Rhai modules in the plugins folder that club scripts `import` by name.
//!
//! A plugin is either one file, `plugins/<name>.rhai`, or a folder `plugins/<name>/` with
//! `<name>.rhai`, a manifest `plugin.yaml` (name, version, description, and the settings it
//! takes, each with a type and maybe a default) and its own tests (`tests/<name>/`, a small
//! club that uses it). A club sets a plugin's settings in `club.yaml` under `plugins:`; they
//! are checked against the manifest, and scripts read them with `settings("<name>")`.
//!
//! The text of every plugin a club imports is part of its policy version, so a ledger entry
//! names exactly the code that produced it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rhai::{Dynamic, Map};
use schemars::JsonSchema;
use serde::Deserialize;

use super::PolicyFile;
use crate::club::{ClubFile, PathSegment};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::tr;
use crate::yaml::{self, FileKind, Node, NodeValue, Resolved};

/// What a plugin manifest is, for the messages about the whole file.
const MANIFEST_FILE: FileKind = FileKind {
    empty: "the plugin manifest is empty",
    help: "`plugin.yaml` gives the plugin's `name`, `version`, `description` and the `settings` it takes",
    strict: false,
};

/// A plugin's `plugin.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    pub description: String,
    #[serde(default)]
    pub settings: BTreeMap<String, SettingSpec>,
}

/// One setting a plugin takes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SettingSpec {
    #[serde(rename = "type")]
    pub kind: SettingType,
    /// Used when the club does not set it; without one, the setting is required.
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SettingType {
    Integer,
    Decimal,
    String,
    Boolean,
    List,
    Map,
}

/// A plugin found in the plugins folder.
#[derive(Debug, Clone)]
pub struct Plugin {
    pub name: String,
    /// `plugins/<name>.rhai` or the folder `plugins/<name>/`.
    pub path: PathBuf,
    pub manifest: Option<Manifest>,
    /// The manifest as written: defaults are read from it, so that `0.5` stays the
    /// decimal written rather than text or a binary fraction.
    pub manifest_tree: Option<Node>,
    /// What is wrong with `plugin.yaml`, if anything: reported only to clubs that use this
    /// plugin.
    pub manifest_problems: Vec<Diagnostic>,
}

/// Every plugin in `dir`, sorted by name.
pub fn discover(dir: &Path) -> Vec<Plugin> {
    let mut plugins = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return plugins;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !path.join(format!("{file_name}.rhai")).is_file() {
                continue;
            }
            let manifest_path = path.join("plugin.yaml");
            let (manifest, manifest_tree, manifest_problems) =
                match std::fs::read_to_string(&manifest_path) {
                    Ok(text) => {
                        let loaded = yaml::load::<Manifest>(&manifest_path, &text, MANIFEST_FILE)
                            .empty_said(
                                MANIFEST_FILE,
                                crate::tr!("plugin-manifest-empty"),
                                crate::tr!("plugin-manifest-empty-help"),
                            );
                        let value = if loaded.has_errors() {
                            None
                        } else {
                            loaded.value
                        };
                        (value, loaded.tree, loaded.problems)
                    }
                    Err(_) => (None, None, Vec::new()),
                };
            plugins.push(Plugin {
                name: file_name,
                path,
                manifest,
                manifest_tree,
                manifest_problems,
            });
        } else if let Some(name) = file_name.strip_suffix(".rhai") {
            plugins.push(Plugin {
                name: name.to_owned(),
                path,
                manifest: None,
                manifest_tree: None,
                manifest_problems: Vec::new(),
            });
        }
    }
    plugins.sort_by(|a, b| a.name.cmp(&b.name));
    plugins
}

/// The plugins a club can use: those of the local folder `dir`, and the built-in ones it
/// does not override (see [`super::builtin_plugins`]).
pub fn available(dir: Option<&Path>) -> Vec<Plugin> {
    let mut plugins = dir.map(discover).unwrap_or_default();
    if let Some(builtin) = super::builtin_plugins::folder() {
        for plugin in discover(&builtin) {
            if !plugins.iter().any(|p| p.name == plugin.name) {
                plugins.push(plugin);
            }
        }
    }
    plugins.sort_by(|a, b| a.name.cmp(&b.name));
    plugins
}

/// The plugin names a script imports (`import "name"`), in order, without repeats.
pub fn imported(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("import") {
        rest = &rest[at + "import".len()..];
        let trimmed = rest.trim_start();
        if let Some(quoted) = trimmed.strip_prefix('"') {
            if let Some(end) = quoted.find('"') {
                let name = quoted[..end].to_owned();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// The plugins' files, for the policy version: `plugins/<name>/...` names.
fn plugin_files(plugin: &Plugin) -> Vec<PolicyFile> {
    let mut files = Vec::new();
    let mut push = |path: &Path, name: String| {
        if let Ok(text) = std::fs::read_to_string(path) {
            files.push(PolicyFile { name, text });
        }
    };
    if plugin.path.is_dir() {
        for file in [format!("{}.rhai", plugin.name), "plugin.yaml".to_owned()] {
            push(
                &plugin.path.join(&file),
                format!("plugins/{}/{file}", plugin.name),
            );
        }
    } else {
        push(&plugin.path, format!("plugins/{}.rhai", plugin.name));
    }
    files
}

/// Checks the club's `plugins:` settings against the manifests, and builds what scripts
/// read with `settings(...)`: for every plugin with a manifest, its defaults overridden by
/// the club's values. Also returns the files of the plugins the club imports.
pub fn settings(
    club: &ClubFile,
    plugins_dir: Option<&Path>,
    imports: &[String],
    problems: &mut Vec<Diagnostic>,
) -> (Dynamic, Vec<PolicyFile>) {
    let found = available(plugins_dir);
    let configured = &club.definition.plugins;
    let mut files = Vec::new();
    for plugin in &found {
        let used = imports.contains(&plugin.name) || configured.contains_key(&plugin.name);
        if !used {
            continue;
        }
        problems.extend(plugin.manifest_problems.iter().cloned());
        if imports.contains(&plugin.name) {
            files.extend(plugin_files(plugin));
        }
    }
    for name in configured.keys() {
        if !found
            .iter()
            .any(|p| &p.name == name && (p.manifest.is_some() || !p.manifest_problems.is_empty()))
        {
            let known: Vec<&str> = found
                .iter()
                .filter(|p| p.manifest.is_some())
                .map(|p| p.name.as_str())
                .collect();
            let diagnostic = club.error_at(
                &[PathSegment::Key("plugins"), PathSegment::Key(name)],
                tr!("script-no-plugin", name = name),
            );
            problems.push(match did_you_mean(name, known.iter().copied()) {
                Some(near) => diagnostic.with_help(tr!("did-you-mean", name = near)),
                None => diagnostic.with_help(tr!(
                    "script-plugins-with-settings",
                    names = known.join(&crate::tr!("list-comma"))
                )),
            });
        }
    }
    let mut all = Map::new();
    for plugin in &found {
        let Some(manifest) = &plugin.manifest else {
            continue;
        };
        let given = configured.get(&plugin.name);
        let mut values = Map::new();
        if let Some(given) = given {
            for key in given.keys() {
                if !manifest.settings.contains_key(key) {
                    let known: Vec<&str> = manifest.settings.keys().map(String::as_str).collect();
                    let diagnostic = club.error_at(
                        &[
                            PathSegment::Key("plugins"),
                            PathSegment::Key(&plugin.name),
                            PathSegment::Key(key),
                        ],
                        tr!("script-no-setting", plugin = &plugin.name, key = key),
                    );
                    problems.push(match did_you_mean(key, known.iter().copied()) {
                        Some(near) => diagnostic.with_help(tr!("did-you-mean", name = near)),
                        None => diagnostic.with_help(tr!(
                            "script-its-settings",
                            names = known.join(&crate::tr!("list-comma"))
                        )),
                    });
                }
            }
        }
        for (key, spec) in &manifest.settings {
            let path = [
                PathSegment::Key("plugins"),
                PathSegment::Key(&plugin.name),
                PathSegment::Key(key),
            ];
            // The club's value, else the manifest's default, as written in either file.
            let default = [
                PathSegment::Key("settings"),
                PathSegment::Key(key),
                PathSegment::Key("default"),
            ];
            let value = given
                .filter(|g| g.contains_key(key))
                .and_then(|_| club.tree.find(&path))
                .or_else(|| {
                    spec.default.as_ref()?;
                    plugin.manifest_tree.as_ref()?.find(&default)
                });
            match value {
                Some(value) => match convert(value, spec.kind) {
                    Ok(dynamic) => {
                        values.insert(key.into(), dynamic);
                    }
                    Err(expected) => problems.push(club.error_at(
                        &path,
                        tr!(
                            "script-setting-type",
                            key = key,
                            plugin = &plugin.name,
                            expected = expected
                        ),
                    )),
                },
                None if imports.contains(&plugin.name) => problems.push(
                    club.error_at(
                        &[PathSegment::Key("plugins")],
                        tr!("script-setting-needed", plugin = &plugin.name, key = key),
                    )
                    .with_help(match spec.description.as_deref() {
                        Some(description) => tr!(
                            "script-setting-add-described",
                            plugin = &plugin.name,
                            key = key,
                            description = description
                        ),
                        None => tr!("script-setting-add", plugin = &plugin.name, key = key),
                    }),
                ),
                None => {}
            }
        }
        all.insert(plugin.name.as_str().into(), Dynamic::from_map(values));
    }
    (Dynamic::from_map(all).into_shared(), files)
}

/// A setting's YAML value as Rhai sees it, or what was expected. Read from the node, so a
/// plain `0.5` is the decimal 0.5 and a quoted `"0.5"` is text, as the user wrote them.
fn convert(node: &Node, kind: SettingType) -> Result<Dynamic, String> {
    let scalar = node.resolve();
    match (kind, scalar) {
        (SettingType::Integer, Some(Resolved::Int(n))) => Ok(Dynamic::from_int(n)),
        (SettingType::Integer, _) => Err(tr!("script-setting-whole-number")),
        (SettingType::Decimal, Some(Resolved::Null | Resolved::Bool(_)) | None) => {
            Err(tr!("script-setting-number"))
        }
        (SettingType::Decimal, Some(_)) => exact(node.scalar().unwrap_or_default())
            .map(Dynamic::from_decimal)
            .ok_or_else(|| tr!("script-setting-number")),
        (SettingType::String, Some(Resolved::Text(s))) => Ok(s.into()),
        (SettingType::String, _) => Err(tr!("script-setting-text")),
        (SettingType::Boolean, Some(Resolved::Bool(b))) => Ok(b.into()),
        (SettingType::Boolean, _) => Err(tr!("script-setting-boolean")),
        (SettingType::List, _) => match &node.value {
            NodeValue::Sequence(items) => {
                Ok(Dynamic::from_array(items.iter().map(plain).collect()))
            }
            _ => Err(tr!("script-setting-list")),
        },
        (SettingType::Map, _) => match &node.value {
            NodeValue::Mapping(_) => Ok(plain(node)),
            _ => Err(tr!("script-setting-map")),
        },
    }
}

/// A value inside a list or map setting: whole numbers become integers, other numbers
/// exact decimals, text text.
fn plain(node: &Node) -> Dynamic {
    match &node.value {
        NodeValue::Sequence(items) => Dynamic::from_array(items.iter().map(plain).collect()),
        NodeValue::Mapping(entries) => Dynamic::from_map(
            entries
                .iter()
                .map(|(k, v)| (k.scalar().unwrap_or_default().into(), plain(v)))
                .collect(),
        ),
        NodeValue::Scalar(text) => match node.resolve() {
            Some(Resolved::Bool(b)) => b.into(),
            Some(Resolved::Int(n)) => Dynamic::from_int(n),
            Some(Resolved::UInt(_) | Resolved::Number(_)) => {
                exact(text).map_or(Dynamic::UNIT, Dynamic::from_decimal)
            }
            Some(Resolved::Text(s)) => s.into(),
            Some(Resolved::Null) | None => Dynamic::UNIT,
        },
    }
}

/// The decimal `text` says, exactly: `0.5`, `1,000`, `1e3`.
fn exact(text: &str) -> Option<rust_decimal::Decimal> {
    crate::amount::parse_amount(text)
        .ok()
        .or_else(|| rust_decimal::Decimal::from_scientific(text.trim()).ok())
}
