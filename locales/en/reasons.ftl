# The reasons bashgah writes into the ledger beside the entries it makes itself (expiry,
# tiers, deals, returns, redemptions). They are written in the club's `language:`, once,
# when the entry is recorded: a member's statement shows them as they were written.

reason-challenge = challenge reached: { $name }
reason-deal = { $why } (`{ $deal }`)
reason-deal-completed = deal completed
reason-deal-clawback = claw-back: the deal was not kept
reason-deal-multiplier = deal `{ $deal }`: ×{ $multiplier }
reason-expired = { $points } expired ({ $why }), earned { $earned }
reason-expired-inactivity = no purchase for too long
reason-expired-date = expiry date reached
reason-dates = { $first } to { $last }
reason-settle = pays what a return left owed
reason-return-forgiven = { " " }({ $points } had expired: forgiven)
reason-return-owed = { " " }({ $points } had expired: owed)
reason-return-spent = { " " }({ $points } already spent: owed)
reason-return = return of { $amount } from `{ $event }`
reason-redeemed = redeemed `{ $reward }`: { $title }
reason-converted = converted to { $credit } { $currency } of credit
reason-tier-reached = { $value } { $unit } over { $window } reaches { $tier }
reason-tier-review = review: { $value } { $unit } over { $window } qualifies for { $tier }
reason-tier-multiplied = { $reason } (×{ $multiplier } { $tier })
reason-no-tier = no tier
unit-spent = { $currency } spent
unit-earned = { $points } earned
unit-visits = visits
unit-balance = { $points } in balance
unit-score = score

## Notes on a deal's checkpoints, kept in the ledger.
note-target-met = target met
note-target-missed = target missed
note-target-failed = target failed: { $message }

## What the clock could not do, said after it moved (advance, import).
warn-deal = deal `{ $deal }` of `{ $member }`: { $message }
warn-deal-not-written = deal `{ $deal }` of `{ $member }`: { $points } points could not be written: { $reason }
warn-challenge-not-written = challenge `{ $challenge }` of `{ $member }`: the bonus could not be written: { $reason }
warn-occasion = { $occasion } of `{ $member }` on { $date }: no points were given: { $error }
warn-tier-review = tier review of `{ $member }` on { $date }: { $message }
