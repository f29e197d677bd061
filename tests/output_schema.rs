//! The JSON contract: `schemas/output.schema.json` is generated from the report types, and
//! every command's `--format json` output is one document that validates against the
//! definition of its command. Human tables survive huge cells (issue 8: widths ≥ 65,536
//! made `format!` panic).

mod support;

use std::path::Path;

use serde_json::{Value, json};
use support::hermetic::{Hermetic, root};

#[test]
fn committed_output_schema_is_current() {
    let committed = std::fs::read_to_string(root().join("schemas/output.schema.json")).unwrap();
    assert_eq!(
        committed,
        vprof::report::output_schema_text().unwrap(),
        "regenerate with `cargo run -q -- schema --output > schemas/output.schema.json`"
    );
}

/// Run `vprof ARGS --format json` and validate stdout against `definitions/DEF`.
fn check(h: &Hermetic, cwd: &Path, args: &[&str], def: &str, code: i32) -> Value {
    let doc = h.document(cwd, args, "json", code);
    let mut schema = vprof::report::output_schema().unwrap();
    schema["$ref"] = json!(format!("#/definitions/{def}"));
    schema.as_object_mut().unwrap().remove("anyOf");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{args:?}: {errors:#?}\n{doc:#}");
    assert!(
        doc["findings"].is_array(),
        "{args:?}: no findings in\n{doc:#}"
    );
    doc
}

#[test]
fn every_command_prints_one_valid_document() {
    let h = Hermetic::new();
    let root = root();
    let checks = root.join("tests/cmd/checks.in");
    check(&h, root, &["validate"], "FindingsReport", 0);
    check(&h, &checks, &["validate", "missing"], "FindingsReport", 1);
    check(&h, root, &["list"], "ListReport", 0);
    check(&h, root, &["vllm", "versions"], "VllmVersionsReport", 0);
    let table = check(&h, root, &["vllm", "table", "0.11.2"], "VllmTableReport", 0);
    assert_eq!(table["note"], "vLLM 0.11.2 uses the 0.11.0 table");
    check(
        &h,
        root,
        &["vllm", "dump-script"],
        "VllmDumpScriptReport",
        0,
    );
    check(&h, root, &["show", "chunked_only_safe"], "ShowReport", 0);
    check(&h, root, &["plan", "chunked_only_safe"], "PlanReport", 0);
    check(&h, &checks, &["plan", "unknown_model"], "FindingsReport", 1);
    let diff = check(
        &h,
        root,
        &["diff", "chunked_only_safe", "safe_conservative"],
        "DiffReport",
        0,
    );
    assert!(diff["compose_diff"].as_str().unwrap().contains("@@"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    let sweep = check(
        &h,
        root,
        &["sweep", "examples/sweeps/seed_grid.toml", "--out", out],
        "SweepReport",
        0,
    );
    let failing = sweep["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["fits"] == false)
        .unwrap();
    assert!(!failing["findings"].as_array().unwrap().is_empty());
    let render_out = tmp.path().join("render");
    let render_out = render_out.to_str().unwrap();
    let render = check(
        &h,
        root,
        &[
            "render",
            "chunked_only_safe",
            "--out",
            render_out,
            "--dry-run",
        ],
        "RenderReport",
        0,
    );
    let files = render["files"].as_array().unwrap();
    assert_eq!(files[0]["state"], "create");
    assert!(files[0]["diff"].as_str().unwrap().contains("+services:"));
    let drift = check(
        &h,
        root,
        &[
            "render",
            "chunked_only_safe",
            "--out",
            render_out,
            "--check",
        ],
        "RenderReport",
        1,
    );
    assert_eq!(drift["drift"], true);
    check(
        &h,
        &checks,
        &["render", "overlap_a", "overlap_b", "--out", render_out],
        "FindingsReport",
        1,
    );
    check(&h, root, &["schema", "--check"], "SchemaCheckReport", 0);
    check(
        &h,
        root,
        &["schema", "--output", "--check"],
        "SchemaCheckReport",
        0,
    );
    check(&h, tmp.path(), &["init", "fresh"], "InitReport", 0);
    let error = check(&h, root, &["show", "no_such_profile"], "ErrorReport", 2);
    assert!(error["error"].as_str().unwrap().contains("no_such_profile"));
}

fn project(profile: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("profiles")).unwrap();
    std::fs::write(dir.path().join("profiles/huge.toml"), profile).unwrap();
    std::fs::write(
        dir.path().join("profiles/small.toml"),
        "[deploy]\nimage = \"vllm/vllm-openai:v0.11.0\"\ngpu_ids = [\"0\"]\n[vllm]\nmodel = \"m\"\n",
    )
    .unwrap();
    dir
}

/// The human table keeps the other rows at their width and shows the huge cell whole.
fn human(h: &Hermetic, dir: &Path, args: &[&str], huge: &str) -> String {
    let out = h.run(dir, args);
    assert_ne!(out.status.code(), Some(101), "panicked: {args:?}");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains(huge), "{args:?}: the cell is missing");
    assert!(
        stdout.lines().all(|l| l.len() < 200 || l.contains(huge)),
        "{args:?}: a short row was padded to the huge cell"
    );
    stdout
}

#[test]
fn huge_cells_do_not_break_tables() {
    let h = Hermetic::new();
    let model = "m".repeat(66_000);
    let dir = project(&format!(
        "[deploy]\nimage = \"vllm/vllm-openai:v0.11.0\"\ngpu_ids = [\"0\"]\n[vllm]\nmodel = \"{model}\"\n"
    ));
    human(&h, dir.path(), &["list"], &model);
    human(&h, dir.path(), &["diff", "huge", "small"], &model);
    let gpu = "g".repeat(70_000);
    let dir = project(&format!(
        "[host]\ngpu_count = 1\ngpu_memory_gib = 80\n[deploy]\nimage = \"vllm/vllm-openai:v0.11.0\"\ngpu_ids = [\"{gpu}\"]\n[vllm]\nmodel = \"Qwen/Qwen3-8B\"\nmax_model_len = 4096\n"
    ));
    human(&h, dir.path(), &["plan", "huge"], &gpu);
}
