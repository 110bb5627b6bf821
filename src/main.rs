//! The `bashgah` command; everything it does lives in [`bashgah::cli`].

/// mimalloc rather than the system's allocator: an import decides on one thread and
/// writes on another, so what one thread allocates (a plan) the other frees, and glibc's
/// allocator pays for that in locks and consolidation (issue 14 measured 7 % of the
/// import in freeing plans alone).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // `bashgah member cafe M1 | head` closes our stdout early; Rust then panics inside
    // `println!`. That is not a bug worth a backtrace: end quietly, as `cat` would.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info);
    }));
    std::process::exit(bashgah::cli::main());
}
