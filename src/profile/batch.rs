//! Loading many profiles on every core, with the output of loading them one by one.
//!
//! [`Loader::preparse`] reads a batch of files on this thread and parses and schema-checks
//! them on all cores; their findings wait in the loader and are reported when each file's
//! turn comes. [`build_all`] builds and checks merged profiles on all cores, each with its
//! own findings, which the caller reports in order. So the findings of a run, and their
//! order, do not depend on the number of cores.

use std::path::Path;
use std::rc::Rc;

use super::inherit::{Loader, Merged, Parsed, Seen, stem};
use super::load::{self, LoadedText};
use super::name;
use super::resolve::Profile;
use crate::check::schema::{self, SchemaKind};
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::error::Error;
use crate::project::Project;

/// Files read ahead at once (memory stays bounded whatever the number of profiles).
pub const BATCH: usize = 256;

impl Loader<'_> {
    /// Read the given profile files and parse and schema-check them on every core, ahead of
    /// [`Loader::profile`] and [`Loader::check_only`], which then find them done. Nothing is
    /// reported here; a file that cannot be read is left for its turn, which reports it.
    pub fn preparse(&mut self, paths: &[&Path]) -> Result<(), Error> {
        let todo: Vec<&Path> = paths
            .iter()
            .copied()
            .filter(|p| !self.files.contains_key(*p) && name::invalid(&stem(p)).is_none())
            .collect();
        // The reading too: a file is four system calls, and there may be thousands.
        let read = parallel_map(todo.clone(), |p| load::read_capped(p, load::MAX_FILE_BYTES));
        let mut work = Vec::new();
        for (path, bytes) in todo.into_iter().zip(read) {
            let display = crate::paths::display(path, self.cwd);
            let mut findings = Diagnostics::default();
            match load::source_from(bytes, &display, self.sources, &mut findings) {
                Ok(LoadedText::Text(file)) => work.push((path.to_path_buf(), file, findings)),
                Ok(LoadedText::Invalid) => {
                    let parsed = None;
                    let seen = Seen::Pending { parsed, findings };
                    self.files.insert(path.to_path_buf(), seen);
                }
                Err(_) => {}
            }
        }
        let sources: &SourceMap = self.sources;
        let files: Vec<_> = work.iter().map(|(_, file, _)| *file).collect();
        let parsed = parallel_map(files, |file| -> Result<_, Error> {
            let mut findings = Diagnostics::default();
            let Some(node) = load::parse(file, sources, &mut findings) else {
                return Ok((None, findings));
            };
            let before = findings.error_count();
            schema::validate(&node, SchemaKind::Profile, &mut findings)?;
            let valid = findings.error_count() == before;
            Ok((Some((node, valid)), findings))
        });
        for ((path, file, mut findings), result) in work.into_iter().zip(parsed) {
            let (tree, more) = result?;
            findings.extend(more.into_vec());
            let parsed = tree.map(|(node, valid)| Parsed { file, node, valid });
            self.files.insert(path, Seen::Pending { parsed, findings });
        }
        Ok(())
    }

    /// A file read ahead: its findings go out now, in the order of the run.
    pub(super) fn take_pending(&mut self, path: &Path) -> Option<Option<Rc<Parsed>>> {
        if !matches!(self.files.get(path), Some(Seen::Pending { .. })) {
            return None;
        }
        let Some(Seen::Pending { parsed, findings }) = self.files.remove(path) else {
            return None;
        };
        self.diags.extend(findings.into_vec());
        let parsed = parsed.map(Rc::new);
        self.files.insert(path.to_path_buf(), Seen::of(&parsed));
        Some(parsed)
    }
}

/// Build and check merged profiles on every core: per profile, the profile when it could
/// be built and `keep` wants it (the others are dropped where they were built), and its
/// findings, in the order given.
pub fn build_all(
    merged: Vec<Merged>,
    project: &Project,
    keep: &(impl Fn(&Profile) -> bool + Sync),
) -> Vec<(Option<Profile>, Diagnostics)> {
    parallel_map(merged, |m| {
        let mut findings = Diagnostics::default();
        let profile = m.build(project, &mut findings);
        if let Some(p) = &profile {
            crate::check::profile(p, project, &mut findings);
        }
        (profile.filter(|p| keep(p)), findings)
    })
}

/// How many threads: `VPROF_THREADS` when set (1 keeps everything on one thread), else one
/// per core, at most 8.
fn threads() -> usize {
    std::env::var("VPROF_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
}

/// `f` over `items` on every core (scoped threads over equal chunks), results in order.
/// Small inputs stay on this thread: a thread costs more than a few profiles.
fn parallel_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    // The thread count is asked only for inputs worth threads (it reads the cgroup files).
    let threads = if items.len() < 32 { 1 } else { threads() };
    if threads < 2 {
        return items.into_iter().map(f).collect();
    }
    let size = items.len().div_ceil(threads);
    let mut chunks = Vec::new();
    let mut rest = items;
    while rest.len() > size {
        let tail = rest.split_off(size);
        chunks.push(rest);
        rest = tail;
    }
    chunks.push(rest);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}
