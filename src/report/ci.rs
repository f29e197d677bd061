//! Findings for CI: SARIF 2.1.0 (GitHub code scanning and other SARIF readers) and GitHub
//! Actions workflow commands (`::error file=...,line=...::message` annotations).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::Finding;
use crate::diagnostics::{Check, Diagnostics, SourceMap};

/// The SARIF 2.1.0 log of the findings: one run, one rule per check that vprof has.
pub fn sarif(findings: &Diagnostics, sources: &SourceMap) -> Value {
    let rules: Vec<Value> = Check::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.name(),
                "shortDescription": { "text": c.description() },
                "defaultConfiguration": { "level": match c.default_level().as_str() {
                    "off" => "none",
                    level => level,
                } },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|d| {
            let f = Finding::new(d, sources);
            let text = match &f.help {
                Some(help) => format!("{}\nhelp: {help}", f.message),
                None => f.message.clone(),
            };
            let mut result = json!({
                "ruleId": f.check,
                "ruleIndex": Check::ALL.iter().position(|c| *c == d.check).unwrap_or(0),
                "level": match f.level.as_str() {
                    "error" => "error",
                    "note" => "note",
                    _ => "warning",
                },
                "message": { "text": text },
            });
            if let (Some(file), Some(line), Some(column)) = (&f.file, f.line, f.column) {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(file) },
                        "region": { "startLine": line, "startColumn": column },
                    }
                }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "vprof",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// What a path keeps as it is in a URI reference: RFC 3986's unreserved characters, the
/// sub-delimiters, `@` and `/` (`:` is escaped: in a first segment it would read as a scheme).
const PATH_KEEPS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'@')
    .remove(b'/');

/// A file path as SARIF's `artifactLocation.uri`, a URI reference: `my profiles/p.toml` is
/// `my%20profiles/p.toml`.
fn uri(path: &str) -> String {
    utf8_percent_encode(path, PATH_KEEPS).to_string()
}

/// One GitHub Actions workflow command per finding.
pub fn github(findings: &Diagnostics, sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in findings.iter() {
        let f = Finding::new(d, sources);
        let kind = if f.level == "error" {
            "error"
        } else {
            "warning"
        };
        let mut props = Vec::new();
        if let Some(file) = &f.file {
            props.push(format!("file={}", property(file)));
        }
        if let Some(line) = f.line {
            props.push(format!("line={line}"));
        }
        if let Some(col) = f.column {
            props.push(format!("col={col}"));
        }
        props.push(format!("title={}", property(&f.check)));
        let text = match &f.help {
            Some(help) => format!("{}\nhelp: {help}", f.message),
            None => f.message.clone(),
        };
        out.push_str(&format!("::{kind} {}::{}\n", props.join(","), data(&text)));
    }
    out
}

/// Escaping of a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{data, property, uri};

    #[test]
    fn uris_of_odd_paths() {
        assert_eq!(uri("profiles/a-b_c.toml"), "profiles/a-b_c.toml");
        assert_eq!(uri("my dir/50% #1?.toml"), "my%20dir/50%25%20%231%3F.toml");
        assert_eq!(uri("c:/x/é.toml"), "c%3A/x/%C3%A9.toml");
    }

    #[test]
    fn workflow_command_escapes() {
        assert_eq!(data("50% of\nGPU"), "50%25 of%0AGPU");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
