//! Settings shared by several imported profiles move into a partial (`_NAME.toml`) that they
//! extend, so that a change to what they share is made once.
//!
//! Profiles are grouped by model; within a group of two or more, every `[deploy]` and
//! `[vllm]` key with the same value in all of them (the service and container names excepted)
//! moves to the partial when there are at least two such keys. `extends` merges key by key
//! with the child winning, so the resolved profiles are exactly the imported ones.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::{Output, slug};

/// Keys that name one service and so are never shared.
const OWN: &[(&str, &str)] = &[("deploy", "service"), ("deploy", "container_name")];
/// Fewer shared keys than this are not worth a partial.
const MIN_SHARED: usize = 2;

fn model(t: &Table) -> Option<&str> {
    t.get("vllm")?.get("model")?.as_str()
}

/// Extract partials in place; returns them.
pub fn extract(profiles: &mut [Output]) -> Vec<Output> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in profiles.iter().enumerate() {
        if let Some(m) = model(&p.table) {
            groups.entry(m.to_string()).or_default().push(i);
        }
    }
    let mut partials: Vec<Output> = Vec::new();
    for (model, members) in groups {
        if members.len() < 2 {
            continue;
        }
        let mut shared = Table::new();
        let mut count = 0;
        for section in ["deploy", "vllm"] {
            let Some(Value::Table(first)) = profiles[members[0]].table.get(section) else {
                continue;
            };
            let mut common = Table::new();
            for (k, v) in first {
                if OWN.contains(&(section, k.as_str())) {
                    continue;
                }
                let all = members[1..]
                    .iter()
                    .all(|&m| profiles[m].table.get(section).and_then(|s| s.get(k)) == Some(v));
                if all {
                    common.insert(k.clone(), v.clone());
                }
            }
            count += common.len();
            if !common.is_empty() {
                shared.insert(section.into(), Value::Table(common));
            }
        }
        if count < MIN_SHARED {
            continue;
        }
        let last = model.rsplit('/').next().unwrap_or(&model);
        let mut name = format!("_{}", slug(last));
        let mut n = 2;
        while partials.iter().any(|p| p.name == name) || profiles.iter().any(|p| p.name == name) {
            name = format!("_{}_{n}", slug(last));
            n += 1;
        }
        for &m in &members {
            let old = std::mem::take(&mut profiles[m].table);
            let mut child = Table::new();
            child.insert("extends".into(), Value::String(name.clone()));
            for (section, value) in old {
                let Value::Table(mut inner) = value else {
                    child.insert(section, value);
                    continue;
                };
                if let Some(Value::Table(common)) = shared.get(&section) {
                    inner.retain(|k, _| !common.contains_key(k));
                }
                if !inner.is_empty() {
                    child.insert(section, Value::Table(inner));
                }
            }
            profiles[m].table = child;
        }
        partials.push(Output {
            name,
            table: shared,
            source: None,
        });
    }
    partials
}
