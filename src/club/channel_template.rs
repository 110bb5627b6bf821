//! The templates of an `http` message channel (`messages.channels` in club.yaml): the
//! URL, headers and body, in which `{field}` (with `|json` or `|url` escaping) names a
//! part of the message and `${NAME}` an environment variable. The grammar lives with the
//! club file, so that `check` can refuse a mistake at its line; sending is
//! [`crate::messaging::gateway`]'s.

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
                other => return Err(crate::tr!("club-template-field", name = other)),
            };
            match filter {
                None => out.push_str(value),
                Some("json") => out.push_str(&serde_json::to_string(value).unwrap_or_default()),
                Some("url") => out.push_str(&form_encoded(value)),
                Some(other) => return Err(crate::tr!("club-template-filter", filter = other)),
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
