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
    /// `x-portico.user-credential`: a second credential naming the end user (Nango's user token).
    pub user_credential: Option<UserCredential>,
    /// `x-portico.envelope`: every body is wrapped as `{<status>: <ok>, <result>: …}`.
    pub envelope: Option<Envelope>,
    /// Accessors for quirky fields: `x-portico-sic` and `x-portico-number` on properties.
    pub accessors: Vec<Accessor>,
    /// `portico::QueryArrays` variant (`x-portico.query-arrays`).
    pub query_arrays: String,
    /// `x-portico.plans`: the plans per-route limits name, the default first.
    pub plans: Vec<String>,
    /// `x-portico.token-clients`: client types of their own for operations marked
    /// `x-portico-token: <key>` (TagoIO's device token reaches only its device's routes).
    pub token_clients: Vec<TokenClient>,
    /// `x-portico.regions`: region name → base URL, in the spec's order.
    pub regions: Vec<(String, String)>,
    pub error: ErrorFacts,
    pub request_id_headers: Vec<String>,
    pub rate_limits: Vec<RateLimitRule>,
    /// `ResetFormat` variant name.
    pub rate_limit_reset: String,
    pub webhooks: Option<Webhooks>,
    /// `minItems`/`maxItems` of array properties of named object schemas, which the generated
    /// builders do not check by themselves.
    pub array_rules: Vec<ArrayRule>,
    /// Named string schemas marked `x-portico-secret: true`; they become `portico::Secret`.
    pub secrets: Vec<String>,
    /// (regex, message): `x-portico-pattern-message` of schemas with a `pattern`.
    pub pattern_messages: Vec<(String, String)>,
    /// `x-portico.quick-start`: the body of the crate docs' example (a `no_run` doctest).
    pub quick_start: String,
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
pub struct UserCredential {
    /// The header, lower case.
    pub header: String,
    pub env: String,
}

#[derive(Debug)]
pub struct Envelope {
    pub status: String,
    /// The status field's value on success: a string or a boolean.
    pub ok: Value,
    pub result: String,
}

/// An accessor method on a generated type.
#[derive(Debug)]
pub struct Accessor {
    /// The component schema (the Rust type).
    pub schema: String,
    /// The property, as spelled on the wire (and by typify).
    pub property: String,
    pub required: bool,
    pub kind: AccessorKind,
}

#[derive(Debug)]
pub enum AccessorKind {
    /// `x-portico-sic: <name>`: the correctly spelled name of a misspelled array property.
    Sic { name: String, item: String },
    /// `x-portico-number: true`: a number sent as text.
    Number,
}

#[derive(Debug)]
pub struct ErrorFacts {
    pub code: Vec<String>,
    /// Paths to the message; the first one present wins.
    pub message: Vec<Vec<String>>,
    /// Provider code → `portico::ErrorKind` variant name.
    pub kinds: Vec<(String, String)>,
    /// HTTP status → `portico::ErrorKind` variant name.
    pub statuses: Vec<(u16, String)>,
}

#[derive(Debug)]
pub struct TokenClient {
    /// The key operations name in `x-portico-token`, e.g. `device`.
    pub key: String,
    /// The environment variable its `from_env` reads.
    pub env: String,
    /// What the token is, for the type's docs.
    pub description: String,
}

#[derive(Debug)]
pub struct RouteLimit {
    pub per_seconds: u32,
    pub scope: String,
    pub plans: Vec<(String, u32)>,
}

#[derive(Debug)]
pub struct RateLimitRule {
    pub requests: u32,
    pub per_seconds: u32,
    pub scope: String,
}

/// `x-portico.webhooks`: the events a provider POSTs, and how to check they came from it.
#[derive(Debug)]
pub struct Webhooks {
    pub type_field: String,
    /// The header carrying the webhook's shared secret; `None`: the provider documents none.
    pub token_header: Option<String>,
    pub events: Vec<WebhookEvent>,
}

#[derive(Debug)]
pub struct WebhookEvent {
    /// The type field's value.
    pub event_type: String,
    /// The Rust variant name.
    pub variant: String,
    /// The component schema of the whole body.
    pub schema: String,
    pub description: String,
}

#[derive(Debug)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub json_reply: bool,
    pub cursor: Option<CursorPage>,
    pub offset: Option<OffsetPage>,
    /// `x-portico-inferred: true`: not in the provider's documentation.
    pub inferred: bool,
    /// The header (lower case) of the parameter marked `x-portico-idempotency-key`.
    pub idempotency_header: Option<String>,
    /// `portico::EnvelopeMode` variant: how the reply's envelope is read.
    pub envelope: String,
    /// Whether the operation sends the end user's credential (its `security` names it).
    pub user_credential: bool,
    /// `security: []`: the operation takes no credential.
    pub anonymous: bool,
    /// Names of its array query parameters.
    pub array_query: Vec<String>,
    /// `x-portico-rate-limits`: its own limit, by plan.
    pub rate_limit: Option<RouteLimit>,
    /// `x-portico-token`: the token client that alone exposes it; `None`: the main client.
    pub token: Option<String>,
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
    pub cursor_param: String,
    pub next: CursorNext,
}

/// Where the next page's cursor comes from.
#[derive(Debug)]
pub enum CursorNext {
    /// A has-more flag on the page, and the cursor is a field of the last item (Resend).
    LastItem {
        has_more_field: String,
        has_more_required: bool,
        item_field: String,
        item_field_required: bool,
    },
    /// A field of the page holds the next cursor, absent or null on the last page (Nango).
    PageField { field: String, required: bool },
}

/// An item-count rule on an array property of a named object schema.
#[derive(Debug)]
pub struct ArrayRule {
    pub schema: String,
    /// The property's JSON name.
    pub property: String,
    pub required: bool,
    pub min: Option<u64>,
    pub max: Option<u64>,
}

/// An offset-paginated list operation (`limit`/`skip`).
#[derive(Debug)]
pub struct OffsetPage {
    pub page_type: String,
    pub item_type: String,
    pub items: ItemsAt,
    /// `limit` (offset style) or `amount` (numbered style).
    pub limit_param: String,
    /// `skip` (offset style) or `page` (numbered style).
    pub skip_param: String,
    /// Whether the parameter is an `int32` (its setter takes a 32-bit value).
    pub limit_int32: bool,
    pub skip_int32: bool,
    pub page_size: u64,
    /// `page`/`amount` from page 1 rather than `limit`/`skip` from offset 0.
    pub numbered: bool,
}

/// Where a page's items are.
#[derive(Debug)]
pub enum ItemsAt {
    /// An array property of the page object.
    Field(String),
    /// The page is the array (a newtype over `Vec`).
    Whole,
    /// The named array member of a `oneOf` page (an untagged enum variant).
    Variant(String),
}

#[derive(Debug)]
pub struct Enum {
    pub name: String,
    pub description: String,
    pub variants: Vec<Variant>,
}

#[derive(Debug)]
pub struct Variant {
    pub name: String,
    pub value: String,
    pub description: Option<String>,
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

fn error_kind(kind: &Value, at: &str) -> Result<String, String> {
    let kind = kind.as_str().unwrap_or_default();
    if !KINDS.contains(&kind) {
        return Err(format!(
            "x-portico-error {at} maps to {kind:?}, which is not one of {}",
            KINDS.join(", ")
        ));
    }
    Ok(pascal(kind))
}

fn rate_limits(portico: &Value) -> Result<Vec<RateLimitRule>, String> {
    let mut rules = Vec::new();
    let list = match portico.get("rate-limits") {
        None => return Ok(rules),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(
                "x-portico.rate-limits must be a list of {requests, per-seconds, scope}".into(),
            );
        }
    };
    for (i, rule) in list.iter().enumerate() {
        let number = |key: &str| {
            rule.get(key)
                .and_then(Value::as_u64)
                .filter(|n| *n > 0)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(format!(
                    "x-portico.rate-limits[{i}].{key} must be a whole number above 0"
                ))
        };
        rules.push(RateLimitRule {
            requests: number("requests")?,
            per_seconds: number("per-seconds")?,
            scope: rule
                .get("scope")
                .and_then(Value::as_str)
                .ok_or(format!("x-portico.rate-limits[{i}].scope must say what the limit counts against (team, api-key, ...)"))?
                .to_string(),
        });
    }
    Ok(rules)
}

fn webhooks(spec: &Value, portico: &Value) -> Result<Option<Webhooks>, String> {
    let Some(hooks) = portico.get("webhooks") else {
        return Ok(None);
    };
    let type_field = hooks
        .get("type-field")
        .and_then(Value::as_str)
        .ok_or("x-portico.webhooks.type-field must name the field that holds each event's type")?
        .to_string();
    let token_header = match hooks.get("verification") {
        Some(Value::String(none)) if none == "none" => None,
        Some(v) => Some(
            v.get("header")
                .and_then(Value::as_str)
                .ok_or("x-portico.webhooks.verification must be `none` or `{header: <name>}`")?
                .to_string(),
        ),
        None => return Err("x-portico.webhooks.verification is missing: `none` (say that the provider documents no signature) or `{header: <name>}`".into()),
    };
    let mut events = Vec::new();
    let mut used = vec!["Unknown".to_string()];
    for (event_type, schema) in hooks
        .get("events")
        .and_then(Value::as_object)
        .ok_or("x-portico.webhooks.events must map each event type to a component schema name")?
    {
        let schema = schema.as_str().ok_or(format!(
            "x-portico.webhooks.events.{event_type} must be a component schema name"
        ))?;
        let node = spec
            .pointer(&format!("/components/schemas/{schema}"))
            .ok_or(format!(
                "x-portico.webhooks.events.{event_type}: there is no #/components/schemas/{schema}"
            ))?;
        let variant = pascal(event_type);
        if variant.is_empty()
            || variant.starts_with(|c: char| c.is_ascii_digit())
            || used.contains(&variant)
        {
            return Err(format!(
                "x-portico.webhooks.events.{event_type}: its Rust name {variant:?} is empty, starts with a digit or is taken"
            ));
        }
        used.push(variant.clone());
        events.push(WebhookEvent {
            event_type: event_type.clone(),
            variant,
            schema: schema.to_string(),
            description: node
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        });
    }
    Ok(Some(Webhooks {
        type_field,
        token_header,
        events,
    }))
}

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
        kinds.push((code.clone(), error_kind(kind, &format!("kinds: {code:?}"))?));
    }
    let mut statuses = Vec::new();
    for (status, kind) in error
        .get("statuses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let code: u16 = status
            .parse()
            .ok()
            .filter(|s| (400..600).contains(s))
            .ok_or(format!(
                "x-portico-error statuses: {status:?} is not an HTTP error status (400-599)"
            ))?;
        statuses.push((code, error_kind(kind, &format!("statuses: {status:?}"))?));
    }
    let message = match error.get("message") {
        Some(Value::Array(paths)) => paths
            .iter()
            .map(|p| {
                p.as_str()
                    .map(|p| p.split('.').map(str::to_string).collect())
                    .ok_or("x-portico-error message: a list of field paths (text)".to_string())
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => vec![path("message")],
    };
    let error = ErrorFacts {
        code: path("code"),
        message,
        kinds,
        statuses,
    };

    let request_id_headers = portico
        .get("request-id-headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_ascii_lowercase)
        .collect();

    let rate_limit_reset = match portico.get("rate-limit-reset").and_then(Value::as_str) {
        None | Some("delta-seconds") => "DeltaSeconds",
        Some("unix-seconds") => "UnixSeconds",
        Some(other) => {
            return Err(format!(
                "x-portico.rate-limit-reset: {other:?} is not `delta-seconds` or `unix-seconds`"
            ));
        }
    }
    .to_string();

    let mut operations = Vec::new();
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            operations.push(operation(spec, &portico, path, item, method, op)?);
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
        let list = |key: &str| -> Result<Option<Vec<String>>, String> {
            let Some(list) = schema.get(key) else {
                return Ok(None);
            };
            let items: Option<Vec<String>> = list.as_array().map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            });
            match items {
                Some(items) if items.len() == values.len() => Ok(Some(items)),
                _ => Err(format!(
                    "#/components/schemas/{name}: `{key}` must be a list of {} strings, one per `enum` value",
                    values.len()
                )),
            }
        };
        let names = match list("x-enum-varnames")? {
            Some(names) => {
                for n in &names {
                    if !is_rust_variant(n)
                        || n == "Unknown"
                        || names.iter().filter(|m| *m == n).count() > 1
                    {
                        return Err(format!(
                            "#/components/schemas/{name}: x-enum-varnames: {n:?} is not a PascalCase Rust name, is `Unknown`, or repeats"
                        ));
                    }
                }
                names
            }
            None => variant_names(&values),
        };
        let descriptions = list("x-enum-descriptions")?;
        enums.push(Enum {
            name: name.clone(),
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            variants: names
                .into_iter()
                .zip(values)
                .enumerate()
                .map(|(i, (name, value))| Variant {
                    name,
                    value,
                    description: descriptions.as_ref().map(|d| d[i].clone()),
                })
                .collect(),
        });
    }

    let user_credential = match portico.get("user-credential") {
        None => None,
        Some(user) => {
            let name = user
                .get("scheme")
                .and_then(Value::as_str)
                .ok_or("x-portico.user-credential.scheme must name a security scheme")?;
            let scheme = spec
                .pointer(&format!("/components/securitySchemes/{name}"))
                .filter(|s| {
                    s.get("type").and_then(Value::as_str) == Some("apiKey")
                        && s.get("in").and_then(Value::as_str) == Some("header")
                })
                .ok_or(format!(
                    "x-portico.user-credential.scheme: {name:?} is not a `type: apiKey, in: header` security scheme"
                ))?;
            Some(UserCredential {
                header: scheme
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                env: user
                    .get("env")
                    .and_then(Value::as_str)
                    .ok_or(
                        "x-portico.user-credential.env: the environment variable `from_env` reads",
                    )?
                    .to_string(),
            })
        }
    };
    let envelope = match portico.get("envelope") {
        None => None,
        Some(e) => {
            let text = |key: &str| {
                e.get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or(format!("x-portico.envelope.{key}: a field name"))
            };
            let ok = e
                .get("ok")
                .filter(|v| v.is_string() || v.is_boolean())
                .cloned()
                .ok_or("x-portico.envelope.ok: the status field's value on success (text or true/false)")?;
            Some(Envelope {
                status: text("status")?,
                ok,
                result: text("result")?,
            })
        }
    };

    let query_arrays = match portico.get("query-arrays").and_then(Value::as_str) {
        None | Some("repeat") => "Repeat",
        Some("brackets") => "Brackets",
        Some(other) => {
            return Err(format!(
                "x-portico.query-arrays: {other:?} is not `repeat` or `brackets`"
            ));
        }
    }
    .to_string();
    let plans: Vec<String> = portico
        .get("plans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    for op in &operations {
        if let Some(limit) = &op.rate_limit {
            if plans.is_empty() {
                return Err(format!(
                    "operation {}: x-portico-rate-limits names plans, but the spec lists none in x-portico.plans",
                    op.id
                ));
            }
            for (plan, _) in &limit.plans {
                if !plans.contains(plan) {
                    return Err(format!(
                        "operation {}: x-portico-rate-limits plan {plan:?} is not in x-portico.plans {plans:?}",
                        op.id
                    ));
                }
            }
        }
    }

    let mut token_clients = Vec::new();
    for (key, client) in portico
        .get("token-clients")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !key.chars().all(|c| c.is_ascii_lowercase()) || key.is_empty() {
            return Err(format!(
                "x-portico.token-clients: {key:?} must be a lower-case word (it names the client type)"
            ));
        }
        let text = |field: &str| {
            client
                .get(field)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or(format!("x-portico.token-clients.{key}.{field} is missing"))
        };
        token_clients.push(TokenClient {
            key: key.clone(),
            env: text("env")?,
            description: text("description")?,
        });
    }
    if !token_clients.is_empty() {
        // The client wrappers have no `for_user` and no hand-written multipart methods yet.
        if user_credential.is_some() {
            return Err(
                "x-portico.token-clients and x-portico.user-credential cannot be combined (yet)"
                    .into(),
            );
        }
        if let Some(op) = operations.iter().find(|op| op.multipart.is_some()) {
            return Err(format!(
                "operation {}: multipart bodies are not supported with x-portico.token-clients (yet)",
                op.id
            ));
        }
    }
    for op in &operations {
        if let Some(token) = &op.token
            && !token_clients.iter().any(|t| &t.key == token)
        {
            return Err(format!(
                "operation {}: x-portico-token {token:?} is not in x-portico.token-clients",
                op.id
            ));
        }
    }

    let mut regions = Vec::new();
    for (name, url) in portico
        .get("regions")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let url = url
            .as_str()
            .filter(|u| u.starts_with("https://"))
            .ok_or(format!("x-portico.regions.{name}: an https base URL"))?;
        regions.push((name.clone(), url.trim_end_matches('/').to_string()));
    }

    Ok(Facts {
        regions,
        token_clients,
        query_arrays,
        plans,
        user_credential,
        envelope,
        accessors: accessors(spec)?,
        provider: s("/x-portico/provider"),
        title: s("/info/title"),
        description: s("/info/description"),
        env: s("/x-portico/env"),
        base_url: s("/servers/0/url").trim_end_matches('/').to_string(),
        auth,
        error,
        request_id_headers,
        rate_limits: rate_limits(&portico)?,
        rate_limit_reset,
        webhooks: webhooks(spec, &portico)?,
        quick_start: s("/x-portico/quick-start"),
        pattern_messages: pattern_messages(spec)?,
        secrets: secrets(spec)?,
        array_rules: array_rules(spec),
        operations,
        enums,
    })
}

fn operation(
    spec: &Value,
    portico: &Value,
    path: &str,
    item: &Value,
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
    let (mut cursor, mut offset) = (None, None);
    match op.get("x-portico-pagination").and_then(Value::as_str) {
        None => {}
        Some("cursor") => {
            cursor = Some(
                cursor_page(spec, portico, schema).map_err(|e| format!("operation {id}: {e}"))?,
            )
        }
        Some(style @ ("offset" | "page")) => {
            offset = Some(
                offset_page(spec, portico, op, schema, style)
                    .map_err(|e| format!("operation {id}: {e}"))?,
            )
        }
        Some(other) => {
            return Err(format!(
                "operation {id}: unknown x-portico-pagination style {other:?} (cursor, offset or page)"
            ));
        }
    }
    let envelope = match op.get("x-portico-envelope").and_then(Value::as_str) {
            None | Some("unwrap") => "Unwrap",
            Some("whole") => "Whole",
            Some("optional") => "Optional",
            Some(other) => {
                return Err(format!(
                    "operation {id}: x-portico-envelope {other:?} is not `unwrap`, `whole` or `optional`"
                ));
            }
        }
        .to_string();
    let user_credential = {
        let user = portico
            .pointer("/user-credential/scheme")
            .and_then(Value::as_str);
        let security = op.get("security").or_else(|| spec.get("security"));
        user.is_some_and(|user| {
            security
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|requirement| requirement.get(user).is_some())
        })
    };
    let array_query = [item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| deref(spec, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .filter(|p| {
            deref(spec, p.get("schema").unwrap_or(&Value::Null))
                .get("type")
                .and_then(Value::as_str)
                == Some("array")
        })
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    let rate_limit = match op.get("x-portico-rate-limits") {
        None => None,
        Some(limit) => {
            let bad = || {
                format!(
                    "operation {id}: x-portico-rate-limits must be {{per-seconds: N, scope: text, plans: {{<plan>: N, …}}}}"
                )
            };
            let per_seconds = limit
                .get("per-seconds")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
                .ok_or_else(bad)?;
            let scope = limit.get("scope").and_then(Value::as_str).ok_or_else(bad)?;
            let mut plans = Vec::new();
            for (plan, n) in limit
                .get("plans")
                .and_then(Value::as_object)
                .ok_or_else(bad)?
            {
                let n = n
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| *n > 0)
                    .ok_or_else(bad)?;
                plans.push((plan.clone(), n));
            }
            Some(RouteLimit {
                per_seconds,
                scope: scope.to_string(),
                plans,
            })
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
        offset,
        inferred: op.get("x-portico-inferred") == Some(&Value::Bool(true)),
        envelope,
        user_credential,
        anonymous: op
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|requirements| requirements.is_empty()),
        array_query,
        rate_limit,
        token: op
            .get("x-portico-token")
            .and_then(Value::as_str)
            .map(str::to_string),
        idempotency_header: [item.get("parameters"), op.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .map(|p| deref(spec, p))
            .find(|p| p.get("x-portico-idempotency-key") == Some(&Value::Bool(true)))
            .and_then(|p| p.get("name").and_then(Value::as_str))
            .map(str::to_ascii_lowercase),
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
    let (items_field, cursor_param) = (field("items")?, field("param")?);
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
    let next = match style.get("next").and_then(Value::as_str) {
        Some(next) => {
            let property = page.pointer(&format!("/properties/{next}")).ok_or(format!(
                "the page schema {page_type} has no property {next:?}"
            ))?;
            let nullable = property.get("nullable") == Some(&Value::Bool(true));
            CursorNext::PageField {
                required: required(page, next) && !nullable,
                field: next.to_string(),
            }
        }
        None => {
            let (has_more_field, item_field) = (field("has-more")?, field("item-field")?);
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
            CursorNext::LastItem {
                has_more_required: required(page, &has_more_field),
                item_field_required: required(item, &item_field),
                has_more_field,
                item_field,
            }
        }
    };
    Ok(CursorPage {
        page_type,
        item_type,
        items_field,
        cursor_param,
        next,
    })
}

/// `x-portico-sic` and `x-portico-number` on the properties of named object schemas.
fn accessors(spec: &Value) -> Result<Vec<Accessor>, String> {
    let mut out = Vec::new();
    for (schema, node) in spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let required = |name: &str| {
            node.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v == name))
        };
        for (property, prop) in node
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let at = format!("#/components/schemas/{schema}/properties/{property}");
            if let Some(name) = prop.get("x-portico-sic") {
                let name = name
                    .as_str()
                    .filter(|n| is_rust_field(n) && *n != property)
                    .ok_or(format!(
                        "{at}: x-portico-sic must be the correct spelling, a snake_case name"
                    ))?;
                let item = prop
                    .get("items")
                    .filter(|_| prop.get("type").and_then(Value::as_str) == Some("array"))
                    .and_then(|items| schema_name(Some(items)))
                    .ok_or(format!(
                        "{at}: x-portico-sic is for array properties of a named schema (`items: {{$ref: …}}`)"
                    ))?;
                out.push(Accessor {
                    schema: schema.clone(),
                    property: property.clone(),
                    required: required(property),
                    kind: AccessorKind::Sic {
                        name: name.to_string(),
                        item,
                    },
                });
            }
            if let Some(flag) = prop.get("x-portico-number") {
                if flag != &Value::Bool(true)
                    || prop.get("type").and_then(Value::as_str) != Some("string")
                {
                    return Err(format!(
                        "{at}: x-portico-number: true marks a `type: string` property that carries a number"
                    ));
                }
                out.push(Accessor {
                    schema: schema.clone(),
                    property: property.clone(),
                    required: required(property),
                    kind: AccessorKind::Number,
                });
            }
        }
    }
    Ok(out)
}

fn is_rust_field(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn offset_page(
    spec: &Value,
    portico: &Value,
    op: &Value,
    schema: Option<&Value>,
    style_name: &str,
) -> Result<OffsetPage, String> {
    let style = portico
        .pointer(&format!("/pagination/{style_name}"))
        .ok_or(format!("x-portico-pagination: {style_name}, but the spec has no x-portico.pagination.{style_name}"))?;
    let field = |key: &str| {
        style
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or(format!(
                "x-portico.pagination.{style_name}.{key} is missing"
            ))
    };
    let (limit_param, skip_param) = match style_name {
        "page" => (field("amount")?, field("page")?),
        _ => (field("limit")?, field("skip")?),
    };
    let page_size = style
        .get("page-size")
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
        .ok_or(format!(
            "x-portico.pagination.{style_name}.page-size must be a whole number above 0"
        ))?;
    let mut int32 = Vec::new();
    for param in [&limit_param, &skip_param] {
        let found = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| deref(spec, p))
            .find(|p| {
                p.get("in").and_then(Value::as_str) == Some("query")
                    && p.get("name").and_then(Value::as_str) == Some(param)
            })
            .ok_or(format!(
                "{style_name} pagination needs the query parameter {param:?}"
            ))?;
        let format = deref(spec, found.get("schema").unwrap_or(&Value::Null))
            .get("format")
            .and_then(Value::as_str);
        int32.push(format == Some("int32"));
    }
    let page_type =
        schema_name(schema).ok_or("the success reply must be a `$ref` to a named schema")?;
    let page = deref(spec, schema.expect("named"));
    let (items, item_schema) = page_items(spec, page, &page_type)?;
    let item_type = schema_name(Some(item_schema)).ok_or(format!(
        "the items of {page_type} must be a `$ref` to a named schema"
    ))?;
    Ok(OffsetPage {
        page_type,
        item_type,
        items,
        limit_param,
        skip_param,
        limit_int32: int32[0],
        skip_int32: int32[1],
        page_size,
        numbered: style_name == "page",
    })
}

/// Where a page's items are: its one array property, the page itself (an array schema), or the
/// array member of a `oneOf`.
fn page_items<'a>(
    spec: &'a Value,
    page: &'a Value,
    page_type: &str,
) -> Result<(ItemsAt, &'a Value), String> {
    let is_array = |node: &Value| node.get("type").and_then(Value::as_str) == Some("array");
    if is_array(page) {
        let items = page
            .get("items")
            .ok_or(format!("{page_type} has no `items`"))?;
        return Ok((ItemsAt::Whole, items));
    }
    if let Some(members) = page.get("oneOf").and_then(Value::as_array) {
        let arrays: Vec<&Value> = members
            .iter()
            .filter(|m| is_array(deref(spec, m)))
            .collect();
        let [member] = arrays[..] else {
            return Err(format!(
                "the page schema {page_type} is a oneOf; exactly one member must be an array (the items)"
            ));
        };
        let variant = schema_name(Some(member)).ok_or(format!(
            "{page_type}: the array member of the oneOf must be a `$ref` to a named array schema"
        ))?;
        let items = deref(spec, member)
            .get("items")
            .ok_or(format!("{variant} has no `items`"))?;
        return Ok((ItemsAt::Variant(variant), items));
    }
    let arrays: Vec<(&String, &Value)> = page
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, p)| {
            let p = deref(spec, p);
            is_array(p)
                .then(|| p.get("items").map(|items| (name, items)))
                .flatten()
        })
        .collect();
    let [(items_field, items)] = arrays[..] else {
        return Err(format!(
            "the page schema {page_type} must have exactly one array property (the page's items); it has {}",
            arrays.len()
        ));
    };
    Ok((ItemsAt::Field(items_field.clone()), items))
}

fn array_rules(spec: &Value) -> Vec<ArrayRule> {
    let mut rules = Vec::new();
    for (name, schema) in spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let required = schema.get("required").and_then(Value::as_array);
        for (property, node) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let node = deref(spec, node);
            if node.get("type").and_then(Value::as_str) != Some("array") {
                continue;
            }
            let (min, max) = (
                node.get("minItems")
                    .and_then(Value::as_u64)
                    .filter(|n| *n > 0),
                node.get("maxItems").and_then(Value::as_u64),
            );
            if min.is_none() && max.is_none() {
                continue;
            }
            rules.push(ArrayRule {
                schema: name.clone(),
                property: property.clone(),
                required: required.is_some_and(|r| r.iter().any(|v| v == property.as_str())),
                min,
                max,
            });
        }
    }
    rules
}

fn secrets(spec: &Value) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (name, schema) in spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if schema.get("x-portico-secret") != Some(&Value::Bool(true)) {
            continue;
        }
        if schema.get("type").and_then(Value::as_str) != Some("string")
            || schema.get("enum").is_some()
        {
            return Err(format!(
                "#/components/schemas/{name}: `x-portico-secret` marks a plain `type: string` schema (no enum)"
            ));
        }
        out.push(name.clone());
    }
    Ok(out)
}

/// Every schema's `x-portico-pattern-message`: what a value that misses its `pattern` is told,
/// in place of the generator's "doesn't match pattern <regex>".
fn pattern_messages(spec: &Value) -> Result<Vec<(String, String)>, String> {
    fn walk(node: &Value, at: &str, out: &mut Vec<(String, String)>) -> Result<(), String> {
        match node {
            Value::Object(map) => {
                if let Some(message) = map.get("x-portico-pattern-message") {
                    let (Some(pattern), Some(message)) =
                        (map.get("pattern").and_then(Value::as_str), message.as_str())
                    else {
                        return Err(format!(
                            "{at}: `x-portico-pattern-message` needs a `pattern` next to it and must be text"
                        ));
                    };
                    match out.iter().find(|(p, _)| p == pattern) {
                        Some((_, other)) if other != message => {
                            return Err(format!(
                                "{at}: pattern {pattern:?} already has another x-portico-pattern-message ({other:?}); one pattern, one message"
                            ));
                        }
                        Some(_) => {}
                        None => out.push((pattern.to_string(), message.to_string())),
                    }
                }
                for (key, value) in map {
                    walk(value, &format!("{at}/{key}"), out)?;
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{i}"), out)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(spec, "#", &mut out)?;
    Ok(out)
}

fn is_rust_variant(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
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
/// error type, so that every generated method's error is `Error<portico::WireError>`: the
/// runtime (`portico::transport::call`) returns every failure that way, its status readable.
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
                if op.get("x-portico-inferred") == Some(&Value::Bool(true)) {
                    let title = spec
                        .pointer("/info/title")
                        .and_then(Value::as_str)
                        .unwrap_or("the provider");
                    let note = format!(
                        "**Inferred:** this operation is not in {title}'s published documentation; Portico infers it, so it may be missing or behave differently."
                    );
                    let text = match op.get("description").and_then(Value::as_str) {
                        Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
                        _ => note,
                    };
                    op["description"] = Value::String(text);
                }
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
fn variant_names(values: &[String]) -> Vec<String> {
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
            name
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
