//! The `messages:` section of `club.yaml`: what members are told on each occasion, in
//! which language, on which channels, and the discipline that keeps them from being
//! spammed (consent, quiet hours, a daily cap).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Span;

/// Messages to members.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct MessagingSettings {
    /// The language of members who have none of their own (member attribute `language`):
    /// `fa`, `en`...
    #[serde(default = "default_language")]
    pub language: String,
    /// Digits in messages: `latin` (0-9) or `persian` (۰-۹). Persian digits are written in
    /// Persian (`fa`) texts only: a member who reads another language gets 0-9.
    #[serde(default)]
    pub digits: Digits,
    /// How money is written: `rial`, or `toman` (a tenth of the Rial amount).
    #[serde(default)]
    pub money: MoneyUnit,
    /// At most this many messages a member gets in one day of the club's calendar, across
    /// every occasion and campaign. Messages over the cap are not sent (and are counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_day: Option<u32>,
    /// Hours (club time) when nothing is sent: messages wait until they end, e.g.
    /// `{from: "22:00", to: "08:00"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<QuietHours>,
    /// `opt_out`: members get messages until they opt out; `opt_in`: only after opting in.
    #[serde(default)]
    pub consent: ConsentDefault,
    /// Replies (inbound events) that opt a member out of the channel they came on.
    #[serde(default = "default_opt_out_words")]
    pub opt_out_words: Vec<String>,
    /// Replies that opt a member (back) in.
    #[serde(default = "default_opt_in_words")]
    pub opt_in_words: Vec<String>,
    /// A member with no purchase for this long is told once (`inactive`), e.g. `90d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive_after: Option<Span>,
    /// Occasions older than this when they are decided (by the machine's clock) are
    /// recorded but never sent, e.g. `30d`: importing last year's history does not greet
    /// members or warn them of points that expired long ago, and the host process never
    /// sends a message that waited longer than this. Unset: every message is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_after: Option<Span>,
    /// Welcome (`enrolled`) the members a members file creates, as a member's first event
    /// does; by default they are welcomed at their first event only. The welcome is dated
    /// when they joined, so with `stale_after` an old membership is recorded, not sent.
    #[serde(default)]
    pub greet_loaded_members: bool,
    /// Where messages go.
    #[serde(default)]
    pub channels: Vec<ChannelDefinition>,
    /// Text per occasion and language, with placeholders such as `{name}`, `{points}`:
    /// `birthday: {fa: "تولدت مبارک {name}!", en: "Happy birthday, {name}!"}`.
    #[serde(default)]
    pub templates: Templates,
}

fn default_language() -> String {
    "fa".into()
}

fn default_opt_out_words() -> Vec<String> {
    ["STOP", "1", "لغو"].map(String::from).to_vec()
}

fn default_opt_in_words() -> Vec<String> {
    ["START", "2"].map(String::from).to_vec()
}

/// Which digits numbers are written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Digits {
    #[default]
    Latin,
    Persian,
}

/// How amounts of money are written in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MoneyUnit {
    #[default]
    Rial,
    Toman,
}

/// Whether silence means yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentDefault {
    #[default]
    OptOut,
    OptIn,
}

/// A daily span of quiet, in club time; it may cross midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct QuietHours {
    /// `HH:MM`, e.g. `22:00`.
    pub from: String,
    /// `HH:MM`, e.g. `08:00`.
    pub to: String,
}

/// A way messages leave the club.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ChannelDefinition {
    /// Identifier members' consent and replies refer to, e.g. `sms`.
    pub id: String,
    pub kind: ChannelKind,
    /// For `file`: the file each message is appended to as a JSON line (relative to the
    /// data folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// For `webhook`: where each message is POSTed as JSON (an SMS gateway, say). For
    /// `http`: the address, a template (`{phone|url}`, `${API_KEY}`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// For `http`: the request's method (default `POST`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// For `http`: headers, templates like the body. Secrets come from the environment
    /// (`X-API-KEY: "${SMSIR_API_KEY}"`), never from the club's files.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// For `http`: the request body, a template. `{text}`, `{phone}` (see `contact`),
    /// `{member}`, `{occasion}`, `{language}`, `{club}` and `{id}` (the idempotency key)
    /// are filled in; `{text|json}` writes a JSON string, `{text|url}` a form value;
    /// `${NAME}` is the environment variable NAME (`${NAME:-default}` with a default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// For `http`: the member attribute holding the address `{phone}` stands for (default
    /// `phone`). A member without one is not sent the message (it fails at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// For `http`: response statuses that mean "try again later" (default: 408, 425,
    /// 429 and every 5xx). Any other status that is not 2xx gives the message up at once:
    /// a wrong key or number will not get better by trying again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retry_on: Vec<u16>,
    /// Attempts before a message is given up as failed; between them the wait doubles from
    /// 30 seconds.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
}

/// Where a `file` channel writes, relative to the data folder: a path that stays inside
/// it (no `..`, not absolute), or why not. A club file must not be able to make the host
/// process append to any file its user may write.
pub fn file_channel_path(path: &str) -> Result<std::path::PathBuf, String> {
    use std::path::Component;
    let relative = std::path::Path::new(path);
    let inside = !path.trim().is_empty()
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        && relative
            .components()
            .any(|c| matches!(c, Component::Normal(_)));
    if inside {
        Ok(relative.to_path_buf())
    } else {
        Err(crate::tr!("club-channel-path", path = path))
    }
}

fn default_attempts() -> u32 {
    5
}

/// The channel plugins bashgah ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// Appends a JSON line per message to a file.
    File,
    /// Prints a JSON line per message on standard output.
    Stdout,
    /// POSTs each message as JSON to a URL.
    Webhook,
    /// A request shaped by templates (method, URL, headers, body): an SMS or push
    /// gateway's own API.
    Http,
}

/// One text per language.
pub type Texts = BTreeMap<String, String>;

/// What members are told, per occasion. An occasion without a text sends nothing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Templates {
    /// A new member's first event. Placeholders: `{name}`, `{club}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolled: Option<Texts>,
    /// The member's birthday. `{points}`: what birthday rules gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<Texts>,
    /// The anniversary of joining. `{years}`, `{points}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anniversary: Option<Texts>,
    /// A new tier. `{tier}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_changed: Option<Texts>,
    /// Points about to expire. `{points}`, `{date}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiring_soon: Option<Texts>,
    /// A deal kept to its end. `{deal}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_completed: Option<Texts>,
    /// A deal whose commitment was missed. `{deal}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_failed: Option<Texts>,
    /// No purchase for `inactive_after`. `{days}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive: Option<Texts>,
    /// A challenge reached. `{challenge}`, `{points}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_completed: Option<Texts>,
    /// A campaign opening early for the member. `{campaign}`, `{date}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_access: Option<Texts>,
}

/// Occasions, as the outbox and reports name them.
pub const OCCASIONS: [&str; 10] = [
    "enrolled",
    "birthday",
    "anniversary",
    "tier_changed",
    "expiring_soon",
    "deal_completed",
    "deal_failed",
    "inactive",
    "challenge_completed",
    "early_access",
];

/// Placeholders any template may use, besides its occasion's own.
pub const PLACEHOLDERS: [&str; 14] = [
    "name",
    "balance",
    "credit",
    "club",
    "points_name",
    "points",
    "date",
    "last_day",
    "tier",
    "deal",
    "days",
    "years",
    "challenge",
    "campaign",
];

impl Templates {
    /// The texts of `occasion`, if the club has any.
    pub fn get(&self, occasion: &str) -> Option<&Texts> {
        match occasion {
            "enrolled" => self.enrolled.as_ref(),
            "birthday" => self.birthday.as_ref(),
            "anniversary" => self.anniversary.as_ref(),
            "tier_changed" => self.tier_changed.as_ref(),
            "expiring_soon" => self.expiring_soon.as_ref(),
            "deal_completed" => self.deal_completed.as_ref(),
            "deal_failed" => self.deal_failed.as_ref(),
            "inactive" => self.inactive.as_ref(),
            "challenge_completed" => self.challenge_completed.as_ref(),
            "early_access" => self.early_access.as_ref(),
            _ => None,
        }
    }
}
