//! `vprof completions`: each script is what its shell reads (bash parses it and, sourced,
//! completes through the binary), the binary answers completion requests with every command
//! and with the profile names of the current project wherever a profile is taken, and the
//! man page is roff with every command.

mod support;

use std::path::Path;
use std::process::Command;

use support::hermetic::Hermetic;

const COMMANDS: &[&str] = &[
    "validate",
    "render",
    "doctor",
    "init",
    "completions",
    "plan",
];

fn completions(home: &Hermetic, shell: &str) -> String {
    let out = home.run(home.dir.path(), &["completions", shell]);
    assert_eq!(out.status.code(), Some(0), "{shell}");
    String::from_utf8(out.stdout).unwrap()
}

/// A project with two profiles, a partial and a host file.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::create_dir_all(dir.path().join("hosts")).unwrap();
    for name in ["qwen3_8b", "qwen3_32b", "_base", "llama"] {
        std::fs::write(profiles.join(format!("{name}.toml")), "").unwrap();
    }
    std::fs::write(dir.path().join("vprof.toml"), "").unwrap();
    dir
}

/// What `vprof` answers a fish completion request for `words` in `cwd`: the candidates
/// without their descriptions, options (offered beside any value) left out.
fn candidates(home: &Hermetic, cwd: &Path, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "vprof"];
    args.extend(words);
    let out = home
        .vprof(cwd, &args)
        .env("VPROF_COMPLETE", "fish")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{words:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .filter(|c| !c.starts_with('-'))
        .collect()
}

#[test]
fn scripts_for_each_shell_call_back_into_vprof() {
    let home = Hermetic::new();
    let bash = completions(&home, "bash");
    let zsh = completions(&home, "zsh");
    let fish = completions(&home, "fish");
    let man = completions(&home, "man");
    for (shell, text) in [("bash", &bash), ("zsh", &zsh), ("fish", &fish)] {
        assert!(text.contains("VPROF_COMPLETE"), "{shell}: no hook\n{text}");
    }
    assert!(
        bash.contains("complete -o nospace -o bashdefault -o nosort -F _clap_complete_vprof vprof"),
        "{bash}"
    );
    assert!(zsh.starts_with("#compdef vprof"), "{zsh}");
    assert!(
        fish.contains("complete --keep-order --exclusive --command vprof"),
        "{fish}"
    );
    assert!(man.starts_with(".ie"), "{man}");
    assert!(man.contains(".TH vprof 1"), "{man}");
    for cmd in COMMANDS {
        assert!(man.contains(cmd), "the man page lacks `{cmd}`");
    }
    // bash reads the script without a syntax error.
    let file = home.dir.path().join("vprof.bash");
    std::fs::write(&file, &bash).unwrap();
    let check = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn commands_and_profile_names_complete() {
    let home = Hermetic::new();
    let dir = project();
    let cwd = dir.path();
    let all = candidates(&home, cwd, &[""]);
    for cmd in COMMANDS {
        assert!(all.iter().any(|c| c == cmd), "`{cmd}` not offered: {all:?}");
    }
    let names = vec!["llama", "qwen3_32b", "qwen3_8b"];
    for words in [
        &["show", ""][..],
        &["plan", ""],
        &["doctor", ""],
        &["verify", ""],
        &["bench", ""],
        &["validate", ""],
        &["validate", "llama", ""],
        &["render", "--dry-run", ""],
        &["render", "llama", ""],
        &["diff", ""],
        &["diff", "llama", ""],
        &["--format", "json", "plan", ""],
    ] {
        assert_eq!(candidates(&home, cwd, words), names, "{words:?}");
    }
    assert_eq!(
        candidates(&home, cwd, &["show", "qwen"]),
        vec!["qwen3_32b", "qwen3_8b"]
    );
    // from a subdirectory of the project too
    assert_eq!(candidates(&home, &cwd.join("hosts"), &["plan", ""]), names);
    // a path where the word is one; no names where no profile is taken
    assert_eq!(
        candidates(&home, cwd, &["validate", "profiles/l"]),
        vec!["profiles/llama.toml"]
    );
    let out_dir = candidates(&home, cwd, &["render", "--out", ""]);
    assert!(out_dir.iter().any(|c| c == "profiles/"), "{out_dir:?}");
    assert!(!out_dir.iter().any(|c| c == "llama"), "{out_dir:?}");
    assert!(
        !candidates(&home, cwd, &["init", ""])
            .iter()
            .any(|c| c == "llama")
    );
    // outside a project: nothing to offer, no error
    let empty = tempfile::tempdir().unwrap();
    assert!(candidates(&home, empty.path(), &["show", ""]).is_empty());
}

/// The bash script, sourced, completes through the binary on PATH.
#[test]
fn bash_completes_profile_names_end_to_end() {
    let home = Hermetic::new();
    let dir = project();
    let script = home.dir.path().join("vprof.bash");
    std::fs::write(&script, completions(&home, "bash")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_vprof")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(
            "source \"$1\"; COMP_WORDS=(vprof plan q); COMP_CWORD=2; COMP_TYPE=9; \
             _clap_complete_vprof vprof q plan; printf '%s\\n' \"${COMPREPLY[@]}\"",
        )
        .arg("bash")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path);
    home.apply(&mut cmd);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout, "qwen3_32b\nqwen3_8b\n");
}
