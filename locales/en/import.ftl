# `bashgah import` (and the imports `demo` runs): the summary line of each file, the rows
# that were not applied, and what stops an import before it starts.

## The summary of a file.
import-summary = { $accepted } accepted, { $duplicates } duplicate, { $conflicts } conflicting, { $rejected } rejected; { $points } points awarded
import-members-summary = { $created ->
    [one] { $created } member
   *[other] { $created } members
} created, { $updated } updated{ $unchanged }, { $rejected } rejected
import-members-unchanged = , { $unchanged } unchanged
import-dry-run = { " " }(dry run: nothing written)

## A row that was not applied: `rejected: p.csv:3: …`.
import-rejected = rejected
import-conflict = conflict
import-problem = { $label }: { $file }:{ $line }: { $message }
import-problem-column = { $label }: { $file }:{ $line }: column `{ $column }`: { $message }
import-and-more = { " " }and { $more } more
import-same-as = { $label }: { $file }:{ $lines }: the same as line { $line }

## Before the import.
import-nothing = nothing to import
import-nothing-help = give an events file, --members FILE, or both
import-no-profile = club `{ $club }` has no import profile `{ $name }`
import-no-profiles-help = profiles are defined in club.yaml under `import: { "{" }profiles: { "{" }NAME: { "{" }columns: ...{ "}" }{ "}" }{ "}" }`
import-profiles-are = the club's profiles are { $profiles }
import-unknown-format = cannot tell the format of `{ $file }`
import-unknown-format-help = name it .csv or .jsonl, or pass --format csv|jsonl
import-cannot-open = cannot open `{ $file }`: { $reason }
