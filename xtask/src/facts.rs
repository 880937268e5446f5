//! What the xtask reads out of a (linted) spec, and the spec as progenitor should see it.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::lint::{self, METHODS, deref};

/// The schema every error response is pointed at; replaced by `portico::WireError`.
pub const WIRE_ERROR_SCHEMA: &str = "PorticoWireError";

#[derive(Debug)]
pub struct Facts {
    pub provider: String,
    pub title: String,
    pub description: String,
    pub env: String,
    pub base_url: String,
    pub auth: Auth,
    pub error: ErrorFacts,
    pub request_id_headers: Vec<String>,
    /// Sorted by id.
    pub operations: Vec<Operation>,
    /// Named string enums, sorted by name.
    pub enums: Vec<Enum>,
}

#[derive(Debug)]
pub enum Auth {
    Bearer,
    Header(String),
}

#[derive(Debug)]
pub struct ErrorFacts {
    pub code: Vec<String>,
    pub message: Vec<String>,
    /// Provider code → `portico::ErrorKind` variant name.
    pub kinds: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub json_reply: bool,
    pub cursor: Option<CursorPage>,
    /// Set for `multipart/form-data` bodies, which progenitor cannot generate.
    pub multipart: Option<Multipart>,
}

/// A multipart operation: the xtask writes its method itself.
#[derive(Debug)]
pub struct Multipart {
    pub description: String,
    /// (name, required, description)
    pub fields: Vec<(String, bool, String)>,
    pub path_params: Vec<String>,
    pub reply_type: Option<String>,
}

/// A cursor-paginated list operation, with the names the stream code needs.
#[derive(Debug)]
pub struct CursorPage {
    pub page_type: String,
    pub item_type: String,
    pub items_field: String,
    pub items_required: bool,
    pub has_more_field: String,
    pub has_more_required: bool,
    pub cursor_param: String,
    pub item_field: String,
    pub item_field_required: bool,
}

#[derive(Debug)]
pub struct Enum {
    pub name: String,
    pub description: String,
    /// (Rust variant, wire value)
    pub variants: Vec<(String, String)>,
}

const KINDS: [&str; 12] = [
    "invalid_argument",
    "auth",
    "permission",
    "not_found",
    "invalid_request",
    "conflict",
    "rate_limited",
    "quota_exceeded",
    "server",
    "timeout",
    "connection",
    "decode",
];

pub fn collect(spec: &Value) -> Result<Facts, String> {
    let s = |pointer: &str| {
        spec.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let portico = spec.get("x-portico").cloned().unwrap_or(Value::Null);

    let (_, scheme) = lint::auth_scheme(spec)?;
    let auth = match scheme.get("type").and_then(Value::as_str) {
        Some("http") => Auth::Bearer,
        _ => Auth::Header(
            scheme
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase(),
        ),
    };

    let (_, error) = lint::error_schema(spec)?;
    let path = |key: &str| -> Vec<String> {
        error
            .get(key)
            .and_then(Value::as_str)
            .map(|p| p.split('.').map(str::to_string).collect())
            .unwrap_or_default()
    };
    let mut kinds = Vec::new();
    for (code, kind) in error
        .get("kinds")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let kind = kind.as_str().unwrap_or_default();
        if !KINDS.contains(&kind) {
            return Err(format!(
                "x-portico-error kinds: {code:?} maps to {kind:?}, which is not one of {}",
                KINDS.join(", ")
            ));
        }
        kinds.push((code.clone(), pascal(kind)));
    }
    let error = ErrorFacts {
        code: path("code"),
        message: path("message"),
        kinds,
    };

    let request_id_headers = portico
        .get("request-id-headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_ascii_lowercase)
        .collect();

    let mut operations = Vec::new();
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            operations.push(operation(spec, &portico, path, method, op)?);
        }
    }
    operations.sort_by(|a, b| a.id.cmp(&b.id));

    let mut enums = Vec::new();
    for (name, schema) in spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(values) = schema.get("enum").and_then(Value::as_array) else {
            continue;
        };
        if schema.get("type").and_then(Value::as_str) != Some("string") {
            continue;
        }
        let values: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        enums.push(Enum {
            name: name.clone(),
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            variants: variant_names(&values),
        });
    }

    Ok(Facts {
        provider: s("/x-portico/provider"),
        title: s("/info/title"),
        description: s("/info/description"),
        env: s("/x-portico/env"),
        base_url: s("/servers/0/url").trim_end_matches('/').to_string(),
        auth,
        error,
        request_id_headers,
        operations,
        enums,
    })
}

fn operation(
    spec: &Value,
    portico: &Value,
    path: &str,
    method: &str,
    op: &Value,
) -> Result<Operation, String> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let success = success_response(spec, op);
    let schema = success.and_then(|r| r.pointer("/content/application~1json/schema"));
    let cursor = match op.get("x-portico-pagination").and_then(Value::as_str) {
        None => None,
        Some("cursor") => {
            Some(cursor_page(spec, portico, schema).map_err(|e| format!("operation {id}: {e}"))?)
        }
        Some(other) => {
            return Err(format!(
                "operation {id}: unknown x-portico-pagination style {other:?}"
            ));
        }
    };
    let multipart = op
        .pointer("/requestBody/content/multipart~1form-data/schema")
        .map(|schema| multipart(spec, op, schema, success));
    Ok(Operation {
        multipart,
        summary: op
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        id,
        method: method.to_uppercase(),
        path: path.to_string(),
        json_reply: schema.is_some(),
        cursor,
    })
}

fn multipart(spec: &Value, op: &Value, schema: &Value, success: Option<&Value>) -> Multipart {
    let form = deref(spec, schema);
    let required = form
        .get("required")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let fields = form
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, p)| {
            let description = p
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            (
                name.clone(),
                required.iter().any(|r| r == name),
                description,
            )
        })
        .collect();
    let path_params = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| deref(spec, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    let text = |key: &str| {
        op.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Multipart {
        description: [text("summary"), text("description")]
            .join("\n\n")
            .trim()
            .to_string(),
        fields,
        path_params,
        reply_type: schema_name(
            success.and_then(|r| r.pointer("/content/application~1json/schema")),
        ),
    }
}

fn cursor_page(
    spec: &Value,
    portico: &Value,
    schema: Option<&Value>,
) -> Result<CursorPage, String> {
    let style = portico
        .pointer("/pagination/cursor")
        .ok_or("x-portico-pagination: cursor, but the spec has no x-portico.pagination.cursor")?;
    let field = |key: &str| {
        style
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or(format!("x-portico.pagination.cursor.{key} is missing"))
    };
    let (items_field, has_more_field, cursor_param, item_field) = (
        field("items")?,
        field("has-more")?,
        field("param")?,
        field("item-field")?,
    );
    let page_type =
        schema_name(schema).ok_or("the success reply must be a `$ref` to a named schema")?;
    let page = deref(spec, schema.expect("named"));
    let required = |node: &Value, name: &str| {
        node.get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|v| v == name))
    };
    let items = page
        .pointer(&format!("/properties/{items_field}/items"))
        .ok_or(format!(
            "the page schema {page_type} has no array property {items_field:?}"
        ))?;
    let item_type = schema_name(Some(items)).ok_or(format!(
        "{page_type}.{items_field} items must be a `$ref` to a named schema"
    ))?;
    let item = deref(spec, items);
    if page
        .pointer(&format!("/properties/{has_more_field}"))
        .is_none()
    {
        return Err(format!(
            "the page schema {page_type} has no property {has_more_field:?}"
        ));
    }
    if item.pointer(&format!("/properties/{item_field}")).is_none() {
        return Err(format!(
            "the item schema {item_type} has no property {item_field:?}"
        ));
    }
    Ok(CursorPage {
        items_required: required(page, &items_field),
        has_more_required: required(page, &has_more_field),
        item_field_required: required(item, &item_field),
        page_type,
        item_type,
        items_field,
        has_more_field,
        cursor_param,
        item_field,
    })
}

fn schema_name(schema: Option<&Value>) -> Option<String> {
    schema?
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
        .map(str::to_string)
}

/// The operation's success response, references followed.
pub fn success_response<'a>(spec: &'a Value, op: &'a Value) -> Option<&'a Value> {
    op.get("responses")?
        .as_object()?
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .map(|(_, r)| deref(spec, r))
}

/// The spec as progenitor sees it: one `2XX` success, and `4XX`/`5XX` pointing at the runtime's
/// error type. The runtime's exec hook hands every failure to the generated code as a 4xx or 5xx
/// with a `portico::WireError` body, so every reply status stays readable.
pub fn progenitor_input(spec: &Value) -> Value {
    let mut input = spec.clone();
    let wire_error = json!({
        "description": "Any failure, as classified by the Portico runtime.",
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{WIRE_ERROR_SCHEMA}") } } }
    });
    if let Some(paths) = input.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                // Multipart operations are written by the xtask, not progenitor.
                if item
                    .pointer(&format!(
                        "/{method}/requestBody/content/multipart~1form-data"
                    ))
                    .is_some()
                {
                    item.as_object_mut().expect("path item").remove(method);
                    continue;
                }
                let Some(op) = item.get_mut(method) else {
                    continue;
                };
                let success = success_response(spec, &op.clone())
                    .cloned()
                    .unwrap_or(Value::Null);
                let mut reply = Map::new();
                reply.insert(
                    "description".into(),
                    success
                        .get("description")
                        .cloned()
                        .unwrap_or(json!("Success.")),
                );
                if let Some(content) = success.get("content") {
                    reply.insert("content".into(), content.clone());
                }
                let responses: BTreeMap<&str, Value> = [
                    ("2XX", Value::Object(reply)),
                    ("4XX", wire_error.clone()),
                    ("5XX", wire_error.clone()),
                ]
                .into();
                op["responses"] = serde_json::to_value(responses).expect("plain JSON");
            }
        }
    }
    if let Some(schemas) = input
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.insert(WIRE_ERROR_SCHEMA.into(), json!({ "type": "object" }));
    }
    input
}

/// Rust variant names for enum values: `delivery_delayed` → `DeliveryDelayed`, `us-east-1` →
/// `UsEast1`, `1010` → `V1010`; clashes get a numeric suffix. `Unknown` is reserved.
fn variant_names(values: &[String]) -> Vec<(String, String)> {
    let mut used: Vec<String> = vec!["Unknown".into()];
    values
        .iter()
        .map(|value| {
            let mut name = pascal(value);
            if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                name = format!("V{name}");
            }
            let base = name.clone();
            let mut n = 2;
            while used.contains(&name) {
                name = format!("{base}{n}");
                n += 1;
            }
            used.push(name.clone());
            (name, value.clone())
        })
        .collect()
}

pub fn pascal(text: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    let mut prev_lower = false;
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() {
            upper = true;
            prev_lower = false;
            continue;
        }
        if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else if c.is_ascii_uppercase() && !prev_lower {
            // Keep acronyms readable: `DKIM` → `Dkim`, `TrackingCAA` → `TrackingCaa`.
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    out
}
