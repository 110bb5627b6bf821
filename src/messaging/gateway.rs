//! The `http` channel: a message handed to an SMS or push gateway through the gateway's
//! own HTTP API, described in the club's file by templates (method, URL, headers, body)
//! rather than by code. Secrets come from the environment (`${SMSIR_API_KEY}`), never
//! from the club's files, which business users edit and keep in git.
//!
//! A 2xx answer is sent; a status in `retry_on` (default 408, 425, 429 and 5xx) or a
//! network failure is tried again later; any other status is given up at once (a wrong
//! key or number will not get better).

use std::time::Duration;

use crate::club::channel_template::fill;
pub use crate::club::channel_template::Fields;
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
