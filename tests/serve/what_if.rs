//! The console's what-if page: a draft simulated over a period of the café's real history,
//! its report shown in the console, in English and Persian; a draft that does not load
//! shows where.

use crate::serve::console::Browser;
use crate::serve::server::{OPS, TILL};
use crate::serve::trials::cafe;

#[test]
fn the_what_if_page_shows_the_drafts_report_over_a_month_of_history() {
    let server = cafe(None);
    let mut browser = Browser::signed_in(&server, OPS);
    let form = browser.get("/clubs/cafe/what-if?lang=en");
    assert_eq!(form.status, 200, "{}", form.text);
    assert!(
        form.text
            .contains(r#"<option value="cafe-next">cafe-next</option>"#),
        "{}",
        form.text
    );
    assert!(
        !form.text.contains(r#"value="other""#),
        "another club's draft is not offered"
    );
    let page = browser.get("/clubs/cafe/what-if?draft=cafe-next&from=1403-10-01&to=1403-10-30");
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("<iframe"), "{}", page.text);
    // The report (escaped inside `srcdoc`): 294 points live, 565 under the draft.
    assert!(
        page.text
            .contains("&lt;td&gt;294&lt;/td&gt;&lt;td&gt;565&lt;/td&gt;&lt;td&gt;+271&lt;/td&gt;"),
        "{}",
        page.text
    );
    let persian =
        browser.get("/clubs/cafe/what-if?lang=fa&draft=cafe-next&from=1403-10-01&to=1403-10-30");
    assert!(persian.text.contains(r#"<html lang="fa" dir="rtl">"#));
    assert!(persian.text.contains("گزارش شبیه‌سازی"), "{}", persian.text);
    // The report inside is in the reader's language too, with Persian digits (the host
    // process itself speaks English).
    assert!(
        persian
            .text
            .contains("lang=&quot;fa&quot; dir=&quot;rtl&quot;")
            || persian.text.contains("lang=\"fa\" dir=\"rtl\""),
        "{}",
        persian.text
    );
    assert!(
        persian
            .text
            .contains("&lt;td&gt;۲۹۴&lt;/td&gt;&lt;td&gt;۵۶۵&lt;/td&gt;"),
        "{}",
        persian.text
    );

    let broken =
        browser.get("/clubs/cafe/what-if?lang=en&draft=broken&from=1403-10-01&to=1403-10-30");
    assert_eq!(broken.status, 200, "{}", broken.text);
    assert!(
        broken
            .text
            .contains("draft `broken` does not load (1 error)"),
        "{}",
        broken.text
    );
    assert!(
        broken.text.contains("--&gt; drafts/broken/club.yaml:10:11"),
        "{}",
        broken.text
    );

    // A key of another club does not see the café at all.
    let mut stranger = Browser::signed_in(&server, TILL);
    assert_eq!(stranger.get("/clubs/cafe/what-if").status, 404);
}
