//! Starting `bashgah serve` in a temporary workspace and talking HTTP to it with nothing
//! but a `TcpStream`, so the tests see exactly the bytes a till would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// The till's key (club `shop` only) and the operator's (admin).
pub const TILL: &str = "till-key-for-shop";
pub const OPS: &str = "ops-admin-key";
pub const OTHER: &str = "key-for-the-bakery";
/// Club `shop`'s viewer (reads only) and operator (also adjusts by hand); the operator is
/// a viewer of `bakery`.
pub const VIEWER: &str = "viewer-key-for-shop";
pub const OPERATOR: &str = "operator-key-for-shop";

pub struct Server {
    pub dir: TempDir,
    child: Child,
    pub address: String,
}

pub struct Workspace {
    pub dir: TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = crate::scratch();
        let keys = format!(
            "keys:\n  - {{name: till, sha256: {}, clubs: [shop]}}\n  - {{name: bakery, sha256: {}, clubs: [bakery]}}\n  - {{name: ops, sha256: {}, admin: true}}\n  - {{name: viewer, sha256: {}, clubs: [shop], role: viewer}}\n  - {{name: operator, sha256: {}, roles: {{shop: operator, bakery: viewer}}}}\n",
            bashgah::serve::keys::hash(TILL),
            bashgah::serve::keys::hash(OTHER),
            bashgah::serve::keys::hash(OPS),
            bashgah::serve::keys::hash(VIEWER),
            bashgah::serve::keys::hash(OPERATOR),
        );
        std::fs::write(dir.path().join("keys.yaml"), keys).expect("keys");
        std::fs::create_dir_all(dir.path().join("plugins")).expect("plugins");
        Workspace { dir }
    }

    pub fn file(self, path: &str, contents: &str) -> Workspace {
        write(self.dir.path(), path, contents);
        self
    }

    /// Copies a shipped club (`policies/<name>`), its tests included.
    pub fn shipped_club(self, name: &str) -> Workspace {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("policies")
            .join(name);
        copy_dir(&source, &self.dir.path().join("policies").join(name));
        self
    }

    /// Runs a `bashgah` command in the workspace first (an import, say); it must succeed.
    pub fn command(self, args: &[&str]) -> Workspace {
        let output = crate::bashgah_command()
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("run bashgah");
        assert!(
            output.status.success(),
            "bashgah {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        self
    }

    pub fn start(self, extra: &[&str]) -> Server {
        self.start_with(extra, &[])
    }

    /// Starts with extra environment variables; the log goes to `serve.log` in the
    /// workspace.
    pub fn start_with(self, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let log = std::fs::File::create(self.dir.path().join("serve.log")).expect("log file");
        let mut child = crate::bashgah_command()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .current_dir(self.dir.path())
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start bashgah serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server prints its address");
        let address = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server {
            dir: self.dir,
            child,
            address,
        }
    }
}

/// Writes a file the way vim does: a temporary file next to it, renamed over it.
pub fn write(root: &Path, path: &str, contents: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    let temporary = full.with_file_name(format!(
        ".{}.tmp",
        full.file_name().expect("name").to_string_lossy()
    ));
    std::fs::write(&temporary, contents).expect("write");
    std::fs::rename(&temporary, &full).expect("rename");
}

/// An HTTP answer: status and JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    /// The status line and headers, as sent.
    pub head: String,
}

impl Reply {
    /// The value of header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

impl Server {
    pub fn path(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    /// A GET; the answer is held to the OpenAPI document (see [`super::document`]).
    pub fn get(&self, path: &str, key: Option<&str>) -> Reply {
        checked(
            "GET",
            path,
            None,
            request(&self.address, "GET", path, key, None),
        )
    }

    /// A POST; the answer is held to the OpenAPI document (see [`super::document`]).
    pub fn post(&self, path: &str, key: Option<&str>, body: &str) -> Reply {
        let reply = request(&self.address, "POST", path, key, Some(body));
        checked("POST", path, Some(body), reply)
    }

    /// What the server has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("serve.log")).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits for the process to end; returns its exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asks `check` every 20 ms until it says yes; returns how long that took.
    pub fn wait_for(&self, within: Duration, mut check: impl FnMut(&Server) -> bool) -> Duration {
        let start = Instant::now();
        loop {
            if check(self) {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < within,
                "not seen within {within:?}; status: {}",
                self.get("/v1/status", Some(OPS)).body
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn active_version(&self, club: &str) -> String {
        let status = self.get("/v1/status", Some(OPS)).body;
        status["clubs"]
            .as_array()
            .and_then(|clubs| clubs.iter().find(|c| c["id"] == club))
            .and_then(|c| c["active_version"].as_str())
            .unwrap_or_default()
            .to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `reply`, once it is found to be what the document says `method path` answers.
fn checked(method: &str, path: &str, sent: Option<&str>, reply: Reply) -> Reply {
    let content_type = reply.header("content-type");
    if let Err(problem) =
        super::document::check(method, path, sent, reply.status, content_type, &reply.body)
    {
        panic!("{problem}");
    }
    reply
}

/// One request on a fresh connection.
pub fn request(
    address: &str,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> Reply {
    try_request(address, method, path, key, body).expect("the server answers")
}

pub fn try_request(
    address: &str,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.unwrap_or("");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(key) = key {
        head.push_str(&format!("Authorization: Bearer {key}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw)?;
    let (head, body) = raw.split_once("\r\n\r\n").ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("no head in {raw:?}"),
        )
    })?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line in {head:?}")))?;
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body).unwrap_or(Value::String(body.to_owned()))
    };
    Ok(Reply {
        status,
        body,
        head: head.to_owned(),
    })
}

/// A purchase as JSON.
pub fn purchase(id: &str, member: &str, date: &str, amount: u32) -> String {
    format!(r#"{{"id": "{id}", "member": "{member}", "date": "{date}", "amount": "{amount}"}}"#)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
