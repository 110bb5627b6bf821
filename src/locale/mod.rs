//! What a person reads, in their language: English or Persian.
//!
//! Every sentence bashgah prints for a person (not JSON, not ids, not what a club's own
//! files say) is a message in a [Fluent](https://projectfluent.org) catalogue under
//! `locales/<language>/*.ftl`, which a translator edits without touching Rust. Code asks
//! for a message by its id with [`tr!`](crate::tr), naming its arguments:
//!
//! ```ignore
//! tr!("check-ok", club = "cafe", version = "3f2a…", rules = 3usize)
//! ```
//!
//! Counts are passed as numbers, so the catalogue can choose the plural (`1 rule`,
//! `3 rules`) and the digits: `12,000` in English, `۱۲٬۰۰۰` in Persian. Amounts and points
//! (exact decimals) are formatted here too, by [`amount`], never through floating point.
//!
//! Which language: `--lang` (or `BASHGAH_LANG`), else the club's `language:` when a
//! command works on one club, else the locale the shell says (`LC_ALL`, `LC_MESSAGES`,
//! `LANG`), else English. The choice is process-wide: a command speaks one language.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use rust_decimal::Decimal;

/// A language bashgah speaks to people.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Persian (فارسی).
    Fa,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fa];

    /// Its code, as in `--lang` and the catalogue folders: `en`, `fa`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fa => "fa",
        }
    }

    /// Reads `en`, `fa`, and locale names such as `fa_IR.UTF-8` or `en-GB`.
    pub fn parse(text: &str) -> Option<Lang> {
        let code = text
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match code.as_str() {
            "en" | "english" => Some(Lang::En),
            "fa" | "per" | "fas" | "persian" | "farsi" => Some(Lang::Fa),
            _ => None,
        }
    }
}

/// The catalogues, built into the binary. `locales/` holds exactly these files (a test
/// checks), each language the same message ids with the same arguments.
const CATALOGUES: &[(Lang, &str, &str)] = &[
    (
        Lang::En,
        "contests.ftl",
        include_str!("../../locales/en/contests.ftl"),
    ),
    (
        Lang::Fa,
        "contests.ftl",
        include_str!("../../locales/fa/contests.ftl"),
    ),
    (
        Lang::En,
        "currencies.ftl",
        include_str!("../../locales/en/currencies.ftl"),
    ),
    (
        Lang::Fa,
        "currencies.ftl",
        include_str!("../../locales/fa/currencies.ftl"),
    ),
    (
        Lang::En,
        "console.ftl",
        include_str!("../../locales/en/console.ftl"),
    ),
    (
        Lang::Fa,
        "console.ftl",
        include_str!("../../locales/fa/console.ftl"),
    ),
    (
        Lang::En,
        "common.ftl",
        include_str!("../../locales/en/common.ftl"),
    ),
    (
        Lang::Fa,
        "common.ftl",
        include_str!("../../locales/fa/common.ftl"),
    ),
    (
        Lang::En,
        "check.ftl",
        include_str!("../../locales/en/check.ftl"),
    ),
    (
        Lang::Fa,
        "check.ftl",
        include_str!("../../locales/fa/check.ftl"),
    ),
    (
        Lang::En,
        "member.ftl",
        include_str!("../../locales/en/member.ftl"),
    ),
    (
        Lang::Fa,
        "member.ftl",
        include_str!("../../locales/fa/member.ftl"),
    ),
    (
        Lang::En,
        "reasons.ftl",
        include_str!("../../locales/en/reasons.ftl"),
    ),
    (
        Lang::Fa,
        "reasons.ftl",
        include_str!("../../locales/fa/reasons.ftl"),
    ),
    (
        Lang::En,
        "refusals.ftl",
        include_str!("../../locales/en/refusals.ftl"),
    ),
    (
        Lang::Fa,
        "refusals.ftl",
        include_str!("../../locales/fa/refusals.ftl"),
    ),
    (
        Lang::En,
        "test.ftl",
        include_str!("../../locales/en/test.ftl"),
    ),
    (
        Lang::Fa,
        "test.ftl",
        include_str!("../../locales/fa/test.ftl"),
    ),
    (
        Lang::En,
        "import.ftl",
        include_str!("../../locales/en/import.ftl"),
    ),
    (
        Lang::Fa,
        "import.ftl",
        include_str!("../../locales/fa/import.ftl"),
    ),
    (
        Lang::En,
        "commands.ftl",
        include_str!("../../locales/en/commands.ftl"),
    ),
    (
        Lang::Fa,
        "commands.ftl",
        include_str!("../../locales/fa/commands.ftl"),
    ),
    (
        Lang::En,
        "simulate.ftl",
        include_str!("../../locales/en/simulate.ftl"),
    ),
    (
        Lang::Fa,
        "simulate.ftl",
        include_str!("../../locales/fa/simulate.ftl"),
    ),
    (
        Lang::En,
        "report.ftl",
        include_str!("../../locales/en/report.ftl"),
    ),
    (
        Lang::Fa,
        "report.ftl",
        include_str!("../../locales/fa/report.ftl"),
    ),
    (
        Lang::En,
        "explain.ftl",
        include_str!("../../locales/en/explain.ftl"),
    ),
    (
        Lang::Fa,
        "explain.ftl",
        include_str!("../../locales/fa/explain.ftl"),
    ),
    (
        Lang::En,
        "club.ftl",
        include_str!("../../locales/en/club.ftl"),
    ),
    (
        Lang::Fa,
        "club.ftl",
        include_str!("../../locales/fa/club.ftl"),
    ),
    (
        Lang::En,
        "yaml.ftl",
        include_str!("../../locales/en/yaml.ftl"),
    ),
    (
        Lang::Fa,
        "yaml.ftl",
        include_str!("../../locales/fa/yaml.ftl"),
    ),
    (
        Lang::En,
        "rows.ftl",
        include_str!("../../locales/en/rows.ftl"),
    ),
    (
        Lang::Fa,
        "rows.ftl",
        include_str!("../../locales/fa/rows.ftl"),
    ),
    (
        Lang::En,
        "scripts.ftl",
        include_str!("../../locales/en/scripts.ftl"),
    ),
    (
        Lang::Fa,
        "scripts.ftl",
        include_str!("../../locales/fa/scripts.ftl"),
    ),
    (
        Lang::En,
        "groups.ftl",
        include_str!("../../locales/en/groups.ftl"),
    ),
    (
        Lang::Fa,
        "groups.ftl",
        include_str!("../../locales/fa/groups.ftl"),
    ),
];

/// Each catalogue file's language, name and text, for the catalogue tests.
pub fn catalogues() -> impl Iterator<Item = (Lang, &'static str, &'static str)> {
    CATALOGUES.iter().copied()
}

// 0: not chosen yet; else 1 + the index in `Lang::ALL`.
static CHOSEN: AtomicU8 = AtomicU8::new(0);
// Whether the person chose (`--lang`), which a club's `language:` does not override.
static EXPLICIT: AtomicU8 = AtomicU8::new(0);

fn store(lang: Lang) {
    let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    CHOSEN.store(index as u8 + 1, Ordering::Relaxed);
}

/// Settles the language at start: `flag` is `--lang` (or `BASHGAH_LANG`); without it the
/// shell's locale decides, until a club says otherwise ([`club_default`]).
pub fn choose(flag: Option<&str>) -> Result<Lang, String> {
    if let Some(flag) = flag {
        let lang = Lang::parse(flag).ok_or_else(|| {
            format!("`{flag}` is not a language bashgah speaks; use `en` or `fa`")
        })?;
        store(lang);
        EXPLICIT.store(1, Ordering::Relaxed);
        return Ok(lang);
    }
    EXPLICIT.store(0, Ordering::Relaxed);
    let lang = shell_language().unwrap_or(Lang::En);
    store(lang);
    Ok(lang)
}

/// A club's `language:` applies unless the person chose one with `--lang`.
pub fn club_default(lang: Option<Lang>) {
    if let Some(lang) = lang {
        if EXPLICIT.load(Ordering::Relaxed) == 0 {
            store(lang);
        }
    }
}

/// For a process whose texts reach programs (the host process): English, unless the
/// person chose a language with `--lang`; the shell's locale and clubs' `language:` are
/// not asked.
pub fn settle_for_programs() {
    if EXPLICIT.load(Ordering::Relaxed) == 0 {
        store(Lang::En);
        // A club's `language:` must not change it later either.
        EXPLICIT.store(1, Ordering::Relaxed);
    }
}

/// The language the shell's locale names, as `gettext` reads it: the first of `LC_ALL`,
/// `LC_MESSAGES`, `LANG` that is set. `C` and `POSIX` (and languages bashgah does not
/// speak) say nothing.
fn shell_language() -> Option<Lang> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .and_then(|value| Lang::parse(&value))
}

thread_local! {
    /// The language [`in_language`] set for the work running on this thread.
    static ON_THIS_THREAD: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

/// Runs `work` (synchronous: no `.await` inside) with `lang` as the [`current`] language
/// of this thread, whatever the process's: how the host process, which serves people of
/// both languages at once, writes a page in the reader's language with code that uses
/// [`tr!`](crate::tr) (the simulation report).
pub fn in_language<T>(lang: Lang, work: impl FnOnce() -> T) -> T {
    struct Restore(Option<Lang>);
    impl Drop for Restore {
        fn drop(&mut self) {
            ON_THIS_THREAD.with(|cell| cell.set(self.0));
        }
    }
    let _restore = Restore(ON_THIS_THREAD.with(|cell| cell.replace(Some(lang))));
    work()
}

/// The language of this process's output (or of this thread's work, in
/// [`in_language`]). Until a command has chosen ([`choose`]), as when bashgah is used as a
/// library, English.
pub fn current() -> Lang {
    if let Some(lang) = ON_THIS_THREAD.with(std::cell::Cell::get) {
        return lang;
    }
    match CHOSEN.load(Ordering::Relaxed) {
        0 => Lang::En,
        n => Lang::ALL[(n - 1) as usize],
    }
}

/// One argument of a message.
#[derive(Debug, Clone)]
pub enum Arg {
    /// A name, an id, a date already written: shown as it is.
    Text(String),
    /// A count: chooses the plural, shown grouped in the language's digits.
    Count(i64),
    /// Points or money: exact, grouped, in the language's digits.
    Amount(Decimal),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg::Text(text.to_owned())
    }
}
impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg::Text(text)
    }
}
impl From<&String> for Arg {
    fn from(text: &String) -> Self {
        Arg::Text(text.clone())
    }
}
impl From<Decimal> for Arg {
    fn from(value: Decimal) -> Self {
        Arg::Amount(value)
    }
}
impl From<&Decimal> for Arg {
    fn from(value: &Decimal) -> Self {
        Arg::Amount(*value)
    }
}
macro_rules! count_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Count(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
count_from!(u8, u16, u32, u64, usize, i32, i64);

/// A message in the current language. Prefer [`tr!`](crate::tr), which names arguments.
pub fn text(id: &str, args: &[(&str, Arg)]) -> String {
    text_in(current(), id, args)
}

/// A message in `lang`; a message a catalogue lacks is taken from English, and one no
/// catalogue has is shown as its id (a test keeps that from shipping).
pub fn text_in(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, arg) in args {
        let value = match arg {
            Arg::Text(text) => FluentValue::from(text.clone()),
            // Counts are far below 2^53, where f64 is exact.
            Arg::Count(n) => FluentValue::from(*n),
            Arg::Amount(value) => FluentValue::from(amount_in(lang, *value)),
        };
        fluent_args.set(*name, value);
    }
    for lang in [lang, Lang::En] {
        let bundle = bundle(lang);
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return bundle
                .format_pattern(pattern, Some(&fluent_args), &mut errors)
                .into_owned();
        }
    }
    id.to_owned()
}

/// Points or money as the current language writes them: `64,345,280` or `۶۴٬۳۴۵٬۲۸۰`.
pub fn amount(value: Decimal) -> String {
    amount_in(current(), value)
}

/// A signed change of points: `+12`, `-3` (`0` unsigned), in the current language's digits.
pub fn signed(value: Decimal) -> String {
    numerals(&crate::digits::signed(value))
}

/// `value` grouped, in `lang`'s digits and separators: `1,250,000`, `۱٬۲۵۰٬۰۰۰`.
pub fn amount_in(lang: Lang, value: Decimal) -> String {
    numerals_in(lang, &crate::digits::grouped(value))
}

/// `text` with its ASCII digits, group and decimal separators written as the current
/// language writes numbers; for dates and figures already formatted. Ids are not numbers:
/// do not pass them through here.
pub fn numerals(text: &str) -> String {
    numerals_in(current(), text)
}

/// [`numerals`] in a given language: for texts that follow the club's language rather than
/// the person's, such as the reasons written into the ledger.
pub fn numerals_in(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => text.to_owned(),
        Lang::Fa => crate::digits::to_persian(text),
    }
}

/// How many columns `text` takes in a terminal: the zero-width non-joiner Persian writes
/// inside words (`داده‌شده`) and combining marks take none, unlike in `chars().count()`.
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` padded with spaces at its end to `columns` terminal columns (as `{:<n}` does for
/// ASCII), for tables whose cells may hold Persian.
pub fn pad_end(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(width(text))))
}

/// `text` padded with spaces before it to `columns` terminal columns (as `{:>n}`).
pub fn pad_start(text: &str, columns: usize) -> String {
    format!("{}{text}", " ".repeat(columns.saturating_sub(width(text))))
}

/// Numbers in messages: grouped, in the language's digits.
fn format_number(lang: Lang, value: &FluentValue) -> Option<String> {
    match value {
        FluentValue::Number(number) if number.value.fract() == 0.0 => {
            // Counts only (see `Arg::Count`); exact as an integer.
            let whole = Decimal::from(number.value as i64);
            Some(amount_in(lang, whole))
        }
        _ => None,
    }
}

fn format_en(
    value: &FluentValue,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    format_number(Lang::En, value)
}

fn format_fa(
    value: &FluentValue,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    format_number(Lang::Fa, value)
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: OnceLock<Vec<FluentBundle<FluentResource>>> = OnceLock::new();
    let bundles = BUNDLES.get_or_init(|| Lang::ALL.iter().map(|l| build(*l)).collect());
    let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    &bundles[index]
}

fn build(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around arguments are invisible in a terminal but break
    // copying, `grep` and exact comparisons; our arguments are short and single-direction.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(match lang {
        Lang::En => format_en,
        Lang::Fa => format_fa,
    }));
    for (file_lang, _, source) in CATALOGUES {
        if *file_lang == lang {
            // A catalogue that does not parse is caught by the catalogue tests; what parsed
            // of it is still used.
            let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(r, _)| r);
            let _ = bundle.add_resource(resource);
        }
    }
    bundle
}

/// A message in the current language: `tr!("check-ok", club = name, rules = 3usize)`.
#[macro_export]
macro_rules! tr {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::locale::text($id, &[$((stringify!($name), $crate::locale::Arg::from($value))),*])
    };
}

/// A message in a given language, not the person's: `tr_in!(lang, "reason-settle")`. The
/// ledger's reasons are written in the club's language (`language:`), so that deciding stays
/// a function of the policy and the events alone, whoever runs it.
#[macro_export]
macro_rules! tr_in {
    ($lang:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::locale::text_in($lang, $id, &[$((stringify!($name), $crate::locale::Arg::from($value))),*])
    };
}

#[cfg(test)]
mod tests;
