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
