//! The OpenAPI document (issue 17): generated from the route table, valid by a standard
//! OpenAPI validator, the same as `docs/openapi.json`, and true to what every route really
//! answers, success and refusal.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::serve::document::{self, check};
use crate::serve::server::{purchase, request, Reply, Workspace, OPERATOR, OPS, TILL, VIEWER};
use crate::serve::{shop_rule, SHOP_YAML};

/// The validator's version, from PyPI: pinned, so that CI and developers agree.
const VALIDATOR: &str = "openapi-spec-validator==0.9.0";

#[test]
fn docs_openapi_json_is_the_generated_document() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = crate::bashgah_command()
        .arg("openapi")
        .output()
        .expect("run bashgah openapi");
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    let shipped =
        std::fs::read_to_string(root.join("docs/openapi.json")).expect("docs/openapi.json");
    // Not assert_eq!: the two documents are long; say what to do instead.
    assert!(
        printed == shipped,
        "docs/openapi.json is stale: run `cargo run -- openapi > docs/openapi.json`"
    );
}

/// A standard validator says the document is OpenAPI 3.1, and it does refuse a broken one
/// (a path parameter left undeclared), so the first answer means something.
#[test]
fn the_document_passes_a_standard_openapi_validator() {
    let python = validator_python();
    let dir = crate::scratch();
    let validate = |document: &Value| {
        let file = dir.path().join("openapi.json");
        std::fs::write(&file, serde_json::to_string_pretty(document).unwrap()).unwrap();
        let output = Command::new(&python)
            .args(["-m", "openapi_spec_validator"])
            .arg(&file)
            .output()
            .expect("run openapi-spec-validator");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), said)
    };
    let (valid, said) = validate(document::document());
    assert!(
        valid,
        "the generated document is not valid OpenAPI:\n{said}"
    );
    assert!(said.contains("OK"), "{said}");

    let mut broken = document::document().clone();
    let parameters = broken["paths"]["/v1/clubs/{club}/members/{member}"]["get"]["parameters"]
        .as_array_mut()
        .expect("parameters");
    parameters.retain(|p| p["name"] != "member");
    let (valid, said) = validate(&broken);
    assert!(
        !valid,
        "a document missing a path parameter passed:\n{said}"
    );
    assert!(said.contains("member"), "{said}");
}

/// The Python of a virtual environment holding the validator, under the target folder:
/// made (from PyPI) the first time. Fails, rather than skips, when it cannot be made.
fn validator_python() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    // <target>/debug/deps/all-…
    let target = exe
        .ancestors()
        .nth(3)
        .expect("the target folder")
        .to_owned();
    let venv = target.join("openapi-validator");
    let python = venv.join("bin/python");
    let works = |python: &Path| {
        Command::new(python)
            .args(["-c", "import openapi_spec_validator"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works(&python) {
        return python;
    }
    // Made aside and renamed into place, so that a half-made one is never used.
    let aside = target.join(format!("openapi-validator.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&aside);
    let run = |command: &mut Command| {
        let output = command.output().unwrap_or_else(|e| {
            panic!("cannot install the OpenAPI validator ({command:?}): {e}; it needs python3 with venv, and PyPI")
        });
        assert!(
            output.status.success(),
            "cannot install the OpenAPI validator ({command:?}); it needs python3 with venv, and PyPI:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(Command::new("python3").args(["-m", "venv"]).arg(&aside));
    run(Command::new(aside.join("bin/python")).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        VALIDATOR,
    ]));
    let _ = std::fs::remove_dir_all(&venv);
    std::fs::rename(&aside, &venv).expect("move the validator's environment into place");
    assert!(
        works(&python),
        "the OpenAPI validator was installed but does not import"
    );
    python
}

/// The oracle can say no: an answer missing a required field, a point as a JSON number, an
/// unknown enum value or an unlisted status each fail, naming what is wrong.
#[test]
fn an_answer_that_differs_from_the_document_is_caught() {
    let statement = "/v1/clubs/shop/members/M1/statement";
    let line = json!({
        "time": "2025-03-03T00:00:00Z", "event": "P1", "event_type": "purchase",
        "amount": "12500", "rule": "base", "points": "12", "reason": "points per amount",
        "policy_version": "abc",
    });
    let json = Some("application/json");
    let good = json!({ "member": "M1", "entries": [line.clone()] });
    assert_eq!(check("GET", statement, None, 200, json, &good), Ok(true));

    let missing = json!({ "member": "M1" });
    let said = check("GET", statement, None, 200, json, &missing).unwrap_err();
    assert!(said.contains("entries"), "{said}");

    let mut number = line.clone();
    number["points"] = json!(12);
    let said = check(
        "GET",
        statement,
        None,
        200,
        json,
        &json!({ "member": "M1", "entries": [number] }),
    )
    .unwrap_err();
    assert!(said.contains("/entries/0/points"), "{said}");

    let mut decimal = line;
    decimal["points"] = json!("12,5");
    assert!(check(
        "GET",
        statement,
        None,
        200,
        json,
        &json!({ "member": "M1", "entries": [decimal] })
    )
    .is_err());

    let code = "/v1/clubs/shop/codes/ABC";
    let said = check(
        "GET",
        code,
        None,
        200,
        json,
        &json!({
            "code": "ABC", "reward": "coupon", "member": "M1", "redemption": "R1",
            "redeemed_at": "2025-03-03T00:00:00Z", "used": null, "status": "expired", "usable": false,
        }),
    )
    .unwrap_err();
    assert!(said.contains("status"), "{said}");

    let refusal = json!({ "error": { "code": "no_key", "message": "this needs an API key" } });
    assert_eq!(check("GET", statement, None, 401, json, &refusal), Ok(true));
    let said = check("GET", statement, None, 418, json, &refusal).unwrap_err();
    assert!(said.contains("418"), "{said}");
    let said = check(
        "GET",
        statement,
        None,
        401,
        json,
        &json!({ "error": { "message": "no code" } }),
    )
    .unwrap_err();
    assert!(said.contains("code"), "{said}");
    // A body a request succeeded with must be one the document allows.
    let said = check(
        "POST",
        "/v1/clubs/shop/members/M1/redemptions",
        Some(r#"{"reward": "coupon", "colour": "red"}"#),
        200,
        json,
        &json!({ "id": "R1", "status": "redeemed", "reward": "coupon", "code": null,
                 "balance": { "available": "1", "pending": "0", "debt": "0" } }),
    )
    .unwrap_err();
    assert!(said.contains("colour"), "{said}");
    // Paths the API has no route for are not the document's to judge.
    assert_eq!(
        check("GET", "/v1/nothing", None, 404, json, &refusal),
        Ok(false)
    );
}

/// Every route of the table, called for real: its success answer and a refusal, each held
/// to the document's schema for that route and status. Fails if a route is left out.
#[test]
fn every_route_answers_as_the_document_says() {
    let server = Workspace::new()
        .file(
            "policies/shop/club.yaml",
            &format!(
                "{SHOP_YAML}  - {{id: coupon, cost: 5, kind: discount_code}}\npoints:\n  transfers: true\ncredit:\n  rate: 100\n  minimum: 5\nmessages:\n  language: en\n  channels:\n    - {{id: sms, kind: file, path: sms.jsonl}}\n  templates:\n    enrolled: {{en: \"Welcome\"}}\n\
                 contests:\n  leaderboards:\n    - {{id: regulars, window: {{period: month}}, metric: visits, prizes: [{{rank: 1, points: 5}}]}}\n"
            ),
        )
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .file("drafts/shop-next/club.yaml", SHOP_YAML)
        .file("drafts/shop-next/earn.rhai", &shop_rule(500))
        .start(&[]);
    let mut seen: BTreeSet<(String, &'static str, u16)> = BTreeSet::new();
    let mut call =
        |method: &str, path: &str, key: Option<&str>, body: Option<&str>, status: u16| -> Reply {
            let reply = request(&server.address, method, path, key, body);
            assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
            let checked = check(
                method,
                path,
                body,
                reply.status,
                reply.header("content-type"),
                &reply.body,
            );
            assert_eq!(checked, Ok(true), "{method} {path}");
            let template = document::template(path).expect("a route");
            seen.insert((method.to_ascii_lowercase(), template, reply.status));
            reply
        };
    let events = "/v1/clubs/shop/events";
    let m1 = "/v1/clubs/shop/members/M1";

    call("GET", "/v1/health", None, None, 200);
    call("GET", "/v1/openapi.json", None, None, 200);
    call("GET", "/v1/status", Some(OPS), None, 200);
    call("GET", "/v1/status", None, None, 401);
    call("GET", "/metrics", Some(OPS), None, 200);
    call("GET", "/metrics", Some(TILL), None, 403);
    call("POST", "/v1/reload", Some(OPS), Some(""), 200);
    call("POST", "/v1/reload", Some(TILL), Some(""), 403);

    let p1 = purchase("P1", "M1", "2025-03-03", 20000);
    call("POST", events, Some(TILL), Some(&p1), 200);
    call("GET", "/v1/clubs/shop/contests", Some(TILL), None, 200);
    call("GET", "/v1/clubs/shop/contests", None, None, 401);
    call(
        "GET",
        "/v1/clubs/shop/contests/regulars?window=2025-03-01",
        Some(TILL),
        None,
        200,
    );
    call(
        "GET",
        "/v1/clubs/shop/contests/nothing",
        Some(TILL),
        None,
        404,
    );
    call(
        "POST",
        events,
        Some(TILL),
        Some(&purchase("P1", "M1", "2025-03-03", 1000)),
        409,
    );
    call(
        "POST",
        events,
        Some(TILL),
        Some(&purchase("P2", "M2", "2025-02-30", 1000)),
        422,
    );
    call(
        "POST",
        events,
        Some(TILL),
        Some(
            r#"{"id": "P2", "member": "M2", "date": "2025-03-03", "amount": 1000.50, "colour": "red"}"#,
        ),
        422,
    );
    let batch = format!(
        r#"{{"events": [{}, {}]}}"#,
        purchase("P2", "M2", "2025-03-03", 8000),
        r#"{"id": "P3", "member": "M2", "date": "2025-03-03", "amount": 1000, "type": "purchase", "items": [{"sku": "A", "price": "10.5", "qty": 2}], "attributes": {"till": 4}}"#
    );
    call(
        "POST",
        &format!("{events}?dry_run=true"),
        Some(TILL),
        Some(&batch),
        200,
    );
    call("POST", events, Some(TILL), Some(&batch), 200);
    call("POST", events, None, Some(&p1), 401);

    call("GET", m1, Some(TILL), None, 200);
    call("GET", "/v1/clubs/shop/members/M9", Some(TILL), None, 404);
    call("GET", &format!("{m1}/statement"), Some(TILL), None, 200);
    call("GET", &format!("{m1}/statement"), None, None, 401);
    call("GET", &format!("{m1}/groups"), Some(TILL), None, 200);
    call(
        "GET",
        "/v1/clubs/shop/members/nobody/groups",
        Some(TILL),
        None,
        404,
    );
    call(
        "GET",
        "/v1/clubs/shop/events/P1/explanation",
        Some(TILL),
        None,
        200,
    );
    call(
        "GET",
        "/v1/clubs/shop/events/nope/explanation",
        Some(TILL),
        None,
        404,
    );

    let redeemed = call(
        "POST",
        &format!("{m1}/redemptions"),
        Some(TILL),
        Some(r#"{"reward": "coupon", "id": "R1"}"#),
        200,
    );
    call(
        "POST",
        &format!("{m1}/redemptions"),
        Some(TILL),
        Some(r#"{"reward": "castle"}"#),
        422,
    );
    let code = redeemed.body["code"].as_str().expect("a code").to_owned();
    let codes = format!("/v1/clubs/shop/codes/{code}");
    call("GET", &format!("{codes}?member=M1"), Some(TILL), None, 200);
    call("GET", "/v1/clubs/shop/codes/NOPE", Some(TILL), None, 404);
    let uses = format!("{codes}/uses");
    call(
        "POST",
        &uses,
        Some(TILL),
        Some(r#"{"member": "M1", "reference": "S1"}"#),
        200,
    );
    call(
        "POST",
        &uses,
        Some(TILL),
        Some(r#"{"member": "M1", "reference": "S1"}"#),
        200,
    );
    call(
        "POST",
        &uses,
        Some(TILL),
        Some(r#"{"member": "M1", "reference": "S2"}"#),
        409,
    );
    // R1's code was used: it stays redeemed. R2's was not: cancelled.
    call(
        "POST",
        &format!("{m1}/redemptions/R1/cancellation"),
        Some(TILL),
        Some(r#"{"reason": "asked"}"#),
        422,
    );
    call(
        "POST",
        &format!("{m1}/redemptions"),
        Some(TILL),
        Some(r#"{"reward": "coupon", "id": "R2"}"#),
        200,
    );
    call(
        "POST",
        &format!("{m1}/redemptions/R2/cancellation"),
        Some(TILL),
        Some(r#"{"reason": "asked", "id": "K2"}"#),
        200,
    );

    call(
        "POST",
        &format!("{m1}/adjustments"),
        Some(OPS),
        Some(r#"{"points": "2.5", "reason": "goodwill", "id": "A1"}"#),
        200,
    );
    call(
        "POST",
        &format!("{m1}/adjustments"),
        Some(TILL),
        Some(r#"{"points": 1, "reason": "x"}"#),
        403,
    );
    call(
        "POST",
        &format!("{m1}/transfers"),
        Some(TILL),
        Some(r#"{"points": 1, "to": "M2"}"#),
        200,
    );
    call(
        "POST",
        &format!("{m1}/transfers"),
        Some(TILL),
        Some(r#"{"points": "many", "to": "M2"}"#),
        422,
    );
    call(
        "POST",
        &format!("{m1}/conversions"),
        Some(TILL),
        Some(r#"{"points": 5, "id": "C1"}"#),
        200,
    );
    call(
        "POST",
        &format!("{m1}/conversions"),
        Some(TILL),
        Some("{"),
        400,
    );
    call(
        "POST",
        &format!("{m1}/consents"),
        Some(TILL),
        Some(r#"{"channel": "sms", "granted": false, "source": "till 4"}"#),
        200,
    );
    call(
        "POST",
        &format!("{m1}/consents"),
        Some(TILL),
        Some(r#"{"channel": "fax", "granted": true}"#),
        422,
    );

    call(
        "POST",
        "/v1/clubs/shop/clock",
        Some(OPS),
        Some(r#"{"to": "2025-03-10"}"#),
        200,
    );
    call(
        "POST",
        "/v1/clubs/shop/clock",
        Some(OPS),
        Some(r#"{"to": "2025-03-01"}"#),
        409,
    );

    call(
        "GET",
        "/v1/clubs/shop/members?limit=1",
        Some(TILL),
        None,
        200,
    );
    call(
        "GET",
        "/v1/clubs/shop/members?limit=0",
        Some(TILL),
        None,
        422,
    );
    for list in ["changes", "lots", "messages"] {
        call(
            "GET",
            &format!("/v1/clubs/shop/{list}?limit=2"),
            Some(TILL),
            None,
            200,
        );
        call(
            "GET",
            &format!("/v1/clubs/shop/{list}?after=x"),
            Some(TILL),
            None,
            422,
        );
    }
    call("GET", "/v1/clubs/shop/rewards", Some(TILL), None, 200);
    call("GET", "/v1/clubs/shop/rewards?x=1", Some(TILL), None, 400);
    call("GET", "/v1/clubs/shop/report", Some(OPS), None, 200);
    call("GET", "/v1/clubs/shop/report", Some(TILL), None, 403);
    call("GET", "/v1/clubs/shop/overview", Some(TILL), None, 200);
    call(
        "GET",
        "/v1/clubs/shop/overview?at=2025-03-01",
        Some(TILL),
        None,
        200,
    );
    call(
        "GET",
        "/v1/clubs/shop/overview?at=soon",
        Some(TILL),
        None,
        422,
    );
    call("GET", "/v1/clubs/nope/rewards", Some(OPS), None, 404);
    call("GET", "/v1/clubs/bakery/rewards", Some(TILL), None, 403);
    call("GET", "/v1/clubs/shop/policy", Some(TILL), None, 200);
    call("GET", "/v1/clubs/shop/policy?x=1", Some(TILL), None, 400);
    call(
        "GET",
        "/v1/clubs/shop/policy/versions",
        Some(TILL),
        None,
        200,
    );
    call(
        "GET",
        "/v1/clubs/shop/policy/versions?limit=0",
        Some(TILL),
        None,
        422,
    );
    call(
        "GET",
        "/v1/clubs/shop/policy/versions/live",
        Some(TILL),
        None,
        200,
    );
    call(
        "GET",
        "/v1/clubs/shop/policy/versions/0g",
        Some(TILL),
        None,
        422,
    );
    call(
        "GET",
        "/v1/clubs/shop/policy/diff?from=live&to=live",
        Some(TILL),
        None,
        200,
    );
    call(
        "GET",
        "/v1/clubs/shop/policy/diff?from=live",
        Some(TILL),
        None,
        400,
    );

    let trials = "/v1/clubs/shop/trials";
    let tried = r#"{"member": "M1", "date": "2025-03-03", "amount": "5000", "draft": "shop-next"}"#;
    // A trial writes nothing: a viewer may; a simulation is an operator's.
    call("POST", trials, Some(VIEWER), Some(tried), 200);
    call("POST", trials, Some(TILL), Some(r#"{"member": "M1"}"#), 422);
    let simulations = "/v1/clubs/shop/simulations";
    let period = r#"{"draft": "shop-next", "from": "2025-03-01", "to": "2025-03-31"}"#;
    call("POST", simulations, Some(OPERATOR), Some(period), 200);
    call("POST", simulations, Some(TILL), Some(period), 403);
    call(
        "POST",
        simulations,
        Some(OPS),
        Some(r#"{"draft": "nope", "from": "2025-03-01", "to": "2025-03-31"}"#),
        404,
    );
    call(
        "GET",
        "/v1/clubs/shop/simulations/report?draft=shop-next&from=2025-03-01&to=2025-03-31",
        Some(OPS),
        None,
        200,
    );
    call(
        "GET",
        "/v1/clubs/shop/simulations/report?draft=shop-next",
        Some(OPS),
        None,
        400,
    );

    for route in bashgah::serve::api::routes() {
        let method = route.method.as_str();
        let answered = |ok: bool| {
            seen.iter().any(|(m, t, status)| {
                m == method && *t == route.path && ((200..300).contains(status) == ok)
            })
        };
        assert!(
            answered(true),
            "{method} {}: no success checked",
            route.path
        );
        if route.access() != bashgah::serve::openapi::Access::Open {
            assert!(
                answered(false),
                "{method} {}: no refusal checked",
                route.path
            );
        }
    }
}
