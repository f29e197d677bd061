//! Profiles as TOML text: top-level keys, then `[deploy]` and `[vllm]` sections, values inline
//! (`api_key = { env = "..." }`, JSON settings as inline tables). The text is parsed back in
//! the tests to prove it is the same table.

use toml::{Table, Value};
use toml_writer::ToTomlKey;

/// A key as TOML writes it: bare when it can be, else a one-line quoted string (a string
/// value's form may be multi-line, `"""`, which a key cannot be).
fn key(k: &str) -> String {
    k.to_toml_key()
}

/// One value in inline form.
pub fn inline(v: &Value) -> String {
    match v {
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Table(t) if t.is_empty() => String::from("{}"),
        Value::Table(t) => format!(
            "{{ {} }}",
            t.iter()
                .map(|(k, v)| format!("{} = {}", key(k), inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Float(f) if f.fract() == 0.0 && f.is_finite() && f.abs() < 1e15 => format!("{f:.1}"),
        other => other.to_string(),
    }
}

/// The text of a profile: `header` comment lines, then the table.
pub fn profile_text(header: &[String], table: &Table) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str(&format!("# {line}\n"));
    }
    for (k, v) in table {
        if !matches!(v, Value::Table(_)) {
            out.push_str(&format!("{} = {}\n", key(k), inline(v)));
        }
    }
    for (k, v) in table {
        if let Value::Table(t) = v {
            out.push_str(&format!("\n[{}]\n", key(k)));
            for (k, v) in t {
                out.push_str(&format!("{} = {}\n", key(k), inline(v)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_parses_back_to_the_table() {
        let text = r#"extends = "_base"
[deploy]
gpu_ids = ["0", "1"]
env = { "A.B" = "x\"y", C = "" }
[vllm]
gpu_memory_utilization = 0.85
max_model_len = 4096
api_key = { env = "K" }
hf_overrides = { rope_scaling = { factor = 4.0, rope_type = "yarn" }, list = [1, 2.5] }
"#;
        let table: Table = text.parse().unwrap();
        let written = profile_text(&["imported".into()], &table);
        let back: Table = written.parse().unwrap();
        assert_eq!(back, table);
        assert!(written.starts_with("# imported\nextends = \"_base\"\n\n[deploy]\n"));
        assert!(written.contains("factor = 4.0"));
    }

    #[test]
    fn keys_with_line_breaks_quotes_and_controls_parse_back() {
        let mut table = Table::new();
        let mut vllm = Table::new();
        for k in [
            "a\nb",
            "x\"y'z",
            "tab\there",
            "nul\0",
            "",
            "plain-key_1",
            "é",
        ] {
            vllm.insert(k.into(), Value::String(format!("{k}\nvalue")));
        }
        table.insert("vllm".into(), Value::Table(vllm));
        let written = profile_text(&[], &table);
        let back: Table = written.parse().unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(back, table);
        assert!(written.contains("\nplain-key_1 = "), "{written}");
    }
}
