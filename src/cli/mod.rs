//! The command line: clap parses plain arguments ([`args`]), [`Workspace`] resolves them
//! into folders and files the rest trusts, and one module per verb does the work.
//!
//! Exit codes are defined once, in [`exit`]: 0 ok, 1 a check failed or rows were
//! rejected, 2 usage or unreadable input.

mod advance;
mod args;
mod check;
mod check_giveaway;
mod contest;
mod deliver;
mod demo;
mod exit;
mod explain;
mod export;
mod help;
mod import;
mod init;
mod manual;
mod member;
mod member_groups;
mod migrate;
mod report;
mod report_value;
mod serve;
mod simulate;
mod test;
mod workspace;

use crate::tr;

pub use args::{Cli, Command};
pub use exit::ExitCode;
pub use member::club_time;
pub use workspace::Workspace;

/// Parses the process arguments, runs the command, returns the exit code.
pub fn main() -> i32 {
    // The language first: clap's help and the rest are printed in it. A wrong --lang is
    // reported by `run`, once the command line is parsed.
    let args: Vec<String> = std::env::args().collect();
    let _ = crate::locale::choose(help::lang_flag(&args).as_deref());
    let parsed = help::command()
        .try_get_matches_from(&args)
        .and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout with success, usage errors to stderr.
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::Usage as i32
            } else {
                ExitCode::Ok as i32
            };
        }
    };
    run(cli) as i32
}

fn cli_folders(workspace: &Workspace, plugins: &std::path::Path) -> crate::serve::clubs::Folders {
    crate::serve::clubs::Folders {
        policies: workspace.policies.clone(),
        plugins: plugins.to_owned(),
        data: workspace.data.clone(),
        // Beside the policies folder unless `serve --drafts` says otherwise.
        drafts: workspace
            .policies
            .parent()
            .map_or_else(|| "drafts".into(), |parent| parent.join("drafts")),
        ledgers: workspace.ledgers.clone(),
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    if let Err(message) = crate::locale::choose(cli.lang.as_deref()) {
        eprintln!("{}: --lang: {message}", tr!("diagnostic-error"));
        return ExitCode::Usage;
    }
    let mut workspace = Workspace::new(&cli);
    if let Some(url) = &workspace.database {
        if let Err(message) = crate::ledger::check_database_url(url) {
            eprintln!("{}: --database: {message}", tr!("diagnostic-error"));
            return ExitCode::Usage;
        }
    }
    if let Some(file) = &cli.deployment {
        match workspace.ledgers.clone().with_deployment(file) {
            Ok(ledgers) => workspace.ledgers = ledgers,
            Err(problems) => {
                eprint!("{}", crate::diagnostic::render_all(&problems));
                eprintln!(
                    "{}: {}",
                    tr!("diagnostic-error"),
                    tr!(
                        "deployment-not-used",
                        file = file.display().to_string(),
                        errors = workspace::count_errors(&problems)
                    )
                );
                return ExitCode::Usage;
            }
        }
    }
    let plugins = cli.plugins.clone();
    let result = match cli.command {
        Command::Init { dir, template } => init::run(&workspace, &dir, &template),
        Command::Check {
            dir,
            json,
            against_ledger,
        } => check::run(&workspace, dir.as_deref(), json, against_ledger),
        Command::Schema => {
            println!(
                "{}",
                serde_json::to_string_pretty(&crate::club::json_schema()).unwrap_or_default()
            );
            Ok(ExitCode::Ok)
        }
        Command::Openapi => {
            println!(
                "{}",
                serde_json::to_string_pretty(&crate::serve::api::openapi_document())
                    .unwrap_or_default()
            );
            Ok(ExitCode::Ok)
        }
        Command::Import(args) => import::run(&workspace, &args),
        Command::Test { clubs } => test::run(&workspace, &clubs),
        Command::Simulate {
            club,
            events,
            members,
            against,
            json,
            csv,
            html,
            to,
        } => {
            let files = simulate::Files {
                events: &events,
                members: members.as_deref(),
                to: to.as_deref(),
            };
            simulate::run(
                &workspace,
                &club,
                files,
                against.as_deref(),
                json,
                csv,
                html.as_deref(),
            )
        }
        Command::Explain { club, event, json } => {
            explain::run(&workspace, &club, event.as_deref(), json.as_deref())
        }
        Command::Member { club, id, at, json } => {
            member::run(&workspace, &club, &id, at.as_deref(), json)
        }
        Command::Advance { club, to, json } => advance::run(&workspace, &club, &to, json),
        Command::Migrate { club, to } => migrate::run(&workspace, &club, &to),
        Command::Adjust {
            club,
            member,
            points,
            reason,
            when,
        } => manual::adjust(&workspace, &club, &member, &points, &reason, &when),
        Command::Transfer {
            club,
            from,
            to,
            points,
            reason,
            when,
        } => manual::transfer(&workspace, &club, &from, &to, &points, &reason, &when),
        Command::Redeem {
            club,
            member,
            reward,
            from_group,
            when,
        } => manual::redeem(
            &workspace,
            &club,
            &member,
            &reward,
            from_group.as_deref(),
            &when,
        ),
        Command::Convert {
            club,
            member,
            points,
            when,
        } => manual::convert(&workspace, &club, &member, &points, &when),
        Command::Cancel {
            club,
            member,
            redemption,
            reason,
            when,
        } => manual::cancel(&workspace, &club, &member, &redemption, &reason, &when),
        Command::Demo {
            examples,
            serve: and_serve,
            server,
        } => demo::run(&workspace, &examples).and_then(|code| {
            if and_serve && code == ExitCode::Ok {
                serve::run(&cli_folders(&workspace, &plugins), &server)
            } else {
                Ok(code)
            }
        }),
        Command::Export {
            club,
            table,
            format,
            at,
            output,
        } => export::run(
            &workspace,
            &club,
            table,
            format,
            at.as_deref(),
            output.as_deref(),
        ),
        Command::Report {
            club,
            at,
            json,
            csv,
        } => report::run(&workspace, &club, at.as_deref(), json, csv),
        Command::Contest {
            club,
            contest,
            window,
            at,
            verify,
            json,
        } => contest::run(
            &workspace,
            &contest::ContestArgs {
                club: &club,
                contest: contest.as_deref(),
                window: window.as_deref(),
                at: at.as_deref(),
                verify,
                json,
            },
        ),
        Command::Deliver { club, at, json } => deliver::run(&workspace, &club, at.as_deref(), json),
        Command::Serve(args) => serve::run(&cli_folders(&workspace, &plugins), &args),
        Command::Key {
            name,
            clubs,
            role,
            admin,
            write,
        } => serve::key(&workspace, &name, &clubs, role, admin, write.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprint!("{error}");
            ExitCode::Usage
        }
    }
}
