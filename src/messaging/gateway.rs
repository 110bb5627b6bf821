//! The `http` channel: a message handed to an SMS or push gateway through the gateway's
//! own HTTP API, described in the club's file by templates (method, URL, headers, body)
//! rather than by code. Secrets come from the environment (`${SMSIR_API_KEY}`), never
//! from the club's files, which business users edit and keep in git.
//!
//! A 2xx answer is sent; a status in `retry_on` (default 408, 425, 429 and 5xx) or a
//! network failure is tried again later; any other status is given up at once (a wrong
//! key or number will not get better).

use std::time::Duration;

use crate::club::ChannelDefinition;

/// Why a message was not sent, and whether trying again could help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSent {
    pub reason: String,
    /// Giving up at once: trying again would fail the same way.
    pub permanent: bool,
}

impl From<String> for NotSent {
    fn from(reason: String) -> Self {
        NotSent {
            reason,
            permanent: false,
        }
    }
}

/// What a template can name.
pub struct Fields<'a> {
    pub text: &'a str,
    pub phone: &'a str,
    pub member: &'a str,
    pub occasion: &'a str,
    pub language: &'a str,
    pub club: &'a str,
    pub id: &'a str,
}

/// Sends one message through `channel` (kind `http`).
pub fn send(channel: &ChannelDefinition, fields: &Fields<'_>) -> Result<(), NotSent> {
    let permanent = |reason: String| NotSent {
        reason,
        permanent: true,
    };
    let url = fill(channel.url.as_deref().unwrap_or_default(), fields).map_err(permanent)?;
    let method = channel
        .method
        .as_deref()
        .unwrap_or("POST")
        .to_ascii_uppercase();
    let mut headers = Vec::with_capacity(channel.headers.len());
    for (name, value) in &channel.headers {
        headers.push((name.as_str(), fill(value, fields).map_err(permanent)?));
    }
    let body = channel
        .body
        .as_deref()
        .map(|body| fill(body, fields))
        .transpose()
        .map_err(permanent)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    // The address without its query, which may hold a key: messages are stored.
    let shown = url.split('?').next().unwrap_or_default().to_owned();
    let shown = redact(&shown, channel);
    let response = match (method.as_str(), body) {
        ("GET", _) => with_headers(agent.get(&url), &headers).call(),
        ("DELETE", _) => with_headers(agent.delete(&url), &headers).call(),
        ("POST", body) => with_headers(agent.post(&url), &headers).send(body.unwrap_or_default()),
        ("PUT", body) => with_headers(agent.put(&url), &headers).send(body.unwrap_or_default()),
        (other, _) => {
            return Err(permanent(format!(
                "method `{other}` is not one bashgah sends: use GET, POST, PUT or DELETE"
            )))
        }
    }
    .map_err(|e| NotSent::from(format!("{method} {shown}: {e}")))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let retry = if channel.retry_on.is_empty() {
        matches!(status, 408 | 425 | 429) || status >= 500
    } else {
        channel.retry_on.contains(&status)
    };
    Err(NotSent {
        reason: format!("{method} {shown}: HTTP {status}"),
        permanent: !retry,
    })
}

fn with_headers<B>(
    mut request: ureq::RequestBuilder<B>,
    headers: &[(&str, String)],
) -> ureq::RequestBuilder<B> {
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    request
}

/// The URL as it may be shown and stored: an environment value written into its path
/// (Kavenegar's key is) is replaced by its name.
fn redact(url: &str, channel: &ChannelDefinition) -> String {
    let mut shown = url.to_owned();
    for name in environment_names(channel.url.as_deref().unwrap_or_default()) {
        if let Ok(value) = std::env::var(&name) {
            if !value.is_empty() && !url_is_value_prefix(&value) {
                shown = shown.replace(&value, &format!("${{{name}}}"));
            }
        }
    }
    shown
}

/// A value that is the start of an address (a base URL) is not a secret.
fn url_is_value_prefix(value: &str) -> bool {
    value.starts_with("http://") || value.starts_with("https://")
}

fn environment_names(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        names.push(inner.split(":-").next().unwrap_or_default().to_owned());
        rest = &after[end + 1..];
    }
    names
}

/// `template` with `${NAME}` (or `${NAME:-default}`) from the environment and `{field}`
/// (or `{field|json}`, `{field|url}`) from `fields`. Braces that do not hold a name (a JSON
/// body's own) are written as they are; a name it does not know is an error.
pub fn fill(template: &str, fields: &Fields<'_>) -> Result<String, String> {
    expand(
        template,
        fields,
        &|name, default| match (std::env::var(name), default) {
            (Ok(value), _) if !value.is_empty() => Ok(value),
            (_, Some(default)) => Ok(default.to_owned()),
            _ => Err(format!(
                "the environment variable `{name}` is not set (the channel's template needs it)"
            )),
        },
    )
}

/// Whether `template` names only fields and filters a channel template can (checked when
/// the club loads; the environment is read only when a message is sent).
pub fn check_template(template: &str) -> Result<(), String> {
    let fields = Fields {
        text: "",
        phone: "",
        member: "",
        occasion: "",
        language: "",
        club: "",
        id: "",
    };
    expand(template, &fields, &|_, _| Ok(String::new())).map(|_| ())
}

type Environment<'e> = dyn Fn(&str, Option<&str>) -> Result<String, String> + 'e;

fn expand(
    template: &str,
    fields: &Fields<'_>,
    environment_value: &Environment<'_>,
) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + fields.text.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let environment = start > 0 && rest.as_bytes()[start - 1] == b'$';
        let after = &rest[start + 1..];
        let inner = after.find('}').map(|end| &after[..end]);
        let placeholder = inner.filter(|inner| {
            if environment {
                let name = inner.split(":-").next().unwrap_or_default();
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            } else {
                let name = inner.split('|').next().unwrap_or_default().trim();
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            }
        });
        let Some(inner) = placeholder else {
            // A brace of the body itself.
            out.push_str(&rest[..=start]);
            rest = after;
            continue;
        };
        out.push_str(&rest[..if environment { start - 1 } else { start }]);
        if environment {
            let (name, default) = match inner.split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (inner, None),
            };
            out.push_str(&environment_value(name, default)?);
        } else {
            let (name, filter) = match inner.split_once('|') {
                Some((name, filter)) => (name.trim(), Some(filter.trim())),
                None => (inner.trim(), None),
            };
            let value = match name {
                "text" => fields.text,
                "phone" => fields.phone,
                "member" => fields.member,
                "occasion" => fields.occasion,
                "language" => fields.language,
                "club" => fields.club,
                "id" => fields.id,
                other => {
                    return Err(format!(
                        "`{{{other}}}` is not a field a channel template can name: use text, phone, member, occasion, language, club or id"
                    ))
                }
            };
            match filter {
                None => out.push_str(value),
                Some("json") => out.push_str(&serde_json::to_string(value).unwrap_or_default()),
                Some("url") => out.push_str(&form_encoded(value)),
                Some(other) => {
                    return Err(format!(
                        "`|{other}` is not a filter: use `|json` (a JSON string) or `|url` (a form value)"
                    ))
                }
            }
        }
        rest = &after[inner.len() + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `value` as an `application/x-www-form-urlencoded` value (UTF-8, spaces as `+`).
fn form_encoded(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields<'static> {
        Fields {
            text: "سلام \"Sara\" & co",
            phone: "09121234567",
            member: "M1",
            occasion: "birthday",
            language: "fa",
            club: "cafe",
            id: "cafe:7",
        }
    }

    #[test]
    fn templates_fill_fields_with_json_and_form_escaping() {
        let body = fill(
            r#"{"to": {phone|json}, "text": {text|json}, "key": "{id}"}"#,
            &fields(),
        )
        .unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["text"], "سلام \"Sara\" & co");
        assert_eq!(parsed["to"], "09121234567");
        assert_eq!(parsed["key"], "cafe:7");
        assert_eq!(
            fill("receptor={phone|url}&message={text|url}", &fields()).unwrap(),
            "receptor=09121234567&message=%D8%B3%D9%84%D8%A7%D9%85+%22Sara%22+%26+co"
        );
    }

    #[test]
    fn unknown_names_filters_and_missing_variables_are_refused() {
        assert!(fill("{name}", &fields())
            .unwrap_err()
            .contains("`{name}` is not a field"));
        assert!(fill("{text|html}", &fields())
            .unwrap_err()
            .contains("`|html` is not a filter"));
        assert!(fill("${BASHGAH_TEST_SURELY_UNSET_9}", &fields())
            .unwrap_err()
            .contains("`BASHGAH_TEST_SURELY_UNSET_9` is not set"));
        assert_eq!(
            fill(
                "${BASHGAH_TEST_SURELY_UNSET_9:-https://api.example}/v1",
                &fields()
            )
            .unwrap(),
            "https://api.example/v1"
        );
        assert_eq!(
            fill("{text", &fields()).unwrap(),
            "{text",
            "not a placeholder"
        );
    }
}
