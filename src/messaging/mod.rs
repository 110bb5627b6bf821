//! Messages to members: what each occasion (a birthday, a new tier, points about to
//! expire...) says, in the member's language, and how queued messages leave the club.
//!
//! Queuing is part of applying an event or advancing the clock, inside the same
//! transaction ([`crate::decide`]): consent, the daily cap and quiet hours are
//! decided then, and an occasion is queued at most once per channel. Delivery
//! ([`crate::delivery`]) is separate: it reads due messages, hands them to their channel (a file,
//! standard output or a webhook), and records every attempt; a failure is retried with a
//! doubling wait until the channel's `max_attempts`.

pub mod gateway;
mod render;

pub use render::{format_number, render, Occasion, Value};
