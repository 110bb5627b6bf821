# What a person reads when a row of a CSV or JSON Lines file cannot be read: its dates,
# amounts, columns and values (src/import/*.rs, src/amount.rs, src/calendar.rs, src/time.rs).
# The line and the column are said by the import's report; these are the reasons.
# See locales/README.md.

## The file and its header (src/import/rows.rs).
rows-cannot-read = cannot read `{ $file }`: { $reason }
rows-cannot-read-rest = cannot read { $file }: { $reason }
rows-missing-column = the header has no `{ $column }` column; required columns are { $required }
# What separates the columns of a spreadsheet saved another way.
rows-semicolons = semicolons
rows-tabs = tabs
rows-separator-help = the columns are separated by { $separator }, not commas: save the file as CSV with commas ("CSV UTF-8" in a spreadsheet), with `.` as the decimal point
rows-close-column-help = is `{ $header }` the `{ $column }` column? rename it in the file, or map it with an import profile (`import.profiles` in club.yaml, `--profile NAME`)
rows-close-column-profile-help = is `{ $header }` the `{ $column }` column? map it in the profile's `columns`
rows-file-columns-help = the file's columns are { $columns }; an import profile (`import.profiles` in club.yaml, `--profile NAME`) maps another system's names
rows-profile-maps-none-help = the profile maps no column of the file to `{ $column }`
rows-profile-reads-help = the profile reads `{ $column }` from { $sources }, which the file does not have
# Between names in a list of alternatives: `a` or `b`.
rows-or = { " or " }
rows-header-twice = the header names `{ $header }` twice (columns { $first } and { $second }); each column once
rows-field-count = the row has { $fields } fields but the header has { $header }
rows-not-unicode = the row is not valid UTF-8 text; save the file as UTF-8
rows-line-not-object = each line must be a JSON object `{ "{" }...{ "}" }`

# Between the items of a list: `id`, `member`, `date`.
list-comma = { ", " }

## A value of the wrong kind.
rows-text-not-number = `{ $name }` must be text, not a JSON number: write "{ $number }"
rows-text-not = `{ $name }` must be text, not { $kind }
rows-number-not = `{ $name }` must be a number or text, not { $kind }
rows-control-character = `{ $name }` holds a control character ({ $code }); identifiers are plain text
rows-empty = `{ $name }` is empty
# What a JSON value is, in the messages above: "not a JSON object".
rows-kind-null = null
rows-kind-bool = true or false
rows-kind-number = a JSON number
rows-kind-text = text
rows-kind-list = a JSON list
rows-kind-object = a JSON object

## JSON Lines (src/import/json.rs). `reason` is serde_json's, in English.
rows-json-invalid = invalid JSON: { $reason }
rows-json-too-deep = invalid JSON: nested more than { $depth } levels deep
rows-json-key-twice = the key `{ $key }` is given twice; each key may appear once (JSON readers would keep only one)
rows-json-key-twice-in = the key `{ $key }` is given twice in { $place }; each key may appear once (JSON readers would keep only one)
rows-json-element = element { $number }
# Between the steps of a place in JSON: element 2 of `items`.
rows-json-of = { " of " }

## An event's row (src/import/event_row.rs).
rows-not-event-type = `{ $text }` is not an event type; use one of { $types }
rows-negative-amount = a { $kind } cannot have a negative amount; record refunds as `type: return` naming the `original`
rows-other-currency = `{ $currency }` is not the club's currency `{ $club }`
rows-credit-used = `credit_used` is the part of a purchase paid with credit: between { $zero } and the amount ({ $amount })
rows-return-needs-original = a return must name the purchase it returns
rows-attributes-not-object = `attributes` must be a JSON object of fields of your own, not { $kind }; in a CSV file give each its own column
rows-items-twice = `items` is given twice: as a column and in `attributes`
rows-items-hint = ; `items` is a count of items, or in JSON Lines a list of { "{" }sku, category, qty, price{ "}" }
rows-items-not-count = `{ $written }` is not a number of items (a whole number, 0 or more)
rows-items-not-list = `items` must be a list of { "{" }sku, category, qty, price{ "}" } or a count of items, not { $kind }
rows-item-not-object = item { $n } must be an object { "{" }sku, category, qty, price{ "}" }, not { $kind }
rows-item-control-character = item { $n }: `{ $name }` holds a control character; it is plain text
rows-item-not-text = item { $n }: `{ $name }` must be text, not { $kind }
rows-item-missing = item { $n } has no `{ $name }`
rows-item-bad = item { $n }: `{ $name }`: { $message }
rows-no-messages = the club sends no messages
rows-message-channels = its message channels are { $channels }
rows-reply-channel-not-reply = `reply_channel` is the channel a reply came on; this row is not a reply (`type: custom` with a `reply`)
rows-no-channel-listed = the club has no message channel `{ $channel }` ({ $channels })
rows-sales-channel = `channel` is the sales channel, and a reply's channel goes in `reply_channel`: `{ $named }` is not a message channel ({ $channels })
# A problem and the likely fix: "…; did you mean `x`?"
rows-with-suggestion = { $problem }; { $suggestion }
rows-conflict = event `{ $id }` is already in the ledger with different content

## A member's row (src/import/member_row.rs).
rows-no-channel = the club has no message channel `{ $channel }`
rows-not-yes-or-no = `{ $text }` is not yes or no
rows-not-member-type = `{ $text }` is not a member type of this club ({ $types })
rows-members-unchanged = , { $count } unchanged
rows-members-summary = { $created ->
    [one] { $created } member
   *[other] { $created } members
} created, { $updated } updated{ $unchanged }, { $rejected } rejected

## An import profile's values (src/import/profile.rs). `reason` is chrono's, in English.
rows-profile-unit-too-large = `{ $written }` × { $unit } (the profile's `amount_unit`) is too large
rows-profile-not-date = `{ $text }` is not a date in the profile's format `{ $format }`: { $reason }
rows-profile-no-whole-date = `{ $text }` has no whole date in the profile's format `{ $format }`
rows-profile-date = `{ $text }`: { $message }
rows-profile-no-month = no month { $month }
rows-profile-no-day = no day { $day }
rows-profile-no-such-time = `{ $text }` has no such time of day

## Dates and times (src/calendar.rs, src/time.rs).
rows-date-format = `{ $text }` is not a date; write it as YYYY-MM-DD, e.g. 2025-03-21
rows-date-format-jalali = `{ $text }` is not a date; write it as YYYY-MM-DD, e.g. 2025-03-21 or 1404-01-01
rows-jalali-in-gregorian = `{ $text }` looks like a Jalali date, but this club's calendar is gregorian; write the Gregorian date or set `calendar: jalali`
rows-not-a-date = { $date } is not a date
rows-not-a-jalali-date = { $date } is not a Jalali date
rows-not-a-leap-year = { $date } is not a Jalali date: { $year } is not a leap year, so Esfand has 29 days
rows-date-out-of-range = { $date } is out of range
rows-date-outside = `{ $text }` is outside the dates bashgah accepts (years { $from }–{ $to })
rows-date-outside-jalali = `{ $text }` is outside the dates bashgah accepts (years { $from }–{ $to }; in the Jalali calendar { $first } to { $last })
rows-not-a-time = `{ $text }` is not a time of day; write it as HH:MM or HH:MM:SS, with an offset (+03:30, Z) if it is not the club's time
rows-day-skipped = { $date } did not happen in { $zone }: its clocks skipped the whole day
rows-time-skipped = { $time } did not happen in { $zone } (a daylight-saving gap)

## Amounts (src/amount.rs).
rows-amount-empty = the amount is empty
rows-not-a-number = `{ $text }` is not a number
rows-amount-too-large = `{ $text }` is more than the largest amount bashgah accepts ({ $largest })
rows-currency-no-decimals = `{ $text }` has decimals, but { $currency } has none; bashgah does not round amounts
rows-currency-decimals = `{ $text }` has more decimals than { $currency } has ({ $decimals }); bashgah does not round amounts
rows-too-many-decimals = `{ $text }` has { $scale } decimals; bashgah keeps at most 28 exactly and never rounds an amount
rows-too-many-digits = `{ $text }` has more digits than bashgah keeps exactly (28); it is not rounded
rows-separators-out-of-place = `{ $text }` has thousands separators out of place: group the digits in threes (1,234,567) or write none
rows-decimal-comma = `{ $text }` looks like a decimal comma: write { $write }

## An event the ledger cannot take as it is (src/engine/evaluate.rs).
rows-credit-short = `{ $member }` has { $credit } { $currency } of credit, less than the { $used } used
rows-enroll-needs-deal = an `enroll` event names the deal in a `deal` column
rows-no-deal = no deal `{ $name }` in this club
rows-deal-automatic = members join `{ $name }` automatically, at their first purchase
rows-already-in-deal = `{ $member }` is already in deal `{ $name }`
rows-return-needs-original-column = a return must name the purchase it returns in `original`
rows-original-unknown = the original event `{ $name }` is not in the ledger
rows-original-other-member = the original event `{ $name }` belongs to member `{ $owner }`, not `{ $member }`
rows-original-not-purchase = `{ $name }` is a { $kind } event; only purchases can be returned
rows-return-not-positive = a return's amount must be more than zero
rows-return-too-much = the return of { $amount } is more than the { $left } left of `{ $name }`
