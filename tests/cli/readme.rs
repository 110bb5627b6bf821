//! The README is run, so it cannot drift: every command it shows with its output is run
//! here and must print exactly that, its contents list matches its sections (and so does
//! `docs/REFERENCE.md`'s), every link between the two and the rest of `docs/` leads to a
//! file and a heading that exist, and the two set-up commands are the real ones.
//!
//! **Shown commands.** A fenced block whose first line starts with `$ ` is a command and,
//! on the lines after it, what it prints; a line ending in ` \` goes on on the next one, and
//! words are split as a shell splits them (with `'…'` and `"…"` quoting). Two kinds are
//! known, and any other `$ ` command fails the test, so none goes unrun:
//!
//! - `$ bashgah …` blocks run in document order, in one scratch copy of the repository's
//!   `policies/` and `examples/`, so each sees what the ones before it did (the task
//!   sections go on from the walk-through's ledger). Standard output and standard error go
//!   to one file, as to a terminal, so a block shows them in the order they were written.
//!   Nothing is normalised: every shown output is deterministic.
//! - `$ curl …` blocks (and the set-up's plain `curl …`, which shows no output) are sent, in
//!   document order, to `bashgah demo --serve --keys examples/keys.yaml` running in another
//!   scratch copy, which is what the README tells the reader to start. The one thing
//!   normalised is the URL's host and port (`localhost:8640`), replaced by the test
//!   server's. The answer's body must be exactly the output shown (curl prints it without a
//!   line break of its own); a block that shows none must be answered 2xx. Of curl's
//!   options, `-s`, `-H 'Name: value'`, `-d BODY` (a POST) and `-X METHOD` are understood.
//!
//! **Set-up steps.** What a reader is asked to do by hand before a block (make a typo, copy
//! a club) is written just before it as an HTML comment, which GitHub does not show:
//! `<!-- readme-test: STEP -->`, one step a comment, applied in the scratch copy before the
//! next shown command runs. The steps are:
//!
//! - `replace PATH "OLD" "NEW"`: every `OLD` in the file becomes `NEW` (the test fails if
//!   there is none); `replace PATH:LINE "OLD" "NEW"` does it on that line only.
//! - `restore`: every file `replace` changed gets its text back.
//! - `copy FROM TO`: copies a file, or a folder with everything in it.
//!
//! Quoted words hold no quotes or escapes.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::cli::harness::copy_dir;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    fs::read_to_string(repo().join("README.md")).unwrap()
}

/// A command the README shows, with what it prints and the set-up steps written before it.
#[derive(Debug)]
struct Shown {
    /// The README's line of the command, for messages.
    line: usize,
    steps: Vec<Step>,
    words: Vec<String>,
    /// Whether the command was written with its `$ ` prompt.
    prompt: bool,
    output: String,
}

#[derive(Debug)]
enum Step {
    Replace {
        path: String,
        line: Option<usize>,
        old: String,
        new: String,
    },
    Restore,
    Copy {
        from: String,
        to: String,
    },
}

/// Every fenced block of `text` whose first line is a command (`$ …`, or a plain `curl …`),
/// in order, with the `readme-test` steps written before each.
fn shown_commands(text: &str) -> Vec<Shown> {
    let lines: Vec<&str> = text.lines().collect();
    let mut shown = Vec::new();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(step) = line
            .trim()
            .strip_prefix("<!-- readme-test:")
            .and_then(|rest| rest.strip_suffix("-->"))
        {
            steps.push(parse_step(step, i + 1));
            i += 1;
            continue;
        }
        if !line.trim_start().starts_with("```") {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].trim_start().starts_with("```") {
            end += 1;
        }
        let body = &lines[start..end.min(lines.len())];
        i = end + 1;
        let Some(first) = body.first() else { continue };
        let prompt = first.starts_with("$ ");
        if !prompt && !first.starts_with("curl ") {
            continue;
        }
        let mut command = first.trim_start_matches("$ ").to_owned();
        let mut next = 1;
        while command.ends_with('\\') && next < body.len() {
            command.pop();
            command.push(' ');
            command.push_str(body[next].trim());
            next += 1;
        }
        let output: String = body[next..].iter().map(|l| format!("{l}\n")).collect();
        shown.push(Shown {
            line: start,
            steps: std::mem::take(&mut steps),
            words: shell_words(&command),
            prompt,
            output,
        });
    }
    assert!(
        steps.is_empty(),
        "readme-test steps with no command after them: {steps:?}"
    );
    shown
}

/// Splits a command line as a shell does: blanks between words, `'…'` and `"…"` quoting.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(quote.is_none(), "an unclosed quote in `{line}`");
    words.extend(word);
    words
}

fn parse_step(text: &str, line: usize) -> Step {
    let words = shell_words(text);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["replace", path, old, new] => {
            let (path, line) = match path.rsplit_once(':') {
                Some((path, n)) => (path, Some(n.parse().expect("a line number"))),
                None => (*path, None),
            };
            Step::Replace {
                path: path.to_owned(),
                line,
                old: (*old).to_owned(),
                new: (*new).to_owned(),
            }
        }
        ["restore"] => Step::Restore,
        ["copy", from, to] => Step::Copy {
            from: (*from).to_owned(),
            to: (*to).to_owned(),
        },
        _ => panic!("README.md:{line}: unknown readme-test step `{text}`"),
    }
}

/// A scratch copy of the shipped clubs and their samples.
fn workspace() -> tempfile::TempDir {
    let dir = crate::scratch();
    copy_dir(&repo().join("policies"), &dir.path().join("policies"));
    copy_dir(&repo().join("examples"), &dir.path().join("examples"));
    dir
}

/// Applies `step` in `dir`, keeping the text of each file it changes in `changed`.
fn apply(step: &Step, dir: &Path, changed: &mut BTreeMap<PathBuf, String>) {
    match step {
        Step::Replace {
            path,
            line,
            old,
            new,
        } => {
            let file = dir.join(path);
            let text = fs::read_to_string(&file).unwrap();
            changed.entry(file.clone()).or_insert_with(|| text.clone());
            let edited = match line {
                None => {
                    assert!(text.contains(old.as_str()), "`{old}` is not in {path}");
                    text.replace(old.as_str(), new)
                }
                Some(n) => {
                    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
                    let at = &mut lines[n - 1];
                    assert!(at.contains(old.as_str()), "`{old}` is not on {path}:{n}");
                    *at = at.replace(old.as_str(), new);
                    lines.join("\n")
                }
            };
            fs::write(&file, edited).unwrap();
        }
        Step::Restore => {
            for (file, text) in std::mem::take(changed) {
                fs::write(file, text).unwrap();
            }
        }
        Step::Copy { from, to } => {
            let (from, to) = (dir.join(from), dir.join(to));
            if from.is_dir() {
                copy_dir(&from, &to);
            } else {
                fs::create_dir_all(to.parent().unwrap()).unwrap();
                fs::copy(&from, &to).unwrap();
            }
        }
    }
}

/// Runs `bashgah args` in `dir` with its standard output and error going to one file, as
/// they go to one terminal, and returns what it wrote and its exit code.
fn run_as_in_a_terminal(dir: &Path, args: &[String]) -> (String, Option<i32>) {
    let mut file = tempfile::tempfile().unwrap();
    let status = crate::bashgah_command()
        .args(args)
        .current_dir(dir)
        .env_remove("BASHGAH_POLICIES")
        .env_remove("BASHGAH_DATA")
        .env_remove("BASHGAH_PLUGINS")
        .env_remove("BASHGAH_DATABASE")
        .env_remove("BASHGAH_DEPLOYMENT")
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file.try_clone().unwrap())
        .status()
        .expect("run bashgah");
    file.rewind().unwrap();
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).unwrap();
    (String::from_utf8_lossy(&bytes).into_owned(), status.code())
}

/// Every `$ bashgah …` block of the README, run in document order in one workspace after
/// its set-up steps, prints exactly what the README shows under it.
#[test]
fn every_bashgah_command_in_the_readme_prints_what_the_readme_shows() {
    let shown = shown_commands(&readme());
    for command in &shown {
        let program = command.words.first().map(String::as_str);
        assert!(
            matches!(program, Some("bashgah" | "curl")),
            "README.md:{}: the test does not know how to run `{}`",
            command.line,
            command.words.join(" ")
        );
    }
    let commands: Vec<&Shown> = shown.iter().filter(|c| c.words[0] == "bashgah").collect();
    // The walk-through's nine, and at least one in each task section.
    assert!(commands.len() >= 15, "{commands:?}");
    let dir = workspace();
    let mut changed = BTreeMap::new();
    for command in commands {
        assert!(command.prompt, "README.md:{}: `$ ` first", command.line);
        for step in &command.steps {
            apply(step, dir.path(), &mut changed);
        }
        let (printed, code) = run_as_in_a_terminal(dir.path(), &command.words[1..]);
        assert!(
            matches!(code, Some(0..=2)),
            "README.md:{}: exited {code:?}\n{printed}",
            command.line
        );
        if printed != command.output {
            panic!(
                "README.md:{}: `{}` printed\n{printed}---\nand the README shows\n{}---",
                command.line,
                command.words.join(" "),
                command.output
            );
        }
    }
}

/// The bashgah `demo --serve` the README starts, killed when dropped.
struct Demo {
    child: std::process::Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Demo {
    fn start() -> Demo {
        let dir = workspace();
        let mut child = crate::bashgah_command()
            .args(["demo", "--serve", "--keys", "examples/keys.yaml"])
            .args(["--listen", "127.0.0.1:0"])
            .current_dir(dir.path())
            .env_remove("BASHGAH_DATABASE")
            .env_remove("BASHGAH_DEPLOYMENT")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("listening on http://").map(str::to_owned))
            .expect("the demo goes on to listen");
        // Whatever it prints later must not fill the pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Demo {
            child,
            address,
            _dir: dir,
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request, as curl sends it: the answer's status and its body, byte for byte.
fn send(address: &str, method: &str, path: &str, headers: &[String], body: &str) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for header in headers {
        head.push_str(&format!("{header}\r\n"));
    }
    if method == "POST" {
        // What curl's -d sends.
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head and a body");
    assert!(
        !head.to_ascii_lowercase().contains("transfer-encoding"),
        "{head}"
    );
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
    (status, body.to_owned())
}

/// Every curl command of the README, sent in document order to the demo server the
/// set-up starts, is answered with exactly the body the README shows.
#[test]
fn every_curl_command_in_the_readme_is_answered_as_the_readme_shows() {
    let shown: Vec<Shown> = shown_commands(&readme())
        .into_iter()
        .filter(|c| c.words[0] == "curl")
        .collect();
    assert!(shown.len() >= 3, "{shown:?}");
    let demo = Demo::start();
    for command in &shown {
        assert!(command.steps.is_empty(), "README.md:{}", command.line);
        let (mut method, mut headers, mut body, mut url) = ("GET", Vec::new(), None, None);
        let mut words = command.words[1..].iter();
        while let Some(word) = words.next() {
            match word.as_str() {
                "-s" => {}
                "-H" => headers.push(words.next().unwrap().clone()),
                "-d" => {
                    method = "POST";
                    body = words.next().cloned();
                }
                "-X" => method = words.next().unwrap().as_str(),
                option if option.starts_with('-') => {
                    panic!("README.md:{}: curl option {option}", command.line)
                }
                address => url = Some(address),
            }
        }
        let url = url.expect("a URL");
        let path = &url[url.find("/v1/").expect("a path under /v1/")..];
        let (status, answer) = send(
            &demo.address,
            method,
            path,
            &headers,
            body.as_deref().unwrap_or(""),
        );
        if command.output.is_empty() {
            assert!(
                (200..300).contains(&status),
                "README.md:{}: {status} {answer}",
                command.line
            );
        } else {
            assert_eq!(
                format!("{answer}\n"),
                command.output,
                "README.md:{}: {status}",
                command.line
            );
        }
    }
}

/// The README promises two commands; CI must run the second.
#[test]
fn readme_commands_are_the_real_ones() {
    let readme = readme();
    assert!(
        readme.contains("\ncargo run --release -- demo --serve --keys examples/keys.yaml\n"),
        "README must show the main command"
    );
    assert!(
        readme.contains("\n.ci/test\n"),
        "README must show the test command"
    );
    let ci = fs::read_to_string(repo().join(".ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == ".ci/test"),
        ".ci/run must run the README's test command"
    );
    let test = fs::read_to_string(repo().join(".ci/test")).unwrap();
    assert!(
        test.lines().any(|l| l.trim() == "cargo test \"$@\""),
        ".ci/test must run the whole suite"
    );
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The `##` and `###` headings of `text` outside code blocks, as (level, title).
fn headings(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code {
            continue;
        }
        let level = line.chars().take_while(|c| *c == '#').count();
        if level > 0 && line[level..].starts_with(' ') {
            found.push((level, line[level + 1..].to_owned()));
        }
    }
    found
}

/// A document's contents, after `## Contents`, list every section after them, in order,
/// with the anchor GitHub gives it: a section added, renamed or moved without its entry
/// fails here.
fn check_contents(file: &str) {
    let text = fs::read_to_string(repo().join(file)).unwrap();
    let (head, body) = text
        .split_once("\n## Contents\n")
        .unwrap_or_else(|| panic!("{file} has no contents section"));
    assert!(!head.contains("\n## "), "{file}: the contents come first");
    let (contents, rest) = body
        .split_once("\n## ")
        .expect("sections after the contents");
    let listed: Vec<&str> = contents
        .lines()
        .filter(|l| l.trim_start().starts_with("- ["))
        .collect();
    let sections: Vec<String> = headings(&format!("## {rest}"))
        .into_iter()
        .filter(|(level, _)| *level == 2 || *level == 3)
        .map(|(level, title)| {
            let indent = if level == 3 { "  " } else { "" };
            format!("{indent}- [{title}](#{})", anchor(&title))
        })
        .collect();
    assert_eq!(listed, sections, "{file}");
}

#[test]
fn the_readme_contents_match_its_sections() {
    check_contents("README.md");
}

#[test]
fn the_reference_contents_match_its_sections() {
    check_contents("docs/REFERENCE.md");
}

/// Every relative link in the README and in `docs/*.md` leads to a file that exists and,
/// with a `#`, to a heading of that file: moving a section between the README and the
/// reference cannot leave a link behind.
#[test]
fn links_between_the_readme_and_the_docs_lead_somewhere() {
    let mut files = vec![repo().join("README.md"), repo().join("plugins/README.md")];
    for entry in fs::read_dir(repo().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    let mut checked = 0;
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        let mut in_code = false;
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
            }
            if in_code {
                continue;
            }
            for link in line.split("](").skip(1) {
                let Some(target) = link.split(')').next() else {
                    continue;
                };
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                let at = format!("{}:{}", file.display(), n + 1);
                let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
                let linked = if path.is_empty() {
                    file.clone()
                } else {
                    file.parent().unwrap().join(path)
                };
                assert!(linked.exists(), "{at}: {target} leads nowhere");
                if !fragment.is_empty() {
                    let headings = headings(&fs::read_to_string(&linked).unwrap());
                    assert!(
                        headings.iter().any(|(_, title)| anchor(title) == fragment),
                        "{at}: {} has no heading `#{fragment}`",
                        linked.display()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked} links");
}
