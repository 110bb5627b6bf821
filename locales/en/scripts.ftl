# What a person reads when a club's Rhai scripts, its plugins or the loader find a problem
# (src/policy/*.rs), and when a rule fails one event (src/engine/evaluate.rs).
# See locales/README.md.

## Loading a club folder (src/policy/load.rs).
script-cannot-read = cannot read `{ $file }`: { $reason }
script-no-club-yaml-help = a club folder needs a club.yaml; `bashgah init` creates one
script-cannot-list = cannot list `{ $folder }`: { $reason }
script-unknown-timezone = unknown timezone
script-campaign-date = campaign `{ $id }`: { $message }
script-campaign-ends-before = campaign `{ $id }` ends before it starts

# The frame of every problem found in a script: `in a Rhai script: …`.
script-in-rhai = in a Rhai script: { $message }
script-plugins-help = plugins are `.rhai` files in the plugins folder (`--plugins DIR`)
script-not-a-function = `{ $name }` is not a function: no plugin, helper or function in this script has that name
script-functions-help = functions come from this script, the plugins it imports, and Rhai's standard library
script-no-field = `{ $owner }` has no field `{ $name }`
script-attribute-help = a column bashgah has no meaning for is read as `{ $owner }.attributes.{ $name }`; the README's "What scripts see" lists the fields
script-fields-are = its fields are { $fields }

# What names a function in club.yaml, in the messages below.
script-what-rule = rule `{ $id }`
script-what-campaign = campaign `{ $id }`
script-what-deal = deal `{ $id }`
script-what-tiering = `tiering`
script-what-reports-segment = `reports.segment`
script-function-undefined = { $what } names function `{ $name }`, which no script defines
script-function-define-help = define `fn { $name }({ $params }) { "{" } ... { "}" }` in a .rhai file next to club.yaml
script-function-parameters = function `{ $name }` takes { $count } parameters, but { $what } calls it with { $wanted }
script-function-declare-help = declare it as `fn { $name }({ $params })`
script-function-twice = function `{ $name }` is defined more than once ({ $files })

## Rhai's own words for the mistakes met most (src/policy/script_engine.rs).
script-rhai-module-not-found = Module not found: { $name }
script-rhai-variable-not-found = Variable not found: { $name }
script-rhai-function-not-found = Function not found: { $name }
script-rhai-runtime = Runtime error: { $message }
script-rhai-unexpected = Unexpected '{ $text }'
script-rhai-open-string = Open string is not terminated
script-rhai-unknown-operator = Unknown operator: '{ $text }'
script-rhai-undefined-variable = Undefined variable: { $name }
script-rhai-variable-exists = Variable already defined: { $name }
script-rhai-undefined-module = Undefined module: { $name }
# `description` is Rhai's, in English: "to terminate this statement".
script-rhai-missing-token = Expecting '{ $token }' { $description }
script-rhai-incomplete = Script is incomplete
script-rhai-function-body = Expecting body statement block for function { $name }

## Helpers scripts call.
script-not-a-plugin-name = `{ $name }` is not a plugin name: imports name a plugin in the plugins folder (letters, digits and `_`), never a path
script-no-plugin-settings = no settings for plugin `{ $plugin }`: it has no manifest in the plugins folder
script-not-a-time = `{ $text }` is not a time

## A rule that fails one event (src/engine/evaluate.rs).
script-rule-failed = rule `{ $rule }` failed: { $what }
script-too-many-operations = ran more than { $limit } operations (a loop that never ends?)
script-budget-spent = stopped: the request's rules had run past its time budget; nothing of this event was recorded
script-too-long = ran longer than { $limit } ms
# `what` is Rhai's, in English: "length of string".
script-too-large = { $what } (limits: strings { $strings } bytes, arrays { $arrays } items, maps { $maps } entries)
script-too-deep = called functions more than { $limit } deep (endless recursion?)
script-rule-returned = rule `{ $rule }` returned { $what }; return a number of points, `award(points, reason)`, an array of those, or nothing
script-returned-map-without-points = a map without numeric `points`
script-returned-map-bad-to = a map whose `to` is not a member id
script-returned-type = a value of type `{ $name }`
script-rule-too-many-points = rule `{ $rule }` returned { $points } points, more than the { $largest } one award may give or take

## A description the code no longer matches (src/policy/descriptions.rs).
script-description-drift = rule `{ $rule }` is described as "{ $description }", but its function `{ $function }` no longer has { $number }: members' statements would say what the code no longer does
script-description-drift-help = update the rule's `description` in club.yaml, or give the reason from the code: `award(points, "...")`

## Plugins' settings in club.yaml (src/policy/plugins.rs).
script-no-plugin = no plugin `{ $name }` with settings in the plugins folder
script-plugins-with-settings = plugins with settings: { $names }
script-no-setting = plugin `{ $plugin }` has no setting `{ $key }`
script-its-settings = its settings: { $names }
script-setting-type = setting `{ $key }` of plugin `{ $plugin }` must be { $expected }
script-setting-needed = plugin `{ $plugin }` needs setting `{ $key }`
script-setting-add = add it under `plugins: { "{" }{ $plugin }: { "{" }{ $key }: ...{ "}" }{ "}" }`
script-setting-add-described = add it under `plugins: { "{" }{ $plugin }: { "{" }{ $key }: ...{ "}" }{ "}" }` ({ $description })
script-setting-whole-number = a whole number
script-setting-number = a number
script-setting-text = text
script-setting-boolean = true or false
script-setting-list = a list
script-setting-map = a map of `key: value`

plugin-manifest-empty = the plugin manifest is empty
plugin-manifest-empty-help = `plugin.yaml` gives the plugin's `name`, `version`, `description` and the `settings` it takes
script-what-group = group kind `{ $kind }`
