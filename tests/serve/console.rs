//! The web console over HTTP: signing in with a key, the session cookie, the CSRF token on
//! writes, and what a key may see. [`Browser`] is a small cookie-keeping client the pages'
//! own tests use too; the real browser's tests are in `tests/console/` (run by `.ci/run`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::serve::server::{Server, Workspace, OPERATOR, TILL, VIEWER};
use crate::serve::{shop_rule, SHOP_YAML};

/// An HTTP answer as a browser gets it: status, headers and the text of the page.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub head: String,
    pub text: String,
}

impl Page {
    /// The value of header `name` (the first, case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers(name).into_iter().next()
    }

    /// Every value of header `name`.
    pub fn headers(&self, name: &str) -> Vec<&str> {
        self.head
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
            })
            .collect()
    }

    /// The value of the hidden `csrf` field of the page's forms.
    pub fn csrf(&self) -> String {
        let at = self
            .text
            .find(r#"name="csrf" value=""#)
            .expect("a form with the CSRF token");
        let rest = &self.text[at + r#"name="csrf" value=""#.len()..];
        rest[..rest.find('"').expect("end of value")].to_owned()
    }
}

/// A client that keeps the cookies the server sets, like a browser.
pub struct Browser<'a> {
    server: &'a Server,
    cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a Server) -> Browser<'a> {
        Browser {
            server,
            cookies: Vec::new(),
        }
    }

    /// A browser signed in with `key` (the sign-in must succeed).
    pub fn signed_in(server: &'a Server, key: &str) -> Browser<'a> {
        let mut browser = Browser::new(server);
        let answer = browser.post("/sign-in", &[("key", key), ("next", "/")]);
        assert_eq!(answer.status, 303, "{}", answer.text);
        browser
    }

    pub fn get(&mut self, path: &str) -> Page {
        self.send("GET", path, None)
    }

    /// A form post (`application/x-www-form-urlencoded`).
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.send("POST", path, Some(body))
    }

    fn send(&mut self, method: &str, path: &str, body: Option<String>) -> Page {
        let mut stream = TcpStream::connect(&self.server.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let body = body.unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            self.server.address,
            body.len()
        );
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("send");
        stream.write_all(body.as_bytes()).expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("answer");
        let raw = String::from_utf8(raw).expect("UTF-8");
        let (head, text) = raw.split_once("\r\n\r\n").expect("head");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        let page = Page {
            status,
            head: head.to_owned(),
            text: text.to_owned(),
        };
        for set in page.headers("set-cookie") {
            let pair = set.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.retain(|(n, _)| n != name);
                if !value.is_empty() && !set.contains("Max-Age=0") {
                    self.cookies.push((name.to_owned(), value.to_owned()));
                }
            }
        }
        page
    }
}

fn two_clubs() -> Server {
    let bakery = SHOP_YAML
        .replace("id: shop", "id: bakery")
        .replace("name: Corner Shop", "name: Bakery");
    Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .file("policies/bakery/club.yaml", &bakery)
        .file("policies/bakery/earn.rhai", &shop_rule(1000))
        .start(&[])
}

#[test]
fn a_key_signs_in_to_a_session_cookie_and_signs_out_only_with_its_csrf_token() {
    let server = two_clubs();
    let mut browser = Browser::new(&server);
    // Not signed in: every page sends you to the sign-in form, and back after.
    let home = browser.get("/");
    assert_eq!(home.status, 303);
    assert_eq!(home.header("location"), Some("/sign-in?next=%2F"));
    let form = browser.get("/sign-in?next=%2F");
    assert_eq!(form.status, 200);
    assert!(
        form.text.contains(r#"<html lang="en" dir="ltr">"#),
        "{}",
        form.text
    );
    assert!(form.text.contains(r#"<label for="key">API key</label>"#));

    let wrong = browser.post("/sign-in", &[("key", "guess"), ("next", "/")]);
    assert_eq!(wrong.status, 401);
    assert!(wrong
        .text
        .contains("That key is not known, or it has expired."));
    assert!(wrong.header("set-cookie").is_none());

    // `next` never leaves the site.
    let signed = browser.post("/sign-in", &[("key", TILL), ("next", "//evil.example/")]);
    assert_eq!(signed.status, 303);
    assert_eq!(signed.header("location"), Some("/"));
    let cookie = signed.header("set-cookie").expect("a session cookie");
    assert!(cookie.starts_with("bashgah_session=bk_"), "{cookie}");
    assert!(
        cookie.ends_with("; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200"),
        "{cookie}"
    );
    assert!(!cookie.contains(TILL), "the cookie is not the key");

    // The key's clubs only, with its role; the bakery is not mentioned.
    let home = browser.get("/");
    assert_eq!(home.status, 200);
    assert!(
        home.text.contains(r#"<a href="/clubs/shop">"#),
        "{}",
        home.text
    );
    assert!(home
        .text
        .contains("till (records purchases and redemptions)"));
    assert!(!home.text.contains("bakery"));
    assert_eq!(
        home.header("content-security-policy")
            .map(|csp| csp.contains("frame-ancestors 'none'")),
        Some(true)
    );

    // Signing out is a write: without the session's token it is refused.
    let forged = browser.post("/sign-out", &[("csrf", "bk_forged")]);
    assert_eq!(forged.status, 403);
    assert!(forged.text.contains("security token"), "{}", forged.text);
    assert_eq!(browser.get("/").status, 200, "still signed in");
    let token = browser.get("/").csrf();
    let out = browser.post("/sign-out", &[("csrf", &token)]);
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), Some("/sign-in"));
    assert_eq!(browser.get("/").status, 303, "signed out");
}

#[test]
fn the_console_speaks_persian_right_to_left_when_asked_and_keeps_the_choice() {
    let server = two_clubs();
    let mut browser = Browser::signed_in(&server, OPERATOR);
    let home = browser.get("/?lang=fa");
    assert!(
        home.text.contains(r#"<html lang="fa" dir="rtl">"#),
        "{}",
        home.text
    );
    assert!(home.text.contains("باشگاه‌های شما"));
    assert!(
        home.text.contains("گرداننده (اصلاح امتیاز هم)"),
        "shop's role"
    );
    assert!(home.text.contains("بیننده (فقط خواندن)"), "bakery's role");
    // The choice is kept in a cookie for the next pages.
    let again = browser.get("/");
    assert!(again.text.contains(r#"<html lang="fa" dir="rtl">"#));
    let english = browser.get("/?lang=en");
    assert!(english.text.contains(r#"<html lang="en" dir="ltr">"#));
}

#[test]
fn a_revoked_key_closes_its_sessions_at_once() {
    let server = two_clubs();
    let mut browser = Browser::signed_in(&server, VIEWER);
    assert_eq!(browser.get("/").status, 200);
    // The keys file without the viewer's entry: its session ends with the key.
    let keys = std::fs::read_to_string(server.path().join("keys.yaml")).expect("keys");
    let kept: Vec<&str> = keys
        .lines()
        .filter(|line| !line.contains("name: viewer"))
        .collect();
    std::fs::write(server.path().join("keys.yaml"), kept.join("\n") + "\n").expect("write");
    server.wait_for(Duration::from_secs(10), |_| {
        Browser::new(&server)
            .post("/sign-in", &[("key", VIEWER)])
            .status
            == 401
    });
    assert_eq!(browser.get("/").status, 303);
}

#[test]
fn a_page_that_is_not_there_is_the_consoles_own_not_found_in_the_readers_language() {
    let server = two_clubs();
    let mut browser = Browser::signed_in(&server, TILL);
    let missing = browser.get("/clubs/shop/nothing-here?lang=fa");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text.contains(r#"<html lang="fa" dir="rtl">"#),
        "{}",
        missing.text
    );
    assert!(
        missing.text.contains("<h1>پیدا نشد</h1>"),
        "{}",
        missing.text
    );
    // Not signed in, it asks you to sign in first: it says nothing about what is there.
    assert_eq!(Browser::new(&server).get("/clubs/bakery/x").status, 303);
}
