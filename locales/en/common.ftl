# Messages shared by every command: the frame problems are printed in, counts of them.
# Arguments are written { $name }; counts choose the plural with [one] / *[other].
# See locales/README.md.

## The frame of every problem (src/diagnostic.rs): `error: …`, `= help: …`.
diagnostic-error = error
diagnostic-warning = warning
diagnostic-help = help

error-count = { $count ->
    [one] { $count } error
   *[other] { $count } errors
}

# A club whose files have errors: `club `cafe` has 2 errors and was not loaded`.
club-not-loaded = club `{ $club }` has { $errors } and was not loaded

## `bashgah --help`: English comes from the doc comments in src/cli/args.rs; these are
## used in the other languages only, so keep them in step with those comments.
help-about = A loyalty-program (customer club) engine: club rules in YAML and Rhai, a SQLite ledger that never loses a point
help-template = { "{" }about-with-newline{ "}" }
    Usage: { "{" }usage{ "}" }
    { "" }
    Commands:
    { "{" }subcommands{ "}" }
    { "" }
    Options:
    { "{" }options{ "}" }
help-init = Create a new club from a template (cafe, retailer, wholesale, commitment)
help-check = Check club files and scripts; print every problem with its position
help-schema = Print the JSON Schema of club.yaml, for editors
help-openapi = Print the OpenAPI document of `bashgah serve`'s HTTP API (docs/openapi.json)
help-test = Run the policy tests in each club's tests/*.yaml
help-import = Import purchases and other events (CSV or JSON Lines), or members with --members
help-member = Show a member's balance and statement
help-migrate = Copy the club's ledger, exactly and checked, into a PostgreSQL database or a SQLite file
help-advance = Move the club's clock to DATE: expire what is due, send expiring-soon notices
help-adjust = Add (or, with a negative number, take) points by hand; a reason is required
help-transfer = Give points from one member to another, where the club allows it
help-simulate = Replay historical events under a club's rules (and another's) and report what they cost
help-explain = Show how an event's points came about: every rule, what it read and produced
help-redeem = Spend a member's points on a reward from the club's catalogue
help-cancel = Cancel a redemption whose reward was not handed over
help-convert = Turn a member's points into credit, at the club's rate
help-demo = Load every shipped club, import its examples and show the result; with --serve, then serve them
help-export = Write out the club's members, entries, lots or messages as CSV or JSON Lines
help-report = How the club is doing: segments, members at risk, campaigns, partners, messages
help-contest = The club's leaderboards and prize draws: standings, results and seeds; --verify runs a draw again
help-deliver = Send the messages that are due, through the club's channels
help-serve = Run the host process: every club behind an HTTP JSON API, reloaded live as its files change
help-key = Make a new API key and print it with the line that grants it, for the keys file
help-policies = Folder holding one sub-folder per club
help-plugins = Folder of shared Rhai modules that scripts `import`
help-data = Folder holding each club's ledger as `<club>.sqlite`
help-database = Keep ledgers in this PostgreSQL database instead of SQLite files
help-deployment = A YAML file saying which database holds which club's ledger
help-lang = The language of what bashgah prints for people: `en` or `fa`
