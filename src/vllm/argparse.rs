//! An argparse-like reading of a rendered command, built from the flag table: what vLLM
//! would receive. Used to round-trip every rendered compose command in the tests and CI.

use std::collections::BTreeMap;

use serde_json::Value;

use super::table::{FlagTable, ValueKind};
use super::values::parse_human_int;

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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::parse_args;
    use crate::vllm::{Version, check_value, render_arg, table};

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn render_then_parse_round_trips_every_kind() {
        for v in &Version::embedded() {
            let t = table(*v);
            let cases: Vec<(&str, Value)> = vec![
                ("enable_prefix_caching", json!(false)),
                ("enable_chunked_prefill", json!(true)),
                ("gpu_memory_utilization", json!(0.85)),
                ("max_model_len", json!(131072)),
                ("tensor_parallel_size", json!(2)),
                ("served_model_name", json!(["a b", "c"])),
                (
                    "hf_overrides",
                    json!({"rope_scaling": {"factor": 4.0, "rope_type": "yarn"}}),
                ),
                ("model", json!("Qwen/Qwen3-8B")),
                ("middleware", json!(["x.y", "z"])),
            ];
            for (key, value) in cases {
                let flag = t.get(key).unwrap();
                check_value(flag, &value, t).unwrap();
                let rendered = render_arg(flag, &value).unwrap();
                let parsed = parse_args(t, &rendered).unwrap();
                assert_eq!(parsed[key], value, "{key} on {v:?}: {rendered:?}");
            }
        }
    }

    #[test]
    fn values_that_look_like_options_survive() {
        let t = table(Version::embedded_named("0.33.0").unwrap());
        let flag = t.get("chat_template").unwrap();
        let rendered = render_arg(flag, &json!("-weird")).unwrap();
        assert_eq!(rendered, vec!["--chat-template=-weird".to_string()]);
        assert_eq!(
            parse_args(t, &rendered).unwrap()["chat_template"],
            json!("-weird")
        );
        let names = t.get("served_model_name").unwrap();
        assert!(check_value(names, &json!(["-x"]), t).is_err());
        assert!(check_value(names, &json!("ok"), t).is_ok());
    }

    #[test]
    fn argparse_rules() {
        let t = table(Version::embedded_named("0.11.0").unwrap());
        assert_eq!(
            parse_args(t, &args(&["--enable-chunked-prefill", "true"])).unwrap_err(),
            "unrecognized arguments: true"
        );
        assert!(parse_args(t, &args(&["--disable-prefix-caching"])).is_err());
        assert!(
            parse_args(
                table(Version::embedded_named("0.33.0").unwrap()),
                &args(&["--disable-prefix-caching"])
            )
            .is_ok()
        );
        let last = parse_args(
            t,
            &args(&["--max-model-len", "4096", "--max_model_len=128k"]),
        )
        .unwrap();
        assert_eq!(last["max_model_len"], json!(128000));
        assert_eq!(
            parse_args(t, &args(&["--max-model-len", "128K"])).unwrap()["max_model_len"],
            json!(131072)
        );
        assert!(parse_args(t, &args(&["--max-model-len", "auto"])).is_err());
        assert!(
            parse_args(t, &args(&["--dtype", "bf16"]))
                .unwrap_err()
                .contains("invalid choice")
        );
        assert_eq!(
            parse_args(t, &args(&["-tp", "2"])).unwrap()["tensor_parallel_size"],
            json!(2)
        );
    }

    #[test]
    fn value_checks() {
        let t11 = table(Version::embedded_named("0.11.0").unwrap());
        let t33 = table(Version::embedded_named("0.33.0").unwrap());
        let tool = t11.get("tool_call_parser").unwrap();
        let err = check_value(tool, &json!("qwen3"), t11).unwrap_err();
        assert_eq!(
            err.message,
            "'qwen3' is not a tool-call parser in vLLM 0.11.0"
        );
        assert!(check_value(tool, &json!("hermes"), t11).is_ok());
        assert!(check_value(t33.get("tool_call_parser").unwrap(), &json!("qwen3"), t33).is_err());
        for t in [t11, t33] {
            assert!(check_value(t.get("kv_cache_dtype").unwrap(), &json!("fp8"), t).is_ok());
            assert!(check_value(t.get("reasoning_parser").unwrap(), &json!("qwen3"), t).is_ok());
            assert!(check_value(t.get("quantization").unwrap(), &json!("awq_marlin"), t).is_ok());
        }
        let dtype = check_value(t11.get("dtype").unwrap(), &json!("bf16"), t11).unwrap_err();
        assert_eq!(
            dtype.message,
            "invalid choice 'bf16' for --dtype in vLLM 0.11.0 (choose from auto, bfloat16, float, float16, float32, half)"
        );
        assert!(check_value(t11.get("max_model_len").unwrap(), &json!("auto"), t11).is_err());
        assert!(check_value(t33.get("max_model_len").unwrap(), &json!("auto"), t33).is_ok());
        assert!(check_value(t11.get("tensor_parallel_size").unwrap(), &json!("two"), t11).is_err());
        assert!(check_value(t11.get("headless").unwrap(), &json!(false), t11).is_err());
    }
}
