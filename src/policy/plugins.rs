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
use serde::Deserialize;

use super::PolicyFile;
use crate::club::{ClubFile, PathSegment};
use crate::diagnostic::{did_you_mean, Diagnostic, Location};

/// A plugin's `plugin.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    pub description: String,
    #[serde(default)]
    pub settings: BTreeMap<String, SettingSpec>,
}

/// One setting a plugin takes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingSpec {
    #[serde(rename = "type")]
    pub kind: SettingType,
    /// Used when the club does not set it; without one, the setting is required.
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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
    /// Why `plugin.yaml` could not be read, if it could not: reported only to clubs that
    /// use this plugin.
    pub manifest_problem: Option<Diagnostic>,
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
            let mut problem = None;
            let manifest = match std::fs::read_to_string(&manifest_path) {
                Ok(text) => match serde_yaml::from_str::<Manifest>(&text) {
                    Ok(manifest) => Some(manifest),
                    Err(error) => {
                        let message = error.to_string();
                        let message = message
                            .split(" at line ")
                            .next()
                            .unwrap_or(&message)
                            .to_owned();
                        let diagnostic =
                            Diagnostic::error(format!("in a plugin manifest: {message}"));
                        problem = Some(match error.location() {
                            Some(at) => diagnostic.at(
                                Location::new(&manifest_path, at.line(), at.column()),
                                Some(&text),
                            ),
                            None => diagnostic.in_file(&manifest_path),
                        });
                        None
                    }
                },
                Err(_) => None,
            };
            plugins.push(Plugin {
                name: file_name,
                path,
                manifest,
                manifest_problem: problem,
            });
        } else if let Some(name) = file_name.strip_suffix(".rhai") {
            plugins.push(Plugin {
                name: name.to_owned(),
                path,
                manifest: None,
                manifest_problem: None,
            });
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
    let found = plugins_dir.map(discover).unwrap_or_default();
    let configured = &club.definition.plugins;
    let mut files = Vec::new();
    for plugin in &found {
        let used = imports.contains(&plugin.name) || configured.contains_key(&plugin.name);
        if !used {
            continue;
        }
        if let Some(problem) = &plugin.manifest_problem {
            problems.push(problem.clone());
        }
        if imports.contains(&plugin.name) {
            files.extend(plugin_files(plugin));
        }
    }
    for name in configured.keys() {
        if !found
            .iter()
            .any(|p| &p.name == name && (p.manifest.is_some() || p.manifest_problem.is_some()))
        {
            let known: Vec<&str> = found
                .iter()
                .filter(|p| p.manifest.is_some())
                .map(|p| p.name.as_str())
                .collect();
            let diagnostic = club.error_at(
                &[PathSegment::Key("plugins"), PathSegment::Key(name)],
                format!("no plugin `{name}` with settings in the plugins folder"),
            );
            problems.push(match did_you_mean(name, known.iter().copied()) {
                Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
                None => {
                    diagnostic.with_help(format!("plugins with settings: {}", known.join(", ")))
                }
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
                        format!("plugin `{}` has no setting `{key}`", plugin.name),
                    );
                    problems.push(match did_you_mean(key, known.iter().copied()) {
                        Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
                        None => diagnostic.with_help(format!("its settings: {}", known.join(", "))),
                    });
                }
            }
        }
        for (key, spec) in &manifest.settings {
            let value = given.and_then(|g| g.get(key)).or(spec.default.as_ref());
            let path = [
                PathSegment::Key("plugins"),
                PathSegment::Key(&plugin.name),
                PathSegment::Key(key),
            ];
            match value {
                Some(value) => match convert(value, spec.kind) {
                    Ok(dynamic) => {
                        values.insert(key.into(), dynamic);
                    }
                    Err(expected) => problems.push(club.error_at(
                        &path,
                        format!(
                            "setting `{key}` of plugin `{}` must be {expected}",
                            plugin.name
                        ),
                    )),
                },
                None if imports.contains(&plugin.name) => problems.push(
                    club.error_at(
                        &[PathSegment::Key("plugins")],
                        format!("plugin `{}` needs setting `{key}`", plugin.name),
                    )
                    .with_help(format!(
                        "add it under `plugins: {{{}: {{{key}: ...}}}}`{}",
                        plugin.name,
                        spec.description
                            .as_deref()
                            .map(|d| format!(" ({d})"))
                            .unwrap_or_default()
                    )),
                ),
                None => {}
            }
        }
        all.insert(plugin.name.as_str().into(), Dynamic::from_map(values));
    }
    (Dynamic::from_map(all).into_shared(), files)
}

/// A setting's YAML value as Rhai sees it, or what was expected.
fn convert(value: &serde_json::Value, kind: SettingType) -> Result<Dynamic, &'static str> {
    use serde_json::Value;
    match (kind, value) {
        (SettingType::Integer, Value::Number(n)) => {
            n.as_i64().map(Dynamic::from_int).ok_or("a whole number")
        }
        (SettingType::Integer, _) => Err("a whole number"),
        (SettingType::Decimal, Value::Number(n)) => crate::amount::parse_amount(&n.to_string())
            .map(Dynamic::from_decimal)
            .map_err(|_| "a number"),
        (SettingType::Decimal, Value::String(s)) => crate::amount::parse_amount(s)
            .map(Dynamic::from_decimal)
            .map_err(|_| "a number"),
        (SettingType::Decimal, _) => Err("a number"),
        (SettingType::String, Value::String(s)) => Ok(s.as_str().into()),
        (SettingType::String, _) => Err("text"),
        (SettingType::Boolean, Value::Bool(b)) => Ok((*b).into()),
        (SettingType::Boolean, _) => Err("true or false"),
        (SettingType::List, Value::Array(items)) => {
            Ok(Dynamic::from_array(items.iter().map(plain).collect()))
        }
        (SettingType::List, _) => Err("a list"),
        (SettingType::Map, Value::Object(map)) => Ok(Dynamic::from_map(
            map.iter()
                .map(|(k, v)| (k.as_str().into(), plain(v)))
                .collect(),
        )),
        (SettingType::Map, _) => Err("a map of `key: value`"),
    }
}

/// A value inside a list or map setting: numbers become decimals (or integers), text text.
fn plain(value: &serde_json::Value) -> Dynamic {
    use serde_json::Value;
    match value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i),
            None => crate::amount::parse_amount(&n.to_string())
                .map_or(Dynamic::UNIT, Dynamic::from_decimal),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(items) => Dynamic::from_array(items.iter().map(plain).collect()),
        Value::Object(map) => Dynamic::from_map(
            map.iter()
                .map(|(k, v)| (k.as_str().into(), plain(v)))
                .collect(),
        ),
    }
}
