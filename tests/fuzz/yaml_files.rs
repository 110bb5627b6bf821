//! The YAML loaders: `club.yaml` (loaded with its scripts and plugins, then its policy
//! tests run), policy tests (`tests/*.yaml`), plugin manifests (`plugin.yaml`) and the
//! serve keys file. Each must give diagnostics or a value, never a panic, and every
//! diagnostic must render.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use std::io::Cursor;

use bashgah::clock;
use bashgah::diagnostic::{render_all, Diagnostic};
use bashgah::import::{import_events, read_rows, FileFormat, ImportOptions, EVENT_COLUMNS};
use bashgah::ledger::{Ledger, LedgerError};
use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use bashgah::recording::ManualError;
use bashgah::view::MemberView;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::fuzz::files::{club_dir, clubs, copy_dir, corpus, files_ending, read};
use crate::fuzz::harness::{note, root, Check, Seed, Target};
use crate::fuzz::structured::{self, Dictionary};

fn dictionary(seeds: &[Seed]) -> Dictionary {
    let trees: Vec<yaml_rust2::Yaml> = seeds
        .iter()
        .filter_map(|s| structured::parse_yaml(std::str::from_utf8(&s.data).ok()?))
        .collect();
    Dictionary::from_trees(&trees)
}

fn yaml_structured(
    rng: &mut crate::fuzz::rng::Rng,
    data: &[u8],
    dictionary: &Dictionary,
) -> Option<Vec<u8>> {
    if rng.one_in(2) {
        structured::yaml_alike(rng, data)
    } else {
        structured::yaml(rng, data, dictionary)
    }
}

/// Renders diagnostics the way the command line does (rendering slices source lines at
/// columns: it must not panic either).
fn render(diagnostics: &[Diagnostic]) {
    let text = render_all(diagnostics);
    assert!(diagnostics.is_empty() || !text.is_empty());
}

fn engine(plugins: &Path) -> Arc<ScriptEngine> {
    Arc::new(ScriptEngine::new(ScriptLimits::default(), Some(plugins)))
}

/// Loads the club in `dir`, renders what loading says, and if it loads, runs its policy
/// tests.
fn load_and_test(dir: &Path, engine: &Arc<ScriptEngine>) -> Result<(), String> {
    match Policy::load(dir, engine) {
        Ok((policy, warnings)) => {
            note("loaded");
            render(&warnings);
            run_tests(&policy);
            exercise(&policy)?;
        }
        Err(problems) => {
            note("refused");
            render(&problems);
        }
    }
    Ok(())
}

/// Events at the edges bashgah accepts (amounts of 10^18, the years 1000 and 9000, returns
/// of more than was bought, an enrolment), in any club that loads.
const EXTREME: &str = include_str!("corpus/exercise/events.csv");

/// A club that loads is put to work with extreme events: imported, the clock moved to
/// 2031 and to the year 9000, every reward redeemed and points converted to credit, every
/// member read back. Nothing may panic or hang, the ledger may not fail, and every
/// balance must still be the sum of the member's entries.
fn exercise(policy: &Policy) -> Result<(), String> {
    let failed = |e: LedgerError| format!("the ledger failed on a club that loads: {e}");
    let ledger = Ledger::open_in_memory().map_err(failed)?;
    let rows = read_rows(
        Cursor::new(EXTREME.as_bytes().to_vec()),
        FileFormat::Csv,
        "extreme.csv",
        &EVENT_COLUMNS,
    )
    .map_err(|e| e.to_string())?;
    let report = import_events(&ledger, policy, rows, ImportOptions::default()).map_err(failed)?;
    note(if report.accepted > 0 {
        "extreme events accepted"
    } else {
        "extreme events refused"
    });
    let at = |text: &str| -> DateTime<Utc> { text.parse().expect("a time") };
    let members = ["A1", "A2", "A3", "A4", "A5"];
    let advance = |to: DateTime<Utc>| -> Result<(), String> {
        ledger.begin().map_err(failed)?;
        let advanced = clock::advance(&ledger, policy, to);
        match advanced {
            Ok(_) => ledger.commit().map_err(failed),
            Err(error) => {
                let _ = ledger.rollback();
                Err(failed(error))
            }
        }
    };
    advance(at("2031-01-01T00:00:00Z"))?;
    let now = at("2031-01-01T00:00:00Z");
    for (i, member) in members.iter().enumerate() {
        ledger.begin().map_err(failed)?;
        for reward in &policy.club.rewards {
            match ledger.redeem(
                policy,
                &format!("R-{member}-{}", reward.id),
                member,
                &reward.id,
                now,
            ) {
                Ok(_) | Err(ManualError::Refused(_)) => {}
                Err(ManualError::Ledger(error)) => return Err(failed(error)),
            }
        }
        let points = Decimal::from(10_i64.pow(i as u32 * 4));
        match ledger.convert(policy, &format!("C-{member}"), member, points, now) {
            Ok(_) | Err(ManualError::Refused(_)) => {}
            Err(ManualError::Ledger(error)) => return Err(failed(error)),
        }
        ledger.commit().map_err(failed)?;
    }
    advance(at("9000-12-31T00:00:00Z"))?;
    for member in members {
        if let Some(view) = MemberView::read(&ledger, member, None, Some(policy)).map_err(failed)? {
            serde_json::to_string(&bashgah::view::report(policy, view))
                .map_err(|e| e.to_string())?;
        }
        let Some(summary) = ledger.member_summary(member).map_err(failed)? else {
            continue;
        };
        let entries: Decimal = ledger
            .statement(member)
            .map_err(failed)?
            .iter()
            .map(|line| line.points)
            .sum();
        if summary.balance != entries {
            return Err(format!(
                "member {member}'s balance {} is not the sum of their entries {entries}",
                summary.balance
            ));
        }
    }
    Ok(())
}

/// Runs the policy's tests, counting how far they got.
fn run_tests(policy: &Policy) {
    match bashgah::testing::run_policy_tests(policy) {
        Ok(results) => {
            note(if results.cases.is_empty() {
                "no test cases"
            } else if results.failed() == 0 {
                "tests pass"
            } else {
                "tests fail"
            });
        }
        Err(problems) => {
            note("tests refused");
            render(&problems);
        }
    }
}

/// `club.yaml` of every shipped club, mutated in a copy of its folder.
pub fn club() -> Target {
    let seeds: Vec<Seed> = clubs()
        .into_iter()
        .map(|(context, dir)| Seed {
            context,
            data: read(&dir.join("club.yaml")),
        })
        .collect();
    let plugins = root().join("plugins");
    let engine = engine(&plugins);
    let check: Check = Arc::new(move |context, input| {
        let source = club_dir(context).ok_or_else(|| format!("no club `{context}`"))?;
        let scratch = crate::scratch();
        let dir = scratch
            .path()
            .join(source.file_name().expect("a folder name"));
        copy_dir(&source, &dir);
        std::fs::write(dir.join("club.yaml"), input).expect("write club.yaml");
        load_and_test(&dir, &engine)
    });
    Target {
        name: "club",
        dictionary: dictionary(&seeds),
        seeds,
        structured: yaml_structured,
        check,
        default_cases: 150,
    }
}

/// A club loaded once in a scratch folder whose `tests/` the cases overwrite.
struct TestedClub {
    _scratch: tempfile::TempDir,
    policy: Policy,
}

/// The policy tests of every shipped club that has some, mutated; the club itself is
/// loaded once and its tests folder rewritten per case.
pub fn tests() -> Target {
    let mut seeds = Vec::new();
    for (context, dir) in clubs() {
        for file in files_ending(&dir.join("tests"), ".yaml") {
            seeds.push(Seed {
                context: context.clone(),
                data: read(&file),
            });
        }
    }
    let plugins = root().join("plugins");
    let engine = engine(&plugins);
    let loaded: Arc<Mutex<BTreeMap<String, Arc<Mutex<TestedClub>>>>> = Arc::default();
    let check: Check = Arc::new(move |context, input| {
        let club = {
            let mut loaded = loaded.lock().unwrap_or_else(|e| e.into_inner());
            if !loaded.contains_key(context) {
                let source = club_dir(context).ok_or_else(|| format!("no club `{context}`"))?;
                let scratch = crate::scratch();
                let dir = scratch
                    .path()
                    .join(source.file_name().expect("a folder name"));
                copy_dir(&source, &dir);
                let _ = std::fs::remove_dir_all(dir.join("tests"));
                std::fs::create_dir_all(dir.join("tests")).expect("tests folder");
                let (policy, _) = Policy::load(&dir, &engine).map_err(|p| {
                    format!(
                        "the shipped club `{context}` does not load:\n{}",
                        render_all(&p)
                    )
                })?;
                loaded.insert(
                    context.to_owned(),
                    Arc::new(Mutex::new(TestedClub {
                        _scratch: scratch,
                        policy,
                    })),
                );
            }
            Arc::clone(&loaded[context])
        };
        let club = club.lock().unwrap_or_else(|e| e.into_inner());
        std::fs::write(club.policy.dir.join("tests/fuzz.yaml"), input).expect("write the tests");
        run_tests(&club.policy);
        Ok(())
    });
    Target {
        name: "tests",
        dictionary: dictionary(&seeds),
        seeds,
        structured: yaml_structured,
        check,
        default_cases: 150,
    }
}

/// A plugin's manifest, mutated in a copy of the plugins folder; its test club (which
/// imports it and sets its settings) is loaded and tested with that folder.
pub fn plugin() -> Target {
    let plugins = root().join("plugins");
    let mut seeds = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&plugins)
        .expect("plugins folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("plugin.yaml").is_file())
        .collect();
    names.sort();
    for dir in names {
        let context = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        seeds.push(Seed {
            context,
            data: read(&dir.join("plugin.yaml")),
        });
    }
    let check: Check = Arc::new(move |context, input| {
        if !plugins.join(context).join("plugin.yaml").is_file() {
            return Err(format!("no plugin `{context}`"));
        }
        let scratch = crate::scratch();
        let copy = scratch.path().join("plugins");
        copy_dir(&plugins, &copy);
        std::fs::write(copy.join(context).join("plugin.yaml"), input).expect("write plugin.yaml");
        for plugin in bashgah::policy::plugins::discover(&copy) {
            render(&plugin.manifest_problems);
        }
        let club = copy.join(context).join("tests").join(context);
        if club.join("club.yaml").is_file() {
            load_and_test(&club, &engine(&copy))?;
        }
        Ok(())
    });
    Target {
        name: "plugin",
        dictionary: dictionary(&seeds),
        seeds,
        structured: yaml_structured,
        check,
        default_cases: 80,
    }
}

/// The keys file of `bashgah serve`.
pub fn keys() -> Target {
    let mut seeds = vec![Seed {
        context: String::new(),
        data: read(&root().join("examples/keys.yaml")),
    }];
    for file in files_ending(&corpus().join("keys"), ".yaml") {
        seeds.push(Seed {
            context: String::new(),
            data: read(&file),
        });
    }
    let check: Check = Arc::new(|_, input| {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut file, input).expect("write the keys");
        match bashgah::serve::keys::Keys::load(file.path()) {
            Ok(keys) => {
                note("loaded");
                for key in ["demo-cafe-till", "demo-admin", "", "\0"] {
                    if let Some(grant) = keys.grant(key) {
                        let _ = grant.may_use("cafe");
                    }
                }
            }
            Err(problems) => {
                note("refused");
                render(&problems);
            }
        }
        Ok(())
    });
    Target {
        name: "keys",
        dictionary: dictionary(&seeds),
        seeds,
        structured: yaml_structured,
        check,
        default_cases: 600,
    }
}
