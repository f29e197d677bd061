//! Examples are tests: every `examples/*.toml` and every shipped profile validates with no
//! finding at all (not even a warning).

mod support;

use std::path::Path;
use std::process::Command;

fn findings(args: &[&str]) -> (i32, serde_json::Value) {
    let home = support::hermetic::Hermetic::new();
    let out = home
        .apply(&mut Command::new(env!("CARGO_BIN_EXE_vprof")))
        .args(args)
        .args(["--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vprof");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (out.status.code().unwrap_or(-1), json["findings"].clone())
}

#[test]
fn every_example_validates_clean() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("examples/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let rel = format!("examples/{}", path.file_name().unwrap().to_string_lossy());
            let (code, findings) = findings(&["validate", &rel]);
            assert_eq!(findings, serde_json::json!([]), "{rel}");
            assert_eq!(code, 0, "{rel}");
            count += 1;
        }
    }
    assert!(
        count >= 3,
        "expected at least three examples, found {count}"
    );
}

#[test]
fn every_shipped_profile_validates_clean() {
    let (code, findings) = findings(&["validate"]);
    assert_eq!(findings, serde_json::json!([]));
    assert_eq!(code, 0);
}
