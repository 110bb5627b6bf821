//! Two policies over the same events, side by side.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::Simulation;

/// How two policies differ over the same events.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    pub a: Simulation,
    pub b: Simulation,
    /// How many members end in tier `to` under B having ended in `from` under A:
    /// `(from, to) -> members`.
    pub migration: BTreeMap<String, BTreeMap<String, u64>>,
    /// The members whose balances differ most: (member, balance under A, under B).
    pub most_affected: Vec<(String, Decimal, Decimal)>,
    /// B's points issued less A's.
    pub issued_delta: Decimal,
    /// B's liability less A's, when both have one.
    pub liability_delta: Option<Decimal>,
}

/// Compares two simulations of the same events; `top` members are listed as most affected.
pub fn compare(a: Simulation, b: Simulation, top: usize) -> Comparison {
    let mut migration: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut differences = Vec::new();
    for (member, (balance_a, tier_a)) in &a.members {
        let (balance_b, tier_b) = b
            .members
            .get(member)
            .cloned()
            .unwrap_or((Decimal::ZERO, "none".into()));
        *migration
            .entry(tier_a.clone())
            .or_default()
            .entry(tier_b.clone())
            .or_default() += 1;
        if balance_b != *balance_a {
            differences.push((member.clone(), *balance_a, balance_b));
        }
    }
    differences.sort_by(|x, y| {
        (y.2 - y.1)
            .abs()
            .cmp(&(x.2 - x.1).abs())
            .then_with(|| x.0.cmp(&y.0))
    });
    differences.truncate(top);
    let liability_delta = match (a.liability, b.liability) {
        (Some(la), Some(lb)) => Some(lb - la),
        _ => None,
    };
    Comparison {
        issued_delta: b.issued - a.issued,
        liability_delta,
        migration: if a.members_per_tier.is_empty() && b.members_per_tier.is_empty() {
            BTreeMap::new()
        } else {
            migration
        },
        most_affected: differences,
        a,
        b,
    }
}
