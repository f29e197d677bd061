//! Loading hostile files: FIFOs and devices are never opened for reading, the size cap is
//! enforced while reading, `extends`/`host` never reach outside the project, and file names
//! are checked as names before they become service names, directories or YAML headers.

mod support;

use std::time::Duration;

use support::{code, run_within, scratch, shown, stderr, vprof, write};

#[test]
fn a_fifo_profile_is_a_located_finding_not_a_hang() {
    let dir = scratch();
    let fifo = dir.path().join("profiles/fifo.toml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    for args in [
        &["validate"][..],
        &["list"],
        &["validate", "profiles/fifo.toml"],
    ] {
        let out = run_within(dir.path(), args, Duration::from_secs(20));
        assert_eq!(code(&out), 1, "{args:?}: {}", shown(&out));
        assert!(
            stderr(&out).contains(
                "profiles/fifo.toml is a FIFO, not a regular file: vprof reads only regular files"
            ),
            "{args:?}: {}",
            shown(&out)
        );
    }
}

#[test]
fn a_symlink_to_dev_zero_is_refused_without_reading() {
    let dir = scratch();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("profiles/zero.toml")).unwrap();
    let out = run_within(dir.path(), &["validate"], Duration::from_secs(20));
    assert_eq!(code(&out), 1, "{}", shown(&out));
    assert!(
        stderr(&out).contains("profiles/zero.toml is a character device, not a regular file"),
        "{}",
        shown(&out)
    );
}

#[test]
fn the_size_cap_is_enforced_while_reading() {
    let dir = scratch();
    let big = dir.path().join("profiles/big.toml");
    let file = std::fs::File::create(&big).unwrap();
    // Sparse: 100 MB that would take 100 MB of memory if read whole.
    file.set_len(100_000_000).unwrap();
    let mut sources = vprof::diagnostics::SourceMap::default();
    let mut diags = vprof::diagnostics::Diagnostics::default();
    let loaded =
        vprof::profile::load::read_source(&big, "big.toml", &mut sources, &mut diags).unwrap();
    assert!(matches!(loaded, vprof::profile::load::LoadedText::Invalid));
    let message = &diags.iter().next().unwrap().message;
    assert_eq!(
        message,
        "file is larger than 1048576 bytes, the limit for profiles"
    );
    // The reader itself stops after cap + 1 bytes.
    let err = vprof::profile::load::read_capped(&big, 10).unwrap_err();
    assert!(matches!(err, vprof::profile::load::ReadFailure::TooLarge));
    let out = vprof(dir.path(), &["validate", "big"]);
    assert_eq!(code(&out), 1, "{}", shown(&out));
}

#[test]
fn extends_outside_the_directory_is_never_read() {
    let dir = scratch();
    let secret_line = "this line is outside the project and must not be printed";
    write(
        dir.path(),
        "outside/x.toml",
        &format!("description = 1\n# {secret_line}\n"),
    );
    write(
        dir.path(),
        "profiles/q.toml",
        "extends = \"../outside/x\"\n",
    );
    let out = vprof(dir.path(), &["validate", "q"]);
    assert_eq!(code(&out), 1, "{}", shown(&out));
    let err = stderr(&out);
    assert!(!err.contains(secret_line), "{err}");
    assert!(!err.contains("outside/x.toml"), "{err}");
    assert!(
        err.contains("`extends` must name a profile in the same directory; `../outside/x` is not a profile name"),
        "{err}"
    );
    let out = vprof(dir.path(), &["--format", "json", "validate", "q"]);
    assert!(!support::stdout(&out).contains(secret_line));
}

#[test]
fn host_outside_hosts_is_never_read() {
    let dir = scratch();
    write(dir.path(), "secret.toml", "gpu_count = \"leak-me\"\n");
    write(
        dir.path(),
        "profiles/q.toml",
        "extends = \"_b\"\nhost = \"../secret\"\n",
    );
    let out = vprof(dir.path(), &["validate", "q"]);
    assert_eq!(code(&out), 1, "{}", shown(&out));
    assert!(!stderr(&out).contains("leak-me"), "{}", shown(&out));
}

/// A bad file name is a finding about the project's content (exit 1, like a schema error, so
/// that one `validate` lists every problem), located at the file; nothing is rendered.
#[test]
fn file_names_are_checked_as_names() {
    for (file, reason) in [
        (
            "My Profile!.toml",
            "`My Profile!` is not a valid profile name: it holds a character other than",
        ),
        (
            "...toml",
            "`..` is not a valid profile name: it does not start with a letter or digit",
        ),
        (
            "x\nname: injectedproject\nx-injected: pwned\n#.toml",
            "is not a valid profile name",
        ),
    ] {
        let dir = scratch();
        write(
            dir.path(),
            &format!("profiles/{file}"),
            "extends = \"_b\"\n",
        );
        let out = vprof(dir.path(), &["validate"]);
        assert_eq!(code(&out), 1, "{file:?}: {}", shown(&out));
        assert!(stderr(&out).contains(reason), "{file:?}: {}", shown(&out));
        assert!(
            stderr(&out).contains("error[profile-name]"),
            "{}",
            shown(&out)
        );
        let path = format!("profiles/{file}");
        let out = vprof(dir.path(), &["render", &path, "--yes"]);
        assert_eq!(code(&out), 1, "{file:?}: {}", shown(&out));
        assert!(!dir.path().join("compose.yaml").exists());
        assert!(!dir.path().join("deploy").exists(), "{file:?}");
        assert!(
            !stderr(&out).contains("injectedproject\n"),
            "{}",
            shown(&out)
        );
    }
}

/// `sweep --out profiles` never replaces a hand-written profile or partial (nothing is
/// written then); it replaces only profiles an earlier sweep wrote.
#[test]
fn sweep_does_not_overwrite_hand_written_profiles() {
    let dir = scratch();
    let grid = "base = \"p\"\n[[points]]\nname = \"p\"\n\"vllm.max_model_len\" = 4096\n[[points]]\nname = \"_b\"\n\"vllm.max_model_len\" = 2048\n[[points]]\nname = \"fresh\"\n\"vllm.max_model_len\" = 1024\n";
    write(dir.path(), "grid.toml", grid);
    let before_p = std::fs::read_to_string(dir.path().join("profiles/p.toml")).unwrap();
    let before_b = std::fs::read_to_string(dir.path().join("profiles/_b.toml")).unwrap();
    let out = vprof(dir.path(), &["sweep", "grid.toml", "--out", "profiles"]);
    assert_eq!(code(&out), 2, "{}", shown(&out));
    assert!(
        stderr(&out).contains(
            "refusing to overwrite profiles/p.toml, profiles/_b.toml: not written by vprof sweep"
        ),
        "{}",
        shown(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("profiles/p.toml")).unwrap(),
        before_p
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("profiles/_b.toml")).unwrap(),
        before_b
    );
    assert!(!dir.path().join("profiles/fresh.toml").exists());
    // Points of its own are replaced on the next sweep.
    write(
        dir.path(),
        "grid.toml",
        "base = \"p\"\n[[points]]\nname = \"fresh\"\n\"vllm.max_model_len\" = 1024\n",
    );
    for _ in 0..2 {
        let out = vprof(dir.path(), &["sweep", "grid.toml", "--out", "profiles"]);
        assert_eq!(code(&out), 0, "{}", shown(&out));
    }
    assert!(dir.path().join("profiles/fresh.toml").exists());
}
