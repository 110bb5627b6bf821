//! The one Rhai engine every club's scripts run in, with its sandbox limits.
//!
//! Rhai itself has no file, network or process access; we also silence `print` and
//! `debug` (scripts speak only through what they return), turn on strict variables so a
//! misspelt name fails at load time, and bound operations, call depth, expression depth,
//! sizes and wall time, so that a broken or runaway rule fails one event, never the process.

use std::cell::Cell;
use std::path::Path;
use std::time::{Duration, Instant};

use rhai::module_resolvers::FileModuleResolver;
use rhai::{Dynamic, Engine, EvalAltResult, Map, OptimizationLevel, INT};
use rust_decimal::Decimal;

/// Sandbox limits for scripts. The defaults are generous for earning rules, which loop
/// over a purchase's line items at most, and tight enough that a runaway loop stops fast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptLimits {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_expr_depth: usize,
    pub max_function_expr_depth: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    pub max_time: Duration,
}

impl Default for ScriptLimits {
    fn default() -> Self {
        ScriptLimits {
            max_operations: 200_000,
            max_call_levels: 32,
            max_expr_depth: 64,
            max_function_expr_depth: 32,
            max_string_size: 16 * 1024,
            max_array_size: 10_000,
            max_map_size: 1_000,
            max_time: Duration::from_millis(250),
        }
    }
}

thread_local! {
    /// When the script call running on this thread started; read by the progress callback.
    static CALL_STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// The shared engine plus the limits it was built with.
pub struct ScriptEngine {
    engine: Engine,
    limits: ScriptLimits,
    plugins: Option<std::path::PathBuf>,
}

/// Every function name an engine knows without a script (see `policy::calls`), listed
/// once per process rather than once per engine: listing walks the whole library (a tenth
/// of a small club's load), and every engine registers the same functions, whatever its
/// limits and plugins folder (`ScriptEngine::new`).
static ENGINE_FUNCTIONS: std::sync::OnceLock<std::collections::BTreeSet<String>> =
    std::sync::OnceLock::new();

impl std::fmt::Debug for ScriptEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptEngine")
            .field("limits", &self.limits)
            .finish()
    }
}

/// How often (in operations) the wall-time limit is checked; checking costs a clock read
/// (~20 ns), so every 32 operations costs well under a nanosecond each. One operation can
/// be a built-in over a 10,000-element array (`==`, `contains`, `dedup`: ~2 ms each), so
/// checking every 4,096 let a 250 ms limit run for 2–10 s (issue 13); every 32 overshoots
/// by at most a few tens of milliseconds.
const TIME_CHECK_EVERY: u32 = 32;

thread_local! {
    /// When the scripts of the work running on this thread must have finished, if it has
    /// a budget ([`with_time_budget`]).
    static BUDGET_ENDS: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Operations since the clock was last read on this thread. Counted here rather than
    /// taken from Rhai's operation count, which restarts in closures that built-ins such
    /// as `map` call (so a check on `operations % N` could be skipped for seconds).
    static SINCE_TIME_CHECK: Cell<u32> = const { Cell::new(0) };
}

/// What a script call stopped by a spent budget is terminated with.
pub const BUDGET_SPENT: &str = "time budget spent";

/// Runs `work` with every script call in it sharing one deadline, `budget` from now: a
/// batch of events whose rules each stay under the rule limit still cannot hold a club's
/// ledger thread for longer than this. Calls after the deadline stop at their first
/// operation. Budgets do not nest: an inner one replaces the outer until it ends.
pub fn with_time_budget<T>(budget: Duration, work: impl FnOnce() -> T) -> T {
    struct Restore(Option<Instant>);
    impl Drop for Restore {
        fn drop(&mut self) {
            BUDGET_ENDS.with(|end| end.set(self.0));
        }
    }
    let _restore = Restore(BUDGET_ENDS.with(|end| end.replace(Instant::now().checked_add(budget))));
    work()
}

/// Whether the budget of the work running on this thread is spent ([`with_time_budget`]):
/// then no script call may answer, not even one that needs no interpreter
/// ([`super::native`]).
pub fn budget_spent() -> bool {
    BUDGET_ENDS
        .with(Cell::get)
        .is_some_and(|end| Instant::now() >= end)
}

impl ScriptEngine {
    /// Builds the engine. `plugins` is the folder `import "name"` statements load from.
    pub fn new(limits: ScriptLimits, plugins: Option<&Path>) -> ScriptEngine {
        let mut engine = Engine::new();
        engine
            .set_max_operations(limits.max_operations)
            .set_max_call_levels(limits.max_call_levels)
            .set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth)
            .set_max_string_size(limits.max_string_size)
            .set_max_array_size(limits.max_array_size)
            .set_max_map_size(limits.max_map_size)
            .set_max_modules(16)
            .set_strict_variables(true)
            .set_fail_on_invalid_map_property(true)
            .set_optimization_level(OptimizationLevel::Simple);
        engine.on_print(|_| {});
        engine.on_debug(|_, _, _| {});
        let max_time = limits.max_time;
        engine.on_progress(move |_operations| {
            let due = SINCE_TIME_CHECK.with(|since| {
                let next = since.get() + 1;
                since.set(if next >= TIME_CHECK_EVERY { 0 } else { next });
                next >= TIME_CHECK_EVERY
            });
            if !due {
                return None;
            }
            let started = CALL_STARTED.with(Cell::get)?;
            let now = Instant::now();
            if BUDGET_ENDS.with(Cell::get).is_some_and(|end| now >= end) {
                return Some(Dynamic::from(BUDGET_SPENT));
            }
            (now.duration_since(started) > max_time).then(|| Dynamic::from("time limit"))
        });
        engine.set_module_resolver(PluginResolver {
            files: plugins.map(FileModuleResolver::new_with_path),
            builtin: super::builtin_plugins::folder().map(FileModuleResolver::new_with_path),
        });
        register_helpers(&mut engine);
        super::script_values::register(&mut engine);
        ScriptEngine {
            engine,
            limits,
            plugins: plugins.map(Path::to_path_buf),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The names scripts can call without defining or importing them.
    pub fn functions(&self) -> &std::collections::BTreeSet<String> {
        ENGINE_FUNCTIONS.get_or_init(|| super::calls::engine_functions(&self.engine))
    }

    pub fn limits(&self) -> &ScriptLimits {
        &self.limits
    }

    /// The plugins folder `import` resolves in, if any.
    pub fn plugins(&self) -> Option<&Path> {
        self.plugins.as_deref()
    }

    /// Runs `call` with the wall-time limit armed for this thread.
    pub fn timed<T>(&self, call: impl FnOnce(&Engine) -> T) -> T {
        if budget_spent() {
            // The budget is spent: check at the call's first operation, so that it stops
            // there rather than after 32.
            SINCE_TIME_CHECK.with(|since| since.set(TIME_CHECK_EVERY - 1));
        }
        CALL_STARTED.with(|c| c.set(Some(Instant::now())));
        let result = call(&self.engine);
        CALL_STARTED.with(|c| c.set(None));
        result
    }
}

/// Resolves `import "name"` to a plugin, and to nothing else: the name must be a plain
/// name (letters, digits, `_`), found as `plugins/<name>.rhai` or, for a plugin with a
/// manifest, `plugins/<name>/<name>.rhai`. Paths (`../x`, `/etc/x`, `a/b`) are refused, so
/// a script can never read a file outside the plugins folder.
struct PluginResolver {
    files: Option<FileModuleResolver>,
    /// The built-in plugins, for a name the local folder does not have.
    builtin: Option<FileModuleResolver>,
}

/// Whether `name` is a plain plugin name.
pub fn is_plugin_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl rhai::ModuleResolver for PluginResolver {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: rhai::Position,
    ) -> Result<rhai::Shared<rhai::Module>, Box<EvalAltResult>> {
        if !is_plugin_name(path) {
            return Err(EvalAltResult::ErrorRuntime(
                crate::tr!("script-not-a-plugin-name", name = path).into(),
                pos,
            )
            .into());
        }
        // The local folder first (it adds plugins and overrides built-in ones by name).
        let has = |files: &FileModuleResolver| {
            let base = files.base_path()?;
            if base.join(path).join(format!("{path}.rhai")).is_file() {
                Some(format!("{path}/{path}"))
            } else if base.join(format!("{path}.rhai")).is_file() {
                Some(path.to_owned())
            } else {
                None
            }
        };
        for files in [&self.files, &self.builtin].into_iter().flatten() {
            if let Some(inner) = has(files) {
                return files.resolve(engine, source, &inner, pos);
            }
        }
        Err(EvalAltResult::ErrorModuleNotFound(path.to_owned(), pos).into())
    }
}

/// Functions scripts can call besides Rhai's standard library.
fn register_helpers(engine: &mut Engine) {
    // `award(points, reason)`: the explicit way to say "these points, for this reason".
    engine.register_fn("award", |points: Decimal, reason: &str| {
        award(Dynamic::from(points), reason)
    });
    engine.register_fn("award", |points: INT, reason: &str| {
        award(Dynamic::from(points), reason)
    });
    // `decimal(x)`: an exact number from text (CSV attributes arrive as text) or an integer.
    engine.register_fn(
        "decimal",
        |text: &str| -> Result<Decimal, Box<EvalAltResult>> {
            crate::amount::parse_amount(text).map_err(|message| message.into())
        },
    );
    engine.register_fn("decimal", |value: INT| Decimal::from(value));
    engine.register_fn("decimal", |value: Decimal| value);
    // `settings("referral")`: the club's settings for a plugin (its manifest's defaults,
    // overridden in club.yaml under `plugins:`). They travel with each call as its tag.
    engine.register_fn(
        "settings",
        |context: rhai::NativeCallContext, plugin: &str| -> Result<Map, Box<EvalAltResult>> {
            let all = context
                .tag()
                .and_then(|tag| tag.read_lock::<Map>().map(|m| m.clone()))
                .unwrap_or_default();
            match all.get(plugin) {
                Some(settings) => Ok(settings
                    .read_lock::<Map>()
                    .map(|m| m.clone())
                    .unwrap_or_default()),
                None => Err(crate::tr!("script-no-plugin-settings", plugin = plugin).into()),
            }
        },
    );
    // `days_between(a, b)`: whole days from one stored time (`event.time`,
    // `member.stats.last_visit`) to another.
    engine.register_fn(
        "days_between",
        |from: &str, to: &str| -> Result<INT, Box<EvalAltResult>> {
            let parse = |text: &str| {
                crate::time::from_stored(text)
                    .ok_or_else(|| crate::tr!("script-not-a-time", text = text))
            };
            Ok((parse(to)? - parse(from)?).num_days())
        },
    );
}

pub(super) fn award(points: Dynamic, reason: &str) -> Map {
    let mut map = Map::new();
    map.insert("points".into(), points);
    map.insert("reason".into(), reason.into());
    map
}

/// What went wrong in a script, in Rhai's words but without the ` (line L, position C)`
/// it appends: we show positions our own way.
pub fn error_message(error: &EvalAltResult) -> String {
    if let Some((owner, name, _)) = unknown_property(error) {
        return crate::tr!("script-no-field", owner = owner, name = name);
    }
    let inner = error.unwrap_inner();
    match inner {
        EvalAltResult::ErrorModuleNotFound(name, _) => {
            return crate::tr!("script-rhai-module-not-found", name = name.as_str());
        }
        EvalAltResult::ErrorVariableNotFound(name, _) => {
            return crate::tr!("script-rhai-variable-not-found", name = name.as_str());
        }
        EvalAltResult::ErrorFunctionNotFound(name, _) => {
            return crate::tr!("script-rhai-function-not-found", name = name.as_str());
        }
        EvalAltResult::ErrorRuntime(value, _) => {
            if let Some(text) = value.read_lock::<rhai::ImmutableString>() {
                if !text.is_empty() {
                    return crate::tr!("script-rhai-runtime", message = text.as_str());
                }
            }
        }
        _ => {}
    }
    let message = inner.to_string();
    match message.rfind(" (line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    }
}

/// A suggestion for the fix of `error`, where one can be made: the nearest field for a
/// field an event or a member does not have.
pub fn error_help(error: &EvalAltResult) -> Option<String> {
    let (_, name, known) = unknown_property(error)?;
    crate::diagnostic::did_you_mean(name, known.iter().copied())
        .map(|near| crate::tr!("did-you-mean", name = near))
}

/// What is wrong with a script that does not compile: Rhai's words in English, ours for
/// the mistakes people make most in the other languages.
pub fn parse_error_message(error: &rhai::ParseErrorType) -> String {
    use rhai::{LexError, ParseErrorType as P};
    match error {
        P::BadInput(LexError::UnexpectedInput(text)) => {
            crate::tr!("script-rhai-unexpected", text = text.as_str())
        }
        P::BadInput(LexError::UnterminatedString) => crate::tr!("script-rhai-open-string"),
        P::UnknownOperator(text) => {
            crate::tr!("script-rhai-unknown-operator", text = text.as_str())
        }
        P::VariableUndefined(name) => {
            crate::tr!("script-rhai-undefined-variable", name = name.as_str())
        }
        P::VariableExists(name) => crate::tr!("script-rhai-variable-exists", name = name.as_str()),
        P::ModuleUndefined(name) => {
            crate::tr!("script-rhai-undefined-module", name = name.as_str())
        }
        P::MissingToken(token, description) => crate::tr!(
            "script-rhai-missing-token",
            token = token.as_str(),
            description = description.as_str()
        ),
        P::UnexpectedEOF => crate::tr!("script-rhai-incomplete"),
        P::FnMissingBody(name) if !name.is_empty() => {
            crate::tr!("script-rhai-function-body", name = name.as_str())
        }
        other => other.to_string(),
    }
}

/// For Rhai's "Unknown property 'wekday' - a getter is not registered for type 'Event'":
/// what it was read on as scripts say it, the name, and the fields there are.
fn unknown_property(
    error: &EvalAltResult,
) -> Option<(&'static str, &str, &'static [&'static str])> {
    use super::script_values::{EVENT_FIELDS, MEMBER_FIELDS};
    let EvalAltResult::ErrorDotExpr(message, _) = error.unwrap_inner() else {
        return None;
    };
    let rest = message.strip_prefix("Unknown property '")?;
    let (name, rest) = rest.split_once('\'')?;
    match rest.strip_prefix(" - a getter is not registered for type '")? {
        "Event'" => Some(("event", name, &EVENT_FIELDS)),
        "Member'" => Some(("member", name, &MEMBER_FIELDS)),
        _ => None,
    }
}
