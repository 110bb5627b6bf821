//! `bashgah init <dir> --template <name>`: a new club from a template, with policy tests
//! that pass as created and sample members and purchases to try it on. The templates are
//! the clubs that ship in `policies/` (with their samples from `examples/`), built into
//! the binary: what `demo` shows is what `init` starts from.

use std::path::Path;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;

/// A template: its name, what it is, and its files (path in the club folder, text).
pub struct Template {
    pub name: &'static str,
    pub about: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! template_files {
    ($name:literal: $($file:literal),+) => {
        &[
            $(($file, include_str!(concat!("../../policies/", $name, "/", $file))),)+
            ("samples/members.csv", include_str!(concat!("../../examples/", $name, "/members.csv"))),
            ("samples/purchases.csv", include_str!(concat!("../../examples/", $name, "/purchases.csv"))),
        ]
    };
}

pub const TEMPLATES: &[Template] = &[
    Template {
        name: "cafe",
        about: "stars per purchase, double in the birthday month, rewards, credit and messages",
        files: template_files!("cafe": "club.yaml", "earn.rhai", "tests/earning.yaml"),
    },
    Template {
        name: "retailer",
        about: "bronze, silver, gold and platinum tiers, early access for gold and platinum",
        files: template_files!("retailer": "club.yaml", "earn.rhai", "tests/tiers.yaml"),
    },
    Template {
        name: "wholesale",
        about: "companies earn on volume before tax; branches pool points with transfers",
        files: template_files!("wholesale": "club.yaml", "earn.rhai", "tests/wholesale.yaml"),
    },
    Template {
        name: "commitment",
        about: "a monthly spend commitment with extra points and a completion bonus",
        files: template_files!("commitment": "club.yaml", "earn.rhai", "tests/deal.yaml"),
    },
];

pub fn run(_workspace: &Workspace, dir: &Path, template: &str) -> Result<ExitCode, CommandError> {
    let Some(chosen) = TEMPLATES.iter().find(|t| t.name == template) else {
        let names: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        let mut message = format!("error: no template `{template}`\n");
        match crate::diagnostic::did_you_mean(template, names.iter().copied()) {
            Some(near) => message.push_str(&format!("  = help: did you mean `{near}`?\n")),
            None => {
                for t in TEMPLATES {
                    message.push_str(&format!("  = help: `{}`: {}\n", t.name, t.about));
                }
            }
        }
        return Err(CommandError(message));
    };
    let id = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(CommandError(format!(
            "error: `{}` cannot name a club: use letters, digits, `-` or `_` for the last folder\n",
            dir.display()
        )));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(CommandError(format!(
            "error: `{}` already exists and is not empty\n",
            dir.display()
        )));
    }
    for (name, text) in chosen.files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // The club's id is its folder's name.
        let text = text.replacen(
            &format!("\nid: {}\n", chosen.name),
            &format!("\nid: {id}\n"),
            1,
        );
        std::fs::write(&path, text)?;
    }
    println!(
        "created club `{id}` in {} from the `{}` template ({})",
        dir.display(),
        chosen.name,
        chosen.about
    );
    println!("next: bashgah check {0} && bashgah test {0}", dir.display());
    println!(
        "try it on the samples: bashgah import {id} {0}/samples/purchases.csv --members {0}/samples/members.csv",
        dir.display()
    );
    Ok(ExitCode::Ok)
}
