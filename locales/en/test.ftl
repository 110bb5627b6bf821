# `bashgah test`: each club's cases, what failed and why, then the total.
# The lines of a failing case (points of …, balance of …) are what `test` prints under it,
# and what a server says when a reloaded club's tests fail.

test-not-loaded = FAILED  { $folder }: could not be loaded
test-club = { $club }: { $cases ->
    [one] { $cases } case
   *[other] { $cases } cases
} in { $folder }
test-case-ok = ok      { $name }
test-case-failed = FAILED  { $name }
test-no-entries = { "  " }no entries were written
test-entries-written = { "  " }entries written:
test-uncovered = uncovered rules: { $rules }
test-total = { $passed } passed, { $failed } failed

## Why a case failed.
test-ledger-failed = the ledger failed: { $error }
test-bad-date = a date in the case: { $message }
test-after-step = after step { $step }: { $failure }
test-step-failed = step { $step }: { $message }
test-error-expected = step { $step }: expected an error containing { $expected }, but it succeeded
test-error-differs = step { $step }: expected an error containing { $expected }, got { $got }
test-unknown-type = member `{ $member }` has unknown type `{ $kind }`
test-unknown-tier = member `{ $member }` has unknown tier `{ $tier }`
test-one-kind-of-step = a step is one of `event`, `advance`, `redeem` or `adjust`
test-points-differ = points of `{ $event }`: expected { $expected }, got { $got }
test-reasons-differ = reasons of `{ $event }`: expected [{ $expected }], got [{ $got }]
test-balance-differs = balance of `{ $member }`: expected { $expected }, got { $got }
test-no-such-member = no such member
test-tier-differs = tier of `{ $member }`: expected { $expected }, got { $got }
test-no-tier = none
test-messages-differ = messages of `{ $member }`: expected [{ $expected }], got [{ $got }]
test-deal-differs = deal `{ $deal }` of `{ $member }`: expected { $expected }, got { $got }
test-not-joined = not joined

test-file-empty = the test file is empty
test-file-empty-help = a test file is a list of cases with `name`, `given`, `when` and `then`
