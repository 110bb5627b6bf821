//! Whether a code a redemption issued is good at a till, for this member and this basket,
//! and what it takes off: the rules are the reward's (`minimum_basket`, `discount`,
//! `code_expires_after`), judged here without the store, so that checking a code and using
//! it can never disagree.

use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::club::RewardDefinition;
use crate::policy::Policy;

/// What the ledger knows of a code.
pub struct CodeFacts<'a> {
    /// The member who redeemed it.
    pub owner: &'a str,
    pub redeemed_at: DateTime<Utc>,
    pub used: bool,
    pub cancelled: bool,
}

/// What the till asks about.
pub struct CodeQuestion<'a> {
    pub member: Option<&'a str>,
    /// The basket's amount, in the club's currency.
    pub basket: Option<Decimal>,
    pub at: DateTime<Utc>,
}

/// The answer: usable (with the discount, when the basket was given and the reward has
/// one), or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeVerdict {
    Valid {
        discount: Option<Decimal>,
    },
    Used,
    Cancelled,
    OtherMember,
    /// Past its last day (given, in the club's calendar).
    Expired {
        last_day: String,
    },
    /// The basket is below the reward's `minimum_basket`.
    BasketTooSmall {
        minimum: Decimal,
    },
    /// The reward has basket rules and no basket was given.
    BasketNeeded,
}

impl CodeVerdict {
    pub fn usable(&self) -> bool {
        matches!(self, CodeVerdict::Valid { .. })
    }

    /// The status word an answer carries.
    pub fn status(&self) -> &'static str {
        match self {
            CodeVerdict::Valid { .. } => "valid",
            CodeVerdict::Used => "used",
            CodeVerdict::Cancelled => "cancelled",
            CodeVerdict::OtherMember => "other_member",
            CodeVerdict::Expired { .. } => "expired",
            CodeVerdict::BasketTooSmall { .. } => "basket_too_small",
            CodeVerdict::BasketNeeded => "basket_needed",
        }
    }
}

/// Judges `code` (of `reward`, or of a reward the club no longer has: then only the
/// ledger's facts count) against the question. `basket_required`: whether a missing basket
/// makes it unusable (a use must give it when the reward has basket rules; a check may
/// ask without one).
pub fn judge(
    policy: &Policy,
    reward: Option<&RewardDefinition>,
    code: &CodeFacts<'_>,
    question: &CodeQuestion<'_>,
    basket_required: bool,
) -> CodeVerdict {
    if code.used {
        return CodeVerdict::Used;
    }
    if code.cancelled {
        return CodeVerdict::Cancelled;
    }
    if question.member.is_some_and(|member| member != code.owner) {
        return CodeVerdict::OtherMember;
    }
    let Some(reward) = reward else {
        return CodeVerdict::Valid { discount: None };
    };
    if let Some(span) = reward.code_expires_after {
        let calendar = policy.club.calendar;
        let redeemed = code.redeemed_at.with_timezone(&policy.zone).date_naive();
        let last = span.after(redeemed, calendar);
        if question.at.with_timezone(&policy.zone).date_naive() > last {
            return CodeVerdict::Expired {
                last_day: calendar.format(last),
            };
        }
    }
    let has_basket_rules = reward.minimum_basket.is_some() || reward.discount.is_some();
    let Some(basket) = question.basket else {
        return if basket_required && has_basket_rules {
            CodeVerdict::BasketNeeded
        } else {
            CodeVerdict::Valid { discount: None }
        };
    };
    if let Some(minimum) = reward.minimum_basket {
        if basket < minimum {
            return CodeVerdict::BasketTooSmall { minimum };
        }
    }
    CodeVerdict::Valid {
        discount: reward.discount.map(|d| discount_on(d, basket)),
    }
}

/// What `discount` takes off `basket`: a percentage rounded down to the basket's own
/// decimals (10% of 12.35 is 1.23), capped by `up_to`; never more than the basket.
pub fn discount_on(discount: crate::club::Discount, basket: Decimal) -> Decimal {
    let basket = basket.max(Decimal::ZERO);
    let off = match (discount.percent, discount.amount) {
        (Some(percent), _) => basket
            .checked_mul(percent)
            .and_then(|product| product.checked_div(Decimal::ONE_HUNDRED))
            .map_or(basket, |share| {
                share.round_dp_with_strategy(basket.scale(), RoundingStrategy::ToZero)
            }),
        (None, Some(amount)) => amount,
        (None, None) => Decimal::ZERO,
    };
    let capped = match discount.up_to {
        Some(cap) if discount.percent.is_some() => off.min(cap),
        _ => off,
    };
    capped.min(basket).normalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::club::Discount;

    /// A decimal from its text (the tests' literals are all valid).
    fn dec(text: &str) -> Decimal {
        text.parse().unwrap_or_default()
    }

    fn percent(p: &str, up_to: Option<&str>) -> Discount {
        Discount {
            percent: Some(dec(p)),
            amount: None,
            up_to: up_to.map(dec),
        }
    }

    #[test]
    fn a_discount_is_exact_rounded_down_capped_and_never_more_than_the_basket() {
        assert_eq!(discount_on(percent("10", None), dec("12.35")), dec("1.23"));
        assert_eq!(
            discount_on(percent("10", None), dec("750000")),
            dec("75000")
        );
        assert_eq!(
            discount_on(percent("10", Some("50000")), dec("750000")),
            dec("50000")
        );
        assert_eq!(discount_on(percent("12.5", None), dec("999")), dec("124"));
        assert_eq!(discount_on(percent("100", None), dec("40")), dec("40"));
        let fixed = Discount {
            percent: None,
            amount: Some(dec("50000")),
            up_to: None,
        };
        assert_eq!(discount_on(fixed, dec("80000")), dec("50000"));
        assert_eq!(discount_on(fixed, dec("30000")), dec("30000"));
        // The largest basket a decimal holds does not overflow: the whole basket at most.
        assert_eq!(
            discount_on(percent("100", None), Decimal::MAX),
            Decimal::MAX
        );
    }
}
