//! Structural validation: the generated JSON Schema, run with the `jsonschema` crate, its
//! errors mapped back onto the TOML spans (the key for unknown keys, the value otherwise).

use std::sync::OnceLock;

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::diagnostics::{Check, Diagnostic, Diagnostics, did_you_mean};
use crate::error::Error;
use crate::profile::node::Node;
use crate::profile::raw;

/// Which document a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    Profile,
    Host,
}

/// The profile format's JSON Schema, generated from `profile::raw` and committed as
/// `schemas/profile.schema.json`; a run reads the committed text, which costs a fifth of
/// generating it (a test keeps the two equal). A schema that does not build is an internal
/// error, never a schema that accepts everything.
pub fn profile_schema() -> Result<&'static Value, Error> {
    static SCHEMA: OnceLock<Result<Value, String>> = OnceLock::new();
    cached(&SCHEMA, || {
        serde_json::from_str(COMMITTED_PROFILE_SCHEMA).map_err(|e| e.to_string())
    })
}

const COMMITTED_PROFILE_SCHEMA: &str = include_str!("../../../schemas/profile.schema.json");

fn cached(
    cell: &'static OnceLock<Result<Value, String>>,
    make: fn() -> Result<Value, String>,
) -> Result<&'static Value, Error> {
    cell.get_or_init(make)
        .as_ref()
        .map_err(|e| Error::Internal(format!("the JSON Schema does not build: {e}")))
}

/// Draft-07 (what editors and taplo understand best), with no `null` alternatives: TOML has
/// no null, an absent key is how a profile leaves a value unset.
fn generate<T: schemars::JsonSchema>() -> Result<Value, String> {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema =
        serde_json::to_value(generator.into_root_schema_for::<T>()).map_err(|e| e.to_string())?;
    drop_null(&mut schema);
    Ok(schema)
}

/// Remove the `null` alternatives schemars adds for `Option` fields.
fn drop_null(schema: &mut Value) {
    let Value::Object(map) = schema else {
        if let Value::Array(items) = schema {
            items.iter_mut().for_each(drop_null);
        }
        return;
    };
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            map.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
        branches.retain(|b| b.get("type").and_then(Value::as_str) != Some("null"));
        if branches.len() == 1
            && let Some(Value::Object(only)) = branches.pop()
        {
            map.remove("anyOf");
            for (k, v) in only {
                map.entry(k).or_insert(v);
            }
        }
    }
    for v in map.values_mut() {
        drop_null(v);
    }
}

fn host_schema() -> Result<&'static Value, Error> {
    static SCHEMA: OnceLock<Result<Value, String>> = OnceLock::new();
    cached(&SCHEMA, generate::<raw::Host>)
}

/// The schema generated from the types, in its committed form: pretty JSON with a trailing
/// newline (`vprof schema`, and `--check` against the committed file).
pub fn profile_schema_text() -> Result<String, Error> {
    let schema = generate::<raw::Profile>()
        .map_err(|e| Error::Internal(format!("the JSON Schema does not build: {e}")))?;
    Ok(crate::report::json_text(&schema))
}

/// A validator for a schema; one that does not compile is an internal error (validation is
/// never skipped). Patterns use the `regex` crate (no look-around in our schemas), which
/// compiles them in about half the time of the default engine.
pub fn compile(schema: &Value) -> Result<Validator, Error> {
    jsonschema::options()
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .build(schema)
        .map_err(|e| Error::Internal(format!("the JSON Schema does not compile: {e}")))
}

/// Compile the profile validator on another thread while the caller reads its files (a
/// validator is most of the fixed cost of a short run); whoever needs it first waits for it.
pub fn warm_up() {
    std::thread::spawn(|| validator(SchemaKind::Profile).is_ok());
}

fn validator(kind: SchemaKind) -> Result<&'static Validator, Error> {
    static PROFILE: OnceLock<Result<Validator, String>> = OnceLock::new();
    static HOST: OnceLock<Result<Validator, String>> = OnceLock::new();
    let (cell, schema) = match kind {
        SchemaKind::Profile => (&PROFILE, profile_schema()?),
        SchemaKind::Host => (&HOST, host_schema()?),
    };
    cell.get_or_init(|| compile(schema).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::Internal(e.clone()))
}

/// Validate one file's tree; every error becomes a located `schema` finding.
pub fn validate(node: &Node, kind: SchemaKind, diags: &mut Diagnostics) -> Result<(), Error> {
    let validator = validator(kind)?;
    let schema = match kind {
        SchemaKind::Profile => profile_schema()?,
        SchemaKind::Host => host_schema()?,
    };
    let instance = node.to_json();
    // Most files are valid: a yes/no answer is cheaper than collecting errors.
    if validator.is_valid(&instance) {
        return Ok(());
    }
    for error in validator.iter_errors(&instance) {
        let pointer = error.instance_path().as_str().to_string();
        let (target, _) = node.locate_pointer(&pointer);
        let path = dotted(&pointer);
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known = properties_at(schema, &pointer);
                for key in unexpected {
                    let key_node = target.get(key).unwrap_or(target);
                    let place = if path.is_empty() {
                        String::from("at the top level")
                    } else {
                        format!("in `{path}`")
                    };
                    let mut d =
                        Diagnostic::new(Check::Schema, format!("unknown key `{key}` {place}"))
                            .at(key_node.origin.key_label("unknown key"));
                    if let Some(s) = did_you_mean(key, known.iter().map(String::as_str)) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    } else if !known.is_empty() {
                        d = d.with_help(format!("expected one of: {}", known.join(", ")));
                    }
                    diags.push(d);
                }
            }
            ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
                let expected = describe_alternatives(schema, &pointer);
                diags.push(
                    Diagnostic::new(
                        Check::Schema,
                        format!("`{path}` has the wrong type or value"),
                    )
                    .at(target.origin.value_label(format!("expected {expected}"))),
                );
            }
            _ => {
                let what = if path.is_empty() {
                    String::from("profile")
                } else {
                    format!("`{path}`")
                };
                let mut d = Diagnostic::new(Check::Schema, format!("{what}: {}", error.masked()))
                    .at(target.origin.value_label(short_reason(error.kind())));
                // A pattern says little to a reader: the field's description says what it wants.
                if matches!(error.kind(), ValidationErrorKind::Pattern { .. })
                    && let Some(help) = description_at(schema, &pointer)
                {
                    d = d.with_help(help);
                }
                diags.push(d);
            }
        }
    }
    Ok(())
}

fn short_reason(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Type { kind } => format!("expected {}", type_kind_name(kind)),
        ValidationErrorKind::Minimum { limit } => format!("must be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("must be greater than {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("must be less than {limit}"),
        ValidationErrorKind::Pattern { pattern } => format!("must match {pattern}"),
        ValidationErrorKind::MinLength { limit } => {
            format!("must have at least {limit} characters")
        }
        _ => String::from("invalid value"),
    }
}

fn type_kind_name(kind: &jsonschema::error::TypeKind) -> String {
    match kind {
        jsonschema::error::TypeKind::Single(t) => type_name(&t.to_string()).to_string(),
        jsonschema::error::TypeKind::Multiple(ts) => {
            let names: Vec<String> = ts
                .iter()
                .map(|t| type_name(&t.to_string()).to_string())
                .collect();
            names.join(" or ")
        }
    }
}

/// JSON type names in TOML terms.
fn type_name(json: &str) -> &str {
    match json {
        "object" => "a table",
        "array" => "an array",
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "null" => "a value",
        other => other,
    }
}

/// `/vllm/max_model_len` → `vllm.max_model_len`.
fn dotted(pointer: &str) -> String {
    pointer.split('/').skip(1).collect::<Vec<_>>().join(".")
}

/// Follow `$ref`s into `$defs`.
fn deref<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
                Some(target) => schema = target,
                None => break,
            },
            None => break,
        }
    }
    schema
}

/// The sub-schemas an instance at `pointer` may match (through refs and anyOf branches).
fn schemas_at<'a>(root: &'a Value, pointer: &str) -> Vec<&'a Value> {
    let mut current = vec![deref(root, root)];
    for part in pointer.split('/').skip(1) {
        let mut next = Vec::new();
        for s in expand(root, &current) {
            if let Some(p) = s.get("properties").and_then(|p| p.get(part)) {
                next.push(deref(root, p));
            } else if let Some(items) = s.get("items")
                && part.parse::<usize>().is_ok()
            {
                next.push(deref(root, items));
            }
        }
        current = next;
    }
    expand(root, &current)
}

fn expand<'a>(root: &'a Value, schemas: &[&'a Value]) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for s in schemas {
        let s = deref(root, s);
        match s
            .get("anyOf")
            .or_else(|| s.get("oneOf"))
            .and_then(Value::as_array)
        {
            Some(branches) => out.extend(branches.iter().map(|b| deref(root, b))),
            None => out.push(s),
        }
    }
    out
}

/// Known keys of the table at `pointer`, for "did you mean".
fn properties_at(root: &Value, pointer: &str) -> Vec<String> {
    let mut keys: Vec<String> = schemas_at(root, pointer)
        .iter()
        .filter_map(|s| s.get("properties").and_then(Value::as_object))
        .flat_map(|p| p.keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// "an integer or a string" for the alternatives allowed at `pointer`.
/// The description of the field at `pointer` (or of the array holding the item there).
fn description_at(root: &Value, pointer: &str) -> Option<String> {
    let mut pointer = pointer.to_string();
    loop {
        let found = schemas_at(root, &pointer).iter().find_map(|s| {
            s.get("description")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        if found.is_some() {
            return found;
        }
        let (parent, last) = pointer.rsplit_once('/')?;
        if last.parse::<usize>().is_err() {
            return None;
        }
        pointer = parent.to_string();
    }
}

fn describe_alternatives(root: &Value, pointer: &str) -> String {
    let mut names: Vec<String> = schemas_at(root, pointer)
        .iter()
        .map(|b| {
            // A branch that only wraps a definition (`allOf: [{$ref}]`) has the type of it.
            let typed = b
                .get("allOf")
                .and_then(Value::as_array)
                .and_then(|all| all.first())
                .map_or(*b, |inner| deref(root, inner));
            let t = b
                .get("type")
                .or_else(|| typed.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("value");
            let mut name = type_name(t).to_string();
            if let Some(pattern) = b.get("pattern").and_then(Value::as_str) {
                if pattern.contains("kKmMgG") {
                    name.push_str(" like \"128k\" or \"auto\"");
                } else {
                    name.push_str(&format!(" matching {pattern}"));
                }
            }
            name
        })
        .collect();
    names.dedup();
    if names.is_empty() {
        return String::from("another type");
    }
    names.join(" or ")
}

#[cfg(test)]
mod tests;
