//! The console's overview page (`/clubs/{club}`): the exact figures of the overview's
//! fixture (tests/serve/overview.rs) in cards, charts and tables; an earlier `at`; a value
//! that is not a date, escaped; the Persian page of the Jalali café with Persian digits and
//! month names; a failed reload's errors as `bashgah check` prints them; who may see it.

use crate::serve::console::{Browser, Page};
use crate::serve::overview::{break_the_shop, served};
use crate::serve::server::{Server, OPS, OTHER, VIEWER};
use crate::serve::trials::cafe;

/// Asserts `page` holds every one of `parts`.
fn shows(page: &Page, parts: &[&str]) {
    for part in parts {
        assert!(page.text.contains(part), "{part}\n{}", page.text);
    }
}

/// A table's row: its name and its figures.
fn row(name: &str, figures: &[&str]) -> String {
    let cells: String = figures
        .iter()
        .map(|figure| format!(r#"<td class="number">{figure}</td>"#))
        .collect();
    format!(r#"<tr><th scope="row">{name}</th>{cells}</tr>"#)
}

fn card(label: &str, figure: &str) -> String {
    format!(
        r#"<div class="card"><div class="muted">{label}</div><div class="figure">{figure}</div></div>"#
    )
}

#[test]
fn a_viewer_sees_the_overviews_figures_in_cards_charts_and_tables_on_sqlite() {
    a_viewer_sees_the_overviews_figures(&served(&[]));
}

#[test]
fn a_viewer_sees_the_overviews_figures_in_cards_charts_and_tables_on_postgres() {
    let Some(database) = crate::pg::PgDatabase::fresh("console_overview") else {
        return;
    };
    a_viewer_sees_the_overviews_figures(&served(&["--database", &database.url]));
}

fn a_viewer_sees_the_overviews_figures(server: &Server) {
    let version = server.active_version("shop")[..12].to_owned();
    let mut browser = Browser::signed_in(server, VIEWER);
    let page = browser.get("/clubs/shop?lang=en");
    assert_eq!(page.status, 200, "{}", page.text);
    // The figures of GET /v1/clubs/shop/overview (tests/serve/overview.rs says why each is
    // what it is): 3 members, 2 of them bought lately, 91 points held at 1 EUR each.
    shows(
        &page,
        &[
            r#"<a href="/clubs/shop" aria-current="page">Overview</a>"#,
            "Figures as at 2025-04-01 00:00, in the club's calendar.",
            &card("Members", "3"),
            &card("Bought in the last 30 days", "2"),
            &card("Bought in the last 90 days", "2"),
            &card("Points members hold", "91"),
            &card("What they are worth", "91 EUR"),
            &format!("<dt>Live version</dt><dd><code>{version}</code></dd>"),
            "— a new version went live</dd>",
            // Points by month: a chart whose bars carry their figures, and the table.
            r#"<svg class="chart" role="img" aria-label="Points by month""#,
            "<title>Mar 2025 · Issued: 94</title>",
            "<title>Dec 2024 · Expired: 45</title>",
            "<caption>Points by month</caption>",
            r#"<th scope="col" class="number">Issued</th><th scope="col" class="number">Spent</th><th scope="col" class="number">Expired</th>"#,
            &row("May 2024", &["0", "0", "0"]),
            &row("Jun 2024", &["45", "0", "0"]),
            &row("Dec 2024", &["0", "0", "45"]),
            &row("Mar 2025", &["94", "3", "0"]),
            &row("Apr 2025", &["0", "0", "0"]),
            // Tiers, lowest first after the members without one.
            "<caption>Members per tier</caption>",
            &row("no tier", &["0"]),
            &row("bronze", &["1"]),
            &row("silver", &["2"]),
            "<title>silver: 2</title>",
            // Points by rule.
            &row("base", &["64"]),
            &row("challenge:regular", &["10"]),
            &row("partner", &["40"]),
            &row("spring", &["25"]),
            // The spring campaign spent its whole budget; four awards were cut.
            "<caption>Campaigns: cost against budget</caption>",
            &row("spring", &["25", "25 EUR", "25", "4"]),
            "<title>spring · Budget (points): 25</title>",
            // Messages.
            &row("Sent", &["4"]),
            &row("Waiting", &["0"]),
            &row("Held back", &["1"]),
            &row("Failed", &["0"]),
        ],
    );
    assert_eq!(page.text.matches(r#"<svg class="chart""#).count(), 5);
    assert_eq!(page.text.matches("<table>").count(), 5);
    assert!(!page.text.contains("class=\"problem\""), "no failed reload");

    // As at an earlier day: its own twelve months, and who bought in the 30 days before.
    let earlier = browser.get("/clubs/shop?lang=en&at=2024-07-01");
    assert_eq!(earlier.status, 200, "{}", earlier.text);
    shows(
        &earlier,
        &[
            r#"<input id="at" name="at" value="2024-07-01""#,
            &card("Bought in the last 30 days", "1"),
            &row("Jun 2024", &["45", "0", "0"]),
            &row("Jul 2024", &["0", "0", "0"]),
        ],
    );
    assert!(!earlier.text.contains("Mar 2025"));

    // Not a date: said next to the form, the value escaped wherever it is shown.
    let bad = browser.get("/clubs/shop?lang=en&at=%3Cb%3Enext%20week");
    assert_eq!(bad.status, 422, "{}", bad.text);
    shows(
        &bad,
        &[
            r#"value="&lt;b&gt;next week""#,
            "`&lt;b&gt;next week` is not a day or time in the club's calendar; write it like 2024-12-30 or 2024-12-30 18:00.",
        ],
    );
    assert!(!bad.text.contains("<b>"), "{}", bad.text);

    // A key of another club does not see this one at all.
    let mut stranger = Browser::signed_in(server, OTHER);
    assert_eq!(stranger.get("/clubs/shop").status, 404);
}

#[test]
fn a_failed_reload_is_shown_on_the_overview_as_check_prints_it() {
    let server = served(&[]);
    let version = server.active_version("shop")[..12].to_owned();
    let printed = break_the_shop(&server);
    let escaped = printed
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");

    let mut browser = Browser::signed_in(&server, VIEWER);
    let page = browser.get("/clubs/shop?lang=en");
    assert_eq!(page.status, 200, "{}", page.text);
    shows(
        &page,
        &[
            &format!("<dt>Live version</dt><dd><code>{version}</code></dd>"),
            "— failed</dd>",
            &format!("version {version} keeps serving. What `bashgah check` says:</p>"),
            &format!(r#"<pre class="diagnostics" dir="ltr">{escaped}</pre>"#),
        ],
    );
}

#[test]
fn the_persian_overview_of_a_jalali_club_names_its_months_in_persian_digits() {
    let server = cafe(None);
    let version = server.active_version("cafe")[..12].to_owned();
    let api = server.get("/v1/clubs/cafe/overview", Some(OPS)).body;
    let mut browser = Browser::signed_in(&server, OPS);
    let page = browser.get("/clubs/cafe?lang=fa");
    assert_eq!(page.status, 200, "{}", page.text);
    let dey = api["months"]
        .as_array()
        .and_then(|months| months.iter().find(|m| m["month"] == "1403-10"))
        .expect("Dey 1403 among the twelve months");
    let persian = |figure: &serde_json::Value| {
        figure
            .as_str()
            .expect("a figure")
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x06F0 + d).unwrap_or(c),
                None => c,
            })
            .collect::<String>()
    };
    // The café's example purchases are of Dey 1403.
    let issued = persian(&dey["issued"]);
    assert_ne!(issued, "۰");
    shows(
        &page,
        &[
            r#"<html lang="fa" dir="rtl">"#,
            "<h1>نمای کلی</h1>",
            &format!("<code>{version}</code>"),
            "<caption>امتیاز در هر ماه</caption>",
            &row(
                "دی ۱۴۰۳",
                &[&issued, &persian(&dey["spent"]), &persian(&dey["expired"])],
            ),
            &format!("<title>دی ۱۴۰۳ · داده‌شده: {issued}</title>"),
            // A month's name and its year on two lines under its bars.
            "<tspan",
            ">دی</tspan>",
            ">۱۴۰۳</tspan>",
        ],
    );
    let members = persian(&serde_json::Value::String(
        api["members"]["total"].to_string(),
    ));
    shows(&page, &[&card("اعضا", &members)]);
    // Every figure in a table cell and in the charts is in Persian digits.
    for cell in page.text.split(r#"<td class="number">"#).skip(1) {
        let figure = cell.split("</td>").next().unwrap_or("");
        assert!(!figure.contains(|c: char| c.is_ascii_digit()), "{figure}");
    }
    for title in page.text.split("<title>").skip(2) {
        let shown = title.split("</title>").next().unwrap_or("");
        assert!(!shown.contains(|c: char| c.is_ascii_digit()), "{shown}");
    }
}
