//! Every shell example of README.md that starts with `vprof` runs, in order, in one temporary
//! project made by `vprof init` plus a copy of the repository's profiles and examples, and
//! exits as README says: 0 unless the line's comment says `exits N`. Lines run through `sh`
//! (redirections work) with only the vprof binary on PATH; HOME and the caches are temporary.

mod support;

use std::path::Path;
use std::process::Command;

fn examples(readme: &str) -> Vec<(usize, String, i32)> {
    let mut out = Vec::new();
    let mut in_shell = false;
    for (n, line) in readme.lines().enumerate() {
        if let Some(info) = line.strip_prefix("```") {
            in_shell = !in_shell && matches!(info.trim(), "sh" | "bash" | "console" | "shell");
            continue;
        }
        let cmd = line.trim_start().trim_start_matches("$ ");
        if in_shell && cmd.starts_with("vprof ") {
            let code = cmd
                .split_once("exits ")
                .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
            out.push((n + 1, cmd.to_string(), code));
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else if !dest.exists() {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

#[test]
fn readme_shell_examples_exit_as_documented() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let lines = examples(&readme);
    assert!(
        lines.len() >= 8,
        "README.md has too few `vprof` shell examples: {lines:?}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_vprof"), bin.join("vprof")).unwrap();
    let home = support::hermetic::Hermetic::new();
    let project = tmp.path().join("project");
    std::fs::create_dir(&project).unwrap();
    let run = |cmd: &str| {
        let mut sh = Command::new("/bin/sh");
        sh.args(["-c", cmd])
            .current_dir(&project)
            .env_clear()
            .env("PATH", &bin);
        home.apply(&mut sh).output().unwrap()
    };
    // The walkthrough starts with `vprof init`; the other sections use the shipped profiles.
    let (first_line, first, _) = &lines[0];
    assert!(
        first.starts_with("vprof init"),
        "README.md line {first_line}: the first `vprof` example should be `vprof init`, is `{first}`"
    );
    for (n, cmd, expected) in &lines {
        if n == first_line {
            let out = run(cmd);
            assert_eq!(out.status.code(), Some(0), "README.md line {n}: {cmd}");
            copy_dir(&repo.join("profiles"), &project.join("profiles"));
            copy_dir(&repo.join("examples"), &project.join("examples"));
            continue;
        }
        let out = run(cmd);
        assert_eq!(
            out.status.code(),
            Some(*expected),
            "README.md line {n}: `{cmd}` should exit {expected}\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Every command's `--help` shows an example.
#[test]
fn every_command_help_has_an_example() {
    use clap::CommandFactory;
    let cli = vprof::cli::Cli::command();
    for sub in cli.get_subcommands() {
        let help = sub.clone().render_long_help().to_string();
        assert!(
            help.contains("Example"),
            "`vprof {} --help` has no example",
            sub.get_name()
        );
    }
}
