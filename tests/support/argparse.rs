//! Test code: an argparse-like reading of a rendered command, built from the flag table: what
//! vLLM would receive. Used to round-trip every rendered compose command (`roundtrip.rs`,
//! `render_props.rs`); its own tests are `argparse.rs`. Not part of the library.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde_json::Value;

use vprof::vllm::{FlagTable, ValueKind, parse_human_int};

fn convert(kind: ValueKind, optional: bool, text: &str, flag: &str) -> Result<Value, String> {
    if optional && (text == "None" || text.is_empty()) {
        return Ok(Value::Null);
    }
    let bad = |what: &str| format!("argument {flag}: invalid {what} value: '{text}'");
    match kind {
        ValueKind::Bool => Err(format!("unrecognized arguments: {text}")),
        ValueKind::Int => text.parse::<i64>().map(Value::from).map_err(|_| bad("int")),
        ValueKind::HumanInt => parse_human_int(text)
            .map(Value::from)
            .ok_or_else(|| bad("human_readable_int")),
        ValueKind::HumanIntOrAuto => match text {
            "auto" | "-1" => Ok(Value::from(-1)),
            _ => parse_human_int(text)
                .map(Value::from)
                .ok_or_else(|| bad("human_readable_int_or_auto")),
        },
        ValueKind::Float => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| bad("float")),
        ValueKind::Str => Ok(Value::String(text.to_string())),
        ValueKind::Json => serde_json::from_str(text).map_err(|_| {
            format!("argument {flag}: Value {text} cannot be converted to <function loads>.")
        }),
        ValueKind::JsonOrStr => {
            Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string())))
        }
    }
}

/// Parse arguments as vLLM's argparse would; returns profile key → value (last one wins).
pub fn parse_args(table: &FlagTable, args: &[String]) -> Result<BTreeMap<String, Value>, String> {
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if !arg.starts_with('-') || arg == "-" {
            return Err(format!("unrecognized arguments: {arg}"));
        }
        let (option, inline) = match arg.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let Some((flag, negative)) = table.option(option) else {
            return Err(format!("unrecognized arguments: {arg}"));
        };
        i += 1;
        if flag.kind == ValueKind::Bool {
            if inline.is_some() {
                return Err(format!("argument {option}: ignored explicit argument"));
            }
            out.insert(flag.key.clone(), Value::Bool(!negative));
            continue;
        }
        let mut values = Vec::new();
        if let Some(v) = inline {
            values.push(v);
        }
        let takes_many = flag.multiple && !flag.append;
        while i < args.len() && (values.is_empty() || takes_many) {
            let next = &args[i];
            // argparse treats a token starting with '-' followed by a letter as an option.
            if next.starts_with("--")
                || (next.starts_with('-') && next.chars().nth(1).is_some_and(char::is_alphabetic))
            {
                break;
            }
            values.push(next.clone());
            i += 1;
        }
        if values.is_empty() {
            return Err(format!(
                "argument {}: expected {} argument",
                flag.flag,
                if takes_many { "at least one" } else { "one" }
            ));
        }
        let converted: Vec<Value> = values
            .iter()
            .map(|v| convert(flag.kind, flag.optional, v, &flag.flag))
            .collect::<Result<_, _>>()?;
        if let Some(choices) = &flag.choices {
            for (v, text) in converted.iter().zip(&values) {
                if !choices.contains(v) && !choices.iter().any(|c| c.as_str() == Some(text)) {
                    return Err(format!("argument {}: invalid choice: '{text}'", flag.flag));
                }
            }
        }
        let value = if flag.append {
            let mut list = match out.remove(&flag.key) {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            list.extend(converted);
            Value::Array(list)
        } else if takes_many {
            Value::Array(converted)
        } else {
            converted.into_iter().next().unwrap_or(Value::Null)
        };
        out.insert(flag.key.clone(), value);
    }
    Ok(out)
}
