//! Checks on what `club.yaml` means, beyond its shape: a real timezone, unique ids,
//! thresholds that make sense. Each problem points at the value it is about.

use std::collections::HashSet;

use chrono_tz::Tz;

use super::club_file::ClubFile;
use super::span::{MAX_DAYS, MAX_MONTHS, MAX_YEARS};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::yaml::PathSegment::{Index, Key};

/// Points kept to more decimal places than this are almost surely a typo.
const MAX_PRECISION: u32 = 6;

pub fn validate(file: &ClubFile) -> Vec<Diagnostic> {
    let club = &file.definition;
    let mut out = Vec::new();
    validate_numbers(file, &file.tree, &mut out);
    validate_multipliers(file, &mut out);
    super::import_profiles::validate_profiles(file, &mut out);
    validate_reload(file, &mut out);
    validate_webhooks(file, &mut out);

    if club.id.is_empty()
        || !club
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        out.push(
            file.error_at(
                &[Key("id")],
                format!("club id `{}` must be letters, digits, `-` or `_`", club.id),
            )
            .with_help("the id names the club's database file, e.g. `cafe`"),
        );
    }
    if let Some(folder) = file
        .path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
    {
        if folder != club.id {
            out.push(
                file.error_at(
                    &[Key("id")],
                    format!("club id `{}` differs from its folder `{folder}`", club.id),
                )
                .with_help(format!("set `id: {folder}` or rename the folder")),
            );
        }
    }
    if club.currency.len() != 3 || !club.currency.chars().all(|c| c.is_ascii_uppercase()) {
        out.push(
            file.error_at(
                &[Key("currency")],
                format!("currency `{}` is not a three-letter code", club.currency),
            )
            .with_help("use e.g. `IRR` for Rial or `IRT` for Toman"),
        );
    }
    if club.timezone.parse::<Tz>().is_err() {
        let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
        let mut diagnostic = file.error_at(
            &[Key("timezone")],
            format!("unknown timezone `{}`", club.timezone),
        );
        diagnostic = match did_you_mean(&club.timezone, names) {
            Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
            None => diagnostic.with_help("use an IANA name such as `Asia/Tehran` or `UTC`"),
        };
        out.push(diagnostic);
    }
    if club.points.precision > MAX_PRECISION {
        out.push(file.error_at(
            &[Key("points"), Key("precision")],
            format!(
                "points precision {} is more than {MAX_PRECISION} decimal places",
                club.points.precision
            ),
        ));
    }

    if club.member_types.is_empty() {
        out.push(file.error_at(
            &[Key("member_types")],
            "a club needs at least one member type",
        ));
    }
    let mut seen = HashSet::new();
    for (i, member_type) in club.member_types.iter().enumerate() {
        if !seen.insert(member_type.id.as_str()) {
            out.push(file.error_at(
                &[Key("member_types"), Index(i), Key("id")],
                format!("member type `{}` is defined twice", member_type.id),
            ));
        }
    }

    if club.rules.is_empty() {
        out.push(
            Diagnostic::warning("the club has no rules, so no event earns points")
                .in_file(&file.path),
        );
    }
    let mut seen = HashSet::new();
    for (i, rule) in club.rules.iter().enumerate() {
        if !seen.insert(rule.id.as_str()) {
            out.push(file.error_at(
                &[Key("rules"), Index(i), Key("id")],
                format!("rule `{}` is defined twice", rule.id),
            ));
        }
        if let Some(internal) = rule.events.iter().find(|e| !e.for_rules()) {
            out.push(
                file.error_at(
                    &[Key("rules"), Index(i), Key("events")],
                    format!(
                        "rules cannot run for `{internal}` events, which bashgah writes itself"
                    ),
                )
                .with_help(format!(
                    "use {}",
                    crate::event::EventType::IMPORTABLE.join(", ")
                )),
            );
        }
        if rule.events.is_empty() {
            out.push(file.error_at(
                &[Key("rules"), Index(i), Key("events")],
                format!("rule `{}` runs for no event type", rule.id),
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
                format!("tier `{}` is defined twice", tier.id),
            ));
        }
        for member_type in tier.thresholds.keys() {
            if !member_types.contains(&member_type.as_str()) {
                let mut diagnostic = file.error_at(
                    &[Key("tiers"), Index(i), Key("thresholds"), Key(member_type)],
                    format!(
                        "tier `{}` has a threshold for unknown member type `{member_type}`",
                        tier.id
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
                    diagnostic = diagnostic.with_help(format!("did you mean `{near}`?"));
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
                            format!(
                                "tier `{}` needs {threshold} for `{member_type}`, not more than `{lower}` ({lower_threshold})",
                                tier.id
                            ),
                        )
                        .with_help("tiers are listed from lowest to highest; each threshold must be larger than the one before"),
                    );
                }
            }
            previous = Some((&tier.id, *threshold));
        }
    }
    if club.tiers.is_empty() && file.tree.key_node("tiering").is_some() {
        out.push(file.warning_at_key("tiering", "`tiering` is set, but the club has no `tiers`"));
    }
    let tiering = &club.tiering;
    match (tiering.metric, &tiering.function) {
        (crate::club::TierMetric::Function, None) => out.push(
            file.error_at(
                &[Key("tiering"), Key("metric")],
                "`metric: function` needs `tiering.function`",
            )
            .with_help("name a Rhai `fn score(member, window)` that returns a number"),
        ),
        (metric, Some(_)) if metric != crate::club::TierMetric::Function => {
            out.push(file.error_at(
                &[Key("tiering"), Key("function")],
                "`tiering.function` is only used with `metric: function`",
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
            file.error_at(&path("end_of"), "an expiry has both `after` and `end_of`")
                .with_help(
                    "use `after: 12m` (with `round_to` if wanted) or `end_of: year`, not both",
                ),
        );
    }
    if expiry.round_to.is_some() && expiry.after.is_none() {
        out.push(
            file.error_at(&path("round_to"), "`round_to` needs `after`")
                .with_help("e.g. `after: 12m` and `round_to: month`; for the end of the period of earning use `end_of`"),
        );
    }
    if expiry.warn_before.is_some()
        && expiry.after.is_none()
        && expiry.end_of.is_none()
        && expiry.inactivity.is_none()
    {
        out.push(file.error_at(
            &path("warn_before"),
            "`warn_before` is set, but nothing expires",
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
                format!(
                    "reward `{}` issues no code: `{key}` is for discount codes, gift cards and partner rewards",
                    reward.id
                ),
            ));
        }
    }
    if let Some(minimum) = reward.minimum_basket {
        if minimum <= Decimal::ZERO {
            out.push(file.error_at(&at("minimum_basket"), "the smallest basket is above 0"));
        }
    }
    let Some(discount) = reward.discount else {
        return;
    };
    let here = |key| [Key("rewards"), Index(i), Key("discount"), Key(key)];
    match (discount.percent, discount.amount) {
        (Some(_), Some(_)) | (None, None) => out.push(
            file.error_at(
                &at("discount"),
                "a discount is a `percent` or an `amount`, not both",
            )
            .with_help(
                "e.g. `discount: {percent: 10, up_to: 200000}` or `discount: {amount: 50000}`",
            ),
        ),
        (Some(percent), None) if percent <= Decimal::ZERO || percent > Decimal::ONE_HUNDRED => {
            out.push(file.error_at(
                &here("percent"),
                format!("{percent} percent: write a number above 0, at most 100"),
            ));
        }
        (None, Some(amount)) if amount <= Decimal::ZERO => {
            out.push(file.error_at(&here("amount"), "the amount is above 0"));
        }
        _ => {}
    }
    if let Some(up_to) = discount.up_to {
        if discount.percent.is_none() {
            out.push(file.error_at(&here("up_to"), "`up_to` caps a `percent` discount"));
        } else if up_to <= Decimal::ZERO {
            out.push(file.error_at(&here("up_to"), "the cap is above 0"));
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
            out.push(file.error_at(
                &at("id"),
                format!("reward `{}` is defined twice", reward.id),
            ));
        }
        if reward.cost <= rust_decimal::Decimal::ZERO {
            out.push(file.error_at(
                &at("cost"),
                format!("reward `{}` must cost more than 0 points", reward.id),
            ));
        }
        for (j, member_type) in reward.member_types.iter().enumerate() {
            if !member_types.contains(&member_type.as_str()) {
                let mut diagnostic = file.error_at(
                    &[Key("rewards"), Index(i), Key("member_types"), Index(j)],
                    format!(
                        "reward `{}` names unknown member type `{member_type}`",
                        reward.id
                    ),
                );
                if let Some(near) = did_you_mean(member_type, member_types.iter().copied()) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{near}`?"));
                }
                out.push(diagnostic);
            }
        }
        for (j, tier) in reward.tiers.iter().enumerate() {
            if !tiers.contains(&tier.as_str()) {
                let mut diagnostic = file.error_at(
                    &[Key("rewards"), Index(i), Key("tiers"), Index(j)],
                    format!("reward `{}` names unknown tier `{tier}`", reward.id),
                );
                if let Some(near) = did_you_mean(tier, tiers.iter().copied()) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{near}`?"));
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
                    format!("reward `{}` ends before it starts", reward.id),
                ));
            }
        }
        match (reward.kind, reward.credit) {
            (super::RewardKind::Credit, None) => out.push(
                file.error_at(
                    &at("kind"),
                    format!(
                        "reward `{}` is credit but says no `credit:` amount",
                        reward.id
                    ),
                )
                .with_help("add e.g. `credit: 100000`, the amount put in the member's wallet"),
            ),
            (kind, Some(_)) if kind != super::RewardKind::Credit => out.push(file.error_at(
                &at("credit"),
                "`credit:` is only for rewards of `kind: credit`",
            )),
            _ => {}
        }
    }
    if let Some(credit) = &club.credit {
        if credit.rate <= rust_decimal::Decimal::ZERO {
            out.push(file.error_at(
                &[Key("credit"), Key("rate")],
                "the credit rate must be more than 0",
            ));
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
            out.push(file.error_at(&at(&["id"]), format!("deal `{}` is defined twice", deal.id)));
        }
        match (deal.periods, deal.window) {
            (None, None) => out.push(
                file.error_at(
                    &at(&["period"]),
                    format!("deal `{}` says neither `periods` nor `window`", deal.id),
                )
                .with_help("add e.g. `periods: 3` (three periods) or `window: 3m`"),
            ),
            (Some(_), Some(_)) => out.push(file.error_at(
                &at(&["window"]),
                "a deal has `periods` or `window`, not both",
            )),
            (Some(0), None) => {
                out.push(file.error_at(&at(&["periods"]), "a deal lasts at least one period"))
            }
            (Some(periods), None) => {
                // The same bound as a `window:` span: 100 years of weeks, months or quarters.
                let (name, limit) = match deal.period {
                    super::DealPeriod::Week => ("weeks", MAX_DAYS / 7),
                    super::DealPeriod::Month => ("months", MAX_MONTHS),
                    super::DealPeriod::Quarter => ("quarters", MAX_MONTHS / 3),
                };
                if periods > limit {
                    out.push(too_long(
                        file,
                        &at(&["periods"]),
                        format!("deal `{}` lasts {periods} {name}", deal.id),
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
                            format!(
                                "deal `{}` lasts {window}, less than one {:?} period",
                                deal.id, deal.period
                            )
                            .to_lowercase(),
                        )
                        .with_help(
                            "make the window at least one period long, or use a shorter `period`",
                        ),
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
                        format!("deal `{}` names unknown tier `{tier}`", deal.id),
                    );
                    diagnostic = match did_you_mean(tier, tiers.iter().copied()) {
                        Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
                        None if tiers.is_empty() => {
                            diagnostic.with_help("the club defines no `tiers`")
                        }
                        None => diagnostic.with_help(format!("tiers: {}", tiers.join(", "))),
                    };
                    out.push(diagnostic);
                }
            }
        }
        if deal.completion.tier.is_some() && deal.completion.tier_months == 0 {
            out.push(file.error_at(
                &at(&["completion", "tier"]),
                "`completion.tier` needs `tier_months`, how long it is held",
            ));
        }
        if deal.completion.tier_months > MAX_MONTHS {
            out.push(too_long(
                file,
                &at(&["completion", "tier_months"]),
                format!(
                    "deal `{}` keeps its tier for {} months",
                    deal.id, deal.completion.tier_months
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
                    Diagnostic::error(format!(
                        "`{}` is beyond the largest number bashgah accepts (±{})",
                        text.trim(),
                        crate::amount::grouped(crate::amount::LARGEST)
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
            format!("tier `{}`", t.id),
        )
    });
    let deals = club.deals.iter().enumerate().map(|(i, d)| {
        (
            vec![Key("deals"), Index(i), Key("benefits"), Key("multiplier")],
            d.benefits.multiplier,
            format!("deal `{}`", d.id),
        )
    });
    for (path, multiplier, owner) in tiers.chain(deals) {
        // Beyond the largest number is said once, by `validate_numbers`.
        let Some(multiplier) = multiplier.filter(|m| m.abs() <= crate::amount::LARGEST) else {
            continue;
        };
        if multiplier.is_sign_negative() || multiplier > limit {
            out.push(
                file.error_at(
                    &path,
                    format!(
                        "{owner} multiplies points by {}; a multiplier is between 0 and {MAX_MULTIPLIER}",
                        multiplier.normalize()
                    ),
                )
                .with_help("1.5 gives half as many points again; 1 changes nothing"),
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
    file.error_at(
        path,
        format!(
            "{what}, longer than {MAX_YEARS} years, the longest length of time bashgah accepts"
        ),
    )
    .with_help(format!("write at most `{limit}`"))
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
            format!(
                "{} events is more than a reload can try (at most 1,000,000)",
                reload.canary_events
            ),
        ));
    }
    if let Some(limit) = &reload.max_change {
        if super::parse_percent(limit).is_none() {
            out.push(
                file.error_at(
                    &[Key("reload"), Key("max_change")],
                    format!("`{limit}` is not a percentage"),
                )
                .with_help("write a percentage above 0, e.g. `20%`"),
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
            out.push(file.error_at(
                &at("id"),
                format!(
                    "webhook id `{}` must be letters, digits, `-` or `_`",
                    webhook.id
                ),
            ));
        } else if !seen.insert(webhook.id.as_str()) {
            out.push(file.error_at(
                &at("id"),
                format!("webhook `{}` is defined twice", webhook.id),
            ));
        }
        let url = webhook.url.trim();
        if !url.starts_with("http://") && !url.starts_with("https://") && !url.starts_with("${") {
            out.push(file.error_at(
                &at("url"),
                format!("`{url}` is not an http:// or https:// address"),
            ));
        } else if let Err(message) = super::channel_template::check_template(url) {
            out.push(file.error_at(&at("url"), message));
        }
        if webhook.secret_variable().is_none() {
            out.push(
                file.error_at(
                    &at("secret"),
                    "a webhook's secret is the name of an environment variable, written `${NAME}`",
                )
                .with_help(
                    "keep the secret itself out of the club's files: `secret: \"${CRM_WEBHOOK_SECRET}\"`",
                ),
            );
        }
        if let Some(attempts) = webhook.max_attempts {
            if !(1..=100).contains(&attempts) {
                out.push(file.error_at(
                    &at("max_attempts"),
                    format!("{attempts} attempts: write a number from 1 to 100"),
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
                format!("channel `{}` is defined twice", channel.id),
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
                format!("a `{:?}` channel needs `{key}`", channel.kind).to_lowercase(),
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
                    format!("`{url}` is not an http:// or https:// address"),
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
                        format!("`{value}` is not a time of day"),
                    )
                    .with_help("write hours and minutes, e.g. `22:00`"),
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
                        format!("unknown placeholder `{{{name}}}`"),
                    );
                    diagnostic = match did_you_mean(name, super::PLACEHOLDERS) {
                        Some(near) => diagnostic.with_help(format!("did you mean `{{{near}}}`?")),
                        None => diagnostic.with_help(format!(
                            "placeholders are {}",
                            super::PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                        )),
                    };
                    out.push(diagnostic);
                }
            }
        }
    }
}

fn validate_campaigns(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let club = &file.definition;
    let rules: Vec<&str> = club.rules.iter().map(|r| r.id.as_str()).collect();
    let tiers: Vec<&str> = club.tiers.iter().map(|t| t.id.as_str()).collect();
    let types: Vec<&str> = club.member_types.iter().map(|t| t.id.as_str()).collect();
    let unknown = |what: &str, name: &str, known: &[&str], path: &[crate::yaml::PathSegment]| {
        let diagnostic = file.error_at(path, format!("no {what} `{name}` in this club"));
        match did_you_mean(name, known.iter().copied()) {
            Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
            None => diagnostic.with_help(format!("{what}s: {}", known.join(", "))),
        }
    };
    let mut ids = HashSet::new();
    let mut owner: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (i, campaign) in club.campaigns.iter().enumerate() {
        let at = |key: &'static str| vec![Key("campaigns"), Index(i), Key(key)];
        if !ids.insert(campaign.id.as_str()) {
            out.push(file.error_at(
                &at("id"),
                format!("campaign `{}` is defined twice", campaign.id),
            ));
        }
        for (j, rule) in campaign.rules.iter().enumerate() {
            let path = [Key("campaigns"), Index(i), Key("rules"), Index(j)];
            if !rules.contains(&rule.as_str()) {
                out.push(unknown("rule", rule, &rules, &path));
            } else if let Some(other) = owner.insert(rule, &campaign.id) {
                out.push(file.error_at(
                    &path,
                    format!("rule `{rule}` is already in campaign `{other}`"),
                ));
            }
        }
        // Names a campaign lists under `section.list`, each checked against `known`.
        let mut check = |what: &str,
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
            check("tier", &segment.tiers, &tiers, "segment", "tiers");
            check(
                "member type",
                &segment.member_types,
                &types,
                "segment",
                "member_types",
            );
        }
        if let Some(early) = &campaign.early_access {
            check("tier", &early.tiers, &tiers, "early_access", "tiers");
            if early.days > MAX_DAYS {
                out.push(too_long(
                    file,
                    &[Key("campaigns"), Index(i), Key("early_access"), Key("days")],
                    format!("campaign `{}` opens {} days early", campaign.id, early.days),
                    format!("days: {MAX_DAYS}"),
                ));
            }
        }
        if let Some(budget) = &campaign.budget {
            if budget.money.is_some() && club.credit.is_none() {
                out.push(
                    file.error_at(&[Key("campaigns"), Index(i), Key("budget"), Key("money")], "a budget in money needs `credit.rate`, what a point is worth")
                        .with_help("add `credit: {rate: 1000}` (1 point = 1,000), or give the budget in `points`"),
                );
            }
        }
    }
    let mut ids = HashSet::new();
    for (i, challenge) in club.challenges.iter().enumerate() {
        if !ids.insert(challenge.id.as_str()) {
            out.push(file.error_at(
                &[Key("challenges"), Index(i), Key("id")],
                format!("challenge `{}` is defined twice", challenge.id),
            ));
        }
        if challenge.goal.purchases.is_none() && challenge.goal.spend.is_none() {
            out.push(
                file.error_at(
                    &[Key("challenges"), Index(i), Key("goal")],
                    format!("challenge `{}` has no goal", challenge.id),
                )
                .with_help("give `purchases: 5` and/or `spend: 1000000`"),
            );
        }
    }
}
