# `bashgah simulate`: what a policy (or a change to it) would have given over real events.
# See locales/README.md. The CSV output (`--csv`) is for programs and stays in English.

simulate-bad-to = --to: { $reason }
simulate-html-written = report written to { $path }

## The text summary.
simulate-heading = simulation of club { $club } over { $events ->
    [one] { $events } event
   *[other] { $events } events
} ({ $rejected } rejected)
# `A = policies/cafe (policy 3f2a…)`: A and B name the two scenarios.
simulate-scenario = { $name } = { $label } (policy { $version })
# The column of B's value less A's.
simulate-difference = B - A
# The column head when one policy is simulated.
simulate-policy = policy { $version }
simulate-events = events
simulate-rejected = rejected
simulate-issued = issued
simulate-spent = spent
simulate-expired = expired
simulate-reversed = reversed
simulate-outstanding = outstanding
simulate-liability = liability { $currency }
simulate-issued-by = issued by { $rule }
simulate-members-in = members in { $tier }
simulate-deal = deal { $deal }
simulate-issued-delta = B less A: { $delta } { $points } issued
simulate-liability-delta = ; liability { $delta } { $currency }
simulate-migration-heading = tier migration (A -> B: members)
simulate-migration = { "  " }{ $from } -> { $to }: { $members }
simulate-affected-heading = members most affected (balance A -> B)
simulate-affected = { "  " }{ $member }: { $a } -> { $b }


## The HTML page (`--html`). Arguments here are already HTML-escaped; keep the tags.
simulate-html-title = bashgah simulation
simulate-html-heading = Simulation of club <code>{ $club }</code>
simulate-html-scenario = { $name }: <code>{ $label }</code> (policy <code>{ $version }</code>)
# Between the two scenarios.
simulate-html-separator = { "; " }
simulate-html-totals = Totals
simulate-html-difference = B − A
simulate-html-events = events
simulate-html-issued = points issued
simulate-html-spent = points spent
simulate-html-expired = points expired
simulate-html-reversed = points reversed
simulate-html-outstanding = points outstanding
simulate-html-liability = liability ({ $currency })
simulate-html-issued-by = issued by { $rule }
simulate-html-deal = deal { $deal } cost
simulate-html-chart-months = Points issued per month
simulate-html-chart-tiers = Members per tier
simulate-html-migration = Tier migration (rows: under A, columns: under B)
simulate-html-affected = Members most affected
simulate-html-member = member

# A rule or campaign giving away more than `reports.max_giveaway` of the margin (issue 18).
# $kind is rule or campaign; $label the club folder simulated.
simulate-giveaway = { $label }: { $kind ->
    [campaign] campaign
   *[rule] rule
} `{ $id }` gives away { $percent }% of the margin of the purchases it rewards ({ $worth } { $currency } of { $margin } { $currency }), more than `reports.max_giveaway` ({ $limit })
