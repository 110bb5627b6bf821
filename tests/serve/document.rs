//! The OpenAPI document as the serve tests' oracle (issue 17): every answer a test gets
//! from [`Server::get`](super::server::Server::get) or `post` is held to the schema the
//! document gives for its route and status (and a request that succeeded, to the
//! document's request body), so an answer that drifts from the document fails whichever
//! test saw it. The document is the library's own ([`bashgah::serve::api::openapi_document`]),
//! the one the server serves.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// The generated document.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(bashgah::serve::api::openapi_document)
}

/// The document's path template that `path` (its query aside) is an instance of:
/// `/v1/clubs/shop/members/M1` is `/v1/clubs/{club}/members/{member}`.
pub fn template(path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    let paths = document()["paths"].as_object()?;
    paths.keys().map(String::as_str).find(|template| {
        let parts: Vec<&str> = template.split('/').collect();
        parts.len() == segments.len()
            && parts.iter().zip(&segments).all(|(part, segment)| {
                (part.starts_with('{') && !segment.is_empty()) || part == segment
            })
    })
}

/// A JSON Schema validator for the schema at `pointer` in the document, with the
/// document's named schemas beside it (its `#/components/schemas/X` references read as
/// `#/$defs/X`). Formats (`date-time`...) are checked too.
pub fn validator(schema: &Value) -> Result<jsonschema::Validator, String> {
    let rewrite = |value: &Value| -> Value {
        let text = value
            .to_string()
            .replace("\"#/components/schemas/", "\"#/$defs/");
        serde_json::from_str(&text).expect("the document's JSON")
    };
    let mut schema = rewrite(schema);
    let Value::Object(object) = &mut schema else {
        return Err(format!("not a schema object: {schema}"));
    };
    object.insert(
        "$defs".into(),
        rewrite(&document()["components"]["schemas"]),
    );
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| format!("the schema does not compile: {e}"))
}

/// Every way `instance` breaks `validator`, one per line; empty when it fits.
pub fn problems(validator: &jsonschema::Validator, instance: &Value) -> String {
    validator
        .iter_errors(instance)
        .map(|e| format!("  at `{}`: {e}\n", e.instance_path()))
        .collect()
}

type Validators = Mutex<HashMap<String, Arc<jsonschema::Validator>>>;

/// The validator of the schema at `pointer` (a JSON pointer into the document), made once.
fn validator_at(pointer: &str) -> Result<Arc<jsonschema::Validator>, String> {
    static MADE: OnceLock<Validators> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    if let Some(found) = made.lock().unwrap().get(pointer) {
        return Ok(Arc::clone(found));
    }
    let schema = document()
        .pointer(pointer)
        .ok_or_else(|| format!("the document has nothing at {pointer}"))?;
    let validator = Arc::new(validator(schema)?);
    made.lock()
        .unwrap()
        .insert(pointer.to_owned(), Arc::clone(&validator));
    Ok(validator)
}

/// `/v1/clubs/{club}` as a JSON pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Whether the answer `status`/`body` (with `content_type`) to `method path` is what the
/// document says that route answers with that status; and, for a success, whether the
/// request `sent` is a body the document allows. `Ok(false)`: a path the document has no
/// route for (the API's own 404 and 405), not checked.
pub fn check(
    method: &str,
    path: &str,
    sent: Option<&str>,
    status: u16,
    content_type: Option<&str>,
    body: &Value,
) -> Result<bool, String> {
    let Some(template) = template(path) else {
        return Ok(false);
    };
    let method = method.to_ascii_lowercase();
    let operation = format!("/paths/{}/{method}", escape(template));
    if document().pointer(&operation).is_none() {
        // The route exists for other methods: 405 `method_not_allowed`.
        return Ok(false);
    }
    let response = format!("{operation}/responses/{status}");
    let Some(content) = document()
        .pointer(&format!("{response}/content"))
        .and_then(Value::as_object)
    else {
        return Err(format!(
            "{method} {template} answered {status}, which the document does not list: {body}"
        ));
    };
    let (media_type, _) = content.iter().next().ok_or("no content")?;
    let content_type = content_type.unwrap_or("");
    if !content_type.starts_with(media_type.as_str()) {
        return Err(format!(
            "{method} {template} {status}: content type `{content_type}`, the document says `{media_type}`"
        ));
    }
    if media_type == "application/json" {
        let validator = validator_at(&format!("{response}/content/{}/schema", escape(media_type)))?;
        let found = problems(&validator, body);
        if !found.is_empty() {
            return Err(format!(
                "{method} {template} {status}: the answer is not what the document says:\n{found}the answer: {body}"
            ));
        }
    }
    let request = format!("{operation}/requestBody/content/application~1json/schema");
    if let (true, Some(sent), Some(_)) = (
        (200..300).contains(&status),
        sent,
        document().pointer(&request),
    ) {
        let sent: Value = serde_json::from_str(sent).map_err(|e| e.to_string())?;
        let found = problems(&*validator_at(&request)?, &sent);
        if !found.is_empty() {
            return Err(format!(
                "{method} {template}: a body the server took is not one the document allows:\n{found}the body: {sent}"
            ));
        }
    }
    Ok(true)
}
