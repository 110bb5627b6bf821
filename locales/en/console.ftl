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
