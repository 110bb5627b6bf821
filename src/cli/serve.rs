//! `bashgah serve` and `bashgah key`: set-up around [`crate::serve`].

use super::args::{LogFormat, ServeArgs};
use super::workspace::CommandError;
use super::ExitCode;
use crate::diagnostic::render_all;
use crate::serve::clubs::Folders;
use crate::serve::{keys, ServeOptions};
use crate::tr;

pub fn run(folders: &Folders, args: &ServeArgs) -> Result<ExitCode, CommandError> {
    // The host process's texts reach programs: API answers (a refused row, a script error),
    // `/v1/status`, log lines a collector parses. They are English unless the operator asked
    // for a language with --lang, not whatever the shell's locale or a club happens to say.
    crate::locale::settle_for_programs();
    init_logging(args.log_format);
    let keys = keys::KeyRing::load(&args.keys).map_err(|problems| {
        CommandError(format!(
            "{}{}: {}\n",
            render_all(&problems),
            tr!("diagnostic-error"),
            tr!("serve-keys-not-loaded")
        ))
    })?;
    if !folders.policies.is_dir() {
        return Err(CommandError(format!(
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!(
                "serve-no-policies",
                folder = folders.policies.display().to_string()
            )
        )));
    }
    let options = ServeOptions {
        folders: Folders {
            policies: folders.policies.clone(),
            plugins: folders.plugins.clone(),
            data: folders.data.clone(),
            drafts: args
                .drafts
                .clone()
                .unwrap_or_else(|| folders.drafts.clone()),
            ledgers: folders.ledgers.clone(),
        },
        listen: args.listen,
        keys,
        poll: args.poll.map(|s| std::time::Duration::from_secs(s.max(1))),
        max_body: args.max_body,
        connections: crate::serve::listen::ConnectionLimits {
            max_connections: args.max_connections as usize,
            read_timeout: std::time::Duration::from_secs(args.read_timeout.into()),
        },
    };
    crate::serve::run(options)
        .map_err(|message| CommandError(format!("{}: {message}\n", tr!("diagnostic-error"))))?;
    Ok(ExitCode::Ok)
}

/// Structured logs on stderr; `RUST_LOG` (e.g. `bashgah=debug`) chooses what is logged.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

pub fn key(
    workspace: &super::workspace::Workspace,
    name: &str,
    clubs: &[String],
    role: Option<keys::Role>,
    admin: bool,
    write: Option<&std::path::Path>,
) -> Result<ExitCode, CommandError> {
    if clubs.is_empty() && !admin {
        return Err(CommandError(format!(
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!("key-needs-club")
        )));
    }
    // A key for a club that is not there would be refused by no one and open nothing:
    // a misspelt name is said now, not found out at the first refused request.
    for club in clubs {
        if !workspace.policies.join(club).join("club.yaml").is_file() {
            return Err(workspace.no_club(club));
        }
    }
    let key = keys::generate()
        .map_err(|m| CommandError(format!("{}: {m}\n", tr!("diagnostic-error"))))?;
    let grants = if admin {
        "admin: true".to_owned()
    } else {
        match role {
            None | Some(keys::Role::Till) => format!("clubs: [{}]", clubs.join(", ")),
            Some(role) => format!("clubs: [{}], role: {}", clubs.join(", "), role.as_str()),
        }
    };
    let entry = format!(
        "  - {{name: {name}, sha256: {}, {grants}}}",
        keys::hash(&key)
    );
    let Some(path) = write else {
        println!("{}", tr!("key-line", key = &key));
        println!("{}", tr!("key-give"));
        println!("{entry}");
        return Ok(ExitCode::Ok);
    };
    add_to_keys_file(path, name, &entry)?;
    println!("{}", tr!("key-line", key = &key));
    println!(
        "{}",
        tr!(
            "key-give-written",
            file = path.display().to_string(),
            name = name
        )
    );
    Ok(ExitCode::Ok)
}

/// Appends `entry` under `keys:` in the keys file at `path` (made with `keys:` if missing),
/// checking first that the file still loads with it and holds no other key of `name`;
/// written aside and renamed, so a failure leaves the file as it was.
fn add_to_keys_file(path: &std::path::Path, name: &str, entry: &str) -> Result<(), CommandError> {
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(CommandError(format!(
                "{}: {}\n",
                tr!("diagnostic-error"),
                tr!(
                    "cannot-read-file",
                    file = path.display().to_string(),
                    reason = e.to_string()
                )
            )))
        }
    };
    if !existing.trim().is_empty() {
        let before = keys::Keys::parse(path, &existing).map_err(|problems| {
            CommandError(format!(
                "{}{}: {}\n",
                render_all(&problems),
                tr!("diagnostic-error"),
                tr!("key-file-broken", file = path.display().to_string())
            ))
        })?;
        if before.has_holder(name) {
            return Err(CommandError(format!(
                "{}: {}\n",
                tr!("diagnostic-error"),
                tr!(
                    "key-holder-taken",
                    file = path.display().to_string(),
                    name = name
                )
            )));
        }
    }
    let mut text = if existing.trim().is_empty() {
        "keys:\n".to_owned()
    } else {
        existing
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(entry);
    text.push('\n');
    keys::Keys::parse(path, &text).map_err(|problems| {
        CommandError(format!(
            "{}{}: {}\n",
            render_all(&problems),
            tr!("diagnostic-error"),
            tr!("key-file-would-break")
        ))
    })?;
    let aside = path.with_extension("yaml.new");
    std::fs::write(&aside, &text)
        .and_then(|()| std::fs::rename(&aside, path))
        .map_err(|e| {
            CommandError(format!(
                "{}: {}\n",
                tr!("diagnostic-error"),
                tr!(
                    "cannot-write-file",
                    file = path.display().to_string(),
                    reason = e.to_string()
                )
            ))
        })
}
