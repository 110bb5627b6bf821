//! API keys: who may call the host process, and for which clubs.
//!
//! The keys file holds each key's SHA-256, never the key itself, so a copied or leaked
//! file opens nothing. Keys are 32 random bytes (`bashgah key`), so a plain hash is as
//! strong as a slow one would be: there is nothing to guess a dictionary word from.
//!
//! A key has a [`Role`] in each club it names: `viewer` reads, `till` (the default) also
//! writes what a till writes, `operator` also adjusts by hand, `admin` also moves the
//! club's clock and reads its reports. `admin: true` is the host's administrator: every
//! club as `admin`, plus reloads, metrics and the keys' status.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Location};
use crate::yaml::{self, FileKind, PathSegment};

/// What a keys file is, for the messages about the whole file.
const KEYS_FILE: FileKind = FileKind {
    empty: "the keys file is empty",
    help: "make a key with `bashgah key --name NAME --club CLUB` and add the line it prints under `keys:`",
    strict: false,
};

/// The keys file: who may call the host process.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct KeysFile {
    keys: Vec<KeyEntry>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct KeyEntry {
    /// Who holds the key: shows in logs, never the key.
    name: String,
    /// Hex SHA-256 of the key.
    sha256: String,
    /// Clubs the key may use, each with the key's `role`.
    #[serde(default)]
    clubs: Vec<String>,
    /// What the key may do in the clubs of `clubs` (default `till`).
    #[serde(default)]
    role: Option<Role>,
    /// Clubs with a role each, for a key whose role differs by club:
    /// `roles: {cafe: operator, bakery: viewer}`.
    #[serde(default)]
    roles: BTreeMap<String, Role>,
    /// Every club, plus reload and moving the clock.
    #[serde(default)]
    admin: bool,
    /// When the key stops opening anything: a date (`2027-01-01`, midnight UTC) or a time
    /// (`2027-01-01T08:00:00+03:30`). Takes effect without a restart, like removing the
    /// entry (which revokes the key).
    #[serde(default)]
    expires: Option<String>,
}

/// What a key may do in a club; each role may do everything the ones before it may.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Deserialize,
    serde::Serialize,
    JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads: members, statements, the policy, reports of the console.
    Viewer,
    /// Also writes what a shop's till writes: events, redemptions and their cancellation,
    /// transfers, conversions, codes, consents. A key listing `clubs` without a `role`.
    Till,
    /// Also adjusts points by hand, for a reason.
    Operator,
    /// Also moves the club's clock and reads its report and lots.
    Admin,
}

impl Role {
    /// As the keys file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Till => "till",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

/// What a key allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub name: String,
    /// The key's role in each club it names.
    pub roles: BTreeMap<String, Role>,
    /// The host's administrator: every club as `admin`, and the host-wide routes.
    pub admin: bool,
    pub expires: Option<DateTime<Utc>>,
}

impl Grant {
    /// Whether the key has expired at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.expires.is_some_and(|at| at <= now)
    }

    pub fn may_use(&self, club: &str) -> bool {
        self.role_in(club).is_some()
    }

    /// The key's role in `club`, if it may use it at all.
    pub fn role_in(&self, club: &str) -> Option<Role> {
        if self.admin {
            return Some(Role::Admin);
        }
        self.roles.get(club).copied()
    }

    /// Whether the key may do what `role` may in `club`.
    pub fn may(&self, club: &str, role: Role) -> bool {
        self.role_in(club).is_some_and(|held| held >= role)
    }
}

/// The keys the host process accepts, by hash.
#[derive(Debug, Default)]
pub struct Keys {
    by_hash: HashMap<String, Grant>,
}

/// Hex SHA-256 of a key, as the keys file stores it.
pub fn hash(key: &str) -> String {
    crate::hex::encode(&Sha256::digest(key.as_bytes()))
}

/// A new random key: `bk_` and 64 hex digits.
pub fn generate() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness available: {e}"))?;
    Ok(format!("bk_{}", crate::hex::encode(&bytes)))
}

impl Keys {
    /// The grant of `key`, if it is one of ours.
    pub fn grant(&self, key: &str) -> Option<&Grant> {
        self.by_hash.get(&hash(key))
    }

    /// The grant of the key whose SHA-256 is `key_hash`.
    pub fn grant_by_hash(&self, key_hash: &str) -> Option<&Grant> {
        self.by_hash.get(key_hash)
    }

    /// Whether a key held by `name` is in the file.
    pub fn has_holder(&self, name: &str) -> bool {
        self.by_hash.values().any(|grant| grant.name == name)
    }

    /// Reads the keys file; every problem comes back with its line and column.
    pub fn load(path: &Path) -> Result<Keys, Vec<Diagnostic>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![Diagnostic::error(crate::tr!(
                "check-cannot-read",
                folder = path.display().to_string(),
                reason = e.to_string()
            ))
            .with_help(crate::tr!("keys-make-one"))]
        })?;
        Keys::parse(path, &text)
    }

    /// Reads the keys file's text; every problem comes back with its line and column.
    pub fn parse(path: &Path, text: &str) -> Result<Keys, Vec<Diagnostic>> {
        let loaded = yaml::load::<KeysFile>(path, text, KEYS_FILE).empty_said(
            KEYS_FILE,
            crate::tr!("keys-file-empty"),
            crate::tr!("keys-file-empty-help"),
        );
        let failed = loaded.has_errors();
        let (Some(file), Some(tree), false) = (loaded.value, loaded.tree, failed) else {
            return Err(loaded.problems);
        };
        // At the value of the entry's `key` (or the entry, if it has none), so that the
        // line shown is the one to fix.
        let at = |i: usize, key: &str, message: String| {
            let entry = [PathSegment::Key("keys"), PathSegment::Index(i)];
            let node = tree
                .find(&entry)
                .and_then(|e| e.find(&[PathSegment::Key(key)]))
                .or_else(|| tree.find(&entry));
            let diagnostic = Diagnostic::error(message);
            match node {
                Some(node) => diagnostic.at(
                    Location::new(path, node.line, node.column).with_width(node.width()),
                    Some(text),
                ),
                None => diagnostic.in_file(path),
            }
        };
        let mut keys = Keys::default();
        let mut problems = Vec::new();
        for (i, entry) in file.keys.into_iter().enumerate() {
            let well_formed =
                entry.sha256.len() == 64 && entry.sha256.bytes().all(|b| b.is_ascii_hexdigit());
            if !well_formed {
                problems.push(
                    at(i, "sha256", crate::tr!("keys-bad-hash", name = &entry.name))
                        .with_help(crate::tr!("keys-bad-hash-help")),
                );
                continue;
            }
            if entry.clubs.is_empty() && entry.roles.is_empty() && !entry.admin {
                problems.push(at(
                    i,
                    "name",
                    crate::tr!("keys-grants-nothing", name = &entry.name),
                ));
                continue;
            }
            let expires = match entry.expires.as_deref().map(expiry) {
                None => None,
                Some(Some(at)) => Some(at),
                Some(None) => {
                    problems.push(
                        at(
                            i,
                            "expires",
                            crate::tr!(
                                "keys-bad-expiry",
                                name = &entry.name,
                                text = entry.expires.as_deref().unwrap_or_default()
                            ),
                        )
                        .with_help(crate::tr!("keys-bad-expiry-help")),
                    );
                    continue;
                }
            };
            let role = entry.role.unwrap_or(Role::Till);
            let mut roles = entry.roles;
            for club in entry.clubs {
                roles.entry(club).or_insert(role);
            }
            let grant = Grant {
                name: entry.name,
                roles,
                admin: entry.admin,
                expires,
            };
            keys.by_hash
                .insert(entry.sha256.to_ascii_lowercase(), grant);
        }
        if problems.is_empty() {
            Ok(keys)
        } else {
            Err(problems)
        }
    }
}

/// `2027-01-01` (midnight UTC) or an RFC 3339 time.
fn expiry(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day.and_hms_opt(0, 0, 0)?.and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// The keys in force, re-read when the keys file changes: an added key opens at once, a
/// removed one (revoked) or an expired one closes at once, with no restart. A file that
/// does not load keeps the keys in force, and says why in the log and `/v1/status`.
pub struct KeyRing {
    path: std::path::PathBuf,
    keys: arc_swap::ArcSwap<Keys>,
    state: std::sync::Mutex<RingState>,
}

#[derive(Debug, Clone, Default)]
struct RingState {
    /// The file's text at the last look: unchanged text is not parsed again.
    text: Option<String>,
    loaded_at: Option<DateTime<Utc>>,
    /// The last failure, until a load succeeds.
    problems: Vec<super::reload::Problem>,
}

impl KeyRing {
    /// Loads the keys file; the server does not start without a valid one.
    pub fn load(path: &Path) -> Result<KeyRing, Vec<Diagnostic>> {
        let keys = Keys::load(path)?;
        Ok(KeyRing {
            path: path.to_path_buf(),
            keys: arc_swap::ArcSwap::from_pointee(keys),
            state: std::sync::Mutex::new(RingState {
                text: std::fs::read_to_string(path).ok(),
                loaded_at: Some(Utc::now()),
                problems: Vec::new(),
            }),
        })
    }

    /// Keys given directly, with no file behind them (embedding, the HTTP fuzz suite).
    pub fn fixed(keys: Keys) -> KeyRing {
        KeyRing {
            path: std::path::PathBuf::new(),
            keys: arc_swap::ArcSwap::from_pointee(keys),
            state: std::sync::Mutex::new(RingState::default()),
        }
    }

    /// The grant of `key` as the keys in force say.
    pub fn grant(&self, key: &str) -> Option<Grant> {
        self.keys.load().grant(key).cloned()
    }

    /// The grant of the key whose SHA-256 is `key_hash`, as the keys in force say.
    pub fn grant_by_hash(&self, key_hash: &str) -> Option<Grant> {
        self.keys.load().grant_by_hash(key_hash).cloned()
    }

    /// Re-reads the file if its text changed; returns whether new keys took effect.
    pub fn refresh(&self) -> bool {
        if self.path.as_os_str().is_empty() {
            return false;
        }
        let text = std::fs::read_to_string(&self.path);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let parsed = match &text {
            Ok(text) if state.text.as_deref() == Some(text.as_str()) => return false,
            Ok(text) => Keys::parse(&self.path, text),
            Err(error) => {
                // Mid-save (renamed away) or deleted: keep the keys in force and look again.
                if state.text.is_some() {
                    tracing::warn!(file = %self.path.display(), %error, "cannot read the keys file; the keys in force stay");
                }
                state.text = None;
                return false;
            }
        };
        state.text = text.ok();
        match parsed {
            Ok(keys) => {
                tracing::info!(file = %self.path.display(), keys = keys.by_hash.len(), "keys reloaded");
                self.keys.store(std::sync::Arc::new(keys));
                state.loaded_at = Some(Utc::now());
                state.problems.clear();
                true
            }
            Err(problems) => {
                state.problems = problems
                    .iter()
                    .filter(|d| d.is_error())
                    .map(super::reload::Problem::from)
                    .collect();
                for problem in &state.problems {
                    tracing::warn!(problem = %problem, "the keys file was not reloaded; the keys in force stay");
                }
                false
            }
        }
    }

    /// For `/v1/status`: when the keys in force were loaded, and the last failure.
    pub fn status(&self) -> KeysStatus {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        KeysStatus {
            file: self.path.display().to_string(),
            loaded_at: state.loaded_at,
            errors: state.problems.clone(),
        }
    }
}

/// The keys file in `/v1/status` (admin keys only).
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct KeysStatus {
    pub file: String,
    /// When the keys in force were loaded.
    pub loaded_at: Option<DateTime<Utc>>,
    /// Why the last edit of the file was not taken (the keys in force stay), with file,
    /// line and column.
    pub errors: Vec<super::reload::Problem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_opens_only_what_its_entry_grants() {
        let till = hash("till-key");
        let ops = hash("ops-key");
        let text = format!(
            "keys:\n  - {{name: till, sha256: {till}, clubs: [cafe]}}\n  - {{name: ops, sha256: {ops}, admin: true}}\n"
        );
        let keys = Keys::parse(Path::new("keys.yaml"), &text).expect("valid");
        let grant = keys.grant("till-key").expect("known key");
        assert!(grant.may_use("cafe"));
        assert!(!grant.may_use("bakery"));
        assert!(keys.grant("ops-key").expect("known").may_use("bakery"));
        assert_eq!(keys.grant("till-key ").map(|g| &g.name), None);
        assert_eq!(keys.grant(&till), None, "the hash itself is not a key");
    }

    #[test]
    fn a_plain_key_in_the_file_is_refused_with_its_position() {
        let problems = Keys::parse(
            Path::new("keys.yaml"),
            "keys:\n  - {name: till, sha256: secret, clubs: [cafe]}\n  - {name: x, sha256: 00, clubz: []}\n",
        )
        .expect_err("invalid");
        let rendered = crate::diagnostic::render_all(&problems);
        assert_eq!(
            rendered,
            "\
error: unknown key `clubz`
 --> keys.yaml:3:27
  |
3 |   - {name: x, sha256: 00, clubz: []}
  |                           ^^^^^
  = help: did you mean `clubs`?

"
        );
        // With the shape right, each entry's own problems, at their lines.
        let problems = Keys::parse(
            Path::new("keys.yaml"),
            "keys:\n  - {name: till, sha256: secret, clubs: [cafe]}\n  - name: x\n    sha256: abababababababababababababababababababababababababababababababab\n",
        )
        .expect_err("invalid");
        let at: Vec<_> = problems
            .iter()
            .map(|p| p.location.as_ref().map(|l| (l.line, l.column)))
            .collect();
        assert_eq!(at, vec![Some((2, 26)), Some((3, 11))]);
    }

    #[test]
    fn the_shipped_example_keys_open_what_the_readme_says() {
        let keys = Keys::parse(
            Path::new("examples/keys.yaml"),
            include_str!("../../examples/keys.yaml"),
        )
        .expect("the example keys file is valid");
        let till = keys.grant("demo-cafe-till").expect("the till key");
        assert_eq!((till.may_use("cafe"), till.admin), (true, false));
        assert!(!till.may_use("bakery"));
        assert!(keys.grant("demo-admin").expect("the admin key").admin);
        let viewer = keys.grant("demo-cafe-viewer").expect("the viewer key");
        assert_eq!(viewer.role_in("cafe"), Some(Role::Viewer));
        let operator = keys.grant("demo-cafe-operator").expect("the operator key");
        assert_eq!(operator.role_in("cafe"), Some(Role::Operator));
    }

    #[test]
    fn a_role_is_per_club_and_defaults_to_till() {
        let text = format!(
            "keys:\n  - {{name: till, sha256: {}, clubs: [cafe]}}\n  - {{name: boss, sha256: {}, clubs: [cafe, bakery], role: viewer, roles: {{cafe: operator}}}}\n  - {{name: ops, sha256: {}, admin: true}}\n",
            hash("t"),
            hash("b"),
            hash("o")
        );
        let keys = Keys::parse(Path::new("keys.yaml"), &text).expect("valid");
        let till = keys.grant("t").expect("till");
        assert_eq!(till.role_in("cafe"), Some(Role::Till));
        assert!(till.may("cafe", Role::Till) && !till.may("cafe", Role::Operator));
        let boss = keys.grant("b").expect("boss");
        // `roles` names the club's own role; `clubs` with `role` the rest.
        assert_eq!(boss.role_in("cafe"), Some(Role::Operator));
        assert_eq!(boss.role_in("bakery"), Some(Role::Viewer));
        assert_eq!(boss.role_in("tea"), None);
        assert!(!boss.may("bakery", Role::Till));
        let ops = keys.grant("o").expect("ops");
        assert_eq!(ops.role_in("anything"), Some(Role::Admin));
    }

    #[test]
    fn expiry_is_a_date_or_a_time_and_anything_else_is_refused_where_it_is() {
        let key = hash("k");
        let text = format!(
            "keys:\n  - {{name: a, sha256: {key}, clubs: [cafe], expires: 2027-01-01}}\n  - {{name: b, sha256: {}, clubs: [cafe], expires: '2027-01-01T08:00:00+03:30'}}\n",
            hash("b")
        );
        let keys = Keys::parse(Path::new("keys.yaml"), &text).expect("valid");
        let a = keys.grant("k").expect("a");
        let midnight = chrono::DateTime::parse_from_rfc3339("2027-01-01T00:00:00Z").expect("time");
        assert_eq!(a.expires, Some(midnight.with_timezone(&Utc)));
        assert!(!a.expired(midnight.with_timezone(&Utc) - chrono::Duration::seconds(1)));
        assert!(a.expired(midnight.with_timezone(&Utc)));
        let b = keys.grant("b").expect("b");
        assert_eq!(
            b.expires.map(|t| t.to_rfc3339()).as_deref(),
            Some("2027-01-01T04:30:00+00:00")
        );

        let problems = Keys::parse(
            Path::new("keys.yaml"),
            &format!(
                "keys:\n  - {{name: a, sha256: {key}, clubs: [cafe], expires: next tuesday}}\n"
            ),
        )
        .expect_err("invalid");
        let rendered = crate::diagnostic::render_all(&problems);
        assert!(
            rendered.starts_with(
                "error: key `a`: `next tuesday` is not a date or a time\n --> keys.yaml:2:"
            ),
            "{rendered}"
        );
    }

    #[test]
    fn generated_keys_differ() {
        let a = generate().expect("random");
        assert_eq!(a.len(), 67);
        assert_ne!(a, generate().expect("random"));
    }
}
