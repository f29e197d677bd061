//! Fault injection (debug builds read `VPROF_FAULT`, see src/render/commit.rs) and
//! concurrency: after a failure or a kill each output file is the old one or the new one,
//! `.env` values survive, no temporary file outlives the next run, and the message names
//! what was and was not written.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::{code, command, scratch, shown, stderr, vprof, write};

/// A rendered `deploy/p` whose `.env` holds values; the profile then changes (port 8001),
/// so that the next render rewrites both files. Returns (compose, env) as they are now.
fn rendered(dir: &Path) -> (String, String) {
    let out = vprof(dir, &["render", "p", "--yes"]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    let env = dir.join("deploy/p/.env");
    let text = std::fs::read_to_string(&env)
        .unwrap()
        .replace("HF_TOKEN=\n", "HF_TOKEN=hf-SECRET\n")
        .replace("VLLM_API_KEY=\n", "VLLM_API_KEY=sk-SECRET\n");
    std::fs::write(&env, text).unwrap();
    // A second secret makes the new .env differ from the old one too.
    write(
        dir,
        "profiles/p.toml",
        "extends = \"_b\"\n[deploy]\nport = 8001\nsecrets = [\"HF_TOKEN\", \"EXTRA\"]\n",
    );
    files(dir)
}

fn files(dir: &Path) -> (String, String) {
    let read = |f: &str| std::fs::read_to_string(dir.join("deploy/p").join(f)).unwrap();
    (read("compose.yaml"), read(".env"))
}

fn temps(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir.join("deploy/p"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".vprof-tmp-") || n.starts_with(".tmp"))
        .collect()
}

fn faulty(dir: &Path, fault: &str) -> std::process::Output {
    command(dir, &["render", "p", "--yes"])
        .env("VPROF_FAULT", fault)
        .output()
        .unwrap()
}

fn values_intact(env: &str) {
    assert!(env.contains("\nHF_TOKEN=hf-SECRET\n"), "{env}");
    assert!(env.contains("VLLM_API_KEY=sk-SECRET\n"), "{env}");
}

#[test]
fn a_disk_full_while_writing_leaves_every_file_old() {
    let dir = scratch();
    let before = rendered(dir.path());
    let out = faulty(dir.path(), "write:2");
    assert_eq!(code(&out), 2, "{}", shown(&out));
    let err = stderr(&out);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains("nothing was written:"), "{err}");
    assert_eq!(files(dir.path()), before);
    assert_eq!(temps(dir.path()), Vec::<String>::new());
}

#[test]
fn a_read_only_directory_leaves_every_file_old() {
    let dir = scratch();
    let before = rendered(dir.path());
    let out = faulty(dir.path(), "readonly");
    assert_eq!(code(&out), 2, "{}", shown(&out));
    assert!(
        stderr(&out).contains("Read-only file system"),
        "{}",
        shown(&out)
    );
    assert!(
        stderr(&out).contains("nothing was written:"),
        "{}",
        shown(&out)
    );
    assert_eq!(files(dir.path()), before);
}

/// The disk fills after the first rename: `.env` (renamed first, a superset of the old one)
/// is new, compose.yaml old, and the message says exactly that.
#[test]
fn a_failure_after_the_first_rename_is_reported_precisely() {
    let dir = scratch();
    let (compose_before, _) = rendered(dir.path());
    let out = faulty(dir.path(), "rename:2");
    assert_eq!(code(&out), 2, "{}", shown(&out));
    let err = stderr(&out);
    assert!(
        err.contains("compose.yaml: No space left on device"),
        "{err}"
    );
    assert!(err.contains("written: "), "{err}");
    assert!(
        err.contains("deploy/p/.env; NOT written (still the previous version): "),
        "{err}"
    );
    assert!(err.trim_end().ends_with("deploy/p/compose.yaml"), "{err}");
    let (compose, env) = files(dir.path());
    assert_eq!(compose, compose_before);
    values_intact(&env);
    assert!(env.contains("EXTRA="), "{env}");
    assert_eq!(temps(dir.path()), Vec::<String>::new());
    // The next run completes the pair.
    let out = vprof(dir.path(), &["render", "p", "--yes"]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    assert!(files(dir.path()).0.contains("\"8001\""));
}

/// Killed between writing the temporary files and renaming them: the files are old, the
/// temporary files (which hold the secrets) are removed by the next run.
///
/// The kill waits for the line the paused process prints once every temporary file is
/// written and synced, not for the files to appear: a temporary file exists (empty) before
/// its bytes are written, so under load a kill timed by its appearance could land before the
/// `.env` temporary held anything.
#[test]
fn kill_between_write_and_rename() {
    use std::io::BufRead;
    let dir = scratch();
    let before = rendered(dir.path());
    let mut child = command(dir.path(), &["render", "p", "--yes"])
        .env("VPROF_FAULT", "pause")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pipe = std::io::BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in pipe.lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let paused = "vprof: VPROF_FAULT=pause: temporary files written, paused before renaming";
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(300);
    while seen.last().map(String::as_str) != Some(paused) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(e) => {
                let _ = child.kill();
                panic!("vprof did not pause ({e}); stderr: {seen:?}");
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(files(dir.path()), before);
    let leftovers = temps(dir.path());
    assert!(
        leftovers.iter().any(
            |t| std::fs::read_to_string(dir.path().join("deploy/p").join(t))
                .unwrap()
                .contains("hf-SECRET")
        ),
        "{leftovers:?}"
    );
    let check = vprof(dir.path(), &["render", "p", "--check"]);
    assert_eq!(code(&check), 1, "{}", shown(&check));
    let out = vprof(dir.path(), &["render", "p", "--yes"]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    assert_eq!(temps(dir.path()), Vec::<String>::new());
    values_intact(&files(dir.path()).1);
}

/// Two renders of one directory at once (two hooks, two CI jobs), 25 times: each ends with a
/// compose.yaml and a .env rendered by the same run, every value kept, no temporary file.
#[test]
fn concurrent_renders_of_one_directory() {
    let dir = scratch();
    write(
        dir.path(),
        "profiles/q.toml",
        "extends = \"_b\"\n[deploy]\nsecrets = [\"HF_TOKEN\", \"EXTRA\"]\n",
    );
    let out = vprof(dir.path(), &["render", "q", "--out", "d", "--yes"]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    let env = dir.path().join("d/.env");
    let filled = std::fs::read_to_string(&env)
        .unwrap()
        .replace("EXTRA=\n", "EXTRA=x-SECRET\n")
        .replace("HF_TOKEN=\n", "HF_TOKEN=hf-SECRET\n")
        .replace("VLLM_API_KEY=\n", "VLLM_API_KEY=sk-SECRET\n");
    std::fs::write(&env, filled).unwrap();
    for round in 0..25 {
        let (a, b) = if round % 2 == 0 {
            ("p", "q")
        } else {
            ("q", "p")
        };
        let first = command(dir.path(), &["render", a, "--out", "d", "--yes"])
            .spawn()
            .unwrap();
        let second = command(dir.path(), &["render", b, "--out", "d", "--yes"])
            .spawn()
            .unwrap();
        for child in [first, second] {
            let out = child.wait_with_output().unwrap();
            assert_eq!(code(&out), 0, "round {round}: {}", shown(&out));
        }
        let compose = std::fs::read_to_string(dir.path().join("d/compose.yaml")).unwrap();
        let env_text = std::fs::read_to_string(&env).unwrap();
        let source = |t: &str| t.lines().next().unwrap().to_string();
        assert_eq!(source(&compose), source(&env_text), "round {round}");
        for value in ["hf-SECRET", "sk-SECRET", "x-SECRET"] {
            assert!(env_text.contains(value), "round {round}: {env_text}");
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("d"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".vprof-tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "round {round}: {leftovers:?}");
    }
}
