//! The "try a purchase" page (`/clubs/{club}/try`, issue 16 item 3): a purchase — member,
//! date and time in the club's calendar, amount, line items, attributes — tried against the
//! member as the ledger holds them, under the live version and, to compare, a draft beside
//! it: every rule with what it read and its points before and after rounding, the tier's
//! multiplier, and the entries the ledger would write.
//!
//! It is the same dry run as `POST /v1/clubs/{club}/trials` ([`try_purchase`]): the form is
//! turned into that route's body and read by the same code, so the page and the API cannot
//! disagree. Nothing is written, so the form is a GET (the URL of a trial can be shared and
//! needs no CSRF token) and any key that may see the club may use it.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::format;
use super::page::{layout_with_status, Ctx, Page, Section};
use super::Shared;
use crate::import::Field;
use crate::locale::{numerals_in, Lang};
use crate::policy::Policy;
use crate::serve::api::{ApiError, Fields};
use crate::serve::keys::Role;
use crate::serve::trials::{try_purchase, TrialAnswer, TrialRequest};
use crate::tr_in;
use crate::view::trial::{PlannedEvent, RuleSideBySide, Trial};

/// The most lines the line items or the attributes may have: a till's receipt, not a file.
const MOST_LINES: usize = 200;

/// What a line item and an attribute look like, in the hints (code, in Latin digits as
/// typed).
const ITEMS_EXAMPLE: &str = "latte, 2, 127500, coffee";
const ATTRIBUTES_EXAMPLE: &str = "table=7";

/// The form's fields, as the query carries them (all empty at first).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TryQuery {
    member: String,
    date: String,
    time: String,
    amount: String,
    items: String,
    attributes: String,
    draft: String,
}

impl TryQuery {
    /// Whether anything was asked (a first visit shows the empty form only).
    fn asked(&self) -> bool {
        [&self.member, &self.date, &self.amount]
            .iter()
            .any(|value| !value.trim().is_empty())
    }
}

/// A field of the form, named in what is said about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormField {
    Member,
    Date,
    Amount,
    Items,
    Attributes,
    Draft,
}

impl FormField {
    /// Its `id` and `name` in the form.
    fn id(self) -> &'static str {
        match self {
            FormField::Member => "member",
            FormField::Date => "date",
            FormField::Amount => "amount",
            FormField::Items => "items",
            FormField::Attributes => "attributes",
            FormField::Draft => "draft",
        }
    }

    fn label(self, lang: Lang) -> String {
        match self {
            FormField::Member => tr_in!(lang, "console-try-member"),
            FormField::Date => tr_in!(lang, "console-try-date"),
            FormField::Amount => tr_in!(lang, "console-try-amount"),
            FormField::Items => tr_in!(lang, "console-try-items"),
            FormField::Attributes => tr_in!(lang, "console-try-attributes"),
            FormField::Draft => tr_in!(lang, "console-try-draft"),
        }
    }

    /// The form field a refusal of the trials route is about: an event field of the body
    /// that is not one of the form's came from an attribute line.
    fn of_refusal(field: &str) -> FormField {
        match field {
            "member" => FormField::Member,
            "date" => FormField::Date,
            "amount" => FormField::Amount,
            "items" => FormField::Items,
            "draft" => FormField::Draft,
            _ => FormField::Attributes,
        }
    }
}

/// Something the form said that cannot be used, and where.
#[derive(Debug)]
struct Problem {
    /// `None`: not about one field (the ledger is busy...).
    field: Option<FormField>,
    message: String,
    /// A draft that does not load: its errors as `bashgah check` prints them.
    report: Option<String>,
}

impl Problem {
    fn at(field: FormField, message: String) -> Problem {
        Problem {
            field: Some(field),
            message,
            report: None,
        }
    }

    /// The trials route's refusal, on the field it names.
    fn refused(error: &ApiError) -> Problem {
        Problem {
            field: error.refused_field().map(FormField::of_refusal),
            message: error.message().to_owned(),
            report: error.report().map(str::to_owned),
        }
    }
}

pub async fn page(
    ctx: Ctx,
    State(console): State<Shared>,
    Path(club): Path<String>,
    Query(mut query): Query<TryQuery>,
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
    let drafts = crate::serve::drafts::list(&console.app.registry.folders().drafts, &club.id);
    let now = Utc::now();
    let asked = query.asked();
    if !asked {
        // The empty form is for a purchase now, on the club's clock; its address then says
        // when, so a trial shared is the same trial whenever it is opened.
        let local = now.with_timezone(&policy.zone);
        query.date = policy.club.calendar.format(local.date_naive());
        query.time = local.format("%H:%M").to_string();
    }
    let (status, problems, answer) = if asked {
        match read_form(lang, &query) {
            Err(problems) => (StatusCode::UNPROCESSABLE_ENTITY, problems, None),
            Ok(request) => match try_purchase(&console.app, &club, request).await {
                Ok(answer) => (StatusCode::OK, Vec::new(), Some(answer)),
                Err(error) => {
                    let problem = Problem::refused(&error);
                    // What the form can fix is 422 (a draft that is not there included);
                    // a busy or broken ledger keeps its own status.
                    let status = if problem.field.is_some() {
                        StatusCode::UNPROCESSABLE_ENTITY
                    } else {
                        error.status()
                    };
                    (status, vec![problem], None)
                }
            },
        }
    } else {
        (StatusCode::OK, Vec::new(), None)
    };
    let body = html! {
        p { (tr_in!(lang, "console-try-intro")) }
        (said(lang, &problems))
        (form(lang, &policy, now, &drafts, &query, &problems))
        @if let Some(answer) = &answer {
            (results(lang, &policy, answer))
        }
    };
    layout_with_status(
        &ctx,
        status,
        Page {
            lang,
            title: tr_in!(lang, "console-try-title"),
            club: Some(&club),
            section: Section::Try,
            body,
        },
    )
}

/// The form as the trials route's body: every problem the page itself can see, named by
/// field, or the request.
fn read_form(lang: Lang, query: &TryQuery) -> Result<TrialRequest, Vec<Problem>> {
    let mut problems = Vec::new();
    for (field, value) in [
        (FormField::Member, &query.member),
        (FormField::Date, &query.date),
        (FormField::Amount, &query.amount),
    ] {
        if value.trim().is_empty() {
            problems.push(Problem::at(
                field,
                tr_in!(lang, "console-try-required", field = field.label(lang)),
            ));
        }
    }
    let amount = query.amount.trim();
    if !amount.is_empty() && crate::amount::parse_bounded(amount).is_err() {
        problems.push(Problem::at(
            FormField::Amount,
            tr_in!(lang, "console-try-not-amount", text = amount),
        ));
    }
    let items =
        line_items(lang, &query.items).map_err(|message| Problem::at(FormField::Items, message));
    let attributes = attributes(lang, &query.attributes)
        .map_err(|message| Problem::at(FormField::Attributes, message));
    let (items, attributes) = match (items, attributes) {
        (Ok(items), Ok(attributes)) if problems.is_empty() => (items, attributes),
        (items, attributes) => {
            problems.extend(items.err());
            problems.extend(attributes.err());
            return Err(problems);
        }
    };
    let date = match query.time.trim() {
        "" => query.date.trim().to_owned(),
        time => format!("{} {time}", query.date.trim()),
    };
    let mut body = Fields::new();
    body.insert(
        "member".to_owned(),
        Field::Text(query.member.trim().to_owned()),
    );
    body.insert("date".to_owned(), Field::Text(date));
    body.insert("amount".to_owned(), Field::Text(amount.to_owned()));
    if !items.is_empty() {
        body.insert("items".to_owned(), Field::List(items));
    }
    if !attributes.is_empty() {
        body.insert("attributes".to_owned(), Field::Object(attributes));
    }
    if !query.draft.trim().is_empty() {
        body.insert(
            "draft".to_owned(),
            Field::Text(query.draft.trim().to_owned()),
        );
    }
    TrialRequest::from_body(Field::Object(body)).map_err(|error| vec![Problem::refused(&error)])
}

/// The lines of `text` that say something, numbered from 1; refused past [`MOST_LINES`].
fn lines(lang: Lang, text: &str) -> Result<Vec<(usize, &str)>, String> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    if lines.len() > MOST_LINES {
        return Err(tr_in!(
            lang,
            "console-try-too-many-lines",
            most = MOST_LINES
        ));
    }
    Ok(lines)
}

/// Line items, one `sku, quantity, price` a line, with a category after if the rules read
/// one; the values are read (and refused, naming the item) by the event reader.
fn line_items(lang: Lang, text: &str) -> Result<Vec<Field>, String> {
    lines(lang, text)?
        .into_iter()
        .map(|(n, line)| {
            // A Persian keyboard types `،` for a comma.
            let parts: Vec<&str> = line.split([',', '،']).map(str::trim).collect();
            let (sku, qty, price, category) = match parts.as_slice() {
                [sku, qty, price] => (*sku, *qty, *price, None),
                [sku, qty, price, category] => (*sku, *qty, *price, Some(*category)),
                _ => return Err(tr_in!(lang, "console-try-item-line", line = n)),
            };
            let mut item = Fields::new();
            item.insert("sku".to_owned(), Field::Text(sku.to_owned()));
            item.insert("qty".to_owned(), Field::Text(qty.to_owned()));
            item.insert("price".to_owned(), Field::Text(price.to_owned()));
            if let Some(category) = category.filter(|c| !c.is_empty()) {
                item.insert("category".to_owned(), Field::Text(category.to_owned()));
            }
            Ok(Field::Object(item))
        })
        .collect()
}

/// Attributes, one `key=value` a line; a key given twice is refused, not overwritten.
fn attributes(lang: Lang, text: &str) -> Result<Fields, String> {
    let mut attributes = Fields::new();
    for (n, line) in lines(lang, text)? {
        let Some((key, value)) = line.split_once('=') else {
            return Err(tr_in!(lang, "console-try-attribute-line", line = n));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(tr_in!(lang, "console-try-attribute-line", line = n));
        }
        if attributes
            .insert(key.to_owned(), Field::Text(value.trim().to_owned()))
            .is_some()
        {
            return Err(tr_in!(
                lang,
                "console-try-attribute-twice",
                key = key,
                line = n
            ));
        }
    }
    Ok(attributes)
}

/// What cannot be used, each naming its field (a link to it), above the form.
fn said(lang: Lang, problems: &[Problem]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div class="problem" role="alert" id="try-problems" {
                p { (tr_in!(lang, "console-try-problems")) }
                ul {
                    @for problem in problems {
                        li id=[problem.field.map(|f| format!("{}-problem", f.id()))] {
                            @if let Some(field) = problem.field {
                                a href=(format!("#{}", field.id())) { (field.label(lang)) } ": "
                            }
                            bdi { (problem.message) }
                        }
                    }
                }
                @for report in problems.iter().filter_map(|p| p.report.as_deref()) {
                    pre class="diagnostics" dir="ltr" { (report) }
                }
            }
        }
    }
}

fn form(
    lang: Lang,
    policy: &Policy,
    now: DateTime<Utc>,
    drafts: &[String],
    query: &TryQuery,
    problems: &[Problem],
) -> Markup {
    // An input said to be wrong points at what is said about it.
    let invalid = |field: FormField| problems.iter().any(|p| p.field == Some(field));
    let described = |field: FormField, hint: Option<&str>| {
        let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
        if invalid(field) {
            ids.push(format!("{}-problem", field.id()));
        }
        Some(ids.join(" ")).filter(|ids| !ids.is_empty())
    };
    let today = policy.local_date(now);
    // A field of lines (line items, attributes): its label, a hint ending in an example,
    // and the text as typed.
    let lines_field = |field: FormField, hint: &str, example: &str, value: &str| {
        let hint_id = format!("{}-hint", field.id());
        html! {
            label for=(field.id()) { (field.label(lang)) }
            p class="hint" id=(hint_id) { (hint) " " code dir="ltr" { (example) } }
            textarea id=(field.id()) name=(field.id()) rows="3" dir="ltr" placeholder=(example)
                aria-invalid=[invalid(field).then_some("true")]
                aria-describedby=[described(field, Some(&hint_id))] { (value) }
        }
    };
    html! {
        form method="get" id="try" class="try" {
            input type="hidden" name="lang" value=(lang.code());
            label for="member" { (FormField::Member.label(lang)) }
            input id="member" name="member" value=(query.member) required dir="ltr"
                autocomplete="off" aria-invalid=[invalid(FormField::Member).then_some("true")]
                aria-describedby=[described(FormField::Member, None)];
            label for="date" { (FormField::Date.label(lang)) }
            p class="hint" id="date-hint" {
                (tr_in!(lang, "console-try-date-hint", example = numerals_in(lang, &today)))
            }
            input id="date" name="date" value=(query.date) required dir="ltr"
                placeholder=(today) aria-invalid=[invalid(FormField::Date).then_some("true")]
                aria-describedby=[described(FormField::Date, Some("date-hint"))];
            label for="time" { (tr_in!(lang, "console-try-time")) }
            input id="time" name="time" type="time" value=(query.time) dir="ltr";
            label for="amount" { (FormField::Amount.label(lang)) }
            p class="hint" id="amount-hint" {
                (tr_in!(lang, "console-try-amount-hint", currency = policy.club.currency.as_str()))
            }
            input id="amount" name="amount" value=(query.amount) required dir="ltr"
                inputmode="decimal" aria-invalid=[invalid(FormField::Amount).then_some("true")]
                aria-describedby=[described(FormField::Amount, Some("amount-hint"))];
            (lines_field(FormField::Items, &tr_in!(lang, "console-try-items-hint"), ITEMS_EXAMPLE, &query.items))
            (lines_field(
                FormField::Attributes,
                &tr_in!(lang, "console-try-attributes-hint"),
                ATTRIBUTES_EXAMPLE,
                &query.attributes,
            ))
            label for="draft" { (FormField::Draft.label(lang)) }
            p class="hint" id="draft-hint" {
                @if drafts.is_empty() {
                    (tr_in!(lang, "console-try-no-drafts"))
                } @else {
                    (tr_in!(lang, "console-try-draft-hint"))
                }
            }
            select id="draft" name="draft" aria-invalid=[invalid(FormField::Draft).then_some("true")]
                aria-describedby=[described(FormField::Draft, Some("draft-hint"))] {
                option value="" selected[query.draft.is_empty()] { (tr_in!(lang, "console-try-live-only")) }
                @for name in drafts {
                    option value=(name) selected[*name == query.draft] { (name) }
                }
            }
            p { button type="submit" { (tr_in!(lang, "console-try-run")) } }
        }
    }
}

/// The trial: the event as read, the comparison when a draft was chosen, and each version
/// in its own column.
fn results(lang: Lang, policy: &Policy, answer: &TrialAnswer) -> Markup {
    let amount = number(answer.event.amount.as_str())
        .map(|a| format::money(lang, policy, a))
        .unwrap_or_else(|| answer.event.amount.clone());
    html! {
        section aria-labelledby="tried" class="tried" {
            h2 id="tried" { (tr_in!(lang, "console-try-result")) }
            p {
                (tr_in!(
                    lang,
                    "console-try-event",
                    amount = amount,
                    member = answer.event.member.as_str(),
                    when = format::time(lang, policy, answer.event.time)
                ))
            }
            p class="muted" { (tr_in!(lang, "console-try-dry-run")) }
            @if let (Some(rules), Some(draft)) = (&answer.rules, &answer.draft) {
                (comparison(lang, rules, &answer.live, &draft.trial, &draft.name))
            }
            div class="columns" {
                (version(lang, policy, "live", &tr_in!(lang, "console-try-live"), &answer.live))
                @if let Some(draft) = &answer.draft {
                    (version(
                        lang,
                        policy,
                        "draft",
                        &tr_in!(lang, "console-try-draft-version", name = draft.name.as_str()),
                        &draft.trial,
                    ))
                }
            }
        }
    }
}

/// Each rule's points under both versions, the difference, and the event's totals.
fn comparison(
    lang: Lang,
    rules: &[RuleSideBySide],
    live: &Trial,
    draft: &Trial,
    name: &str,
) -> Markup {
    let cell = |value: Option<&str>| value.map_or_else(|| "—".to_owned(), |v| points(lang, v));
    let difference =
        |a: Option<&str>, b: Option<&str>| match (a.and_then(number), b.and_then(number)) {
            (Some(a), Some(b)) => format::signed_points(lang, b.saturating_sub(a)),
            _ => "—".to_owned(),
        };
    let draft_heading = tr_in!(lang, "console-try-draft-version", name = name);
    html! {
        table class="comparison" {
            caption { (tr_in!(lang, "console-try-comparison")) }
            thead {
                tr {
                    th scope="col" { (tr_in!(lang, "console-try-rule")) }
                    th scope="col" class="number" { (tr_in!(lang, "console-try-live")) }
                    th scope="col" class="number" { (draft_heading) }
                    th scope="col" class="number" { (tr_in!(lang, "console-try-difference")) }
                }
            }
            tbody {
                @for rule in rules {
                    tr {
                        th scope="row" { code { (rule.rule) } }
                        td class="number" { (cell(rule.live.as_deref())) }
                        td class="number" { (cell(rule.draft.as_deref())) }
                        td class="number" { (difference(rule.live.as_deref(), rule.draft.as_deref())) }
                    }
                }
            }
            tfoot {
                tr {
                    th scope="row" { (tr_in!(lang, "console-try-total-heading")) }
                    td class="number" { (points(lang, &live.points)) }
                    td class="number" { (points(lang, &draft.points)) }
                    td class="number" { (difference(Some(&live.points), Some(&draft.points))) }
                }
            }
        }
    }
}

/// One version's verdict: the member, every rule, the rounding, what falls due first and
/// the entries, with the event's total.
fn version(lang: Lang, policy: &Policy, id: &str, title: &str, trial: &Trial) -> Markup {
    let member = &trial.member;
    let none = tr_in!(lang, "console-try-none");
    html! {
        section aria-labelledby=(id) class="version" {
            h3 id=(id) { (title) " " span class="muted" dir="ltr" { "(" code { (trial.policy_version) } ")" } }
            table {
                caption { (tr_in!(lang, "console-try-the-member")) }
                tbody {
                    tr {
                        th scope="row" { (FormField::Member.label(lang)) }
                        td {
                            bdi { code { (member.id) } }
                            @if !member.known { " " (tr_in!(lang, "console-try-new-member")) }
                        }
                    }
                    tr { th scope="row" { (tr_in!(lang, "console-try-member-type")) } td { code { (member.member_type) } } }
                    tr {
                        th scope="row" { (tr_in!(lang, "console-try-tier")) }
                        td { @match &member.tier { Some(tier) => code { (tier) }, None => (none) } }
                    }
                    tr {
                        th scope="row" { (tr_in!(lang, "console-try-multiplier")) }
                        td class="number" {
                            @match &member.multiplier { Some(m) => { "×" (points(lang, m)) }, None => (none) }
                        }
                    }
                    tr {
                        th scope="row" { (tr_in!(lang, "console-try-balance-before")) }
                        td class="number" { (points(lang, &member.balance)) }
                    }
                    tr {
                        th scope="row" { (tr_in!(lang, "console-try-balance-after")) }
                        td class="number" {
                            @match &trial.balance_after {
                                Some(after) => (points(lang, after)),
                                None => (tr_in!(lang, "console-try-rejected")),
                            }
                        }
                    }
                }
            }
            @if let Some(error) = &trial.error {
                p class="problem" role="alert" {
                    (tr_in!(lang, "console-try-rules-fail"))
                    " " bdi { (error.message) }
                    @if let Some(file) = &error.file {
                        " " code dir="ltr" {
                            (file)
                            @if let Some(line) = error.line { ":" (line) }
                            @if let Some(column) = error.column { ":" (column) }
                        }
                    }
                }
            }
            table class="rules" {
                caption { (tr_in!(lang, "console-try-rules")) }
                thead {
                    tr {
                        th scope="col" { (tr_in!(lang, "console-try-rule")) }
                        th scope="col" { (tr_in!(lang, "console-try-place")) }
                        th scope="col" { (tr_in!(lang, "console-try-status")) }
                        th scope="col" { (tr_in!(lang, "console-try-reads")) }
                        th scope="col" class="number" { (tr_in!(lang, "console-try-raw")) }
                        th scope="col" class="number" { (tr_in!(lang, "console-try-points")) }
                    }
                }
                tbody {
                    @for rule in &trial.rules {
                        tr {
                            th scope="row" { code { (rule.rule) } }
                            td { code dir="ltr" { (rule.place) } }
                            td { (status(lang, &rule.status)) }
                            td dir="ltr" {
                                @for (i, read) in rule.reads.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    code { (read) }
                                }
                            }
                            td class="number" {
                                @match &rule.raw_points { Some(raw) => (points(lang, raw)), None => "—" }
                            }
                            td class="number" {
                                (points(lang, &rule.points))
                                @if rule.rounded { " " span class="muted" { (tr_in!(lang, "console-try-rounded")) } }
                            }
                        }
                    }
                }
            }
            p {
                (tr_in!(
                    lang,
                    "console-try-rounding",
                    mode = rounding(lang, &trial.rounding.mode),
                    precision = trial.rounding.precision
                ))
            }
            @if !trial.falls_due.is_empty() {
                (planned(lang, &tr_in!(lang, "console-try-falls-due"), &trial.falls_due))
            }
            (planned(lang, &tr_in!(lang, "console-try-entries"), &trial.entries))
            @if !trial.tier_changes.is_empty() {
                ul class="tiers" {
                    @for change in &trial.tier_changes {
                        li {
                            (tr_in!(
                                lang,
                                "console-try-tier-change",
                                member = change.member.as_str(),
                                from = change.from.clone().unwrap_or_else(|| none.clone()),
                                to = change.to.clone().unwrap_or_else(|| none.clone()),
                                date = numerals_in(lang, &change.date)
                            ))
                            " " bdi { (change.reason) }
                        }
                    }
                }
            }
            p class="total" {
                strong {
                    (tr_in!(
                        lang,
                        "console-try-total",
                        points = points(lang, &trial.points),
                        name = policy.club.points.name.as_str()
                    ))
                }
            }
        }
    }
}

/// Events the ledger would hold, an entry a row.
fn planned(lang: Lang, caption: &str, events: &[PlannedEvent]) -> Markup {
    html! {
        @if events.iter().all(|e| e.entries.is_empty()) {
            p { (caption) ": " (tr_in!(lang, "console-try-no-entries")) }
        } @else {
            table class="entries" {
                caption { (caption) }
                thead {
                    tr {
                        th scope="col" { (tr_in!(lang, "console-try-event-id")) }
                        th scope="col" { (FormField::Member.label(lang)) }
                        th scope="col" { (FormField::Date.label(lang)) }
                        th scope="col" { (tr_in!(lang, "console-try-rule")) }
                        th scope="col" { (tr_in!(lang, "console-try-kind")) }
                        th scope="col" { (tr_in!(lang, "console-try-reason")) }
                        th scope="col" class="number" { (tr_in!(lang, "console-try-points")) }
                    }
                }
                tbody {
                    @for event in events {
                        @for entry in &event.entries {
                            tr {
                                td { bdi { code { (event.event) } } }
                                td { bdi { code { (event.member) } } }
                                td { (numerals_in(lang, &event.date)) }
                                td { code { (entry.rule) } }
                                td { code { (entry.kind) } }
                                td { bdi { (entry.reason) } }
                                td class="number" { (signed(lang, &entry.points)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A rule's status, in words.
fn status(lang: Lang, status: &str) -> String {
    match status {
        "ran" => tr_in!(lang, "console-try-status-ran"),
        "not_for_this_event_type" => tr_in!(lang, "console-try-status-other-type"),
        "disabled" => tr_in!(lang, "console-try-status-disabled"),
        "campaign_closed" => tr_in!(lang, "console-try-status-campaign-closed"),
        other => other.to_owned(),
    }
}

/// A rounding mode, in words.
fn rounding(lang: Lang, mode: &str) -> String {
    match mode {
        "floor" => tr_in!(lang, "console-try-rounding-floor"),
        "ceil" => tr_in!(lang, "console-try-rounding-ceil"),
        "halfup" => tr_in!(lang, "console-try-rounding-half-up"),
        "halfeven" => tr_in!(lang, "console-try-rounding-half-even"),
        "truncate" => tr_in!(lang, "console-try-rounding-truncate"),
        other => other.to_owned(),
    }
}

/// An exact number as the trial writes it (`25.5`).
fn number(text: &str) -> Option<Decimal> {
    text.parse().ok()
}

/// Points the trial wrote as text, in the page's digits.
fn points(lang: Lang, text: &str) -> String {
    number(text).map_or_else(|| numerals_in(lang, text), |p| format::points(lang, p))
}

/// An entry's points with their sign.
fn signed(lang: Lang, text: &str) -> String {
    number(text).map_or_else(
        || numerals_in(lang, text),
        |p| format::signed_points(lang, p),
    )
}
