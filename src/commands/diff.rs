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
use crate::pipeline::Pipeline;
use crate::profile::Profile;
use crate::render::{self, Kind, Target as RenderTarget, diff};

/// One differing key: each side's value, and whether it is vLLM's default (not set).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyDiff {
    pub key: String,
    pub a: Option<Value>,
    pub b: Option<Value>,
    pub a_default: bool,
    pub b_default: bool,
}

pub fn run(
    ctx: &Context,
    a: &str,
    b: &str,
    ta: RenderTarget,
    tb: RenderTarget,
) -> Result<Outcome, Error> {
    let mut run = super::open(ctx)?;
    // `vprof diff X X --b-target k8s` compares one profile across targets: load it once.
    let same = run.target(a)?.path == run.target(b)?.path;
    let names: Vec<String> = if same {
        vec![a.to_string()]
    } else {
        vec![a.to_string(), b.to_string()]
    };
    let Some(profiles) = load_deployment(ctx, &mut run, &names, false, &[ta, tb])? else {
        return Ok(Outcome::Findings);
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
    let args_diff = diff::unified(
        &lines(&target_args(pa, ta)?),
        &lines(&target_args(pb, tb)?),
        &format!("{la}/vllm-args"),
        &format!("{lb}/vllm-args"),
        color,
    );
    let mut files_diff = String::new();
    if ta == tb {
        let ra = rendered(pa, ta, &run)?;
        let rb = rendered(pb, tb, &run)?;
        // Files in rendering order; a file only one side renders diffs against nothing.
        let mut files: Vec<&String> = ra.iter().map(|(n, _)| n).collect();
        files.extend(
            rb.iter()
                .map(|(n, _)| n)
                .filter(|n| !ra.iter().any(|(m, _)| m == *n)),
        );
        for file in files {
            let side = |r: &[(String, (Kind, String))]| {
                r.iter()
                    .find(|(n, _)| n == file)
                    .map_or_else(String::new, |(_, (kind, text))| diff::shown(*kind, text))
            };
            files_diff.push_str(&diff::unified(
                &side(&ra),
                &side(&rb),
                &format!("{}/{file}", pa.name),
                &format!("{}/{file}", pb.name),
                color,
            ));
        }
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
            let doc = json!({"a": pa.name, "b": pb.name,
                             "a_target": target_name(ta), "b_target": target_name(tb),
                             "keys": keys, "args_diff": args_diff, "compose_diff": files_diff});
            ctx.printer.out(&format!("{doc:#}\n"));
        }
        Format::Human => {
            ctx.printer.out(&table(pa, pb, &keys));
            if ta != tb {
                if args_diff.is_empty() {
                    ctx.printer
                        .out(&format!("{la} and {lb} run the same vLLM arguments\n"));
                }
                ctx.printer.out(&args_diff);
            }
            ctx.printer.out(&files_diff);
        }
    }
    Ok(Outcome::Success)
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

/// Rendered files: name, kind and body.
type Rendered = Vec<(String, (Kind, String))>;

/// A profile's rendered files for a target, by file name, bodies without the vprof header
/// (headers differ by source and hash only).
fn rendered(p: &Profile, t: RenderTarget, run: &Pipeline) -> Result<Rendered, Error> {
    let dir = run.project.root.clone();
    let files = match t {
        RenderTarget::Compose => render::render(std::slice::from_ref(p), &run.project, &dir, None)?,
        RenderTarget::K8s => render::k8s::render(p, &run.project, &dir)?,
    };
    Ok(files
        .into_iter()
        .map(|f| {
            let name = f
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let body = render::split_header(&f.text)
                .map_or(f.text.as_str(), |(_, b)| b)
                .to_string();
            (name, (f.kind, body))
        })
        .collect())
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
