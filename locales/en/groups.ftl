## Groups: households and companies (club.yaml `groups:`, join and leave events, the pool)

club-group-kind-twice = group kind `{ $id }` is defined twice (or has no id)
club-group-no-roles = group kind `{ $kind }` has no roles
club-group-role-twice = role `{ $role }` of group kind `{ $kind }` is defined twice (or has no id)
club-group-limit = the monthly limit of role `{ $role }` in group kind `{ $kind }` must be above 0, at most 10^18, and for a role with `spend: true`
club-group-limit-help = e.g. `spend: true` and `monthly_limit: 2000`
club-group-share-missing = group kind `{ $kind }` splits its members' points but says no `group_share`
club-group-share-bad = `{ $share }` is not a share of group kind `{ $kind }`
club-group-share-help = write the pool's part as a percentage above 0 and below 100, e.g. `group_share: 70%`
club-group-share-unused = group kind `{ $kind }` has a `group_share` but does not split points (`earn: split`)
rows-club-has-no-groups = club `{ $club }` has no groups (`groups:` in club.yaml)
rows-group-missing = a `{ $kind }` event needs a `group` column naming the group
rows-group-is-member = `{ $group }` is the member themselves, not a group
rows-group-kind-unknown = there is no group kind `{ $kind }`; the club has: { $kinds }
rows-group-kind-needed = say which kind of group in a `kind` column: { $kinds }
rows-group-role-unknown = `{ $role }` is not a role of group kind `{ $kind }`; use one of: { $roles }
rows-group-already = `{ $member }` is already in `{ $group }`, a group of kind `{ $kind }`: leave it first
rows-group-not-in = `{ $member }` is not in group `{ $group }`
refuse-pool-not-member = `{ $member }` is not in group `{ $group }`, so may not spend its points
refuse-pool-role = `{ $member }` is a { $role } of `{ $group }`, a role that may not spend the group's points
refuse-pool-limit = `{ $member }` ({ $role }) may spend { $limit } { $points } a month from the group: { $spent } spent this month, { $cost } more is over the limit
member-group-heading = a group: { $members ->
    [one] { $members } member
   *[other] { $members } members
}
member-group-member = member
member-group-role = role
member-group-left = (left)
member-group-since = since
member-group-brought = brought
member-group-spent = spent
member-in-group = in group { $group } ({ $kind }) as { $role } since { $date }: brought { $brought } { $points } to its pool
club-group-function-missing = group kind `{ $kind }` says `earn: function` but names no `function`
club-group-function-unused = group kind `{ $kind }` has a `function` but does not earn by it (`earn: function`)
rows-group-function-failed = the earning function `{ $function }` of group kind `{ $kind }` failed: { $detail }
rows-group-function-percent = it must return the pool's part in percent, a number from 0 to 100
rows-group-id-reserved = `{ $id }`: ids ending in `:group` are kept for the pools' parts of members' events; give the event another id
