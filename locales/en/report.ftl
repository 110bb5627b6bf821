# `bashgah report <club>`: segments and members at risk, campaign cost against budget,
# partner settlement, and messages. See locales/README.md. Segment, campaign, partner and
# occasion names are the club's own and are shown as they are.

report-no-ledger = club `{ $club }` has no ledger yet at `{ $place }`
report-bad-at = --at: { $reason }
# A member the club's `reports.segment` function could not place.
report-segment-not-a-name = `{ $function }` returned a { $kind } for `{ $member }`, not a segment name
report-segment-failed = `{ $function }` failed for `{ $member }`: { $error }

report-heading = club { $club }, as at { $date }: { $members ->
    [one] { $members } member
   *[other] { $members } members
}
report-segments = segments
report-at-risk = at risk of lapsing: { $members ->
    [one] { $members } member
   *[other] { $members } members
}
report-at-risk-member = { $points }, last purchase { $last }
report-never = never

report-campaigns = campaigns
report-campaign = { $amount } { $points }{ $money }{ $budget }; { $capped } awards capped
report-campaign-money = { " " }({ $money } { $currency })
report-campaign-budget = { " " }of a budget of { $budget }

report-partners = partners (settlement)
report-partner = { $purchases } purchases, { $amount } { $currency }: { $earned } { $points }{ $money }
report-partner-money = , worth { $money } { $currency }

report-messages = messages
# `3 pending`, `1 suppressed (cap)`: $status is sent, pending, failed, suppressed (then
# $reason says why: quiet, stale, opt_out, cap) or quiet_hours (pending until they end).
report-message-count = { $count } { $status ->
    [suppressed] suppressed ({ $reason })
    [quiet_hours] pending (quiet hours)
   *[other] { $status }
}
report-list-separator = { ", " }

## The value parts (issue 18). $money is report-worth or nothing (no point value known).
report-worth = , worth { $money } { $currency }
report-liability = points held: { $amount } { $points }{ $money }
report-no-tier = (no tier)
report-liability-tier = { $members ->
    [one] { $members } member
   *[other] { $members } members
}, { $amount } { $points }{ $money }
report-tier-movement = tier movement
report-tier-month = { $entered } entered, { $up } up, { $down } down
report-campaign-value = campaign value
report-campaign-revenue = { $purchases ->
    [one] { $purchases } purchase
   *[other] { $purchases } purchases
} rewarded, { $revenue } { $currency }; { $members ->
    [one] { $members } member rewarded
   *[other] { $members } members rewarded
}, { $each } { $currency } each
report-campaign-holdout = ; held out { $share }: { $members ->
    [one] { $members } member
   *[other] { $members } members
}, { $each } { $currency } each
report-campaign-lift = ; lift { $lift }%
report-settlement = settlement per month (net of returns)
report-settlement-line = { $purchases ->
    [one] { $purchases } purchase
   *[other] { $purchases } purchases
}, { $amount } { $currency }{ $returns }: { $earned } { $points }{ $money }
# After the purchases, when some of them were returned that month.
report-settlement-returns = ; { $returns ->
    [one] { $returns } return
   *[other] { $returns } returns
}, { $returned } { $currency }
report-profitability = profitability (margin less the points' worth)
report-profit-segment-name = { $segment ->
    [loss] loss
    [none] none
   *[profitable] profitable
}
report-profit-segment = { $members ->
    [one] { $members } member
   *[other] { $members } members
}: margin { $margin } { $currency }, points worth { $worth } { $currency }, net { $net } { $currency }
