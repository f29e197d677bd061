//! `--format sarif` against the official OASIS SARIF 2.1.0 schema (vendored in
//! `schemas/sarif/`, see its README), formats checked (`uri`, `uri-reference`): what GitHub
//! code scanning and other SARIF readers accept. Every command that reports findings is run
//! with findings, without, and failing with a usage error.

mod support;

use std::path::Path;

use serde_json::Value;
use support::hermetic::{Hermetic, root};

fn validator() -> jsonschema::Validator {
    let path = root().join("schemas/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: the vendored SARIF schema is missing",
            path.display()
        )
    });
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// RFC 3986 path characters and `%XX` escapes only. The schema says `uri-reference`, a
/// format its draft-04 `$schema` does not define, so no validator checks it.
fn is_uri_reference(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            if !(i + 2 < bytes.len() && bytes[i + 1..=i + 2].iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b)) {
            return false;
        }
        i += 1;
    }
    true
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Run `vprof ARGS --format sarif` in `cwd`: exit code `code`, one SARIF log on stdout that
/// the schema accepts; returns its results.
fn sarif(
    h: &Hermetic,
    v: &jsonschema::Validator,
    cwd: &Path,
    args: &[&str],
    code: i32,
) -> Vec<Value> {
    let doc = h.document(cwd, args, "sarif", code);
    let errors = errors(v, &doc);
    assert!(
        errors.is_empty(),
        "{args:?}: the SARIF schema rejects it: {errors:#?}"
    );
    let results = doc["runs"][0]["results"].as_array().unwrap().clone();
    for r in &results {
        if let Some(uri) = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
        {
            assert!(
                is_uri_reference(uri),
                "{args:?}: `{uri}` is no URI reference"
            );
        }
    }
    results
}

#[test]
fn every_sarif_output_is_valid_sarif() {
    let v = validator();
    let h = Hermetic::new();
    let root = root();
    let cmd = root.join("tests/cmd");
    let checks = cmd.join("checks.in");
    // every check fixture at once: the most varied findings
    let all = sarif(&h, &v, &checks, &["validate"], 1);
    assert!(all.len() > 20, "{all:#?}");
    assert!(all.iter().any(|r| r["locations"].is_array()));
    assert!(sarif(&h, &v, root, &["validate"], 0).is_empty());
    sarif(&h, &v, &checks, &["validate", "missing"], 1);
    sarif(&h, &v, &checks, &["plan", "unknown_model"], 1);
    let out = tempfile::tempdir().unwrap();
    let out = out.path().to_str().unwrap();
    sarif(
        &h,
        &v,
        &checks,
        &["render", "overlap_a", "overlap_b", "--out", out],
        1,
    );
    let import = cmd.join("import.in");
    let found = sarif(
        &h,
        &v,
        &import,
        &["import", "compose.yml", "--out", out, "--dry-run"],
        0,
    );
    assert!(!found.is_empty());
    // a value an env file gave is a note, not a warning
    let env = sarif(
        &h,
        &v,
        &cmd.join("import_env.in"),
        &["import", "compose.yml", "--out", out, "--dry-run"],
        0,
    );
    assert!(env.iter().any(|r| r["level"] == "note"), "{env:#?}");
    // a usage error: an empty log
    assert!(sarif(&h, &v, root, &["show", "no_such_profile"], 2).is_empty());
}

/// A file name that is no URI as written (a space, `%`, `#`) still gives a valid
/// `artifactLocation.uri`.
#[test]
fn odd_file_names_are_valid_uris() {
    let v = validator();
    let h = Hermetic::new();
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("my profiles #1 100%");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::write(
        dir.path().join("vprof.toml"),
        "profiles_dir = \"my profiles #1 100%\"\n",
    )
    .unwrap();
    std::fs::write(
        profiles.join("p.toml"),
        "[deploy]\nservice = \"p\"\nimage = \"vllm/vllm-openai:v0.11.0\"\ngpu_ids = [\"0\"]\n[vllm]\nmodel = \"m\"\nno_such_flag = 1\n",
    )
    .unwrap();
    let results = sarif(&h, &v, dir.path(), &["validate"], 1);
    let uris: Vec<&str> = results
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(!uris.is_empty(), "{results:#?}");
    assert!(
        uris.iter()
            .all(|u| *u == "my%20profiles%20%231%20100%25/p.toml"),
        "{uris:?}"
    );
}

/// The schema is enforced: a log it must reject is rejected.
#[test]
fn the_schema_rejects_what_sarif_forbids() {
    let v = validator();
    let log = |result: Value| {
        serde_json::json!({
            "version": "2.1.0",
            "runs": [{ "tool": { "driver": { "name": "vprof" } }, "results": [result] }],
        })
    };
    let ok = log(serde_json::json!({ "level": "warning", "message": { "text": "x" } }));
    assert!(errors(&v, &ok).is_empty(), "{:?}", errors(&v, &ok));
    let level = log(serde_json::json!({ "level": "warn", "message": { "text": "x" } }));
    assert!(!errors(&v, &level).is_empty());
    let no_message = log(serde_json::json!({ "level": "error" }));
    assert!(!errors(&v, &no_message).is_empty());
    assert!(is_uri_reference("a%20b/c.toml") && !is_uri_reference("a b.toml"));
    assert!(!is_uri_reference("50%.toml") && !is_uri_reference("a#1.toml"));
}
