# Reading a YAML file (club.yaml, tests, plugin manifests, the keys and deployment
# files): its syntax, unknown keys, missing keys and values of the wrong kind.
# See locales/README.md.

## The text of the file (src/yaml/tree.rs). `{ $reason }` is the YAML parser's own words.
yaml-invalid = invalid YAML: { $reason }
yaml-invalid-help = check the indentation and that every `key: value` pair has its colon
yaml-second-document = a second YAML document (`---`) in the file
yaml-second-document-help = a file holds one document; remove the `---` line and what follows, or merge them
yaml-too-deep = the file nests lists and mappings more than { $levels } levels deep
yaml-too-deep-help = no bashgah file needs more than a few levels; check the indentation
yaml-alias-inside = an alias refers to the node it is inside
yaml-alias-inside-help = an alias (`*name`) can repeat only a node that is complete before it
yaml-alias-too-deep = this alias nests lists and mappings more than { $levels } levels deep
yaml-aliases-too-many = aliases in this file repeat more than { $values } values
yaml-aliases-too-many-help = write the values out, or repeat fewer of them with `*name`
yaml-key-not-text = a key must be text, not a list or a mapping
yaml-duplicate-key = duplicate key `{ $key }`
yaml-duplicate-key-help = `{ $key }` is already given on line { $line }; a key may appear once in a mapping

## Keys and choices (src/yaml/keys.rs, schema.rs, de.rs).
yaml-unknown-key = unknown key `{ $key }`
yaml-known-keys = known keys here: { $keys }
yaml-unknown-key-known = unknown key `{ $key }`; known keys here: { $keys }
yaml-missing-key = missing key `{ $key }`
yaml-missing-key-help = add `{ $key }: ...` here
# `found` is what was written (`gfit`), `choices` the names allowed (`gift`, `credit`).
yaml-not-one-of = { $found } is not one of { $choices }
yaml-missing-one-of = missing one of { $keys }
yaml-not-together = `{ $second }` and `{ $first }` cannot be given together: give only one of { $keys }
yaml-own-step = put `{ $key }` in a step of its own
yaml-many-forms = this matches more than one of the forms allowed here
yaml-one-choice = expected one key, the name of a choice, with its settings under it
# `what` is yaml-a-value, yaml-a-list or yaml-its-settings.
yaml-needs-under = `{ $name }` needs { $what } under it
yaml-no-settings = `{ $name }` takes no settings
yaml-value-before-key = a value was read before its key

## Values of the wrong kind. `expected` and `found` are the words below.
yaml-expected-found = expected { $expected }, found { $found }
yaml-is-not = { $found } is not { $expected }
yaml-must-be = { $found } must be { $expected }
yaml-not-as-expected = { $found } is not written as expected here
yaml-below-minimum = { $found } is below { $limit }, the least allowed here
yaml-above-maximum = { $found } is above { $limit }, the most allowed here
yaml-min-items = a list of at least { $limit } is needed here
yaml-max-items = a list of at most { $limit } is allowed here
yaml-min-length = at least { $limit } characters are needed here
yaml-max-length = at most { $limit } characters are allowed here
yaml-values-expected = { $values } values, expected { $expected }
yaml-fewer-values = fewer values
yaml-quote-it = write it in quotes to make it text: `"{ $text }"`
yaml-comma-splits = in `{ "{" }...{ "}" }` a comma separates entries; write the whole text in quotes: `"{ $text },{ $rest }"`

## Kinds of value, in the messages above.
yaml-text = text
yaml-the-text = the text `{ $text }`
yaml-a-number = a number
yaml-the-number = the number { $number }
yaml-a-whole-number = a whole number
yaml-whole-number-up-to = a whole number from 0 to { $largest }
yaml-true-or-false = `true` or `false`
yaml-a-list = a list
yaml-a-mapping = a mapping
yaml-a-value = a value
yaml-its-settings = its settings
yaml-nothing = nothing
# Lists: `a`, `b` or `c`.
yaml-list-separator = { ", " }
yaml-or = { $first } or { $last }

## Rarely seen.
yaml-at-line = { $message } at line { $line } column { $column }
yaml-schema-broken = bashgah's own schema for this file does not compile: { $reason }
