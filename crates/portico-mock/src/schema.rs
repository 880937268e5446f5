//! OpenAPI 3.0 schemas, as far as the specs use them: checking a JSON value against one, and
//! building a value that passes it.
//!
//! Keywords checked: `$ref` (local), `type`, `nullable`, `enum`, `format` (`int32`, `int64`),
//! `minLength`, `maxLength`, `pattern` (ECMAScript, as OpenAPI says), `minimum`, `maximum`,
//! `exclusiveMinimum`, `exclusiveMaximum`, `minItems`, `maxItems`, `uniqueItems`, `items`,
//! `properties`, `required`, `additionalProperties`, `allOf`, `oneOf`, `anyOf`, `not`.
//! Other keywords (`description`, `example`, `readOnly`, `x-…`) do not constrain a value.

use serde_json::{Map, Value};

/// Why a value does not fit a schema: where (a JSON pointer into the value) and what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Violation {
    /// `/to/3`, or empty for the whole value.
    pub pointer: String,
    /// What is wrong, in words.
    pub message: String,
    /// Whether the problem is a missing required property (some providers answer that with
    /// their own status).
    pub missing: bool,
}

impl Violation {
    fn new(pointer: &str, message: impl Into<String>) -> Violation {
        Violation {
            pointer: pointer.to_string(),
            message: message.into(),
            missing: false,
        }
    }

    /// The field named as a user would write it (`to[3]`), or `body`.
    pub fn field(&self, root: &str) -> String {
        let mut field = root.to_string();
        for part in self.pointer.split('/').skip(1) {
            let part = part.replace("~1", "/").replace("~0", "~");
            if part.chars().all(|c| c.is_ascii_digit()) {
                field.push_str(&format!("[{part}]"));
            } else if field.is_empty() {
                field = part;
            } else {
                field = format!("{field}.{part}");
            }
        }
        field
    }
}

/// Follows local `$ref`s (`#/components/...`) until a schema without one.
pub(crate) fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    // A cycle of pure references would loop forever; specs never have one, but a mock must not
    // hang on a broken spec either.
    for _ in 0..32 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').unwrap_or(reference);
                match root.pointer(pointer) {
                    Some(target) => schema = target,
                    None => return &Value::Null,
                }
            }
            None => return schema,
        }
    }
    &Value::Null
}

/// Checks `value` against `schema`; the first violation found, depth first.
pub(crate) fn check(root: &Value, schema: &Value, value: &Value) -> Result<(), Violation> {
    check_at(root, schema, value, "")
}

fn check_at(root: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), Violation> {
    let schema = resolve(root, schema);
    let Some(rules) = schema.as_object() else {
        return Ok(()); // `{}` or a dangling reference: anything goes
    };
    if value.is_null() {
        let nullable = rules.get("nullable").and_then(Value::as_bool) == Some(true);
        let typed = rules.contains_key("type") || rules.contains_key("enum");
        if nullable || !typed && !has_composition(rules) {
            return Ok(());
        }
        if typed {
            return Err(Violation::new(at, "must not be null"));
        }
    }
    if let Some(parts) = rules.get("allOf").and_then(Value::as_array) {
        for part in parts {
            check_at(root, part, value, at)?;
        }
    }
    if let Some(parts) = rules.get("oneOf").and_then(Value::as_array) {
        let passing = parts
            .iter()
            .filter(|part| check_at(root, part, value, at).is_ok())
            .count();
        if passing != 1 {
            return Err(Violation::new(
                at,
                format!(
                    "must match exactly one of {} schemas (matches {passing})",
                    parts.len()
                ),
            ));
        }
    }
    if let Some(parts) = rules.get("anyOf").and_then(Value::as_array)
        && !parts
            .iter()
            .any(|part| check_at(root, part, value, at).is_ok())
    {
        return Err(Violation::new(
            at,
            format!("must match one of {} schemas", parts.len()),
        ));
    }
    if let Some(not) = rules.get("not")
        && check_at(root, not, value, at).is_ok()
    {
        return Err(Violation::new(at, "matches a schema it must not match"));
    }
    if let Some(allowed) = rules.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        return Err(Violation::new(
            at,
            format!("must be one of {}, not {value}", list.join(", ")),
        ));
    }
    match rules.get("type").and_then(Value::as_str) {
        Some("string") => string(rules, value, at),
        Some("integer") => integer(rules, value, at),
        Some("number") => number(rules, value, at),
        Some("boolean") if !value.is_boolean() => Err(wrong_type(at, "a boolean", value)),
        Some("array") => array(root, rules, value, at),
        Some("object") => object(root, rules, value, at),
        // No `type`: properties still apply when the value is an object.
        None if value.is_object() && rules.contains_key("properties") => {
            object(root, rules, value, at)
        }
        _ => Ok(()),
    }
}

fn has_composition(rules: &Map<String, Value>) -> bool {
    ["allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| rules.contains_key(*k))
}

fn wrong_type(at: &str, expected: &str, value: &Value) -> Violation {
    let found = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    Violation::new(at, format!("must be {expected}, not {found}"))
}

fn limit(rules: &Map<String, Value>, key: &str) -> Option<u64> {
    rules.get(key).and_then(Value::as_u64)
}

fn string(rules: &Map<String, Value>, value: &Value, at: &str) -> Result<(), Violation> {
    let Some(text) = value.as_str() else {
        return Err(wrong_type(at, "a string", value));
    };
    let length = text.chars().count() as u64;
    if let Some(min) = limit(rules, "minLength")
        && length < min
    {
        return Err(Violation::new(
            at,
            format!("must be at least {min} characters long, not {length}"),
        ));
    }
    if let Some(max) = limit(rules, "maxLength")
        && length > max
    {
        return Err(Violation::new(
            at,
            format!("must be at most {max} characters long, not {length}"),
        ));
    }
    if let Some(pattern) = rules.get("pattern").and_then(Value::as_str) {
        match regress::Regex::new(pattern) {
            Ok(regex) if regex.find(text).is_none() => {
                return Err(Violation::new(
                    at,
                    format!("{text:?} does not match the pattern {pattern}"),
                ));
            }
            // A pattern the engine cannot compile constrains nothing here; the xtask's lint is
            // where a spec's patterns are held to account.
            _ => {}
        }
    }
    Ok(())
}

fn integer(rules: &Map<String, Value>, value: &Value, at: &str) -> Result<(), Violation> {
    let whole = value.as_i64().map(|n| n as f64).or_else(|| {
        value
            .as_u64()
            .map(|n| n as f64)
            .or_else(|| value.as_f64().filter(|f| f.fract() == 0.0))
    });
    let Some(n) = whole else {
        return Err(wrong_type(at, "an integer", value));
    };
    if rules.get("format").and_then(Value::as_str) == Some("int32")
        && !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&n)
    {
        return Err(Violation::new(at, format!("{n} does not fit in 32 bits")));
    }
    bounds(rules, n, at)
}

fn number(rules: &Map<String, Value>, value: &Value, at: &str) -> Result<(), Violation> {
    let Some(n) = value.as_f64() else {
        return Err(wrong_type(at, "a number", value));
    };
    bounds(rules, n, at)
}

fn bounds(rules: &Map<String, Value>, n: f64, at: &str) -> Result<(), Violation> {
    let exclusive = |key: &str| rules.get(key).and_then(Value::as_bool) == Some(true);
    if let Some(min) = rules.get("minimum").and_then(Value::as_f64) {
        let below = if exclusive("exclusiveMinimum") {
            n <= min
        } else {
            n < min
        };
        if below {
            return Err(Violation::new(
                at,
                format!("must be at least {min}, not {n}"),
            ));
        }
    }
    if let Some(max) = rules.get("maximum").and_then(Value::as_f64) {
        let above = if exclusive("exclusiveMaximum") {
            n >= max
        } else {
            n > max
        };
        if above {
            return Err(Violation::new(
                at,
                format!("must be at most {max}, not {n}"),
            ));
        }
    }
    Ok(())
}

fn array(
    root: &Value,
    rules: &Map<String, Value>,
    value: &Value,
    at: &str,
) -> Result<(), Violation> {
    let Some(items) = value.as_array() else {
        return Err(wrong_type(at, "an array", value));
    };
    let count = items.len() as u64;
    if let Some(min) = limit(rules, "minItems")
        && count < min
    {
        return Err(Violation::new(
            at,
            format!("must have at least {min} items, not {count}"),
        ));
    }
    if let Some(max) = limit(rules, "maxItems")
        && count > max
    {
        return Err(Violation::new(
            at,
            format!("must have at most {max} items, not {count}"),
        ));
    }
    if rules.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                return Err(Violation::new(
                    &format!("{at}/{i}"),
                    "repeats an earlier item",
                ));
            }
        }
    }
    if let Some(schema) = rules.get("items") {
        for (i, item) in items.iter().enumerate() {
            check_at(root, schema, item, &format!("{at}/{i}"))?;
        }
    }
    Ok(())
}

fn object(
    root: &Value,
    rules: &Map<String, Value>,
    value: &Value,
    at: &str,
) -> Result<(), Violation> {
    let Some(fields) = value.as_object() else {
        return Err(wrong_type(at, "an object", value));
    };
    let properties = rules.get("properties").and_then(Value::as_object);
    for name in rules
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !fields.contains_key(name) {
            let mut violation = Violation::new(&pointer(at, name), "is required");
            violation.missing = true;
            return Err(violation);
        }
    }
    for (name, field) in fields {
        let here = pointer(at, name);
        match properties.and_then(|p| p.get(name)) {
            Some(schema) => check_at(root, schema, field, &here)?,
            None => match rules.get("additionalProperties") {
                Some(Value::Bool(false)) => {
                    return Err(Violation::new(&here, "is not a known field"));
                }
                Some(schema @ Value::Object(_)) => check_at(root, schema, field, &here)?,
                _ => {}
            },
        }
    }
    Ok(())
}

fn pointer(at: &str, name: &str) -> String {
    format!("{at}/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// A value that passes `schema`: its `example` where it has one, else one built from its rules
/// (required and optional properties alike, one item per array unless `minItems` asks more).
pub(crate) fn sample(root: &Value, schema: &Value) -> Value {
    sample_at(root, schema, 0)
}

fn sample_at(root: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(root, schema);
    let Some(rules) = schema.as_object() else {
        return Value::Null;
    };
    if let Some(example) = rules.get("example") {
        return example.clone();
    }
    if let Some(first) = rules
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    // Recursive schemas (a step holding steps) stop growing here.
    if depth > 8 {
        return Value::Null;
    }
    if let Some(parts) = rules.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(fields) = sample_at(root, part, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = rules
            .get(key)
            .and_then(Value::as_array)
            .and_then(|p| p.first())
        {
            return sample_at(root, first, depth + 1);
        }
    }
    let min = |key: &str| rules.get(key).and_then(Value::as_f64);
    match rules.get("type").and_then(Value::as_str) {
        Some("string") => {
            let mut text = match rules.get("format").and_then(Value::as_str) {
                Some("date-time") => "2026-01-01T00:00:00Z".to_string(),
                Some("uuid") => "00000000-0000-4000-8000-000000000000".to_string(),
                Some("email") => "user@example.com".to_string(),
                _ => "string".to_string(),
            };
            let (min, max) = (limit(rules, "minLength"), limit(rules, "maxLength"));
            while min.is_some_and(|m| (text.chars().count() as u64) < m) {
                text.push('x');
            }
            if let Some(max) = max {
                text = text.chars().take(max as usize).collect();
            }
            Value::String(text)
        }
        Some("integer") => Value::from(min("minimum").map_or(0, |m| m.ceil() as i64)),
        Some("number") => Value::from(min("minimum").unwrap_or(0.0)),
        Some("boolean") => Value::Bool(true),
        Some("array") => {
            let count = limit(rules, "minItems").unwrap_or(1).max(1) as usize;
            let item = rules
                .get("items")
                .map_or(Value::Null, |s| sample_at(root, s, depth + 1));
            Value::Array(vec![item; count])
        }
        Some("object") | None => {
            let mut fields = Map::new();
            for (name, field) in rules
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                fields.insert(name.clone(), sample_at(root, field, depth + 1));
            }
            Value::Object(fields)
        }
        Some(_) => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn root() -> Value {
        json!({"components": {"schemas": {
            "Email": {"type": "object", "required": ["to"], "additionalProperties": false,
                "properties": {
                    "to": {"type": "array", "maxItems": 2, "items": {"type": "string", "pattern": "@"}},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                    "at": {"type": "string", "nullable": true},
                    "count": {"type": "integer", "format": "int32", "minimum": 1}
                }},
            "Tag": {"type": "string", "enum": ["a", "b"]}
        }}})
    }

    fn email(value: Value) -> Result<(), Violation> {
        let root = root();
        check(
            &root,
            &json!({"$ref": "#/components/schemas/Email"}),
            &value,
        )
    }

    #[test]
    fn a_fitting_value_passes() {
        assert_eq!(
            email(json!({"to": ["a@b"], "tags": ["a"], "at": null, "count": 3})),
            Ok(())
        );
    }

    #[test]
    fn each_rule_is_named_with_its_place() {
        let cases = [
            (json!({}), "/to", "is required"),
            (
                json!({"to": ["a@b", "c@d", "e@f"]}),
                "/to",
                "must have at most 2 items, not 3",
            ),
            (
                json!({"to": ["nobody"]}),
                "/to/0",
                "\"nobody\" does not match the pattern @",
            ),
            (
                json!({"to": [], "tags": ["c"]}),
                "/tags/0",
                "must be one of \"a\", \"b\", not \"c\"",
            ),
            (
                json!({"to": [], "count": 0}),
                "/count",
                "must be at least 1, not 0",
            ),
            (
                json!({"to": [], "count": 1.5}),
                "/count",
                "must be an integer, not a number",
            ),
            (
                json!({"to": [], "count": 5_000_000_000u64}),
                "/count",
                "5000000000 does not fit in 32 bits",
            ),
            (
                json!({"to": [], "extra": 1}),
                "/extra",
                "is not a known field",
            ),
            (
                json!({"to": "a@b"}),
                "/to",
                "must be an array, not a string",
            ),
        ];
        for (value, pointer, message) in cases {
            let violation = email(value.clone()).expect_err(&value.to_string());
            assert_eq!(
                (violation.pointer.as_str(), violation.message.as_str()),
                (pointer, message)
            );
        }
    }

    #[test]
    fn fields_are_named_as_a_user_writes_them() {
        let violation = email(json!({"to": ["nobody"]})).unwrap_err();
        assert_eq!(violation.field(""), "to[0]");
        assert_eq!(violation.field("body"), "body.to[0]");
    }

    #[test]
    fn one_of_needs_exactly_one_match() {
        let root = json!({});
        let schema = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
        assert_eq!(check(&root, &schema, &json!("x")), Ok(()));
        assert!(check(&root, &schema, &json!(true)).is_err());
    }

    #[test]
    fn a_sample_follows_types_sizes_and_enums() {
        let root = root();
        let schema = json!({"type": "object", "properties": {
            "tags": {"type": "array", "minItems": 2, "items": {"$ref": "#/components/schemas/Tag"}},
            "code": {"type": "string", "minLength": 8, "maxLength": 10},
            "count": {"type": "integer", "minimum": 1}
        }});
        let value = sample(&root, &schema);
        assert_eq!(
            value,
            json!({"tags": ["a", "a"], "code": "stringxx", "count": 1})
        );
        assert_eq!(check(&root, &schema, &value), Ok(()));
        let example = json!({"type": "string", "example": "re_123"});
        assert_eq!(sample(&root, &example), json!("re_123"));
    }
}
