//! The club's overview page (`/clubs/{club}`): members and how many are active, what
//! members hold and what it is worth, points month by month in the club's calendar, tiers,
//! rules, campaigns against their budgets, messages, and the live policy with its last
//! reload. Its figures are `GET /v1/clubs/{club}/overview`'s, from the same function
//! ([`overview_of`]); each chart has a table with the same numbers under it, for screen
//! readers and for copying. Any key of the club may see it.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup, PreEscaped};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::format;
use super::page::{layout_with_status, Ctx, Page, PageError, Section};
use super::Shared;
use crate::calendar::CalendarKind;
use crate::chart::{BarChart, Series};
use crate::locale::{self, Lang};
use crate::policy::Policy;
use crate::serve::api::given_time;
use crate::serve::keys::Role;
use crate::serve::overview::{overview_of, ClubOverview, LivePolicy};
use crate::tr_in;

/// The page's query: the time the overview is for, in the club's calendar (empty: the
/// club's clock), as the API's `at`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverviewQuery {
    at: String,
}

// Colours of the bars: each at least 3:1 against the white page (WCAG's non-text contrast).
const BLUE: &str = "#2b6cb0";
const ORANGE: &str = "#c05621";
const GREY: &str = "#4a5568";

pub async fn page(
    ctx: Ctx,
    State(console): State<Shared>,
    Path(club): Path<String>,
    Query(query): Query<OverviewQuery>,
) -> Response {
    let lang = ctx.lang(None);
    let club = match ctx.club(&console, &club) {
        Ok(club) => club,
        Err(error) => return error.page(&ctx, lang),
    };
    let policy = club.policy();
    let lang = ctx.lang(Some(&policy));
    if let Err(error) = ctx.require(&club.id, Role::Viewer) {
        return error.page(&ctx, lang);
    }
    // A day to show how a date is written: 10 Dey 1403 in a Jalali club.
    let example = chrono::NaiveDate::from_ymd_opt(2024, 12, 30)
        .map(|day| format::date(lang, &policy, day))
        .unwrap_or_default();
    let asked = Some(query.at.trim()).filter(|at| !at.is_empty());
    let (status, shown) = match given_time(&policy, asked) {
        Err(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            html! {
                p class="problem" role="alert" {
                    (tr_in!(lang, "console-overview-bad-at", at = query.at.as_str(), example = example.as_str()))
                }
            },
        ),
        Ok(at) => match overview_of(club.clone(), at).await {
            Ok(overview) => (StatusCode::OK, figures(lang, &policy, &overview)),
            Err(error) => return PageError::from(error).page(&ctx, lang),
        },
    };
    let body = html! {
        (at_form(lang, &query, &example))
        (shown)
    };
    layout_with_status(
        &ctx,
        status,
        Page {
            lang,
            title: tr_in!(lang, "console-overview-title"),
            club: Some(&club),
            section: Section::Overview,
            body,
        },
    )
}

fn at_form(lang: Lang, query: &OverviewQuery, example: &str) -> Markup {
    html! {
        form method="get" class="at" {
            input type="hidden" name="lang" value=(lang.code());
            label for="at" { (tr_in!(lang, "console-overview-at")) }
            input id="at" name="at" value=(query.at) dir="ltr" placeholder=(example);
            " "
            button type="submit" { (tr_in!(lang, "console-overview-show")) }
        }
    }
}

/// Everything the overview shows, once it is read.
fn figures(lang: Lang, policy: &Policy, shown: &ClubOverview) -> Markup {
    let overview = &shown.overview;
    let count = |n: i64| format::points(lang, Decimal::from(n));
    let points = |value: Decimal| format::points(lang, value);
    let liability = match overview.liability {
        Some(money) => format::money(lang, policy, money),
        None => tr_in!(lang, "console-overview-no-rate"),
    };
    let cards = [
        (
            tr_in!(lang, "console-overview-members"),
            count(overview.members.total),
        ),
        (
            tr_in!(lang, "console-overview-active-30"),
            count(overview.members.active_30d),
        ),
        (
            tr_in!(lang, "console-overview-active-90"),
            count(overview.members.active_90d),
        ),
        (
            tr_in!(lang, "console-overview-outstanding"),
            points(overview.outstanding),
        ),
        (tr_in!(lang, "console-overview-liability"), liability),
    ];

    let months: Vec<String> = overview
        .months
        .iter()
        .map(|m| month_label(lang, overview.calendar, &m.month))
        .collect();
    let month_series = [
        (
            tr_in!(lang, "console-overview-issued"),
            BLUE,
            overview.months.iter().map(|m| m.issued).collect::<Vec<_>>(),
        ),
        (
            tr_in!(lang, "console-overview-spent"),
            ORANGE,
            overview.months.iter().map(|m| m.spent).collect(),
        ),
        (
            tr_in!(lang, "console-overview-expired"),
            GREY,
            overview.months.iter().map(|m| m.expired).collect(),
        ),
    ];

    let tiers: Vec<String> = overview
        .tiers
        .iter()
        .map(|t| match t.tier.as_str() {
            "none" => tr_in!(lang, "console-overview-no-tier"),
            tier => tier.to_owned(),
        })
        .collect();
    let tier_series = [(
        tr_in!(lang, "console-overview-tier-members"),
        BLUE,
        overview
            .tiers
            .iter()
            .map(|t| Decimal::from(t.members))
            .collect(),
    )];

    let rules: Vec<String> = overview.rules.iter().map(|r| r.rule.clone()).collect();
    let rule_series = [(
        tr_in!(lang, "console-overview-issued"),
        BLUE,
        overview.rules.iter().map(|r| r.issued).collect(),
    )];

    let campaigns: Vec<String> = overview
        .campaigns
        .iter()
        .map(|c| c.campaign.clone())
        .collect();
    let campaign_series = [
        (
            tr_in!(lang, "console-overview-cost"),
            ORANGE,
            overview.campaigns.iter().map(|c| c.points).collect(),
        ),
        (
            tr_in!(lang, "console-overview-budget"),
            GREY,
            overview
                .campaigns
                .iter()
                .map(|c| c.budget_points.unwrap_or_default())
                .collect(),
        ),
    ];
    let campaign_rows: Vec<(String, Vec<String>)> = overview
        .campaigns
        .iter()
        .map(|c| {
            let none = || tr_in!(lang, "console-overview-none");
            (
                c.campaign.clone(),
                vec![
                    points(c.points),
                    c.money
                        .map(|money| format::money(lang, policy, money))
                        .unwrap_or_else(none),
                    c.budget_points.map(points).unwrap_or_else(none),
                    count(c.capped_awards),
                ],
            )
        })
        .collect();

    let messages = overview.messages;
    let message_labels = vec![
        tr_in!(lang, "console-overview-sent"),
        tr_in!(lang, "console-overview-pending"),
        tr_in!(lang, "console-overview-suppressed"),
        tr_in!(lang, "console-overview-failed"),
    ];
    let message_series = [(
        tr_in!(lang, "console-overview-messages-count"),
        BLUE,
        [
            messages.sent,
            messages.pending,
            messages.suppressed,
            messages.failed,
        ]
        .into_iter()
        .map(Decimal::from)
        .collect(),
    )];

    html! {
        p class="muted" {
            (tr_in!(lang, "console-overview-as-at", at = format::time(lang, policy, overview.at)))
        }
        div class="cards" {
            @for (label, figure) in &cards {
                div class="card" {
                    div class="muted" { (label) }
                    div class="figure" { (figure) }
                }
            }
        }
        (policy_part(lang, policy, &shown.policy))
        (charted(lang, "months", tr_in!(lang, "console-overview-months"), tr_in!(lang, "console-overview-month"), &months, &month_series, None))
        @if !tiers.is_empty() {
            (charted(lang, "tiers", tr_in!(lang, "console-overview-tiers"), tr_in!(lang, "console-overview-tier"), &tiers, &tier_series, None))
        }
        @if rules.is_empty() {
            section aria-labelledby="rules" {
                h2 id="rules" { (tr_in!(lang, "console-overview-rules")) }
                p { (tr_in!(lang, "console-overview-no-points")) }
            }
        } @else {
            (charted(lang, "rules", tr_in!(lang, "console-overview-rules"), tr_in!(lang, "console-overview-rule"), &rules, &rule_series, None))
        }
        @if !campaigns.is_empty() {
            (charted(lang, "campaigns", tr_in!(lang, "console-overview-campaigns"), tr_in!(lang, "console-overview-campaign"), &campaigns, &campaign_series, Some(Table {
                head: vec![
                    tr_in!(lang, "console-overview-cost"),
                    tr_in!(lang, "console-overview-cost-money"),
                    tr_in!(lang, "console-overview-budget"),
                    tr_in!(lang, "console-overview-capped"),
                ],
                rows: campaign_rows,
            })))
        }
        (charted(lang, "messages", tr_in!(lang, "console-overview-messages"), tr_in!(lang, "console-overview-status"), &message_labels, &message_series, None))
    }
}

/// The live version, since when, and the last reload: when it failed, its problems as
/// `bashgah check` prints them.
fn policy_part(lang: Lang, policy: &Policy, live: &LivePolicy) -> Markup {
    html! {
        section aria-labelledby="policy" {
            h2 id="policy" { (tr_in!(lang, "console-overview-policy")) }
            dl {
                dt { (tr_in!(lang, "console-overview-version")) }
                dd { code { (live.version) } }
                dt { (tr_in!(lang, "console-overview-active-since")) }
                dd { (format::time(lang, policy, live.active_since)) }
                dt { (tr_in!(lang, "console-overview-last-reload")) }
                dd {
                    @match &live.last_reload {
                        None => (tr_in!(lang, "console-overview-no-reload")),
                        Some(attempt) => {
                            (format::time(lang, policy, attempt.at)) " — "
                            (match attempt.outcome {
                                "activated" => tr_in!(lang, "console-overview-activated"),
                                "unchanged" => tr_in!(lang, "console-overview-unchanged"),
                                _ => tr_in!(lang, "console-overview-reload-failed"),
                            })
                        }
                    }
                }
            }
            @if let Some(error) = &live.last_error {
                p class="problem" role="alert" { (tr_in!(lang, "console-overview-still-serving", version = live.version.as_str())) }
                pre class="diagnostics" dir="ltr" { (error) }
            }
        }
    }
}

/// A table's heads of its columns of figures and its rows: a name and figures.
struct Table {
    head: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

/// A section with a chart of `series` over `labels` and, under it, a table of the same
/// figures (`table`, or one column per series after a column `named` of the labels).
fn charted(
    lang: Lang,
    id: &str,
    title: String,
    named: String,
    labels: &[String],
    series: &[(String, &str, Vec<Decimal>)],
    table: Option<Table>,
) -> Markup {
    let shown = |value: Decimal| format::points(lang, value);
    // Under the bars, a month's name over its year: twelve fit side by side.
    let chart_labels: Vec<String> = labels
        .iter()
        .map(|label| match id {
            "months" => label.replacen(' ', "\n", 1),
            _ => label.clone(),
        })
        .collect();
    let bars: Vec<Series<'_>> = series
        .iter()
        .map(|(name, colour, values)| Series {
            name,
            colour,
            values: values.clone(),
        })
        .collect();
    let svg = BarChart {
        title: &title,
        labels: &chart_labels,
        series: &bars,
        shown: &shown,
    }
    .svg();
    let table = table.unwrap_or_else(|| Table {
        head: series.iter().map(|(name, _, _)| name.clone()).collect(),
        rows: labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let figures = series
                    .iter()
                    .map(|(_, _, values)| shown(values.get(i).copied().unwrap_or_default()))
                    .collect();
                (label.clone(), figures)
            })
            .collect(),
    });
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (title) }
            figure class="chart" { (PreEscaped(svg)) }
            table {
                caption { (title) }
                thead {
                    tr {
                        th scope="col" { (named) }
                        @for head in &table.head {
                            th scope="col" class="number" { (head) }
                        }
                    }
                }
                tbody {
                    @for (name, figures) in &table.rows {
                        tr {
                            th scope="row" { (name) }
                            @for figure in figures {
                                td class="number" { (figure) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A month as the API writes it (`1403-10`) as a reader reads it: `Dey 1403`, `دی ۱۴۰۳`.
fn month_label(lang: Lang, calendar: CalendarKind, month: &str) -> String {
    let Some((year, number)) = month
        .split_once('-')
        .and_then(|(year, number)| Some((year, number.parse::<u8>().ok()?)))
    else {
        return locale::numerals_in(lang, month);
    };
    let year = locale::numerals_in(lang, year);
    match calendar {
        CalendarKind::Jalali => {
            tr_in!(
                lang,
                "console-overview-month-jalali",
                month = number,
                year = year
            )
        }
        CalendarKind::Gregorian => {
            tr_in!(
                lang,
                "console-overview-month-gregorian",
                month = number,
                year = year
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_named_in_the_clubs_calendar_and_the_readers_language() {
        let jalali = CalendarKind::Jalali;
        assert_eq!(month_label(Lang::Fa, jalali, "1403-10"), "دی ۱۴۰۳");
        assert_eq!(month_label(Lang::En, jalali, "1403-01"), "Farvardin 1403");
        assert_eq!(month_label(Lang::En, jalali, "1403-12"), "Esfand 1403");
        let gregorian = CalendarKind::Gregorian;
        assert_eq!(month_label(Lang::En, gregorian, "2025-03"), "Mar 2025");
        assert_eq!(month_label(Lang::Fa, gregorian, "2025-03"), "مارس ۲۰۲۵");
        assert_eq!(month_label(Lang::Fa, gregorian, "odd"), "odd");
    }
}
