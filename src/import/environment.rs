//! The `environment` of a service: GPU variables become `gpu_ids`, secrets become names (or
//! the API key's reference), the rest plain variables with defaults applied.

use super::Note;
use super::deploy::text;
use super::env_file::Values;
use super::interpolate::interpolate;
use super::secrets::{self, SecretValue};
use super::vllm_args::VllmSide;
use super::yaml::Node;
use crate::diagnostics::Check;
use crate::render::compose::API_KEY_VAR;

const GPU_VARS: &[&str] = &["NVIDIA_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES"];

#[derive(Debug, Default)]
pub struct Env {
    pub plain: Vec<(String, String)>,
    pub secrets: Vec<String>,
    pub gpu_ids: Option<(Vec<String>, usize)>,
    /// The variable `VLLM_API_KEY` is read from.
    pub api_key: Option<String>,
}

/// `environment` as a list of `K=V` or a mapping: (name, value node or None, line).
fn env_items(node: &Node) -> Vec<(String, Option<Node>, usize)> {
    if let Some(items) = node.as_seq() {
        return items
            .iter()
            .filter_map(|item| {
                let s = item.as_str()?;
                Some(match s.split_once('=') {
                    Some((k, v)) => (
                        k.trim().to_string(),
                        Some(Node {
                            line: item.line,
                            value: super::yaml::Value::Scalar {
                                text: v.to_string(),
                                plain: false,
                            },
                        }),
                        item.line,
                    ),
                    None => (s.trim().to_string(), None, item.line),
                })
            })
            .collect();
    }
    node.entries()
        .into_iter()
        .map(|e| {
            (
                e.key.to_string(),
                (!e.value.is_null()).then(|| e.value.clone()),
                e.line,
            )
        })
        .collect()
}

pub fn environment(svc: &Node, side: &VllmSide, values: &Values, notes: &mut Vec<Note>) -> Env {
    let mut env = Env::default();
    let Some(node) = svc.get("environment") else {
        return env;
    };
    for (name, value, line) in env_items(node) {
        if GPU_VARS.contains(&name.as_str()) {
            if let Some(v) = value.as_ref().and_then(|v| text(v, values, notes)) {
                let ids: Vec<String> = v
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                if !ids.is_empty() && ids.iter().all(|s| s.chars().all(|c| c.is_ascii_digit())) {
                    env.gpu_ids.get_or_insert((ids, line));
                    continue;
                }
            }
            notes.push(Note::new(
                line,
                Check::ImportUnmapped,
                format!("`{name}` is not imported: no GPU ids in its value"),
            ));
            continue;
        }
        if secrets::is_secret_name(&name) {
            let (text_value, vars) = match value
                .as_ref()
                .and_then(Node::as_str)
                .map(|v| interpolate(v, values))
            {
                Some(Ok(i)) => (i.text, i.vars),
                _ => (String::new(), Vec::new()),
            };
            let source = if value.is_none() {
                SecretValue::Reference {
                    var: name.clone(),
                    default: false,
                }
            } else {
                secrets::classify(&text_value, &vars)
            };
            // set in an env file: say where (never the value)
            for v in vars.iter().filter(|v| v.set_in.is_some()) {
                notes.push(super::service::interpolation_note_hiding(line, v, true));
            }
            match source {
                SecretValue::Reference { var, default } => {
                    if default {
                        notes.push(Note::new(line, Check::ImportSecret, format!("the default of `${{{var}}}` is a secret value: it is not copied")).help(format!("put the value into .env as {name}")));
                    }
                    if name == API_KEY_VAR {
                        if side.table.contains_key("api_key") {
                            notes.push(Note::new(line, Check::ImportUnmapped, format!("`{API_KEY_VAR}` is not imported: `--api-key` already sets the key")));
                        } else {
                            env.api_key = Some(var);
                        }
                        continue;
                    }
                    if var != name {
                        notes.push(Note::new(line, Check::ImportSecret, format!("`{name}` was read from `${{{var}}}`; vprof reads it from {name} in .env")));
                    }
                }
                SecretValue::Literal => notes.push(
                    Note::new(
                        line,
                        Check::ImportSecret,
                        format!("`{name}` holds a literal secret: it is not copied"),
                    )
                    .help(format!("put the value into .env as {name}")),
                ),
            }
            if !env.secrets.contains(&name) {
                env.secrets.push(name);
            }
            continue;
        }
        let Some(value) = value else {
            notes.push(Note::new(
                line,
                Check::ImportUnmapped,
                format!("`{name}` passes the host's value through: a profile cannot express it"),
            ));
            continue;
        };
        match text(&value, values, notes) {
            Some(v) => env.plain.push((name, v)),
            None => notes.push(Note::new(
                line,
                Check::ImportUnmapped,
                format!(
                    "`{name}` is not imported: its value depends on a variable with no default"
                ),
            )),
        }
    }
    env
}
