//! `verify`: is a running vLLM server the profile? Compares a resolved profile with the
//! [`Facts`] a server exposes: `/v1/models` (served names, model, context length), the
//! configuration labels of `/metrics` info gauges (`vllm:cache_config_info`: prefix caching,
//! block size, KV cache dtype, memory fraction, ...), and `/version`.
//!
//! Each difference is a `server-mismatch` finding located at the profile line of the value
//! (an error where the profile sets it, a warning where it leaves it to vLLM's default).
//! A profile key the server does not report is listed as not verifiable, never assumed equal.

mod value;

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value as Json;

use crate::diagnostics::{Check, Diagnostic, Level};
use crate::live::Facts;
use crate::profile::Profile;
use crate::profile::raw::OneOrMany;
use crate::vllm::{FlagTable, table};

/// How a profile value and the server compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The server runs the profile's value (or vLLM's default where the profile sets none).
    Match,
    /// The server runs something else: a finding.
    Differs,
    /// The profile sets it; the server does not tell.
    NotVerifiable,
    /// The server tells it; the profile leaves it to the engine (no default to compare with).
    ServerOnly,
}

/// One compared setting.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Row {
    /// The profile key (`vllm.max_model_len`), or the server's label where no key maps.
    pub key: String,
    /// The profile's value; for `from_default`, vLLM's default for the target version.
    pub profile: Option<String>,
    pub from_default: bool,
    pub server: Option<String>,
    /// Where the server said it (`/v1/models`, `/metrics vllm:cache_config_info`, `/version`).
    pub source: Option<String>,
    pub status: Status,
}

/// The result of comparing a profile with a server.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    pub rows: Vec<Row>,
    pub findings: Vec<Diagnostic>,
}

/// Names a server's config labels use for profile keys.
fn profile_key(label: &str) -> &str {
    match label {
        "cache_dtype" => "kv_cache_dtype",
        other => other,
    }
}

struct Cmp<'a> {
    profile: &'a Profile,
    table: &'a FlagTable,
    out: Verification,
    compared: BTreeSet<String>,
}

impl Cmp<'_> {
    /// The profile's value of a `[vllm]` key, or vLLM's default (`true` in the pair).
    fn expected(&self, key: &str) -> Option<(Json, bool)> {
        if let Some(node) = self.profile.node(&format!("vllm.{key}")) {
            return Some((node.to_json(), false));
        }
        let flag = self.table.get(key)?;
        (!flag.default.is_null()).then(|| (flag.default.clone(), true))
    }

    /// Compare one `[vllm]` key with the server's reading of it.
    fn compare(&mut self, key: &str, server: &str, source: &str) {
        let dotted = format!("vllm.{key}");
        if !self.compared.insert(dotted.clone()) {
            return;
        }
        let expected = self.expected(key);
        let (status, profile, from_default) = match &expected {
            None => (Status::ServerOnly, None, false),
            Some(_) if value::is_unset(server) => (Status::NotVerifiable, None, false),
            Some((v, _)) if value::is_auto(v) && server != "auto" => {
                (Status::ServerOnly, Some(value::show(v)), false)
            }
            Some((v, d)) if value::same(v, server) => (Status::Match, Some(value::show(v)), *d),
            Some((v, d)) => (Status::Differs, Some(value::show(v)), *d),
        };
        if status == Status::Differs {
            let shown = profile.clone().unwrap_or_default();
            let what = if from_default {
                format!("the profile leaves `{key}` to vLLM's default ({shown})")
            } else {
                format!("the profile sets `{key}` = {shown}")
            };
            let d = Diagnostic::new(
                Check::ServerMismatch,
                format!("the server runs {key} = {server}, the profile says {shown}"),
            )
            .at(if from_default && self.profile.node("vllm").is_some() {
                self.profile.origin("vllm").key_label(format!("{what}; {source} reports {server}"))
            } else {
                self.profile.label(&dotted, format!("{what}; {source} reports {server}"))
            })
            .with_help("redeploy the rendered files (vprof render NAME, then docker compose up -d), or verify against the profile the server was started from");
            self.out.findings.push(if from_default {
                d.with_level(Level::Warning)
            } else {
                d
            });
        }
        let status = if status == Status::NotVerifiable {
            Status::ServerOnly
        } else {
            status
        };
        self.out.rows.push(Row {
            key: dotted,
            profile,
            from_default,
            server: Some(server.to_string()),
            source: Some(source.to_string()),
            status,
        });
    }

    /// A row whose expectation is not a `[vllm]` flag value (served names, model, version).
    fn direct(&mut self, dotted: &str, expected: String, server: String, source: &str, ok: bool) {
        self.compared.insert(dotted.to_string());
        if !ok {
            self.out.findings.push(
                Diagnostic::new(
                    Check::ServerMismatch,
                    format!(
                        "the server runs {} = {server}, the profile says {expected}",
                        dotted.rsplit('.').next().unwrap_or(dotted)
                    ),
                )
                .at(self
                    .profile
                    .label(dotted, format!("{source} reports {server}"))),
            );
        }
        self.out.rows.push(Row {
            key: dotted.to_string(),
            profile: Some(expected),
            from_default: false,
            server: Some(server),
            source: Some(source.to_string()),
            status: if ok { Status::Match } else { Status::Differs },
        });
    }
}

/// Compare a profile with what a server exposes.
pub fn compare(profile: &Profile, facts: &Facts) -> Verification {
    let mut cmp = Cmp {
        profile,
        table: table(profile.version),
        out: Verification::default(),
        compared: BTreeSet::new(),
    };
    if let Some(models) = &facts.models {
        models_rows(&mut cmp, models);
    }
    if let Some(metrics) = &facts.metrics {
        for gauge in metrics
            .info_names()
            .into_iter()
            .filter(|g| g.starts_with("vllm:"))
        {
            let source = format!("/metrics {gauge}");
            for (label, server) in metrics.info(gauge).into_iter().flatten() {
                let key = profile_key(label);
                if cmp.table.get(key).is_some() || profile.node(&format!("vllm.{key}")).is_some() {
                    cmp.compare(key, server, &source);
                }
            }
        }
    }
    if let Some(version) = &facts.version {
        version_row(&mut cmp, version);
    }
    not_verifiable(&mut cmp);
    cmp.out
}

fn models_rows(cmp: &mut Cmp<'_>, models: &[crate::live::ServedModel]) {
    let base: Vec<&crate::live::ServedModel> =
        models.iter().filter(|m| m.parent.is_none()).collect();
    let served: Vec<String> = base.iter().map(|m| m.id.clone()).collect();
    let expected: Vec<String> = match &cmp.profile.vllm().served_model_name {
        Some(OneOrMany::One(s)) => vec![s.clone()],
        Some(OneOrMany::Many(v)) => v.clone(),
        None => vec![cmp.profile.model.clone()],
    };
    let ok = BTreeSet::from_iter(&served) == BTreeSet::from_iter(&expected);
    let key = if cmp.profile.node("vllm.served_model_name").is_some() {
        "vllm.served_model_name"
    } else {
        "vllm.model"
    };
    cmp.direct(
        key,
        expected.join(", "),
        served.join(", "),
        "/v1/models",
        ok,
    );
    if let Some(root) = base.iter().find_map(|m| m.root.clone()) {
        let ok = root == cmp.profile.model;
        cmp.direct(
            "vllm.model",
            cmp.profile.model.clone(),
            root,
            "/v1/models",
            ok,
        );
    }
    if let Some(len) = base.iter().find_map(|m| m.max_model_len) {
        cmp.compare("max_model_len", &len.to_string(), "/v1/models");
    }
}

/// The vLLM version the profile targets: the image tag when it names a version (`v0.32.0`
/// matches 0.32.0 exactly, `v0.32` any 0.32 patch), else the flag table's minor version.
fn version_row(cmp: &mut Cmp<'_>, server: &str) {
    let tag = cmp
        .profile
        .image
        .split('@')
        .next()
        .and_then(|i| i.rsplit('/').next())
        .and_then(|l| l.split_once(':'))
        .map(|(_, t)| t.trim_start_matches('v').to_string())
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.'));
    // Local build suffixes (`0.32.0+cpu`) are not part of the release.
    let base = server.split('+').next().unwrap_or(server);
    let (expected, ok) = match tag {
        Some(tag) if tag.matches('.').count() >= 2 => (tag.clone(), base == tag),
        Some(tag) => (tag.clone(), minor(base) == tag),
        None => {
            let v = cmp.profile.version.as_str();
            (
                format!("{} (flag table)", minor(v)),
                minor(base) == minor(v),
            )
        }
    };
    cmp.direct("deploy.image", expected, server.to_string(), "/version", ok);
}

fn minor(v: &str) -> &str {
    match v.match_indices('.').nth(1) {
        Some((i, _)) => &v[..i],
        None => v,
    }
}

/// Every `[vllm]` key the profile sets that no server reading covered.
fn not_verifiable(cmp: &mut Cmp<'_>) {
    let keys: Vec<String> = cmp
        .profile
        .node("vllm")
        .and_then(|n| n.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    for key in keys {
        let dotted = format!("vllm.{key}");
        if cmp.compared.contains(&dotted) {
            continue;
        }
        let shown = cmp.profile.node(&dotted).map(|n| value::show(&n.to_json()));
        cmp.out.rows.push(Row {
            key: dotted,
            profile: shown,
            from_default: false,
            server: None,
            source: None,
            status: Status::NotVerifiable,
        });
    }
}
