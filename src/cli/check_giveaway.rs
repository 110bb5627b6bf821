//! `check` flags a rule or campaign that gives away more than `reports.max_giveaway` of
//! the margin (issue 18), on the club's own policy tests: each case's events are decided
//! on a scratch ledger of their own (without the case's `given`, which sets members up by
//! hand), and what each rule and campaign gave on the purchases is summed over the cases
//! against the margin of those purchases. A warning, not a failure: the tests' purchases
//! are examples, not the club's trade; `simulate` says the same on real history.

use crate::diagnostic::{Diagnostic, Location};
use crate::import::{event_from_row, Field, Row};
use crate::policy::Policy;
use crate::tr;

/// The warnings, located at `max_giveaway:` in club.yaml; none when the club sets no
/// limit, has no tests, or a case cannot be decided (`test` reports that).
pub fn warnings(policy: &Policy) -> Vec<Diagnostic> {
    let Some(limit) = policy
        .club
        .reports
        .as_ref()
        .and_then(|r| r.max_giveaway.clone())
    else {
        return Vec::new();
    };
    let Ok(cases) = crate::testing::load_cases(&policy.dir) else {
        return Vec::new();
    };
    let mut totals = crate::value::GiveawayTotals::new();
    for case in &cases {
        let events: Vec<crate::event::Event> = case
            .when
            .iter()
            .filter_map(|step| step.event.as_ref())
            .filter_map(|fields| {
                let row = Row {
                    line: case.line as u64,
                    fields: fields
                        .iter()
                        .map(|(k, v)| (k.clone(), Field::from_value(v)))
                        .collect(),
                };
                event_from_row(&row, policy).ok()
            })
            .collect();
        let Some(until) = events.iter().map(|e| e.time).max() else {
            continue;
        };
        let Ok((ledger, _, _)) = crate::simulate::scratch_ledger(policy, &[], &events, until)
        else {
            continue;
        };
        let Ok(case_totals) = crate::value::giveaway_totals(&ledger, policy) else {
            continue;
        };
        if crate::value::add_totals(&mut totals, case_totals).is_err() {
            return Vec::new();
        }
    }
    let Ok(flagged) = crate::value::flagged(policy, &totals) else {
        return Vec::new();
    };
    let club = policy.files.iter().find(|f| f.name == "club.yaml");
    let location = club.and_then(|file| {
        file.text.lines().enumerate().find_map(|(n, line)| {
            line.find("max_giveaway:")
                .map(|column| Location::new(policy.dir.join("club.yaml"), n + 1, column + 1))
        })
    });
    flagged
        .into_iter()
        .map(|g| {
            let warning = Diagnostic::warning(tr!(
                "check-giveaway",
                kind = &g.kind,
                id = &g.id,
                percent = g
                    .percent
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "∞".into()),
                worth = g.worth,
                margin = g.margin,
                currency = &policy.club.currency,
                limit = &limit
            ))
            .with_help(tr!("check-giveaway-help"));
            match &location {
                Some(at) => warning.at(at.clone(), club.map(|f| f.text.as_str())),
                None => warning,
            }
        })
        .collect()
}
