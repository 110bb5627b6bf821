//! The OpenAPI 3.1 document of the HTTP API, made from one route table rather than written
//! by hand (issue 17): [`super::api::routes`] lists every route as a [`Route`], and both
//! the router and the document are built from that list, so a route cannot be served
//! without being described.
//!
//! A route's success schema is the type its handler returns ([`Success`], read off the
//! handler's signature by [`Handles`]); request bodies and query strings are described by
//! the `Deserialize` structs the handlers read them into. Schemas come from `schemars`:
//! answers as they are serialised (points are strings holding exact decimals), bodies as
//! they are deserialised. `bashgah openapi` prints the document; `docs/openapi.json` is
//! that output, and a test fails when it is stale.

use std::collections::BTreeMap;
use std::future::Future;

use axum::handler::Handler;
use axum::routing::{MethodFilter, MethodRouter};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use super::keys::Role;

/// A generator of one type's schema, into a generator that collects named schemas.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The schema of `T`: a reference to `#/components/schemas/<name>` for a named type.
pub fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// What a handler answers with when all goes well: the media type and schema of its body.
pub trait Success {
    const MEDIA_TYPE: &'static str = "application/json";
    fn schema(generator: &mut SchemaGenerator) -> Schema;
}

/// A handler (an `async fn` taking `Args`) whose answer is `Result<S, E>` with `S` a
/// [`Success`]: how a route's success schema is read off the handler itself.
pub trait Handles<Args> {
    type Success: Success;
}

macro_rules! handles {
    ($($arg:ident),*) => {
        impl<F, Fut, S, E, $($arg,)*> Handles<($($arg,)*)> for F
        where
            F: FnOnce($($arg),*) -> Fut,
            Fut: Future<Output = Result<S, E>>,
            S: Success,
        {
            type Success = S;
        }
    };
}

handles!();
handles!(A1);
handles!(A1, A2);
handles!(A1, A2, A3);
handles!(A1, A2, A3, A4);
handles!(A1, A2, A3, A4, A5);
handles!(A1, A2, A3, A4, A5, A6);

/// An HTTP method a route answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// As the document's path items name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
            Method::Delete => "delete",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Method::Get => MethodFilter::GET,
            Method::Post => MethodFilter::POST,
            Method::Put => MethodFilter::PUT,
            Method::Patch => MethodFilter::PATCH,
            Method::Delete => MethodFilter::DELETE,
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a key.
    Open,
    /// Any known key (a club key for its own clubs).
    Key,
    /// Admin keys only.
    Admin,
}

/// One route: how it is served and how it is described.
pub struct Route<S> {
    pub method: Method,
    /// In axum's syntax, which is also OpenAPI's: `/v1/clubs/{club}/events`.
    pub path: &'static str,
    handler: MethodRouter<S>,
    summary: &'static str,
    description: Option<&'static str>,
    access: Access,
    /// The least role in the path's club a key needs (routes with a `{club}`).
    role: Option<Role>,
    query: Option<SchemaFn>,
    body: Option<SchemaFn>,
    ok: &'static str,
    media_type: &'static str,
    success: SchemaFn,
    /// Refusals beyond (or instead of) those every route of its kind has, by status.
    errors: BTreeMap<u16, &'static str>,
    /// Other answers than an `Error` for a status, with their schema.
    others: BTreeMap<u16, (&'static str, SchemaFn)>,
}

impl<S: Clone + Send + Sync + 'static> Route<S> {
    /// A route answering `method` on `path` with `handler`, described by its summary and
    /// the builder methods below. A key is needed unless [`Route::open`] says otherwise.
    pub fn new<H, T, A>(method: Method, path: &'static str, handler: H) -> Route<S>
    where
        H: Handler<T, S> + Handles<A>,
        T: 'static,
    {
        Route {
            method,
            path,
            handler: axum::routing::on(method.filter(), handler),
            summary: "",
            description: None,
            access: Access::Key,
            // Reading a club needs a viewer; writing to it, what a till may write.
            role: path.contains("{club}").then_some(if method == Method::Get {
                Role::Viewer
            } else {
                Role::Till
            }),
            query: None,
            body: None,
            ok: "Done",
            media_type: <H::Success as Success>::MEDIA_TYPE,
            success: <H::Success as Success>::schema,
            errors: BTreeMap::new(),
            others: BTreeMap::new(),
        }
    }

    pub fn get<H, T, A>(path: &'static str, handler: H) -> Route<S>
    where
        H: Handler<T, S> + Handles<A>,
        T: 'static,
    {
        Route::new(Method::Get, path, handler)
    }

    pub fn post<H, T, A>(path: &'static str, handler: H) -> Route<S>
    where
        H: Handler<T, S> + Handles<A>,
        T: 'static,
    {
        Route::new(Method::Post, path, handler)
    }

    /// Adds the route to `router`.
    pub fn serve(self, router: axum::Router<S>) -> axum::Router<S> {
        router.route(self.path, self.handler)
    }

    /// Adds the route to `router`, its handler wrapped by `wrap` (given the role the route
    /// needs, if it has a club).
    pub fn serve_wrapped(
        self,
        router: axum::Router<S>,
        wrap: impl FnOnce(MethodRouter<S>, Role) -> MethodRouter<S>,
    ) -> axum::Router<S> {
        let handler = match self.role {
            Some(role) => wrap(self.handler, role),
            None => self.handler,
        };
        router.route(self.path, handler)
    }
}

impl<S> Route<S> {
    /// One line for the route's list.
    pub fn summary(mut self, summary: &'static str) -> Self {
        self.summary = summary;
        self
    }

    /// More, when one line is not enough.
    pub fn description(mut self, description: &'static str) -> Self {
        self.description = Some(description);
        self
    }

    /// What the success answer is, for people.
    pub fn ok(mut self, description: &'static str) -> Self {
        self.ok = description;
        self
    }

    /// No key needed.
    pub fn open(mut self) -> Self {
        self.access = Access::Open;
        self
    }

    /// Admin keys only.
    pub fn admin(mut self) -> Self {
        self.access = Access::Admin;
        self
    }

    /// A key needs at least `role` in the path's club (a route with a `{club}`).
    pub fn role(mut self, role: Role) -> Self {
        self.role = Some(role);
        self
    }

    /// The query string, as the struct the handler reads it into: each field a parameter
    /// ([`NoQuery`] for a route that refuses any).
    pub fn query<Q: JsonSchema>(mut self) -> Self {
        self.query = Some(schema_of::<Q>);
        self
    }

    /// The JSON body, as the struct the handler reads it into.
    pub fn body<B: JsonSchema>(mut self) -> Self {
        self.body = Some(schema_of::<B>);
        self
    }

    /// A refusal (an `Error`) with this status, described; replaces the description every
    /// route of its kind has for that status.
    pub fn error(mut self, status: u16, description: &'static str) -> Self {
        self.errors.insert(status, description);
        self
    }

    /// An answer of type `T` (not an `Error`) with this status; where the status is also a
    /// refusal, the answer is either.
    pub fn answers<T: JsonSchema>(mut self, status: u16, description: &'static str) -> Self {
        self.others.insert(status, (description, schema_of::<T>));
        self
    }

    pub fn access(&self) -> Access {
        self.access
    }

    /// The least role in the path's club the route needs.
    pub fn needs(&self) -> Option<Role> {
        self.role
    }

    /// The names of the path's parameters, in order: `club`, `member`...
    pub fn path_parameters(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .collect()
    }

    /// The refusals this route can answer, by status: those every route of its kind has
    /// (a key, a club, a body, a query), then its own.
    fn refusals(&self) -> BTreeMap<u16, String> {
        let mut said: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
        let mut say = |status: u16, text: &'static str| said.entry(status).or_default().push(text);
        let parameters = self.path_parameters();
        let club = parameters.contains(&"club");
        if self.access != Access::Open {
            say(
                401,
                "No key, an unknown or an expired key (`no_key`, `unknown_key`, `key_expired`).",
            );
        }
        if club {
            say(403, "The key is not for this club (`wrong_club`).");
        }
        match self.role {
            None | Some(Role::Viewer) => {}
            Some(Role::Till) => say(
                403,
                "The key is a `viewer` of this club: writing needs `till` or above (`needs_role`).",
            ),
            Some(Role::Operator) => say(
                403,
                "The key's role in this club is below `operator` (`needs_role`).",
            ),
            Some(Role::Admin) => say(
                403,
                "The key is not an `admin` of this club (`needs_role`).",
            ),
        }
        if self.access == Access::Admin {
            say(403, "The route needs an admin key (`admin_only`).");
        }
        if !parameters.is_empty() {
            say(400, "A path segment is not UTF-8 text (`invalid_path`).");
        }
        if self.body.is_some() {
            say(400, "The body is not JSON (`invalid_json`, with `line` and `column`; also JSON nested more than 128 levels).");
            say(
                413,
                "The body is larger than `--max-body` (`body_too_large`).",
            );
            say(422, "The body is JSON of the wrong shape: an unknown field, a missing one or one of the wrong kind (`invalid_body`, with `field`), or a key given twice in an object (`duplicate_key`, with `field`).");
        }
        if self.query.is_some() {
            say(400, "A query parameter this route does not take, or one that cannot be read (`bad_query`, `invalid_query`).");
        }
        if club {
            say(
                404,
                if parameters.contains(&"member") {
                    "No such club (`unknown_club`, with a suggestion in `help`) or member (`unknown_member`)."
                } else {
                    "No such club (`unknown_club`, with a suggestion in `help`)."
                },
            );
            say(500, "The ledger or the engine failed (`internal`; with `incident`, the id of the log line, when a panic was caught); nothing was written.");
            say(503, "The club has no working policy yet (`club_not_loaded`), its ledger or its queue is busy (`busy`, with `Retry-After`), another process activated a newer version (`version_changed`, with `Retry-After`), or the server is stopping (`stopping`).");
        }
        let mut refusals: BTreeMap<u16, String> = said
            .into_iter()
            .map(|(status, texts)| (status, texts.join(" ")))
            .collect();
        for (status, text) in &self.errors {
            refusals.insert(*status, (*text).to_owned());
        }
        refusals
    }
}

/// What a path parameter is, by name.
fn path_parameter(name: &str) -> &'static str {
    match name {
        "club" => "The club's id (`id` in its club.yaml).",
        "member" => "The member's id, as events and members files give it.",
        "code" => "A code a redemption issued.",
        "redemption" => "The redemption's id (as the redemption answered it).",
        "version" => "A policy version: its id, a prefix of at least 4 hex digits, or `live`.",
        "event" => "The event's id, as it was posted or imported (a statement entry's `event`).",
        "contest" => "A leaderboard's or draw's id (`contests` in its club.yaml).",
        _ => "",
    }
}

const DESCRIPTION: &str = "The HTTP API of `bashgah serve`: post purchases and other events, read members and statements, redeem rewards. Every request except `/v1/health` and `/v1/openapi.json` needs an API key, sent as `Authorization: Bearer <key>` (or `X-Api-Key`). A club key opens its own clubs only; admin keys open every club plus reload and the clock. Amounts and points are strings holding exact decimals; an amount may also be sent as a JSON number, which is read from its text, exactly (never through floating point), and quoted as sent in a refusal. A key given twice in any object of a body is refused (`duplicate_key`, naming it). Every refusal is `{\"error\": {\"code\", \"message\", ...}}` and changes nothing. This document is generated from the server's route table and types (`bashgah openapi`).";

/// The OpenAPI 3.1 document describing `routes`; `error` is the schema of every refusal.
pub fn document<S>(routes: &[Route<S>], error: SchemaFn) -> Value {
    // Answers as they are serialised; bodies and queries as they are read, inline, so the
    // two contracts never share a name in `components`.
    let mut answers = SchemaSettings::draft2020_12()
        .for_serialize()
        .with(|s| {
            s.definitions_path = "/components/schemas/".into();
            s.meta_schema = None;
        })
        .into_generator();
    let mut requests = SchemaSettings::draft2020_12()
        .for_deserialize()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let error = error(&mut answers);
    let mut paths = Map::new();
    for route in routes {
        let operation = operation(route, &mut answers, &mut requests, &error);
        let item = paths
            .entry(route.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(route.method.as_str().to_owned(), operation);
        }
    }
    let schemas = answers.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "bashgah",
            "version": "1",
            "description": DESCRIPTION,
        },
        "servers": [{ "url": "http://127.0.0.1:8640" }],
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "apiKey": { "type": "apiKey", "in": "header", "name": "X-Api-Key" },
            },
            "schemas": schemas,
        },
        "security": [{ "bearer": [] }, { "apiKey": [] }],
        "paths": paths,
    })
}

fn operation<S>(
    route: &Route<S>,
    answers: &mut SchemaGenerator,
    requests: &mut SchemaGenerator,
    error: &Schema,
) -> Value {
    let mut operation = Map::new();
    operation.insert("summary".into(), route.summary.into());
    if let Some(description) = route.description {
        operation.insert("description".into(), description.into());
    }
    if let Some(role) = route.role {
        // The keys file's role a key needs in the club (an extension: OpenAPI has no word
        // for roles inside one security scheme).
        operation.insert("x-role".into(), role.as_str().into());
    }
    if route.access == Access::Open {
        operation.insert("security".into(), json!([]));
    }
    let mut parameters: Vec<Value> = route
        .path_parameters()
        .into_iter()
        .map(|name| {
            let mut parameter = json!({
                "name": name, "in": "path", "required": true, "schema": { "type": "string" },
            });
            let description = path_parameter(name);
            if !description.is_empty() {
                parameter["description"] = description.into();
            }
            parameter
        })
        .collect();
    if let Some(query) = route.query {
        parameters.extend(query_parameters(query(requests)));
    }
    if !parameters.is_empty() {
        operation.insert("parameters".into(), parameters.into());
    }
    if let Some(body) = route.body {
        operation.insert(
            "requestBody".into(),
            json!({
                "required": true,
                "content": { "application/json": { "schema": body(requests) } },
            }),
        );
    }
    let mut responses = Map::new();
    let success = (route.success)(answers);
    responses.insert(
        "200".into(),
        json!({ "description": route.ok, "content": { route.media_type: { "schema": success } } }),
    );
    let refusals = route.refusals();
    let mut statuses: Vec<u16> = refusals
        .keys()
        .chain(route.others.keys())
        .copied()
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    for status in statuses {
        let other = route
            .others
            .get(&status)
            .map(|(text, schema)| (*text, schema(answers)));
        let (description, schema) = match (other, refusals.get(&status)) {
            (Some((text, other)), Some(refusal)) => (
                format!("{text} Else a refusal (an `Error`). {refusal}"),
                json!({ "anyOf": [other, error.clone()] }),
            ),
            (Some((text, other)), None) => (text.to_owned(), other.to_value()),
            (None, Some(refusal)) => (refusal.clone(), error.clone().to_value()),
            (None, None) => continue,
        };
        responses.insert(
            status.to_string(),
            json!({
                "description": description,
                "content": { "application/json": { "schema": schema } },
            }),
        );
    }
    operation.insert("responses".into(), Value::Object(responses));
    Value::Object(operation)
}

/// A query struct's fields as query parameters: each property one parameter, required if
/// the struct requires it, described by its doc comment.
fn query_parameters(schema: Schema) -> Vec<Value> {
    let schema = schema.to_value();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let mut property = property.clone();
            let description = property
                .as_object_mut()
                .and_then(|p| p.remove("description"));
            // A query parameter is absent or text: `Option`'s `null` has no meaning here.
            if let Some(Value::Array(types)) = property.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    property["type"] = types[0].clone();
                }
            }
            let mut parameter = json!({
                "name": name,
                "in": "query",
                "required": required.contains(&name.as_str()),
                "schema": property,
            });
            if let Some(description) = description {
                parameter["description"] = description;
            }
            parameter
        })
        .collect()
}

/// The query of a route that refuses any query string (a change that takes none must not
/// take `?dry_run=true` and change things for real).
#[derive(serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

/// An exact amount as a request may give it: text as people write it, or a JSON number
/// read from its text. Points and amounts in answers are always text.
pub struct Amount;

impl JsonSchema for Amount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Amount".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "anyOf": [
                {
                    "type": "string",
                    "description": "An exact decimal as people write it: `1250000`, `1,250,000.50` (thousands separators only in groups of three; a decimal comma such as `12,50` is refused), Persian or Arabic-Indic digits."
                },
                {
                    "type": "number",
                    "description": "Read from its text, exactly (`12345678901234567.25` is that amount; `1e3` is 1000), never through floating point."
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::api::{openapi_document, routes};

    #[test]
    fn every_route_is_described_once_with_its_parameters() {
        let document = openapi_document();
        let mut seen = std::collections::BTreeSet::new();
        for route in routes() {
            let method = route.method.as_str();
            assert!(
                seen.insert((route.path, method)),
                "{method} {} is in the table twice",
                route.path
            );
            assert!(
                !route.summary.is_empty(),
                "{method} {}: no summary",
                route.path
            );
            let operation = &document["paths"][route.path][method];
            let parameters = operation["parameters"].as_array();
            for name in route.path_parameters() {
                assert!(
                    !path_parameter(name).is_empty(),
                    "path parameter `{name}` undescribed"
                );
                let declared = parameters
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "path"));
                assert!(declared, "{method} {}: `{name}` not declared", route.path);
            }
            assert!(operation["responses"]["200"].is_object());
            if route.access() != Access::Open {
                assert_eq!(
                    operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/Error",
                    "{method} {}",
                    route.path
                );
            }
        }
    }

    /// Points in answers are text holding an exact decimal, never a JSON number.
    #[test]
    fn points_in_answers_are_strings_holding_decimals() {
        let document = openapi_document();
        let schemas = &document["components"]["schemas"];
        for (schema, field) in [
            ("Balances", "available"),
            ("StatementLine", "points"),
            ("EntryRecord", "points"),
            ("Entry", "points"),
            ("EventWritten", "points"),
            ("ListedMember", "balance"),
        ] {
            let property = &schemas[schema]["properties"][field];
            assert_eq!(property["type"], "string", "{schema}.{field}: {property}");
            assert_eq!(property["pattern"], r"^-?\d+(\.\d+)?$", "{schema}.{field}");
        }
    }

    #[test]
    fn query_structs_become_query_parameters() {
        let document = openapi_document();
        let parameters = &document["paths"]["/v1/clubs/{club}/members"]["get"]["parameters"];
        let limit = parameters
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == "limit"))
            .expect("limit");
        assert_eq!(limit["in"], "query");
        assert_eq!(limit["required"], false);
        assert_eq!(limit["schema"]["type"], "integer");
        assert_eq!(limit["schema"]["maximum"], 10_000);
    }
}
