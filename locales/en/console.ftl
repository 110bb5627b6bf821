# The web console (`bashgah serve`, at /): its frame, signing in and the list of clubs.
# Each page's own messages follow, under a comment naming the page.

console-skip = Skip to the content
console-nav-label = The club
console-nav-overview = Overview
console-nav-members = Members
console-nav-try = Try a purchase
console-nav-policy = Policy
console-nav-what-if = What-if
console-signed-in-as = Signed in as { $name }
console-other-language = فارسی
console-sign-out = Sign out
console-sign-in-title = Sign in to the club console
console-sign-in-intro = Sign in with an API key from the keys file. The key is sent once; the browser keeps a session cookie, not the key.
console-key-label = API key
console-sign-in = Sign in
console-unknown-key = That key is not known, or it has expired.
console-clubs-title = Your clubs
console-clubs-caption = The clubs this key may see, with what it may do in each
console-club = Club
console-club-id = Id
console-role = Role
console-role-viewer = viewer (reads)
console-role-till = till (records purchases and redemptions)
console-role-operator = operator (also adjusts points)
console-role-admin = admin
console-not-found = Not found
console-not-found-detail = There is no such page, or this key may not see it.
console-forbidden = Not allowed
console-needs-role = Your key is a { $held } of this club; this needs { $needed }.
console-csrf = The form was not sent from this console (its security token is missing or old). Reload the page and try again.
console-invalid = The form cannot be used
console-refused = Refused
console-back-to-clubs = Back to your clubs

# The policy page (/clubs/{club}/policy and its diff).
console-policy-title = Policy
console-policy-live = The live version
console-policy-live-version = Serving version
console-policy-live-since = since { $date }.
console-policy-last-reload = The last reload
console-policy-reload-failed = The reload of { $date } failed; the live version keeps serving. What `bashgah check` says:
console-policy-incident = Incident id in the log:
console-policy-reload-unchanged = Reloaded { $date }: version { $version }, the rules unchanged.
console-policy-reload-activated = Reloaded { $date }: version { $version } went live.
console-policy-versions = Versions
console-policy-no-versions = The ledger keeps no version yet.
console-policy-versions-caption = Every version the ledger keeps, newest first
console-policy-version = Version
console-policy-first-used = First used
console-policy-files = Files
console-policy-compare-live = Compare
console-policy-live-mark = live
console-policy-diff-with-live = { $version } against the live version
console-policy-older = Older versions
console-policy-newest = Newest versions
console-policy-compare = Compare two versions
console-policy-from = From (the older)
console-policy-to = To (the newer)
console-policy-show-diff = Show the changes
console-policy-pick-two = Pick two versions to compare.
console-policy-back = Back to the policy
console-policy-diff-title = Changes from { $from } to { $to }
console-policy-invalid-version = “{ $version }” is not a version: give its id (at least 4 of its digits) or “live”.
console-policy-unknown-version = No version { $version } in this club's ledger.
console-policy-ambiguous-version = Several versions start with { $version } ({ $versions }): give more digits.
console-policy-tests = Policy tests
console-policy-no-tests = This club has no policy tests (tests/*.yaml in its folder).
console-policy-tests-summary = { $passed } passed, { $failed } failed, before this version went live.
console-policy-tests-caption = Each test of the live version and its result
console-policy-test = Test
console-policy-test-where = File and line
console-policy-test-result = Result
console-policy-passed = passed
console-policy-failed = failed
console-policy-uncovered = Rules no test makes award points:
console-policy-canary = Canary
console-policy-no-canary = No canary has run since the server started (it tries a new version on the club's recent events when one is saved).
console-policy-canary-tried = Version { $candidate } tried beside { $live } on the last { $events ->
    [one] event
   *[other] { $events } events
}: points issued { $before } → { $after }
console-policy-canary-refused = Refused:
console-policy-canary-same = No rule's points changed.
console-policy-canary-caption = How each rule's points change
console-policy-rule = Rule
console-policy-events-changed = Events changed
console-policy-points-live = Live
console-policy-points-candidate = New
console-policy-points-change = Change
console-policy-examples = Examples
console-policy-files-heading = The live version's files
console-policy-lines = { $lines ->
    [one] { $lines } line
   *[other] { $lines } lines
}
console-policy-same-files = The two versions have the same files.
console-policy-unchanged = Unchanged:
console-policy-file-added = added
console-policy-file-removed = removed
console-policy-file-changed = changed
console-policy-counts = { $added ->
    [one] { $added } line added
   *[other] { $added } lines added
}, { $removed } removed
console-policy-old-line = Old
console-policy-new-line = New
console-policy-change = Added (+) or removed (-)
console-policy-line = Line

# The what-if page (what_if.rs).
console-what-if-title = What-if: a draft over the club's history
console-what-if-intro = Pick a draft (a copy of the club in the server's drafts folder) and a period, in the club's calendar. The draft's rules are replayed over the club's real events of that period beside the live version. Nothing is written.
console-what-if-draft = Draft
console-what-if-from = From
console-what-if-to = To (included)
console-what-if-run = Run the simulation
console-what-if-no-drafts = The drafts folder holds no draft of this club.
console-what-if-report = The simulation report

# Try a purchase (try_purchase.rs).
console-try-title = Try a purchase
console-try-intro = Try a purchase on a member as the ledger holds them, under the live version and, to compare, a draft (a copy of the club in the server's drafts folder). It is a dry run: nothing is written, and the page's address can be shared.
console-try-member = Member
console-try-date = Date
console-try-date-hint = In the club's calendar, e.g. { $example }.
console-try-time = Time (optional, the club's clock)
console-try-amount = Amount
console-try-amount-hint = In { $currency }, digits with a decimal point if any, e.g. 255000.
console-try-items = Line items (optional)
console-try-items-hint = One item a line: sku, quantity, price, and a category after if your rules read one. For example:
console-try-attributes = Attributes (optional)
console-try-attributes-hint = One a line: key=value, as the rules read event.attributes. For example:
console-try-draft = Compare with a draft
console-try-draft-hint = Choose a draft to see its rules beside the live version's.
console-try-no-drafts = The drafts folder holds no draft of this club: the live version is tried alone.
console-try-live-only = None: the live version only
console-try-run = Try it
console-try-problems = The form cannot be tried as it is:
console-try-required = { $field } is needed.
console-try-not-amount = `{ $text }` is not an amount: write digits, with a decimal point if any (255000 or 12.5).
console-try-item-line = line { $line } is not sku, quantity, price (and a category if you like).
console-try-attribute-line = line { $line } is not key=value.
console-try-attribute-twice = `{ $key }` is given again on line { $line }.
console-try-too-many-lines = more than { $most } lines.
console-try-result = What the purchase would do
console-try-event = A purchase of { $amount } by member { $member }, at { $when }.
console-try-dry-run = A dry run: nothing was written to the ledger.
console-try-live = Live version
console-try-draft-version = Draft { $name }
console-try-comparison = Each rule's points under both versions
console-try-rule = Rule
console-try-difference = Difference
console-try-total-heading = The event's total
console-try-none = none
console-try-the-member = The member
console-try-new-member = (new: the ledger does not know them yet)
console-try-member-type = Member type
console-try-tier = Tier
console-try-multiplier = Tier multiplier
console-try-balance-before = Balance before
console-try-balance-after = Balance after
console-try-rejected = the event would be rejected
console-try-rules-fail = The rules fail, so the event would be rejected:
console-try-rules = Every rule
console-try-place = Where
console-try-status = Status
console-try-reads = What it read
console-try-raw = Before rounding
console-try-points = Points
console-try-rounded = (rounded)
console-try-rounding = Rounding: { $mode }, to { $precision ->
        [one] { $precision } decimal place
       *[other] { $precision } decimal places
    }.
console-try-rounding-floor = down
console-try-rounding-ceil = up
console-try-rounding-half-up = to the nearest, a half up
console-try-rounding-half-even = to the nearest, a half to the even
console-try-rounding-truncate = towards zero
console-try-falls-due = Due before the purchase
console-try-entries = The entries it would write
console-try-no-entries = none
console-try-event-id = Event
console-try-kind = Kind
console-try-reason = Reason
console-try-tier-change = { $member } would move from { $from } to { $to } on { $date }:
console-try-total = The event's total: { $points } { $name }
console-try-status-ran = ran
console-try-status-other-type = not for this kind of event
console-try-status-disabled = disabled
console-try-status-campaign-closed = its campaign is closed

# Overview: the club's overview page (overview.rs).
console-overview-title = Overview
console-overview-at = As at (a day in the club's calendar; empty: today)
console-overview-show = Show
console-overview-bad-at = `{ $at }` is not a day or time in the club's calendar; write it like { $example } or { $example } 18:00.
console-overview-as-at = Figures as at { $at }, in the club's calendar.
console-overview-members = Members
console-overview-active-30 = Bought in the last 30 days
console-overview-active-90 = Bought in the last 90 days
console-overview-outstanding = Points members hold
console-overview-liability = What they are worth
console-overview-no-rate = not set (the club gives points no money value)
console-overview-months = Points by month
console-overview-issued = Issued
console-overview-spent = Spent
console-overview-expired = Expired
console-overview-month = Month
console-overview-tier = Tier
console-overview-rule = Rule
console-overview-status = What became of them
console-overview-tiers = Members per tier
console-overview-tier-members = Members
console-overview-no-tier = no tier
console-overview-rules = Points by rule
console-overview-no-points = No rule has issued points yet.
console-overview-campaigns = Campaigns: cost against budget
console-overview-campaign = Campaign
console-overview-cost = Cost (points)
console-overview-cost-money = Cost (money)
console-overview-budget = Budget (points)
console-overview-capped = Awards cut by the budget
console-overview-none = —
console-overview-messages = Messages
console-overview-messages-count = Messages
console-overview-sent = Sent
console-overview-pending = Waiting
console-overview-suppressed = Held back
console-overview-failed = Failed
console-overview-policy = Policy
console-overview-version = Live version
console-overview-active-since = Active since
console-overview-last-reload = Last reload
console-overview-no-reload = none since the server started
console-overview-activated = a new version went live
console-overview-unchanged = nothing had changed
console-overview-reload-failed = failed
console-overview-still-serving = The last reload failed, so version { $version } keeps serving. What `bashgah check` says:
console-overview-month-jalali = { $month ->
    [1] Farvardin
    [2] Ordibehesht
    [3] Khordad
    [4] Tir
    [5] Mordad
    [6] Shahrivar
    [7] Mehr
    [8] Aban
    [9] Azar
    [10] Dey
    [11] Bahman
   *[12] Esfand
} { $year }
console-overview-month-gregorian = { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
} { $year }

# Members
console-members-title = Members
console-members-search-label = Search by id, name, phone or email
console-members-search = Search
console-members-none = No members found.
console-members-caption = Members, in id order
console-members-id = Id
console-members-profile = Profile
console-members-tier = Tier
console-members-balance = Balance
console-members-searched-to = Searched the members up to { $member }; the next page searches on.
console-members-paging = Pages
console-members-previous = Previous page
console-members-next = Next page
console-member-title = Member { $id }
console-member-as-of = As of { $date }
console-member-balance = Balance
console-member-available = Available
console-member-pending = Pending
console-member-debt = Debt
console-member-credit = Credit
console-member-tier = Tier
console-member-no-tier = none
console-member-type = Type
console-member-joined = Joined
console-member-birthday = Birthday
console-member-spent = Spent in all
console-member-expiring = Points by the last day they can be spent
console-member-last-day = Last day
console-member-points = Points
console-member-lots = Lots (points earned together), spent oldest first
console-member-earned = Earned
console-member-event = Event
console-member-left = Left
console-member-spendable = Spendable from
console-member-expires = Expires
console-member-never = never
console-member-tier-history = Tier history
console-member-date = Date
console-member-tier-from = From
console-member-tier-to = To
console-member-reason = Reason
console-member-deals = Deals
console-member-deal = Deal
console-member-deal-state = State
console-member-deal-progress = Progress
console-member-deal-next = Next checkpoint
console-member-deal-kept = { $kept } of { $periods } periods kept, { $missed } missed
console-member-deal-active = active
console-member-deal-completed = completed
console-member-deal-failed = failed
console-member-badges = Badges
console-member-challenges = Challenges
console-member-challenge = Challenge
console-member-period = Period
console-member-purchases = Purchases
console-member-completed = Completed
console-member-statement = Statement: every entry with its reason
console-member-rule = Rule
console-member-explain = Why: the event's explanation
console-member-no-entries = No entries yet.
console-member-adjusted = The points were adjusted.
console-member-redeemed = The reward was redeemed.
console-member-converted = The points were converted to credit.
console-member-duplicate = That form was sent before: it was applied once, and not again.
console-adjust-title = Adjust points
console-adjust-points = Points (negative to take)
console-adjust-reason = Reason
console-adjust-submit = Adjust
console-adjust-confirm = Change this member's points by hand?
console-adjust-no-reason = An adjustment needs a reason.
console-redeem-title = Redeem a reward
console-redeem-reward = Reward
console-redeem-submit = Redeem
console-convert-title = Convert points to credit
console-convert-points = Points
console-convert-submit = Convert
console-invalid-points = “{ $points }” is not an exact number of points.
console-event-title = Event { $id }
console-event-type = Type
console-event-member = Member
console-event-when = When
console-event-amount = Amount
console-event-paid = Paid
console-event-paid-at = { $paid } { $currency } at { $rate }
console-event-channel = Channel
console-event-store = Store
console-event-version = Policy version
console-event-earlier-version = (an earlier version; { $current } is active now)
console-event-member-then = The member before it
console-event-member-then-detail = { $kind }, tier { $tier }, balance { $balance }
console-event-rules-failed = The rules failed on this event: { $error }
console-event-rules = Every rule, in order
console-event-function = Function
console-event-what = What it did
console-event-read = What it read
console-event-disabled = disabled
console-event-campaign-closed = its campaign is not open to this member then
console-event-not-for-type = not a rule for this type of event
console-event-ran-nothing = ran, gave nothing
console-event-ran = ran: { $points }
console-event-ran-rounded = ran: { $raw }, rounded ({ $rounding }, { $places } places) to { $points }
console-event-rules-entries = What the rules give
console-event-ledger-entries = What the ledger holds
console-event-same = The ledger holds what the rules give.
console-event-differs = The ledger holds other entries than the rules give now.
console-event-not-by-rules = No rule makes this kind of event's entries: the ledger's are shown.
console-event-no-entries = none
console-member-messages = Messages, latest first
console-member-occasion = Occasion
console-member-channel = Channel
console-member-message-status = Status
console-member-message-text = Text
