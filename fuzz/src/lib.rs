//! What the fuzz targets share: a scratch project (created once per process) whose
//! `profiles/_b.toml` is a valid partial, and a pipeline over it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use vprof::pipeline::{Pipeline, Target};
use vprof::project::Project;

pub const PARTIAL: &str = include_str!("../../tests/fixtures/fuzz_partial.toml");

/// The scratch project, hermetic (HOME and the HF cache point inside it).
pub fn project_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        std::fs::create_dir_all(dir.join("profiles")).unwrap();
        std::fs::create_dir_all(dir.join("hosts")).unwrap();
        std::fs::write(dir.join("profiles/_b.toml"), PARTIAL).unwrap();
        std::fs::write(dir.join("hosts/h.toml"), "gpu_count = 2\ngpu_memory_gib = 80\n").unwrap();
        // SAFETY of the environment: set once, before any thread reads it.
        unsafe {
            std::env::set_var("HOME", dir.join("home"));
            std::env::set_var("HF_HOME", dir.join("home/hf"));
            std::env::set_var("HF_HUB_CACHE", dir.join("home/hf/hub"));
        }
        dir
    })
}

/// Write `files` (name → text) into `profiles/` and load `profiles/p.toml` through the
/// pipeline, as `vprof validate p` does.
pub fn load(files: &[(&str, &[u8])]) -> (Pipeline, Vec<vprof::profile::Profile>) {
    let dir = project_dir();
    for (name, text) in files {
        std::fs::write(dir.join("profiles").join(name), text).unwrap();
    }
    let mut run = Pipeline::with_project(Project::with_root(dir.to_path_buf()), dir);
    let target = Target {
        path: dir.join("profiles/p.toml"),
        name: "p".into(),
    };
    let profiles = run.load(&[target]).unwrap();
    (run, profiles)
}
