//! No secret reaches stdout, stderr or any file other than `.env`: every command, in every
//! output format, over profiles whose `.env` holds known values (multi-line and odd lines
//! included) and a profile with secrets written inline (which `inline-secret` reports by key).

mod support;

use std::path::Path;

use support::{code, scratch, shown, stderr, stdout, vprof, write};

/// Values only the `.env` holds.
const ENV_SECRETS: &[&str] = &[
    "hf-ENVSECRET-line1",
    "ENVSECRET-LINE2",
    "sk-ENVSECRET-COLON",
    "sk-ENVSECRET-API",
    "ENVSECRET-BARE",
];
/// Values written into `profiles/s.toml` (reported, never echoed).
const INLINE_SECRETS: &[&str] = &["sk-INLINEabcdefghijklmnop1234", "INLINE-TOKEN-VALUE-42"];

fn all_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_secret_in_any_output() {
    let dir = scratch();
    let out = vprof(dir.path(), &["render", "p", "--yes"]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    let env = dir.path().join("deploy/p/.env");
    let text = std::fs::read_to_string(&env).unwrap().replace(
        "HF_TOKEN=\nVLLM_API_KEY=\n",
        "HF_TOKEN=\"hf-ENVSECRET-line1\nENVSECRET-LINE2\"\nVLLM_X: sk-ENVSECRET-COLON\nVLLM_API_KEY=sk-ENVSECRET-API\nENVSECRET-BARE\n",
    );
    std::fs::write(&env, text).unwrap();
    write(
        dir.path(),
        "profiles/s.toml",
        "extends = \"_b\"\n[deploy]\nenv = { MY_TOKEN = \"INLINE-TOKEN-VALUE-42\" }\n[vllm]\napi_key = \"sk-INLINEabcdefghijklmnop1234\"\n",
    );
    // A profile change, so that renders show a diff of .env.
    write(
        dir.path(),
        "profiles/p.toml",
        "extends = \"_b\"\n[deploy]\nsecrets = [\"HF_TOKEN\", \"OTHER\"]\n",
    );
    let commands: &[&[&str]] = &[
        &["validate"],
        &["validate", "s"],
        &["list"],
        &["show", "p"],
        &["show", "s"],
        &["plan", "p"],
        &["plan", "s"],
        &["diff", "p", "s"],
        &["render", "p", "--dry-run"],
        &["render", "p", "--check"],
        &["render", "s", "--dry-run"],
        &["render", "p", "--yes"],
        &["render", "p", "--check"],
    ];
    for args in commands {
        for format in ["human", "json"] {
            let mut full = vec!["--format", format];
            full.extend_from_slice(args);
            let out = vprof(dir.path(), &full);
            assert!(code(&out) <= 2, "{full:?}: {}", shown(&out));
            for secret in ENV_SECRETS.iter().chain(INLINE_SECRETS) {
                assert!(
                    !stdout(&out).contains(secret),
                    "{full:?} printed {secret}: {}",
                    shown(&out)
                );
                assert!(
                    !stderr(&out).contains(secret),
                    "{full:?} printed {secret}: {}",
                    shown(&out)
                );
            }
        }
    }
    let out = vprof(dir.path(), &["validate", "s"]);
    assert!(
        stderr(&out).contains("api_key is written into the profile"),
        "{}",
        shown(&out)
    );
    assert!(
        stderr(&out).contains("`MY_TOKEN` holds a secret value"),
        "{}",
        shown(&out)
    );
    let mut files = Vec::new();
    all_files(dir.path(), &mut files);
    for file in files {
        if file.file_name().is_some_and(|n| n == ".env") || file.ends_with("profiles/s.toml") {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        for secret in ENV_SECRETS.iter().chain(INLINE_SECRETS) {
            assert!(!text.contains(secret), "{} holds {secret}", file.display());
        }
    }
    let kept = std::fs::read_to_string(&env).unwrap();
    for secret in ENV_SECRETS {
        assert!(kept.contains(secret), "{secret} lost: {kept}");
    }
}
