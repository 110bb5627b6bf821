//! A member's activity over a stretch of time (a tier window, a deal period): what tier
//! metrics and deal targets are measured on.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::amount::Overflow;

/// Purchases, returns and points over a window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Purchases less returns.
    pub spend: Decimal,
    /// Points earned by rules, less what returns took back.
    pub points: Decimal,
    /// Number of purchases.
    pub visits: i64,
}

impl Standing {
    /// Counts a purchase (`returned: false`) or a return of `amount`.
    pub fn add_spend(&mut self, amount: Decimal, returned: bool) -> Result<(), Overflow> {
        if returned {
            self.spend = crate::amount::add(self.spend, -amount)?;
        } else {
            self.spend = crate::amount::add(self.spend, amount)?;
            self.visits += 1;
        }
        Ok(())
    }

    /// Counts points earned (or, negative, taken back by a return).
    pub fn add_points(&mut self, points: Decimal) -> Result<(), Overflow> {
        self.points = crate::amount::add(self.points, points)?;
        Ok(())
    }
}
