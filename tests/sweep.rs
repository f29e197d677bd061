//! `vprof sweep` writes only points that would start, and every written profile validates.

use std::process::Command;

mod support;

#[test]
fn seed_grid_points_that_fit_validate_clean() {
    let out_dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let home = support::hermetic::Hermetic::new();
    let out = home
        .apply(&mut Command::new(env!("CARGO_BIN_EXE_vprof")))
        .args([
            "sweep",
            "examples/sweeps/seed_grid.toml",
            "--format",
            "json",
            "--out",
        ])
        .arg(out_dir.path())
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = doc["points"].as_array().unwrap();
    assert_eq!(points.len(), 12);
    let written: Vec<_> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let fitting = points.iter().filter(|p| p["fits"] == true).count();
    assert_eq!(written.len(), fitting);
    assert_eq!(
        fitting, 6,
        "chunked prefill off at 131072 tokens cannot start on 24 GiB cards"
    );
    for path in written {
        let v = home
            .apply(&mut Command::new(env!("CARGO_BIN_EXE_vprof")))
            .arg("validate")
            .arg(&path)
            .current_dir(root)
            .output()
            .unwrap();
        assert_eq!(
            v.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&v.stderr)
        );
    }
}
