//! Real `bashgah serve` processes for the HTTP delivery mode, and a pool of fresh clubs
//! in them: each case needs a club of its own (the clock of a club only moves forward),
//! and starting a server per case would dominate the run, so a server is started with
//! several unused clubs of every configuration and cases take one each.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::consistency::clubs::{write_club, Config, RHAI};
use crate::consistency::history::{rfc3339, History, Step};

const ADMIN: &str = "consistency-admin-key";

pub struct Server {
    pub dir: tempfile::TempDir,
    child: Child,
    pub address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer: status and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
}

impl Server {
    /// Starts a server whose policies folder holds `clubs` (id, configuration).
    fn start(clubs: &[(String, Config)]) -> Server {
        let dir = crate::scratch();
        let digest: String = Sha256::digest(ADMIN.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        std::fs::write(
            dir.path().join("keys.yaml"),
            format!("keys:\n  - {{name: ops, sha256: {digest}, admin: true}}\n"),
        )
        .expect("keys");
        std::fs::create_dir_all(dir.path().join("plugins")).expect("plugins");
        let policies = dir.path().join("policies");
        for (id, config) in clubs {
            write_club(&policies, id, &config.yaml(id), RHAI);
        }
        let mut child = crate::bashgah_command()
            .args(["serve", "--listen", "127.0.0.1:0", "--keys", "keys.yaml"])
            .current_dir(dir.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start bashgah serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .expect("the server prints its address");
        // Keep reading, so that the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = reader.read_to_string(&mut sink);
        });
        let address = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server {
            dir,
            child,
            address,
        }
    }

    pub fn post(&self, path: &str, body: &str) -> Reply {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer {ADMIN}\r\nContent-Length: {}\r\n\r\n",
            self.address,
            body.len()
        );
        stream.write_all(head.as_bytes()).expect("send");
        stream.write_all(body.as_bytes()).expect("send");
        let mut raw = String::new();
        stream.read_to_string(&mut raw).expect("answer");
        let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        let body = serde_json::from_str(body).unwrap_or(serde_json::Value::String(body.into()));
        Reply { status, body }
    }
}

/// One unused club in a running server.
pub struct Slot {
    pub server: usize,
    pub club: String,
    /// The club's folder (load the policy from it: the same files, the same version).
    pub dir: PathBuf,
    /// The club's ledger file.
    pub db: PathBuf,
}

/// Servers started so far and their clubs not used yet.
#[derive(Default)]
pub struct Pool {
    servers: Vec<Server>,
    free: HashMap<String, Vec<Slot>>,
    /// Clubs of each configuration a new server gets.
    per_server: usize,
}

impl Pool {
    pub fn new(per_server: usize) -> Pool {
        Pool {
            per_server,
            ..Pool::default()
        }
    }

    pub fn take(&mut self, config: Config) -> Slot {
        let key = format!("{config:?}");
        if self.free.get(&key).is_none_or(Vec::is_empty) {
            let n = self.servers.len();
            let clubs: Vec<(String, Config)> = Config::ALL
                .iter()
                .flat_map(|c| {
                    (0..self.per_server).map(move |i| (format!("s{n}{c:?}{i}").to_lowercase(), *c))
                })
                .collect();
            let server = Server::start(&clubs);
            for (id, c) in clubs {
                self.free.entry(format!("{c:?}")).or_default().push(Slot {
                    server: n,
                    dir: server.dir.path().join("policies").join(&id),
                    db: server.dir.path().join("data").join(format!("{id}.sqlite")),
                    club: id,
                });
            }
            self.servers.push(server);
        }
        self.free
            .get_mut(&key)
            .and_then(Vec::pop)
            .expect("a free club")
    }

    pub fn server(&self, slot: &Slot) -> &Server {
        &self.servers[slot.server]
    }
}

/// Posts `history` to `club` one request per event, advance and redemption; returns a
/// log of refusals and rejections.
pub fn deliver_http(server: &Server, club: &str, history: &History) -> Vec<String> {
    let mut log = Vec::new();
    for step in &history.steps {
        match step {
            Step::Event(row) => {
                let reply = server.post(&format!("/v1/clubs/{club}/events"), &row.json());
                match (reply.status, reply.body["status"].as_str()) {
                    (200, Some("applied" | "duplicate")) => {}
                    (422, Some("rejected")) => {
                        log.push(format!("{}: {}", row.id, reply.body["error"]["message"]))
                    }
                    _ => panic!("event {}: unexpected answer {reply:?}", row.id),
                }
            }
            Step::Advance(at) => {
                let reply = server.post(
                    &format!("/v1/clubs/{club}/clock"),
                    &serde_json::json!({ "to": rfc3339(*at) }).to_string(),
                );
                assert_eq!(reply.status, 200, "advance to {at}: {reply:?}");
            }
            Step::Redeem {
                id,
                member,
                reward,
                at,
            } => {
                let reply = server.post(
                    &format!("/v1/clubs/{club}/members/{member}/redemptions"),
                    &serde_json::json!({ "reward": reward, "id": id, "at": rfc3339(*at) })
                        .to_string(),
                );
                match reply.status {
                    200 => {}
                    422 | 404 => log.push(format!("{id}: refused")),
                    _ => panic!("redemption {id}: unexpected answer {reply:?}"),
                }
            }
        }
    }
    log
}
