//! A spec read for serving: its operations (route, credentials, parameters, body, success
//! reply) and the provider facts of `x-portico` the mock needs (envelope, rate limits, and the
//! `mock` block: what a well-formed credential looks like, the headers and the error replies).

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

/// A spec that cannot be served: the file, where in it, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec's file name (`resend.yaml`) or the name it was given.
    pub file: String,
    /// What is wrong, naming the operation or the `x-portico.mock` key.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for SpecError {}

/// Everything the mock serves for one provider.
#[derive(Debug)]
pub(crate) struct Api {
    /// `x-portico.provider`.
    pub provider: String,
    /// The whole document, for `$ref`s.
    pub root: Value,
    pub operations: Vec<Operation>,
    pub envelope: Option<Envelope>,
    /// `x-portico.query-arrays: brackets`: arrays travel as `name[]=a&name[]=b`.
    pub brackets: bool,
    /// The provider-wide windows of `x-portico.rate-limits`.
    pub limits: Vec<Window>,
    /// The first of `x-portico.plans`, whose per-route limits apply unless told otherwise.
    pub plans: Vec<String>,
    pub mock: MockFacts,
}

/// How the provider wraps bodies (`x-portico.envelope`).
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub status: String,
    pub ok: Value,
    pub result: String,
}

/// One rate-limit window: so many requests per so long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub requests: u32,
    pub per: Duration,
}

/// One operation, as routed and checked.
#[derive(Debug)]
pub(crate) struct Operation {
    pub id: String,
    pub method: String,
    /// The path template split at `/`: a literal, or `None` for a `{parameter}`.
    pub segments: Vec<Segment>,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// Alternatives, each a list of schemes that must all be present; empty: no credential.
    pub security: Vec<Vec<Scheme>>,
    pub success: u16,
    /// The success reply's body as the spec shows it (its example, or one built from its
    /// schema), before any envelope.
    pub reply: Value,
    /// `x-portico-envelope`: whether the reply above is the whole body already.
    pub whole: bool,
    /// Per-route windows by plan (`x-portico-rate-limits`).
    pub route_limits: Vec<(String, Window)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    Param(String),
}

#[derive(Debug)]
pub(crate) struct Param {
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub schema: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
    Header,
}

#[derive(Debug)]
pub(crate) struct Body {
    pub required: bool,
    /// Media types and their schemas (`application/json`, `multipart/form-data`).
    pub media: Vec<(String, Value)>,
}

/// A credential a request must carry.
#[derive(Debug, Clone)]
pub(crate) struct Scheme {
    /// The header it travels in.
    pub header: String,
    /// `Authorization: Bearer <token>` rather than the bare value.
    pub bearer: bool,
}

/// `x-portico.mock`.
#[derive(Debug)]
pub(crate) struct MockFacts {
    /// What a well-formed credential looks like; any other is answered as invalid.
    pub credential: Option<regress::Regex>,
    /// Headers on every reply; values are templates (see [`Reply`]).
    pub headers: Vec<(String, String)>,
    pub missing_credential: Reply,
    pub invalid_credential: Reply,
    pub invalid_request: Reply,
    /// A missing required field, where the provider answers it apart (Resend's 422).
    pub missing_field: Option<Reply>,
    pub not_found: Reply,
    pub rate_limited: Reply,
}

/// An error reply of the provider's: a status, headers and a body whose strings may hold
/// `{message}`, `{request_id}`, `{limit}`, `{remaining}`, `{reset}`, `{reset_unix}` and
/// `{retry_after}`, filled in when it is sent.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// `None`: an empty body.
    pub body: Option<Value>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

impl Api {
    /// Reads a spec's YAML text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Api, SpecError> {
        let fail = |message: String| SpecError {
            file: file.to_string(),
            message,
        };
        let root: Value = serde_yaml::from_str(text).map_err(|e| fail(format!("not YAML: {e}")))?;
        let portico = root.get("x-portico").cloned().unwrap_or(Value::Null);
        let provider = portico
            .get("provider")
            .and_then(Value::as_str)
            .ok_or_else(|| fail("x-portico.provider: missing".into()))?
            .to_string();
        let mock =
            mock_facts(portico.get("mock")).map_err(|e| fail(format!("x-portico.mock{e}")))?;
        let envelope = portico.get("envelope").map(|e| Envelope {
            status: text_at(e, "status").unwrap_or("status").to_string(),
            ok: e.get("ok").cloned().unwrap_or(Value::Bool(true)),
            result: text_at(e, "result").unwrap_or("result").to_string(),
        });
        let limits = portico
            .get("rate-limits")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|rule| {
                Some(Window {
                    requests: u32::try_from(rule.get("requests")?.as_u64()?).ok()?,
                    per: Duration::from_secs(rule.get("per-seconds")?.as_u64()?),
                })
            })
            .collect();
        let plans = portico
            .get("plans")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();

        let default_security = root.get("security").cloned().unwrap_or(Value::Null);
        let mut operations = Vec::new();
        for (path, item) in root
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| fail("no paths".into()))?
        {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let operation = operation(&root, path, item, method, op, &default_security)
                    .map_err(|e| {
                        let id = text_at(op, "operationId").unwrap_or("?");
                        fail(format!(
                            "operation {id} ({} {path}): {e}",
                            method.to_uppercase()
                        ))
                    })?;
                operations.push(operation);
            }
        }
        Ok(Api {
            provider,
            brackets: text_at(&portico, "query-arrays") == Some("brackets"),
            operations,
            envelope,
            limits,
            plans,
            mock,
            root,
        })
    }

    /// The operation whose method and path template match, preferring literal segments over
    /// parameters (`/device/token/{id}` before `/device/{id}/…`).
    pub fn route(&self, method: &str, path: &str) -> Route<'_> {
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
        let mut route = Route::Unknown;
        let mut best = 0;
        for op in &self.operations {
            let Some(bound) = bind(&op.segments, &parts) else {
                continue;
            };
            if !op.method.eq_ignore_ascii_case(method) {
                if matches!(route, Route::Unknown) {
                    route = Route::WrongMethod;
                }
                continue;
            }
            let literals = op
                .segments
                .iter()
                .filter(|s| matches!(s, Segment::Literal(_)))
                .count();
            if !matches!(route, Route::Found(..)) || literals > best {
                route = Route::Found(op, bound);
                best = literals;
            }
        }
        route
    }
}

/// Where a request goes.
#[derive(Debug)]
pub(crate) enum Route<'a> {
    /// This operation, with the path parameters' values.
    Found(&'a Operation, Vec<(String, String)>),
    /// The path exists, under other methods.
    WrongMethod,
    Unknown,
}

/// Binds path parameters, or `None` when the path does not fit the template.
fn bind(segments: &[Segment], parts: &[&str]) -> Option<Vec<(String, String)>> {
    if segments.len() != parts.len() {
        return None;
    }
    let mut bound = Vec::new();
    for (segment, part) in segments.iter().zip(parts) {
        match segment {
            Segment::Literal(text) if text == part => {}
            Segment::Literal(_) => return None,
            Segment::Param(_) if part.is_empty() => return None,
            Segment::Param(name) => bound.push((name.clone(), decode(part))),
        }
    }
    Some(bound)
}

/// Percent-decodes a path segment.
fn decode(part: &str) -> String {
    form_urlencoded::parse(format!("x={}", part.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn text_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn operation(
    root: &Value,
    path: &str,
    item: &Value,
    method: &str,
    op: &Value,
    default_security: &Value,
) -> Result<Operation, String> {
    let id = text_at(op, "operationId")
        .ok_or("no operationId")?
        .to_string();
    let segments = path
        .trim_end_matches('/')
        .split('/')
        .skip(1)
        .map(
            |part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(part.to_string()),
            },
        )
        .collect();

    let mut params = Vec::new();
    let declared = item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    for param in declared {
        let param = crate::schema::resolve(root, param);
        let name = text_at(param, "name").ok_or("a parameter without a name")?;
        let location = match text_at(param, "in") {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            other => {
                return Err(format!(
                    "parameter {name:?}: location {other:?} is not served"
                ));
            }
        };
        params.retain(|p: &Param| !(p.name == name && p.location == location));
        params.push(Param {
            name: name.to_string(),
            location,
            required: param.get("required").and_then(Value::as_bool) == Some(true),
            schema: param.get("schema").cloned().unwrap_or(Value::Null),
        });
    }

    let body = match op.get("requestBody") {
        None => None,
        Some(body) => {
            let body = crate::schema::resolve(root, body);
            let media = body
                .get("content")
                .and_then(Value::as_object)
                .ok_or("requestBody without content")?
                .iter()
                .map(|(media, content)| {
                    (
                        media.clone(),
                        content.get("schema").cloned().unwrap_or(Value::Null),
                    )
                })
                .collect();
            Some(Body {
                required: body.get("required").and_then(Value::as_bool) == Some(true),
                media,
            })
        }
    };

    let schemes = root
        .pointer("/components/securitySchemes")
        .cloned()
        .unwrap_or(Value::Null);
    let requirements = op.get("security").unwrap_or(default_security);
    let mut security = Vec::new();
    for requirement in requirements.as_array().into_iter().flatten() {
        let mut all = Vec::new();
        for name in requirement
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| name)
        {
            let scheme = schemes.get(name).ok_or(format!(
                "security scheme {name:?} is not in components.securitySchemes"
            ))?;
            all.push(match (text_at(scheme, "type"), text_at(scheme, "scheme")) {
                (Some("http"), Some("bearer")) => Scheme {
                    header: "authorization".into(),
                    bearer: true,
                },
                (Some("apiKey"), _) if text_at(scheme, "in") == Some("header") => Scheme {
                    header: text_at(scheme, "name")
                        .ok_or(format!("security scheme {name:?} has no header name"))?
                        .to_ascii_lowercase(),
                    bearer: false,
                },
                _ => {
                    return Err(format!(
                        "security scheme {name:?} is neither a bearer token nor a header"
                    ));
                }
            });
        }
        // `{}` in the list means the credential is optional: served as "none needed".
        if all.is_empty() {
            security.clear();
            break;
        }
        security.push(all);
    }

    let (success, response) = op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find_map(|(status, response)| {
            let status = status
                .parse::<u16>()
                .ok()
                .filter(|s| (200..300).contains(s))?;
            Some((status, crate::schema::resolve(root, response)))
        })
        .ok_or("no 2xx response")?;
    let reply = match response.pointer("/content/application~1json") {
        None => Value::Null,
        Some(content) => match content.get("example") {
            Some(example) => example.clone(),
            None => crate::schema::sample(root, content.get("schema").unwrap_or(&Value::Null)),
        },
    };

    let mut route_limits = Vec::new();
    if let Some(rule) = op.get("x-portico-rate-limits") {
        let per = rule
            .get("per-seconds")
            .and_then(Value::as_u64)
            .ok_or("x-portico-rate-limits without per-seconds")?;
        for (plan, requests) in rule
            .get("plans")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let requests = requests
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(format!(
                    "x-portico-rate-limits.plans.{plan}: a whole number"
                ))?;
            route_limits.push((
                plan.clone(),
                Window {
                    requests,
                    per: Duration::from_secs(per),
                },
            ));
        }
    }

    Ok(Operation {
        id,
        method: method.to_uppercase(),
        segments,
        params,
        body,
        security,
        success,
        reply,
        whole: text_at(op, "x-portico-envelope") == Some("whole"),
        route_limits,
    })
}

/// Reads `x-portico.mock`; an error is the key's path below it and what is wrong.
fn mock_facts(mock: Option<&Value>) -> Result<MockFacts, String> {
    let mock = mock.ok_or(": missing (the mock needs the provider's error replies)")?;
    let credential = match mock.get("credential") {
        None => None,
        Some(Value::String(pattern)) => Some(
            regress::Regex::new(pattern).map_err(|e| format!(".credential: not a pattern: {e}"))?,
        ),
        Some(_) => return Err(".credential: a pattern".into()),
    };
    let common = headers(mock.get("headers")).map_err(|e| format!(".headers{e}"))?;
    let errors = mock
        .get("errors")
        .and_then(Value::as_object)
        .ok_or(".errors: missing")?;
    let reply = |key: &str| -> Result<Option<Reply>, String> {
        let Some(entry) = errors.get(key) else {
            return Ok(None);
        };
        let status = entry
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| (400..600).contains(s))
            .ok_or(format!(".errors.{key}.status: an HTTP error status"))?;
        Ok(Some(Reply {
            status,
            headers: headers(entry.get("headers"))
                .map_err(|e| format!(".errors.{key}.headers{e}"))?,
            body: entry.get("body").cloned(),
        }))
    };
    let required = |key: &str| reply(key)?.ok_or(format!(".errors.{key}: missing"));
    let known = [
        "missing-credential",
        "invalid-credential",
        "invalid-request",
        "missing-field",
        "not-found",
        "rate-limited",
    ];
    if let Some(unknown) = errors.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!(
            ".errors.{unknown}: not one of {}",
            known.join(", ")
        ));
    }
    Ok(MockFacts {
        credential,
        headers: common,
        missing_credential: required("missing-credential")?,
        invalid_credential: required("invalid-credential")?,
        invalid_request: required("invalid-request")?,
        missing_field: reply("missing-field")?,
        not_found: required("not-found")?,
        rate_limited: required("rate-limited")?,
    })
}

fn headers(value: Option<&Value>) -> Result<Vec<(String, String)>, String> {
    let mut list = Vec::new();
    for (name, value) in value
        .map(|v| v.as_object().ok_or(": a map of header names to values"))
        .transpose()?
        .unwrap_or(&Map::new())
    {
        let value = match value {
            Value::String(text) => text.clone(),
            Value::Number(n) => n.to_string(),
            _ => return Err(format!(".{name}: a text or a number")),
        };
        list.push((name.to_ascii_lowercase(), value));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Provider;

    /// Every built-in spec is served, and each operation's success example (what the mock
    /// answers) fits the reply schema the SDK decodes it with.
    #[test]
    fn every_spec_loads_and_every_example_fits_its_schema() {
        let mut misfits = Vec::new();
        let mut checked = 0;
        for provider in Provider::ALL {
            let api = Api::parse(provider.file(), provider.spec()).expect("the spec serves");
            assert!(!api.operations.is_empty());
            for (path, item) in api.root["paths"].as_object().unwrap() {
                for method in METHODS {
                    let Some(op) = item.get(method) else { continue };
                    let (_, response) = op["responses"]
                        .as_object()
                        .unwrap()
                        .iter()
                        .find(|(s, _)| s.starts_with('2'))
                        .unwrap();
                    let response = crate::schema::resolve(&api.root, response);
                    let Some(content) = response.pointer("/content/application~1json") else {
                        continue;
                    };
                    if let (Some(example), Some(schema)) =
                        (content.get("example"), content.get("schema"))
                    {
                        assert!(
                            crate::schema::resolve(&api.root, schema).is_object(),
                            "{path}: a dangling schema"
                        );
                        checked += 1;
                        if let Err(v) = crate::schema::check(&api.root, schema, example) {
                            misfits.push(format!(
                                "{} {} {path}: {} {}",
                                provider.name(),
                                method.to_uppercase(),
                                v.field("example"),
                                v.message
                            ));
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 289, "every operation has an example and a schema");
        assert!(
            misfits.is_empty(),
            "examples that do not fit their schema:\n{}",
            misfits.join("\n")
        );
    }

    #[test]
    fn a_spec_without_a_mock_block_is_refused_by_name() {
        let spec = "openapi: 3.0.3\nx-portico: {provider: demo}\npaths: {}\n";
        let err = Api::parse("demo.yaml", spec).unwrap_err();
        assert_eq!(
            err.to_string(),
            "demo.yaml: x-portico.mock: missing (the mock needs the provider's error replies)"
        );
    }

    #[test]
    fn an_unknown_error_key_is_refused_by_name() {
        let spec = "openapi: 3.0.3\nx-portico:\n  provider: demo\n  mock:\n    errors:\n      teapot: {status: 418}\npaths: {}\n";
        let err = Api::parse("demo.yaml", spec).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("demo.yaml: x-portico.mock.errors.teapot: not one of"),
            "{err}"
        );
    }

    #[test]
    fn literal_segments_win_over_parameters() {
        let api = Api::parse(Provider::Tago.file(), Provider::Tago.spec()).unwrap();
        match api.route("GET", "/device/token/6509a8f1c3b2d4e5f6a7b8c9") {
            Route::Found(op, bound) => {
                assert_eq!(op.id, "list_device_tokens");
                assert_eq!(
                    bound,
                    [("id".to_string(), "6509a8f1c3b2d4e5f6a7b8c9".to_string())]
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            api.route("PATCH", "/device/token/6509a8f1c3b2d4e5f6a7b8c9"),
            Route::WrongMethod
        ));
    }
}
