//! Outbound event webhooks (issue 17): a club tells a CRM what happened — points earned
//! and taken, tier changes, redemptions and their cancellation, new members — each event
//! POSTed once it is recorded, in order, signed with HMAC-SHA256, retried with backoff, and
//! never repeated under another id however often the same history is imported.

use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::fake_http::{FakeServer, Request};

const SECRET: &str = "whsec-for-the-tests";

/// A CRM's webhook endpoint: the address it is given (`/hooks`), and the server.
struct Receiver {
    url: String,
    server: FakeServer,
}

impl Receiver {
    fn start(status: u16) -> Receiver {
        let server = FakeServer::start(status);
        Receiver {
            url: format!("{}/hooks", server.base),
            server,
        }
    }

    fn answer(&self, status: u16) {
        self.server.answer(status);
    }

    /// The requests it took (answered 2xx).
    fn taken(&self) -> Vec<Request> {
        self.server.taken()
    }

    fn ids(&self) -> Vec<String> {
        self.taken()
            .iter()
            .map(|r| r.json()["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Every request, taken or not.
    fn asked(&self) -> usize {
        self.server.requests().len()
    }
}

fn club(crm: &str, tiers_only: &str, strict: &str) -> String {
    format!(
        "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - {{id: base, function: base}}
tiers:
  - {{id: bronze, thresholds: {{individual: 0}}}}
  - {{id: silver, thresholds: {{individual: 1000}}}}
rewards:
  - {{id: coupon, cost: 30, kind: discount_code}}
webhooks:
  - id: crm
    url: \"${{CRM_URL}}\"
    secret: \"${{CRM_SECRET}}\"
    max_attempts: 3
  - id: bi
    url: {tiers_only}
    secret: \"${{CRM_SECRET}}\"
    events: [tier_changed]
  - id: strict
    url: {strict}
    secret: \"${{CRM_SECRET}}\"
    events: [reward_redeemed, redemption_cancelled]
    max_attempts: 1
"
    )
    .replace("${CRM_URL}", crm)
}

fn bashgah(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = crate::bashgah_command()
        .args(args)
        .env("CRM_SECRET", SECRET)
        .current_dir(dir)
        .output()
        .expect("run bashgah");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + String::from_utf8_lossy(&output.stderr).as_ref(),
    )
}

fn hmac_hex(secret: &str, text: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(text.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_crm_is_told_what_happened_in_order_signed_and_once() {
    let (crm, bi, strict) = (
        Receiver::start(503),
        Receiver::start(200),
        Receiver::start(404),
    );
    let dir = crate::scratch();
    let club_dir = dir.path().join("policies/shop");
    std::fs::create_dir_all(&club_dir).unwrap();
    std::fs::write(
        club_dir.join("club.yaml"),
        club(&crm.url, &bi.url, &strict.url),
    )
    .unwrap();
    std::fs::write(
        club_dir.join("earn.rhai"),
        "fn base(event, member) { event.amount / 10 }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("events.csv"),
        "id,member,date,amount,type,original\n\
         P1,M1,2025-03-01,400,,\n\
         P2,M1,2025-03-02,800,,\n\
         P3,M2,2025-03-02,100,,\n\
         P4,M1,2025-03-03,200,return,P2\n",
    )
    .unwrap();
    let root = dir.path();
    let (code, out) = bashgah(root, &["import", "shop", "events.csv"]);
    assert_eq!(code, 0, "{out}");
    for (command, expected) in [
        (
            vec!["redeem", "shop", "M1", "coupon", "--id", "R1"],
            "`M1` redeemed `coupon` (R1)",
        ),
        (
            vec!["cancel", "shop", "M1", "R1", "--reason", "asked"],
            "cancelled redemption `R1` of `M1` (cancel:R1)",
        ),
    ] {
        let (code, out) = bashgah(root, &command);
        assert_eq!(code, 0, "{out}");
        assert!(out.starts_with(expected), "{out}");
    }

    // The CRM is down: its first event waits, and holds back the rest; the BI tool takes
    // its one kind; the strict one refuses its first and only attempt: set aside.
    let (code, out) = bashgah(root, &["deliver", "shop"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("webhook crm: tier_changed:tier:M1:2025-03-01T00:00:00Z: POST http://")
            && out.contains("HTTP 503 (will retry)"),
        "{out}"
    );
    for id in ["reward_redeemed:R1", "redemption_cancelled:cancel:R1"] {
        assert!(
            out.contains(&format!("webhook strict: {id}: POST http://"))
                && out.contains("HTTP 404 (set aside after the last attempt)"),
            "{out}"
        );
    }
    assert!(
        out.contains("webhooks: 3 events sent, 1 to retry, 2 set aside, 1 waiting to try again"),
        "{out}"
    );
    assert_eq!(
        bi.ids(),
        [
            "tier_changed:tier:M1:2025-03-01T00:00:00Z",
            "tier_changed:tier:M1:2025-03-02T00:00:00Z",
            "tier_changed:tier:M2:2025-03-02T00:00:00Z"
        ]
    );
    assert!(strict.ids().is_empty());
    assert_eq!((strict.asked(), crm.asked()), (2, 1));

    // Asked again at once, it waits out its pause: nothing is sent.
    let (_, out) = bashgah(root, &["deliver", "shop"]);
    assert!(
        out.contains("webhooks: 0 events sent, 0 to retry, 0 set aside, 1 waiting to try again"),
        "{out}"
    );
    assert_eq!(crm.asked(), 1);

    // Back up, and past the pause: everything, in the order it was written.
    crm.answer(200);
    let (code, out) = bashgah(root, &["deliver", "shop", "--at", "2030-01-01"]);
    assert_eq!(code, 0, "{out}");
    let taken = crm.taken();
    let kinds: Vec<(String, String)> = taken
        .iter()
        .map(|r| {
            let body = r.json();
            (
                body["type"].as_str().unwrap().to_owned(),
                body["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // A member's first event: the tier they start in, the points, then the welcome.
    let expected = [
        ("tier_changed", "tier_changed:tier:M1:2025-03-01T00:00:00Z"),
        ("points_earned", "points_earned:P1"),
        ("member_enrolled", "member_enrolled:enrolled:M1"),
        ("tier_changed", "tier_changed:tier:M1:2025-03-02T00:00:00Z"),
        ("points_earned", "points_earned:P2"),
        ("tier_changed", "tier_changed:tier:M2:2025-03-02T00:00:00Z"),
        ("points_earned", "points_earned:P3"),
        ("member_enrolled", "member_enrolled:enrolled:M2"),
        ("points_taken", "points_taken:P4"),
        ("reward_redeemed", "reward_redeemed:R1"),
        ("redemption_cancelled", "redemption_cancelled:cancel:R1"),
    ];
    assert_eq!(
        kinds,
        expected
            .iter()
            .map(|(k, i)| ((*k).to_owned(), (*i).to_owned()))
            .collect::<Vec<_>>(),
        "{out}"
    );
    assert!(
        out.contains(&format!("webhooks: {} events sent", expected.len())),
        "{out}"
    );

    // Each body says what happened, exactly; each is signed over its timestamp and bytes.
    let redeemed = taken[9].json();
    assert_eq!(redeemed["club"], "shop");
    assert_eq!(redeemed["member"], "M1");
    assert_eq!(redeemed["data"]["reward"], "coupon");
    assert_eq!(redeemed["data"]["points"], "30");
    assert_eq!(redeemed["data"]["balance"], "70");
    assert_eq!(redeemed["data"]["code"].as_str().map(str::len), Some(11));
    let returned = taken[8].json();
    assert_eq!(
        (&returned["data"]["points"], &returned["data"]["event_type"]),
        (&"20".into(), &"return".into())
    );
    let sequences: Vec<i64> = taken
        .iter()
        .map(|r| r.json()["sequence"].as_i64().unwrap())
        .collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    for received in &taken {
        let signature = received.header("Bashgah-Signature").unwrap_or_default();
        let (t, v1) = signature
            .strip_prefix("t=")
            .and_then(|rest| rest.split_once(",v1="))
            .unwrap_or_else(|| panic!("signature {signature:?}"));
        assert_eq!(v1, hmac_hex(SECRET, &format!("{t}.{}", received.body)));
        assert_ne!(
            v1,
            hmac_hex("another secret", &format!("{t}.{}", received.body))
        );
        let id = received.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(received.header("Bashgah-Event-Id"), Some(id.as_str()));
        assert_eq!(received.header("Idempotency-Key"), Some(id.as_str()));
    }
    // The first event was tried once before: this was its second attempt.
    assert_eq!(taken[0].header("Bashgah-Attempt"), Some("2"));
    assert_eq!(taken[1].header("Bashgah-Attempt"), Some("1"));

    // The same history imported again writes no new event; nothing more is sent.
    let (code, out) = bashgah(root, &["import", "shop", "events.csv"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = bashgah(root, &["deliver", "shop", "--at", "2030-01-02"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("webhooks: 0 events sent, 0 to retry, 0 set aside"),
        "{out}"
    );
    assert_eq!(crm.taken().len(), expected.len());
}

#[test]
fn a_secret_written_into_the_club_file_is_refused_at_its_line() {
    let dir = crate::scratch();
    let club_dir = dir.path().join("policies/shop");
    std::fs::create_dir_all(&club_dir).unwrap();
    std::fs::write(
        club_dir.join("club.yaml"),
        "id: shop\nname: Shop\ncurrency: EUR\nrules:\n  - {id: base, function: base}\nwebhooks:\n  - id: crm\n    url: https://crm.example/hooks\n    secret: s3cr3t\n    events: [points_earnd]\n",
    )
    .unwrap();
    std::fs::write(club_dir.join("earn.rhai"), "fn base(event, member) { 1 }\n").unwrap();
    let (code, out) = bashgah(dir.path(), &["check", "policies/shop"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("club.yaml:10:"), "{out}");
    assert!(out.contains("points_earnd"), "{out}");
}

/// The host process sends the webhooks on its own, as events arrive over HTTP; with two
/// processes on one PostgreSQL database, one of them sends, and each event arrives once.
fn served(database: &[&str], processes: usize) {
    use crate::serve::server::{purchase, Workspace, TILL};
    let crm = Receiver::start(200);
    let club = format!(
        "{}webhooks:\n  - id: crm\n    url: {}\n    secret: \"${{CRM_SECRET}}\"\n    events: [points_earned, reward_redeemed]\n",
        crate::serve::SHOP_YAML,
        crm.url
    );
    let mut args = vec!["--max-body", "4096"];
    args.extend_from_slice(database);
    let env = [("CRM_SECRET", SECRET)];
    let servers: Vec<_> = (0..processes)
        .map(|_| {
            Workspace::new()
                .file("policies/shop/club.yaml", &club)
                .file("policies/shop/earn.rhai", &crate::serve::shop_rule(1000))
                .start_with(&args, &env)
        })
        .collect();
    for (n, member) in ["M1", "M2", "M1", "M3"].iter().enumerate() {
        let server = &servers[n % servers.len()];
        let posted = server.post(
            "/v1/clubs/shop/events",
            Some(TILL),
            &purchase(&format!("P{n}"), member, "2025-03-03", 5000),
        );
        assert_eq!(posted.body["status"], "applied", "{}", posted.body);
    }
    let redeemed = servers[0].post(
        "/v1/clubs/shop/members/M1/redemptions",
        Some(TILL),
        r#"{"reward": "coffee", "id": "R1"}"#,
    );
    assert_eq!(redeemed.body["status"], "redeemed", "{}", redeemed.body);
    servers[0].wait_for(std::time::Duration::from_secs(10), |_| {
        crm.taken().len() >= 5
    });
    // A moment more: a second sender would show as a repeat.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(
        crm.ids(),
        [
            "points_earned:P0",
            "points_earned:P1",
            "points_earned:P2",
            "points_earned:P3",
            "reward_redeemed:R1"
        ]
    );
    let redemption = crm.taken()[4].json();
    assert_eq!(
        (
            &redemption["data"]["points"],
            &redemption["data"]["balance"]
        ),
        (&"3".into(), &"7".into())
    );
}

#[test]
fn the_host_process_sends_the_webhooks_as_events_arrive() {
    served(&[], 1);
}

#[test]
fn on_postgres_two_host_processes_send_each_event_once() {
    let Some(database) = crate::pg::PgDatabase::fresh("hooks") else {
        return;
    };
    served(&["--database", &database.url], 2);
}
