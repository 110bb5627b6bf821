//! `bashgah export` (issue 17): members, entries, lots and messages as CSV or JSON Lines,
//! now or as they stood at a past instant, the same from either store.

use crate::cli::harness::{bashgah, Test};

const CLUB: &str = "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - {id: base, function: base, description: 1 point per 10}
tiers:
  - {id: bronze, thresholds: {individual: 0}}
  - {id: silver, thresholds: {individual: 1000}}
tiering: {metric: spend, window: calendar_year, review: year}
rewards:
  - {id: mug, cost: 30, kind: gift}
";

fn shop() -> Test {
    Test::new()
        .file("policies/shop/club.yaml", CLUB)
        .file("policies/shop/earn.rhai", "fn base(event, member) { event.amount / 10 }\n")
        .file(
            "purchases.csv",
            "id,member,date,amount\nP1,M1,2025-03-01,400\nP2,M2,2025-03-02,200\nP3,M1,2025-04-01,700\nP4,M3,2025-05-01,100\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .run()
        .args(["redeem", "shop", "M1", "mug", "--at", "2025-04-02", "--id", "R1"])
        .run()
}

fn run(test: &Test, args: &[&str]) -> (Option<i32>, String, String) {
    let output = bashgah(
        &test.path(),
        &args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(),
    );
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn members_now_and_as_they_stood_at_a_past_instant() {
    let test = shop();
    let (code, now, said) = run(&test, &["export", "shop", "members"]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(said, "exported 3 members\n");
    assert_eq!(
        now,
        "id,type,joined,birthday,balance,tier\n\
         M1,individual,2025-03-01,,80,silver\n\
         M2,individual,2025-03-02,,20,bronze\n\
         M3,individual,2025-05-01,,10,bronze\n"
    );
    // On 15 March M1 had only P1 (and was bronze); M3 had not joined.
    let (code, then, said) = run(&test, &["export", "shop", "members", "--at", "2025-03-15"]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(
        then,
        "id,type,joined,birthday,balance,tier\n\
         M1,individual,2025-03-01,,40,bronze\n\
         M2,individual,2025-03-02,,20,bronze\n"
    );
    // After the purchase of 1 April, before the redemption of the 2nd: 110, silver.
    let (_, later, _) = run(
        &test,
        &[
            "export",
            "shop",
            "members",
            "--at",
            "2025-04-01T12:00",
            "--format",
            "jsonl",
        ],
    );
    let first: serde_json::Value = serde_json::from_str(later.lines().next().unwrap()).unwrap();
    assert_eq!(
        first,
        serde_json::json!({"id": "M1", "type": "individual", "joined": "2025-03-01", "birthday": null, "balance": "110", "tier": "silver"})
    );
    // Now, the balance exported is the sum of the entries exported.
    let (_, entries, _) = run(&test, &["export", "shop", "entries", "--format", "jsonl"]);
    let m1: rust_decimal::Decimal = entries
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["member"] == "M1")
        .map(|e| {
            e["points"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(m1.to_string(), "80");
}

#[test]
fn entries_lots_and_messages_and_what_is_refused() {
    let test = shop();
    let (_, entries, _) = run(&test, &["export", "shop", "entries", "--at", "2025-03-31"]);
    let lines: Vec<&str> = entries.lines().collect();
    assert_eq!(
        lines[0],
        "seq,member,event,time,rule,kind,points,reason,policy_version"
    );
    assert_eq!(lines.len(), 3, "{entries}");
    assert!(lines[1].starts_with("1,M1,P1,2025-03-01T00:00:00Z,base,earn,40,1 point per 10,"));
    assert!(lines[2].starts_with("2,M2,P2,2025-03-02T00:00:00Z,base,earn,20,1 point per 10,"));
    let (_, lots, _) = run(&test, &["export", "shop", "lots"]);
    let lots: Vec<&str> = lots.lines().collect();
    assert_eq!(
        lots[0],
        "seq,member,event,points,remaining,expired,earned_at,spendable_at,expires_at"
    );
    // The mug took 30 from M1's oldest lot.
    assert_eq!(
        lots[1],
        "1,M1,P1,40,10,0,2025-03-01T00:00:00Z,2025-03-01T00:00:00Z,"
    );
    let (code, _, said) = run(&test, &["export", "shop", "lots", "--at", "2025-03-31"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        said,
        "error: lots are exported as they stand now: --at is for members and entries\n"
    );
    let (_, messages, _) = run(&test, &["export", "shop", "messages"]);
    assert_eq!(messages, "seq,member,occasion,channel,created_at,deliver_after,language,status,attempts,sent_at,text\n");
    // To a file: whole, and nothing left aside.
    let (code, out, said) = run(&test, &["export", "shop", "members", "-o", "members.csv"]);
    assert_eq!((code, out.as_str()), (Some(0), ""), "{said}");
    assert_eq!(said, "exported 3 members to members.csv\n");
    let written = std::fs::read_to_string(test.path().join("members.csv")).unwrap();
    assert!(written.starts_with("id,type,joined,birthday,balance,tier\nM1,"));
    assert!(!test.path().join("members.partial").exists());
}

/// The same export from a ledger in PostgreSQL (issue 15's store) as from SQLite.
#[test]
fn exports_are_the_same_from_postgres() {
    let Some(database) = crate::pg::PgDatabase::fresh("export") else {
        return;
    };
    let test = shop();
    let (code, text, said) = run(&test, &["migrate", "shop", "--to", &database.url]);
    assert_eq!(code, Some(0), "{text}{said}");
    for args in [
        vec!["members"],
        vec!["members", "--at", "2025-03-15"],
        vec!["entries", "--format", "jsonl"],
        vec!["lots"],
        vec!["messages"],
    ] {
        let mut sqlite = vec!["export", "shop"];
        sqlite.extend(&args);
        let mut postgres = vec!["--database", &database.url, "export", "shop"];
        postgres.extend(&args);
        let (_, from_sqlite, _) = run(&test, &sqlite);
        let (code, from_postgres, said) = run(&test, &postgres);
        assert_eq!(code, Some(0), "{said}");
        assert_eq!(from_postgres, from_sqlite, "{args:?}");
    }
}

/// `member --at` a time before the clock shows the member as they stood then, from the
/// record: the entries up to then, each lot less the uses made by then, the tier then.
#[test]
fn a_member_as_they_stood_at_a_past_instant() {
    let test = shop().args(["advance", "shop", "--to", "2025-06-01"]).run();
    let (code, then, said) = run(&test, &["member", "shop", "M1", "--at", "2025-04-01T12:00"]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(
        then,
        "\
member M1 (individual) in Corner Shop
joined 2025-03-01; 2 events, 1,100 EUR spent
balance: 110 points (110 available, 0 pending) on 2025-04-01
tier: silver since 2025-04-01

earned      lot of     points      left  spendable   expires
2025-03-01  P1 base        40        40  2025-03-01  never
2025-04-01  P3 base        70        70  2025-04-01  never

tier changes
2025-03-01  into bronze  400 EUR spent over calendar_year reaches bronze
2025-04-01  bronze -> silver  1,100 EUR spent over calendar_year reaches silver

date        event  rule    points  reason
2025-03-01  P1     base       +40  1 point per 10
2025-04-01  P3     base       +70  1 point per 10
"
    );
    // M3 had not joined on 1 April.
    let (code, _, said) = run(&test, &["member", "shop", "M3", "--at", "2025-04-01"]);
    assert_eq!(code, Some(2), "{said}");
}

/// At the clock, the member read from the record is the member as their rows hold them:
/// the identity `member --at` rests on, checked on every member after purchases, a
/// redemption and the clock moved.
#[test]
fn the_record_and_the_rows_agree_at_the_clock() {
    let test = shop().args(["advance", "shop", "--to", "2025-06-01"]).run();
    let ledger = bashgah::ledger::Ledger::open(&test.path().join("data/shop.sqlite")).unwrap();
    let clock = ledger.now().unwrap().unwrap();
    for member in ["M1", "M2", "M3"] {
        let then = ledger.member_then(member, clock).unwrap().unwrap();
        assert_eq!(
            then.summary,
            ledger.member_summary(member).unwrap().unwrap()
        );
        assert_eq!(then.balances, ledger.balances(member, clock).unwrap());
        assert_eq!(then.lots, ledger.open_lots(member).unwrap());
        assert_eq!(then.statement, ledger.statement(member).unwrap());
        assert_eq!(then.tier_changes, ledger.tier_changes(member).unwrap());
    }
}
