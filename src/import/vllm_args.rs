//! Parsed `vllm serve` arguments → the `[vllm]` table of a profile.
//!
//! Values take the type the flag table gives them (`--max-model-len 4096` is an integer,
//! `--hf-overrides '{...}'` a TOML table); flags the table does not know keep a guessed type
//! and are reported by validation. `--host` and `--port` are deployment, not profile keys
//! (vprof publishes the container's port 8000); the API key and other secrets become
//! references, never values.

use toml::{Table, Value};

use super::Note;
use super::args::{Arg, ArgValue};
use super::interpolate::Var;
use super::secrets::{self, SecretValue};
use crate::diagnostics::Check;
use crate::vllm::{FlagTable, ValueKind};

/// What the arguments give the profile besides `[vllm]`.
#[derive(Debug, Default)]
pub struct VllmSide {
    pub table: Table,
    /// The container port vLLM listens on (`--port`), 8000 by default.
    pub container_port: Option<u16>,
    /// Secrets the container needs (from `--hf-token` and the like).
    pub secrets: Vec<String>,
    /// Variables whose values are secrets (their defaults are never shown).
    pub secret_vars: Vec<String>,
}

/// Convert a JSON value to TOML; `null` has no TOML form.
pub fn json_to_toml(v: &serde_json::Value) -> Option<Value> {
    Some(match v {
        serde_json::Value::Null => return None,
        serde_json::Value::Bool(b) => Value::Boolean(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64()?),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => {
            Value::Array(items.iter().map(json_to_toml).collect::<Option<Vec<_>>>()?)
        }
        serde_json::Value::Object(map) => {
            let mut t = Table::new();
            for (k, v) in map {
                t.insert(k.clone(), json_to_toml(v)?);
            }
            Value::Table(t)
        }
    })
}

fn guess(text: &str) -> Value {
    if let Ok(i) = text.parse::<i64>() {
        return Value::Integer(i);
    }
    if let Ok(f) = text.parse::<f64>()
        && f.is_finite()
        && text.contains('.')
    {
        return Value::Float(f);
    }
    if text.trim_start().starts_with('{')
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(text)
        && let Some(t) = json_to_toml(&v)
    {
        return t;
    }
    Value::String(text.to_string())
}

/// One value typed by its flag's kind.
fn typed(kind: Option<ValueKind>, text: &str) -> Value {
    match kind {
        Some(ValueKind::Int | ValueKind::HumanInt | ValueKind::HumanIntOrAuto) => text
            .parse::<i64>()
            .map_or_else(|_| Value::String(text.to_string()), Value::Integer),
        Some(ValueKind::Float) => match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Value::Float(f),
            _ => Value::String(text.to_string()),
        },
        Some(ValueKind::Str) => Value::String(text.to_string()),
        Some(ValueKind::Json | ValueKind::JsonOrStr) | None => guess(text),
        Some(ValueKind::Bool) => Value::String(text.to_string()),
    }
}

fn has_unresolved(text: &str) -> bool {
    text.contains("${")
}

/// Map the arguments; `model` is the positional model of `vllm serve MODEL`, if any.
pub fn map(
    args: &[Arg],
    model: Option<(&str, usize)>,
    vars: &[Var],
    table: &FlagTable,
    notes: &mut Vec<Note>,
) -> VllmSide {
    let mut side = VllmSide::default();
    let mut lines: Vec<(String, usize)> = Vec::new();
    if let Some((m, line)) = model {
        side.table
            .insert("model".into(), Value::String(m.to_string()));
        lines.push(("model".into(), line));
    }
    for arg in args {
        if let Some((_, first)) = lines.iter().find(|(k, _)| *k == arg.key) {
            notes.push(Note::new(
                arg.line,
                Check::ImportUnmapped,
                format!(
                    "`{}` is set twice (lines {first} and {}); the last one wins, as in vLLM",
                    arg.option, arg.line
                ),
            ));
        }
        lines.push((arg.key.clone(), arg.line));
        let texts: Vec<&str> = match &arg.value {
            ArgValue::Bool(_) => Vec::new(),
            ArgValue::Text(t) => vec![t.as_str()],
            ArgValue::List(items) => items.iter().map(String::as_str).collect(),
        };
        if secrets::is_secret_flag(&arg.key) {
            map_secret(arg, &texts, vars, &mut side, notes);
            continue;
        }
        if let Some(var) = texts.iter().find(|t| has_unresolved(t)) {
            notes.push(
                Note::new(
                    arg.line,
                    Check::ImportInterpolation,
                    format!("`{}` is not imported: its value `{var}` comes from a variable with no default", arg.option),
                )
                .help(format!("add `{} = ...` to [vllm] by hand", arg.key)),
            );
            side.table.remove(&arg.key);
            continue;
        }
        match arg.key.as_str() {
            "port" => {
                match texts.first().and_then(|t| t.parse::<u16>().ok()) {
                    Some(p) => side.container_port = Some(p),
                    None => notes.push(Note::new(
                        arg.line,
                        Check::ImportUnmapped,
                        format!("`{}` has no valid port", arg.option),
                    )),
                }
                continue;
            }
            "host" => {
                if !matches!(texts.first().copied(), Some("0.0.0.0" | "::" | "")) {
                    notes.push(Note::new(
                        arg.line,
                        Check::ImportUnmapped,
                        format!("`{}` is not imported: vLLM listens on every interface of its container; restrict access with deploy.bind_address", arg.option),
                    ));
                }
                continue;
            }
            _ => {}
        }
        let flag = table.get(&arg.key);
        let kind = flag.map(|f| f.kind);
        let value = match &arg.value {
            ArgValue::Bool(b) => Value::Boolean(*b),
            ArgValue::Text(t) => typed(kind, t),
            ArgValue::List(items) => Value::Array(items.iter().map(|t| typed(kind, t)).collect()),
        };
        side.table.remove(&arg.key);
        side.table.insert(arg.key.clone(), value);
    }
    let line_of = |k: &str| {
        lines
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map_or(1, |(_, l)| *l)
    };
    super::migrate::migrate(&mut side.table, table, &line_of, notes);
    side
}

fn map_secret(arg: &Arg, texts: &[&str], vars: &[Var], side: &mut VllmSide, notes: &mut Vec<Note>) {
    let text = texts.last().copied().unwrap_or("");
    let fallback = if arg.key == "api_key" {
        "VLLM_API_KEY".to_string()
    } else {
        arg.key.to_ascii_uppercase()
    };
    let var = match secrets::classify(text, vars) {
        SecretValue::Reference { var, default } => {
            side.secret_vars.push(var.clone());
            if default {
                notes.push(Note::new(
                    arg.line,
                    Check::ImportSecret,
                    format!("the default of `${{{var}}}` in `{}` is a secret value: it is not copied", arg.option),
                ).help(format!("put the value into .env as {var}")));
            }
            var
        }
        SecretValue::Literal => {
            notes.push(
                Note::new(
                    arg.line,
                    Check::ImportSecret,
                    format!("`{}` holds a literal secret: it is not copied", arg.option),
                )
                .help(format!("put the value into .env as {fallback}")),
            );
            fallback
        }
    };
    if arg.key == "api_key" {
        let mut r = Table::new();
        r.insert("env".into(), Value::String(var));
        side.table.insert("api_key".into(), Value::Table(r));
    } else {
        notes.push(Note::new(
            arg.line,
            Check::ImportSecret,
            format!(
                "`{}` becomes the container secret {var} (vLLM reads it from the environment)",
                arg.option
            ),
        ));
        side.secrets.push(var);
    }
}
