//! `vprof import`: compose files that run vLLM → profiles, and a report of what could not be
//! mapped, each item at its line.
//!
//! ```text
//! yaml          the compose file as a tree whose nodes know their lines (yaml-rust2 events)
//! interpolate   ${VAR}, ${VAR:-default}, nested defaults: the default becomes the value
//! command       entrypoint + command → the vLLM arguments (lists, strings, folded blocks,
//!               python -m ...api_server, vllm serve MODEL)
//! shell         sh -c scripts around vLLM, and `#` comments that swallow flags
//! args          arguments read as vLLM's parser reads them, through the version's flag table
//! vllm_args     arguments → [vllm] (typed values, JSON as tables, secrets as references)
//! infer         an unpinned image's vLLM version, bounded by the flags its command uses
//! migrate       flags the version lost → what replaced them (rope_scaling → hf_overrides)
//! deploy        image, GPUs, port, volumes → [deploy]
//! environment   environment: GPU variables, secrets as names, plain variables
//! service       one service → one profile, or why not
//! partial       settings shared by several imported profiles → a partial `_NAME.toml`
//! toml_text     the profiles as TOML text
//! ```
//!
//! Nothing here reads the shell's environment: an imported profile holds what the compose
//! file says, with the values of the env files given (`Input::values`, what compose reads
//! beside it) and defaults of `${VAR:-default}`; every variable is reported with where its
//! value came from, and secrets are never copied, only named.
//! env_file      env files (`--env-file`, `.env`) → variable values with their file and line

mod args;
mod command;
mod deploy;
mod env_file;
mod environment;
mod infer;
mod interpolate;
mod migrate;
mod partial;
mod secrets;
mod service;
mod shell;
mod toml_text;
mod vllm_args;
mod yaml;

pub use args::{Arg, ArgValue, effective, normalise, parse as parse_args};
pub use command::{Invocation, Lines, NotVllm, Token, invocation};
pub use env_file::{Origin, Refused, Set, Values};
pub use infer::{Inferred, newest_accepting};
pub use interpolate::{Interpolated, Var, interpolate};
pub use secrets::{is_secret_name, mask as mask_secrets};
pub use toml_text::profile_text;
pub use yaml::{Node, YamlError, parse as parse_yaml};

use crate::diagnostics::{Check, Level};

/// Something the importer says about a line of a compose file.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub line: usize,
    pub check: Check,
    pub level: Level,
    pub message: String,
    pub help: Option<String>,
}

impl Note {
    pub fn new(line: usize, check: Check, message: impl Into<String>) -> Note {
        Note {
            line,
            check,
            level: check.default_level(),
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Note {
        self.help = Some(help.into());
        self
    }

    pub fn error(mut self) -> Note {
        self.level = Level::Error;
        self
    }
}

/// One compose file to import: how it is shown, its text, and the values of the env files
/// compose would read with it.
#[derive(Debug, Clone)]
pub struct Input {
    pub display: String,
    pub text: String,
    pub values: Values,
}

impl Input {
    /// The text with its line breaks as YAML reads them: `\r\n` and a lone `\r` are each one
    /// break. Normalised once here, every line number (the YAML parser's, the notes', the
    /// source lines shown) counts the same lines.
    pub fn new(display: String, text: &str) -> Input {
        Input {
            display,
            text: text.replace("\r\n", "\n").replace('\r', "\n"),
            values: Values::default(),
        }
    }

    /// The same input, its `${VAR}` read with these values.
    pub fn with_values(self, values: Values) -> Input {
        Input { values, ..self }
    }
}

/// A profile or partial to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// File stem (`vllm_medium`, `_qwen3_32b`).
    pub name: String,
    pub table: toml::Table,
    /// The compose file (index into the inputs) and service it came from; none for partials.
    pub source: Option<(usize, String)>,
}

impl Output {
    pub fn text(&self, inputs: &[Input]) -> String {
        let header = match &self.source {
            Some((file, service)) => vec![format!(
                "Imported by vprof from {} (service {service}).",
                inputs[*file].display
            )],
            None => vec![String::from(
                "Settings shared by the profiles vprof imported together.",
            )],
        };
        profile_text(&header, &self.table)
    }
}

/// A service that was left alone, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Other {
    pub file: usize,
    pub service: String,
    pub line: usize,
    pub reason: String,
}

/// Everything one import produced.
#[derive(Debug, Default)]
pub struct Import {
    pub profiles: Vec<Output>,
    pub partials: Vec<Output>,
    pub others: Vec<Other>,
    /// Notes per input file.
    pub notes: Vec<Vec<Note>>,
    /// Services selected by `--service` that were found.
    pub matched_services: usize,
}

/// Import the vLLM services of `inputs` (only `service` when given).
pub fn import(inputs: &[Input], only: Option<&str>) -> Import {
    let mut out = Import {
        notes: vec![Vec::new(); inputs.len()],
        ..Import::default()
    };
    let mut found: Vec<(usize, String, toml::Table)> = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let notes = &mut out.notes[index];
        let doc = match yaml::parse(&input.text) {
            Ok(doc) => doc,
            Err(err) => {
                notes.push(
                    Note::new(
                        err.line,
                        Check::ImportUnmapped,
                        format!("not a YAML file vprof can read: {}", err.message),
                    )
                    .error(),
                );
                continue;
            }
        };
        let Some(services) = doc.get("services").filter(|s| !s.entries().is_empty()) else {
            notes.push(
                Note::new(
                    doc.line,
                    Check::ImportUnmapped,
                    "no `services` in this file",
                )
                .error(),
            );
            continue;
        };
        let lines = Lines::new(&input.text);
        for e in services.entries() {
            if only.is_some_and(|o| o != e.key) {
                continue;
            }
            out.matched_services += 1;
            let mut svc_notes = Vec::new();
            if !service::mentions_vllm(e.value) {
                out.others.push(Other {
                    file: index,
                    service: e.key.to_string(),
                    line: e.line,
                    reason: String::from("it does not run vLLM"),
                });
                continue;
            }
            match service::map(e.key, e.value, &lines, &input.values, &mut svc_notes) {
                service::Outcome::Profile(table) => {
                    notes.extend(svc_notes);
                    found.push((index, e.key.to_string(), table));
                }
                service::Outcome::Failed(note) => notes.push(note.error()),
                service::Outcome::Other(reason) => out.others.push(Other {
                    file: index,
                    service: e.key.to_string(),
                    line: e.line,
                    reason,
                }),
            }
        }
    }
    let names = names(inputs, &found);
    let mut profiles: Vec<Output> = found
        .into_iter()
        .zip(names)
        .map(|((file, service, table), name)| Output {
            name,
            table,
            source: Some((file, service)),
        })
        .collect();
    out.partials = partial::extract(&mut profiles);
    out.profiles = profiles;
    out
}

/// The entry point for fuzzing `vprof import` (issue 8): read arbitrary bytes as a compose
/// file and check what must hold for any input. Panics only when an invariant breaks: every
/// profile and partial written is TOML that parses back to the table it was made from, and
/// every note points at a line of the input.
pub fn fuzz_one(data: &[u8]) {
    let inputs = [Input::new(
        String::from("fuzz.yml"),
        &String::from_utf8_lossy(data),
    )];
    let result = import(&inputs, None);
    for o in result.profiles.iter().chain(&result.partials) {
        let text = o.text(&inputs);
        let back: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("imported profile is not TOML ({e}):\n{text}"));
        assert_eq!(
            back, o.table,
            "the TOML text differs from its table:\n{text}"
        );
    }
    let lines = inputs[0].text.lines().count().max(1);
    for note in result.notes.iter().flatten() {
        assert!(
            (1..=lines + 1).contains(&note.line),
            "note at line {} of a {lines}-line input: {}",
            note.line,
            note.message
        );
    }
}

/// A profile name from free text: lower case, `[a-z0-9_]`, no leading underscore.
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    let s = s.trim_matches('_').to_string();
    if s.is_empty() {
        String::from("vllm")
    } else {
        s
    }
}

/// Profile names: the service's name, or (when several services share it) the file's stem
/// in front of it.
fn names(inputs: &[Input], found: &[(usize, String, toml::Table)]) -> Vec<String> {
    let base: Vec<String> = found.iter().map(|(_, s, _)| slug(s)).collect();
    let mut used = std::collections::BTreeSet::new();
    base.iter()
        .enumerate()
        .map(|(i, b)| {
            let shared = base.iter().filter(|o| *o == b).count() > 1;
            let mut name = if shared {
                let (file, _, _) = &found[i];
                let stem = std::path::Path::new(&inputs[*file].display)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                slug(stem.trim_start_matches("docker-compose-"))
            } else {
                b.clone()
            };
            let root = name.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{root}_{n}");
                n += 1;
            }
            name
        })
        .collect()
}
