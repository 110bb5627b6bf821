//! Panics in the host process, as an operator sees them: one log line with an incident
//! id, the place and the reason (not a multi-kilobyte backtrace per request), and the
//! same id in the answer or the reload status, so a till's error report and the log line
//! can be matched.
//!
//! The hook records the id of the last panic on the panicking thread; whoever catches
//! the unwind on that thread ([`caught`]) takes it from there.
//!
//! [`fault`] lets the tests of supervision make a named place panic on purpose.

use std::any::Any;
use std::cell::RefCell;

thread_local! {
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the panic hook for the life of the process: every panic logs one line.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let id = new_id();
        let message = payload_text(info.payload());
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current();
        let thread = thread.name().unwrap_or("unnamed");
        tracing::error!(incident = %id, thread, at = %at, reason = %message, "caught a panic; the request or reload it was part of failed alone");
        LAST.with(|last| *last.borrow_mut() = Some(id));
        super::metrics::panicked();
    }));
}

/// What a caught panic was: the incident id the hook gave it (if the hook ran on this
/// thread) and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: String,
    pub reason: String,
}

/// Call right after `catch_unwind` returned `Err(payload)` on the same thread.
pub fn caught(payload: &(dyn Any + Send)) -> Incident {
    let id = LAST
        .with(|last| last.borrow_mut().take())
        .unwrap_or_else(new_id);
    Incident {
        id,
        reason: payload_text(payload),
    }
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// 12 hex digits: short enough to read over the phone, random enough not to repeat.
fn new_id() -> String {
    let mut bytes = [0u8; 6];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness: the time still tells incidents apart.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        bytes.copy_from_slice(&nanos.to_le_bytes()[..6]);
    }
    crate::hex::encode(&bytes)
}

/// Named places that panic on purpose when `BASHGAH_FAULT` lists them (comma-separated,
/// read once per process), so that the tests of the host process can check that a panic
/// there is survived. No place panics unless asked.
///
/// - `reload.build:<club folder>`: building that club's next version;
/// - `request:<member>`: deciding an event for that member, on the club's ledger thread;
/// - `recorded:<member>`: just after an event of that member's was written, before the
///   request's answer is made.
pub fn fault(kind: &str, name: &str) {
    static FAULTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let faults = FAULTS.get_or_init(|| {
        std::env::var("BASHGAH_FAULT")
            .map(|v| v.split(',').map(|f| f.trim().to_owned()).collect())
            .unwrap_or_default()
    });
    let hit = faults.iter().any(|f| {
        f.split_once(':')
            .is_some_and(|(k, n)| k == kind && n == name)
    });
    if hit {
        panic!("fault injected at `{kind}:{name}` (BASHGAH_FAULT)");
    }
}
