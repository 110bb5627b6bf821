//! Several `bashgah serve` processes on one PostgreSQL database (issue 15): each event is
//! applied once whichever process gets it, the race for a member's last points has one
//! winner, a process killed with `kill -9` loses nothing it acknowledged, and a version one
//! process activates is the one every process writes under.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::pg::PgDatabase;
use crate::serve::server::{purchase, request, Reply, Server, Workspace, TILL};
use crate::serve::{shop_rule, SHOP_YAML};

const EVENTS: &str = "/v1/clubs/shop/events";

/// `count` processes serving the shop club (the same files) from `database`.
fn servers(database: &PgDatabase, count: usize, divisor: u32) -> Vec<Server> {
    (0..count)
        .map(|_| {
            Workspace::new()
                .file("policies/shop/club.yaml", SHOP_YAML)
                .file("policies/shop/earn.rhai", &shop_rule(divisor))
                .start(&["--database", &database.url])
        })
        .collect()
}

/// Posts until the answer is not "busy" or "version changed" (what a till does with a
/// 503), for at most 30 s.
fn post(address: &str, path: &str, body: &str) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let reply = request(address, "POST", path, Some(TILL), Some(body));
        if reply.status != 503 || Instant::now() > deadline {
            return reply;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn count(database: &PgDatabase, sql: &str) -> i64 {
    let mut client = postgres::Client::connect(&database.url, postgres::NoTls).unwrap();
    client.query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn events_posted_to_three_processes_at_once_and_again_are_applied_once() {
    let Some(database) = PgDatabase::fresh("three") else {
        return;
    };
    let servers = servers(&database, 3, 1000);
    let addresses: Vec<String> = servers.iter().map(|s| s.address.clone()).collect();
    // Every event goes to every process at the same moment, twice over.
    let events: Vec<(String, String)> = (0..40)
        .map(|i| {
            let id = format!("P{i}");
            let member = format!("M{}", i % 7);
            (
                id.clone(),
                purchase(&id, &member, "2025-03-03", 1000 * (i + 1)),
            )
        })
        .collect();
    let mut statuses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for round in 0..2 {
        std::thread::scope(|scope| {
            let handles: Vec<_> = events
                .iter()
                .flat_map(|(id, body)| {
                    addresses.iter().map(move |address| {
                        scope.spawn(move || (id.clone(), post(address, EVENTS, body)))
                    })
                })
                .collect();
            for handle in handles {
                let (id, reply) = handle.join().unwrap();
                assert_eq!(reply.status, 200, "round {round}, {id}: {}", reply.body);
                let status = reply.body["status"].as_str().unwrap_or("").to_owned();
                statuses.entry(id).or_default().push(status);
            }
        });
    }
    for (id, seen) in &statuses {
        let applied = seen.iter().filter(|s| *s == "applied").count();
        let duplicate = seen.iter().filter(|s| *s == "duplicate").count();
        assert_eq!((applied, duplicate), (1, 5), "{id}: {seen:?}");
    }
    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM club_shop.events"),
        40
    );
    // Each purchase i gave i + 1 points, once.
    let total: i64 = count(
        &database,
        "SELECT CAST(COALESCE(SUM(CAST(points AS BIGINT)), 0) AS BIGINT) FROM club_shop.ledger",
    );
    assert_eq!(total, (1..=40).sum::<i64>());
    // Every process answers the same balances.
    for server in &servers {
        let member = server.get("/v1/clubs/shop/members/M0", Some(TILL));
        assert_eq!(member.status, 200, "{}", member.body);
        // M0 made purchases 0, 7, 14, 21, 28, 35: 1 + 8 + 15 + 22 + 29 + 36 points.
        assert_eq!(member.body["balances"]["available"], "111");
    }
}

#[test]
fn fifty_redemptions_racing_for_the_last_points_across_processes_have_one_winner() {
    let Some(database) = PgDatabase::fresh("race") else {
        return;
    };
    let servers = servers(&database, 3, 1000);
    // 3 points: one coffee.
    let first = post(
        &servers[0].address,
        EVENTS,
        &purchase("P1", "M1", "2025-03-03", 3000),
    );
    assert_eq!(first.body["balance"], "3", "{}", first.body);
    let replies: Vec<Reply> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|i| {
                let address = servers[i % servers.len()].address.clone();
                scope.spawn(move || {
                    post(
                        &address,
                        "/v1/clubs/shop/members/M1/redemptions",
                        &format!(r#"{{"reward": "coffee", "id": "R{i}", "at": "2025-03-05"}}"#),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won: Vec<&Reply> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(
        won.len(),
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(won[0].body["status"], "redeemed");
    for reply in replies.iter().filter(|r| r.status != 200) {
        assert!(
            reply.status == 409 || reply.status == 422,
            "a refusal, not a failure: {} {}",
            reply.status,
            reply.body
        );
    }
    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM club_shop.redemptions"),
        1
    );
    let member = servers[2].get("/v1/clubs/shop/members/M1", Some(TILL));
    assert_eq!(member.body["balances"]["available"], "0");
}

#[test]
fn a_process_killed_with_sigkill_loses_no_acknowledged_event_and_the_others_go_on() {
    let Some(database) = PgDatabase::fresh("kill") else {
        return;
    };
    let mut servers = servers(&database, 2, 1000);
    let doomed = servers.remove(0);
    let survivor = servers.remove(0);
    let acknowledged: Vec<String> = std::thread::scope(|scope| {
        let posting = scope.spawn(|| {
            let mut acknowledged = Vec::new();
            for i in 0.. {
                let id = format!("K{i}");
                let reply = match crate::serve::server::try_request(
                    &doomed.address,
                    "POST",
                    EVENTS,
                    Some(TILL),
                    Some(&purchase(&id, &format!("M{}", i % 5), "2025-03-03", 2000)),
                ) {
                    Ok(reply) => reply,
                    Err(_) => break,
                };
                if reply.status == 200 && reply.body["status"] == "applied" {
                    acknowledged.push(id);
                }
            }
            acknowledged
        });
        // The other process writes meanwhile.
        for i in 0..30 {
            let reply = post(
                &survivor.address,
                EVENTS,
                &purchase(&format!("S{i}"), "M9", "2025-03-04", 1000),
            );
            assert_eq!(reply.status, 200, "{}", reply.body);
        }
        std::process::Command::new("kill")
            .args(["-KILL", &doomed.pid().to_string()])
            .status()
            .unwrap();
        posting.join().unwrap()
    });
    assert!(acknowledged.len() >= 5, "{}", acknowledged.len());
    let mut client = postgres::Client::connect(&database.url, postgres::NoTls).unwrap();
    for id in &acknowledged {
        let found: i64 = client
            .query_one("SELECT COUNT(*) FROM club_shop.events WHERE id = $1", &[id])
            .unwrap()
            .get(0);
        assert_eq!(found, 1, "acknowledged {id} is in the ledger");
    }
    // The survivor still answers and writes.
    let after = post(
        &survivor.address,
        EVENTS,
        &purchase("S-after", "M9", "2025-03-05", 1000),
    );
    assert_eq!(after.body["status"], "applied", "{}", after.body);
    assert_eq!(after.body["balance"], "31");
}

#[test]
fn a_version_one_process_activates_is_the_one_every_process_writes_under() {
    let Some(database) = PgDatabase::fresh("reload") else {
        return;
    };
    let servers = servers(&database, 2, 1000);
    let old = servers[0].active_version("shop");
    assert_eq!(servers[1].active_version("shop"), old);
    // The first process's files change: it activates the new version.
    crate::serve::server::write(
        &servers[0].path(),
        "policies/shop/earn.rhai",
        &shop_rule(100),
    );
    servers[0].wait_for(Duration::from_secs(20), |s| s.active_version("shop") != old);
    let new = servers[0].active_version("shop");
    // The second, still on the old files, refuses to write under the old version.
    let refused = request(
        &servers[1].address,
        "POST",
        EVENTS,
        Some(TILL),
        Some(&purchase("P1", "M1", "2025-03-03", 1000)),
    );
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.body["error"]["code"], "version_changed");
    assert_eq!(count(&database, "SELECT COUNT(*) FROM club_shop.events"), 0);
    // Its files catch up: it activates the same version and writes under it.
    crate::serve::server::write(
        &servers[1].path(),
        "policies/shop/earn.rhai",
        &shop_rule(100),
    );
    servers[1].wait_for(Duration::from_secs(20), |s| s.active_version("shop") == new);
    let applied = post(
        &servers[1].address,
        EVENTS,
        &purchase("P1", "M1", "2025-03-03", 1000),
    );
    assert_eq!(applied.body["status"], "applied", "{}", applied.body);
    assert_eq!(applied.body["points"], "10", "1 point per 100 now");
    assert_eq!(
        count(
            &database,
            "SELECT COUNT(DISTINCT version) FROM club_shop.activations"
        ),
        2
    );
}

/// A balance enquiry is answered on a pooled connection of its own: it does not queue
/// behind a write that waits for another process's transaction.
#[test]
fn a_read_is_answered_while_the_clubs_writer_waits_for_another_process() {
    let Some(database) = PgDatabase::fresh("reads") else {
        return;
    };
    let server = servers(&database, 1, 1000).remove(0);
    let first = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 5000),
    );
    assert_eq!(first.body["status"], "applied", "{}", first.body);
    // Another process (here, a plain connection) is in the middle of writing to the club.
    let mut other = postgres::Client::connect(&database.url, postgres::NoTls).unwrap();
    other.batch_execute("BEGIN").unwrap();
    other
        .query_one(
            "SELECT pg_advisory_xact_lock(hashtext('bashgah club'), hashtext('shop'))",
            &[],
        )
        .unwrap();
    let (write, read_first) = std::thread::scope(|scope| {
        let posting = scope.spawn(|| {
            let reply = server.post(
                EVENTS,
                Some(TILL),
                &purchase("P2", "M1", "2025-03-04", 1000),
            );
            (reply, Instant::now())
        });
        // The write is waiting for the lock (for up to two seconds, then "busy").
        std::thread::sleep(Duration::from_millis(300));
        let member = server.get("/v1/clubs/shop/members/M1", Some(TILL));
        let read_at = Instant::now();
        assert_eq!(member.status, 200, "{}", member.body);
        assert_eq!(member.body["balances"]["available"], "5");
        let statement = server.get("/v1/clubs/shop/members/M1/statement", Some(TILL));
        assert_eq!(statement.status, 200, "{}", statement.body);
        let (write, written_at) = posting.join().unwrap();
        (write, read_at < written_at)
    });
    assert!(read_first, "the read was answered before the waiting write");
    assert_eq!(write.status, 503, "{}", write.body);
    assert_eq!(write.body["error"]["code"], "busy", "{}", write.body);
    other.batch_execute("ROLLBACK").unwrap();
    let retried = post(
        &server.address,
        EVENTS,
        &purchase("P2", "M1", "2025-03-04", 1000),
    );
    assert_eq!(retried.body["status"], "applied", "{}", retried.body);
    assert_eq!(retried.body["balance"], "6");
}

/// When every connection of a process to the database is cut (PostgreSQL restarted, a
/// network drop), the next request connects again: it is applied, and reads work.
#[test]
fn a_process_whose_database_connections_are_cut_connects_again() {
    let Some(database) = PgDatabase::fresh("cut") else {
        return;
    };
    let name = format!("bashgah-cut-{}", std::process::id());
    let url = format!("{}?application_name={name}", database.url);
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&["--database", &url]);
    let before = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 5000),
    );
    assert_eq!(before.body["status"], "applied", "{}", before.body);
    assert_eq!(
        server.get("/v1/clubs/shop/members/M1", Some(TILL)).status,
        200
    );
    let mut admin = postgres::Client::connect(&database.url, postgres::NoTls).unwrap();
    let cut: i64 = admin
        .query_one(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert!(
        cut >= 2,
        "the writer's and a reader's connections were cut ({cut})"
    );
    let after = server.post(
        EVENTS,
        Some(TILL),
        &purchase("P2", "M1", "2025-03-04", 3000),
    );
    assert_eq!(after.status, 200, "{}", after.body);
    assert_eq!(after.body["status"], "applied", "{}", after.body);
    assert_eq!(after.body["balance"], "8");
    let member = server.get("/v1/clubs/shop/members/M1", Some(TILL));
    assert_eq!(member.status, 200, "{}", member.body);
    assert_eq!(member.body["balances"]["available"], "8");
    assert_eq!(count(&database, "SELECT COUNT(*) FROM club_shop.events"), 2);
    assert!(server.log().contains("connected again"), "{}", server.log());
}
