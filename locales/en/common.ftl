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
