//! `vllm serve` arguments read as vLLM's parser reads them, but forgiving: flags unknown to the
//! flag table are kept (and reported by validation later) instead of stopping the import.
//!
//! `--flag=value` and `--flag value`, underscores or dashes in names (vLLM accepts both),
//! aliases such as `-tp`, negative forms (`--no-enable-prefix-caching` is
//! `enable_prefix_caching = false`), flags taking several values (`--served-model-name a b`),
//! and the legacy `--flag true` spelling of booleans.

use std::collections::BTreeMap;

use serde_json::Value;

use super::command::{Dropped, Token};
use crate::vllm::{FlagTable, ValueKind};

/// What an argument sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

/// One parsed argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// The profile key (`max_model_len`).
    pub key: String,
    /// The option as written (`--max-model-len`).
    pub option: String,
    pub value: ArgValue,
    pub line: usize,
    /// Whether the flag table of the target version knows it.
    pub known: bool,
}

fn looks_like_option(text: &str) -> bool {
    text.starts_with("--")
        || (text.starts_with('-') && text.chars().nth(1).is_some_and(char::is_alphabetic))
}

fn parse_bool_word(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" | "1" => Some(true),
        "false" | "False" | "FALSE" | "0" => Some(false),
        _ => None,
    }
}

fn key_of(option: &str) -> String {
    option.trim_start_matches('-').replace('-', "_")
}

/// Parse arguments in order; a later argument does not remove an earlier one here (see
/// [`effective`] for last-wins).
pub fn parse(tokens: &[Token], table: &FlagTable) -> (Vec<Arg>, Vec<Dropped>) {
    let mut args = Vec::new();
    let mut dropped = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        i += 1;
        if !token.text.starts_with('-') || token.text == "-" || token.text == "--" {
            dropped.push(Dropped {
                line: token.line,
                message: format!("stray argument `{}` (no flag before it)", token.text),
            });
            continue;
        }
        let (option, inline) = match token.text.split_once('=') {
            Some((o, v)) => (o.to_string(), Some(v.to_string())),
            None => (token.text.clone(), None),
        };
        let known = table.option(&option);
        let take_value = |many: bool, i: &mut usize| -> Vec<String> {
            let mut values: Vec<String> = inline.iter().cloned().collect();
            while *i < tokens.len()
                && (values.is_empty() || many)
                && !looks_like_option(&tokens[*i].text)
            {
                values.push(tokens[*i].text.clone());
                *i += 1;
            }
            values
        };
        let (key, value) = match known {
            Some((flag, negative)) if flag.kind == ValueKind::Bool => {
                let mut v = !negative;
                let word = inline.clone().or_else(|| {
                    tokens
                        .get(i)
                        .filter(|t| parse_bool_word(&t.text).is_some())
                        .map(|t| t.text.clone())
                });
                if let Some(word) = word {
                    if inline.is_none() {
                        i += 1;
                    }
                    match parse_bool_word(&word) {
                        Some(b) => v = if negative { !b } else { b },
                        None => dropped.push(Dropped {
                            line: token.line,
                            message: format!("`{option}` takes no value; `{word}` is not kept"),
                        }),
                    }
                }
                (flag.key.clone(), ArgValue::Bool(v))
            }
            Some((flag, _)) => {
                let many = flag.multiple && !flag.append;
                let values = take_value(many, &mut i);
                let value = match values.len() {
                    0 => {
                        dropped.push(Dropped {
                            line: token.line,
                            message: format!("`{option}` needs a value; none follows"),
                        });
                        continue;
                    }
                    1 if !many && !flag.append => ArgValue::Text(values[0].clone()),
                    _ => ArgValue::List(values),
                };
                (flag.key.clone(), value)
            }
            None => {
                let values = take_value(false, &mut i);
                match values.into_iter().next() {
                    Some(v) => (key_of(&option), ArgValue::Text(v)),
                    None => match key_of(&option).strip_prefix("no_") {
                        Some(rest) => (rest.to_string(), ArgValue::Bool(false)),
                        None => (key_of(&option), ArgValue::Bool(true)),
                    },
                }
            }
        };
        args.push(Arg {
            key,
            option,
            value,
            line: token.line,
            known: known.is_some(),
        });
    }
    (args, dropped)
}

/// A value as vLLM would compare it: numbers and JSON by value, everything else as text.
pub fn normalise(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ (Value::Number(_) | Value::Object(_) | Value::Array(_) | Value::Bool(_))) => v,
        _ => Value::String(text.to_string()),
    }
}

/// The effective settings of parsed arguments: last one wins, `append` flags accumulate,
/// values normalised.
pub fn effective(args: &[Arg], table: &FlagTable) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for arg in args {
        let append = table.get(&arg.key).is_some_and(|f| f.append);
        let value = match &arg.value {
            ArgValue::Bool(b) => Value::Bool(*b),
            ArgValue::Text(t) => normalise(t),
            ArgValue::List(items) => Value::Array(items.iter().map(|t| normalise(t)).collect()),
        };
        if append {
            let mut list = match out.remove(&arg.key) {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            match value {
                Value::Array(items) => list.extend(items),
                other => list.push(other),
            }
            out.insert(arg.key.clone(), Value::Array(list));
        } else {
            out.insert(arg.key.clone(), value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::vllm::{Version, table};

    #[test]
    fn spellings_normalise_to_one_setting() {
        let t = table(Version::embedded_named("0.33.0").unwrap());
        let (args, dropped) = parse(
            &Token::words(&[
                "--max_model_len=4096",
                "--no-enable-prefix-caching",
                "--enable-chunked-prefill",
                "true",
                "--served-model-name",
                "a",
                "b",
                "-tp",
                "2",
                "--my-custom-flag",
                "x",
                "--max-model-len",
                "8192",
            ]),
            t,
        );
        assert!(dropped.is_empty(), "{dropped:?}");
        let eff = effective(&args, t);
        assert_eq!(eff["max_model_len"], json!(8192));
        assert_eq!(eff["enable_prefix_caching"], json!(false));
        assert_eq!(eff["enable_chunked_prefill"], json!(true));
        assert_eq!(eff["served_model_name"], json!(["a", "b"]));
        assert_eq!(eff["tensor_parallel_size"], json!(2));
        assert_eq!(eff["my_custom_flag"], json!("x"));
        assert!(
            !args
                .iter()
                .find(|a| a.key == "my_custom_flag")
                .unwrap()
                .known
        );
    }

    #[test]
    fn stray_words_and_missing_values_are_reported() {
        let t = table(Version::embedded_named("0.33.0").unwrap());
        let (_, dropped) = parse(&Token::words(&["stray", "--max-model-len"]), t);
        assert_eq!(dropped.len(), 2);
        assert_eq!(normalise("0.70"), normalise("0.7"));
    }
}
