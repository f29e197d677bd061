//! `vprof sweep GRID.toml --out DIR`: expand a grid of settings over a base profile into one
//! profile per point, check each (memory plan included), write those that would start and
//! report those that would not, with the reason.
//!
//! ```toml
//! base = "chunked_only_safe"          # profile name or path
//! [grid]                              # optional: cartesian product of these lists
//! "vllm.max_num_seqs" = [32, 48]
//! [[points]]                          # optional: explicit points, each crossed with [grid]
//! name = "prefix_only_095"
//! "vllm.gpu_memory_utilization" = 0.95
//! "vllm.enable_prefix_caching" = true
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Context, plural};
use crate::diagnostics::{Check, Diagnostic, Diagnostics, FileId};
use crate::error::Error;
use crate::pipeline::Pipeline;
use crate::profile::Profile;
use crate::profile::node::{Node, Origin, Value};
use crate::report::documents::{SweepPoint, SweepReport};
use crate::report::{Finding, Report};

/// At most this many points: a grid is for exploring, not for generating thousands of files.
const MAX_POINTS: usize = 4096;

/// One point: its name and the settings it changes.
#[derive(Debug, Clone)]
struct Point {
    name: String,
    settings: Vec<(String, Node)>,
}

pub fn run(ctx: &Context, grid_path: &Path, out: &Path) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let grid_abs = ctx.cwd.join(grid_path);
    let display = super::shown(ctx, &grid_abs);
    let Some((base, points)) = read_grid(&mut run, &grid_abs)? else {
        return Ok(Report::findings(run));
    };
    let Some(base_profile) = run.load_one(&base)? else {
        return Ok(Report::findings(run));
    };
    // The base's own findings are not the sweep's: report them only if they are errors.
    if run.has_errors() {
        return Ok(Report::findings(run));
    }
    run.clear_findings();
    // A misspelt key would make every point fail for the same non-reason: it is an error of
    // the grid, located there (exit 1), before anything is written.
    let mut key_diags = Diagnostics::default();
    check_keys(&points, &base_profile, &mut key_diags);
    if key_diags.has_errors() {
        run.absorb(key_diags);
        return Ok(Report::findings(run));
    }
    let out_dir = ctx.cwd.join(out);
    std::fs::create_dir_all(&out_dir).map_err(|source| Error::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let mut results = Vec::new();
    let mut to_write: Vec<(PathBuf, String)> = Vec::new();
    for point in &points {
        let tree = point_tree(&base_profile, point);
        let (_, diags) = run.resolve_tree(
            &point.name,
            &base_profile.path,
            base_profile.files.clone(),
            tree.clone(),
        );
        let reasons: Vec<String> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {}", d.check, d.message))
            .collect();
        let path = out_dir.join(format!("{}.toml", point.name));
        let fits = reasons.is_empty();
        if fits {
            if let Some(reason) = crate::profile::name::invalid(&point.name) {
                return Err(Error::Usage(format!(
                    "point `{}` is not a valid profile name: {reason}",
                    crate::profile::name::shown(&point.name)
                )));
            }
            let text = profile_text(&tree, &base, &display, &point.name)?;
            to_write.push((path.clone(), text));
        }
        results.push(SweepPoint {
            name: point.name.clone(),
            fits,
            file: fits.then(|| super::shown(ctx, &path)),
            reasons,
            findings: Finding::all(diags.iter(), &run.sources),
        });
    }
    write_points(ctx, &to_write)?;
    let text = human(&results);
    let doc = SweepReport {
        points: results,
        findings: run.finding_list(),
    };
    Ok(Report::new(run, &doc).stdout(text))
}

/// Every dotted key the points set must name a setting of the base profile's format (and,
/// under `vllm.`, an argument of the base's vLLM version).
fn check_keys(points: &[Point], base: &Profile, diags: &mut Diagnostics) {
    let mut seen = std::collections::BTreeSet::new();
    for (key, node) in points.iter().flat_map(|p| &p.settings) {
        if !seen.insert(key.clone()) {
            continue;
        }
        let (section, rest) = key.split_once('.').unwrap_or(("", key.as_str()));
        let problem = if section == "vllm" {
            let flag = rest.split('.').next().unwrap_or(rest);
            let table = crate::vllm::table(base.version);
            table.get(flag).is_none().then(|| {
                let hint = table
                    .suggest(flag)
                    .map(|s| format!("; did you mean `vllm.{s}`?"))
                    .unwrap_or_default();
                format!(
                    "`{flag}` is not an argument of vLLM {} (the base's version){hint}",
                    base.version.as_str()
                )
            })
        } else {
            unknown_field(key, node)
        };
        if let Some(why) = problem {
            diags.push(
                Diagnostic::new(Check::Schema, format!("unknown key `{key}` in a sweep grid: {why}"))
                    .at(node.origin.line_label("unknown key"))
                    .with_help("grid keys are dotted profile keys, e.g. \"vllm.max_num_seqs\" or \"deploy.port\""),
            );
        }
    }
}

/// Whether the profile format has a dotted key, by deserializing it alone.
fn unknown_field(key: &str, node: &Node) -> Option<String> {
    let mut value = node.to_json();
    for part in key.rsplit('.') {
        value = serde_json::json!({ part: value });
    }
    let err = serde_json::from_value::<crate::profile::raw::Profile>(value).err()?;
    let text = err.to_string();
    text.contains("unknown field").then_some(text)
}

/// Read and parse the grid file; `None` after a finding.
fn read_grid(run: &mut Pipeline, path: &Path) -> Result<Option<(String, Vec<Point>)>, Error> {
    let Some((file, doc)) = run.read_toml(path)? else {
        return Ok(None);
    };
    let mut diags = Diagnostics::default();
    let grid = parse_grid(&doc, file, &mut diags);
    run.absorb(diags);
    Ok(grid)
}

/// The base profile's merged tree with a point's settings, no `extends`, and the point named
/// in its description.
fn point_tree(base: &Profile, point: &Point) -> Node {
    let mut tree = base.tree.clone();
    for (key, value) in &point.settings {
        set(&mut tree, key, value.clone());
    }
    if let Value::Table(t) = &mut tree.value {
        t.remove("extends");
        let origin = t
            .get("description")
            .map_or(tree.origin.clone(), |d| d.origin.clone());
        let was = t
            .get("description")
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        let text = format!("{was} [sweep point {}]", point.name)
            .trim_start()
            .to_string();
        t.insert(
            "description".into(),
            Node {
                value: Value::String(text),
                origin,
            },
        );
    }
    tree
}

fn human(results: &[SweepPoint]) -> String {
    let mut text = String::new();
    for p in results {
        match &p.file {
            Some(path) => text.push_str(&format!("ok    {} → {path}\n", p.name)),
            None => {
                text.push_str(&format!("FAIL  {}\n", p.name));
                for r in &p.reasons {
                    text.push_str(&format!("      {r}\n"));
                }
            }
        }
    }
    let ok = results.iter().filter(|p| p.fits).count();
    text.push_str(&format!(
        "{} written, {} would not start\n",
        plural(ok, "profile"),
        results.len() - ok
    ));
    text
}

fn grid_error(diags: &mut Diagnostics, node: &Node, message: impl Into<String>, label: &str) {
    diags.push(Diagnostic::new(Check::Schema, message).at(node.origin.line_label(label)));
}

/// Read `base`, `[grid]` and `[[points]]`; `None` after reporting a problem.
fn parse_grid(doc: &Node, file: FileId, diags: &mut Diagnostics) -> Option<(String, Vec<Point>)> {
    let table = doc.as_table()?;
    let before = diags.error_count();
    for (k, v) in table {
        if !["base", "grid", "points"].contains(&k.as_str()) {
            grid_error(
                diags,
                v,
                format!("unknown key `{k}` in a sweep grid"),
                "expected base, [grid] or [[points]]",
            );
        }
    }
    let Some(base) = table.get("base").and_then(Node::as_str) else {
        diags.push(
            Diagnostic::new(
                Check::Schema,
                "missing `base`: the profile the sweep starts from",
            )
            .at(crate::diagnostics::Label::new(file, 0..0, "in this grid")),
        );
        return None;
    };
    let mut points = explicit_points(table.get("points"), diags);
    if let Some(grid) = table.get("grid") {
        points = cross_grid(points, grid, diags)?;
    }
    name_points(&mut points, base);
    (diags.error_count() == before).then(|| (base.to_string(), points))
}

/// `[[points]]`, each named (`p01`, ... by default); one empty point without them.
fn explicit_points(points: Option<&Node>, diags: &mut Diagnostics) -> Vec<Point> {
    let empty = Point {
        name: String::new(),
        settings: Vec::new(),
    };
    let Some(node) = points else {
        return vec![empty];
    };
    let Value::Array(items) = &node.value else {
        grid_error(
            diags,
            node,
            "`points` must be an array of tables ([[points]])",
            "not an array",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(t) = item.as_table() else {
            grid_error(diags, item, "a point must be a table", "not a table");
            continue;
        };
        let name = t
            .get("name")
            .and_then(Node::as_str)
            .map_or(format!("p{:02}", i + 1), str::to_string);
        let settings = t
            .iter()
            .filter(|(k, _)| *k != "name")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.push(Point { name, settings });
    }
    out
}

/// Cross the points with every `[grid]` axis; `None` when the grid is not a table or has
/// too many points.
fn cross_grid(mut points: Vec<Point>, grid: &Node, diags: &mut Diagnostics) -> Option<Vec<Point>> {
    let Some(axes) = grid.as_table() else {
        grid_error(
            diags,
            grid,
            "`grid` must be a table of lists",
            "not a table",
        );
        return None;
    };
    for (key, values) in axes {
        let Value::Array(options) = &values.value else {
            grid_error(
                diags,
                values,
                format!("`{key}` must list the values to try"),
                "not an array",
            );
            continue;
        };
        let mut next = Vec::new();
        for p in &points {
            for v in options {
                let mut q = p.clone();
                let suffix = format!("{}-{}", key.rsplit('.').next().unwrap_or(key), short(v));
                q.name = if q.name.is_empty() {
                    suffix
                } else {
                    format!("{}_{suffix}", q.name)
                };
                q.settings.push((key.clone(), v.clone()));
                next.push(q);
            }
        }
        points = next;
        if points.len() > MAX_POINTS {
            grid_error(
                diags,
                values,
                format!("the grid has more than {MAX_POINTS} points"),
                "too many combinations",
            );
            return None;
        }
    }
    Some(points)
}

/// File-safe, unique point names (the base's name for an unnamed point).
fn name_points(points: &mut [Point], base: &str) {
    let mut seen = BTreeMap::new();
    for p in points {
        if p.name.is_empty() {
            p.name = base.to_string();
        }
        p.name = p
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let count = seen.entry(p.name.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            p.name = format!("{}_{count}", p.name);
        }
    }
}

/// A value as it appears in a point name.
fn short(v: &Node) -> String {
    match &v.value {
        Value::Boolean(true) => "on".into(),
        Value::Boolean(false) => "off".into(),
        _ => v.to_json().to_string().trim_matches('"').to_string(),
    }
}

/// Set a dotted key in a tree, creating tables as needed; the value keeps its origin.
fn set(tree: &mut Node, dotted: &str, value: Node) {
    let mut patch = value;
    for part in dotted.rsplit('.') {
        let origin = Origin {
            key_span: None,
            ..patch.origin.clone()
        };
        let mut t = BTreeMap::new();
        t.insert(part.to_string(), patch);
        patch = Node {
            value: Value::Table(t),
            origin,
        };
    }
    tree.merge(&patch);
}

fn profile_text(tree: &Node, base: &str, grid: &str, name: &str) -> Result<String, Error> {
    let body = toml::to_string(&tree.to_json())
        .map_err(|e| Error::Usage(format!("cannot write point {name}: {e}")))?;
    let grid = crate::render::comment_safe(grid);
    let base = crate::render::comment_safe(base);
    Ok(format!(
        "{SWEEP_HEADER}{grid}`: point `{name}` over `{base}`.\n{body}"
    ))
}

/// How every profile a sweep writes starts: a file without it is not replaced.
const SWEEP_HEADER: &str = "# Generated by `vprof sweep ";

/// Write the points, after checking every target: a file that exists and was not written by
/// a sweep (a hand-written profile or partial) is never replaced; nothing is written then.
fn write_points(ctx: &Context, files: &[(PathBuf, String)]) -> Result<(), Error> {
    let mut refused = Vec::new();
    for (path, text) in files {
        if let Some(old) = crate::render::write::read_existing(path)?
            && old != *text
            && !old.starts_with(SWEEP_HEADER)
        {
            refused.push(super::shown(ctx, path));
        }
    }
    if !refused.is_empty() {
        return Err(Error::Usage(format!(
            "refusing to overwrite {}: not written by vprof sweep (a hand-written profile or partial); nothing was written: choose another --out or move the files away",
            refused.join(", ")
        )));
    }
    for (path, text) in files {
        crate::render::write::write_atomic(path, text, crate::render::Kind::Compose)?;
    }
    Ok(())
}
