//! The checks a spec passes before progenitor sees it.
//!
//! progenitor 0.15.1 panics, without naming the operation, on several inputs, and silently
//! mis-generates on others (shared/reference/progenitor.md §4). Each rule here rejects one such
//! input, or one that Portico's conventions forbid, and names the operation or JSON pointer.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// `operation <id> (<METHOD> <path>)` or a JSON pointer such as `#/components/schemas/X`.
    pub location: String,
    /// What is wrong and, where useful, what to write instead.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// The values of a schema's `type` in OpenAPI 3.0.
const SCHEMA_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Schema keywords and the kind of value OpenAPI 3.0 wants for each.
const SCHEMA_KEYWORDS: [(&str, &str); 18] = [
    ("nullable", "a boolean"),
    ("readOnly", "a boolean"),
    ("writeOnly", "a boolean"),
    ("deprecated", "a boolean"),
    ("uniqueItems", "a boolean"),
    ("exclusiveMinimum", "a boolean"),
    ("exclusiveMaximum", "a boolean"),
    ("minimum", "a number"),
    ("maximum", "a number"),
    ("multipleOf", "a number"),
    ("minLength", "a whole number"),
    ("maxLength", "a whole number"),
    ("minItems", "a whole number"),
    ("maxItems", "a whole number"),
    ("minProperties", "a whole number"),
    ("maxProperties", "a whole number"),
    ("pattern", "a string"),
    ("format", "a string"),
];

pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Checks a whole spec. `stem` is the file name without `.yaml`, which must be the provider name.
pub fn check(stem: &str, spec: &Value) -> Vec<Problem> {
    let mut lint = Lint {
        spec,
        problems: Vec::new(),
    };
    lint.document(stem);
    if lint.problems.is_empty() {
        lint.refs(spec, "#");
    }
    // Later rules resolve references; they run only on a document whose references are sound.
    if lint.problems.is_empty() {
        lint.schemas(spec, "#");
        lint.operations();
    }
    lint.problems.sort();
    lint.problems.dedup();
    lint.problems
}

struct Lint<'a> {
    spec: &'a Value,
    problems: Vec<Problem>,
}

impl<'a> Lint<'a> {
    fn problem(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            location: location.into(),
            message: message.into(),
        });
    }

    fn document(&mut self, stem: &str) {
        let spec = self.spec;
        match spec.get("openapi").and_then(Value::as_str) {
            Some(v) if is_oas_30(v) => {}
            Some(v) => self.problem(
                "#/openapi",
                format!("version {v:?} is not supported: progenitor 0.15.1 reads OpenAPI 3.0.x only (write \"3.0.3\")"),
            ),
            None => self.problem("#/openapi", "missing `openapi: 3.0.3`"),
        }
        if !spec.get("paths").is_some_and(Value::is_object) {
            self.problem("#/paths", "missing `paths`");
        }
        let portico = spec.get("x-portico");
        match portico
            .and_then(|p| p.get("provider"))
            .and_then(Value::as_str)
        {
            Some(name) if name == stem => {}
            Some(name) => self.problem(
                "#/x-portico/provider",
                format!("provider {name:?} must match the file name {stem:?}: rename one of them"),
            ),
            None => self.problem(
                "#/x-portico/provider",
                "missing: the provider's short name, as in the file name",
            ),
        }
        if portico
            .and_then(|p| p.get("env"))
            .and_then(Value::as_str)
            .is_none()
        {
            self.problem(
                "#/x-portico/env",
                "missing: the environment variable that holds the API key",
            );
        }
        match spec.pointer("/servers/0/url").and_then(Value::as_str) {
            Some(url) if url.starts_with("https://") => {}
            Some(url) => self.problem(
                "#/servers/0/url",
                format!("{url:?}: the default server must use https"),
            ),
            None => self.problem(
                "#/servers",
                "missing: the first server is the default base URL",
            ),
        }
        if let Err(message) = auth_scheme(spec) {
            self.problem("#/components/securitySchemes", message);
        }
        if let Err(message) = error_schema(spec) {
            self.problem("#/components/schemas", message);
        }
    }

    /// Every `$ref` is local and resolves.
    fn refs(&mut self, node: &Value, at: &str) {
        match node {
            Value::Object(map) => {
                for (key, value) in map {
                    if key == "$ref" {
                        match value.as_str() {
                            Some(target) if !target.starts_with("#/") => self.problem(
                                at,
                                format!("external reference {target:?}: only references inside the same file (#/...) are supported; copy the definition into this file's #/components"),
                            ),
                            Some(target) if resolve(self.spec, target).is_none() => {
                                self.problem(at, format!("reference {target:?} points at nothing: fix the name, or add the definition it names"))
                            }
                            Some(target) => {
                                if let Some((kind, section)) = ref_kind(at) {
                                    let prefix = format!("#/components/{section}/");
                                    let message = match target.strip_prefix(&prefix) {
                                        Some(name) if !name.contains('/') => None,
                                        Some(_) => Some(format!("reference {target:?} points inside a definition; a {kind} `$ref` must name a whole {prefix}<Name> (the generator would panic)")),
                                        None if kind != "schema" && target.starts_with("#/components/schemas/") => Some(format!("reference {target:?} is a schema, but a {kind} is expected here: reference {prefix}<Name>, or write the {kind} out with the schema under `content: {{application/json: {{schema: ...}}}}`")),
                                        None => Some(format!("reference {target:?} is not a {kind}: a {kind} `$ref` must name {prefix}<Name> (the generator would panic)")),
                                    };
                                    if let Some(message) = message {
                                        self.problem(at, message);
                                    }
                                }
                            }
                            None => self.problem(at, "`$ref` must be a string"),
                        }
                    } else {
                        self.refs(value, &format!("{at}/{}", escape(key)));
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.refs(item, &format!("{at}/{i}"));
                }
            }
            _ => {}
        }
    }

    /// Schema rules, wherever a schema appears.
    fn schemas(&mut self, node: &Value, at: &str) {
        let Value::Object(map) = node else {
            if let Value::Array(items) = node {
                for (i, item) in items.iter().enumerate() {
                    self.schemas(item, &format!("{at}/{i}"));
                }
            }
            return;
        };
        match map.get("type") {
            Some(Value::Array(_)) => self.problem(
                at,
                "`type` is a list (an OpenAPI 3.1 form); use one type and `nullable: true`",
            ),
            Some(Value::String(ty)) if !SCHEMA_TYPES.contains(&ty.as_str()) => self.problem(
                at,
                format!(
                    "`type: {ty}` is not an OpenAPI type (the generator would panic); use one of {}{}",
                    SCHEMA_TYPES.join(", "),
                    if ty == "null" { ", with `nullable: true` for null" } else { "" }
                ),
            ),
            _ => {}
        }
        // Parameters, headers and request bodies have a boolean `required`; schemas a list.
        let is_schema = (map.get("type").is_some_and(Value::is_string)
            || map.contains_key("properties"))
            && !map.contains_key("in");
        if is_schema && map.get("required").is_some_and(|r| !is_string_list(r)) {
            self.problem(
                at,
                "`required` in a schema is the list of required property names: write `required: [name, ...]` on the object schema, not `required: true` on the property",
            );
        }
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            self.enumeration(map, values, at);
        }
        if map.get("additionalProperties") == Some(&Value::Bool(false)) {
            self.problem(
                at,
                "`additionalProperties: false` makes a reply fail as soon as the server adds a field; leave it out",
            );
        }
        if map.contains_key("discriminator") {
            self.problem(
                at,
                "`discriminator` is ignored by the generator (typify #498), so a reply can decode as the wrong variant; give each variant a single-value `enum` tag instead",
            );
        }
        if let Some(parts) = map.get("allOf").and_then(Value::as_array) {
            self.all_of(parts, at);
        }
        if let Some(default) = map.get("default")
            && let Some(message) = bad_default(map, default)
        {
            self.problem(at, message);
        }
        if is_schema {
            for (key, expected) in SCHEMA_KEYWORDS {
                let Some(value) = map.get(key) else { continue };
                let ok = match expected {
                    "a boolean" => value.is_boolean(),
                    "a number" => value.is_number(),
                    "a whole number" => value.is_u64(),
                    _ => value.is_string(),
                };
                if !ok {
                    self.problem(
                        at,
                        format!(
                            "`{key}: {value}` must be {expected} in OpenAPI 3.0 (the generator would reject the file without saying where){}",
                            match key {
                                "exclusiveMinimum" => "; write `minimum: <n>` and `exclusiveMinimum: true`",
                                "exclusiveMaximum" => "; write `maximum: <n>` and `exclusiveMaximum: true`",
                                _ => "",
                            }
                        ),
                    );
                }
            }
        }
        for (key, value) in map {
            let at = format!("{at}/{}", escape(key));
            match key.as_str() {
                // Data, not schemas; and extensions and security schemes are Portico's or auth's.
                "example" | "examples" | "enum" | "default" | "securitySchemes" => {}
                key if key.starts_with("x-") => {}
                // Property names are not keywords: a property may be called `default` or `type`.
                "properties" if value.is_object() => {
                    for (name, property) in value.as_object().into_iter().flatten() {
                        self.schemas(property, &format!("{at}/{}", escape(name)));
                    }
                }
                _ => self.schemas(value, &at),
            }
        }
    }

    fn enumeration(&mut self, map: &serde_json::Map<String, Value>, values: &[Value], at: &str) {
        let all_strings = values.iter().all(|v| v.is_string() || v.is_null());
        let all_integers = values.iter().all(|v| v.is_i64() || v.is_u64());
        if !all_strings && !all_integers {
            self.problem(
                at,
                "`enum` values must be all strings or all integers (the generator drops a boolean `enum` and fails without saying where on a mixed one); for a fixed boolean or number, leave `enum` out and say it in the `description`",
            );
            return;
        }
        if !all_strings {
            return;
        }
        // A string enum must be a named schema: it becomes an open Rust enum of that name.
        let named = at
            .strip_prefix("#/components/schemas/")
            .is_some_and(|rest| !rest.contains('/'));
        if !named {
            self.problem(
                at,
                "inline string `enum`: move it into #/components/schemas/<Name> and `$ref` it (Portico turns each named string enum into an open enum that keeps unknown values)",
            );
        } else if map.get("type").and_then(Value::as_str) != Some("string") {
            self.problem(at, "a string `enum` needs `type: string`");
        }
    }

    /// `allOf` parts whose properties disagree produce an uninhabited type (`pub enum X {}`).
    fn all_of(&mut self, parts: &[Value], at: &str) {
        let mut seen: BTreeMap<String, (usize, Value)> = BTreeMap::new();
        for (i, part) in parts.iter().enumerate() {
            let part = deref(self.spec, part);
            let Some(props) = part.get("properties").and_then(Value::as_object) else {
                continue;
            };
            for (name, schema) in props {
                let schema = deref(self.spec, schema);
                let ty = schema.get("type").cloned().unwrap_or(Value::Null);
                match seen.get(name) {
                    Some((j, other)) if *other != ty && !other.is_null() && !ty.is_null() => {
                        let message = format!(
                            "`allOf` parts {j} and {i} give property {name:?} different types ({other} and {ty}); the generator would produce a type that can never be decoded; give the property the same type in every part"
                        );
                        self.problem(at, message);
                    }
                    _ => {
                        seen.insert(name.clone(), (i, ty));
                    }
                }
            }
        }
    }

    fn operations(&mut self) {
        let spec = self.spec;
        let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
            return;
        };
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in paths {
            let item_at = format!("#/paths/{}", escape(path));
            if item.get("$ref").is_some() {
                self.problem(&item_at, "a path item may not be a `$ref`; write it out");
                continue;
            }
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let upper = method.to_uppercase();
                let id = op.get("operationId").and_then(Value::as_str);
                let location = match id {
                    Some(id) => format!("operation {id} ({upper} {path})"),
                    None => format!("operation {upper} {path}"),
                };
                match id {
                    None => self.problem(
                        &location,
                        "missing `operationId`: add a snake_case one (it becomes the method name)",
                    ),
                    Some(id) if !is_snake_case(id) => self.problem(
                        &location,
                        "`operationId` must be snake_case (letters, digits, `_`): it becomes the method name",
                    ),
                    Some(id) => {
                        if let Some(first) = ids.insert(id.to_string(), format!("{upper} {path}")) {
                            self.problem(
                                &location,
                                format!("`operationId` already used by {first}; each operation needs its own (it becomes the method name)"),
                            );
                        }
                    }
                }
                self.parameters(item, op, path, &location);
                self.request_body(op, &location);
                self.responses(op, &location);
            }
        }
    }

    fn parameters(&mut self, item: &Value, op: &Value, path: &str, location: &str) {
        let params: Vec<&Value> = [item.get("parameters"), op.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .map(|p| deref(self.spec, p))
            .collect();
        let mut declared = BTreeSet::new();
        for p in &params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
            match p.get("in").and_then(Value::as_str) {
                Some("path") => {
                    declared.insert(name.to_string());
                    if !path.contains(&format!("{{{name}}}")) {
                        self.problem(
                            location,
                            format!("path parameter {name:?} does not appear in the path"),
                        );
                    }
                    if p.get("required") != Some(&Value::Bool(true)) {
                        self.problem(
                            location,
                            format!("path parameter {name:?} must say `required: true` (the generator would panic)"),
                        );
                    }
                }
                Some("cookie") => self.problem(
                    location,
                    format!(
                        "cookie parameter {name:?} is not supported by the generator; leave it out"
                    ),
                ),
                Some("query") => {
                    if let Some(style) = p.get("style").and_then(Value::as_str)
                        && style != "form"
                    {
                        self.problem(
                            location,
                            format!("query parameter {name:?}: style {style:?} is not supported (only `form`); leave `style` out, and describe nested fields as separate query parameters"),
                        );
                    }
                }
                Some("header") => {
                    // The generated code names the header with `HeaderName::from_static`:
                    // checked here rather than at run time.
                    if !is_header_token(name) {
                        self.problem(
                            location,
                            format!("header parameter {name:?} is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only)"),
                        );
                    }
                }
                other => self.problem(
                    location,
                    format!("parameter {name:?}: unknown location {other:?}"),
                ),
            }
            if p.get("schema").is_none() {
                self.problem(location, format!("parameter {name:?} has no `schema`"));
            }
            let schema = deref(self.spec, p.get("schema").unwrap_or(&Value::Null));
            if schema.get("type").and_then(Value::as_str) == Some("integer")
                && schema.get("format").is_some()
                && schema.get("minimum").and_then(Value::as_f64) == Some(0.0)
            {
                self.problem(
                    location,
                    format!("parameter {name:?}: an integer with a `format` and `minimum: 0` becomes a signed type whose minimum is never checked; leave `format` out (it becomes an unsigned u64)"),
                );
            }
            if let Some(flag) = p.get("x-portico-idempotency-key") {
                let string = deref(self.spec, p.get("schema").unwrap_or(&Value::Null))
                    .get("type")
                    .and_then(Value::as_str)
                    == Some("string");
                if flag != &Value::Bool(true) {
                    self.problem(
                        location,
                        format!("parameter {name:?}: x-portico-idempotency-key must be `true` (or left out)"),
                    );
                } else if p.get("in").and_then(Value::as_str) != Some("header")
                    || p.get("required") == Some(&Value::Bool(true))
                    || !string
                {
                    self.problem(
                        location,
                        format!("parameter {name:?}: x-portico-idempotency-key marks an optional `in: header` string parameter (the runtime fills it in when the caller does not)"),
                    );
                }
            }
        }
        let keys = params
            .iter()
            .filter(|p| p.get("x-portico-idempotency-key").is_some())
            .count();
        if keys > 1 {
            self.problem(
                location,
                format!("{keys} parameters carry x-portico-idempotency-key; an operation has at most one idempotency key"),
            );
        }
        for var in path_variables(path) {
            if !declared.contains(&var) {
                self.problem(
                    location,
                    format!("path variable {{{var}}} has no `in: path` parameter (the generator would panic); declare it: `{{name: {var}, in: path, required: true, schema: {{type: string}}}}`"),
                );
            }
        }
    }

    fn request_body(&mut self, op: &Value, location: &str) {
        let Some(body) = op.get("requestBody") else {
            return;
        };
        let body = deref(self.spec, body);
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            self.problem(location, "request body without `content`");
            return;
        };
        if content.len() != 1 {
            let types: Vec<&String> = content.keys().collect();
            self.problem(
                location,
                format!("request body offers {} media types {types:?}; the generator supports exactly one: keep application/json", content.len()),
            );
            return;
        }
        let (media, value) = content.iter().next().expect("one entry");
        let media = media.as_str();
        if !matches!(media, "application/json" | "multipart/form-data") {
            self.problem(
                location,
                format!("request media type {media:?} is not supported (use application/json or multipart/form-data)"),
            );
        }
        if value.get("schema").is_none() {
            self.problem(location, format!("request body {media} has no `schema`"));
        }
        if body.get("required") != Some(&Value::Bool(true)) {
            self.problem(
                location,
                "request body must say `required: true` (the generator makes every body mandatory)",
            );
        }
    }

    fn responses(&mut self, op: &Value, location: &str) {
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            self.problem(location, "no `responses`");
            return;
        };
        let error_ref = error_schema(self.spec)
            .ok()
            .map(|(name, _)| format!("#/components/schemas/{name}"));
        let mut success: Vec<(String, Option<Value>)> = Vec::new();
        let mut any_success = false;
        for (status, response) in responses {
            let response = deref(self.spec, response);
            if status == "default" {
                self.problem(
                    location,
                    "a `default` response counts as both success and error for the generator; declare statuses (`4XX`, `5XX` allowed) instead",
                );
                continue;
            }
            let Some(class) = status.chars().next().filter(|_| is_status(status)) else {
                self.problem(
                    location,
                    format!("response key {status:?} is not a status code"),
                );
                continue;
            };
            any_success |= class == '2';
            let body = match response_body(response) {
                Ok(body) => body,
                Err(message) => {
                    self.problem(location, format!("response {status}: {message}"));
                    continue;
                }
            };
            match class {
                '2' => success.push((status.clone(), body)),
                '4' | '5' => {
                    let schema_ref = body
                        .as_ref()
                        .and_then(|s| s.get("$ref"))
                        .and_then(Value::as_str);
                    // No body is fine: the runtime turns every failure into one error, reading
                    // the code and message out of the body only when there is one.
                    if body.is_some() && error_ref.is_some() && schema_ref != error_ref.as_deref() {
                        self.problem(
                            location,
                            format!(
                                "error response {status} has its own body schema; the runtime reads every error body as the `x-portico-error` schema, so write `schema: {{$ref: '{}'}}` (or leave the content out if the reply has no body)",
                                error_ref.as_deref().unwrap_or("")
                            ),
                        );
                    }
                }
                _ => self.problem(
                    location,
                    format!("response {status}: only 2xx, 4xx and 5xx statuses are supported"),
                ),
            }
        }
        if !any_success {
            self.problem(location, "no success (2xx) response");
        }
        if let [(first_status, first), rest @ ..] = success.as_slice() {
            for (status, body) in rest {
                if body != first {
                    self.problem(
                        location,
                        format!(
                            "success responses {first_status} ({}) and {status} ({}) differ; a generated method has one reply type, so keep only the success status this call returns, or give both the same schema",
                            describe_body(first.as_ref()),
                            describe_body(body.as_ref()),
                        ),
                    );
                }
            }
        }
    }
}

/// What a `$ref` at `at` must point at: (what it is, its section of #/components).
fn ref_kind(at: &str) -> Option<(&'static str, &'static str)> {
    let segments: Vec<&str> = at.split('/').collect();
    if at.starts_with("#/components/schemas/") || segments.contains(&"schema") {
        return Some(("schema", "schemas"));
    }
    if segments.iter().any(|s| s.starts_with("x-")) {
        return None;
    }
    let last = *segments.last()?;
    let parent = segments.len().checked_sub(2).map(|i| segments[i])?;
    match (parent, last) {
        (_, "requestBody") => Some(("request body", "requestBodies")),
        ("parameters", _) => Some(("parameter", "parameters")),
        ("responses", _) if segments.len() > 3 => Some(("response", "responses")),
        ("headers", _) if segments.len() > 3 => Some(("header", "headers")),
        _ => None,
    }
}

/// A response body for a message: `` `#/components/schemas/X` ``, `an inline schema` or `no body`.
fn describe_body(body: Option<&Value>) -> String {
    match body {
        None => "no body".into(),
        Some(schema) => match schema.get("$ref").and_then(Value::as_str) {
            Some(target) => format!("`{target}`"),
            None => "an inline schema".into(),
        },
    }
}

/// A response's JSON schema, `None` for no body; an error for anything else.
fn response_body(response: &Value) -> Result<Option<Value>, String> {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Ok(None);
    };
    if content.is_empty() {
        return Ok(None);
    }
    if content.len() > 1 {
        return Err(format!("{} media types; one is supported", content.len()));
    }
    let (media, value) = content.iter().next().expect("one entry");
    let base = media.split(';').next().unwrap_or("").trim();
    if base != "application/json" {
        return Err(format!(
            "media type {media:?} would be untyped; only application/json replies are supported"
        ));
    }
    match value.get("schema") {
        Some(schema) => Ok(Some(schema.clone())),
        None => Err("JSON without a `schema` (the generator would panic); add the `schema`, or leave `content` out if the reply has no body".into()),
    }
}

/// The security scheme Portico applies: HTTP bearer, or an API key in a header.
pub fn auth_scheme(spec: &Value) -> Result<(String, Value), String> {
    let schemes = spec
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .ok_or("missing: the credential's security scheme")?;
    // The end user's credential (`x-portico.user-credential`) is a second, optional scheme.
    let user = spec
        .pointer("/x-portico/user-credential/scheme")
        .and_then(Value::as_str);
    let mut found = schemes
        .iter()
        .filter(|(name, _)| Some(name.as_str()) != user)
        .filter(|(_, s)| {
            let ty = s.get("type").and_then(Value::as_str);
            let scheme = s
                .get("scheme")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase);
            (ty == Some("http") && scheme.as_deref() == Some("bearer"))
                || (ty == Some("apiKey") && s.get("in").and_then(Value::as_str) == Some("header"))
        });
    match (found.next(), found.next()) {
        (Some((name, scheme)), None) => Ok((name.clone(), scheme.clone())),
        (None, _) => Err(
            "no supported scheme: use `type: http, scheme: bearer` or `type: apiKey, in: header`"
                .into(),
        ),
        (Some(_), Some(_)) => {
            Err("more than one credential scheme; Portico applies exactly one".into())
        }
    }
}

/// The one schema marked `x-portico-error`: the provider's error body.
pub fn error_schema(spec: &Value) -> Result<(String, Value), String> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut found = schemas
        .into_iter()
        .flatten()
        .filter_map(|(name, s)| s.get("x-portico-error").map(|e| (name.clone(), e.clone())));
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err("no schema is marked `x-portico-error: {code: <field>, message: <field>}`: the provider's error body".into()),
        (Some(_), Some(_)) => Err("more than one schema is marked `x-portico-error`".into()),
    }
}

fn bad_default(schema: &serde_json::Map<String, Value>, default: &Value) -> Option<String> {
    let ty = schema.get("type").and_then(Value::as_str);
    let ok = match ty {
        Some("string") => default.is_string(),
        Some("integer") => default.is_i64() || default.is_u64(),
        Some("number") => default.is_number(),
        Some("boolean") => default.is_boolean(),
        Some("array") => default.is_array(),
        Some("object") => default.is_object(),
        _ => true,
    };
    if !ok {
        let ty = ty.unwrap_or_default();
        return Some(format!(
            "`default: {default}` is not of the schema's `type: {ty}` (the generator fails without saying where); write a value of that type, or leave `default` out"
        ));
    }
    let values = schema.get("enum").and_then(Value::as_array)?;
    (!values.contains(default)).then(|| {
        format!("`default: {default}` is not one of the schema's `enum` values; pick one of them, or leave `default` out")
    })
}

fn is_string_list(value: &Value) -> bool {
    value
        .as_array()
        .is_some_and(|items| items.iter().all(Value::is_string))
}

fn is_oas_30(version: &str) -> bool {
    let mut parts = version.split('.');
    parts.next() == Some("3")
        && parts.next() == Some("0")
        && parts
            .next()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts.next().is_none()
}

fn is_status(status: &str) -> bool {
    let b = status.as_bytes();
    b.len() == 3
        && (b'1'..=b'5').contains(&b[0])
        && ((b[1].is_ascii_digit() && b[2].is_ascii_digit()) || &b[1..] == b"XX")
}

fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn path_variables(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// Follows a local `$ref` (one level at a time, until a non-reference).
pub fn deref<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..16 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| resolve(spec, r))
        {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

pub fn resolve<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
    spec.pointer(reference.strip_prefix('#')?)
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// An RFC 9110 `token`: what `http::HeaderName::from_static` accepts once lower-cased.
pub(crate) fn is_header_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
