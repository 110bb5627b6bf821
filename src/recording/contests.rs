//! Closing contests when the clock passes a window's end (`advance`): for each window
//! due and not yet decided, the rows the ledger holds for it are read, the decision stage
//! ranks or draws ([`crate::decide::contests::close`]), each prize is decided with its
//! winner's book and recorded, and then the result — so advancing again finds it and
//! gives nothing twice.

use chrono::{DateTime, Utc};

use super::Recorder;
use crate::decide::contests::{close, Contest};
use crate::decide::Decider;
use crate::ledger::LedgerError;

impl Recorder<'_> {
    /// Decides every contest window whose decision time is at or before `to`.
    pub(super) fn close_contests(&mut self, to: DateTime<Utc>) -> Result<(), LedgerError> {
        let policy = self.policy;
        for contest in Contest::all(policy) {
            let id = contest.id();
            let keys = match contest.compiled().fixed(policy.club.calendar, policy.zone) {
                Some(window) if window.decided_at <= to => {
                    if self.store.contest_decided(id, &window.key)? {
                        Vec::new()
                    } else {
                        vec![window.key]
                    }
                }
                Some(_) => Vec::new(),
                None => self.store.contest_windows_open(id)?,
            };
            for key in keys {
                // A key no window of this version has (the club changed its period) is
                // left as it is.
                let Some(window) = contest.window(policy, &key) else {
                    continue;
                };
                if window.decided_at > to {
                    continue;
                }
                let rows = self.store.contest_rows(id, &key)?;
                // A window no one took part in is left undecided (a late event may still
                // open it).
                if rows.is_empty() {
                    continue;
                }
                let (result, placings) = close(policy, contest, &window, &rows);
                for placing in &placings {
                    let Some(mut book) = self.store.load_book(&placing.member, self.needs)? else {
                        continue;
                    };
                    let ids = self.ids()?;
                    let store = self.store.clone();
                    let mut decider =
                        Decider::new(policy, store.facts(), ids).with_messages(self.messages);
                    decider.give_prize(&mut book, contest, &window, placing);
                    let plan = decider.take_plan();
                    self.ids = Some(decider.ids());
                    self.record(plan)?;
                    self.store.save_book(&book)?;
                }
                let ids = self.ids()?;
                let store = self.store.clone();
                let mut decider = Decider::new(policy, store.facts(), ids);
                decider.record_result(result);
                let plan = decider.take_plan();
                self.ids = Some(decider.ids());
                self.record(plan)?;
            }
        }
        Ok(())
    }
}
