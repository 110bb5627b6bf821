//! Moving the clock: `bashgah advance`, `POST .../clock`, and a policy test's `advance:`
//! step. What falls due is decided in [`crate::decide`] (greetings, deal checkpoints,
//! tier reviews, expiry, notices, inactivity, early access) and recorded through the write
//! path; the clock then stands at the new time and never moves back.

use chrono::{DateTime, Utc};

use crate::ledger::{Ledger, LedgerError};
use crate::policy::Policy;
use crate::recording::{AdvanceReport, Recorder};

/// Runs everything due up to `to` for every member, then sets the clock. Call inside
/// [`Ledger::begin`]/[`Ledger::commit`].
pub fn advance(
    ledger: &Ledger,
    policy: &Policy,
    to: DateTime<Utc>,
) -> Result<AdvanceReport, LedgerError> {
    Recorder::new(ledger, policy).advance(to)
}

/// [`advance`], with messages decided under `discipline`: the command line and the host
/// process pass [`MessageDiscipline::at`] the machine's clock, so that moving a back-dated
/// club's clock does not queue news of long ago (a policy test's `advance:` does not).
pub fn advance_with(
    ledger: &Ledger,
    policy: &Policy,
    to: DateTime<Utc>,
    discipline: crate::decide::MessageDiscipline,
) -> Result<AdvanceReport, LedgerError> {
    let mut recorder = Recorder::new(ledger, policy);
    recorder.discipline_messages(discipline);
    recorder.advance(to)
}
