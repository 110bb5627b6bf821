# `bashgah check`: one line per club, then the total.

check-ok = ok      { $club } (policy { $version }, { $rules ->
    [one] { $rules } rule
   *[other] { $rules } rules
})
check-refused = REFUSED { $club } (policy { $version }, { $rules ->
    [one] { $rules } rule
   *[other] { $rules } rules
})
check-failed = FAILED  { $club } ({ $errors })
check-total = { $clubs ->
    [one] { $clubs } club
   *[other] { $clubs } clubs
} checked, { $failed } failed

# With --against-ledger.
check-canary-refused = refused: { $reason }
check-canary-skipped = not tried on the ledger: { $why }
check-no-ledger = no ledger at `{ $place }`
check-no-version = the ledger has recorded no version yet
check-same-version = these files are the version the ledger recorded last ({ $version })

check-cannot-read = cannot read `{ $folder }`: { $reason }
check-no-club = no club in `{ $folder }`
check-no-club-help = a club is a folder holding club.yaml
check-no-club-folder = no club folder `{ $name }`
did-you-mean = did you mean `{ $name }`?

# A rule or campaign giving away more than `reports.max_giveaway` of the margin of the
# purchases it rewards, on the club's policy tests (issue 18). $kind is rule or campaign.
check-giveaway = { $kind ->
    [campaign] campaign
   *[rule] rule
} `{ $id }` gives away { $percent }% of the margin of the purchases it rewards in the club's tests ({ $worth } { $currency } of { $margin } { $currency }), more than `max_giveaway` ({ $limit })
check-giveaway-help = give less, raise `max_giveaway`, or check the margins in `reports`; `simulate` says the same on the club's history
