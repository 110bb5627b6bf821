//! Property tests of contests (issue 18), on the pure ranking and draw: for any scores,
//! the prizes given are the prizes declared (all of them, to distinct places, when enough
//! members are ranked; split ones never more than declared), places follow the metric,
//! and a draw's winners are distinct members who had entries, the same for the same seed.

use bashgah::club::{Leaderboard, Prize};
use bashgah::engine::contests::{
    draw_entries, draw_seed, draw_winners, prizes, standings, ScoreRow,
};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn board(ties: &str, prize_points: &[u32]) -> Leaderboard {
    let prizes: Vec<serde_json::Value> = prize_points
        .iter()
        .enumerate()
        .map(|(i, p)| serde_json::json!({"rank": i + 1, "points": p.to_string()}))
        .collect();
    serde_json::from_value(serde_json::json!({
        "id": "board",
        "window": {"period": "month"},
        "metric": "spend",
        "ties": ties,
        "prizes": prizes,
    }))
    .expect("a leaderboard")
}

/// Rows: (member 0..8, value -50..500, minute 0..1000).
fn rows() -> impl Strategy<Value = Vec<ScoreRow>> {
    prop::collection::vec((0..8u8, -50..500i64, 0..1000i64), 0..40).prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (member, value, minute))| ScoreRow {
                member: format!("M{member}"),
                event: format!("E{i:03}"),
                value: Decimal::from(value),
                at: Utc.timestamp_opt(1_700_000_000 + minute * 60, 0).unwrap(),
            })
            .collect()
    })
}

fn ties() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["earliest", "most_recent", "split", "all"])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn places_follow_the_metric_and_prizes_are_those_declared(
        rows in rows(),
        ties in ties(),
        declared in prop::collection::vec(0..1000u32, 1..5),
    ) {
        let board = board(ties, &declared);
        let ranked = standings(&board, &rows);
        // Every member ranked once, with a positive score, best first, places from 1.
        let mut members: Vec<&str> = ranked.iter().map(|s| s.member.as_str()).collect();
        members.sort_unstable();
        members.dedup();
        prop_assert_eq!(members.len(), ranked.len());
        for pair in ranked.windows(2) {
            prop_assert!(pair[0].score >= pair[1].score);
            prop_assert!(pair[0].place <= pair[1].place);
            prop_assert_eq!(pair[0].place == pair[1].place, pair[0].score == pair[1].score && matches!(ties, "split" | "all"));
        }
        for standing in &ranked {
            prop_assert!(standing.score > Decimal::ZERO);
            let sum: Decimal = rows.iter().filter(|r| r.member == standing.member).map(|r| r.value).sum();
            prop_assert_eq!(standing.score, sum);
        }
        let given = prizes(&board, &ranked, 0);
        let declared_within: Decimal = declared
            .iter()
            .take(ranked.len())
            .map(|p| Decimal::from(*p))
            .sum();
        let total: Decimal = given.iter().map(|p| p.prize.points).sum();
        for placing in &given {
            let standing = ranked.iter().find(|s| s.member == placing.member).expect("ranked");
            prop_assert_eq!(placing.rank, standing.place);
            prop_assert_eq!(placing.score, standing.score);
        }
        match ties {
            "earliest" | "most_recent" => {
                // Distinct places: exactly the declared prizes of the places filled.
                prop_assert_eq!(given.len(), declared.len().min(ranked.len()));
                let ranks: Vec<u64> = given.iter().map(|p| p.rank).collect();
                prop_assert_eq!(ranks, (1..=given.len() as u64).collect::<Vec<_>>());
                prop_assert_eq!(total, declared_within);
            }
            "split" => {
                // Never more than declared; at most a point short per winner (rounding down).
                prop_assert!(total <= declared_within);
                prop_assert!(declared_within - total < Decimal::from(given.len().max(1)));
            }
            _ => {
                // `all`: each tied member gets the prize of the place they share.
                for placing in &given {
                    let place = usize::try_from(placing.rank).unwrap();
                    prop_assert_eq!(placing.prize.points, Decimal::from(declared[place - 1]));
                }
            }
        }
    }

    #[test]
    fn draw_winners_are_distinct_members_with_entries(
        rows in rows(),
        max in prop::option::of(1..6u32),
        count in 1..6usize,
        declared in ".{0,8}",
    ) {
        let entries = draw_entries(&rows, max);
        for (member, n) in &entries {
            prop_assert!(*n > 0);
            if let Some(max) = max {
                prop_assert!(*n <= u64::from(max));
            }
            let sum: Decimal = rows.iter().filter(|r| &r.member == member).map(|r| r.value).sum();
            prop_assert!(Decimal::from(*n) <= sum);
        }
        let seed = draw_seed("club", "draw", "2025-03-01", Some(&declared), &entries);
        let prizes: Vec<Prize> = (0..count)
            .map(|i| Prize { points: Decimal::from(i as u32 + 1), badge: None, reward: None })
            .collect();
        let winners = draw_winners(&seed, &entries, &prizes);
        prop_assert_eq!(winners.len(), count.min(entries.len()));
        let mut seen: Vec<&str> = winners.iter().map(|w| w.member.as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        prop_assert_eq!(seen.len(), winners.len(), "no one wins twice");
        for (i, winner) in winners.iter().enumerate() {
            prop_assert_eq!(winner.rank, i as u64 + 1);
            prop_assert_eq!(&winner.prize, &prizes[i]);
            let had = entries.iter().find(|(m, _)| *m == winner.member).map(|(_, n)| *n);
            prop_assert_eq!(had.map(Decimal::from), Some(winner.score));
        }
        // The same entries and seed draw the same winners: anyone can run it again.
        prop_assert_eq!(draw_winners(&seed, &entries, &prizes), winners);
    }
}
