//! End-to-end tests of the `bashgah` command: a club folder, some input, the exact output.

mod harness;

mod against_ledger;
mod bounds;
mod catches;
mod currencies;
mod diagnostics;
mod explain;
mod export;
mod import;
mod language;
mod language_commands;
mod language_files;
mod language_reports;
mod language_rows;
mod lifecycle;
mod plugins;
mod policy_tests;
mod profiles;
mod readme;
mod rewards;
mod scripts;
mod shipped;
mod simulate;
mod values;
mod yaml;

use harness::Test;

/// A minimal club: 1 point per 1,000 of amount, in a Gregorian UTC club.
pub const SHOP_YAML: &str = "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - id: base
    function: base_points
    description: 1 point per 1,000
";

pub const SHOP_RHAI: &str = "\
fn base_points(event, member) {
    event.amount / 1000
}
";

/// A workspace holding the `shop` club.
pub fn shop() -> Test {
    Test::new()
        .file("policies/shop/club.yaml", SHOP_YAML)
        .file("policies/shop/earn.rhai", SHOP_RHAI)
}
