//! `bashgah init <dir> --template <name>`: a new club from a template, with policy tests
//! that pass as created and sample members and purchases to try it on. The templates are
//! the clubs that ship in `policies/` (with their samples from `examples/`), built into
//! the binary: what `demo` shows is what `init` starts from.

use std::path::Path;

use super::workspace::{CommandError, Workspace};
use super::ExitCode;
use crate::tr;

/// A template: its name and its files (path in the club folder, text).
pub struct Template {
    pub name: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

impl Template {
    /// What the template is, in a line, in the language of the output.
    pub fn about(&self) -> String {
        match self.name {
            "cafe" => tr!("init-about-cafe"),
            "retailer" => tr!("init-about-retailer"),
            "wholesale" => tr!("init-about-wholesale"),
            "commitment" => tr!("init-about-commitment"),
            _ => String::new(),
        }
    }
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
        files: template_files!("cafe": "club.yaml", "earn.rhai", "tests/earning.yaml"),
    },
    Template {
        name: "retailer",
        files: template_files!("retailer": "club.yaml", "earn.rhai", "tests/tiers.yaml", "tests/value.yaml"),
    },
    Template {
        name: "wholesale",
        files: template_files!(
            "wholesale": "club.yaml",
            "earn.rhai",
            "rates.csv",
            "tests/wholesale.yaml",
            "tests/currencies.yaml"
        ),
    },
    Template {
        name: "commitment",
        files: template_files!("commitment": "club.yaml", "earn.rhai", "tests/deal.yaml"),
    },
];

pub fn run(_workspace: &Workspace, dir: &Path, template: &str) -> Result<ExitCode, CommandError> {
    let Some(chosen) = TEMPLATES.iter().find(|t| t.name == template) else {
        let names: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        let mut message = format!(
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!("init-no-template", name = template)
        );
        let help = tr!("diagnostic-help");
        match crate::diagnostic::did_you_mean(template, names.iter().copied()) {
            Some(near) => message.push_str(&format!(
                "  = {help}: {}\n",
                tr!("did-you-mean", name = near)
            )),
            None => {
                for t in TEMPLATES {
                    message.push_str(&format!(
                        "  = {help}: {}\n",
                        tr!("init-template", name = t.name, about = t.about())
                    ));
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
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!("init-bad-name", folder = dir.display().to_string())
        )));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(CommandError(format!(
            "{}: {}\n",
            tr!("diagnostic-error"),
            tr!("init-not-empty", folder = dir.display().to_string())
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
    let folder = dir.display().to_string();
    println!(
        "{}",
        tr!(
            "init-created",
            club = id,
            folder = &folder,
            template = chosen.name,
            about = chosen.about()
        )
    );
    println!("{}", tr!("init-next", folder = &folder));
    println!("{}", tr!("init-try", club = id, folder = &folder));
    Ok(ExitCode::Ok)
}
