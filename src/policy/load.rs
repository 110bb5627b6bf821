//! Loading a club folder into a [`Policy`]: `club.yaml`, every `*.rhai` next to it, and
//! the checks that join them (each rule's function exists, once, with two parameters).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono_tz::Tz;
use sha2::{Digest, Sha256};

use super::binding::bind_function;
use super::snapshot::{CompiledRule, Policy, PolicyFile, Script};
use super::ScriptEngine;
use crate::club::{load_club_file, load_club_file_anywhere, ClubFile, PathSegment};
use crate::diagnostic::{Diagnostic, Location};
use crate::tr;

/// The club folders under `policies` (those holding a `club.yaml`), sorted by name.
pub fn discover_clubs(policies: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut clubs = Vec::new();
    for entry in fs::read_dir(policies)? {
        let path = entry?.path();
        if path.join("club.yaml").is_file() {
            clubs.push(path);
        }
    }
    clubs.sort();
    Ok(clubs)
}

impl Policy {
    /// Loads the club in `dir`. On success also returns warnings; on failure, every
    /// problem found in the YAML and the scripts.
    pub fn load(
        dir: &Path,
        engine: &Arc<ScriptEngine>,
    ) -> Result<(Policy, Vec<Diagnostic>), Vec<Diagnostic>> {
        Policy::load_in(dir, engine, true)
    }

    /// [`Policy::load`] for a draft copy of a club: its folder has a name of its own, not
    /// the club's id.
    pub fn load_draft(
        dir: &Path,
        engine: &Arc<ScriptEngine>,
    ) -> Result<(Policy, Vec<Diagnostic>), Vec<Diagnostic>> {
        Policy::load_in(dir, engine, false)
    }

    fn load_in(
        dir: &Path,
        engine: &Arc<ScriptEngine>,
        folder_is_id: bool,
    ) -> Result<(Policy, Vec<Diagnostic>), Vec<Diagnostic>> {
        let club_path = dir.join("club.yaml");
        let club_source = fs::read_to_string(&club_path).map_err(|e| {
            vec![Diagnostic::error(tr!(
                "script-cannot-read",
                file = club_path.display().to_string(),
                reason = e.to_string()
            ))
            .with_help(tr!("script-no-club-yaml-help"))]
        })?;
        let mut problems = Vec::new();
        let mut files = vec![PolicyFile {
            name: "club.yaml".into(),
            text: club_source.clone(),
        }];

        let scripts = compile_scripts(dir, engine, &mut files, &mut problems);
        let scripts_compiled = !problems.iter().any(Diagnostic::is_error);
        let (club_file, club_problems) = if folder_is_id {
            load_club_file(&club_path, club_source)
        } else {
            load_club_file_anywhere(&club_path, club_source)
        };
        // Club problems first: they are usually the cause of the script ones.
        problems.splice(0..0, club_problems);
        let Some(club_file) = club_file else {
            return Err(problems);
        };
        if scripts_compiled {
            // Rules are called as (event, member) whatever their parameters are named: with
            // the club's rules known, `fn base(e, m) { e.amont }` is checked too.
            let rule_functions: Vec<&str> = club_file
                .definition
                .rules
                .iter()
                .map(|rule| rule.function.as_str())
                .collect();
            for script in &scripts {
                let path = Path::new(&script.display_path);
                for field in super::properties::unknown_fields_in(&script.ast, &rule_functions) {
                    problems.push(unknown_field(path, &script.source, &field));
                }
            }
        }
        // A script that did not compile defines no functions: binding rules to it
        // would only repeat that problem.
        let segment_scripts: Vec<Option<usize>> = if scripts_compiled {
            club_file
                .definition
                .campaigns
                .iter()
                .enumerate()
                .map(|(i, campaign)| {
                    let name = campaign.segment.as_ref()?.function.as_ref()?;
                    let path = [
                        PathSegment::Key("campaigns"),
                        PathSegment::Index(i),
                        PathSegment::Key("segment"),
                        PathSegment::Key("function"),
                    ];
                    let what = tr!("script-what-campaign", id = &campaign.id);
                    bind_function(
                        &club_file,
                        &scripts,
                        name,
                        &path,
                        &what,
                        "member",
                        &mut problems,
                    )
                    .map(|(script, _)| script)
                })
                .collect()
        } else {
            Vec::new()
        };
        let segment_function = club_file
            .definition
            .reports
            .as_ref()
            .and_then(|r| r.segment.as_ref())
            .filter(|_| scripts_compiled)
            .and_then(|name| {
                let path = [PathSegment::Key("reports"), PathSegment::Key("segment")];
                bind_function(
                    &club_file,
                    &scripts,
                    name,
                    &path,
                    &tr!("script-what-reports-segment"),
                    "member, now",
                    &mut problems,
                )
                .map(|(script, _)| script)
            });
        let group_functions = club_file
            .definition
            .groups
            .iter()
            .enumerate()
            .map(|(i, kind)| {
                let name = kind.function.as_ref().filter(|_| scripts_compiled)?;
                let path = [
                    PathSegment::Key("groups"),
                    PathSegment::Index(i),
                    PathSegment::Key("function"),
                ];
                let what = tr!("script-what-group", kind = &kind.id);
                bind_function(
                    &club_file,
                    &scripts,
                    name,
                    &path,
                    &what,
                    "event, member",
                    &mut problems,
                )
                .map(|(script, _)| script)
            })
            .collect();
        let (rules, tier_function, deal_targets) = if scripts_compiled {
            let rules = bind_rules(&club_file, &scripts, &mut problems);
            let tier_function = club_file
                .definition
                .tiering
                .function
                .as_ref()
                .and_then(|name| {
                    let path = [PathSegment::Key("tiering"), PathSegment::Key("function")];
                    bind_function(
                        &club_file,
                        &scripts,
                        name,
                        &path,
                        &tr!("script-what-tiering"),
                        "member, window",
                        &mut problems,
                    )
                });
            let deal_targets = club_file
                .definition
                .deals
                .iter()
                .enumerate()
                .map(|(i, deal)| {
                    let path = [
                        PathSegment::Key("deals"),
                        PathSegment::Index(i),
                        PathSegment::Key("target"),
                    ];
                    let what = tr!("script-what-deal", id = &deal.id);
                    bind_function(
                        &club_file,
                        &scripts,
                        &deal.target,
                        &path,
                        &what,
                        "member, period",
                        &mut problems,
                    )
                    .map_or(0, |(script, _)| script)
                })
                .collect();
            (rules, tier_function.map(|(script, _)| script), deal_targets)
        } else {
            (Vec::new(), None, Vec::new())
        };
        let mut imports: Vec<String> = Vec::new();
        for script in &scripts {
            for name in super::plugins::imported(&script.source) {
                if !imports.contains(&name) {
                    imports.push(name);
                }
            }
        }
        let contests = super::contests::compile(
            &club_file,
            club_file
                .definition
                .timezone
                .parse()
                .unwrap_or(chrono_tz::UTC),
            scripts_compiled.then_some(scripts.as_slice()),
            &mut problems,
        );
        let (plugin_settings, plugin_files) =
            super::plugins::settings(&club_file, engine.plugins(), &imports, &mut problems);
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        let warnings = problems;

        let zone: Tz = club_file.definition.timezone.parse().map_err(|_| {
            vec![Diagnostic::error(tr!("script-unknown-timezone")).in_file(&club_path)]
        })?;
        let campaigns = compile_campaigns(&club_file, zone, &segment_scripts)?;
        let rates = super::rates::load_rates(dir, &club_file, &mut files)?;
        let uses_member_stats = scripts.iter().any(|s| s.source.contains(".stats"))
            || plugin_files.iter().any(|f| f.text.contains(".stats"));
        files.extend(plugin_files);
        let policy = Policy {
            id: content_hash(&files),
            club: club_file.definition,
            dir: dir.to_owned(),
            zone,
            files,
            scripts,
            rules,
            tier_function,
            deal_targets,
            uses_member_stats,
            campaigns,
            contests,
            rates,
            segment_function,
            group_functions,
            plugin_settings,
            engine: Arc::clone(engine),
        };
        Ok((policy, warnings))
    }
}

fn compile_scripts(
    dir: &Path,
    engine: &ScriptEngine,
    files: &mut Vec<PolicyFile>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Script> {
    let mut paths: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|ext| ext == "rhai"))
            .collect(),
        Err(e) => {
            problems.push(Diagnostic::error(tr!(
                "script-cannot-list",
                folder = dir.display().to_string(),
                reason = e.to_string()
            )));
            return Vec::new();
        }
    };
    paths.sort();
    let known = engine.functions();
    let mut scripts = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = match fs::read_to_string(&path) {
            Ok(source) => source,
            Err(e) => {
                problems.push(Diagnostic::error(tr!(
                    "script-cannot-read",
                    file = path.display().to_string(),
                    reason = e.to_string()
                )));
                continue;
            }
        };
        files.push(PolicyFile {
            name: name.clone(),
            text: source.clone(),
        });
        match engine.engine().compile(&source) {
            Ok(mut ast) => {
                ast.set_source(path.display().to_string());
                // Top-level statements (`import "rates" as rates;`, constants) run before
                // every rule call; run them once now so that a missing plugin is reported
                // when the club is checked, not at the first purchase.
                let top_level = ast.clone_statements_only();
                if let Err(error) = engine.timed(|e| e.run_ast(&top_level)) {
                    let position = error.position();
                    problems.push(
                        Diagnostic::error(tr!(
                            "script-in-rhai",
                            message = super::error_message(&error)
                        ))
                        .at(
                            Location::new(
                                &path,
                                position.line().unwrap_or(0),
                                position.position().unwrap_or(1),
                            ),
                            Some(&source),
                        )
                        .with_help(tr!("script-plugins-help")),
                    );
                    continue;
                }
                let fields = super::properties::unknown_fields(&ast);
                let unknown = super::calls::unknown_calls(engine.engine(), known, &ast);
                for field in &fields {
                    problems.push(unknown_field(&path, &source, field));
                }
                if !unknown.is_empty() || !fields.is_empty() {
                    for call in unknown {
                        let mut problem = Diagnostic::error(tr!(
                            "script-in-rhai",
                            message = tr!("script-not-a-function", name = &call.name)
                        ))
                        .at(
                            Location::new(&path, call.line, call.column)
                                .with_width(call.name.chars().count()),
                            Some(&source),
                        );
                        problem = match call.suggestion {
                            Some(name) => problem.with_help(tr!("did-you-mean", name = name)),
                            None => problem.with_help(tr!("script-functions-help")),
                        };
                        problems.push(problem);
                    }
                    continue;
                }
                scripts.push(Script {
                    display_path: path.display().to_string(),
                    source,
                    native: super::native::NativeFunctions::translate(&ast, engine.limits()),
                    ast,
                });
            }
            Err(error) => {
                let position = error.position();
                let line = position.line().unwrap_or(0);
                let column = position.position().unwrap_or(1);
                problems.push(
                    Diagnostic::error(tr!(
                        "script-in-rhai",
                        message = super::parse_error_message(error.err_type())
                    ))
                    .at(Location::new(&path, line, column), Some(&source)),
                );
            }
        }
    }
    scripts
}

/// The problem of a script reading a field that does not exist.
fn unknown_field(path: &Path, source: &str, field: &super::properties::UnknownField) -> Diagnostic {
    let problem = Diagnostic::error(tr!(
        "script-in-rhai",
        message = tr!("script-no-field", owner = &field.owner, name = &field.name)
    ))
    .at(
        Location::new(path, field.line, field.column).with_width(field.name.chars().count()),
        Some(source),
    );
    let listed = field
        .known
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(&crate::tr!("list-comma"));
    match (field.suggestion, field.owner.as_str()) {
        (Some(near), _) => problem.with_help(tr!("did-you-mean", name = near)),
        // Listing an event's 17 fields would bury the likely fix: a column of the data.
        (None, "event" | "member") => problem.with_help(tr!(
            "script-attribute-help",
            owner = &field.owner,
            name = &field.name
        )),
        (None, _) => problem.with_help(tr!("script-fields-are", fields = listed)),
    }
}

fn bind_rules(
    club: &ClubFile,
    scripts: &[Script],
    problems: &mut Vec<Diagnostic>,
) -> Vec<CompiledRule> {
    let mut rules = Vec::new();
    for (index, rule) in club.definition.rules.iter().enumerate() {
        let path = [
            PathSegment::Key("rules"),
            PathSegment::Index(index),
            PathSegment::Key("function"),
        ];
        let what = tr!("script-what-rule", id = &rule.id);
        if let Some((script, line)) = bind_function(
            club,
            scripts,
            &rule.function,
            &path,
            &what,
            "event, member",
            problems,
        ) {
            rules.push(CompiledRule {
                index,
                script,
                line,
            });
        }
    }
    rules
}

/// Each campaign's dates as instants in the club's zone: the window is `[from, to + 1 day)`.
fn compile_campaigns(
    club: &ClubFile,
    zone: Tz,
    segment_scripts: &[Option<usize>],
) -> Result<Vec<super::CompiledCampaign>, Vec<Diagnostic>> {
    let calendar = club.definition.calendar;
    let mut problems = Vec::new();
    let mut compiled = Vec::new();
    for (i, campaign) in club.definition.campaigns.iter().enumerate() {
        let day = |key: &'static str, text: &str| {
            crate::time::parse_event_time(text, calendar, zone).map_err(|message| {
                Box::new(club.error_at(
                    &[
                        PathSegment::Key("campaigns"),
                        PathSegment::Index(i),
                        PathSegment::Key(key),
                    ],
                    tr!("script-campaign-date", id = &campaign.id, message = message),
                ))
            })
        };
        match (day("from", &campaign.from), day("to", &campaign.to)) {
            (Ok(start), Ok(last)) => {
                // The start of the day after `to`, in the club's zone (a day is not always
                // 24 hours where clocks change).
                let next_day = last.with_timezone(&zone).date_naive() + chrono::Days::new(1);
                let end = next_day
                    .and_hms_opt(0, 0, 0)
                    .and_then(|midnight| crate::time::local_to_utc(midnight, zone).ok())
                    .unwrap_or(last + chrono::Duration::days(1));
                if end <= start {
                    problems.push(club.error_at(
                        &[
                            PathSegment::Key("campaigns"),
                            PathSegment::Index(i),
                            PathSegment::Key("to"),
                        ],
                        tr!("script-campaign-ends-before", id = &campaign.id),
                    ));
                }
                let early = campaign
                    .early_access
                    .as_ref()
                    .map_or(0, |e| i64::from(e.days));
                compiled.push(super::CompiledCampaign {
                    start,
                    end,
                    early_start: start - chrono::Duration::days(early),
                    segment_script: segment_scripts.get(i).copied().flatten(),
                });
            }
            (from, to) => problems.extend(from.err().into_iter().chain(to.err()).map(|b| *b)),
        }
    }
    if problems.is_empty() {
        Ok(compiled)
    } else {
        Err(problems)
    }
}

fn content_hash(files: &[PolicyFile]) -> String {
    let mut hasher = Sha256::new();
    let mut sorted: Vec<&PolicyFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for file in sorted {
        // Length prefixes keep ("ab","c") and ("a","bc") apart.
        hasher.update((file.name.len() as u64).to_le_bytes());
        hasher.update(file.name.as_bytes());
        hasher.update((file.text.len() as u64).to_le_bytes());
        hasher.update(file.text.as_bytes());
    }
    crate::hex::encode(&hasher.finalize())
}
