//! The console's policy page (issue 16, item 4) over HTTP: the live version's files with
//! line numbers, its tests and the canary, the versions list and the diff between two, in
//! English and in Persian (right to left, with code left to right), for a viewer's key.

use crate::serve::console::Browser;
use crate::serve::server::{purchase, write, Server, Workspace, OPS, OTHER, TILL, VIEWER};
use crate::serve::{shop_rule, SHOP_YAML};

/// The shop's one policy test, expecting `points` for a purchase of 2,500.
fn shop_test(points: u32) -> String {
    format!(
        "- name: a point per 1,000\n  given:\n    members: [{{id: T}}]\n  when:\n    - event: {{id: T1, member: T, date: 2025-03-03, amount: 2500}}\n  then:\n    points: {{T1: {points}}}\n"
    )
}

/// The shop served with its test, reloaded only when asked; then a purchase and an edit
/// that doubles the points (its test to match), reloaded: two versions, the canary's
/// changes for rule `base`. Returns the server and the two versions' 12 digits.
fn two_versions() -> (Server, String, String) {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .file("policies/shop/tests/earn.yaml", &shop_test(2))
        .start(&["--poll", "3600"]);
    let v1 = server.active_version("shop");
    let posted = server.post(
        "/v1/clubs/shop/events",
        Some(TILL),
        &purchase("P1", "M1", "2025-03-03", 4000),
    );
    assert_eq!(posted.status, 200, "{}", posted.body);
    write(&server.path(), "policies/shop/earn.rhai", &shop_rule(500));
    write(
        &server.path(),
        "policies/shop/tests/earn.yaml",
        &shop_test(5),
    );
    let reloaded = server.post("/v1/reload", Some(OPS), "");
    assert_eq!(reloaded.body["reloaded"][0]["outcome"], "activated");
    let v2 = server.active_version("shop");
    assert_ne!(v1, v2);
    (server, v1, v2)
}

#[test]
fn a_viewer_reads_the_live_files_tests_canary_and_versions() {
    let (server, v1, v2) = two_versions();
    let mut browser = Browser::signed_in(&server, VIEWER);
    let page = browser.get("/clubs/shop/policy?lang=en");
    assert_eq!(page.status, 200, "{}", page.text);
    let text = &page.text;
    for expected in [
        // The live version and its files, line by line, left to right.
        format!(r#"Serving version <code dir="ltr">{v2}</code>"#),
        r#"<table class="code" dir="ltr">"#.to_owned(),
        r#"<tr><td class="no">2</td><td class="text"><code>    event.amount / 500</code></td></tr>"#.to_owned(),
        // Its test.
        "1 passed, 0 failed, before this version went live.".to_owned(),
        r#"<td>a point per 1,000</td><td dir="ltr"><code>policies/shop/tests/earn.yaml:1</code></td>"#.to_owned(),
        // The canary: rule `base` on the one purchase, 4 points live, 8 new.
        format!("Version {v2} tried beside {v1} on the last event: points issued 4 → 8"),
        r#"<td dir="ltr"><code>base</code></td><td class="number">1</td><td class="number">4</td><td class="number">8</td><td class="number">+4</td>"#.to_owned(),
        // Both versions, newest first, and the form that compares them.
        format!(r#"<option value="{v1}"#),
        format!(r#"href="/clubs/shop/policy/diff?from={v1}"#),
    ] {
        assert!(text.contains(&expected), "{expected}\nnot in\n{text}");
    }
    let (newer, older) = (
        text.find(&format!(
            "<td><code dir=\"ltr\">{v2}</code> <strong>live</strong>"
        )),
        text.find(&format!("<td><code dir=\"ltr\">{v1}</code></td>")),
    );
    assert!(
        newer.is_some() && older.is_some() && newer < older,
        "{text}"
    );

    // Another club's key sees no such page, as if the club did not exist.
    let mut stranger = Browser::signed_in(&server, OTHER);
    assert_eq!(stranger.get("/clubs/shop/policy").status, 404);
}

#[test]
fn the_diff_marks_added_and_removed_lines_with_signs_in_both_languages() {
    let (server, v1, v2) = two_versions();
    let mut browser = Browser::signed_in(&server, VIEWER);
    let page = browser.get(&format!(
        "/clubs/shop/policy/diff?from={v1}&to=live&lang=en"
    ));
    assert_eq!(page.status, 200, "{}", page.text);
    for expected in [
        format!("<h1>Changes from {v1} to {v2}</h1>"),
        r#"<h2><code dir="ltr">earn.rhai</code> · changed</h2><p>1 line added, 1 removed</p>"#.to_owned(),
        r#"<tr class="hunk"><td colspan="4">@@ -1,3 +1,3 @@</td></tr>"#.to_owned(),
        r#"<tr class="removed"><td class="no">2</td><td class="no"></td><td class="sign">-</td><td class="text"><del><code>    event.amount / 1000</code></del></td></tr>"#.to_owned(),
        r#"<tr class="added"><td class="no"></td><td class="no">2</td><td class="sign">+</td><td class="text"><ins><code>    event.amount / 500</code></ins></td></tr>"#.to_owned(),
        r#"<tr class="context"><td class="no">3</td><td class="no">3</td><td class="sign"> </td><td class="text"><code>}</code></td></tr>"#.to_owned(),
        r#"Unchanged: <span dir="ltr">club.yaml</span>"#.to_owned(),
    ] {
        assert!(page.text.contains(&expected), "{expected}\nnot in\n{}", page.text);
    }

    // In Persian: right to left, Persian digits in the prose, the code left to right.
    let page = browser.get(&format!(
        "/clubs/shop/policy/diff?from={v1}&to={v2}&lang=fa"
    ));
    assert_eq!(page.status, 200, "{}", page.text);
    for expected in [
        r#"<html lang="fa" dir="rtl">"#,
        "<p>۱ سطر افزوده، ۱ سطر حذف‌شده</p>",
        r#"<table class="diff" dir="ltr">"#,
        r#"<td class="sign">+</td><td class="text"><ins><code>    event.amount / 500</code></ins>"#,
    ] {
        assert!(
            page.text.contains(expected),
            "{expected}\nnot in\n{}",
            page.text
        );
    }
    let page = browser.get("/clubs/shop/policy?lang=fa");
    assert!(
        page.text.contains("<h1>قواعد</h1>")
            && page
                .text
                .contains("۱ قبول، ۰ رد، پیش از آنکه این نسخه فعال شود.")
            && page.text.contains("امتیاز داده‌شده ۴ → ۸"),
        "{}",
        page.text
    );

    // A version that is not one is said next to nothing else, in the page's language.
    let page = browser.get("/clubs/shop/policy/diff?from=zz&to=live&lang=en");
    assert_eq!(page.status, 422);
    assert!(page.text.contains("“zz” is not a version"), "{}", page.text);
}

#[test]
fn a_failed_reload_shows_what_check_prints() {
    let (server, _, v2) = two_versions();
    write(
        &server.path(),
        "policies/shop/earn.rhai",
        "fn base_points(event, member) {\n    event.amount / \n}\n",
    );
    let reloaded = server.post("/v1/reload", Some(OPS), "");
    assert_eq!(reloaded.body["reloaded"][0]["outcome"], "failed");
    let printed = server.get("/v1/clubs/shop/policy", Some(TILL)).body["last_reload"]["printed"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        printed.contains("--> policies/shop/earn.rhai:3:1"),
        "{printed}"
    );
    let mut browser = Browser::signed_in(&server, VIEWER);
    let page = browser.get("/clubs/shop/policy?lang=en");
    let escaped = printed
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(
        page.text.contains(&format!(
            r#"<pre class="check" dir="ltr" lang="en">{escaped}</pre>"#
        )),
        "{}",
        page.text
    );
    // The live version is still the last good one.
    assert!(
        page.text
            .contains(&format!(r#"Serving version <code dir="ltr">{v2}</code>"#)),
        "{}",
        page.text
    );
}
