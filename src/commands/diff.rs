//! `vprof diff A B`: two resolved profiles key by key (dotted keys of the merged tree), with
//! vLLM's default of each profile's version where a `[vllm]` key is absent, then the unified
//! diff of their rendered files.
//!
//! A default that is null in vLLM's table means the engine decides at start-up (prefix
//! caching in the V1 engine, for example, is then on): it shows as
//! `(vLLM default: engine decides)`; a key absent with no known default shows `(not set)`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use std::path::Path;

use super::Context;
use crate::cli::Format;
use crate::error::Error;
use crate::pipeline::Pipeline;
use crate::profile::Profile;
use crate::render::{self, diff};
use crate::report::documents::{DiffReport, KeyDiff};
use crate::report::{Align, Report, Table};

pub fn run(ctx: &Context, a: &str, b: &str) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let Some(profiles) = run.load_deployment(&[a.to_string(), b.to_string()], false)? else {
        return Ok(Report::findings(run));
    };
    let (pa, pb) = (&profiles[0], &profiles[1]);
    let keys = key_diffs(pa, pb);
    let color = ctx.format == Format::Human && ctx.printer.color_stdout;
    let compose_diff = files_diff(&run, pa, pb, &ctx.cwd, color)?;
    let mut text = table(pa, pb, &keys);
    text.push_str(&compose_diff);
    let doc = DiffReport {
        a: pa.name.clone(),
        b: pb.name.clone(),
        keys,
        compose_diff,
        findings: run.finding_list(),
    };
    Ok(Report::new(run, &doc).stdout(text))
}

/// The unified diff of the rendered bodies (the headers differ by source and hash only).
fn files_diff(
    run: &Pipeline,
    pa: &Profile,
    pb: &Profile,
    dir: &Path,
    color: bool,
) -> Result<String, Error> {
    let ra = render::render(std::slice::from_ref(pa), &run.project, dir, None)?;
    let rb = render::render(std::slice::from_ref(pb), &run.project, dir, None)?;
    let body = |text: &str| {
        render::split_header(text)
            .map_or(text, |(_, b)| b)
            .to_string()
    };
    let mut out = String::new();
    for (fa, fb) in ra.iter().zip(&rb) {
        let file = fa
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push_str(&diff::unified(
            &diff::shown(fa.kind, &body(&fa.text)),
            &diff::shown(fb.kind, &body(&fb.text)),
            &format!("{}/{file}", pa.name),
            &format!("{}/{file}", pb.name),
            color,
        ));
    }
    Ok(out)
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
    let mut table = Table::new(&[Align::Left, Align::Left, Align::Left]).separator(1, " | ");
    table.row(["key", a.name.as_str(), b.name.as_str()]);
    for k in keys {
        table.row([
            k.key.clone(),
            shown(&k.a, k.a_default),
            shown(&k.b, k.b_default),
        ]);
    }
    let mut out = table.render();
    out.push('\n');
    out
}
