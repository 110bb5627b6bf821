//! Policy-test speed (issue 13): the host process runs a club's policy tests before every
//! reloaded version goes live, so a slow suite delays every reload.
//!
//! Times `bashgah::testing::run_policy_tests` — what `bashgah test` and a reload run —
//! on `benches/policy_suite/`: 128 cases, 1,000 steps in all (purchases, returns,
//! redemptions, adjustments and the clock moving; see benches/write_policy_suite.py). The
//! club is loaded once, untimed, as a reload has it already. Every round must pass every
//! case, so a broken runner cannot make it look fast.
//!
//! Run with `cargo bench --bench policy_tests`. `BASHGAH_BENCH_ROUNDS` (default 7) sets
//! the rounds, `BASHGAH_BENCH_CLUB` another club folder. It prints each round, then the
//! median and the fastest for the whole suite and per step.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use bashgah::policy::{Policy, ScriptEngine, ScriptLimits};
use bashgah::testing::{load_cases, run_policy_tests};

/// The allocator the `bashgah` command uses (src/main.rs), so the runner measured here is
/// the one users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEFAULT_ROUNDS: usize = 7;

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(text) => match text.trim().parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => panic!("{name} must be a positive whole number, not `{text}`"),
        },
        Err(_) => default,
    }
}

fn load(club: &Path, engine: &Arc<ScriptEngine>) -> Policy {
    match Policy::load(club, engine) {
        Ok((policy, _warnings)) => policy,
        Err(problems) => {
            for problem in problems {
                eprintln!("{problem}");
            }
            panic!("cannot load the club in `{}`", club.display());
        }
    }
}

fn main() {
    let rounds = env_number("BASHGAH_BENCH_ROUNDS", DEFAULT_ROUNDS);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let club = std::env::var_os("BASHGAH_BENCH_CLUB")
        .map_or(root.join("benches/policy_suite"), PathBuf::from);

    let engine = Arc::new(ScriptEngine::new(ScriptLimits::default(), None));
    let policy = load(&club, &engine);
    let cases = load_cases(&club).unwrap_or_else(|problems| {
        for problem in problems {
            eprintln!("{problem}");
        }
        panic!("cannot read the tests of `{}`", club.display());
    });
    let steps: usize = cases.iter().map(|case| case.when.len()).sum();
    assert!(steps > 0, "`{}` has no test steps", club.display());

    let mut seconds = Vec::with_capacity(rounds);
    for round in 1..=rounds {
        let started = Instant::now();
        let results = run_policy_tests(&policy).expect("the test files load");
        let elapsed = started.elapsed().as_secs_f64();
        assert_eq!(results.cases.len(), cases.len());
        if let Some(failed) = results.cases.iter().find(|c| !c.failures.is_empty()) {
            panic!(
                "case `{}` failed: {}",
                failed.name,
                failed.failures.join("; ")
            );
        }
        eprintln!(
            "round {round}/{rounds}: {:.1} ms, {:.3} ms per step",
            elapsed * 1e3,
            elapsed * 1e3 / steps as f64
        );
        seconds.push(elapsed);
    }
    seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];
    let fastest = seconds[0];
    println!(
        "policy tests: {} cases, {steps} steps, {rounds} rounds",
        cases.len()
    );
    for (name, seconds) in [("median", median), ("fastest", fastest)] {
        println!(
            "{name:<8}{:>8.1} ms for the suite, {:.3} ms per step",
            seconds * 1e3,
            seconds * 1e3 / steps as f64
        );
    }
}
