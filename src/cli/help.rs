//! `bashgah --help` in the language of the person asking: the commands and the options
//! every command takes. clap writes the help from the doc comments of [`super::Cli`], in
//! English; in Persian those lines are replaced from the catalogue (`locales/*/help.ftl`).
//! A command's own options (`bashgah import --help`) are explained in English still.

use clap::{Command, CommandFactory};

use crate::locale::Lang;
use crate::tr;

/// The command line clap parses, its help in the language chosen before parsing.
pub fn command() -> Command {
    let command = super::Cli::command();
    if crate::locale::current() == Lang::En {
        return command;
    }
    let commands = [
        ("init", tr!("help-init")),
        ("check", tr!("help-check")),
        ("schema", tr!("help-schema")),
        ("openapi", tr!("help-openapi")),
        ("test", tr!("help-test")),
        ("import", tr!("help-import")),
        ("member", tr!("help-member")),
        ("migrate", tr!("help-migrate")),
        ("advance", tr!("help-advance")),
        ("adjust", tr!("help-adjust")),
        ("transfer", tr!("help-transfer")),
        ("simulate", tr!("help-simulate")),
        ("explain", tr!("help-explain")),
        ("redeem", tr!("help-redeem")),
        ("cancel", tr!("help-cancel")),
        ("convert", tr!("help-convert")),
        ("demo", tr!("help-demo")),
        ("export", tr!("help-export")),
        ("report", tr!("help-report")),
        ("contest", tr!("help-contest")),
        ("deliver", tr!("help-deliver")),
        ("serve", tr!("help-serve")),
        ("key", tr!("help-key")),
    ];
    let options = [
        ("policies", tr!("help-policies")),
        ("plugins", tr!("help-plugins")),
        ("data", tr!("help-data")),
        ("database", tr!("help-database")),
        ("deployment", tr!("help-deployment")),
        ("lang", tr!("help-lang")),
    ];
    let mut command = command
        .about(tr!("help-about"))
        .help_template(tr!("help-template"));
    for (name, about) in commands {
        command = command.mut_subcommand(name, |c| c.about(about));
    }
    for (id, help) in options {
        command = command.mut_arg(id, |a| a.help(help));
    }
    command
}

/// The `--lang` written on the command line, read before clap parses it (the help clap
/// prints depends on it).
pub fn lang_flag(args: &[String]) -> Option<String> {
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if let Some(value) = arg.strip_prefix("--lang=") {
            return Some(value.to_owned());
        }
        if arg == "--lang" {
            return args.next().cloned();
        }
    }
    std::env::var("BASHGAH_LANG").ok().filter(|v| !v.is_empty())
}
