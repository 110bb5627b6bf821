//! Command-line arguments as clap parses them, before any resolving.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::import::FileFormat;

/// bashgah: a customer-club engine. Club rules live in plain files under `policies/`;
/// purchases and points live in one SQLite ledger per club under `data/`.
#[derive(Debug, Parser)]
#[command(name = "bashgah", version, about, max_term_width = 100)]
pub struct Cli {
    /// Folder holding one sub-folder per club.
    #[arg(
        long,
        global = true,
        env = "BASHGAH_POLICIES",
        default_value = "policies"
    )]
    pub policies: PathBuf,
    /// Folder of shared Rhai modules that scripts `import`.
    #[arg(
        long,
        global = true,
        env = "BASHGAH_PLUGINS",
        default_value = "plugins"
    )]
    pub plugins: PathBuf,
    /// Folder holding each club's ledger as `<club>.sqlite`.
    #[arg(long, global = true, env = "BASHGAH_DATA", default_value = "data")]
    pub data: PathBuf,
    /// Keep ledgers in this PostgreSQL database instead of SQLite files, each club in a
    /// schema of its own (`club_<id>`): postgres://user:password@host:port/database.
    #[arg(long, global = true, env = "BASHGAH_DATABASE", value_name = "URL")]
    pub database: Option<String>,
    /// A YAML file saying which database holds which club's ledger (clubs it does not name
    /// go where --database says, else into SQLite files): see docs/SCALING.md.
    #[arg(long, global = true, env = "BASHGAH_DEPLOYMENT", value_name = "FILE")]
    pub deployment: Option<PathBuf>,
    /// The language of what bashgah prints for people: `en` or `fa` (فارسی). Unset: the
    /// club's `language:`, else the shell's locale (LC_ALL, LC_MESSAGES, LANG), else English.
    #[arg(long, global = true, env = "BASHGAH_LANG", value_name = "LANG")]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new club from a template (cafe, retailer, wholesale, commitment).
    Init {
        /// The new club's folder; its name is the club's id.
        dir: PathBuf,
        #[arg(long, default_value = "cafe")]
        template: String,
    },
    /// Check club files and scripts; print every problem with its position.
    Check {
        /// A policies folder (checks every club in it) or one club's folder.
        dir: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Also try each club's files on its ledger's recent events beside the version
        /// recorded last, as the host process does before activating an edit: what would
        /// change, rule by rule, and whether the edit would be refused.
        #[arg(long)]
        against_ledger: bool,
    },
    /// Print the JSON Schema of club.yaml, for editors.
    Schema,
    /// Print the OpenAPI document of `bashgah serve`'s HTTP API (docs/openapi.json).
    Openapi,
    /// Run the policy tests in each club's tests/*.yaml.
    Test {
        /// Club folders (default: every club under --policies).
        clubs: Vec<PathBuf>,
    },
    /// Import purchases and other events (CSV or JSON Lines), or members with --members.
    Import(ImportArgs),
    /// Show a member's balance and statement.
    Member {
        /// Club id (a folder under --policies) or a club folder.
        club: String,
        /// Member id.
        id: String,
        /// Show balances as at this date (default: the ledger's clock).
        #[arg(long)]
        at: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Copy the club's ledger, exactly, into another store: a PostgreSQL database
    /// (postgres://…) or a SQLite file (….sqlite). The copy is checked row for row against
    /// the source before it is kept; the source is left as it was.
    Migrate {
        /// Club id (a folder under --policies) or a club folder.
        club: String,
        /// Where to: postgres://user@host/database, or a SQLite file.
        #[arg(long, value_name = "URL_OR_FILE")]
        to: String,
    },
    /// Move the club's clock to DATE: expire what is due, send expiring-soon notices.
    Advance {
        /// Club id (a folder under --policies) or a club folder.
        club: String,
        /// The date (or date and time) to move to, in the club's calendar and timezone.
        #[arg(long)]
        to: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add (or, with a negative number, take) points by hand; a reason is required.
    Adjust {
        club: String,
        member: String,
        /// Points to add; negative to take (write `-- -5` or `=-5`).
        #[arg(allow_negative_numbers = true)]
        points: String,
        /// Why: it is the entry's reason in the statement.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        when: WhenArgs,
    },
    /// Give points from one member to another, where the club allows it.
    Transfer {
        club: String,
        from: String,
        to: String,
        points: String,
        #[arg(long, default_value = "")]
        reason: String,
        #[command(flatten)]
        when: WhenArgs,
    },
    /// Replay historical events under a club's rules (and another's) and report what they
    /// cost: nothing is written to the club's ledger.
    Simulate {
        club: String,
        /// Events file (.csv or .jsonl).
        #[arg(long)]
        events: PathBuf,
        /// Member profiles (type, birthday...) to load before the events.
        #[arg(long, value_name = "FILE")]
        members: Option<PathBuf>,
        /// Another version of the club (a club folder) to compare with.
        #[arg(long, value_name = "CLUB_DIR")]
        against: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print the report as CSV (metric, A, B).
        #[arg(long)]
        csv: bool,
        /// Also write a self-contained HTML report with charts to FILE.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// As of DATE: only the events up to then, the clock run to then.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
    },
    /// Show how an event's points came about: every rule, what it read and produced.
    Explain {
        club: String,
        /// A stored event's id.
        event: Option<String>,
        /// A hypothetical event as JSON (`{"id", "member", "date", "amount", ...}`):
        /// evaluated against the member as they are now, nothing written.
        #[arg(long = "event", value_name = "JSON", conflicts_with = "event")]
        json: Option<String>,
    },
    /// Spend a member's points on a reward from the club's catalogue.
    Redeem {
        club: String,
        member: String,
        reward: String,
        /// Spend the points of this group's pool, which the member's role in it must allow
        /// (within its monthly limit), not the member's own.
        #[arg(long, value_name = "GROUP")]
        from_group: Option<String>,
        #[command(flatten)]
        when: WhenArgs,
    },
    /// Cancel a redemption whose reward was not handed over: its points come back (with
    /// the expiry dates they had), its credit leaves the wallet, its item is back in stock.
    Cancel {
        club: String,
        member: String,
        /// The redemption's id (as `redeem` printed it).
        redemption: String,
        /// Why: it is the entry's reason in the statement.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        when: WhenArgs,
    },
    /// Turn a member's points into credit, at the club's rate.
    Convert {
        club: String,
        member: String,
        points: String,
        #[command(flatten)]
        when: WhenArgs,
    },
    /// Load every shipped club, import its examples and show the result; with --serve,
    /// then serve them over HTTP as `bashgah serve` does (taking its options).
    Demo {
        /// Folder with one sub-folder of sample files per club.
        #[arg(long, default_value = "examples")]
        examples: PathBuf,
        /// After the import, run the host process on the clubs (until Ctrl-C).
        #[arg(long)]
        serve: bool,
        #[command(flatten)]
        server: ServeArgs,
    },
    /// Write out the club's members, entries, lots or messages as CSV or JSON Lines, from
    /// one consistent snapshot (streamed: flat memory however many there are).
    Export {
        club: String,
        /// What to export.
        #[arg(value_enum)]
        table: crate::export::Table,
        /// How to write it.
        #[arg(long, value_enum, default_value = "csv")]
        format: crate::export::Format,
        /// Members or entries as they stood at this time, in the club's calendar (balance:
        /// the sum of entries up to then; tier: the last change up to then).
        #[arg(long)]
        at: Option<String>,
        /// Write to this file (made whole, or not at all) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// How the club is doing: segments and members at risk, campaign cost against budget,
    /// partner settlement, and messages sent, held back and failed.
    Report {
        club: String,
        /// The time to report for, in the club's calendar (default: the ledger's clock).
        #[arg(long)]
        at: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Print one table of the value report as CSV (a header line, exact decimals).
        #[arg(long, value_enum, value_name = "PART", conflicts_with = "json")]
        csv: Option<super::report_value::CsvPart>,
    },
    /// The club's leaderboards and prize draws: standings or entries in the current window,
    /// and the results recorded (with a draw's seed). With `--verify`, each recorded
    /// result of CONTEST is decided again from the ledger's rows and compared.
    Contest {
        club: String,
        /// One contest (its id) instead of all.
        contest: Option<String>,
        /// The window to show or verify, by its first day in the club's calendar.
        #[arg(long)]
        window: Option<String>,
        /// Show the window holding this time (default: the ledger's clock).
        #[arg(long)]
        at: Option<String>,
        /// Decide CONTEST's recorded results again and compare (exit 1 if one differs).
        #[arg(long)]
        verify: bool,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send the messages that are due (the outbox), through the club's channels; failed
    /// ones are retried at a later run, with a doubling wait.
    Deliver {
        club: String,
        /// The time it is, in the club's calendar (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the host process: every club behind an HTTP JSON API, reloaded live (and only
    /// when the new version passes its tests) as its files change.
    Serve(ServeArgs),
    /// Make a new API key and print it with the line that grants it, for the keys file.
    Key {
        /// Who will hold the key (shows in logs).
        #[arg(long)]
        name: String,
        /// A club the key may use (repeat for more).
        #[arg(long = "club", value_name = "CLUB")]
        clubs: Vec<String>,
        /// What the key may do in its clubs: `viewer` reads, `till` (the default) also
        /// records purchases and redemptions, `operator` also adjusts points by hand,
        /// `admin` also moves the club's clock and reads its report.
        #[arg(long, value_enum)]
        role: Option<crate::serve::keys::Role>,
        /// Every club, plus reload and moving the clock.
        #[arg(long)]
        admin: bool,
        /// Add the key's entry to this keys file (made if missing) instead of printing it.
        #[arg(long, value_name = "KEYS_FILE")]
        write: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; loopback unless you choose otherwise.
    #[arg(long, env = "BASHGAH_LISTEN", default_value = "127.0.0.1:8640")]
    pub listen: std::net::SocketAddr,
    /// The API keys file (hashes only; `bashgah key` makes keys).
    #[arg(long, env = "BASHGAH_KEYS", default_value = "keys.yaml")]
    pub keys: PathBuf,
    /// Poll for file changes every SECONDS instead of using file-system notifications
    /// (for network or container file systems that send none).
    #[arg(long, value_name = "SECONDS")]
    pub poll: Option<u64>,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body: usize,
    /// Connections open at once; more wait to be accepted (keep it below the process's
    /// descriptor limit, `ulimit -n`, less what the ledgers need).
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,
    /// Seconds a client has to send a request's headers, and again its body; a
    /// kept-alive connection idle this long is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=3_600))]
    pub read_timeout: u32,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Folder of draft club folders (one sub-folder each) that trials and simulations may
    /// compare with the live version [default: `drafts` beside --policies].
    #[arg(long, env = "BASHGAH_DRAFTS", value_name = "DIR")]
    pub drafts: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Club id (a folder under --policies) or a club folder.
    pub club: String,
    /// Events file: .csv or .jsonl.
    pub file: Option<PathBuf>,
    /// Members file (id, type, birthday, joined, other columns as attributes), loaded first.
    #[arg(long, value_name = "FILE")]
    pub members: Option<PathBuf>,
    /// File format, if the extension does not say.
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// Ledger file (default: <data>/<club>.sqlite, or the club's schema with --database).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Evaluate and report everything, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Events per transaction.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub batch_size: u32,
    /// Seconds to wait for the ledger while another process writes to it (another import,
    /// `bashgah serve`) before giving up; an import that gives up can be run again and
    /// resumes where it stopped.
    #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u32).range(0..=86_400))]
    pub wait: u32,
    /// Decide again rows an earlier import rejected (by default a row rejected before,
    /// with the same content under the same policy, is rejected the same way).
    #[arg(long)]
    pub retry_rejected: bool,
    /// Queue no message for what this import decides (they are recorded as `suppressed`,
    /// reason `quiet`): for loading history into a club that messages its members.
    #[arg(long)]
    pub quiet: bool,
    /// Read the files with this import profile of the club (`import.profiles` in
    /// club.yaml): another system's column names, date format, calendar and amount unit.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// When a manual change happens, and its id (for retries: the same id is applied once).
#[derive(Debug, Args)]
pub struct WhenArgs {
    /// Date and time of the change (default: the club's clock, the time of its latest
    /// event or `advance`; the machine's time for a club with none yet).
    #[arg(long)]
    pub at: Option<String>,
    /// Id of the change: the same id again is a repeat, answered "already recorded"
    /// (default: made from the kind, member and time, with `#2`, `#3`… for a second
    /// change with the same, so that two changes are never taken for one).
    #[arg(long)]
    pub id: Option<String>,
}
