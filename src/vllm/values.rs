//! Profile values against a flag: type, choices, registries; and their rendering as
//! command-line arguments, one list item per argument.

use serde_json::Value;

use super::table::{Flag, FlagTable, ValueKind};
use crate::diagnostics::did_you_mean;

/// A value vLLM would reject, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub message: String,
    pub help: Option<String>,
}

impl ValueError {
    fn new(message: String) -> ValueError {
        ValueError {
            message,
            help: None,
        }
    }

    fn help(mut self, help: String) -> ValueError {
        self.help = Some(help);
        self
    }
}

/// vLLM's `human_readable_int`: `k`/`m`/`g` are powers of 1000 (decimals allowed), `K`/`M`/`G`
/// powers of 1024 (integers only).
pub fn parse_human_int(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    let (body, suffix) = text.split_at(text.len().checked_sub(1)?);
    let (base, decimal_ok): (f64, bool) = match suffix {
        "k" => (1e3, true),
        "m" => (1e6, true),
        "g" => (1e9, true),
        "K" => (1024.0, false),
        "M" => (1024.0 * 1024.0, false),
        "G" => (1024.0 * 1024.0 * 1024.0, false),
        _ => return None,
    };
    if !decimal_ok {
        return body.parse::<i64>().ok()?.checked_mul(base as i64);
    }
    let n: f64 = body.parse().ok()?;
    let v = n * base;
    (v.is_finite() && v.abs() < 9e18).then_some(v as i64)
}

fn type_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Bool => "true or false",
        ValueKind::Int => "an integer",
        ValueKind::HumanInt => "an integer or a string like \"128k\"",
        ValueKind::HumanIntOrAuto => "an integer, a string like \"128k\", or \"auto\"",
        ValueKind::Float => "a number",
        ValueKind::Str => "a string",
        ValueKind::Json => "a table",
        ValueKind::JsonOrStr => "a table or a string",
    }
}

fn scalar_ok(kind: ValueKind, v: &Value) -> bool {
    match kind {
        ValueKind::Bool => v.is_boolean(),
        ValueKind::Int => v.is_i64(),
        ValueKind::HumanInt => v.is_i64() || v.as_str().and_then(parse_human_int).is_some(),
        ValueKind::HumanIntOrAuto => {
            v.is_i64()
                || v.as_str()
                    .is_some_and(|s| s == "auto" || parse_human_int(s).is_some())
        }
        ValueKind::Float => v.is_number(),
        ValueKind::Str => v.is_string() || v.is_number(),
        ValueKind::Json => v.is_object() || v.is_array(),
        ValueKind::JsonOrStr => v.is_object() || v.is_array() || v.is_string(),
    }
}

/// Check one profile value against the flag of the target version.
pub fn check_value(flag: &Flag, value: &Value, table: &FlagTable) -> Result<(), ValueError> {
    let version = &table.name;
    let name = &flag.flag;
    if flag.kind == ValueKind::Bool {
        return match value {
            Value::Bool(false) if flag.negative.is_none() => Err(ValueError::new(format!(
                "{name} cannot be switched off in vLLM {version}: it has no negative form"
            ))
            .help(String::from(
                "remove the key: absent means off for this flag",
            ))),
            Value::Bool(_) => Ok(()),
            _ => Err(ValueError::new(format!(
                "{name} takes no value: write true or false"
            ))),
        };
    }
    let items: Vec<&Value> = match value {
        Value::Array(items)
            if flag.multiple && !matches!(flag.kind, ValueKind::Json | ValueKind::JsonOrStr) =>
        {
            if items.is_empty() {
                return Err(ValueError::new(format!("{name} needs at least one value")));
            }
            items.iter().collect()
        }
        v => vec![v],
    };
    for item in items {
        if !scalar_ok(flag.kind, item) {
            return Err(ValueError::new(format!(
                "{name} expects {}, got {item}",
                type_name(flag.kind)
            )));
        }
        if let Some(choices) = &flag.choices {
            let as_text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
            let wanted = as_text(item);
            if !choices.iter().any(|c| as_text(c) == wanted) {
                let names: Vec<String> = choices.iter().map(as_text).collect();
                let mut err = ValueError::new(format!(
                    "invalid choice '{wanted}' for {name} in vLLM {version} (choose from {})",
                    names.join(", ")
                ));
                if let Some(s) = did_you_mean(&wanted, names.iter().map(String::as_str)) {
                    err = err.help(format!("did you mean '{s}'?"));
                }
                return Err(err);
            }
        }
        if let Some(text) = item.as_str() {
            if flag.multiple && looks_like_option(text) {
                return Err(ValueError::new(format!(
                    "{name} value '{text}' starts with '-': vLLM's argparse would read it as an option"
                )));
            }
            registry_check(flag, text, table)?;
        }
    }
    Ok(())
}

/// Names vLLM only checks at start-up, after the model has loaded for minutes.
fn registry_check(flag: &Flag, text: &str, table: &FlagTable) -> Result<(), ValueError> {
    let r = table.registries();
    let (list, what): (&[String], &str) = match flag.key.as_str() {
        "tool_call_parser" => (&r.tool_call_parsers, "a tool-call parser"),
        "reasoning_parser" if flag.choices.is_none() => {
            (&r.reasoning_parsers, "a reasoning parser")
        }
        "quantization" => (&r.quantization_methods, "a quantization method"),
        "kv_cache_dtype" if flag.choices.is_none() => (&r.kv_cache_dtypes, "a KV-cache dtype"),
        _ => return Ok(()),
    };
    if list.is_empty()
        || list.iter().any(|n| n == text)
        || (flag.key == "reasoning_parser" && text.is_empty())
    {
        if r.deprecated_quantization_methods.iter().any(|n| n == text) && flag.key == "quantization"
        {
            return Err(ValueError::new(format!(
                "quantization '{text}' is deprecated in vLLM {}: start-up fails unless allow_deprecated_quantization = true",
                table.name
            )));
        }
        return Ok(());
    }
    let mut err = ValueError::new(format!("'{text}' is not {what} in vLLM {}", table.name));
    match did_you_mean(text, list.iter().map(String::as_str)) {
        Some(s) => err = err.help(format!("did you mean '{s}'?")),
        None => err = err.help(format!("known: {}", list.join(", "))),
    }
    Err(err)
}

/// argparse reads `-x…` as an option unless it looks like a negative number.
fn looks_like_option(text: &str) -> bool {
    text.starts_with('-')
        && text
            .chars()
            .nth(1)
            .is_none_or(|c| !c.is_ascii_digit() && c != '.')
}

/// Shortest text that reads back as the same number (`0.85`, `4.0`, `131072`).
fn number_text(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if v.is_f64() => format!("{f:?}"),
        _ => v.to_string(),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(_) => number_text(v),
        other => other.to_string(),
    }
}

/// The arguments for one key: `--flag`, `--no-flag`, `--flag value`, `--flag a b`, or a
/// repeated `--flag a --flag b`; tables as compact JSON.
pub fn render_arg(flag: &Flag, value: &Value) -> Result<Vec<String>, ValueError> {
    let name = flag.flag.clone();
    Ok(match (flag.kind, value) {
        (ValueKind::Bool, Value::Bool(true)) => vec![name],
        (ValueKind::Bool, Value::Bool(false)) => match &flag.negative {
            Some(neg) => vec![neg.clone()],
            None => return Err(ValueError::new(format!("{name} has no negative form"))),
        },
        (ValueKind::Json | ValueKind::JsonOrStr, Value::Object(_) | Value::Array(_)) => {
            vec![name, value.to_string()]
        }
        (_, Value::Array(items)) if flag.append => items
            .iter()
            .flat_map(|i| [name.clone(), scalar_text(i)])
            .collect(),
        (_, Value::Array(items)) if flag.multiple => std::iter::once(name)
            .chain(items.iter().map(scalar_text))
            .collect(),
        // `--flag=-x` is the only way argparse takes a value that looks like an option.
        (_, v) if looks_like_option(&scalar_text(v)) => vec![format!("{name}={}", scalar_text(v))],
        (_, v) => vec![name, scalar_text(v)],
    })
}
