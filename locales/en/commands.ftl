# The everyday commands: init, demo, advance, adjust, transfer, redeem, convert, cancel,
# deliver, export, migrate, serve and key, and the errors any command may end with.

## Files and clubs, for any command.
cannot-read-file = cannot read `{ $file }`: { $reason }
cannot-write-file = cannot write `{ $file }`: { $reason }
workspace-no-club = no club `{ $club }` in `{ $folder }`
workspace-clubs-here = clubs here: { $clubs }
workspace-no-club-help = pass --policies DIR, or a club folder holding club.yaml
deployment-not-used = the deployment file `{ $file }` has { $errors } and was not used

## `bashgah init`.
init-no-template = no template `{ $name }`
init-template = `{ $name }`: { $about }
init-about-cafe = stars per purchase, double in the birthday month, rewards, credit and messages
init-about-retailer = bronze, silver, gold and platinum tiers, early access for gold and platinum
init-about-wholesale = companies earn on volume before tax; branches pool points with transfers
init-about-commitment = a monthly spend commitment with extra points and a completion bonus
init-bad-name = `{ $folder }` cannot name a club: use letters, digits, `-` or `_` for the last folder
init-not-empty = `{ $folder }` already exists and is not empty
init-created = created club `{ $club }` in { $folder } from the `{ $template }` template ({ $about })
init-next = next: bashgah check { $folder } && bashgah test { $folder }
init-try = try it on the samples: bashgah import { $club } { $folder }/samples/purchases.csv --members { $folder }/samples/members.csv

## `bashgah demo`.
demo-club = == { $name } ({ $club }) — policy { $version }
demo-no-samples = no sample files in { $folder }
demo-top = ledger { $ledger }: top members by balance
demo-see-member = see any member with: bashgah member { $club } <id>

## `bashgah advance`: one line per kind of work the clock did.
advance-backwards = the clock is already at { $date }; it only moves forward
advance-clock = clock at { $date }: { $expired } { $points } expired in { $expiries ->
    [one] { $expiries } expiry
   *[other] { $expiries } expiries
}, { $notices ->
    [one] { $notices } expiring-soon notice
   *[other] { $notices } expiring-soon notices
}
advance-reviews = { $reviews ->
    [one] { $reviews } tier review
   *[other] { $reviews } tier reviews
}: { $up } up, { $down } down
advance-deals = { $checkpoints ->
    [one] { $checkpoints } deal checkpoint
   *[other] { $checkpoints } deal checkpoints
}: { $kept ->
    [one] { $kept } period
   *[other] { $kept } periods
} kept, { $missed } missed; { $completed ->
    [one] { $completed } deal completed
   *[other] { $completed } deals completed
} (+{ $bonus } { $points }), { $failed } failed (-{ $clawback } { $points } taken back)
advance-greetings = { $greetings ->
    [one] { $greetings } birthday or anniversary
   *[other] { $greetings } birthdays and anniversaries
}
advance-hooks = { $awards ->
    [one] { $awards } lifecycle award
   *[other] { $awards } lifecycle awards
}: +{ $gained } { $points }
advance-messages = { $messages ->
    [one] { $messages } message
   *[other] { $messages } messages
} queued

## adjust, transfer, redeem, convert, cancel.
manual-bad-points = points: { $reason }
manual-duplicate = already recorded as `{ $id }`: nothing changed
manual-added = added { $amount } { $points } for `{ $member }` ({ $id })
manual-took = took { $amount } { $points } for `{ $member }` ({ $id })
manual-moved = moved { $amount } { $points } from `{ $from }` to `{ $to }` ({ $id })
manual-redeemed = `{ $member }` redeemed `{ $reward }` ({ $id })
manual-code = code: { $code }
manual-cancelled = cancelled redemption `{ $redemption }` of `{ $member }` ({ $id })
manual-converted = converted { $amount } { $points } of `{ $member }` to credit ({ $id })

## `bashgah deliver`.
deliver-failure = { $member } { $occasion } on { $channel }: { $reason } ({ $outcome })
deliver-given-up = given up
deliver-will-retry = will retry
deliver-webhook-failure = webhook { $webhook }: { $event }: { $reason } ({ $outcome })
deliver-set-aside = set aside after the last attempt
deliver-summary = { $sent } sent, { $retrying } to retry, { $failed } failed{ $stale }
deliver-stale = , { $stale } too old to send (messages.stale_after)
deliver-webhooks = webhooks: { $sent ->
    [one] { $sent } event
   *[other] { $sent } events
} sent, { $retrying } to retry, { $aside } set aside{ $waiting }
deliver-waiting = , { $waiting } waiting to try again

## `bashgah export`: `exported 3 members to members.csv`.
export-done = exported { $rows } { $table }
export-done-to = exported { $rows } { $table } to { $file }
export-members = members
export-entries = entries
export-lots = lots
export-messages = messages

## `bashgah migrate`.
migrate-no-ledger = club `{ $club }` has no ledger yet at `{ $place }`: nothing to copy
migrate-same = --to names the ledger itself (`{ $place }`)
migrate-copy-failed = copying to `{ $place }`: { $error }
migrate-copied = copied club `{ $club }` from { $from } to { $to }
migrate-rows = rows
migrate-checked = checked: { $members ->
    [one] { $members } member
   *[other] { $members } members
}, { $events ->
    [one] { $events } event
   *[other] { $events } events
} and { $entries ->
    [one] { $entries } entry
   *[other] { $entries } entries
}, with every lot, use, tier change, deal, message and balance, are the same in both

## `bashgah serve` and `bashgah key`.
serve-keys-not-loaded = the keys file was not loaded; the server needs it to know who may call
serve-no-policies = no policies folder `{ $folder }`
key-needs-club = a key needs `--club CLUB` (repeatable) or `--admin`
key-line = key: { $key }
key-give = Give the key to its holder; it is not stored anywhere. Add this line under `keys:` in the keys file:
key-give-written = Give the key to its holder; it is not stored anywhere. Its hash is in { $file } as `{ $name }` (a running server takes it at its next reload).
key-file-broken = `{ $file }` does not load as it is: mend it first; nothing was written
key-holder-taken = `{ $file }` already has a key held by `{ $name }`: give this one another name, or remove the old entry to revoke it
key-file-would-break = the keys file would not load with the new entry (is `keys:` its last section?); nothing was written

## The keys file of `bashgah serve` (src/serve/keys.rs).
keys-make-one = make a key with `bashgah key --name NAME --club CLUB` and add the line it prints to this file
keys-bad-hash = key `{ $name }`: `sha256` must be 64 hex digits, the hash of the key
keys-bad-hash-help = `bashgah key` prints a new key and its hash; never put the key itself here
keys-grants-nothing = key `{ $name }` grants nothing: give it `clubs: [...]`, `roles: {"{"}...{"}"}` or `admin: true`
keys-bad-expiry = key `{ $name }`: `{ $text }` is not a date or a time
keys-bad-expiry-help = write a date, `2027-01-01` (midnight UTC), or a time with its offset, `2027-01-01T08:00:00+03:30`

keys-file-empty = the keys file is empty
keys-file-empty-help = make a key with `bashgah key --name NAME --club CLUB` and add the line it prints under `keys:`
