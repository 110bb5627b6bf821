//! What the value report reads from `club.yaml` (issue 18): what a point is worth, the
//! margin of what members buy (per line-item category, or one share for the rest), the
//! most of that margin a rule or campaign may give away, and a campaign's holdout. The
//! settings live in `reports:` (and `holdout:` on a campaign); this file reads and checks
//! the shares they are written as.

use rust_decimal::Decimal;

use super::club_file::ClubFile;
use crate::diagnostic::Diagnostic;
use crate::tr;
use crate::yaml::PathSegment::{Index, Key};

/// `60%` as 0.6: a share from 0% to 100%; `None` for anything else.
pub fn share_of(text: &str) -> Option<Decimal> {
    let number: Decimal = text.trim().strip_suffix('%')?.trim().parse().ok()?;
    (number >= Decimal::ZERO && number <= Decimal::ONE_HUNDRED)
        .then(|| number / Decimal::ONE_HUNDRED)
}

impl super::ReportSettings {
    /// The margin share of a line of `category` (a category's own, else `margin`).
    pub fn margin_of(&self, category: Option<&str>) -> Option<Decimal> {
        category
            .and_then(|c| self.margins.get(c))
            .or(self.margin.as_ref())
            .and_then(|text| share_of(text))
    }

    /// Whether the club says anything about margins.
    pub fn has_margins(&self) -> bool {
        self.margin.is_some() || !self.margins.is_empty()
    }

    /// The share of margin a rule or campaign may give away (`max_giveaway`).
    pub fn max_giveaway_share(&self) -> Option<Decimal> {
        self.max_giveaway.as_deref().and_then(share_of)
    }
}

/// Every share written in `reports:` and every campaign's `holdout`: a percentage from 0%
/// to 100% (a holdout below 100%).
pub(super) fn validate_value(file: &ClubFile, out: &mut Vec<Diagnostic>) {
    let club = &file.definition;
    if let Some(reports) = &club.reports {
        if reports.point_value.is_some_and(|v| v < Decimal::ZERO) {
            out.push(file.error_at(
                &[Key("reports"), Key("point_value")],
                tr!("club-point-value-negative"),
            ));
        }
    }
    let mut bad = |path: &[crate::yaml::PathSegment], text: &str| {
        out.push(
            file.error_at(path, tr!("club-not-a-share", text = text))
                .with_help(tr!("club-not-a-share-help")),
        );
    };
    if let Some(reports) = &club.reports {
        for (category, text) in &reports.margins {
            if share_of(text).is_none() {
                bad(&[Key("reports"), Key("margins"), Key(category)], text);
            }
        }
        for (key, text) in [
            ("margin", &reports.margin),
            ("max_giveaway", &reports.max_giveaway),
        ] {
            if let Some(text) = text.as_deref().filter(|t| share_of(t).is_none()) {
                bad(&[Key("reports"), Key(key)], text);
            }
        }
    }
    for (i, campaign) in club.campaigns.iter().enumerate() {
        if let Some(text) = &campaign.holdout {
            if share_of(text).is_none_or(|s| s >= Decimal::ONE) {
                bad(&[Key("campaigns"), Index(i), Key("holdout")], text);
            }
        }
    }
}

/// Whether `member` is kept out of campaign `campaign` by a holdout of `share` (0 to 1):
/// a pure function of the two ids (the first eight bytes of SHA-256 of `campaign`, a
/// zero byte and `member`, as a number below 10,000 against the share in hundredths of a
/// percent), so the same members are held out however and whenever events arrive.
pub fn held_out(campaign: &str, member: &str, share: Decimal) -> bool {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(campaign.as_bytes());
    hash.update([0u8]);
    hash.update(member.as_bytes());
    let digest = hash.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let draw = u64::from_be_bytes(first) % 10_000;
    let limit = (share * Decimal::from(10_000)).floor();
    Decimal::from(draw) < limit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_percentages_from_0_to_100() {
        assert_eq!(share_of("60%"), Some(Decimal::new(6, 1)));
        assert_eq!(share_of(" 12.5 % "), Some(Decimal::new(125, 3)));
        assert_eq!(share_of("0%"), Some(Decimal::ZERO));
        assert_eq!(share_of("100%"), Some(Decimal::ONE));
        assert_eq!(share_of("101%"), None);
        assert_eq!(share_of("60"), None);
        assert_eq!(share_of("-1%"), None);
    }

    #[test]
    fn a_holdout_keeps_about_its_share_out_and_always_the_same_members() {
        let share = Decimal::new(1, 1);
        let out = (0..10_000)
            .filter(|i| held_out("spring", &format!("M{i}"), share))
            .count();
        assert!((900..1100).contains(&out), "{out} of 10,000 held out");
        assert_eq!(
            held_out("spring", "M42", share),
            held_out("spring", "M42", share)
        );
        assert!(!held_out("spring", "M42", Decimal::ZERO));
    }
}
