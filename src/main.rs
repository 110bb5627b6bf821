//! The `bashgah` command; everything it does lives in [`bashgah::cli`].
fn main() {
    std::process::exit(bashgah::cli::main());
}
