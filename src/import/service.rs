//! One compose service that runs vLLM → one profile (as a TOML table), plus notes on what
//! could not be mapped, each at its line.
//!
//! Mapped: `image` (its tag selects the flag table), `command`/`entrypoint` (see
//! `command.rs`), `container_name`, GPUs (`deploy.resources.reservations.devices`, else
//! `NVIDIA_VISIBLE_DEVICES` / `CUDA_VISIBLE_DEVICES`), the port that reaches vLLM, volumes
//! (the Hugging Face cache becomes `hf_cache`), `environment` (secrets become names),
//! `healthcheck.start_period`, `shm_size`, `ipc`. Everything else is reported.

use toml::{Table, Value};

use super::args;
use super::command::{Lines, NotVllm, Token};
use super::deploy;
use super::env_file::Values;
use super::infer;
use super::vllm_args;
use super::yaml::Node;
use super::{Note, interpolate};
use crate::diagnostics::{Check, Level};
use crate::vllm::{Pinning, Tables, Version, table, target};

/// Compose keys of a service that the importer maps (others are reported).
const MAPPED: &[&str] = &[
    "image",
    "command",
    "entrypoint",
    "container_name",
    "environment",
    "ports",
    "volumes",
    "deploy",
    "healthcheck",
    "shm_size",
    "ipc",
    "restart",
];

/// What a service turned out to be.
#[derive(Debug)]
pub enum Outcome {
    /// A profile.
    Profile(Table),
    /// A vLLM service whose arguments cannot be read: the reason, at its line.
    Failed(Note),
    /// Not a vLLM server: left alone.
    Other(String),
}

/// The image of a service, interpolated, with the line of its value.
fn image(svc: &Node, values: &Values, notes: &mut Vec<Note>) -> Option<(String, usize)> {
    let node = svc.get("image")?;
    let raw = node.as_str()?;
    match interpolate::interpolate(raw, values) {
        Ok(i) => {
            for v in &i.vars {
                notes.push(interpolation_note(node.line, v));
            }
            Some((i.text, node.line))
        }
        Err(m) => {
            notes.push(Note::new(
                node.line,
                Check::ImportUnmapped,
                format!("invalid interpolation in `image`: {m}"),
            ));
            None
        }
    }
}

/// What the report says of a variable; a secret's value (by its name) is never shown.
pub fn interpolation_note(line: usize, v: &interpolate::Var) -> Note {
    interpolation_note_hiding(line, v, super::secrets::is_secret_name(&v.name))
}

/// [`interpolation_note`], hiding the value when `hide` (a secret, by name or by the flag
/// that takes it). A value an env file gave is a note (compose would use it too); a default
/// or no value at all is a warning.
pub fn interpolation_note_hiding(line: usize, v: &interpolate::Var, hide: bool) -> Note {
    let name = &v.name;
    let message = match (&v.value, &v.set_in, hide) {
        (Some(value), Some(origin), false) => {
            format!("`${{{name}}}` imported as `{value}`, set in {origin}")
        }
        (_, Some(origin), _) => {
            format!("`${{{name}}}` is set in {origin}; the value was not copied")
        }
        (Some(_), None, true) => format!("`${{{name}}}` has a default; the value was not copied"),
        (Some(d), None, false) => format!("`${{{name}}}` imported as its default `{d}`"),
        (None, None, _) => {
            return Note::new(
                line,
                Check::ImportInterpolation,
                format!("`${{{name}}}` has no default: vprof cannot know its value"),
            )
            .help("give its value with --env-file FILE (the file docker compose reads), or set it in the profile");
        }
    };
    let mut note = Note::new(line, Check::ImportInterpolation, message);
    if v.set_in.is_some() {
        note.level = Level::Note;
    }
    note
}

/// Whether a variable deserves a note: secrets with no value anywhere are simply references.
pub fn worth_noting(v: &interpolate::Var) -> bool {
    v.value.is_some() || v.set_in.is_some() || !super::secrets::is_secret_name(&v.name)
}

/// Whether the service looks like it means to run vLLM (its image or command say so).
pub fn mentions_vllm(svc: &Node) -> bool {
    let image = svc.get("image").and_then(Node::as_str).unwrap_or("");
    let repo = image.rsplit('/').next().unwrap_or(image);
    let repo = repo.split(':').next().unwrap_or(repo);
    if repo.to_ascii_lowercase().contains("vllm") {
        return true;
    }
    let mut text = String::new();
    for key in ["command", "entrypoint"] {
        if let Some(n) = svc.get(key) {
            match n.as_seq() {
                Some(items) => items
                    .iter()
                    .filter_map(Node::as_str)
                    .for_each(|s| text.push_str(s)),
                None => text.push_str(n.as_str().unwrap_or("")),
            }
        }
    }
    text.contains("vllm serve") || text.contains("vllm.entrypoints") || text.contains("--model")
}

/// Map one service.
pub fn map(
    name: &str,
    svc: &Node,
    lines: &Lines<'_>,
    values: &Values,
    notes: &mut Vec<Note>,
) -> Outcome {
    let inv = match super::command::invocation(
        svc.get("entrypoint"),
        svc.get("command"),
        lines,
        values,
    ) {
        Ok(inv) => inv,
        Err(NotVllm { line, message }) => {
            let script_file = message.contains("not in the compose file");
            return if script_file {
                Outcome::Failed(Note::new(
                    line,
                    Check::ImportUnmapped,
                    format!("service `{name}` is not imported: {message}"),
                ))
            } else {
                Outcome::Other(message)
            };
        }
    };
    let (image, (version, pinned)) = match image(svc, values, notes) {
        Some((img, line)) => {
            let version = version_of(&img, line, &inv.args, notes);
            (img, version)
        }
        None => {
            let line = svc.entry("build").map_or(svc.line, |e| e.line);
            notes.push(
                Note::new(line, Check::ImportUnmapped, String::from("the service has no image (it is built): `deploy.image` is set to vllm/vllm-openai:latest"))
                    .help("set deploy.image to the tag of the image you build"),
            );
            (
                String::from("vllm/vllm-openai:latest"),
                (Version::newest(), None),
            )
        }
    };
    let flags = table(version);
    for d in &inv.dropped {
        notes.push(Note::new(d.line, Check::ImportUnmapped, d.message.clone()));
    }
    let (parsed, dropped) = args::parse(&inv.args, flags);
    for d in dropped {
        notes.push(Note::new(d.line, Check::ImportUnmapped, d.message));
    }
    let vars: Vec<interpolate::Var> = inv.vars.iter().map(|(_, v)| v.clone()).collect();
    let model = inv.model.as_ref().map(|t| (t.text.as_str(), t.line));
    let side = vllm_args::map(&parsed, model, &vars, flags, notes);
    for (line, v) in inv.vars.iter().filter(|(_, v)| worth_noting(v)) {
        let at = lines
            .find(*line, &format!("${{{}", v.name))
            .unwrap_or(*line);
        let hide = side.secret_vars.contains(&v.name) || super::secrets::is_secret_name(&v.name);
        notes.push(interpolation_note_hiding(at, v, hide));
    }
    if !side.table.contains_key("model") {
        notes.push(
            Note::new(
                svc.get("command").map_or(svc.line, |c| c.line),
                Check::ImportUnmapped,
                String::from("no model in the command (`--model` or `vllm serve MODEL`)"),
            )
            .help("set vllm.model by hand"),
        );
    }
    for e in svc.entries() {
        if !MAPPED.contains(&e.key) {
            notes.push(Note::new(
                e.line,
                Check::ImportUnmapped,
                format!("`{}` is not imported: a profile cannot express it", e.key),
            ));
        }
    }
    let (mut deploy, api_key_var) = deploy::map(name, svc, &image, &side, values, notes);
    if let Some(v) = pinned {
        deploy = with_version(deploy, v);
    }
    let mut vllm = side.table;
    if let Some(var) = api_key_var {
        let mut r = Table::new();
        r.insert("env".into(), Value::String(var));
        vllm.insert("api_key".into(), Value::Table(r));
    }
    let mut profile = Table::new();
    profile.insert("deploy".into(), Value::Table(deploy));
    profile.insert("vllm".into(), Value::Table(ordered_vllm(vllm)));
    Outcome::Profile(profile)
}

/// `vllm_version` right after `image`.
fn with_version(deploy: Table, version: Version) -> Table {
    let mut out = Table::new();
    for (k, v) in deploy {
        let after_image = k == "image";
        out.insert(k, v);
        if after_image {
            out.insert("vllm_version".into(), Value::String(version.to_string()));
        }
    }
    out
}

/// `model` first, then the rest in command order.
fn ordered_vllm(mut t: Table) -> Table {
    let mut out = Table::new();
    if let Some(m) = t.remove("model") {
        out.insert("model".into(), m);
    }
    out.extend(t);
    out
}

/// The version whose flag table reads the command, and the `vllm_version` to write when the
/// tag does not pin one but the command's flags bound it ([`infer`]).
fn version_of(
    image: &str,
    line: usize,
    tokens: &[Token],
    notes: &mut Vec<Note>,
) -> (Version, Option<Version>) {
    let found = target(image, None, None, &Tables::default());
    if let (Pinning::VersionTag, None) = (&found.pinning, &found.problem) {
        return (found.version, None);
    }
    let newest = Version::newest();
    let what = match found.pinning {
        Pinning::Floating if found.tag.is_empty() => String::from("the image tag `(none)`"),
        Pinning::Floating => format!("the image tag `{}`", found.tag),
        _ => format!("the image `{image}`"),
    };
    if found.pinning != Pinning::VersionTag
        && let Some(inferred) = infer::newest_accepting(tokens)
    {
        let v = inferred.version;
        notes.push(
            Note::new(line, Check::ImportImage, format!("{what} does not pin a vLLM version; vLLM {} does not accept `{}`: imported for vLLM {v}, the newest version that accepts every flag of the command", inferred.removed_in, inferred.flag))
                .help(format!("pin the image, e.g. vllm/vllm-openai:v{v}; meanwhile `vllm_version = \"{v}\"` says which flags apply")),
        );
        return (v, Some(v));
    }
    let note = match found.pinning {
        Pinning::Floating => Note::new(
            line,
            Check::ImportImage,
            format!("{what} does not pin a vLLM version; vLLM {newest}'s flags are assumed"),
        )
        .help("pin the image to a release tag, e.g. vllm/vllm-openai:v0.11.0"),
        _ => Note::new(
            line,
            Check::ImportImage,
            format!(
                "{what} does not name a vLLM version vprof knows; vLLM {newest}'s flags are assumed"
            ),
        )
        .help("set vllm_version in [deploy] or vprof.toml to the version this image runs"),
    };
    notes.push(note);
    (newest, None)
}
