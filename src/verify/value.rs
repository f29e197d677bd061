//! Comparing a profile value with what a server reports: server labels are Python reprs
//! (`True`, `0.9`, `None`, `auto`), profile values are JSON from TOML.

use serde_json::Value as Json;

use crate::vllm::parse_human_int;

/// The profile value in the words the report shows.
pub fn show(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Array(items) if items.is_empty() => "[]".into(),
        Json::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Whether a profile value and a server's label mean the same setting.
pub fn same(profile: &Json, server: &str) -> bool {
    let server = server.trim();
    match profile {
        Json::Bool(b) => parse_bool(server) == Some(*b),
        Json::Number(n) => match (n.as_f64(), parse_number(server)) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
            _ => false,
        },
        Json::String(s) => {
            s == server
                || match (parse_human_int(s), parse_number(server)) {
                    (Some(a), Some(b)) => (a as f64 - b).abs() < 0.5,
                    _ => false,
                }
        }
        Json::Null => matches!(server, "None" | "null" | ""),
        Json::Array(items) => python_list(items) == server,
        Json::Object(_) => false,
    }
}

/// Python's `repr` of a list of scalars: `['a', 1]`.
fn python_list(items: &[Json]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|i| match i {
            Json::String(s) => format!("'{s}'"),
            Json::Bool(true) => "True".into(),
            Json::Bool(false) => "False".into(),
            Json::Null => "None".into(),
            other => other.to_string(),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// `auto` leaves the choice to the engine, which reports what it chose.
pub fn is_auto(v: &Json) -> bool {
    v.as_str() == Some("auto")
}

fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "True" | "true" | "1" => Some(true),
        "False" | "false" | "0" => Some(false),
        _ => None,
    }
}

fn parse_number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Whether a server's label says "not set" (`None`): nothing to compare.
pub fn is_unset(server: &str) -> bool {
    matches!(server.trim(), "None" | "null" | "")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::same;

    #[test]
    fn python_reprs_against_toml_values() {
        assert!(same(&json!(true), "True"));
        assert!(!same(&json!(false), "True"));
        assert!(same(&json!(0.9), "0.9"));
        assert!(!same(&json!(0.85), "0.9"));
        assert!(same(&json!(16), "16"));
        assert!(same(&json!("4k"), "4000"));
        assert!(same(&json!("fp8"), "fp8"));
        assert!(!same(&json!("fp8"), "auto"));
        assert!(same(&json!([]), "[]"));
        assert!(same(&json!(["a", 2]), "['a', 2]"));
    }
}
