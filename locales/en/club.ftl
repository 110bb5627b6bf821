# The problems `check` (and every command that loads a club) finds in a club's club.yaml
# beyond its YAML shape: src/club/validate.rs and its neighbours. Ids, keys of club.yaml
# and what the user types are in backticks and stay as they are. See locales/README.md.

club-file-empty = the club file is empty
club-file-empty-help = copy policies/cafe/club.yaml to start from a working club

## The club itself.
club-id-invalid = club id `{ $id }` must be letters, digits, `-` or `_`
club-id-invalid-help = the id names the club's database file, e.g. `cafe`
club-id-differs = club id `{ $id }` differs from its folder `{ $folder }`
club-id-differs-help = set `id: { $folder }` or rename the folder
club-currency-invalid = currency `{ $currency }` is not a three-letter code
club-currency-help = use e.g. `IRR` for Rial or `IRT` for Toman
club-timezone-unknown = unknown timezone `{ $timezone }`
club-timezone-help = use an IANA name such as `Asia/Tehran` or `UTC`
club-precision-too-large = points precision { $precision } is more than { $most } decimal places
club-number-too-large = `{ $number }` is beyond the largest number bashgah accepts (±{ $largest })
club-not-a-span = `{ $text }` is not a length of time; write e.g. `14d`, `2w`, `12m` or `1y`
club-span-too-long = `{ $text }` is longer than { $years } years, the longest length of time bashgah accepts; write at most `{ $most_days }d`, `{ $most_weeks }w`, `{ $most_months }m` or `{ $most_years }y`
# `what` is one of the sentences that say how long something is (club-deal-lasts-weeks…).
club-too-long = { $what }, longer than { $years } years, the longest length of time bashgah accepts
club-too-long-help = write at most `{ $limit }`

## Member types and rules.
club-no-member-types = a club needs at least one member type
club-member-type-twice = member type `{ $id }` is defined twice
club-no-rules = the club has no rules, so no event earns points
club-rule-twice = rule `{ $id }` is defined twice
club-rule-internal-events = rules cannot run for `{ $event }` events, which bashgah writes itself
club-rule-events-help = use { $events }
club-rule-no-events = rule `{ $rule }` runs for no event type

## Tiers.
club-tier-twice = tier `{ $id }` is defined twice
club-tier-unknown-member-type = tier `{ $tier }` has a threshold for unknown member type `{ $member_type }`
club-tier-out-of-order = tier `{ $tier }` needs { $threshold } for `{ $member_type }`, not more than `{ $lower }` ({ $lower_threshold })
club-tier-order-help = tiers are listed from lowest to highest; each threshold must be larger than the one before
club-tiering-without-tiers = `tiering` is set, but the club has no `tiers`
club-metric-needs-function = `metric: function` needs `tiering.function`
club-metric-needs-function-help = name a Rhai `fn score(member, window)` that returns a number
club-function-needs-metric = `tiering.function` is only used with `metric: function`
club-not-a-tier-window = `{ $text }` is not a tier window; use e.g. `12m`, `calendar_year`, `anniversary_year` or `lifetime`
club-tier-multiplier = tier `{ $tier }` multiplies points by { $by }; a multiplier is between 0 and { $most }
club-deal-multiplier = deal `{ $deal }` multiplies points by { $by }; a multiplier is between 0 and { $most }
club-multiplier-help = 1.5 gives half as many points again; 1 changes nothing

## Expiry.
club-expiry-both = an expiry has both `after` and `end_of`
club-expiry-both-help = use `after: 12m` (with `round_to` if wanted) or `end_of: year`, not both
club-round-to-needs-after = `round_to` needs `after`
club-round-to-needs-after-help = e.g. `after: 12m` and `round_to: month`; for the end of the period of earning use `end_of`
club-warn-before-nothing-expires = `warn_before` is set, but nothing expires

## Rewards and their codes.
club-reward-twice = reward `{ $id }` is defined twice
club-reward-cost = reward `{ $reward }` must cost more than 0 points
club-reward-unknown-member-type = reward `{ $reward }` names unknown member type `{ $member_type }`
club-reward-unknown-tier = reward `{ $reward }` names unknown tier `{ $tier }`
club-reward-ends-before-start = reward `{ $reward }` ends before it starts
club-reward-credit-missing = reward `{ $reward }` is credit but says no `credit:` amount
club-reward-credit-missing-help = add e.g. `credit: 100000`, the amount put in the member's wallet
club-credit-only-for-credit = `credit:` is only for rewards of `kind: credit`
club-credit-rate = the credit rate must be more than 0
club-reward-no-code = reward `{ $reward }` issues no code: `{ $key }` is for discount codes, gift cards and partner rewards
club-minimum-basket = the smallest basket is above 0
club-discount-one-of = a discount is a `percent` or an `amount`, not both
club-discount-one-of-help = e.g. `discount: { "{" }percent: 10, up_to: 200000{ "}" }` or `discount: { "{" }amount: 50000{ "}" }`
club-discount-percent = { $percent } percent: write a number above 0, at most 100
club-discount-amount = the amount is above 0
club-up-to-needs-percent = `up_to` caps a `percent` discount
club-up-to-above-zero = the cap is above 0

## Deals.
club-deal-twice = deal `{ $id }` is defined twice
club-deal-no-length = deal `{ $deal }` says neither `periods` nor `window`
club-deal-no-length-help = add e.g. `periods: 3` (three periods) or `window: 3m`
club-deal-both-lengths = a deal has `periods` or `window`, not both
club-deal-zero-periods = a deal lasts at least one period
club-deal-lasts-weeks = deal `{ $deal }` lasts { $periods } weeks
club-deal-lasts-months = deal `{ $deal }` lasts { $periods } months
club-deal-lasts-quarters = deal `{ $deal }` lasts { $periods } quarters
# `period` is club-period-week, -month or -quarter.
club-deal-window-short = deal `{ $deal }` lasts { $window }, less than one { $period } period
club-period-week = week
club-period-month = month
club-period-quarter = quarter
club-deal-window-short-help = make the window at least one period long, or use a shorter `period`
club-deal-unknown-tier = deal `{ $deal }` names unknown tier `{ $tier }`
club-no-tiers = the club defines no `tiers`
club-completion-tier-months = `completion.tier` needs `tier_months`, how long it is held
club-deal-keeps-tier = deal `{ $deal }` keeps its tier for { $months } months

## Campaigns and challenges.
club-campaign-twice = campaign `{ $id }` is defined twice
club-no-such-rule = no rule `{ $name }` in this club
club-no-such-tier = no tier `{ $name }` in this club
club-no-such-member-type = no member type `{ $name }` in this club
club-rules-are = rules: { $rules }
club-tiers-are = tiers: { $tiers }
club-member-types-are = member types: { $member_types }
club-rule-in-two-campaigns = rule `{ $rule }` is already in campaign `{ $campaign }`
club-campaign-early = campaign `{ $campaign }` opens { $days } days early
club-budget-needs-rate = a budget in money needs `credit.rate`, what a point is worth
club-budget-needs-rate-help = add `credit: { "{" }rate: 1000{ "}" }` (1 point = 1,000), or give the budget in `points`
club-challenge-twice = challenge `{ $id }` is defined twice
club-challenge-no-goal = challenge `{ $challenge }` has no goal
club-challenge-no-goal-help = give `purchases: 5` and/or `spend: 1000000`

## Reloading.
club-canary-events = { $events } events is more than a reload can try (at most 1,000,000)
club-not-a-percentage = `{ $text }` is not a percentage
club-not-a-percentage-help = write a percentage above 0, e.g. `20%`
club-not-a-share = `{ $text }` is not a share
club-not-a-share-help = write a percentage from 0% to 100%, e.g. `30%` (a holdout below 100%)
club-point-value-negative = a point's value cannot be below zero

## Webhooks.
club-webhook-id-invalid = webhook id `{ $id }` must be letters, digits, `-` or `_`
club-webhook-twice = webhook `{ $id }` is defined twice
club-not-an-address = `{ $url }` is not an http:// or https:// address
club-webhook-secret = a webhook's secret is the name of an environment variable, written `${ "{" }NAME{ "}" }`
club-webhook-secret-help = keep the secret itself out of the club's files: `secret: "${ "{" }CRM_WEBHOOK_SECRET{ "}" }"`
club-webhook-attempts = { $attempts } attempts: write a number from 1 to 100

## Messages to members.
club-channel-twice = channel `{ $id }` is defined twice
# `kind` is `file`, `webhook` or `http`; `key` is `path` or `url`.
club-channel-needs = a `{ $kind }` channel needs `{ $key }`
club-channel-path = `{ $path }` is not a file inside the data folder: write a relative path without `..`, e.g. `messages/sms.jsonl`
club-template-field = `{ "{" }{ $name }{ "}" }` is not a field a channel template can name: use text, phone, member, occasion, language, club or id
club-template-filter = `|{ $filter }` is not a filter: use `|json` (a JSON string) or `|url` (a form value)
club-not-a-time = `{ $value }` is not a time of day
club-not-a-time-help = write hours and minutes, e.g. `22:00`
club-unknown-placeholder = unknown placeholder `{ "{" }{ $name }{ "}" }`
club-placeholders-are = placeholders are { $placeholders }

## Import profiles.
club-not-a-column = `{ $column }` is not one of bashgah's columns
club-not-a-column-help = did you mean `{ $column }`? (any other name becomes an attribute scripts read)
club-column-mapped-twice = both `{ $first }` and `{ $second }` are mapped to `{ $column }`
club-column-mapped-twice-help = a column can come from one column of the file only
club-constant-and-column = `{ $column }` is both a constant and the file's column `{ $source }`
club-constant-and-column-help = keep one: a constant fills the column only where the file has none
club-date-format-invalid = `{ $format }` is not a valid date format
club-date-format-incomplete = `{ $format }` does not name a whole date: it needs the year (%Y), month (%m) and day (%d)
club-date-format-help = strftime fields: %Y year, %m month, %d day, %H hour, %M minute, %S second, %z offset
club-amount-unit = `amount_unit` must be above 0, not { $unit }
club-amount-unit-help = 10 reads a file in Toman into a Rial club

## The deployment file (src/deployment.rs).
deployment-empty = the deployment file is empty
deployment-empty-help = list clubs under `clubs:`, each with `database: postgres://…` or `database: sqlite`
deployment-cannot-read-help = --deployment (or BASHGAH_DEPLOYMENT) names a YAML file listing clubs and their databases
deployment-bad-database = club `{ $club }`: { $reason }, or `sqlite` for its file under --data
