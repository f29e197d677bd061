//! `vprof diff A B`: two resolved profiles key by key (dotted keys of the merged tree), with
//! vLLM's default of each profile's version where a `[vllm]` key is absent, then the unified
//! diff of their rendered files.
//!
//! A default that is null in vLLM's table means the engine decides at start-up (prefix
//! caching in the V1 engine, for example, is then on): it shows as
//! `(vLLM default: engine decides)`; a key absent with no known default shows `(not set)`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Context, load_deployment};
use crate::cli::Format;
use crate::error::Error;
use crate::exit::Outcome;
use crate::profile::Profile;
use crate::render::{self, diff};

/// One differing key: each side's value, and whether it is vLLM's default (not set).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyDiff {
    pub key: String,
    pub a: Option<Value>,
    pub b: Option<Value>,
    pub a_default: bool,
    pub b_default: bool,
}

pub fn run(ctx: &Context, a: &str, b: &str) -> Result<Outcome, Error> {
    let mut run = super::open(ctx)?;
    let Some(profiles) = load_deployment(ctx, &mut run, &[a.to_string(), b.to_string()], false)?
    else {
        return Ok(Outcome::Findings);
    };
    let (pa, pb) = (&profiles[0], &profiles[1]);
    let keys = key_diffs(pa, pb);
    let mut files_diff = String::new();
    let dir = ctx.cwd.clone();
    let ra = render::render(std::slice::from_ref(pa), &run.project, &dir, None)?;
    let rb = render::render(std::slice::from_ref(pb), &run.project, &dir, None)?;
    let color = ctx.format == Format::Human && ctx.printer.color_stdout;
    for (fa, fb) in ra.iter().zip(&rb) {
        let file = fa
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let file = file.unwrap_or_default();
        // The bodies: the headers differ by source and hash only.
        let body = |text: &str| {
            render::split_header(text)
                .map_or(text, |(_, b)| b)
                .to_string()
        };
        files_diff.push_str(&diff::unified(
            &diff::shown(fa.kind, &body(&fa.text)),
            &diff::shown(fb.kind, &body(&fb.text)),
            &format!("{}/{file}", pa.name),
            &format!("{}/{file}", pb.name),
            color,
        ));
    }
    match ctx.format {
        Format::Json => {
            let keys: Vec<Value> = keys
                .iter()
                .map(|k| {
                    json!({"key": k.key, "a": k.a, "b": k.b,
                           "a_default": k.a_default, "b_default": k.b_default})
                })
                .collect();
            let doc = json!({"a": pa.name, "b": pb.name, "keys": keys, "compose_diff": files_diff});
            ctx.printer.out(&format!("{doc:#}\n"));
        }
        Format::Human => {
            ctx.printer.out(&table(pa, pb, &keys));
            ctx.printer.out(&files_diff);
        }
    }
    Ok(Outcome::Success)
}

fn leaves(p: &Profile) -> BTreeMap<String, Value> {
    let mut out: BTreeMap<String, Value> = p
        .tree
        .leaves()
        .into_iter()
        .map(|(k, n)| (k, n.to_json()))
        .collect();
    out.remove("extends");
    out
}

/// The keys where two profiles differ, each side as deployed (`Profile::effective`: the
/// profile's value or vLLM's default of its version).
pub fn key_diffs(a: &Profile, b: &Profile) -> Vec<KeyDiff> {
    let (la, lb) = (leaves(a), leaves(b));
    let keys: BTreeSet<&String> = la.keys().chain(lb.keys()).collect();
    let side = |p: &Profile, leaves: &BTreeMap<String, Value>, key: &str| {
        if let Some(v) = leaves.get(key) {
            return (Some(v.clone()), false);
        }
        match p.effective(key) {
            Some(e) => (Some(e.value.clone()), e.is_default()),
            None => (None, false),
        }
    };
    keys.into_iter()
        .filter_map(|key| {
            let (va, da) = side(a, &la, key);
            let (vb, db) = side(b, &lb, key);
            (va != vb || da != db).then(|| KeyDiff {
                key: key.clone(),
                a: va,
                b: vb,
                a_default: da,
                b_default: db,
            })
        })
        .collect()
}

fn shown(value: &Option<Value>, default: bool) -> String {
    match (value, default) {
        (None, _) => String::from("(not set)"),
        (Some(Value::Null), true) => String::from("(vLLM default: engine decides)"),
        (Some(v), true) => format!("(default) {v}"),
        (Some(v), false) => v.to_string(),
    }
}

fn table(a: &Profile, b: &Profile, keys: &[KeyDiff]) -> String {
    if keys.is_empty() {
        return format!("`{}` and `{}` resolve to the same values\n", a.name, b.name);
    }
    let rows: Vec<(String, String, String)> = keys
        .iter()
        .map(|k| {
            (
                k.key.clone(),
                shown(&k.a, k.a_default),
                shown(&k.b, k.b_default),
            )
        })
        .collect();
    let wk = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(3);
    let wa = rows
        .iter()
        .map(|r| r.1.chars().count())
        .chain([a.name.len()])
        .max()
        .unwrap_or(0);
    let mut out = format!("{:<wk$}  {:<wa$} | {}\n", "key", a.name, b.name);
    for (k, va, vb) in rows {
        out.push_str(&format!("{k:<wk$}  {va:<wa$} | {vb}\n"));
    }
    out.push('\n');
    out
}
