//! Work done once per model and Hugging Face cache directories in a run, however many
//! profiles serve the model (a run reads a cache that does not change under it).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// A per-process memo keyed by model id and cache directories.
pub type Memo<T> = OnceLock<Mutex<HashMap<(String, Vec<PathBuf>), T>>>;

/// `compute`'s answer for `model_id` and `dirs`, computed on the first call only. It runs
/// under the memo's lock, so threads building profiles of one model compute it once; a
/// poisoned lock computes without the memo.
pub fn once<T: Clone>(
    memo: &'static Memo<T>,
    model_id: &str,
    dirs: &[PathBuf],
    compute: impl FnOnce() -> T,
) -> T {
    let Ok(mut map) = memo.get_or_init(Mutex::default).lock() else {
        return compute();
    };
    map.entry((model_id.to_string(), dirs.to_vec()))
        .or_insert_with(compute)
        .clone()
}
