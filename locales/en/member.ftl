# `bashgah member <club> <id>`: the balance and the statement.

member-no-ledger = club `{ $club }` has no ledger yet at `{ $place }`
member-no-ledger-help = import some events first: bashgah import { $club } FILE
member-bad-at = --at: { $reason }
member-unknown = no member `{ $id }` in club `{ $club }`

member-header = member { $id } ({ $kind }) in { $club }
member-joined = joined { $date }
member-birthday = , birthday { $date }
member-activity = ; { $events ->
    [one] { $events } event
   *[other] { $events } events
}, { $spent } { $currency } spent
member-projected = projected to { $date }: what the clock will have done by then (expiry, reviews, deals); not in the ledger until `bashgah advance`
member-balance = balance: { $balance } { $points } ({ $available } available, { $pending } pending) on { $date }
member-perks = perks: { $perks }
member-tier-since = { " " }since { $date }
member-tier-through-deal = { " " }through a deal; own tier: { $tier }
member-no-own-tier = none
member-tier = tier: { $tier }{ $since }{ $details }
member-credit = credit: { $credit } { $currency }
member-debt = debt: { $debt } { $points }, paid from the next points earned
member-below-zero = below zero by { $debt } { $points } until the next points earned
member-expiring-lot = { $amount } { $points } on { $date }
member-expiring = expiring: { $lots }

## The member's unspent lots.
lots-earned = earned
lots-lot = lot of
lots-points = points
lots-left = left
lots-spendable = spendable
lots-expires = expires
lots-never = never

## Deals.
deals-heading = deals
deal-progress = { $kept } of { $periods } periods kept, { $missed } missed (grace { $grace })
deal-active = active since { $since }, { $progress }; next checkpoint { $next }
deal-completed = completed { $ended }, { $progress }{ $held }
deal-tier-held = ; its tier held until { $until }
deal-failed = failed { $ended }, { $progress }
deal-period = { "    " }period { $period } ({ $from } to { $to }): { $note }

## Tier changes.
tier-changes-heading = tier changes
tier-into = into { $to }
tier-moved = { $from } -> { $to }
tier-left = { $from } -> no tier
tier-none = no tier

## The statement.
statement-empty = no ledger entries yet
statement-date = date
statement-event = event
statement-rule = rule
statement-points = points
statement-reason = reason
