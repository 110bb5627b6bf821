//! Checks on what `club.yaml` means, beyond its shape: a real timezone, unique ids,
//! thresholds that make sense. Each problem points at the value it is about.

use std::collections::HashSet;

use chrono_tz::Tz;

use super::club_file::ClubFile;
use super::span::{MAX_DAYS, MAX_MONTHS, MAX_YEARS};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::locale::numerals;
use crate::tr;
use crate::yaml::PathSegment::{Index, Key};

/// Points kept to more decimal places than this are almost surely a typo.
const MAX_PRECISION: u32 = 6;

/// A club's folder is named by its id (`policies/cafe/` holds `id: cafe`), so that a
/// club is found by its id; a draft copy of a club is the exception.
pub fn validate_folder(file: &ClubFile) -> Option<Diagnostic> {
    let club = &file.definition;
    let folder = file
        .path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())?;
    (folder != club.id).then(|| {
        file.error_at(
            &[Key("id")],
            tr!("club-id-differs", id = &club.id, folder = folder),
        )
        .with_help(tr!("club-id-differs-help", folder = folder))
    })
}

pub fn validate(file: &ClubFile) -> Vec<Diagnostic> {
    let club = &file.definition;
    let mut out = Vec::new();
    validate_numbers(file, &file.tree, &mut out);
    validate_multipliers(file, &mut out);
    super::import_profiles::validate_profiles(file, &mut out);
    validate_reload(file, &mut out);
    validate_webhooks(file, &mut out);
    super::groups_check::validate_groups(file, &mut out);
    super::value::validate_value(file, &mut out);

    if club.id.is_empty()
        || !club
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        out.push(
            file.error_at(&[Key("id")], tr!("club-id-invalid", id = &club.id))
                .with_help(tr!("club-id-invalid-help")),
        );
    }
    if club.currency.len() != 3 || !club.currency.chars().all(|c| c.is_ascii_uppercase()) {
        out.push(
            file.error_at(
                &[Key("currency")],
                tr!("club-currency-invalid", currency = &club.currency),
            )
            .with_help(tr!("club-currency-help")),
        );
    }
    if club.timezone.parse::<Tz>().is_err() {
        let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
        let mut diagnostic = file.error_at(
            &[Key("timezone")],
            tr!("club-timezone-unknown", timezone = &club.timezone),
        );
        diagnostic = match did_you_mean(&club.timezone, names) {
            Some(near) => diagnostic.with_help(tr!("did-you-mean", name = near)),
            None => diagnostic.with_help(tr!("club-timezone-help")),
        };
        out.push(diagnostic);
    }
    if club.points.precision > MAX_PRECISION {
        out.push(file.error_at(
            &[Key("points"), Key("precision")],
            tr!(
                "club-precision-too-large",
                precision = numerals(&club.points.precision.to_string()),
                most = MAX_PRECISION
            ),
        ));
    }

    if club.member_types.is_empty() {
        out.push(file.error_at(&[Key("member_types")], tr!("club-no-member-types")));
    }
    let mut seen = HashSet::new();
    for (i, member_type) in club.member_types.iter().enumerate() {
        if !seen.insert(member_type.id.as_str()) {
            out.push(file.error_at(
                &[Key("member_types"), Index(i), Key("id")],
                tr!("club-member-type-twice", id = &member_type.id),
            ));
        }
    }

    if club.rules.is_empty() {
        out.push(Diagnostic::warning(tr!("club-no-rules")).in_file(&file.path));
    }
    let mut seen = HashSet::new();
    for (i, rule) in club.rules.iter().enumerate() {
        if !seen.insert(rule.id.as_str()) {
            out.push(file.error_at(
                &[Key("rules"), Index(i), Key("id")],
                tr!("club-rule-twice", id = &rule.id),
            ));
        }
        if let Some(internal) = rule.events.iter().find(|e| !e.for_rules()) {
            out.push(
                file.error_at(
                    &[Key("rules"), Index(i), Key("events")],
                    tr!("club-rule-internal-events", event = internal.to_string()),
                )
                .with_help(tr!(
                    "club-rule-events-help",
                    events =
                        crate::yaml::list(crate::event::EventType::IMPORTABLE.map(String::from))
                )),
            );
        }
        if rule.events.is_empty() {
            out.push(file.error_at(
                &[Key("rules"), Index(i), Key("events")],
                tr!("club-rule-no-events", rule = &rule.id),
            ));
        }
    }

    if let Some(expiry) = &club.points.expiry {
        validate_expiry(file, &[Key("points"), Key("expiry")], expiry, &mut out);
    }
    for (i, rule) in club.rules.iter().enumerate() {
        if let Some(expiry) = &rule.expiry {
            validate_expiry(
                file,
                &[Key("rules"), Index(i), Key("expiry")],
                expiry,
                &mut out,
            );
        }
    }
    validate_tiers(file, &mut out);
    validate_rewards(file, &mut out);
    validate_deals(file, &mut out);
    validate_messages(file, &mut out);
    validate_campaigns(file, &mut out);
    out
}

fn validate_tiers(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let club = &file.definition;
    let member_types: Vec<&str> = club.member_types.iter().map(|t| t.id.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, tier) in club.tiers.iter().enumerate() {
        if !seen.insert(tier.id.as_str()) {
            out.push(file.error_at(
                &[Key("tiers"), Index(i), Key("id")],
                tr!("club-tier-twice", id = &tier.id),
            ));
        }
        for member_type in tier.thresholds.keys() {
            if !member_types.contains(&member_type.as_str()) {
                let mut diagnostic = file.error_at(
                    &[Key("tiers"), Index(i), Key("thresholds"), Key(member_type)],
                    tr!(
                        "club-tier-unknown-member-type",
                        tier = &tier.id,
                        member_type = member_type
                    ),
                );
                // Point at the key, not its value.
                if let Some(key) = file
                    .tree
                    .find(&[Key("tiers"), Index(i), Key("thresholds")])
                    .and_then(|n| n.key_node(member_type))
                {
                    diagnostic = diagnostic.at(
                        crate::diagnostic::Location::new(&file.path, key.line, key.column)
                            .with_width(key.width()),
                        Some(&file.source),
                    );
                }
                if let Some(near) = did_you_mean(member_type, member_types.iter().copied()) {
                    diagnostic = diagnostic.with_help(tr!("did-you-mean", name = near));
                }
                out.push(diagnostic);
            }
        }
    }
    for member_type in &member_types {
        let mut previous: Option<(&str, rust_decimal::Decimal)> = None;
        for (i, tier) in club.tiers.iter().enumerate() {
            let Some(threshold) = tier.thresholds.get(*member_type) else {
                continue;
            };
            if let Some((lower, lower_threshold)) = previous {
                if *threshold <= lower_threshold {
                    out.push(
                        file.error_at(
                            &[Key("tiers"), Index(i), Key("thresholds"), Key(member_type)],
                            tr!(
                                "club-tier-out-of-order",
                                tier = &tier.id,
                                threshold = numerals(&threshold.to_string()),
                                member_type = *member_type,
                                lower = lower,
                                lower_threshold = numerals(&lower_threshold.to_string())
                            ),
                        )
                        .with_help(tr!("club-tier-order-help")),
                    );
                }
            }
            previous = Some((&tier.id, *threshold));
        }
    }
    if club.tiers.is_empty() && file.tree.key_node("tiering").is_some() {
        out.push(file.warning_at_key("tiering", tr!("club-tiering-without-tiers")));
    }
    let tiering = &club.tiering;
    match (tiering.metric, &tiering.function) {
        (crate::club::TierMetric::Function, None) => out.push(
            file.error_at(
                &[Key("tiering"), Key("metric")],
                tr!("club-metric-needs-function"),
            )
            .with_help(tr!("club-metric-needs-function-help")),
        ),
        (metric, Some(_)) if metric != crate::club::TierMetric::Function => {
            out.push(file.error_at(
                &[Key("tiering"), Key("function")],
                tr!("club-function-needs-metric"),
            ))
        }
        _ => {}
    }
}

fn validate_expiry(
    file: &ClubFile,
    at: &[crate::yaml::PathSegment],
    expiry: &super::ExpiryPolicy,
    out: &mut Vec<Diagnostic>,
) {
    let path = |key| {
        let mut path = at.to_vec();
        path.push(Key(key));
        path
    };
    if expiry.after.is_some() && expiry.end_of.is_some() {
        out.push(
            file.error_at(&path("end_of"), tr!("club-expiry-both"))
                .with_help(tr!("club-expiry-both-help")),
        );
    }
    if expiry.round_to.is_some() && expiry.after.is_none() {
        out.push(
            file.error_at(&path("round_to"), tr!("club-round-to-needs-after"))
                .with_help(tr!("club-round-to-needs-after-help")),
        );
    }
    if expiry.warn_before.is_some()
        && expiry.after.is_none()
        && expiry.end_of.is_none()
        && expiry.inactivity.is_none()
    {
        out.push(file.error_at(
            &path("warn_before"),
            tr!("club-warn-before-nothing-expires"),
        ));
    }
}

/// A code's basket rules: only on rewards with a code, a percentage or an amount (not both),
/// each above zero.
fn validate_code_terms(
    file: &ClubFile,
    i: usize,
    reward: &super::RewardDefinition,
    out: &mut Vec<Diagnostic>,
) {
    use rust_decimal::Decimal;
    let at = |key| [Key("rewards"), Index(i), Key(key)];
    let code_terms = [
        ("discount", reward.discount.is_some()),
        ("minimum_basket", reward.minimum_basket.is_some()),
        ("code_expires_after", reward.code_expires_after.is_some()),
    ];
    if !reward.kind.has_code() {
        for (key, _) in code_terms.iter().filter(|(_, set)| *set) {
            out.push(file.error_at(
                &at(key),
                tr!("club-reward-no-code", reward = &reward.id, key = *key),
            ));
        }
    }
    if let Some(minimum) = reward.minimum_basket {
        if minimum <= Decimal::ZERO {
            out.push(file.error_at(&at("minimum_basket"), tr!("club-minimum-basket")));
        }
    }
    let Some(discount) = reward.discount else {
        return;
    };
    let here = |key| [Key("rewards"), Index(i), Key("discount"), Key(key)];
    match (discount.percent, discount.amount) {
        (Some(_), Some(_)) | (None, None) => out.push(
            file.error_at(&at("discount"), tr!("club-discount-one-of"))
                .with_help(tr!("club-discount-one-of-help")),
        ),
        (Some(percent), None) if percent <= Decimal::ZERO || percent > Decimal::ONE_HUNDRED => {
            out.push(file.error_at(
                &here("percent"),
                tr!(
                    "club-discount-percent",
                    percent = numerals(&percent.to_string())
                ),
            ));
        }
        (None, Some(amount)) if amount <= Decimal::ZERO => {
            out.push(file.error_at(&here("amount"), tr!("club-discount-amount")));
        }
        _ => {}
    }
    if let Some(up_to) = discount.up_to {
        if discount.percent.is_none() {
            out.push(file.error_at(&here("up_to"), tr!("club-up-to-needs-percent")));
        } else if up_to <= Decimal::ZERO {
            out.push(file.error_at(&here("up_to"), tr!("club-up-to-above-zero")));
        }
    }
}

fn validate_rewards(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let club = &file.definition;
    let member_types: Vec<&str> = club.member_types.iter().map(|t| t.id.as_str()).collect();
    let tiers: Vec<&str> = club.tiers.iter().map(|t| t.id.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, reward) in club.rewards.iter().enumerate() {
        let at = |key| [Key("rewards"), Index(i), Key(key)];
        if !seen.insert(reward.id.as_str()) {
            out.push(file.error_at(&at("id"), tr!("club-reward-twice", id = &reward.id)));
        }
        if reward.cost <= rust_decimal::Decimal::ZERO {
            out.push(file.error_at(&at("cost"), tr!("club-reward-cost", reward = &reward.id)));
        }
        for (j, member_type) in reward.member_types.iter().enumerate() {
            if !member_types.contains(&member_type.as_str()) {
                let mut diagnostic = file.error_at(
                    &[Key("rewards"), Index(i), Key("member_types"), Index(j)],
                    tr!(
                        "club-reward-unknown-member-type",
                        reward = &reward.id,
                        member_type = member_type
                    ),
                );
                if let Some(near) = did_you_mean(member_type, member_types.iter().copied()) {
                    diagnostic = diagnostic.with_help(tr!("did-you-mean", name = near));
                }
                out.push(diagnostic);
            }
        }
        for (j, tier) in reward.tiers.iter().enumerate() {
            if !tiers.contains(&tier.as_str()) {
                let mut diagnostic = file.error_at(
                    &[Key("rewards"), Index(i), Key("tiers"), Index(j)],
                    tr!("club-reward-unknown-tier", reward = &reward.id, tier = tier),
                );
                if let Some(near) = did_you_mean(tier, tiers.iter().copied()) {
                    diagnostic = diagnostic.with_help(tr!("did-you-mean", name = near));
                }
                out.push(diagnostic);
            }
        }
        validate_code_terms(file, i, reward, out);
        let mut dates = Vec::new();
        for key in ["valid_from", "valid_until"] {
            let text = if key == "valid_from" {
                &reward.valid_from
            } else {
                &reward.valid_until
            };
            if let Some(text) = text {
                match club.calendar.parse_date(text) {
                    Ok(date) => dates.push(date),
                    Err(message) => out.push(file.error_at(&at(key), message)),
                }
            }
        }
        if let [from, until] = dates.as_slice() {
            if from > until {
                out.push(file.error_at(
                    &at("valid_until"),
                    tr!("club-reward-ends-before-start", reward = &reward.id),
                ));
            }
        }
        match (reward.kind, reward.credit) {
            (super::RewardKind::Credit, None) => out.push(
                file.error_at(
                    &at("kind"),
                    tr!("club-reward-credit-missing", reward = &reward.id),
                )
                .with_help(tr!("club-reward-credit-missing-help")),
            ),
            (kind, Some(_)) if kind != super::RewardKind::Credit => {
                out.push(file.error_at(&at("credit"), tr!("club-credit-only-for-credit")))
            }
            _ => {}
        }
    }
    if let Some(credit) = &club.credit {
        if credit.rate <= rust_decimal::Decimal::ZERO {
            out.push(file.error_at(&[Key("credit"), Key("rate")], tr!("club-credit-rate")));
        }
    }
}

fn validate_deals(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let club = &file.definition;
    let tiers: Vec<&str> = club.tiers.iter().map(|t| t.id.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, deal) in club.deals.iter().enumerate() {
        let at = |keys: &[&'static str]| {
            let mut path = vec![Key("deals"), Index(i)];
            path.extend(keys.iter().map(|k| Key(k)));
            path
        };
        if !seen.insert(deal.id.as_str()) {
            out.push(file.error_at(&at(&["id"]), tr!("club-deal-twice", id = &deal.id)));
        }
        match (deal.periods, deal.window) {
            (None, None) => out.push(
                file.error_at(
                    &at(&["period"]),
                    tr!("club-deal-no-length", deal = &deal.id),
                )
                .with_help(tr!("club-deal-no-length-help")),
            ),
            (Some(_), Some(_)) => {
                out.push(file.error_at(&at(&["window"]), tr!("club-deal-both-lengths")))
            }
            (Some(0), None) => {
                out.push(file.error_at(&at(&["periods"]), tr!("club-deal-zero-periods")))
            }
            (Some(periods), None) => {
                // The same bound as a `window:` span: 100 years of weeks, months or quarters.
                let limit = match deal.period {
                    super::DealPeriod::Week => MAX_DAYS / 7,
                    super::DealPeriod::Month => MAX_MONTHS,
                    super::DealPeriod::Quarter => MAX_MONTHS / 3,
                };
                if periods > limit {
                    let (deal_id, periods) = (&deal.id, numerals(&periods.to_string()));
                    let what = match deal.period {
                        super::DealPeriod::Week => {
                            tr!("club-deal-lasts-weeks", deal = deal_id, periods = periods)
                        }
                        super::DealPeriod::Month => {
                            tr!("club-deal-lasts-months", deal = deal_id, periods = periods)
                        }
                        super::DealPeriod::Quarter => {
                            tr!(
                                "club-deal-lasts-quarters",
                                deal = deal_id,
                                periods = periods
                            )
                        }
                    };
                    out.push(too_long(
                        file,
                        &at(&["periods"]),
                        what,
                        format!("periods: {limit}"),
                    ));
                }
            }
            (None, Some(window)) => {
                let period_days = match deal.period {
                    super::DealPeriod::Week => 7,
                    super::DealPeriod::Month => 28,
                    super::DealPeriod::Quarter => 89,
                };
                let window_days = match window {
                    super::Span::Days(days) => days,
                    super::Span::Months(months) => months.saturating_mul(28),
                };
                if window_days < period_days {
                    out.push(
                        file.error_at(
                            &at(&["window"]),
                            tr!(
                                "club-deal-window-short",
                                deal = &deal.id,
                                window = window.to_string(),
                                period = match deal.period {
                                    super::DealPeriod::Week => tr!("club-period-week"),
                                    super::DealPeriod::Month => tr!("club-period-month"),
                                    super::DealPeriod::Quarter => tr!("club-period-quarter"),
                                }
                            )
                            .to_lowercase(),
                        )
                        .with_help(tr!("club-deal-window-short-help")),
                    );
                }
            }
        }
        let tier_fields = [
            (&deal.benefits.tier, ["benefits", "tier"]),
            (&deal.completion.tier, ["completion", "tier"]),
        ];
        for (tier, keys) in tier_fields {
            if let Some(tier) = tier {
                if !tiers.contains(&tier.as_str()) {
                    let mut diagnostic = file.error_at(
                        &at(&keys),
                        tr!("club-deal-unknown-tier", deal = &deal.id, tier = tier),
                    );
                    diagnostic = match did_you_mean(tier, tiers.iter().copied()) {
                        Some(near) => diagnostic.with_help(tr!("did-you-mean", name = near)),
                        None if tiers.is_empty() => diagnostic.with_help(tr!("club-no-tiers")),
                        None => diagnostic.with_help(tr!(
                            "club-tiers-are",
                            tiers = crate::yaml::list(tiers.iter().map(|t| t.to_string()))
                        )),
                    };
                    out.push(diagnostic);
                }
            }
        }
        if deal.completion.tier.is_some() && deal.completion.tier_months == 0 {
            out.push(file.error_at(
                &at(&["completion", "tier"]),
                tr!("club-completion-tier-months"),
            ));
        }
        if deal.completion.tier_months > MAX_MONTHS {
            out.push(too_long(
                file,
                &at(&["completion", "tier_months"]),
                tr!(
                    "club-deal-keeps-tier",
                    deal = &deal.id,
                    months = numerals(&deal.completion.tier_months.to_string())
                ),
                format!("tier_months: {MAX_MONTHS}"),
            ));
        }
    }
}

/// Every number written in the club is at most [`crate::amount::LARGEST`] in size: a
/// threshold, bonus, cost, rate or budget beyond it could make no event's sums exact.
fn validate_numbers(file: &ClubFile, node: &crate::yaml::Node, out: &mut Vec<Diagnostic>) {
    use crate::yaml::NodeValue;
    match &node.value {
        NodeValue::Scalar(text) => {
            let number = text
                .trim()
                .parse::<rust_decimal::Decimal>()
                .ok()
                .or_else(|| rust_decimal::Decimal::from_scientific(text.trim()).ok());
            let huge = match number {
                Some(number) => number.abs() > crate::amount::LARGEST,
                // All digits, but too many for a decimal at all.
                None => {
                    let digits = text.trim().trim_start_matches(['-', '+']);
                    digits.len() > 18 && digits.chars().all(|c| c.is_ascii_digit())
                }
            };
            if huge {
                let location = crate::diagnostic::Location::new(&file.path, node.line, node.column)
                    .with_width(node.width());
                out.push(
                    Diagnostic::error(tr!(
                        "club-number-too-large",
                        number = text.trim(),
                        largest = crate::amount::LARGEST
                    ))
                    .at(location, Some(&file.source)),
                );
            }
        }
        NodeValue::Sequence(items) => {
            for item in items {
                validate_numbers(file, item, out);
            }
        }
        NodeValue::Mapping(entries) => {
            for (_, value) in entries {
                validate_numbers(file, value, out);
            }
        }
    }
}

/// The most a tier's or a deal's multiplier may be: generous for any programme, and far
/// from making one award's points overflow.
const MAX_MULTIPLIER: u32 = 1000;

/// Multipliers are between 0 and [`MAX_MULTIPLIER`].
fn validate_multipliers(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let club = &file.definition;
    let limit = rust_decimal::Decimal::from(MAX_MULTIPLIER);
    let tiers = club.tiers.iter().enumerate().map(|(i, t)| {
        (
            vec![Key("tiers"), Index(i), Key("multiplier")],
            t.multiplier,
            (true, &t.id),
        )
    });
    let deals = club.deals.iter().enumerate().map(|(i, d)| {
        (
            vec![Key("deals"), Index(i), Key("benefits"), Key("multiplier")],
            d.benefits.multiplier,
            (false, &d.id),
        )
    });
    for (path, multiplier, (tier, owner)) in tiers.chain(deals) {
        // Beyond the largest number is said once, by `validate_numbers`.
        let Some(multiplier) = multiplier.filter(|m| m.abs() <= crate::amount::LARGEST) else {
            continue;
        };
        if multiplier.is_sign_negative() || multiplier > limit {
            out.push(
                file.error_at(&path, {
                    let by = numerals(&multiplier.normalize().to_string());
                    let most = numerals(&MAX_MULTIPLIER.to_string());
                    if tier {
                        tr!("club-tier-multiplier", tier = owner, by = by, most = most)
                    } else {
                        tr!("club-deal-multiplier", deal = owner, by = by, most = most)
                    }
                })
                .with_help(tr!("club-multiplier-help")),
            );
        }
    }
}

/// A count of days, weeks or months that `what` makes longer than the longest span a
/// club may hold (see `club::span`), with `limit` (`key: number`) as the fix.
fn too_long(
    file: &ClubFile,
    path: &[crate::yaml::PathSegment],
    what: String,
    limit: String,
) -> Diagnostic {
    file.error_at(path, tr!("club-too-long", what = what, years = MAX_YEARS))
        .with_help(tr!("club-too-long-help", limit = limit))
}

/// `HH:MM` as minutes after midnight.
pub fn clock_minutes(text: &str) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60 && text.len() == 5).then_some(hours * 60 + minutes)
}

/// The `{placeholders}` of a template text.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        found.push(&after[..end]);
        rest = &after[end + 1..];
    }
    found
}

fn validate_reload(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let Some(reload) = &file.definition.reload else {
        return;
    };
    if reload.canary_events > 1_000_000 {
        out.push(file.error_at(
            &[Key("reload"), Key("canary_events")],
            tr!(
                "club-canary-events",
                events = numerals(&reload.canary_events.to_string())
            ),
        ));
    }
    if let Some(limit) = &reload.max_change {
        if super::parse_percent(limit).is_none() {
            out.push(
                file.error_at(
                    &[Key("reload"), Key("max_change")],
                    tr!("club-not-a-percentage", text = limit),
                )
                .with_help(tr!("club-not-a-percentage-help")),
            );
        }
    }
}

fn validate_webhooks(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for (i, webhook) in file.definition.webhooks.iter().enumerate() {
        let at = |key| [Key("webhooks"), Index(i), Key(key)];
        if webhook.id.is_empty()
            || !webhook
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            out.push(file.error_at(&at("id"), tr!("club-webhook-id-invalid", id = &webhook.id)));
        } else if !seen.insert(webhook.id.as_str()) {
            out.push(file.error_at(&at("id"), tr!("club-webhook-twice", id = &webhook.id)));
        }
        let url = webhook.url.trim();
        if !url.starts_with("http://") && !url.starts_with("https://") && !url.starts_with("${") {
            out.push(file.error_at(&at("url"), tr!("club-not-an-address", url = url)));
        } else if let Err(message) = super::channel_template::check_template(url) {
            out.push(file.error_at(&at("url"), message));
        }
        if webhook.secret_variable().is_none() {
            out.push(
                file.error_at(&at("secret"), tr!("club-webhook-secret"))
                    .with_help(tr!("club-webhook-secret-help")),
            );
        }
        if let Some(attempts) = webhook.max_attempts {
            if !(1..=100).contains(&attempts) {
                out.push(file.error_at(
                    &at("max_attempts"),
                    tr!(
                        "club-webhook-attempts",
                        attempts = numerals(&attempts.to_string())
                    ),
                ));
            }
        }
    }
}

fn validate_messages(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let Some(messages) = &file.definition.messages else {
        return;
    };
    let mut seen = HashSet::new();
    for (i, channel) in messages.channels.iter().enumerate() {
        if !seen.insert(channel.id.as_str()) {
            out.push(file.error_at(
                &[Key("messages"), Key("channels"), Index(i), Key("id")],
                tr!("club-channel-twice", id = &channel.id),
            ));
        }
        let missing = match channel.kind {
            super::ChannelKind::File if channel.path.is_none() => Some("path"),
            super::ChannelKind::Webhook | super::ChannelKind::Http if channel.url.is_none() => {
                Some("url")
            }
            _ => None,
        };
        if let Some(key) = missing {
            out.push(file.error_at(
                &[Key("messages"), Key("channels"), Index(i), Key("kind")],
                tr!(
                    "club-channel-needs",
                    kind = format!("{:?}", channel.kind).to_lowercase(),
                    key = key
                ),
            ));
        }
        if channel.kind == super::ChannelKind::Http {
            let templates = channel
                .url
                .iter()
                .map(|t| (Key("url"), t))
                .chain(channel.body.iter().map(|t| (Key("body"), t)))
                .chain(channel.headers.values().map(|t| (Key("headers"), t)));
            for (key, template) in templates {
                if let Err(message) = super::channel_template::check_template(template) {
                    out.push(
                        file.error_at(&[Key("messages"), Key("channels"), Index(i), key], message),
                    );
                }
            }
        }
        if let Some(path) = &channel.path {
            if let Err(message) = super::messaging::file_channel_path(path) {
                out.push(file.error_at(
                    &[Key("messages"), Key("channels"), Index(i), Key("path")],
                    message,
                ));
            }
        }
        if let Some(url) = &channel.url {
            // A URL from the environment (`${GATEWAY_URL:-https://…}`) is checked when sent.
            if !url.starts_with("http://") && !url.starts_with("https://") && !url.starts_with("${")
            {
                out.push(file.error_at(
                    &[Key("messages"), Key("channels"), Index(i), Key("url")],
                    tr!("club-not-an-address", url = url),
                ));
            }
        }
    }
    if let Some(quiet) = &messages.quiet_hours {
        for (key, value) in [("from", &quiet.from), ("to", &quiet.to)] {
            if clock_minutes(value).is_none() {
                out.push(
                    file.error_at(
                        &[Key("messages"), Key("quiet_hours"), Key(key)],
                        tr!("club-not-a-time", value = value),
                    )
                    .with_help(tr!("club-not-a-time-help")),
                );
            }
        }
    }
    for occasion in super::OCCASIONS {
        let Some(texts) = messages.templates.get(occasion) else {
            continue;
        };
        for (language, text) in texts {
            for name in placeholders(text) {
                if !super::PLACEHOLDERS.contains(&name) {
                    let mut diagnostic = file.error_at(
                        &[
                            Key("messages"),
                            Key("templates"),
                            Key(occasion),
                            Key(language),
                        ],
                        tr!("club-unknown-placeholder", name = name),
                    );
                    diagnostic = match did_you_mean(name, super::PLACEHOLDERS) {
                        Some(near) => {
                            diagnostic.with_help(tr!("did-you-mean", name = format!("{{{near}}}")))
                        }
                        None => diagnostic.with_help(tr!(
                            "club-placeholders-are",
                            placeholders =
                                crate::yaml::list(super::PLACEHOLDERS.map(|p| format!("{{{p}}}")))
                        )),
                    };
                    out.push(diagnostic);
                }
            }
        }
    }
}

/// What a campaign names that the club may not define.
#[derive(Clone, Copy)]
enum Named {
    Rule,
    Tier,
    MemberType,
}

fn validate_campaigns(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let club = &file.definition;
    let rules: Vec<&str> = club.rules.iter().map(|r| r.id.as_str()).collect();
    let tiers: Vec<&str> = club.tiers.iter().map(|t| t.id.as_str()).collect();
    let types: Vec<&str> = club.member_types.iter().map(|t| t.id.as_str()).collect();
    let unknown = |what: Named, name: &str, known: &[&str], path: &[crate::yaml::PathSegment]| {
        let listed = crate::yaml::list(known.iter().map(|k| k.to_string()));
        let (message, others) = match what {
            Named::Rule => (
                tr!("club-no-such-rule", name = name),
                tr!("club-rules-are", rules = listed),
            ),
            Named::Tier => (
                tr!("club-no-such-tier", name = name),
                tr!("club-tiers-are", tiers = listed),
            ),
            Named::MemberType => (
                tr!("club-no-such-member-type", name = name),
                tr!("club-member-types-are", member_types = listed),
            ),
        };
        let diagnostic = file.error_at(path, message);
        match did_you_mean(name, known.iter().copied()) {
            Some(near) => diagnostic.with_help(tr!("did-you-mean", name = near)),
            None => diagnostic.with_help(others),
        }
    };
    let mut ids = HashSet::new();
    let mut owner: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (i, campaign) in club.campaigns.iter().enumerate() {
        let at = |key: &'static str| vec![Key("campaigns"), Index(i), Key(key)];
        if !ids.insert(campaign.id.as_str()) {
            out.push(file.error_at(&at("id"), tr!("club-campaign-twice", id = &campaign.id)));
        }
        for (j, rule) in campaign.rules.iter().enumerate() {
            let path = [Key("campaigns"), Index(i), Key("rules"), Index(j)];
            if !rules.contains(&rule.as_str()) {
                out.push(unknown(Named::Rule, rule, &rules, &path));
            } else if let Some(other) = owner.insert(rule, &campaign.id) {
                out.push(file.error_at(
                    &path,
                    tr!("club-rule-in-two-campaigns", rule = rule, campaign = other),
                ));
            }
        }
        // Names a campaign lists under `section.list`, each checked against `known`.
        let mut check = |what: Named,
                         names: &[String],
                         known: &[&str],
                         section: &'static str,
                         list: &'static str| {
            for (j, name) in names.iter().enumerate() {
                if !known.contains(&name.as_str()) {
                    let path = [
                        Key("campaigns"),
                        Index(i),
                        Key(section),
                        Key(list),
                        Index(j),
                    ];
                    out.push(unknown(what, name, known, &path));
                }
            }
        };
        if let Some(segment) = &campaign.segment {
            check(Named::Tier, &segment.tiers, &tiers, "segment", "tiers");
            check(
                Named::MemberType,
                &segment.member_types,
                &types,
                "segment",
                "member_types",
            );
        }
        if let Some(early) = &campaign.early_access {
            check(Named::Tier, &early.tiers, &tiers, "early_access", "tiers");
            if early.days > MAX_DAYS {
                out.push(too_long(
                    file,
                    &[Key("campaigns"), Index(i), Key("early_access"), Key("days")],
                    tr!(
                        "club-campaign-early",
                        campaign = &campaign.id,
                        days = numerals(&early.days.to_string())
                    ),
                    format!("days: {MAX_DAYS}"),
                ));
            }
        }
        if let Some(budget) = &campaign.budget {
            if budget.money.is_some() && club.credit.is_none() {
                out.push(
                    file.error_at(
                        &[Key("campaigns"), Index(i), Key("budget"), Key("money")],
                        tr!("club-budget-needs-rate"),
                    )
                    .with_help(tr!("club-budget-needs-rate-help")),
                );
            }
        }
    }
    let mut ids = HashSet::new();
    for (i, challenge) in club.challenges.iter().enumerate() {
        if !ids.insert(challenge.id.as_str()) {
            out.push(file.error_at(
                &[Key("challenges"), Index(i), Key("id")],
                tr!("club-challenge-twice", id = &challenge.id),
            ));
        }
        if challenge.goal.purchases.is_none() && challenge.goal.spend.is_none() {
            out.push(
                file.error_at(
                    &[Key("challenges"), Index(i), Key("goal")],
                    tr!("club-challenge-no-goal", challenge = &challenge.id),
                )
                .with_help(tr!("club-challenge-no-goal-help")),
            );
        }
    }
}
