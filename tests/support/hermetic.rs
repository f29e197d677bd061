//! Running the binary hermetically: every variable through which the machine could leak
//! into a test points into one temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The environment variables through which the machine could leak into a test.
pub const HERMETIC_VARS: &[&str] = &[
    "HOME",
    "HF_HOME",
    "HF_HUB_CACHE",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
];

/// Point every variable of [`HERMETIC_VARS`] of `cmd` under `home` (HOME itself, `hf`,
/// `hf/hub`, `cache`, `config`, `data`), with no colour and no terminal on stdin.
pub fn isolate<'c>(cmd: &'c mut Command, home: &Path) -> &'c mut Command {
    cmd.env("NO_COLOR", "1")
        .env("HOME", home)
        .env("HF_HOME", home.join("hf"))
        .env("HF_HUB_CACHE", home.join("hf/hub"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null())
}

/// A temporary home: every variable of [`HERMETIC_VARS`] points into it.
#[derive(Debug)]
pub struct Hermetic {
    pub dir: tempfile::TempDir,
}

impl Hermetic {
    pub fn new() -> Hermetic {
        Hermetic {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, var: &str) -> PathBuf {
        self.dir.path().join(var.to_ascii_lowercase())
    }

    /// The directory of one variable, created.
    pub fn dir_for(&self, var: &str) -> PathBuf {
        let dir = self.path(var);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Point every variable of [`HERMETIC_VARS`] of `cmd` into this directory.
    pub fn apply<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        for var in HERMETIC_VARS {
            cmd.env(var, self.dir_for(var));
        }
        cmd.env("NO_COLOR", "1")
    }

    /// `vprof ARGS` in `cwd` with the hermetic environment, no colour, no terminal.
    pub fn vprof(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vprof"));
        cmd.args(args).current_dir(cwd).stdin(Stdio::null());
        self.apply(&mut cmd);
        cmd
    }

    pub fn run(&self, cwd: &Path, args: &[&str]) -> Output {
        self.vprof(cwd, args).output().unwrap()
    }

    /// `vprof ARGS --format FORMAT`: asserts the exit code and that stdout is exactly one
    /// JSON document, and returns it.
    pub fn document(
        &self,
        cwd: &Path,
        args: &[&str],
        format: &str,
        code: i32,
    ) -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend(["--format", format]);
        let out = self.run(cwd, &all);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}):\n{stdout}"))
    }
}

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
