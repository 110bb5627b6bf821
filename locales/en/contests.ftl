# Contests: leaderboards and prize draws (club.yaml `contests:`, `bashgah contest`).

contest-twice = contest `{ $id }` is defined twice (leaderboards and draws share their ids)
contest-metric-function = contest `{ $id }`: `metric: function` needs the function's name in `function`
contest-metric-function-help = add e.g. `function: score`, where `fn score(event, member)` is in one of the club's scripts
contest-function-unused = contest `{ $id }`: `function` is read only with `metric: function`
contest-rank = contest `{ $id }`: each prize needs its own place, 1 or more
contest-prize-points = a prize's points must be between 0 and 10¹⁸
contest-prize-reward = there is no reward `{ $reward }` in `rewards`
contest-entries = contest `{ $id }`: give entries either `per` (an amount above 0) or `function`
contest-entries-help = e.g. `entries: {"{"}per: 100000{"}"}`: one entry for each whole 100,000 of a purchase
contest-date = contest `{ $id }`: { $message }
contest-draw-early = contest `{ $id }`: the draw cannot be before its window's last day is over
contest-draw-at-fixed = contest `{ $id }`: `draw_at` needs a window of fixed dates (`from`, `to`)
contest-no-prizes = contest `{ $id }` has no prizes
contest-ends-before = contest `{ $id }` ends before it starts
contest-window = contest `{ $id }`: a window is `from` and `to`, or `period`
contest-window-help = e.g. `window: {"{"}from: 1403-09-25, to: 1403-09-30{"}"}` or `window: {"{"}period: month{"}"}`
contest-what = contest `{ $id }`
advance-contests = { $windows ->
        [one] { $windows } contest decided
       *[other] { $windows } contests decided
    }: { $prizes ->
        [one] { $prizes } prize
       *[other] { $prizes } prizes
    }, { $gained } { $points }
contest-unknown = club `{ $club }` has no contest `{ $id }`
contest-verify-which = `--verify` needs the contest: `bashgah contest CLUB CONTEST --verify`
contest-none = club `{ $club }` has no contests
contest-badge = badge { $badge }
contest-reward = reward { $reward }
contest-heading-board = leaderboard { $name } (`{ $id }`), by { $metric }
contest-heading-draw = draw { $name } (`{ $id }`)
contest-window-line = window { $from } to { $to }, decided { $decided }
contest-more = { "  " }… and { $more } more
contest-result = result of { $window }, decided { $decided }: { $participants } taking part
contest-seed = { "  " }seed { $seed } ({ $entries } entries)
contest-verify-nothing = no recorded result to verify
contest-verify-ok = { $contest } { $window }: matches the ledger: { $winners }
contest-verify-differs = { $contest } { $window }: DIFFERS: recorded { $recorded }, decided again { $decided }
contest-verify-seed = { "  " }seed { $seed }
member-contests-heading = contests:
member-contest-draw = { $name } { $window }: { $entries ->
        [one] { $entries } entry
       *[other] { $entries } entries
    }
member-contest-board = { $name } { $window }: score { $score }, place { $place } of { $ranked }
member-contest-unranked = { $name } { $window }: score { $score }, not ranked
member-contest-prize = , won { $prize }
member-contest-open = { " " }(open)
report-contests = Contests:
test-winners-differ = winners of `{ $contest }`: expected [{ $expected }], got [{ $got }]
# Ledger reasons of prizes, in the club's language (numbers as digits the ledger keeps).
reason-contest-place = place { $place } in { $name } ({ $window }), score { $score }
reason-contest-draw = prize { $place } of { $name } ({ $window }), entries: { $entries }

# A row refused for its id.
rows-contest-id-reserved = `{ $id }`: ids beginning with `contest:` are kept for the contests' prizes; give the event another id
