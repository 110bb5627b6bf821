//! The host process end to end: a real `bashgah serve` on a loopback port, driven over
//! HTTP, its files edited the way editors do, its ledger read back.

mod access;
mod api;
mod canary;
mod connections;
pub mod console;
mod console_members;
mod console_overview;
mod console_try;
mod contests;
mod currencies;
pub mod document;
mod groups;
mod openapi;
pub mod overview;
mod policy;
mod policy_page;
mod processes;
mod reload;
pub mod server;
mod shutdown;
mod simulations;
mod supervision;
pub mod trials;
mod what_if;

/// A club whose rule gives 1 point per 1,000 of the amount.
pub const SHOP_YAML: &str = "\
id: shop
name: Corner Shop
currency: EUR
timezone: UTC
rules:
  - id: base
    function: base_points
    description: points per amount
rewards:
  - id: coffee
    cost: 3
    kind: gift
";

pub fn shop_rule(divisor: u32) -> String {
    format!("fn base_points(event, member) {{\n    event.amount / {divisor}\n}}\n")
}
