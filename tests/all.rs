//! The integration suite, as one test binary: each module below was its own binary, and
//! every test binary links the whole library, so one binary builds several times faster.
//! `cargo test` runs everything; `cargo test --test all fuzz::` (or `cli::`, `serve::`,
//! `consistency::` …) runs one part.

mod campaigns;
mod cli;
mod clock;
mod consistency;
mod contest_properties;
mod contests;
mod currencies;
mod deals;
mod evaluate;
mod fake_http;
mod fuzz;
mod groups;
mod hooks;
mod ledger;
mod lifecycle;
mod messaging;
mod pg;
mod pipeline;
mod properties;
mod report;
mod serve;
mod simulate;
mod tiers;
mod value_report;
mod webhooks;

/// A temporary folder for a test's workspace and ledgers: in memory (`/dev/shm`) where the
/// machine has it, else the system's temporary folder. The host process syncs every
/// commit before answering, and the suite checks what ledgers hold, not how fast a disk
/// syncs: on a disk, the syncs alone were a tenth of the suite's time.
pub fn scratch() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().expect("a temporary folder")
}

/// The bashgah binary as a test runs it: in English whatever the machine's locale, since
/// tests compare its output exactly (the Persian tests say `--lang fa`).
pub fn bashgah_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_bashgah"));
    for name in ["BASHGAH_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        command.env_remove(name);
    }
    command
}
