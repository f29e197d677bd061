//! CLI tests as data: each `tests/cmd/*.toml` runs the real binary in a fixture directory
//! and compares exit code, stdout and stderr exactly. Regenerate expectations with
//! `TRYCMD=overwrite cargo test --test cli` and review the diff.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml")
        .case("tests/cmd/*.trycmd");
}
