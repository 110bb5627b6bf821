//! A small builder for end-to-end tests, after `just`'s: a temporary workspace with a
//! club folder and input files, a `bashgah` command line, and the exact expected output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use tempfile::TempDir;

pub struct Test {
    dir: TempDir,
    args: Vec<String>,
    expected_stdout: Option<String>,
    expected_stderr: Option<String>,
    expected_status: i32,
}

impl Test {
    pub fn new() -> Test {
        Test {
            dir: crate::scratch(),
            args: Vec::new(),
            expected_stdout: None,
            expected_stderr: None,
            expected_status: 0,
        }
    }

    /// Writes `contents` to `path` (relative to the workspace), creating folders.
    pub fn file(self, path: &str, contents: &str) -> Test {
        let full = self.dir.path().join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        fs::write(full, contents).expect("write");
        self
    }

    pub fn args<const N: usize>(mut self, args: [&str; N]) -> Test {
        self.args = args.iter().map(|a| (*a).to_owned()).collect();
        self
    }

    pub fn stdout(mut self, expected: &str) -> Test {
        self.expected_stdout = Some(expected.to_owned());
        self
    }

    pub fn stderr(mut self, expected: &str) -> Test {
        self.expected_stderr = Some(expected.to_owned());
        self
    }

    pub fn status(mut self, code: i32) -> Test {
        self.expected_status = code;
        self
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    /// Runs `bashgah` with the arguments given so far, checks the expectations, and
    /// returns the test so that further commands can run in the same workspace.
    pub fn run(mut self) -> Test {
        let output = bashgah(self.dir.path(), &self.args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let status = output.status.code().unwrap_or(-1);
        let context = format!(
            "bashgah {}\n--- stdout\n{stdout}--- stderr\n{stderr}---",
            self.args.join(" ")
        );
        if let Some(expected) = self.expected_stdout.take() {
            pretty_assertions_eq(&stdout, &expected, "stdout", &context);
        }
        if let Some(expected) = self.expected_stderr.take() {
            pretty_assertions_eq(&stderr, &expected, "stderr", &context);
        }
        assert_eq!(status, self.expected_status, "exit status\n{context}");
        self.expected_status = 0;
        self
    }
}

/// Runs the binary in `dir` and returns what it printed.
pub fn bashgah(dir: &Path, args: &[String]) -> Output {
    crate::bashgah_command()
        .args(args)
        .current_dir(dir)
        .env_remove("BASHGAH_POLICIES")
        .env_remove("BASHGAH_DATA")
        .env_remove("BASHGAH_PLUGINS")
        .env_remove("BASHGAH_DATABASE")
        .output()
        .expect("run bashgah")
}

fn pretty_assertions_eq(actual: &str, expected: &str, what: &str, context: &str) {
    if actual != expected {
        let mut diff = String::new();
        let (a, e): (Vec<&str>, Vec<&str>) = (actual.lines().collect(), expected.lines().collect());
        for i in 0..a.len().max(e.len()) {
            let (al, el) = (a.get(i).copied(), e.get(i).copied());
            if al != el {
                diff.push_str(&format!(
                    "line {}:\n  expected: {:?}\n  actual:   {:?}\n",
                    i + 1,
                    el,
                    al
                ));
            }
        }
        panic!("{what} differs\n{diff}\n{context}");
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Starts one `bashgah` per argument list at once in `dir` (so that they really race for
/// the ledger's lock) and returns their outputs in the same order.
pub fn race(dir: &Path, commands: Vec<Vec<String>>) -> Vec<Output> {
    let children: Vec<_> = commands
        .iter()
        .map(|args| {
            crate::bashgah_command()
                .args(args)
                .current_dir(dir)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start bashgah")
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait for bashgah"))
        .collect()
}

/// Checks that exactly one of `results` succeeded and every other one failed with `error`.
pub fn one_winner(results: &[Output], error: &str) {
    let winners = results.iter().filter(|r| r.status.success()).count();
    assert_eq!(winners, 1, "{results:?}");
    for loser in results.iter().filter(|r| !r.status.success()) {
        assert_eq!(String::from_utf8_lossy(&loser.stderr), error);
    }
}

/// The short id of the policy in club folder `dir`, as bashgah prints it.
pub fn short_policy_id(dir: &Path) -> String {
    let engine = std::sync::Arc::new(bashgah::policy::ScriptEngine::new(
        Default::default(),
        Some(&Path::new(env!("CARGO_MANIFEST_DIR")).join("plugins")),
    ));
    let (policy, _) = bashgah::policy::Policy::load(dir, &engine).expect("the club loads");
    policy.short_id().to_owned()
}
