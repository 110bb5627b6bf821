//! Running cases: each in a thread of its own with a deadline, panics caught with their
//! message and location, failures written to `tests/fuzz/crashes/` and reported with the
//! seed that makes them again. Every file already in `crashes/` is replayed first.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::fuzz::mutate;
use crate::fuzz::rng::{mix, name_seed, Rng};
use crate::fuzz::structured::Dictionary;

/// What a check says about one input: fine, or which property it broke.
pub type Check = Arc<dyn Fn(&str, &[u8]) -> Result<(), String> + Send + Sync>;
/// A format-aware mutation; `None` when the input does not parse (bytes are used then).
pub type Structured = fn(&mut Rng, &[u8], &Dictionary) -> Option<Vec<u8>>;

/// One input a target starts from, and the context it belongs to (the club whose file it
/// is, for instance), which a replay needs too.
#[derive(Clone)]
pub struct Seed {
    pub context: String,
    pub data: Vec<u8>,
}

/// A loader under test.
pub struct Target {
    /// Names crash files: `<name>@<context>-<hash>`.
    pub name: &'static str,
    pub seeds: Vec<Seed>,
    pub dictionary: Dictionary,
    pub structured: Structured,
    pub check: Check,
    /// Cases per run unless `BASHGAH_FUZZ_CASES` says otherwise.
    pub default_cases: usize,
}

/// How one case ended, when it did not end well.
#[derive(Debug, Clone)]
pub enum Failure {
    Panic(String),
    Hang(Duration),
    Broken(String),
}

impl Failure {
    /// What makes two failures the same bug: the panic's location, or the property.
    fn signature(&self) -> String {
        match self {
            Failure::Panic(message) => message
                .lines()
                .next()
                .and_then(|l| l.rsplit_once(" at ").map(|(_, at)| at.to_owned()))
                .unwrap_or_else(|| message.clone()),
            Failure::Hang(_) => "hang".into(),
            // The property, without the particulars (lines, values) after its first `:`.
            Failure::Broken(message) => message
                .lines()
                .next()
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Panic(message) => write!(f, "panicked: {message}"),
            Failure::Hang(after) => write!(f, "did not finish within {after:?}"),
            Failure::Broken(message) => write!(f, "{message}"),
        }
    }
}

// ---- settings ----

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    };
    Some(parsed.unwrap_or_else(|| panic!("{name}={text:?} is not a number")))
}

/// The run's seed: `BASHGAH_FUZZ_SEED` (a number, or `random`), else a fixed one, so
/// that CI runs the same cases every time.
fn run_seed() -> u64 {
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *SEED.get_or_init(|| match std::env::var("BASHGAH_FUZZ_SEED").as_deref() {
        Ok("random") => {
            let seed = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1);
            eprintln!("fuzz: BASHGAH_FUZZ_SEED={seed}");
            seed
        }
        _ => env_number("BASHGAH_FUZZ_SEED").unwrap_or(20_250_101),
    })
}

fn timeout() -> Duration {
    Duration::from_secs(env_number("BASHGAH_FUZZ_TIMEOUT").unwrap_or(10))
}

fn case_count(target: &Target) -> usize {
    env_number("BASHGAH_FUZZ_CASES").map_or(target.default_cases, |n| n as usize)
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn crashes_dir() -> PathBuf {
    root().join("tests/fuzz/crashes")
}

pub fn open_dir() -> PathBuf {
    root().join("tests/fuzz/open")
}

// ---- panics ----

struct Recorded {
    thread: String,
    text: String,
}

static PANICS: Mutex<Vec<Recorded>> = Mutex::new(Vec::new());

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Records every panic's message and location (for the case's report); panics in case
/// threads are not printed, the report shows them.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(a panic without a message)".into());
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_else(|| "an unknown place".into());
            let text = format!("{message} at {location}");
            let thread = std::thread::current().name().unwrap_or("").to_owned();
            LAST_PANIC.with(|last| *last.borrow_mut() = Some(text.clone()));
            let in_case = thread.starts_with("fuzz:");
            if let Ok(mut panics) = PANICS.lock() {
                panics.push(Recorded { thread, text });
            }
            if !in_case {
                previous(info);
            }
        }));
    });
}

fn panics_since(mark: usize) -> Vec<String> {
    PANICS
        .lock()
        .map(|p| {
            p.iter()
                .skip(mark)
                .map(|r| format!("[{}] {}", r.thread, r.text))
                .collect()
        })
        .unwrap_or_default()
}

fn panic_mark() -> usize {
    PANICS.lock().map(|p| p.len()).unwrap_or(0)
}

// ---- what the cases did ----

static NOTES: Mutex<std::collections::BTreeMap<(String, String), usize>> =
    Mutex::new(std::collections::BTreeMap::new());

thread_local! {
    static TARGET: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Counts an outcome of the current case ("loaded", "refused", "2xx"...), so that a run
/// shows whether its inputs reach past the first check.
pub fn note(what: &str) {
    let target = TARGET.with(|t| t.borrow().clone());
    if let Ok(mut notes) = NOTES.lock() {
        *notes.entry((target, what.to_owned())).or_default() += 1;
    }
}

fn notes_of(target: &str) -> String {
    NOTES
        .lock()
        .map(|notes| {
            notes
                .iter()
                .filter(|((t, _), _)| t == target)
                .map(|((_, what), n)| format!("{what} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

// ---- one case ----

/// Runs `check` on `input` in a thread named after the case (a stack overflow, which no
/// test can catch, still prints that name), with the deadline.
pub fn run_case(
    check: &Check,
    name: &str,
    context: &str,
    input: &[u8],
    label: &str,
) -> Result<(), Failure> {
    install_panic_hook();
    let mark = panic_mark();
    let (sender, receiver) = std::sync::mpsc::channel();
    let check = Arc::clone(check);
    let context = context.to_owned();
    let input = input.to_vec();
    let started = Instant::now();
    let target = name.to_owned();
    std::thread::Builder::new()
        .name(format!("fuzz:{name}:{label}"))
        .stack_size(8 * 1024 * 1024)
        .spawn(move || {
            TARGET.with(|t| *t.borrow_mut() = target);
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&context, &input)));
            let outcome = match outcome {
                Ok(Ok(())) => Ok(()),
                Ok(Err(message)) => Err(Failure::Broken(message)),
                Err(_) => Err(Failure::Panic(
                    LAST_PANIC
                        .with(|last| last.borrow_mut().take())
                        .unwrap_or_else(|| "(no message)".into()),
                )),
            };
            let _ = sender.send(outcome);
        })
        .expect("start a case thread");
    // Past the deadline a case gets twice as long again before it counts as a hang: on a
    // shared machine a build next door can stall a quick case for seconds, and a case that
    // does finish that late is reported as slow rather than failed.
    let deadline = timeout();
    let outcome = match receiver.recv_timeout(deadline) {
        Ok(outcome) => outcome,
        Err(_) => match receiver.recv_timeout(deadline * 2) {
            Ok(outcome) => {
                eprintln!(
                    "fuzz {name}: case {label} took {:.1?}, past the {deadline:?} deadline",
                    started.elapsed()
                );
                outcome
            }
            Err(_) => Err(Failure::Hang(started.elapsed())),
        },
    };
    // A panic in another thread (a ledger thread, the import's reading thread) shows only
    // as a failed answer here: add what was recorded meanwhile.
    outcome.map_err(|failure| {
        let others = panics_since(mark);
        match failure {
            Failure::Broken(message) if !others.is_empty() => Failure::Broken(format!(
                "{message}\npanics meanwhile:\n  {}",
                others.join("\n  ")
            )),
            Failure::Panic(message) if others.len() > 1 => Failure::Panic(format!(
                "{message}\npanics meanwhile:\n  {}",
                others.join("\n  ")
            )),
            other => other,
        }
    })
}

// ---- crash files ----

pub fn hash(input: &[u8]) -> String {
    Sha256::digest(input)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn crash_name(target: &str, context: &str, input: &[u8]) -> String {
    if context.is_empty() {
        format!("{target}-{}", hash(input))
    } else {
        format!("{target}@{context}-{}", hash(input))
    }
}

/// `(target, context)` of a crash file's name.
pub fn parse_crash_name(file_name: &str) -> Option<(String, String)> {
    let (prefix, hash) = file_name.rsplit_once('-')?;
    if hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(match prefix.split_once('@') {
        Some((target, context)) => (target.to_owned(), context.to_owned()),
        None => (prefix.to_owned(), String::new()),
    })
}

/// The regression inputs of `target` in `dir`: (path, context, bytes).
pub fn regression_inputs(dir: &Path, target: &str) -> Vec<(PathBuf, String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, String, Vec<u8>)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            let (of, context) = parse_crash_name(&name)?;
            (of == target).then(|| {
                let data = std::fs::read(&path).expect("read a crash input");
                (path, context, data)
            })
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn save_crash(target: &str, context: &str, input: &[u8]) -> PathBuf {
    let name = crash_name(target, context, input);
    let open = open_dir().join(&name);
    if open.exists() {
        return open;
    }
    let path = crashes_dir().join(&name);
    if !path.exists() {
        std::fs::create_dir_all(crashes_dir()).expect("crashes folder");
        std::fs::write(&path, input).expect("write the crash input");
    }
    path
}

fn shown(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    if text.chars().count() <= 600 {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(600).collect();
        format!("{head:?}... ({} bytes)", input.len())
    }
}

// ---- a target's run ----

/// The case of `case_seed`: its context and input. Made on a thread with a large stack:
/// value trees nested hundreds deep are walked, written and dropped recursively.
pub fn generate(target: &Target, case_seed: u64) -> (String, Vec<u8>) {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("fuzz-generate".into())
            .stack_size(64 * 1024 * 1024)
            .spawn_scoped(scope, || make(target, case_seed))
            .expect("start the generator")
            .join()
            .expect("the generator panicked")
    })
}

fn make(target: &Target, case_seed: u64) -> (String, Vec<u8>) {
    let mut rng = Rng::new(case_seed);
    let seed = rng.pick(&target.seeds).clone();
    let others: Vec<Vec<u8>> = target.seeds.iter().map(|s| s.data.clone()).collect();
    let mut data = seed.data;
    match rng.below(10) {
        0..=3 => match (target.structured)(&mut rng, &data, &target.dictionary) {
            Some(changed) => data = changed,
            None => mutate::bytes(&mut rng, &mut data, &others),
        },
        4..=7 => mutate::bytes(&mut rng, &mut data, &others),
        8 => {
            if let Some(changed) = (target.structured)(&mut rng, &data, &target.dictionary) {
                data = changed;
            }
            mutate::bytes(&mut rng, &mut data, &others);
        }
        _ => {
            // several rounds of both: far from the seed
            for _ in 0..rng.between(2, 6) {
                if rng.one_in(2) {
                    if let Some(changed) = (target.structured)(&mut rng, &data, &target.dictionary)
                    {
                        data = changed;
                        continue;
                    }
                }
                mutate::bytes(&mut rng, &mut data, &others);
            }
        }
    }
    data.truncate(mutate::MAX_INPUT);
    (seed.context, data)
}

/// The failures of `target` known and not fixed yet: lines `<target>: <signature>` of
/// `open/known.txt` (the signature is what a failure report prints after `signature:`).
fn open_signatures(target: &Target) -> BTreeSet<String> {
    let text = std::fs::read_to_string(open_dir().join("known.txt")).unwrap_or_default();
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once(": "))
        .filter(|(of, _)| of.trim() == target.name)
        .map(|(_, signature)| signature.to_owned())
        .collect()
}

/// Replays `target`'s regression inputs, then fuzzes it; panics with every failure.
pub fn fuzz(target: Target) {
    let started = Instant::now();
    let mut report = String::new();
    let mut seen = BTreeSet::new();
    let mut failed = 0;

    // A single input or case, when asked: `BASHGAH_FUZZ_FILE=path`, or
    // `BASHGAH_FUZZ_REPLAY=<target>:<case seed>`.
    if let Ok(file) = std::env::var("BASHGAH_FUZZ_FILE") {
        let path = PathBuf::from(&file);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let (of, context) = parse_crash_name(name)
            .unwrap_or_else(|| panic!("`{file}` is not named <target>[@<context>]-<hash>"));
        if of != target.name {
            return;
        }
        let input = std::fs::read(&path).expect("read the input");
        if let Err(failure) = run_case(&target.check, target.name, &context, &input, "file") {
            panic!("{file}: {failure}");
        }
        eprintln!("{file}: fine");
        return;
    }
    if let Ok(replay) = std::env::var("BASHGAH_FUZZ_REPLAY") {
        let (of, seed) = replay
            .split_once(':')
            .expect("BASHGAH_FUZZ_REPLAY=<target>:<case seed>");
        if of != target.name {
            return;
        }
        let case_seed = u64::from_str_radix(seed.trim_start_matches("0x"), 16).expect("a hex seed");
        let (context, input) = generate(&target, case_seed);
        // Kept before it runs: a stack overflow aborts the process.
        let kept = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(crash_name(
            target.name,
            &context,
            &input,
        ));
        std::fs::write(&kept, &input).expect("keep the input");
        eprintln!("the input is in {}", kept.display());
        eprintln!(
            "replaying {of} case {case_seed:#x} in context `{context}`: {}",
            shown(&input)
        );
        if let Err(failure) = run_case(
            &target.check,
            target.name,
            &context,
            &input,
            &format!("{case_seed:#x}"),
        ) {
            panic!("{failure}");
        }
        eprintln!("fine");
        return;
    }

    let open_mode = std::env::var("BASHGAH_FUZZ_OPEN").is_ok_and(|v| v == "1");
    let mut dirs = vec![crashes_dir()];
    if open_mode {
        dirs.push(open_dir());
    }
    let mut replayed = 0;
    for dir in dirs {
        for (path, context, input) in regression_inputs(&dir, target.name) {
            replayed += 1;
            let label = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            if let Err(failure) = run_case(&target.check, target.name, &context, &input, &label) {
                failed += 1;
                let _ = writeln!(
                    report,
                    "\n{} (a regression input) {failure}",
                    path.display()
                );
                if matches!(failure, Failure::Hang(_)) {
                    panic!("{report}");
                }
            }
        }
    }

    let cases = case_count(&target);
    let base = run_seed();
    let mut known_open: Option<BTreeSet<String>> = None;
    let mut open_seen = BTreeSet::new();
    for index in 0..cases {
        let case_seed = mix(&[base, name_seed(target.name), index as u64]);
        let (context, input) = generate(&target, case_seed);
        let label = format!("{case_seed:#x}");
        let Err(failure) = run_case(&target.check, target.name, &context, &input, &label) else {
            continue;
        };
        // A known bug not fixed yet (its input, or one failing the same way, is in
        // `open/`) does not fail the run, unless BASHGAH_FUZZ_OPEN=1.
        if !open_mode && !matches!(failure, Failure::Hang(_)) {
            let known = known_open.get_or_insert_with(|| open_signatures(&target));
            let signature = failure.signature();
            if open_dir()
                .join(crash_name(target.name, &context, &input))
                .exists()
                || known.contains(&signature)
            {
                if open_seen.insert(signature) {
                    eprintln!(
                        "fuzz {}: case {index} fails as a known open bug does: {failure}",
                        target.name
                    );
                }
                continue;
            }
        }
        failed += 1;
        let hang = matches!(failure, Failure::Hang(_));
        if seen.insert(failure.signature()) {
            let path = save_crash(target.name, &context, &input);
            let _ = writeln!(
                report,
                "\n{} case {index} {failure}\n  signature: {}\n  input: {}\n  saved: {}\n  replay: BASHGAH_FUZZ_REPLAY={}:{label} cargo test --test all fuzz::{}",
                target.name,
                failure.signature(),
                shown(&input),
                path.display(),
                target.name,
                target.name.replace('-', "_"),
            );
        }
        if hang || seen.len() >= 20 {
            // a case still running may hold shared state: stop here
            let _ = writeln!(report, "\n(stopped after case {index})");
            break;
        }
    }
    eprintln!(
        "fuzz {}: {replayed} regression inputs, {cases} cases, {:.1?} ({})",
        target.name,
        started.elapsed(),
        notes_of(target.name)
    );
    assert!(
        failed == 0,
        "{failed} failing cases of {}:{report}",
        target.name
    );
}
