//! HTTP requests to the API of `bashgah serve`, in process: the real router on a loopback
//! socket, the real clubs and ledger threads, requests written byte for byte. No answer
//! may be a 5xx or missing (a panicking handler drops the connection); a refused request
//! (4xx), a dry run and every GET leave both ledgers exactly as they were.
//!
//! An input is a request file: the request line without the version (`POST /v1/...`),
//! header lines, a blank line, the body. `Host`, `Connection`, `Content-Length` and
//! `Transfer-Encoding` are the harness's own.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bashgah::ledger::Ledger;
use bashgah::serve::api::{router, App};
use bashgah::serve::clubs::{Folders, Registry};
use bashgah::serve::keys::{hash, Keys};

use crate::fuzz::files::{club_dir, copy_dir, corpus, files_ending, read};
use crate::fuzz::harness::{note, root, Check, Seed, Target};
use crate::fuzz::mutate;
use crate::fuzz::rng::Rng;
use crate::fuzz::rows::diff;
use crate::fuzz::structured::{self, Dictionary};

pub const TILL: &str = "fuzz-till";
pub const ADMIN: &str = "fuzz-admin";
/// The clubs served: (id, the shipped club it copies).
const CLUBS: [(&str, &str); 2] = [("cafe", "cafe"), ("commitment", "commitment")];

/// A request as the input file spells it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Vec<u8>,
    pub target: Vec<u8>,
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    pub body: Vec<u8>,
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl Request {
    pub fn parse(input: &[u8]) -> Request {
        let (head, body) = match input.windows(2).position(|w| w == b"\n\n") {
            Some(at) => (&input[..at], input[at + 2..].to_vec()),
            None => match input.windows(4).position(|w| w == b"\r\n\r\n") {
                Some(at) => (&input[..at], input[at + 4..].to_vec()),
                None => (input, Vec::new()),
            },
        };
        let mut lines = head.split(|&b| b == b'\n').map(trim_cr);
        let first = lines.next().unwrap_or_default();
        let (method, target) = match first.iter().position(|&b| b == b' ') {
            Some(at) => (first[..at].to_vec(), first[at + 1..].to_vec()),
            None => (b"GET".to_vec(), first.to_vec()),
        };
        let headers = lines
            .filter_map(|line| {
                let at = line.iter().position(|&b| b == b':')?;
                let value = &line[at + 1..];
                let value = value.strip_prefix(b" ").unwrap_or(value);
                Some((line[..at].to_vec(), value.to_vec()))
            })
            .collect();
        Request {
            method,
            target,
            headers,
            body,
        }
    }

    pub fn to_file(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.method);
        out.push(b' ');
        out.extend_from_slice(&self.target);
        out.push(b'\n');
        for (name, value) in &self.headers {
            out.extend_from_slice(name);
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.push(b'\n');
        }
        out.push(b'\n');
        out.extend_from_slice(&self.body);
        out
    }

    /// The bytes on the wire.
    fn wire(&self) -> Vec<u8> {
        let clean = |bytes: &[u8]| -> Vec<u8> {
            bytes
                .iter()
                .copied()
                .filter(|b| *b != b'\r' && *b != b'\n')
                .collect()
        };
        let mut target = clean(&self.target);
        if target.is_empty() {
            target.push(b'/');
        }
        let mut out = Vec::new();
        out.extend_from_slice(&clean(&self.method));
        out.push(b' ');
        out.extend_from_slice(&target);
        out.extend_from_slice(b" HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n");
        for (name, value) in &self.headers {
            let lower = String::from_utf8_lossy(name).trim().to_ascii_lowercase();
            if matches!(
                lower.as_str(),
                "host"
                    | "connection"
                    | "content-length"
                    | "transfer-encoding"
                    | "expect"
                    | "upgrade"
            ) {
                continue;
            }
            out.extend_from_slice(&clean(name));
            out.extend_from_slice(b": ");
            out.extend_from_slice(&clean(value));
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", self.body.len()).as_bytes());
        out.extend_from_slice(&self.body);
        out
    }

    /// Whether the server reads this as a dry run: a post of events (the one route that
    /// takes `dry_run`) with `dry_run=true` or `1`, the last one winning.
    fn dry_run(&self) -> bool {
        let target = String::from_utf8_lossy(&self.target);
        let Some((path, query)) = target.split_once('?') else {
            return false;
        };
        if !(path.starts_with("/v1/clubs/") && path.ends_with("/events")) {
            return false;
        }
        let mut dry = false;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, "true"));
            if name == "dry_run" {
                dry = matches!(value, "true" | "1");
            }
        }
        dry
    }
}

/// The in-process server and a reading connection to each ledger.
struct Server {
    _dir: tempfile::TempDir,
    address: String,
    readers: Mutex<Vec<Ledger>>,
}

fn start_server() -> Result<Server, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let policies = dir.path().join("policies");
    for (id, shipped) in CLUBS {
        let source = club_dir(shipped).ok_or_else(|| format!("no club `{shipped}`"))?;
        copy_dir(&source, &policies.join(id));
    }
    let data = dir.path().join("data");
    let folders = Folders {
        policies,
        plugins: root().join("plugins"),
        data: data.clone(),
        drafts: dir.path().join("drafts"),
        ledgers: bashgah::deployment::Ledgers::new(&data, None),
    };
    let keys_text = format!(
        "keys:\n  - {{name: till, sha256: {}, clubs: [cafe]}}\n  - {{name: admin, sha256: {}, admin: true}}\n",
        hash(TILL),
        hash(ADMIN)
    );
    let keys =
        Keys::parse(&dir.path().join("keys.yaml"), &keys_text).map_err(|p| format!("{p:?}"))?;
    let registry = Arc::new(Registry::new(folders));
    for outcome in registry.reload(true) {
        if outcome.attempt.outcome == "failed" {
            return Err(format!(
                "club `{}` does not load: {:?}",
                outcome.folder, outcome.attempt
            ));
        }
    }
    let app = Arc::new(App {
        registry,
        keys: Arc::new(bashgah::serve::keys::KeyRing::fixed(keys)),
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let address = listener
        .local_addr()
        .map_err(|e| e.to_string())?
        .to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("fuzz-server")
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    std::thread::Builder::new()
        .name("fuzz-server-main".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let _ = axum::serve(listener, router(app, 1 << 20)).await;
            });
        })
        .map_err(|e| e.to_string())?;
    let readers = CLUBS
        .iter()
        .map(|(id, _)| Ledger::open(&data.join(format!("{id}.sqlite"))).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let server = Server {
        _dir: dir,
        address,
        readers: Mutex::new(readers),
    };
    // Some history first: members, purchases, a redemption.
    for file in files_ending(&corpus().join("http"), ".http") {
        let request = Request::parse(&read(&file));
        if request.target.ends_with(b"/clock") || request.target.ends_with(b"/reload") {
            continue;
        }
        server.send(&request)?;
    }
    Ok(server)
}

/// An answer: status and body.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Server {
    fn send(&self, request: &Request) -> Result<Answer, String> {
        let mut stream = TcpStream::connect(&self.address).map_err(|e| format!("connect: {e}"))?;
        let deadline = Some(Duration::from_secs(30));
        stream
            .set_read_timeout(deadline)
            .map_err(|e| e.to_string())?;
        stream
            .set_write_timeout(deadline)
            .map_err(|e| e.to_string())?;
        // The server may answer (a 413, a 400) before reading the whole body and close.
        let _ = stream.write_all(&request.wire());
        let mut raw = Vec::new();
        if let Err(error) = stream.read_to_end(&mut raw) {
            if raw.is_empty() {
                return Err(format!("no answer: {error}"));
            }
        }
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            return Err(format!(
                "no answer (got {:?})",
                String::from_utf8_lossy(&raw)
            ));
        };
        let head = String::from_utf8_lossy(&raw[..end]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("an answer without a status: {head:?}"))?;
        Ok(Answer {
            status,
            body: raw[end + 4..].to_vec(),
        })
    }

    fn snapshot(&self) -> Result<String, String> {
        let readers = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        for ((id, _), ledger) in CLUBS.iter().zip(readers.iter()) {
            out.push_str(&format!("== {id}\n"));
            out.push_str(&ledger.dump().map_err(|e| e.to_string())?);
            out.push_str(&format!(
                "clock: {:?}\n",
                ledger.now().map_err(|e| e.to_string())?
            ));
        }
        Ok(out)
    }
}

fn server() -> Result<&'static Server, String> {
    static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
    SERVER
        .get_or_init(start_server)
        .as_ref()
        .map_err(Clone::clone)
}

fn check(request: &Request) -> Result<(), String> {
    let server = server()?;
    let before = server.snapshot()?;
    let answer = server.send(request)?;
    let body = String::from_utf8_lossy(&answer.body);
    note(&format!("{}", answer.status));
    if answer.status >= 500 {
        return Err(format!("answered {}: {body}", answer.status));
    }
    let refused = (400..500).contains(&answer.status);
    let reads = request.method == b"GET" || request.method == b"HEAD";
    if refused || reads || request.dry_run() {
        let after = server.snapshot()?;
        if after != before {
            let why = if refused {
                format!("a refused request ({})", answer.status)
            } else if reads {
                "a GET".to_owned()
            } else {
                "a dry run".to_owned()
            };
            return Err(format!(
                "{why} changed the ledger:{}\n  answer: {body}",
                diff(&before, &after)
            ));
        }
    }
    // Every answer of the API is JSON, refusals `{"error": {"code", "message"}}`. (HTTP's
    // own refusals of a malformed request, before any route, have no body.)
    let json = serde_json::from_slice::<serde_json::Value>(&answer.body);
    if json.is_err() && request.method != b"HEAD" {
        if !answer.body.is_empty() {
            return Err(format!(
                "answered {} with a body that is not JSON: {body}",
                answer.status
            ));
        }
        note("empty answer");
    }
    if let Ok(value) = &json {
        // (An event's own result — `status` rejected or conflict — says why in
        // `error.message` and `error.field`.)
        let event_result = value["status"].is_string();
        if refused && !event_result && !value["error"]["code"].is_string() {
            return Err(format!(
                "a refusal ({}) without an error code: {body}",
                answer.status
            ));
        }
    }
    // A batch answers 200 with a result per event: those refused leave no event behind
    // (or the one already there, for a conflict, unchanged).
    if let Ok(answer) = json {
        let refused: Vec<&str> = answer["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["status"] == "rejected" || r["status"] == "conflict")
            .filter_map(|r| r["id"].as_str())
            .collect();
        if !refused.is_empty() {
            let after = server.snapshot()?;
            for id in refused {
                let (was, is) = (event_rows(&before, id), event_rows(&after, id));
                if was != is {
                    return Err(format!(
                        "event `{id}`, refused in a batch, changed the events table: {was:?} then {is:?}"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The rows of the events table (the dump's second section, in every club) for `id`.
fn event_rows(snapshot: &str, id: &str) -> Vec<String> {
    let prefix = format!("{:?}|", rusqlite::types::Value::Text(id.to_owned()));
    snapshot
        .split("== ")
        .filter_map(|club| club.split("--\n").nth(1))
        .flat_map(str::lines)
        .filter(|line| line.starts_with(&prefix))
        .map(str::to_owned)
        .collect()
}

/// Query strings, `dry_run` spelt right and wrong.
const QUERIES: [&str; 10] = [
    "",
    "?dry_run=true",
    "?dry_run=1",
    "?dry_run=false",
    "?dry_run",
    "?dry_run=yes",
    "?dry_run=true&dry_run=false",
    "?other=1",
    "?&&",
    "?dry_run=%74rue",
];

/// Percent-encodes every byte but the unreserved ones.
fn percent(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out
}

fn http_structured(rng: &mut Rng, data: &[u8], dictionary: &Dictionary) -> Option<Vec<u8>> {
    let mut request = Request::parse(data);
    match rng.below(8) {
        0..=3 => {
            let value: serde_json::Value = serde_json::from_slice(&request.body).ok()?;
            request.body = structured::json_value(rng, &value, dictionary)?.into_bytes();
        }
        4 => {
            // a path segment replaced, raw or percent-encoded
            let target = request.target.clone();
            let (path, query) = match target.iter().position(|&b| b == b'?') {
                Some(at) => (target[..at].to_vec(), target[at..].to_vec()),
                None => (target, Vec::new()),
            };
            let mut segments: Vec<Vec<u8>> =
                path.split(|&b| b == b'/').map(<[u8]>::to_vec).collect();
            let at = rng.below(segments.len());
            let token = mutate::token(rng);
            segments[at] = match rng.below(3) {
                0 => token,
                1 => percent(&token),
                _ => rng
                    .pick(&[
                        "cafe",
                        "commitment",
                        "M001",
                        "C1",
                        "nobody",
                        "",
                        "..",
                        "%",
                        "%ff",
                        "v2",
                    ])
                    .as_bytes()
                    .to_vec(),
            };
            request.target = segments.join(&b'/');
            request.target.extend_from_slice(&query);
        }
        5 => {
            let path = request
                .target
                .split(|&b| b == b'?')
                .next()
                .unwrap_or_default()
                .to_vec();
            let query = rng.pick(&QUERIES).as_bytes().to_vec();
            request.target = [path, query].concat();
        }
        6 => {
            request.method = rng
                .pick(&[
                    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "post", "G\u{e9}T",
                    "",
                ])
                .as_bytes()
                .to_vec();
        }
        _ => {
            let header: (&str, &str) = *rng.pick(&[
                ("Authorization", "Bearer fuzz-till"),
                ("Authorization", "Bearer fuzz-admin"),
                ("Authorization", "Bearer "),
                ("Authorization", "bearer fuzz-admin"),
                ("Authorization", "Bearer  fuzz-admin "),
                ("Authorization", "Basic Zm9vOmJhcg=="),
                ("X-Api-Key", "fuzz-admin"),
                ("X-Api-Key", "\u{e9}"),
                ("Content-Type", "text/plain"),
                ("Content-Type", "application/json; charset=latin1"),
                ("Accept", "*/*"),
            ]);
            if rng.one_in(3) && !request.headers.is_empty() {
                let at = rng.below(request.headers.len());
                request.headers.remove(at);
            } else {
                request
                    .headers
                    .retain(|(name, _)| !name.eq_ignore_ascii_case(header.0.as_bytes()));
                request
                    .headers
                    .push((header.0.as_bytes().to_vec(), header.1.as_bytes().to_vec()));
            }
        }
    }
    Some(request.to_file())
}

pub fn target() -> Target {
    let files: Vec<PathBuf> = files_ending(&corpus().join("http"), ".http");
    let seeds: Vec<Seed> = files
        .iter()
        .map(|file| Seed {
            context: String::new(),
            data: read(file),
        })
        .collect();
    let trees: Vec<yaml_rust2::Yaml> = seeds
        .iter()
        .filter_map(|s| {
            serde_json::from_slice::<serde_json::Value>(&Request::parse(&s.data).body).ok()
        })
        .map(|v| structured::from_json(&v))
        .collect();
    let mut dictionary = Dictionary::from_trees(&trees);
    dictionary.add_words(
        bashgah::import::EVENT_FIELDS
            .iter()
            .map(|f| (*f).to_owned()),
    );
    let check: Check = Arc::new(|_, input| check(&Request::parse(input)));
    Target {
        name: "http",
        seeds,
        dictionary,
        structured: http_structured,
        check,
        default_cases: 300,
    }
}
