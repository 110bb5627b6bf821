//! Signing in to the console: an API key is exchanged for a session cookie, and every
//! form that writes carries the session's CSRF token.
//!
//! The session keeps the key's hash, never the key, and the grant is looked up in the keys
//! in force on every request: a key removed from the keys file (revoked) or expired closes
//! its sessions at once, as it closes the API. The cookie is `HttpOnly` (no script reads
//! it), `SameSite=Strict` (no other site's page sends it) and `Secure` when the request
//! came over TLS (`X-Forwarded-Proto: https` from the proxy that ends it). Sessions live
//! in memory: a restart signs everyone out, which is the safe way round.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap};

use crate::serve::keys::{self, Grant, KeyRing};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "bashgah_session";
/// The language cookie's name (`en` or `fa`): a preference, not a secret.
pub const LANGUAGE_COOKIE: &str = "bashgah_lang";

/// A session ends after this long without a request...
const IDLE: Duration = Duration::from_secs(2 * 60 * 60);
/// ...and after this long in any case.
const LONGEST: Duration = Duration::from_secs(12 * 60 * 60);
/// At most this many sessions at once; signing in past it ends the oldest.
const MOST_SESSIONS: usize = 10_000;

/// One signed-in browser.
#[derive(Debug, Clone)]
struct Session {
    /// The SHA-256 of the key it signed in with.
    key_hash: String,
    /// Sent back in every form that writes; a write without it is refused.
    csrf: String,
    started: Instant,
    last_seen: Instant,
}

/// The console's sessions, by the random token in their cookie.
#[derive(Debug, Default)]
pub struct Sessions {
    by_token: Mutex<HashMap<String, Session>>,
}

/// A signed-in request: who, and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub grant: Grant,
    pub csrf: String,
    token: String,
}

impl SignedIn {
    /// Whether `sent` is this session's CSRF token (compared in constant time).
    pub fn csrf_matches(&self, sent: &str) -> bool {
        let (a, b) = (self.csrf.as_bytes(), sent.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Sessions {
    /// Starts a session for `key`, if the keys in force know it and it has not expired;
    /// returns the cookie's token.
    pub fn sign_in(&self, keys: &KeyRing, key: &str) -> Option<String> {
        let grant = keys.grant(key.trim())?;
        if grant.expired(chrono::Utc::now()) {
            return None;
        }
        let token = keys::generate().ok()?;
        let csrf = keys::generate().ok()?;
        let now = Instant::now();
        let mut sessions = self.lock();
        sessions.retain(|_, s| alive(s, now));
        if sessions.len() >= MOST_SESSIONS {
            if let Some(oldest) = sessions
                .iter()
                .min_by_key(|(_, s)| s.started)
                .map(|(t, _)| t.clone())
            {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(
            token.clone(),
            Session {
                key_hash: keys::hash(key.trim()),
                csrf,
                started: now,
                last_seen: now,
            },
        );
        Some(token)
    }

    /// The session of a request's cookie, with the grant its key has now.
    pub fn signed_in(&self, keys: &KeyRing, headers: &HeaderMap) -> Option<SignedIn> {
        let token = cookie(headers, SESSION_COOKIE)?;
        let now = Instant::now();
        let mut sessions = self.lock();
        let session = sessions.get_mut(token)?;
        if !alive(session, now) {
            sessions.remove(token);
            return None;
        }
        let grant = keys.grant_by_hash(&session.key_hash)?;
        if grant.expired(chrono::Utc::now()) {
            sessions.remove(token);
            return None;
        }
        session.last_seen = now;
        Some(SignedIn {
            grant,
            csrf: session.csrf.clone(),
            token: token.to_owned(),
        })
    }

    /// Ends the session.
    pub fn sign_out(&self, signed_in: &SignedIn) {
        self.lock().remove(&signed_in.token);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // Each entry is replaced whole: a panic cannot leave one half-written.
        self.by_token.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn alive(session: &Session, now: Instant) -> bool {
    now.duration_since(session.last_seen) < IDLE && now.duration_since(session.started) < LONGEST
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether the request reached the proxy in front of us over TLS.
fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, headers: &HeaderMap) -> String {
    let secure = if over_tls(headers) { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        LONGEST.as_secs()
    )
}

/// The `Set-Cookie` value that ends a session.
pub fn cleared_cookie(headers: &HeaderMap) -> String {
    let secure = if over_tls(headers) { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

/// The `Set-Cookie` value that keeps a language choice for a year.
pub fn language_cookie(code: &str, headers: &HeaderMap) -> String {
    let secure = if over_tls(headers) { "; Secure" } else { "" };
    format!("{LANGUAGE_COOKIE}={code}; Path=/; SameSite=Strict; Max-Age=31536000{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::keys::Keys;

    fn ring() -> KeyRing {
        let text = format!(
            "keys:\n  - {{name: till, sha256: {}, clubs: [cafe]}}\n",
            keys::hash("till-key")
        );
        KeyRing::fixed(Keys::parse(std::path::Path::new("keys.yaml"), &text).expect("valid"))
    }

    fn with_cookie(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = format!("other=1; {SESSION_COOKIE}={token}");
        headers.insert(header::COOKIE, value.parse().expect("header"));
        headers
    }

    #[test]
    fn a_known_key_signs_in_and_the_cookie_finds_its_grant_until_signed_out() {
        let ring = ring();
        let sessions = Sessions::default();
        assert_eq!(sessions.sign_in(&ring, "not-a-key"), None);
        let token = sessions.sign_in(&ring, " till-key ").expect("signed in");
        let signed_in = sessions
            .signed_in(&ring, &with_cookie(&token))
            .expect("a session");
        assert_eq!(signed_in.grant.name, "till");
        assert!(signed_in.csrf_matches(&signed_in.csrf.clone()));
        assert!(!signed_in.csrf_matches("bk_forged"));
        assert!(!signed_in.csrf_matches(""));
        assert!(sessions
            .signed_in(&ring, &with_cookie("bk_guess"))
            .is_none());
        sessions.sign_out(&signed_in);
        assert!(sessions.signed_in(&ring, &with_cookie(&token)).is_none());
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_behind_tls() {
        let plain = session_cookie("t", &HeaderMap::new());
        assert_eq!(
            plain,
            "bashgah_session=t; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200"
        );
        let mut tls = HeaderMap::new();
        tls.insert("x-forwarded-proto", "https".parse().expect("header"));
        assert!(session_cookie("t", &tls).ends_with("; Secure"));
    }
}
