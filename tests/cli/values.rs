//! Issue 12, "values parsed once into types": every value a row holds is read exactly into
//! its type, or the row is refused with its line and column — amounts, JSON numbers and
//! keys, identifiers, digits, dates and times, CRLF files, item counts, dry runs and
//! replies. Each test failed before the fix.

use crate::cli::harness::Test;
use crate::cli::{shop, SHOP_YAML};

fn short_id(test: &Test) -> String {
    let engine = std::sync::Arc::new(bashgah::policy::ScriptEngine::new(Default::default(), None));
    let (policy, _) =
        bashgah::policy::Policy::load(&test.path().join("policies/shop"), &engine).unwrap();
    policy.short_id().to_owned()
}

/// `12,50` was imported as 1,250 and `1,2,3,4` as 1234: a comma was dropped wherever it
/// stood. Separators are accepted only in groups of three; a decimal comma is refused,
/// saying so; decimals past the currency's, or past what is kept exactly, are refused,
/// never rounded.
#[test]
fn amounts_are_read_exactly_or_refused_with_the_reason() {
    shop()
        .file(
            "purchases.csv",
            "\
id,member,date,amount,credit_used
E1,M1,2025-01-10,\"12,50\",
E2,M1,2025-01-10,\"1,2,3,4\",
E3,M1,2025-01-11,\"1,234,567\",
E4,M1,2025-01-11,۱٬۲۵۰,
E5,M1,2025-01-12,١٢٣٤,
E6,M1,2025-01-12,1000.505,
E7,M1,2025-01-12,\"1.234,50\",
E8,M1,2025-01-13,0.1234567890123456789012345678901,
E9,M1,2025-01-13,2000,\"0,5\"
",
        )
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
rejected: purchases.csv:2: column `amount`: `12,50` looks like a decimal comma: write 12.50
rejected: purchases.csv:3: column `amount`: `1,2,3,4` has thousands separators out of place: group the digits in threes (1,234,567) or write none
rejected: purchases.csv:7: column `amount`: `1000.505` has more decimals than EUR has (2); bashgah does not round amounts
rejected: purchases.csv:8: column `amount`: `1.234,50` looks like a decimal comma: write 1234.50
rejected: purchases.csv:9: column `amount`: `0.1234567890123456789012345678901` has 31 decimals; bashgah keeps at most 28 exactly and never rounds an amount
rejected: purchases.csv:10: column `credit_used`: `0,5` looks like a decimal comma: write 0.5
",
        )
        .stdout("purchases.csv: 3 accepted, 0 duplicate, 0 conflicting, 6 rejected; 1,236 points awarded\n")
        .status(1)
        .run()
        .args(["member", "shop", "M1"])
        .stdout(
            "\
member M1 (individual) in Corner Shop
joined 2025-01-11; 3 events, 1,237,051 EUR spent
balance: 1,236 points (1,236 available, 0 pending) on 2025-01-12

earned      lot of     points      left  spendable   expires
2025-01-11  E3 base     1,234     1,234  2025-01-11  never
2025-01-11  E4 base         1         1  2025-01-11  never
2025-01-12  E5 base         1         1  2025-01-12  never

date        event  rule    points  reason
2025-01-11  E3     base     +1234  1 point per 1,000
2025-01-11  E4     base        +1  1 point per 1,000
2025-01-12  E5     base        +1  1 point per 1,000
",
        )
        .run();
}

/// JSON numbers went through `f64`: 12345678901234567.25 was recorded as
/// 12345678901234568, and a large integer was quoted back as `1.2345678901234568e+22`. A
/// key given twice was read as its last value. Identifiers of any JSON kind were turned
/// into text (`"member": {}` created the member `{}`), control characters and all.
#[test]
fn json_lines_numbers_keys_and_identifiers() {
    shop()
        .file(
            "events.jsonl",
            concat!(
                r#"{"id": "J1", "member": "M1", "date": "2025-02-01", "amount": 12345678901234567.25}"#,
                "\n",
                r#"{"id": "J2", "member": "M1", "date": "2025-02-01", "amount": 12345678901234567890123}"#,
                "\n",
                r#"{"id": "J3", "member": "M1", "date": "2025-02-01", "amount": 123456789.123456789}"#,
                "\n",
                r#"{"id": "J4", "member": "M1", "date": "2025-02-01", "amount": "1", "amount": "990000000"}"#,
                "\n",
                r#"{"id": "J5", "member": "M1", "date": "2025-02-01", "amount": "1", "items": [{"sku": "a", "price": 1, "price": 9}]}"#,
                "\n",
                r#"{"id": "J6", "member": {}, "date": "2025-02-01", "amount": "1000"}"#,
                "\n",
                r#"{"id": "J7", "member": "M\u0000X", "date": "2025-02-01", "amount": "1000"}"#,
                "\n",
                r#"{"id": 8, "member": "M1", "date": "2025-02-01", "amount": "1000"}"#,
                "\n",
                r#"{"id": "J9", "member": "M1", "date": "2025-02-01", "amount": "1000", "store": ["north"]}"#,
                "\n",
                r#"{"id": "J10", "member": "M1", "date": 20250201, "amount": "1000"}"#,
                "\n",
                r#"{"id": "J11", "member": "M1", "date": "2025-02-02", "amount": 1e3, "original": "P\nQ"}"#,
                "\n",
                r#"{"id": "J12", "member": "M1", "date": "2025-02-02", "amount": 1.5E3, "attributes": "x"}"#,
                "\n",
                r#"{"id": "J13", "member": "M1", "date": "2025-02-02", "amount": 2e3, "coupon": 1.10}"#,
                "\n",
            ),
        )
        .file(
            "policies/shop/earn.rhai",
            "\
fn base_points(event, member) {
    if \"coupon\" in event.attributes && event.attributes.coupon == \"1.10\" {
        return award(7, \"coupon as written\");
    }
    event.amount / 1000
}
",
        )
        .args(["import", "shop", "events.jsonl"])
        .stderr(
            "\
rejected: events.jsonl:2: column `amount`: `12345678901234567890123` is more than the largest amount bashgah accepts (1,000,000,000,000,000,000)
rejected: events.jsonl:3: column `amount`: `123456789.123456789` has more decimals than EUR has (2); bashgah does not round amounts
rejected: events.jsonl:4: column `amount`: the key `amount` is given twice; each key may appear once (JSON readers would keep only one)
rejected: events.jsonl:5: column `items`: the key `price` is given twice in element 1 of `items`; each key may appear once (JSON readers would keep only one)
rejected: events.jsonl:6: column `member`: `member` must be text, not a JSON object
rejected: events.jsonl:7: column `member`: `member` holds a control character (U+0000); identifiers are plain text
rejected: events.jsonl:8: column `id`: `id` must be text, not a JSON number: write \"8\"
rejected: events.jsonl:9: column `store`: `store` must be text, not a JSON list
rejected: events.jsonl:10: column `date`: `date` must be text, not a JSON number: write \"20250201\"
rejected: events.jsonl:11: column `original`: `original` holds a control character (U+000A); identifiers are plain text
rejected: events.jsonl:12: column `attributes`: `attributes` must be a JSON object of fields of your own, not text; in a CSV file give each its own column
",
        )
        .stdout("events.jsonl: 2 accepted, 0 duplicate, 0 conflicting, 11 rejected; 12,345,678,901,241 points awarded\n")
        .status(1)
        .run()
        .args(["member", "shop", "M1"])
        .stdout(
            "\
member M1 (individual) in Corner Shop
joined 2025-02-01; 2 events, 12,345,678,901,236,567.25 EUR spent
balance: 12,345,678,901,241 points (12,345,678,901,241 available, 0 pending) on 2025-02-02

earned      lot of      points      left  spendable   expires
2025-02-01  J1 base   12,345,678,901,234  12,345,678,901,234  2025-02-01  never
2025-02-02  J13 base         7         7  2025-02-02  never

date        event  rule    points  reason
2025-02-01  J1     base  +12345678901234  1 point per 1,000
2025-02-02  J13    base        +7  coupon as written
",
        )
        .run();
}

/// Persian digits worked in dates and amounts but not in times (`۰۹:۳۰ is not a time of
/// day`), Arabic-Indic ones in amounts only. In a Jalali club a date with a time and an
/// offset was taken as a Gregorian date: `1403-11-20T10:30:00+03:30` was in the year
/// 1403 AD (`explain` showed 0782-08-28).
#[test]
fn digits_and_jalali_date_times_in_a_jalali_club() {
    let test = shop()
        .file(
            "policies/shop/club.yaml",
            &SHOP_YAML.replace("timezone: UTC", "timezone: Asia/Tehran\ncalendar: jalali"),
        )
        .file(
            "purchases.csv",
            "\
id,member,date,amount
E1,M1,1403-11-20T10:30:00+03:30,1000
E2,M1,۱۴۰۳-۱۱-۲۱ ۰۹:۳۰,۲٬۰۰۰
E3,M1,١٤٠٣/١١/٢٢T٠٩:٣٠:٠٠+٠٣:٣٠,٣٠٠٠
E4,M1,1403-11-23 9:30 pm,1000
E5,M1,2025-02-12T10:30:00+03:30,4000
",
        )
        .args(["import", "shop", "purchases.csv"])
        .stderr("rejected: purchases.csv:5: column `date`: `9:30 pm` is not a time of day; write it as HH:MM or HH:MM:SS, with an offset (+03:30, Z) if it is not the club's time\n")
        .stdout("purchases.csv: 4 accepted, 0 duplicate, 0 conflicting, 1 rejected; 10 points awarded\n")
        .status(1)
        .run();
    let version = short_id(&test);
    let first = |id: &str, when: &str, amount: &str, points: u32| {
        format!(
            "\
purchase `{id}` of member `M1` on {when}
amount {amount} EUR
policy {version} (the current one)
member then: individual, tier none, balance {} points

rules
  base (fn base_points, policies/shop/earn.rhai:1): ran: +{points}
    read event.amount

entries
  base +{points}  1 point per 1,000

the ledger holds the same entries
",
            match id {
                "E1" => 0,
                "E2" => 1,
                "E3" => 3,
                _ => 6,
            }
        )
    };
    test.args(["explain", "shop", "E1"])
        .stdout(&first(
            "E1",
            "1403-11-20 10:30 (2025-02-08T07:00:00Z)",
            "1,000",
            1,
        ))
        .run()
        .args(["explain", "shop", "E2"])
        .stdout(&first(
            "E2",
            "1403-11-21 09:30 (2025-02-09T06:00:00Z)",
            "2,000",
            2,
        ))
        .run()
        .args(["explain", "shop", "E3"])
        .stdout(&first(
            "E3",
            "1403-11-22 09:30 (2025-02-10T06:00:00Z)",
            "3,000",
            3,
        ))
        .run()
        // From 1700 on a year is Gregorian, in a Jalali club too: what tills send.
        .args(["explain", "shop", "E5"])
        .stdout(&first(
            "E5",
            "1403-11-24 10:30 (2025-02-12T07:00:00Z)",
            "4,000",
            4,
        ))
        .run();
    // In a Gregorian club a Jalali year is refused, with or without an offset.
    shop()
        .file(
            "purchases.csv",
            "id,member,date,amount\nE1,M1,1403-11-20T10:30:00+03:30,1000\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .stderr("rejected: purchases.csv:2: column `date`: `1403-11-20` looks like a Jalali date, but this club's calendar is gregorian; write the Gregorian date or set `calendar: jalali`\n")
        .stdout("purchases.csv: 0 accepted, 0 duplicate, 0 conflicting, 1 rejected; 0 points awarded\n")
        .status(1)
        .run();
}

/// Tehran kept daylight saving until 2022, starting it at midnight, so a day such as
/// 1998-03-22 had no 00:00. A date-only row on it was refused as "a daylight-saving gap"
/// (a real 1997–98 log lost 521 rows). It means that day, from its first instant: 01:00
/// local, 1998-03-21T20:30:00Z (chrono-tz's rules for Asia/Tehran).
#[test]
fn a_date_only_row_on_a_day_without_midnight_is_that_day() {
    let test = shop()
        .file(
            "policies/shop/club.yaml",
            &SHOP_YAML.replace("timezone: UTC", "timezone: Asia/Tehran"),
        )
        .file(
            "purchases.csv",
            "\
id,member,date,amount
E1,M1,1998-03-22,2000
E2,M1,1998-03-22 00:30,2000
E3,M1,1998-03-23,3000
",
        )
        .args(["import", "shop", "purchases.csv"])
        .stderr("rejected: purchases.csv:3: column `date`: 1998-03-22 00:30:00 did not happen in Asia/Tehran (a daylight-saving gap)\n")
        .stdout("purchases.csv: 2 accepted, 0 duplicate, 0 conflicting, 1 rejected; 5 points awarded\n")
        .status(1)
        .run();
    let version = short_id(&test);
    test.args(["explain", "shop", "E1"])
        .stdout(&format!(
            "\
purchase `E1` of member `M1` on 1998-03-22 01:00 (1998-03-21T20:30:00Z)
amount 2,000 EUR
policy {version} (the current one)
member then: individual, tier none, balance 0 points

rules
  base (fn base_points, policies/shop/earn.rhai:1): ran: +2
    read event.amount

entries
  base +2  1 point per 1,000

the ledger holds the same entries
"
        ))
        .run()
        .args(["explain", "shop", "E3"])
        .stdout(&format!(
            "\
purchase `E3` of member `M1` on 1998-03-23 00:00 (1998-03-22T19:30:00Z)
amount 3,000 EUR
policy {version} (the current one)
member then: individual, tier none, balance 2 points

rules
  base (fn base_points, policies/shop/earn.rhai:1): ran: +3
    read event.amount

entries
  base +3  1 point per 1,000

the ledger holds the same entries
"
        ))
        .run();
}

/// With Windows line endings (Excel's default) every reported line was one too low.
#[test]
fn line_numbers_are_right_in_files_with_windows_line_endings() {
    shop()
        .file(
            "purchases.csv",
            "id,member,date,amount,note\r\nE1,M1,2025-01-10,2000,\"two\r\nlines\"\r\nE2,M1,2025-01-11,12x,\r\nE3,M1,2025-01-12,1000,\r\nE4,,2025-01-12,1000,\r\n",
        )
        .file(
            "members.csv",
            "id,type,birthday\r\nM1,individual,1990-05-04\r\nM2,retail,1990-05-04\r\nM3,individual,1990-02-31\r\n",
        )
        .args(["import", "shop", "purchases.csv", "--members", "members.csv"])
        .stderr(
            "\
rejected: members.csv:3: column `type`: `retail` is not a member type of this club (individual, business)
rejected: members.csv:4: column `birthday`: 1990-02-31 is not a date
rejected: purchases.csv:4: column `amount`: `12x` is not a number
rejected: purchases.csv:6: column `member`: `member` is empty
",
        )
        .stdout(
            "\
members.csv: 1 member created, 0 updated, 2 rejected
purchases.csv: 2 accepted, 0 duplicate, 0 conflicting, 2 rejected; 3 points awarded
",
        )
        .status(1)
        .run();
}

/// With old Mac line endings (a `\r` alone, Excel's "CSV (Macintosh)") every row was
/// reported at line 1 (found by the fuzz suite).
#[test]
fn line_numbers_are_right_in_files_with_old_mac_line_endings() {
    shop()
        .file(
            "purchases.csv",
            "id,member,date,amount\rE1,M1,2025-01-10,2000\rE2,M1,2025-01-11,12x\rE3,M1,2025-01-12,1000\rE4,,2025-01-12,1000\r",
        )
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
rejected: purchases.csv:3: column `amount`: `12x` is not a number
rejected: purchases.csv:5: column `member`: `member` is empty
",
        )
        .stdout("purchases.csv: 2 accepted, 0 duplicate, 0 conflicting, 2 rejected; 3 points awarded\n")
        .status(1)
        .run();
}

/// A CSV with an `items` column holding a count had every row refused, one message each,
/// about JSON line items. A whole number in `items` is the number of items bought, which
/// scripts read as `event.attributes.items`; a column named twice is told once, for the
/// file.
#[test]
fn an_items_column_holding_a_count_is_usable() {
    shop()
        .file(
            "policies/shop/earn.rhai",
            "\
fn base_points(event, member) {
    let points = event.amount / 1000;
    if \"items\" in event.attributes {
        points += decimal(event.attributes.items);
    }
    points
}
",
        )
        .file(
            "purchases.csv",
            "\
id,member,date,amount,items
E1,M1,2025-01-10,2000,3
E2,M1,2025-01-10,2000,
E3,M1,2025-01-11,2000,two
E4,M1,2025-01-11,2000,2.5
E5,M1,2025-01-12,2000,۱٬۰۰۰
",
        )
        .file(
            "events.jsonl",
            concat!(
                r#"{"id": "J1", "member": "M2", "date": "2025-01-10", "amount": "2000", "items": 4}"#,
                "\n",
                r#"{"id": "J2", "member": "M2", "date": "2025-01-10", "amount": "2000", "items": {"n": 4}}"#,
                "\n",
            ),
        )
        .file("twice.csv", "id,member,date,amount,Amount\nE1,M1,2025-01-10,1,2\n")
        .args(["import", "shop", "purchases.csv"])
        .stderr(
            "\
rejected: purchases.csv:4: column `items`: `two` is not a number; `items` is a count of items, or in JSON Lines a list of {sku, category, qty, price}
rejected: purchases.csv:5: column `items`: `2.5` is not a number of items (a whole number, 0 or more); `items` is a count of items, or in JSON Lines a list of {sku, category, qty, price}
",
        )
        .stdout("purchases.csv: 3 accepted, 0 duplicate, 0 conflicting, 2 rejected; 1,009 points awarded\n")
        .status(1)
        .run()
        .args(["import", "shop", "events.jsonl"])
        .stderr("rejected: events.jsonl:2: column `items`: `items` must be a list of {sku, category, qty, price} or a count of items, not a JSON object\n")
        .stdout("events.jsonl: 1 accepted, 0 duplicate, 0 conflicting, 1 rejected; 6 points awarded\n")
        .status(1)
        .run()
        .args(["import", "shop", "twice.csv"])
        .stderr("error: twice.csv:1: the header names `amount` twice (columns 4 and 5); each column once\n")
        .status(2)
        .run();
}

/// `import --dry-run --members FILE` wrote the member profiles.
#[test]
fn a_dry_run_writes_no_members() {
    shop()
        .file(
            "purchases.csv",
            "id,member,date,amount\nE1,M1,2025-01-10,2000\n",
        )
        .file(
            "members.csv",
            "id,type,birthday,city\nM1,business,1990-05-04,Shiraz\nM2,individual,1991-06-07,Yazd\n",
        )
        .args(["import", "shop", "purchases.csv"])
        .run()
        .args(["import", "shop", "--members", "members.csv", "--dry-run"])
        .stdout("members.csv: 1 member created, 1 updated, 0 rejected (dry run: nothing written)\n")
        .run()
        .args(["member", "shop", "M1"])
        .stdout(
            "\
member M1 (individual) in Corner Shop
joined 2025-01-10; 1 event, 2,000 EUR spent
balance: 2 points (2 available, 0 pending) on 2025-01-10

earned      lot of     points      left  spendable   expires
2025-01-10  E1 base         2         2  2025-01-10  never

date        event  rule    points  reason
2025-01-10  E1     base        +2  1 point per 1,000
",
        )
        .run()
        .args(["member", "shop", "M2"])
        .stderr("error: no member `M2` in club `shop`\n")
        .status(2)
        .run()
        // The same file imported for real writes both.
        .args(["import", "shop", "--members", "members.csv"])
        .stdout("members.csv: 1 member created, 1 updated, 0 rejected\n")
        .run()
        .args(["member", "shop", "M2"])
        .stdout(
            "\
member M2 (individual) in Corner Shop
joined 2025-01-10, birthday 1991-06-07; 0 events, 0 EUR spent
balance: 0 points (0 available, 0 pending) on 2025-01-10

no ledger entries yet
",
        )
        .run();
}

const MESSAGING_CLUB: &str = "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - id: base
    function: base_points
messages:
  language: en
  channels:
    - {id: sms, kind: file, path: sms.jsonl}
    - {id: email, kind: file, path: email.jsonl}
  templates:
    birthday: {en: \"Happy birthday!\"}
";

fn consents(test: &Test) -> Vec<(String, String, bool, String)> {
    let ledger = rusqlite::Connection::open(test.path().join("data/shop.sqlite")).expect("ledger");
    let mut statement = ledger
        .prepare("SELECT member, channel, granted, source FROM consents ORDER BY member, channel")
        .expect("query");
    let rows = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    rows
}

/// A `STOP` reply carrying `channel: bad` opted the member out of every channel, because
/// `channel` is the sales channel. A reply names its channel in `reply_channel`; one the
/// club does not send on is refused; a `channel` naming a message channel still works.
#[test]
fn a_reply_names_its_channel_in_reply_channel() {
    let test = shop()
        .file("policies/shop/club.yaml", MESSAGING_CLUB)
        .file(
            "replies.csv",
            "\
id,member,date,amount,type,reply,reply_channel,channel
R1,M1,2025-01-10,0,custom,STOP,,bad
R2,M1,2025-01-10,0,custom,STOP,fax,
R3,M1,2025-01-10,0,custom,STOP,emial,
R4,M1,2025-01-11,0,custom,STOP,sms,
R5,M2,2025-01-11,0,custom,STOP,,email
R6,M3,2025-01-11,0,custom,STOP,,
R7,M4,2025-01-11,2000,purchase,,sms,
",
        )
        .args(["import", "shop", "replies.csv"])
        .stderr(
            "\
rejected: replies.csv:2: column `channel`: `channel` is the sales channel, and a reply's channel goes in `reply_channel`: `bad` is not a message channel (its message channels are sms, email)
rejected: replies.csv:3: column `reply_channel`: the club has no message channel `fax` (its message channels are sms, email)
rejected: replies.csv:4: column `reply_channel`: the club has no message channel `emial` (its message channels are sms, email); did you mean `email`?
rejected: replies.csv:8: column `reply_channel`: `reply_channel` is the channel a reply came on; this row is not a reply (`type: custom` with a `reply`)
",
        )
        .stdout("replies.csv: 3 accepted, 0 duplicate, 0 conflicting, 4 rejected; 0 points awarded\n")
        .status(1)
        .run();
    assert_eq!(
        consents(&test),
        [
            ("M1", "sms", "reply `STOP` (R4)"),
            ("M2", "email", "reply `STOP` (R5)"),
            ("M3", "email", "reply `STOP` (R6)"),
            ("M3", "sms", "reply `STOP` (R6)"),
        ]
        .map(|(member, channel, source)| (
            member.to_owned(),
            channel.to_owned(),
            false,
            source.to_owned()
        ))
    );
}
