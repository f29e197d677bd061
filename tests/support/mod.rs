//! Scratch projects for the hardening tests: a valid partial `profiles/_b.toml` (Qwen3-8B on
//! one GPU, vLLM 0.33.0) and the real binary run with a hermetic environment and a timeout.
#![allow(dead_code)]

pub mod hermetic;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const PARTIAL: &str = r#"[host]
gpu_count = 1
gpu_memory_gib = 80

[deploy]
image = "vllm/vllm-openai:v0.33.0"
gpu_ids = ["0"]
port = 8000
secrets = ["HF_TOKEN"]

[vllm]
model = "Qwen/Qwen3-8B"
max_model_len = 8192
api_key = { env = "VLLM_API_KEY" }
"#;

/// A project holding `profiles/_b.toml` and `profiles/p.toml` (which extends it).
pub fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::write(profiles.join("_b.toml"), PARTIAL).unwrap();
    std::fs::write(profiles.join("p.toml"), "extends = \"_b\"\n").unwrap();
    dir
}

pub fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vprof"));
    let home = dir.join(".home");
    cmd.args(args).current_dir(dir);
    hermetic::isolate(&mut cmd, &home)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Run vprof in `dir`; a run longer than `limit` is killed and fails the test (a hang).
/// Output is drained while it runs, so a large report cannot block the child on a full pipe.
pub fn run_within(dir: &Path, args: &[&str], limit: Duration) -> Output {
    use std::io::Read;
    let mut child = command(dir, args).spawn().unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            r.read_to_end(&mut buf).unwrap();
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            let stderr = err.join().unwrap();
            panic!(
                "vprof {} still running after {limit:?}; stderr: {}",
                short(&format!("{args:?}")),
                short(&text(&stderr))
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// At most 2,000 characters of a text, for assertion messages.
pub fn short(text: &str) -> String {
    if text.chars().count() <= 2000 {
        return text.to_string();
    }
    let head: String = text.chars().take(1000).collect();
    let tail: String = text
        .chars()
        .rev()
        .take(1000)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{head}\n[...]\n{tail}")
}

pub fn vprof(dir: &Path, args: &[&str]) -> Output {
    run_within(dir, args, Duration::from_secs(60))
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

pub fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

pub fn stdout(out: &Output) -> String {
    text(&out.stdout)
}

/// `(exit code, stdout, stderr)` for assertion messages.
pub fn shown(out: &Output) -> String {
    format!(
        "exit {}\n--- stdout\n{}\n--- stderr\n{}",
        code(out),
        short(&stdout(out)),
        short(&stderr(out))
    )
}
