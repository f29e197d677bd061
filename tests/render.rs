//! `vprof render`: golden files of the shipped profiles, drift checks, refusals, `.env`
//! merging and masking, several profiles in one file, hostile strings. Runs the real binary
//! in a temporary copy of the repository's profiles.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SHIPPED: &[&str] = &[
    "aggressive_cache",
    "chunked_only_safe",
    "optimized_balanced",
    "safe_conservative",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary project holding a copy of `profiles/`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    for entry in std::fs::read_dir(repo().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, profiles.join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn vprof(dir: &Path, args: &[&str]) -> Output {
    let home = support::hermetic::Hermetic::new();
    home.apply(&mut Command::new(env!("CARGO_BIN_EXE_vprof")))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn append(path: &Path, extra: &str) {
    let old = read(path);
    std::fs::write(path, format!("{old}{extra}")).unwrap();
}

fn yaml(path: &Path) -> serde_norway::Value {
    serde_norway::from_str(&read(path)).unwrap()
}

#[test]
fn golden_files_of_the_shipped_profiles() {
    let dir = project();
    let bless = std::env::var_os("VPROF_BLESS").is_some();
    for name in SHIPPED {
        let out_dir = format!("out/{name}");
        let out = vprof(dir.path(), &["render", name, "--out", &out_dir]);
        assert_eq!(code(&out), 0, "{name}: {}", text(&out.stderr));
        for file in ["compose.yaml", ".env"] {
            let rendered = read(&dir.path().join(&out_dir).join(file));
            let golden = repo().join("tests/golden").join(name).join(file);
            if bless {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                std::fs::write(&golden, &rendered).unwrap();
            } else {
                assert_eq!(
                    rendered,
                    read(&golden),
                    "{name}/{file} (VPROF_BLESS=1 rewrites)"
                );
            }
        }
        // Byte-identical on re-render: nothing to write.
        let again = vprof(dir.path(), &["render", name, "--out", &out_dir]);
        assert_eq!(code(&again), 0);
        assert_eq!(text(&again.stdout), "");
        assert!(text(&again.stderr).contains("compose.yaml is up to date"));
    }
}

#[test]
fn check_exits_0_when_identical_and_1_on_drift() {
    let dir = project();
    let missing = vprof(dir.path(), &["render", "chunked_only_safe", "--check"]);
    assert_eq!(code(&missing), 1);
    assert!(!dir.path().join("deploy").exists(), "--check wrote files");
    assert_eq!(
        code(&vprof(dir.path(), &["render", "chunked_only_safe"])),
        0
    );
    let same = vprof(dir.path(), &["render", "chunked_only_safe", "--check"]);
    assert_eq!(code(&same), 0, "{}", text(&same.stderr));
    assert_eq!(text(&same.stdout), "");
    append(
        &dir.path().join("profiles/chunked_only_safe.toml"),
        "max_num_batched_tokens = 8192\n",
    );
    let drift = vprof(dir.path(), &["render", "chunked_only_safe", "--check"]);
    assert_eq!(code(&drift), 1);
    assert_eq!(
        text(&drift.stderr),
        "deploy/chunked_only_safe/compose.yaml differs from the rendered profile: \
         run `vprof render chunked_only_safe` to update it\n"
    );
    assert!(text(&drift.stdout).contains("+      - \"--max-num-batched-tokens\"\n"));
}

/// A fresh clone has the compose files (committed) but no `.env` (ignored, it holds secrets):
/// `--check` compares `.env` only where it exists, and `--all` checks every profile.
#[test]
fn check_in_a_clean_clone_without_env_files() {
    let dir = project();
    let all = vprof(dir.path(), &["render", "--all", "--yes"]);
    assert_eq!(code(&all), 0, "{}", text(&all.stderr));
    for name in SHIPPED {
        std::fs::remove_file(dir.path().join(format!("deploy/{name}/.env"))).unwrap();
    }
    let clean = vprof(dir.path(), &["render", "--all", "--check"]);
    assert_eq!(code(&clean), 0, "{}", text(&clean.stderr));
    assert_eq!(text(&clean.stdout), "");
    assert!(
        text(&clean.stderr)
            .contains("deploy/safe_conservative/.env is absent (not drift: it holds secrets)\n")
    );
    // A .env that exists is still compared.
    let env = dir.path().join("deploy/aggressive_cache/.env");
    std::fs::write(&env, "HF_TOKEN=x\n").unwrap();
    std::fs::set_permissions(&env, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let stale = vprof(
        dir.path(),
        &["render", "aggressive_cache", "safe_conservative", "--check"],
    );
    assert_eq!(code(&stale), 1);
    assert_eq!(
        text(&stale.stderr),
        "deploy/aggressive_cache/.env differs from the rendered profile: \
         run `vprof render aggressive_cache` to update it\n"
    );
    std::fs::remove_file(&env).unwrap();
    std::fs::remove_file(dir.path().join("deploy/safe_conservative/compose.yaml")).unwrap();
    let missing = vprof(dir.path(), &["render", "--all", "--check"]);
    assert_eq!(code(&missing), 1);
    assert_eq!(
        text(&missing.stderr),
        "deploy/safe_conservative/compose.yaml is missing: \
         run `vprof render safe_conservative` to write it\n"
    );
}

#[test]
fn dry_run_writes_nothing() {
    let dir = project();
    let out = vprof(dir.path(), &["render", "safe_conservative", "--dry-run"]);
    assert_eq!(code(&out), 0);
    assert!(text(&out.stdout).starts_with(
        "--- a/deploy/safe_conservative/compose.yaml\n+++ b/deploy/safe_conservative/compose.yaml\n"
    ));
    assert!(!dir.path().join("deploy").exists());
}

#[test]
fn hand_edited_file_is_refused_without_force() {
    let dir = project();
    assert_eq!(
        code(&vprof(dir.path(), &["render", "chunked_only_safe"])),
        0
    );
    let compose = dir.path().join("deploy/chunked_only_safe/compose.yaml");
    let fresh = read(&compose);
    std::fs::write(&compose, fresh.replace("0.85", "0.95")).unwrap();
    let refused = vprof(dir.path(), &["render", "chunked_only_safe"]);
    assert_eq!(code(&refused), 2);
    assert_eq!(
        text(&refused.stderr),
        "error: refusing to overwrite deploy/chunked_only_safe/compose.yaml: it was edited by hand \
         since vprof generated it; re-run with --force to overwrite it, or move the file away\n"
    );
    assert!(
        read(&compose).contains("0.95"),
        "the refused file was touched"
    );
    let forced = vprof(dir.path(), &["render", "chunked_only_safe", "--force"]);
    assert_eq!(code(&forced), 0, "{}", text(&forced.stderr));
    assert_eq!(read(&compose), fresh);

    // A file vprof did not write at all.
    std::fs::write(&compose, "services: {}\n").unwrap();
    let foreign = vprof(dir.path(), &["render", "chunked_only_safe"]);
    assert_eq!(code(&foreign), 2);
    assert!(text(&foreign.stderr).contains("it was not generated by vprof"));
}

#[test]
fn env_keeps_user_values_is_private_and_masked_in_diffs() {
    let dir = project();
    assert_eq!(
        code(&vprof(dir.path(), &["render", "chunked_only_safe"])),
        0
    );
    let env = dir.path().join("deploy/chunked_only_safe/.env");
    let filled = read(&env)
        .replace("HF_TOKEN=\n", "HF_TOKEN=hf_topsecret_value\n")
        .replace("VLLM_API_KEY=\n", "VLLM_API_KEY='sk-also-secret'\n");
    std::fs::write(&env, format!("{filled}EXTRA_SETTING=keep-me-too\n")).unwrap();
    append(
        &dir.path().join("profiles/chunked_only_safe.toml"),
        "\n[deploy]\nsecrets = [\"HF_TOKEN\", \"WANDB_API_KEY\"]\n",
    );
    let out = vprof(dir.path(), &["render", "chunked_only_safe"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for secret in ["hf_topsecret_value", "sk-also-secret", "keep-me-too"] {
        assert!(!stdout.contains(secret), "{secret} shown in:\n{stdout}");
        assert!(!text(&out.stderr).contains(secret));
    }
    assert!(stdout.contains("+WANDB_API_KEY=\n"), "{stdout}");
    assert!(stdout.contains("\n EXTRA_SETTING=********\n"), "{stdout}");
    let now = read(&env);
    assert!(now.contains("\nHF_TOKEN=hf_topsecret_value\n"));
    assert!(now.contains("\nVLLM_API_KEY='sk-also-secret'\n"));
    assert!(now.contains("\nWANDB_API_KEY=\n"));
    assert!(now.ends_with(
        "\n# Kept from the previous .env (compose.yaml does not read these):\nEXTRA_SETTING=keep-me-too\n"
    ));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&env).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Stable: the kept values and lines do not move on the next render.
    let again = vprof(dir.path(), &["render", "chunked_only_safe", "--check"]);
    assert_eq!(code(&again), 0, "{}", text(&again.stderr));
}

const SECOND: &str = r#"extends = "_qwen3_32b_awq"
[host]
gpu_count = 4
[deploy]
service = "vllm-second"
gpu_ids = ["2", "3"]
port = 5003
[vllm]
gpu_memory_utilization = 0.9
"#;

#[test]
fn several_profiles_render_into_one_compose_file() {
    let dir = project();
    std::fs::write(dir.path().join("profiles/second.toml"), SECOND).unwrap();
    let first = "profiles/chunked_only_safe.toml";
    append(&dir.path().join(first), "[host]\ngpu_count = 4\n");
    // Without --out, each profile renders into its own deploy/NAME.
    let no_out = vprof(
        dir.path(),
        &["render", "chunked_only_safe", "second", "--yes"],
    );
    assert_eq!(code(&no_out), 0, "{}", text(&no_out.stderr));
    assert!(
        dir.path()
            .join("deploy/chunked_only_safe/compose.yaml")
            .is_file()
    );
    assert!(dir.path().join("deploy/second/compose.yaml").is_file());
    let out = vprof(
        dir.path(),
        &["render", "chunked_only_safe", "second", "--out", "both"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = yaml(&dir.path().join("both/compose.yaml"));
    let services = doc["services"].as_mapping().unwrap();
    let names: Vec<&str> = services.keys().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(names, ["vllm-medium", "vllm-second"]);
    assert_eq!(
        doc["services"]["vllm-second"]["ports"][0]["published"].as_str(),
        Some("5003")
    );
    assert!(read(&dir.path().join("both/compose.yaml")).starts_with(
        "# Generated by vprof from profiles/chunked_only_safe.toml, profiles/second.toml.\n"
    ));
}

#[test]
fn profiles_sharing_a_port_are_not_rendered_together() {
    let dir = project();
    let out = vprof(
        dir.path(),
        &[
            "render",
            "chunked_only_safe",
            "optimized_balanced",
            "--out",
            "both",
        ],
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("port-conflict"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("both").exists());
}

const HOSTILE: &str =
    "a $HOME ${X} $$ \"q\" 'q' #c \\n\\t é 漢字 😀 \u{7} \u{2028}: - [x] {y}\nline2";

#[test]
fn hostile_strings_reach_the_yaml_exactly() {
    let dir = project();
    let lit = toml::Value::String(HOSTILE.to_string()).to_string();
    append(
        &dir.path().join("profiles/chunked_only_safe.toml"),
        &format!("served_model_name = {lit}\n\n[deploy.env]\nODD = {lit}\n"),
    );
    let out = vprof(dir.path(), &["render", "chunked_only_safe", "--out", "o"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = yaml(&dir.path().join("o/compose.yaml"));
    let service = &doc["services"]["vllm-medium"];
    let env = service["environment"]["ODD"].as_str().unwrap();
    assert_eq!(env.replace("$$", "$"), HOSTILE);
    let command: Vec<&str> = service["command"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let i = command
        .iter()
        .position(|a| *a == "--served-model-name")
        .unwrap();
    assert_eq!(command[i + 1].replace("$$", "$"), HOSTILE);
    // The secret references vprof creates are the only unescaped `$`.
    assert_eq!(
        service["environment"]["VLLM_API_KEY"].as_str(),
        Some("${VLLM_API_KEY:?VLLM_API_KEY is not set}")
    );
}
