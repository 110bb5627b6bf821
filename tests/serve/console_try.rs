//! The console's "try a purchase" page on the shipped café: a known purchase's exact
//! points under the live version and a draft, side by side; what the form cannot be read
//! as, said next to it; a draft that does not load; Persian; and the ledger untouched.

use crate::serve::console::{Browser, Page};
use crate::serve::server::{Server, Workspace, OPS, TILL, VIEWER};
use crate::serve::trials::{cafe, ledger_now};
use crate::serve::{shop_rule, SHOP_YAML};

/// Sara (M001, born in Dey) buys two lattes for 255,000 IRR on 1403-10-20 at 12:30, at
/// table 7, compared with `draft` if one is given.
fn sara_buys(browser: &mut Browser<'_>, lang: &str, draft: &str) -> Page {
    try_page(
        browser,
        &[
            ("lang", lang),
            ("member", "M001"),
            ("date", "1403-10-20"),
            ("time", "12:30"),
            ("amount", "255000"),
            ("items", "latte, 2, 127500, coffee"),
            ("attributes", "table=7"),
            ("draft", draft),
        ],
    )
}

fn try_page(browser: &mut Browser<'_>, fields: &[(&str, &str)]) -> Page {
    let query = serde_urlencoded::to_string(fields).expect("query");
    browser.get(&format!("/clubs/cafe/try?{query}"))
}

/// Asserts that `page` contains each of `parts`, showing the page when one is missing.
fn shows(page: &Page, parts: &[&str]) {
    for part in parts {
        assert!(
            page.text.contains(part),
            "missing {part:?} in\n{}",
            page.text
        );
    }
}

#[test]
fn a_known_purchase_shows_each_rules_exact_points_and_writes_nothing() {
    tried_live(&cafe(None));
}

#[test]
fn on_postgres_the_page_tries_a_purchase_and_writes_nothing() {
    let Some(database) = crate::pg::PgDatabase::fresh("console_try") else {
        return;
    };
    tried_live(&cafe(Some(&database.url)));
}

fn tried_live(server: &Server) {
    let before = ledger_now(server);
    let mut browser = Browser::signed_in(server, OPS);
    let empty = browser.get("/clubs/cafe/try?lang=en");
    assert_eq!(empty.status, 200, "{}", empty.text);
    shows(
        &empty,
        &[
            r#"<form method="get" id="try" class="try">"#,
            r#"<label for="member">Member</label>"#,
            r#"<label for="items">Line items (optional)</label><p class="hint" id="items-hint">One item a line: sku, quantity, price, and a category after if your rules read one. For example: <code dir="ltr">latte, 2, 127500, coffee</code></p>"#,
            r#"<label for="attributes">Attributes (optional)</label><p class="hint" id="attributes-hint">One a line: key=value, as the rules read event.attributes. For example: <code dir="ltr">table=7</code></p>"#,
            r#"<option value="cafe-next">cafe-next</option>"#,
        ],
    );
    assert!(!empty.text.contains("What the purchase would do"));
    // The empty form is for a purchase now: its date and time are filled in.
    assert!(
        !empty.text.contains(r#"name="date" value="""#),
        "{}",
        empty.text
    );
    assert!(!empty.text.contains(r#"name="time" type="time" value="""#));
    assert!(
        !empty.text.contains(r#"value="other""#),
        "another club's draft is not offered"
    );

    let page = sara_buys(&mut browser, "en", "");
    assert_eq!(page.status, 200, "{}", page.text);
    shows(
        &page,
        &[
            // The amount as the club's messages count it (Toman), the time in its calendar.
            "A purchase of 25,500 Toman by member M001, at 1403-10-20 12:30.",
            "A dry run: nothing was written to the ledger.",
            r#"<th scope="row">Balance before</th><td class="number">64</td>"#,
            r#"<th scope="row">Balance after</th><td class="number">114</td>"#,
            r#"<th scope="row">Tier</th><td>none</td>"#,
            // 255,000 / 10,000 = 25.5 stars, rounded down, by each rule.
            r#"<tr><th scope="row"><code>base</code></th><td><code dir="ltr">policies/cafe/earn.rhai:14</code></td><td>ran</td><td dir="ltr"><code>member.kind</code>, <code>event.amount</code></td><td class="number">25.5</td><td class="number">25 <span class="muted">(rounded)</span></td></tr>"#,
            r#"<th scope="row"><code>birthday_month</code></th><td><code dir="ltr">policies/cafe/earn.rhai:19</code></td><td>ran</td>"#,
            "<p>Rounding: down, to 0 decimal places.</p>",
            r#"<td><code>base</code></td><td><code>earn</code></td><td><bdi>1 star per 10,000 IRR</bdi></td><td class="number">+25</td>"#,
            r#"<td><code>birthday_month</code></td><td><code>earn</code></td><td><bdi>birthday month: double stars</bdi></td><td class="number">+25</td>"#,
            "The event's total: 50 stars",
        ],
    );
    // One version: no comparison, no draft column.
    assert!(!page.text.contains("Each rule's points under both versions"));
    assert!(!page.text.contains(r#"<h3 id="draft">"#));
    // The form keeps what was asked, so the trial can be changed and tried again.
    shows(
        &page,
        &[
            r#"<textarea id="items" name="items" rows="3" dir="ltr" placeholder="latte, 2, 127500, coffee" aria-describedby="items-hint">latte, 2, 127500, coffee</textarea>"#,
        ],
    );
    // A member the ledger does not know is tried as new.
    let new = try_page(
        &mut browser,
        &[
            ("member", "M999"),
            ("date", "1403-11-05"),
            ("amount", "99999"),
        ],
    );
    assert_eq!(new.status, 200, "{}", new.text);
    shows(
        &new,
        &[
            "(new: the ledger does not know them yet)",
            "The event's total: 9 stars",
        ],
    );

    assert_eq!(ledger_now(server), before, "trying wrote nothing");
    // A key of another club does not see the café's page at all.
    let mut stranger = Browser::signed_in(server, TILL);
    assert_eq!(stranger.get("/clubs/cafe/try").status, 404);
}

#[test]
fn comparing_with_a_draft_shows_both_columns_and_the_difference() {
    let server = cafe(None);
    let before = ledger_now(&server);
    let mut browser = Browser::signed_in(&server, OPS);
    let page = sara_buys(&mut browser, "en", "cafe-next");
    assert_eq!(page.status, 200, "{}", page.text);
    // The draft gives one star per 5,000 IRR: 51 base stars, 26 more than live.
    shows(
        &page,
        &[
            r#"<option value="cafe-next" selected>cafe-next</option>"#,
            r#"<caption>Each rule's points under both versions</caption><thead><tr><th scope="col">Rule</th><th scope="col" class="number">Live version</th><th scope="col" class="number">Draft cafe-next</th><th scope="col" class="number">Difference</th></tr></thead>"#,
            r#"<tr><th scope="row"><code>base</code></th><td class="number">25</td><td class="number">51</td><td class="number">+26</td></tr>"#,
            r#"<tr><th scope="row"><code>birthday_month</code></th><td class="number">25</td><td class="number">25</td><td class="number">0</td></tr>"#,
            r#"<tfoot><tr><th scope="row">The event's total</th><td class="number">50</td><td class="number">76</td><td class="number">+26</td></tr></tfoot>"#,
            r#"<div class="columns"><section aria-labelledby="live" class="version"><h3 id="live">Live version"#,
            r#"<section aria-labelledby="draft" class="version"><h3 id="draft">Draft cafe-next"#,
            r#"<td><code dir="ltr">drafts/cafe-next/earn.rhai:14</code></td><td>ran</td><td dir="ltr"><code>member.kind</code>, <code>event.amount</code></td><td class="number">51</td><td class="number">51</td>"#,
            "The event's total: 50 stars",
            "The event's total: 76 stars",
            r#"<th scope="row">Balance after</th><td class="number">140</td>"#,
        ],
    );
    assert_eq!(ledger_now(&server), before, "comparing wrote nothing");
}

#[test]
fn what_the_form_cannot_be_read_as_is_said_next_to_it_naming_the_field() {
    let server = cafe(None);
    let mut browser = Browser::signed_in(&server, OPS);
    let bad_amount = try_page(
        &mut browser,
        &[
            ("lang", "en"),
            ("member", "M001"),
            ("date", "1403-10-20"),
            ("amount", "25x000"),
        ],
    );
    assert_eq!(bad_amount.status, 422, "{}", bad_amount.text);
    shows(
        &bad_amount,
        &[
            r##"<div class="problem" role="alert" id="try-problems"><p>The form cannot be tried as it is:</p><ul><li id="amount-problem"><a href="#amount">Amount</a>: <bdi>`25x000` is not an amount: write digits, with a decimal point if any (255000 or 12.5).</bdi></li></ul></div><form"##,
            r#"<input id="amount" name="amount" value="25x000" required dir="ltr" inputmode="decimal" aria-invalid="true" aria-describedby="amount-hint amount-problem">"#,
            // The rest of the form is kept as it was.
            r#"<input id="member" name="member" value="M001""#,
        ],
    );
    assert!(!bad_amount.text.contains("What the purchase would do"));

    // Every problem the page can see at once, each on its field.
    let several = try_page(
        &mut browser,
        &[
            ("lang", "en"),
            ("date", "1403-10-20"),
            ("amount", "1000"),
            ("items", "latte, 2, 127500\nmuffin 1 45000"),
            ("attributes", "table=7\ntable=8"),
        ],
    );
    assert_eq!(several.status, 422, "{}", several.text);
    shows(
        &several,
        &[
            r##"<li id="member-problem"><a href="#member">Member</a>: <bdi>Member is needed.</bdi></li>"##,
            r##"<li id="items-problem"><a href="#items">Line items (optional)</a>: <bdi>line 2 is not sku, quantity, price (and a category if you like).</bdi></li>"##,
            r##"<li id="attributes-problem"><a href="#attributes">Attributes (optional)</a>: <bdi>`table` is given again on line 2.</bdi></li>"##,
        ],
    );

    // What the event reader refuses (the trials route's own refusal) is put on its field.
    let bad_date = try_page(
        &mut browser,
        &[
            ("lang", "en"),
            ("member", "M001"),
            ("date", "1403-13-01"),
            ("amount", "1000"),
        ],
    );
    assert_eq!(bad_date.status, 422, "{}", bad_date.text);
    shows(
        &bad_date,
        &[
            r##"<li id="date-problem"><a href="#date">Date</a>: <bdi>"##,
            r#"aria-invalid="true" aria-describedby="date-hint date-problem""#,
        ],
    );
    let bad_item = try_page(
        &mut browser,
        &[
            ("lang", "en"),
            ("member", "M001"),
            ("date", "1403-10-20"),
            ("amount", "1000"),
            ("items", "latte, two, 500"),
        ],
    );
    assert_eq!(bad_item.status, 422, "{}", bad_item.text);
    shows(
        &bad_item,
        &[r##"<li id="items-problem"><a href="#items">Line items (optional)</a>: <bdi>"##],
    );
}

#[test]
fn a_draft_that_does_not_load_shows_its_errors_as_check_prints_them() {
    let server = cafe(None);
    let mut browser = Browser::signed_in(&server, OPS);
    let page = sara_buys(&mut browser, "en", "broken");
    assert_eq!(page.status, 422, "{}", page.text);
    shows(
        &page,
        &[
            r##"<li id="draft-problem"><a href="#draft">Compare with a draft</a>: <bdi>draft `broken` does not load (1 error)</bdi></li>"##,
            "<pre class=\"diagnostics\" dir=\"ltr\">error: unknown timezone `Asia/Tehrn`\n  --&gt; drafts/broken/club.yaml:10:11\n   |\n10 | timezone: Asia/Tehrn\n   |           ^^^^^^^^^^\n   = help: did you mean `Asia/Tehran`?\n\n</pre>",
        ],
    );
    let missing = sara_buys(&mut browser, "en", "cafe-nexy");
    assert_eq!(missing.status, 422, "{}", missing.text);
    shows(
        &missing,
        &["<bdi>no draft `cafe-nexy`: the drafts folder has no `cafe-nexy/club.yaml`</bdi>"],
    );
}

#[test]
fn in_persian_the_page_is_right_to_left_with_persian_digits() {
    let server = cafe(None);
    let mut browser = Browser::signed_in(&server, OPS);
    let page = sara_buys(&mut browser, "fa", "cafe-next");
    assert_eq!(page.status, 200, "{}", page.text);
    shows(
        &page,
        &[
            r#"<html lang="fa" dir="rtl">"#,
            "<h1>آزمودن یک خرید</h1>",
            r#"<label for="member">عضو</label>"#,
            "خریدی به مبلغ ۲۵٬۵۰۰ تومان از عضو M001، در ۱۴۰۳-۱۰-۲۰ ۱۲:۳۰.",
            r#"<th scope="row">مانده پیش از خرید</th><td class="number">۶۴</td>"#,
            r#"<td class="number">۲۵٫۵</td><td class="number">۲۵ <span class="muted">(گرد شده)</span></td>"#,
            r#"<tr><th scope="row"><code>base</code></th><td class="number">۲۵</td><td class="number">۵۱</td><td class="number">+۲۶</td></tr>"#,
            "گرد کردن: رو به پایین، تا ۰ رقم اعشار.",
            "<td>۱۴۰۳-۱۰-۲۰</td>",
            "جمع این رویداد: ۷۶ stars",
        ],
    );
    // What the club's own files say (rule ids, reasons) stays as written.
    shows(&page, &["<bdi>1 star per 10,000 IRR</bdi>"]);
}

#[test]
fn a_viewers_key_may_try_a_purchase() {
    let server = Workspace::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", &shop_rule(1000))
        .start(&[]);
    let mut browser = Browser::signed_in(&server, VIEWER);
    let page = browser.get("/clubs/shop/try?lang=en&member=C1&date=2025-03-01&amount=2500");
    assert_eq!(page.status, 200, "{}", page.text);
    // 2,500 EUR / 1,000 = 2.5 points, rounded down to 2.
    shows(
        &page,
        &[
            "A purchase of 2,500 EUR by member C1, at 2025-03-01 00:00.",
            r#"<td class="number">2.5</td><td class="number">2 <span class="muted">(rounded)</span></td>"#,
            "The event's total: 2 points",
            "The drafts folder holds no draft of this club: the live version is tried alone.",
        ],
    );
}
