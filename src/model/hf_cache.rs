//! Facts from a model's `config.json` in the local Hugging Face cache
//! (`models--ORG--NAME/snapshots/REV/`), with the weight size from
//! `model.safetensors.index.json` when present.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::config::flatten;

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// Hub cache directories to look in: only those something asks for, so that results do not
/// depend on what happens to be in the home directory: `HF_HUB_CACHE`, else `HF_HOME/hub`
/// (the environment), then the profile's `deploy.hf_cache` and its `hub/`.
pub fn hf_cache_dirs(profile_hf_cache: Option<&str>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("HF_HUB_CACHE") {
        dirs.push(PathBuf::from(d));
    } else if let Some(d) = std::env::var_os("HF_HOME") {
        dirs.push(PathBuf::from(d).join("hub"));
    }
    if let Some(p) = profile_hf_cache {
        let base = expand_home(p);
        dirs.push(base.join("hub"));
        dirs.push(base);
    }
    dirs
}

fn snapshot(repo: &Path) -> Option<PathBuf> {
    let snapshots = repo.join("snapshots");
    if let Ok(rev) = std::fs::read_to_string(repo.join("refs/main")) {
        let dir = snapshots.join(rev.trim());
        if dir.join("config.json").is_file() {
            return Some(dir);
        }
    }
    let mut revs: Vec<PathBuf> = std::fs::read_dir(&snapshots)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    revs.sort();
    revs.into_iter().find(|d| d.join("config.json").is_file())
}

/// The flattened `config.json` of `model_id` from the first cache directory that holds it,
/// with the checkpoint's size from `model.safetensors.index.json` and a description of where
/// it was found.
///
/// Memoised per process: 1,000 profiles of one model probe the cache directories once, not
/// 1,000 times (a run reads a cache that does not change under it).
pub fn from_hf_cache(model_id: &str, dirs: &[PathBuf]) -> Option<CacheEntry> {
    static MEMO: super::memo::Memo<Option<CacheEntry>> = OnceLock::new();
    super::memo::once(&MEMO, model_id, dirs, || probe(model_id, dirs))
}

/// A model's flattened config, checkpoint size and where they were found.
pub type CacheEntry = (Map<String, Value>, Option<u64>, String);

fn probe(model_id: &str, dirs: &[PathBuf]) -> Option<CacheEntry> {
    if model_id.split('/').count() != 2 || model_id.contains("..") {
        return None;
    }
    let folder = format!("models--{}", model_id.replace('/', "--"));
    dirs.iter().find_map(|d| {
        let snap = snapshot(&d.join(&folder))?;
        let config: Value =
            serde_json::from_str(&std::fs::read_to_string(snap.join("config.json")).ok()?).ok()?;
        let index: Option<Value> =
            std::fs::read_to_string(snap.join("model.safetensors.index.json"))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok());
        let weight_bytes = index
            .as_ref()
            .and_then(|i| i.pointer("/metadata/total_size"))
            .and_then(Value::as_u64);
        Some((
            flatten(&config),
            weight_bytes,
            format!("Hugging Face cache ({})", snap.display()),
        ))
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::from_hf_cache;
    use crate::model::config::parse;

    #[test]
    fn reads_a_cache_laid_out_like_the_hub() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hf_cache");
        let (config, bytes, source) =
            from_hf_cache("acme/Tiny-AWQ", std::slice::from_ref(&dir)).unwrap();
        let f = parse(&config, bytes, source).unwrap();
        assert_eq!(
            (f.layers, f.attention_heads, f.kv_heads, f.head_dim),
            (4, 8, 2, 64)
        );
        assert_eq!(f.max_position_embeddings, 8192);
        assert_eq!(f.weight_bytes, Some(123_456_789));
        let q = f.quant.unwrap();
        assert_eq!((q.method.as_str(), q.bits, q.group_size), ("awq", 4, 64));
        assert!(
            f.source.contains("snapshots/2222"),
            "refs/main picks the snapshot: {}",
            f.source
        );
        assert!(from_hf_cache("acme/Missing", &[dir]).is_none());
    }
}
