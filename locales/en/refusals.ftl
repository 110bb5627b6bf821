# Why a change made by hand (a redemption, a cancellation, a conversion, an adjustment, a
# transfer) is refused. In the club's `language:`, like the ledger's reasons: a policy
# test's `error:` is matched against them, whoever runs it.

refuse-no-reward = no reward `{ $id }` in club `{ $club }`{ $hint }
refuse-reward-near = ; did you mean `{ $name }`?
refuse-no-rewards = ; the club has no rewards
refuse-rewards-are = ; rewards: { $rewards }
refuse-cancel-reason = a cancellation needs a reason (--reason "...")
refuse-no-redemption = no redemption `{ $redemption }` in club `{ $club }`
refuse-not-theirs = redemption `{ $redemption }` is member `{ $owner }`'s, not `{ $member }`'s
refuse-cancelled = redemption `{ $redemption }` was already cancelled (`{ $by }`)
refuse-code-used = the code { $code } of redemption `{ $redemption }` was used at { $at } (reference `{ $reference }`): a reward handed over cannot be cancelled
refuse-credit-spent = member `{ $member }` has { $credit } { $currency } of credit, less than the { $given } redemption `{ $redemption }` gave
refuse-no-credit = club `{ $club }` has no credit (add `credit: { "{" }rate: ..., minimum: ...{ "}" }`)
refuse-convert-minimum = at least { $minimum } { $points } are converted at once
refuse-too-few = member `{ $member }` has { $available } { $points } available, fewer than the { $needed } needed
refuse-not-yet = reward `{ $reward }` can be redeemed from { $date }
refuse-no-longer = reward `{ $reward }` could be redeemed until { $date }
refuse-member-type = reward `{ $reward }` is for { $types } members, and `{ $member }` is { $kind }
refuse-tier = reward `{ $reward }` is for { $tiers } members, and `{ $member }` is { $tier }
refuse-in-no-tier = in no tier
refuse-or = { " or " }
refuse-out-of-stock = reward `{ $reward }` is out of stock (all { $stock } redeemed)
refuse-limit = member `{ $member }` has redeemed `{ $reward }` { $used } times, the most allowed
refuse-adjust-reason = an adjustment needs a reason (--reason "...")
refuse-adjust-zero = an adjustment of 0 points changes nothing
refuse-take-too-many = member `{ $member }` has { $available } { $points } available, fewer than the { $taken } to take
refuse-no-transfers = club `{ $club }` does not allow transfers (set `points.transfers: true`)
refuse-transfer-same = a transfer needs two different members
refuse-transfer-zero = a transfer moves more than 0 points
refuse-transfer-too-many = member `{ $member }` has { $available } { $points } available, fewer than the { $moved } to transfer
