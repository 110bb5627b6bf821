//! Turning an occasion into a member's text: the template in their language, with
//! placeholders filled and numbers written the way the club asks (Persian digits, Toman).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::club::{ClubDefinition, Digits, MessagingSettings};
use crate::member::MemberState;
use crate::policy::Policy;

/// Something that happened to a member that the club may tell them about.
#[derive(Debug, Clone, PartialEq)]
pub struct Occasion {
    /// One of [`crate::club::OCCASIONS`].
    pub kind: &'static str,
    /// Unique per occasion: `birthday:M1:1403`. The outbox keeps one message per key and
    /// channel, so the same occasion never reaches a member twice.
    pub key: String,
    pub at: DateTime<Utc>,
    /// Placeholder values: numbers are formatted by [`render`], text is taken as is.
    pub values: Vec<(&'static str, Value)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(Decimal),
    Money(Decimal),
    Date(DateTime<Utc>),
}

impl Occasion {
    pub fn new(kind: &'static str, key: String, at: DateTime<Utc>) -> Occasion {
        Occasion {
            kind,
            key,
            at,
            values: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: Value) -> Occasion {
        self.values.push((name, value));
        self
    }
}

/// The member's language and the text, or `None` when the club has no template for the
/// occasion. The member's own language (attribute `language`) is used when the template
/// has it, else the club's.
pub fn render(
    policy: &Policy,
    member: &MemberState,
    occasion: &Occasion,
) -> Option<(String, String)> {
    let settings = policy.club.messages.as_ref()?;
    let texts = settings.templates.get(occasion.kind)?;
    let language = member
        .attributes
        .get("language")
        .filter(|l| texts.contains_key(l.as_str()))
        .unwrap_or(&settings.language);
    let (language, template) = texts
        .get_key_value(language.as_str())
        .or_else(|| texts.iter().next())?;
    // Persian digits are for Persian text: a member who reads English gets 0-9.
    let shown = if language == "fa" {
        settings.digits
    } else {
        Digits::Latin
    };
    let name = member
        .attributes
        .get("name")
        .cloned()
        .unwrap_or_else(|| member.id.clone());
    let mut values: Vec<(&str, String)> = vec![
        ("name", name),
        ("club", policy.club.name.clone()),
        ("points_name", policy.club.points.name.clone()),
        ("balance", format_in(shown, member.balance.normalize())),
        (
            "credit",
            money(&policy.club, shown, language, member.credit),
        ),
    ];
    for (key, value) in &occasion.values {
        let text = match value {
            Value::Text(text) => text.clone(),
            Value::Number(number) => format_in(shown, *number),
            Value::Money(amount) => money(&policy.club, shown, language, *amount),
            Value::Date(at) => {
                let text = policy.local_date(*at);
                digits(shown, text.split(' ').next().unwrap_or(&text))
            }
        };
        values.push((key, text));
    }
    let mut text = template.clone();
    for (key, value) in values {
        text = text.replace(&format!("{{{key}}}"), &value);
    }
    Some((language.clone(), text))
}

/// `12,500` or `۱۲٬۵۰۰`.
pub fn format_number(settings: &MessagingSettings, number: Decimal) -> String {
    format_in(settings.digits, number)
}

fn format_in(shown: Digits, number: Decimal) -> String {
    digits(shown, &crate::amount::grouped(number))
}

fn digits(shown: Digits, text: &str) -> String {
    match shown {
        Digits::Latin => text.to_owned(),
        Digits::Persian => crate::digits::to_persian(text),
    }
}

/// An amount in the club's currency, as the club asks (`money:`, else `messages.money`):
/// `250,000 Rial`, `25,000 تومان`.
fn money(club: &ClubDefinition, shown: Digits, language: &str, amount: Decimal) -> String {
    let (amount, unit) = crate::club::currencies::display_unit(club, amount);
    let unit = crate::club::currencies::unit_name(unit, language == "fa");
    format!("{} {unit}", format_in(shown, amount.normalize()))
}
