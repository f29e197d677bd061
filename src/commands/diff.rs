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
use crate::render::{self, Target as RenderTarget, diff};
use crate::report::documents::{DiffReport, KeyDiff};
use crate::report::{Align, Report, Table};

pub fn run(
    ctx: &Context,
    a: &str,
    b: &str,
    ta: RenderTarget,
    tb: RenderTarget,
) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    // `vprof diff X X --b-target k8s` compares one profile across targets: load it once.
    let names: Vec<String> = if run.target(a)?.path == run.target(b)?.path {
        vec![a.to_string()]
    } else {
        vec![a.to_string(), b.to_string()]
    };
    let Some(profiles) = run.load_for(&names, false, &[ta, tb])? else {
        return Ok(Report::findings(run));
    };
    let (pa, pb) = (&profiles[0], profiles.last().unwrap_or(&profiles[0]));
    let keys = key_diffs(pa, pb);
    let color = ctx.format == Format::Human && ctx.printer.color_stdout;
    let label = |p: &Profile, t: RenderTarget| {
        if ta == tb {
            p.name.clone()
        } else {
            format!("{}[{}]", p.name, target_name(t))
        }
    };
    let (la, lb) = (label(pa, ta), label(pb, tb));
    let plain_args = |color| -> Result<String, Error> {
        Ok(diff::unified(
            &lines(&target_args(pa, ta)?),
            &lines(&target_args(pb, tb)?),
            &format!("{la}/vllm-args"),
            &format!("{lb}/vllm-args"),
            color,
        ))
    };
    let args_diff = plain_args(false)?;
    let compose_diff = if ta == tb {
        files_diff(&run, (pa, ta), pb, &ctx.cwd, false)?
    } else {
        String::new()
    };
    let mut text = table(pa, pb, &keys);
    if ta == tb {
        text.push_str(&files_diff(&run, (pa, ta), pb, &ctx.cwd, color)?);
    } else if args_diff.is_empty() {
        text.push_str(&format!("{la} and {lb} run the same vLLM arguments\n"));
    } else {
        text.push_str(&plain_args(color)?);
    }
    let doc = DiffReport {
        a: pa.name.clone(),
        b: pb.name.clone(),
        a_target: target_name(ta).to_string(),
        b_target: target_name(tb).to_string(),
        keys,
        args_diff,
        compose_diff,
        findings: run.finding_list(),
    };
    Ok(Report::new(run, &doc).stdout(text))
}

fn target_name(t: RenderTarget) -> &'static str {
    match t {
        RenderTarget::Compose => "compose",
        RenderTarget::K8s => "k8s",
    }
}

/// The vLLM arguments a target runs (for k8s, those of the serving pod).
fn target_args(p: &Profile, t: RenderTarget) -> Result<Vec<String>, Error> {
    match t {
        RenderTarget::Compose => render::args::vllm_args(p)
            .map_err(|m| Error::Usage(format!("cannot render `{}`: {m}", p.name))),
        RenderTarget::K8s => render::k8s::server_args(p),
    }
}

fn lines(args: &[String]) -> String {
    args.iter().map(|a| format!("{a}\n")).collect()
}

/// The unified diff of the rendered bodies for one target (the headers differ by source and
/// hash only); files in rendering order, a file only one side renders diffs against nothing.
fn files_diff(
    run: &Pipeline,
    (pa, target): (&Profile, RenderTarget),
    pb: &Profile,
    dir: &Path,
    color: bool,
) -> Result<String, Error> {
    let rendered = |p: &Profile| -> Result<Vec<render::File>, Error> {
        match target {
            RenderTarget::Compose => {
                render::render(std::slice::from_ref(p), &run.project, dir, None)
            }
            RenderTarget::K8s => render::k8s::render(p, &run.project, dir),
        }
    };
    let (ra, rb) = (rendered(pa)?, rendered(pb)?);
    let name = |f: &render::File| {
        f.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let body = |f: &render::File| {
        diff::shown(
            f.kind,
            render::split_header(&f.text).map_or(f.text.as_str(), |(_, b)| b),
        )
    };
    let mut files: Vec<String> = ra.iter().map(name).collect();
    files.extend(
        rb.iter()
            .map(name)
            .filter(|n| !ra.iter().any(|f| name(f) == *n)),
    );
    let mut out = String::new();
    for file in files {
        let side = |r: &[render::File]| {
            r.iter()
                .find(|f| name(f) == file)
                .map_or_else(String::new, &body)
        };
        out.push_str(&diff::unified(
            &side(&ra),
            &side(&rb),
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
