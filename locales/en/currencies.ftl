# Foreign currencies: declared rates and converting purchases (club.yaml `currencies:`).

currency-not-taken = `{ $currency }` is not the club's currency, and the club declares no rates (`currencies.rates` in club.yaml)
currency-unknown = the club has no rate for `{ $currency }`; it takes { $currencies }
currency-no-rate-yet = no rate of `{ $currency }` holds on { $date }: its first rate is from { $first }
currency-rate-stale = the rate of `{ $currency }` in force on { $date } is from { $from }, older than { $days } days (`currencies.max_age_days`): declare a newer rate
currency-decimals = `decimals: { $decimals }` is more than `{ $currency }` has ({ $most })
currency-rate-twice = `{ $currency }` has two rates from { $date }
currency-file-outside = the rate file `{ $file }` must be a path inside the club's folder
currency-is-the-clubs = `{ $currency }` is the club's own currency: it needs no rate
currency-rate-range = a rate must be above zero and at most 10¹⁸, not { $rate }
currency-file-row = column `{ $column }`: { $message }
currency-file-no-column = the rate file has no `{ $column }` column: its first line must be `date,currency,rate`
currency-too-large = the amount converted from `{ $currency }` is too large
currency-return-differs = this return is in `{ $currency }` but its purchase was paid in `{ $purchase }`: a return is given back in its purchase's currency
currency-no-credit = `credit_used` is in the club's currency (`{ $club }`): a purchase in `{ $currency }` cannot use credit
money-toman = Toman
currency-toman-needs-rial = `money: toman` shows a tenth of a Rial amount: it needs `currency: IRR`, not `{ $currency }`
currency-return-too-much = the purchase was paid { $paid } { $currency }; with this return { $returned } { $currency } would have been given back
