//! `.env` as compose reads it: multi-line quoted values, `NAME: value` lines and lines that
//! are not assignments are kept exactly and never shown; a `.env` others may read is a
//! warning (also under `--check`) and is made 0600.

mod support;

use std::os::unix::fs::PermissionsExt;

use support::{code, scratch, shown, stderr, stdout, vprof, write};

const ODD_ENV: &str = "HF_TOKEN=\"line1\nSECRET_LINE2\"\nVLLM_X: sk-COLON\nVLLM_API_KEY=sk-API-VALUE\n# old: sk-OLD-COMMENT\nsk-BARE-LINE\n";
const SECRETS: &[&str] = &[
    "line1",
    "SECRET_LINE2",
    "sk-COLON",
    "sk-API-VALUE",
    "sk-OLD-COMMENT",
    "sk-BARE-LINE",
];

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn odd_lines_are_kept_and_never_shown() {
    let dir = scratch();
    let first = vprof(dir.path(), &["render", "p", "--yes"]);
    assert_eq!(code(&first), 0, "{}", shown(&first));
    let env = dir.path().join("deploy/p/.env");
    let generated = std::fs::read_to_string(&env).unwrap();
    assert!(
        generated.ends_with("HF_TOKEN=\nVLLM_API_KEY=\n"),
        "{generated}"
    );
    let filled = generated.replace("HF_TOKEN=\nVLLM_API_KEY=\n", ODD_ENV);
    std::fs::write(&env, filled).unwrap();
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o600)).unwrap();
    write(
        dir.path(),
        "profiles/p.toml",
        "extends = \"_b\"\n[deploy]\nport = 8001\n",
    );
    for args in [
        &["render", "p", "--dry-run"][..],
        &["render", "p", "--check"],
        &["--format", "json", "render", "p", "--check"],
    ] {
        let out = vprof(dir.path(), args);
        for secret in SECRETS {
            assert!(
                !stdout(&out).contains(secret),
                "{args:?} {secret}: {}",
                shown(&out)
            );
            assert!(
                !stderr(&out).contains(secret),
                "{args:?} {secret}: {}",
                shown(&out)
            );
        }
    }
    let out = vprof(dir.path(), &["render", "p", "--yes"]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    for secret in SECRETS {
        assert!(!stdout(&out).contains(secret) && !stderr(&out).contains(secret));
    }
    let text = std::fs::read_to_string(&env).unwrap();
    assert!(
        text.contains("\nHF_TOKEN=\"line1\nSECRET_LINE2\"\nVLLM_API_KEY=sk-API-VALUE\n"),
        "{text}"
    );
    for kept in [
        "VLLM_X: sk-COLON\n",
        "# old: sk-OLD-COMMENT\n",
        "sk-BARE-LINE\n",
    ] {
        assert!(text.contains(kept), "{text}");
    }
    // Rendering again changes nothing.
    let again = vprof(dir.path(), &["render", "p", "--check"]);
    assert_eq!(code(&again), 0, "{}", shown(&again));
    assert_eq!(std::fs::read_to_string(&env).unwrap(), text);
}

#[test]
fn an_env_others_may_read_is_a_warning_and_becomes_0600() {
    let dir = scratch();
    let out = vprof(dir.path(), &["render", "p", "--yes"]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    let env = dir.path().join("deploy/p/.env");
    assert_eq!(mode(&env), 0o600);
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).unwrap();
    let warning = "warning[env-permissions]: deploy/p/.env is readable or writable by group or others (mode 0644)";
    let check = vprof(dir.path(), &["render", "p", "--check"]);
    assert_eq!(code(&check), 0, "{}", shown(&check));
    assert!(stderr(&check).contains(warning), "{}", shown(&check));
    assert_eq!(mode(&env), 0o644, "--check changes nothing");
    let out = vprof(dir.path(), &["render", "p", "--yes"]);
    assert!(stderr(&out).contains(warning), "{}", shown(&out));
    assert_eq!(mode(&env), 0o600);
    let quiet = vprof(dir.path(), &["render", "p", "--check"]);
    assert!(
        !stderr(&quiet).contains("env-permissions"),
        "{}",
        shown(&quiet)
    );
}
