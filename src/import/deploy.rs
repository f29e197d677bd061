//! The `[deploy]` table of an imported profile: image, GPUs, port, volumes, shared memory,
//! healthcheck start period; the environment and secrets come from `environment.rs`.

use toml::{Table, Value};

use super::Note;
use super::env_file::Values;
use super::interpolate::interpolate;
use super::service::interpolation_note;
use super::vllm_args::VllmSide;
use super::yaml::Node;
use crate::diagnostics::Check;
use crate::render::compose::HF_CACHE_TARGET;

/// Where vLLM listens unless `--port` says otherwise.
const VLLM_PORT: u16 = 8000;

pub(super) fn text(node: &Node, values: &Values, notes: &mut Vec<Note>) -> Option<String> {
    let raw = node.as_str()?;
    match interpolate(raw, values) {
        Ok(i) => {
            for v in i.vars.iter().filter(|v| super::service::worth_noting(v)) {
                notes.push(interpolation_note(node.line, v));
            }
            if i.unresolved().next().is_some() {
                return None;
            }
            Some(i.text)
        }
        Err(m) => {
            notes.push(Note::new(
                node.line,
                Check::ImportUnmapped,
                format!("invalid interpolation: {m}"),
            ));
            None
        }
    }
}

fn strings(items: Vec<String>) -> Value {
    Value::Array(items.into_iter().map(Value::String).collect())
}

pub fn map(
    service: &str,
    svc: &Node,
    image: &str,
    side: &VllmSide,
    values: &Values,
    notes: &mut Vec<Note>,
) -> (Table, Option<String>) {
    let mut t = Table::new();
    t.insert("service".into(), Value::String(service.to_string()));
    t.insert("image".into(), Value::String(image.to_string()));
    if let Some(name) = svc
        .get("container_name")
        .and_then(|n| text(n, values, notes))
    {
        t.insert("container_name".into(), Value::String(name));
    }
    let env = super::environment::environment(svc, side, values, notes);
    let gpus = gpu_ids(svc, &env.gpu_ids, side, values, notes);
    t.insert("gpu_ids".into(), strings(gpus));
    ports(
        svc,
        side.container_port.unwrap_or(VLLM_PORT),
        &mut t,
        values,
        notes,
    );
    for key in ["shm_size", "ipc"] {
        if let Some(v) = svc.get(key).and_then(|n| text(n, values, notes)) {
            t.insert(key.into(), Value::String(v));
        }
    }
    volumes(svc, &mut t, values, notes);
    let mut secrets_list = env.secrets.clone();
    for s in &side.secrets {
        if !secrets_list.contains(s) {
            secrets_list.push(s.clone());
        }
    }
    if !secrets_list.is_empty() {
        t.insert("secrets".into(), strings(secrets_list));
    }
    if !env.plain.is_empty() {
        let mut e = Table::new();
        for (k, v) in env.plain.clone() {
            e.insert(k, Value::String(v));
        }
        t.insert("env".into(), Value::Table(e));
    }
    healthcheck(svc, &mut t, values, notes);
    if let Some(r) = svc.entry("restart")
        && r.value.as_str() != Some("unless-stopped")
    {
        notes.push(Note::new(
            r.line,
            Check::ImportUnmapped,
            format!(
                "`restart: {}` is not imported: vprof renders `restart: unless-stopped`",
                r.value.as_str().unwrap_or("?")
            ),
        ));
    }
    (t, env.api_key)
}

fn gpu_ids(
    svc: &Node,
    from_env: &Option<(Vec<String>, usize)>,
    side: &VllmSide,
    values: &Values,
    notes: &mut Vec<Note>,
) -> Vec<String> {
    let devices = svc
        .get("deploy")
        .and_then(|d| d.get("resources"))
        .and_then(|r| r.get("reservations"))
        .and_then(|r| r.get("devices"))
        .and_then(Node::as_seq);
    for dev in devices.unwrap_or(&[]) {
        if let Some(ids) = dev.get("device_ids").and_then(Node::as_seq) {
            let ids: Vec<String> = ids.iter().filter_map(|n| text(n, values, notes)).collect();
            if !ids.is_empty() {
                return ids;
            }
        }
        if let Some(count) = dev.get("count") {
            if let Some(n) = count.as_str().and_then(|c| c.parse::<usize>().ok()) {
                if let Some((ids, _)) = from_env.as_ref().filter(|(ids, _)| ids.len() == n) {
                    return ids.clone();
                }
                notes.push(Note::new(
                    count.line,
                    Check::ImportUnmapped,
                    format!(
                        "`count: {n}` becomes gpu_ids 0..{}: vprof assigns GPUs by id",
                        n.saturating_sub(1)
                    ),
                ));
                return (0..n).map(|i| i.to_string()).collect();
            }
            notes.push(Note::new(
                count.line,
                Check::ImportUnmapped,
                String::from("`count: all` is not imported: vprof assigns GPUs by id"),
            ));
        }
    }
    if let Some((ids, _)) = from_env {
        return ids.clone();
    }
    let tp = side
        .table
        .get("tensor_parallel_size")
        .and_then(Value::as_integer)
        .unwrap_or(1);
    let pp = side
        .table
        .get("pipeline_parallel_size")
        .and_then(Value::as_integer)
        .unwrap_or(1);
    let n = (tp.max(1) * pp.max(1)).clamp(1, 1024) as usize;
    let line = svc.entry("runtime").map_or(svc.line, |e| e.line);
    notes.push(
        Note::new(
            line,
            Check::ImportUnmapped,
            format!(
                "no GPU ids in the service: gpu_ids set to 0..{} (TP x PP)",
                n - 1
            ),
        )
        .help("set deploy.gpu_ids to the GPUs this service must use"),
    );
    (0..n).map(|i| i.to_string()).collect()
}

fn ports(svc: &Node, container: u16, t: &mut Table, values: &Values, notes: &mut Vec<Note>) {
    let Some(items) = svc.get("ports").and_then(Node::as_seq) else {
        return;
    };
    let mut found = false;
    for item in items {
        let (published, target, ip) = if let Some(s) = text(item, values, notes) {
            let s = s.split('/').next().unwrap_or(&s).to_string();
            let parts: Vec<&str> = s.rsplitn(3, ':').collect();
            match parts.as_slice() {
                [c, h] => (h.parse::<u16>().ok(), c.parse::<u16>().ok(), None),
                [c, h, ip] => (
                    h.parse::<u16>().ok(),
                    c.parse::<u16>().ok(),
                    Some(ip.to_string()),
                ),
                _ => (None, s.parse::<u16>().ok(), None),
            }
        } else {
            let get = |k: &str| {
                item.get(k)
                    .and_then(Node::as_str)
                    .and_then(|s| s.parse::<u16>().ok())
            };
            (
                get("published"),
                get("target"),
                item.get("host_ip")
                    .and_then(Node::as_str)
                    .map(str::to_string),
            )
        };
        match (published, target) {
            (Some(p), Some(c)) if c == container && !found => {
                found = true;
                t.insert("port".into(), Value::Integer(i64::from(p)));
                if let Some(ip) = ip.filter(|ip| !ip.is_empty() && ip != "0.0.0.0") {
                    t.insert("bind_address".into(), Value::String(ip));
                }
            }
            _ => notes.push(Note::new(item.line, Check::ImportUnmapped, format!("this port mapping is not imported: vprof publishes only vLLM's port ({container} in the container)"))),
        }
    }
}

fn volumes(svc: &Node, t: &mut Table, values: &Values, notes: &mut Vec<Note>) {
    let Some(items) = svc.get("volumes").and_then(Node::as_seq) else {
        return;
    };
    let mut extra = Vec::new();
    for item in items {
        let (source, target, mode) = match text(item, values, notes) {
            Some(s)
                if s.as_bytes().get(1) == Some(&b':')
                    && s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) =>
            {
                notes.push(Note::new(item.line, Check::ImportUnmapped, String::from("this volume is not imported: a Windows drive path cannot be a profile volume")).help("mount the directory by its path inside WSL or Linux, e.g. /mnt/d/..."));
                continue;
            }
            Some(s) => {
                let mut parts = s.splitn(3, ':');
                let a = parts.next().unwrap_or("").to_string();
                match (parts.next(), parts.next()) {
                    (Some(b), m) => (a, b.to_string(), m.map(str::to_string)),
                    (None, _) => (String::new(), a, None),
                }
            }
            None if item.as_str().is_some() => {
                notes.push(Note::new(item.line, Check::ImportUnmapped, String::from("this volume is not imported: its path depends on a variable with no default")));
                continue;
            }
            None => {
                let get = |k: &str| item.get(k).and_then(Node::as_str).unwrap_or("").to_string();
                let ro = item.get("read_only").and_then(Node::as_str) == Some("true");
                let src = match item.get("source") {
                    Some(n) => text(n, values, notes).unwrap_or_default(),
                    None => String::new(),
                };
                (src, get("target"), ro.then(|| "ro".to_string()))
            }
        };
        let mode_ok = mode.as_deref().is_none_or(|m| {
            !m.is_empty() && m.chars().all(|c| c.is_ascii_alphabetic() || c == ',')
        });
        if !target.starts_with('/') || !mode_ok {
            notes.push(Note::new(
                item.line,
                Check::ImportUnmapped,
                String::from("this volume is not imported: it is not SOURCE:/TARGET[:MODE]"),
            ));
            continue;
        }
        let named = !source.is_empty() && !source.starts_with(['/', '.', '~', '\\']);
        if source.is_empty() || named {
            notes.push(Note::new(item.line, Check::ImportUnmapped, format!("volume `{target}` is not imported: vprof renders bind mounts only (no named or anonymous volumes)")));
            continue;
        }
        if target.trim_end_matches('/') == HF_CACHE_TARGET
            && mode.is_none()
            && !t.contains_key("hf_cache")
        {
            t.insert("hf_cache".into(), Value::String(source));
            continue;
        }
        if source.starts_with('.') {
            notes.push(Note::new(item.line, Check::ImportUnmapped, format!("the relative path `{source}` will be relative to the rendered compose file's directory")).help("use an absolute path"));
        }
        extra.push(match mode {
            Some(m) => format!("{source}:{target}:{m}"),
            None => format!("{source}:{target}"),
        });
    }
    if !extra.is_empty() {
        t.insert("volumes".into(), strings(extra));
    }
}

fn healthcheck(svc: &Node, t: &mut Table, values: &Values, notes: &mut Vec<Note>) {
    let Some(entry) = svc.entry("healthcheck") else {
        return;
    };
    if let Some(sp) = entry
        .value
        .get("start_period")
        .and_then(|n| text(n, values, notes))
    {
        t.insert("start_period".into(), Value::String(sp));
    }
    let others: Vec<&str> = entry
        .value
        .entries()
        .iter()
        .map(|e| e.key)
        .filter(|k| *k != "start_period")
        .collect();
    if !others.is_empty() {
        notes.push(Note::new(
            entry.line,
            Check::ImportUnmapped,
            format!(
                "healthcheck {} not imported: vprof renders its own check of /health",
                others.join(", ")
            ),
        ));
    }
}
