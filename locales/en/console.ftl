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

# The what-if page (what_if.rs).
console-what-if-title = What-if: a draft over the club's history
console-what-if-intro = Pick a draft (a copy of the club in the server's drafts folder) and a period, in the club's calendar. The draft's rules are replayed over the club's real events of that period beside the live version. Nothing is written.
console-what-if-draft = Draft
console-what-if-from = From
console-what-if-to = To (included)
console-what-if-run = Run the simulation
console-what-if-no-drafts = The drafts folder holds no draft of this club.
console-what-if-report = The simulation report

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
