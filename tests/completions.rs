//! `vprof completions`: each script is what its shell reads (bash parses it), names every
//! command, and the man page is roff with every command.

mod support;

use std::process::Command;

use support::hermetic::Hermetic;

fn completions(shell: &str) -> String {
    let home = Hermetic::new();
    let out = home.run(home.dir.path(), &["completions", shell]);
    assert_eq!(out.status.code(), Some(0), "{shell}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn scripts_for_each_shell_name_every_command() {
    let bash = completions("bash");
    let zsh = completions("zsh");
    let fish = completions("fish");
    let man = completions("man");
    assert!(bash.contains("_vprof()"), "{bash}");
    assert!(zsh.starts_with("#compdef vprof"), "{zsh}");
    assert!(fish.contains("complete -c vprof"), "{fish}");
    assert!(man.starts_with(".ie"), "{man}");
    assert!(man.contains(".TH vprof 1"), "{man}");
    for cmd in [
        "validate",
        "render",
        "doctor",
        "init",
        "completions",
        "plan",
    ] {
        for (shell, text) in [
            ("bash", &bash),
            ("zsh", &zsh),
            ("fish", &fish),
            ("man", &man),
        ] {
            assert!(text.contains(cmd), "{shell} lacks `{cmd}`");
        }
    }
    // bash reads the script without a syntax error.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vprof.bash");
    std::fs::write(&file, &bash).unwrap();
    let check = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
