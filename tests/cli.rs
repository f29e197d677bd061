//! CLI tests as data: each `tests/cmd/*.toml` runs the real binary in a fixture directory
//! and compares exit code, stdout and stderr exactly. Regenerate expectations with
//! `TRYCMD=overwrite cargo test --test cli` and review the diff. Hermetic: HOME, the
//! Hugging Face and XDG variables point into an empty temporary directory.

mod support;

#[test]
fn cli_cases() {
    let home = support::hermetic::Hermetic::new();
    let cases = trycmd::TestCases::new();
    cases.env("NO_COLOR", "1");
    for var in support::hermetic::HERMETIC_VARS {
        cases.env(*var, home.dir_for(var).display().to_string());
    }
    cases.case("tests/cmd/*.toml").case("tests/cmd/*.trycmd");
}
