# `bashgah explain <club> <event-id>` and `--event JSON`: why an event earned what it did.
# See locales/README.md. Rule ids, functions, fields read and the rules' own reasons are
# shown as the club wrote them.

explain-no-event = no event `{ $id }` in club `{ $club }`
explain-event-not-object = --event is not a JSON object but { $kind }
explain-event-problem = --event: { $reason }
explain-nothing-to-explain = give an event id, or --event JSON
explain-no-files = the ledger has no files for policy version { $version }
explain-no-longer-loads = policy version { $version } no longer loads

# An event's type (`purchase`, `return`, …), as the lines below show it.
explain-kind = { $kind }

## The event, the policy, the member.
explain-heading = { $kind } `{ $id }` of member `{ $member }` on { $date } { $time } ({ $stored })
explain-amount = amount { $amount } { $currency }
explain-converted = { " " }(paid { $paid } { $currency } at { $rate })
explain-channel = , channel { $channel }
explain-store = , store { $store }
explain-attribute = , { $key } { $value }
explain-policy-current = policy { $version } (the current one)
explain-policy-earlier = policy { $version } (an earlier version, rebuilt from the files the ledger keeps; current: { $current })
explain-member-then = member then: { $kind }, tier { $tier }, balance { $balance } { $points }
explain-no-tier = none

## Rule by rule.
explain-rules = rules
explain-rule = { "  " }{ $rule } (fn { $function }, { $place }): { $what }
explain-disabled = disabled
explain-campaign-closed = not run: its campaign is not open to this member now
explain-not-for-type = does not run for { $kind } events
explain-ran-nothing = ran: no points
explain-ran = ran: { $points }
# $rounding is the club's `rounding:` (floor, …), $places its `precision:`.
explain-ran-rounded = ran: { $raw } rounded ({ $rounding }, { $places } places) to { $points }
explain-read = { "    " }read { $fields }
explain-fails = { "  " }the event fails: { $error }

## What it gave, and what the ledger holds.
explain-entries = entries
explain-no-entries = none
explain-ledger-same = the ledger holds the same entries
explain-ledger-differs = the ledger holds other entries (the member's state then may have differed):
explain-ledger-not-by-rules = no rule made the entries of { $kind } events; the ledger holds:
explain-ledger-also = and beside them, written by bashgah itself:

## A dry run (`--event`): what the ledger would hold.
explain-falls-due = falls due first (the clock catches up to the event)
explain-would-hold = the ledger would hold
explain-would-be-rejected = the event would be rejected: { $failure }
explain-dry-run = dry run: nothing was written
explain-plan-event = { "  " }{ $kind } `{ $id }` on { $date }
explain-plan-tier = { "  " }tier { $change } on { $date }: { $reason }
# $status: pending, or suppressed.
explain-plan-message = { "  " }message `{ $occasion }` on { $channel }: { $status }
explain-nothing = nothing
