//! The Kubernetes target's rules (`k8s-*`): names and labels Kubernetes accepts, the GPUs of a
//! pod and the nodes of a group, vLLM's multi-node flags, the container port, tolerations, and
//! every compose-only setting that has no Kubernetes equivalent.

use crate::diagnostics::{Check, Diagnostic, Diagnostics, Label};
use crate::profile::Profile;
use crate::profile::node::Origin;
use crate::profile::raw::TolerationOperator;
use crate::render::k8s::layout::{self, LayoutError};
use crate::render::k8s::names::{
    BASE_MAX, is_dns_label, is_dns_subdomain, label_key_problem, label_value_problem,
};

pub fn check(profile: &Profile, diags: &mut Diagnostics) {
    names(profile, diags);
    labels(profile, diags);
    gpus(profile, diags);
    port(profile, diags);
    tolerations(profile, diags);
    unmapped(profile, diags);
}

/// The origin of a value by path segments (label keys hold dots).
fn origin(profile: &Profile, path: &[&str]) -> Origin {
    profile
        .tree
        .lookup(path.iter().copied())
        .map_or_else(|| profile.origin(""), |n| n.origin.clone())
}

fn names(profile: &Profile, diags: &mut Diagnostics) {
    if crate::render::k8s::base_name(profile).is_none() {
        let place = if profile.node("deploy.service").is_some() {
            profile.label("deploy.service", "no Kubernetes name")
        } else {
            Label::new(profile.file(), 0..0, "the profile's name")
        };
        diags.push(
            Diagnostic::new(
                Check::K8sName,
                format!(
                    "the service name `{}` converts to no Kubernetes object name (lowercase letters, digits and `-`, at most {BASE_MAX} characters)",
                    profile.service
                ),
            )
            .at(place)
            .with_help("set deploy.service to a short name such as \"vllm-qwen3\""),
        );
    }
    let k8s = profile.k8s();
    let fields: [(&str, Option<&String>, bool); 4] = [
        ("namespace", k8s.namespace.as_ref(), true),
        ("cache_claim", k8s.cache_claim.as_ref(), false),
        ("secret_name", k8s.secret_name.as_ref(), false),
        ("runtime_class_name", k8s.runtime_class_name.as_ref(), false),
    ];
    for (key, value, label_only) in fields {
        let Some(value) = value else { continue };
        let ok = if label_only {
            is_dns_label(value)
        } else {
            is_dns_subdomain(value)
        };
        if !ok {
            let rule = if label_only {
                "a DNS-1123 label: at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit"
            } else {
                "a DNS-1123 subdomain: lowercase letters, digits, `-` and `.`, at most 253 characters"
            };
            diags.push(
                Diagnostic::new(
                    Check::K8sName,
                    format!("k8s.{key} \"{value}\" is not {rule}"),
                )
                .at(origin(profile, &["k8s", key]).value_label("not a Kubernetes name")),
            );
        }
    }
}

fn labels(profile: &Profile, diags: &mut Diagnostics) {
    let k8s = profile.k8s();
    for (table, map) in [
        ("labels", &k8s.labels),
        ("node_selector", &k8s.node_selector),
    ] {
        for (key, value) in map.iter().flatten() {
            let at = origin(profile, &["k8s", table, key]);
            if let Some(problem) = label_key_problem(key) {
                diags.push(
                    Diagnostic::new(
                        Check::K8sLabel,
                        format!("k8s.{table}: `{key}` is not a label key: {problem}"),
                    )
                    .at(at.key_label("not a label key")),
                );
            }
            if let Some(problem) = label_value_problem(value) {
                diags.push(
                    Diagnostic::new(
                        Check::K8sLabel,
                        format!("k8s.{table}.\"{key}\": \"{value}\" is not a label value"),
                    )
                    .at(at.value_label("not a label value"))
                    .with_help(problem),
                );
            }
        }
    }
    if let Some(product) = &k8s.gpu_product
        && let Some(problem) = label_value_problem(product)
    {
        diags.push(
            Diagnostic::new(
                Check::K8sLabel,
                format!("k8s.gpu_product \"{product}\" is not a label value"),
            )
            .at(profile.label("k8s.gpu_product", "not a label value"))
            .with_help(format!(
                "{problem}; GPU feature discovery writes products like \"NVIDIA-H100-80GB-HBM3\""
            )),
        );
    }
}

fn gpus(profile: &Profile, diags: &mut Diagnostics) {
    let (per_node, from) = layout::gpus_per_node(profile);
    if let (Some(host), Some("k8s.gpus_per_node")) = (&profile.host, from)
        && per_node > host.gpu_count
    {
        diags.push(
            Diagnostic::new(
                Check::K8sGpus,
                format!(
                    "k8s.gpus_per_node = {per_node}, but a node of this profile's host has {} GPU{}",
                    host.gpu_count,
                    if host.gpu_count == 1 { "" } else { "s" }
                ),
            )
            .at(profile.label("k8s.gpus_per_node", "more than a node has"))
            .with_secondary(profile.origin("host.gpu_count").value_label("the host's GPUs")),
        );
    }
    let Err(err) = layout::layout(profile) else {
        return;
    };
    let (check, place, help) = match &err {
        LayoutError::NotDivisible { gpus_per_node, .. } => (
            Check::K8sGpus,
            from.unwrap_or("vllm.tensor_parallel_size"),
            format!(
                "every node of a group runs the same number of GPU workers: make TP x PP a multiple of {gpus_per_node}, or set k8s.gpus_per_node to a divisor of it"
            ),
        ),
        LayoutError::NoMultiNodeFlags { .. } => (
            Check::K8sMultiNode,
            "deploy.image",
            String::from(
                "use an image of a vLLM version with --nnodes (0.33.0 has it), or fit the server on one node (k8s.gpus_per_node)",
            ),
        ),
        LayoutError::Backend(_) => (
            Check::K8sMultiNode,
            "vllm.distributed_executor_backend",
            String::from("remove distributed_executor_backend or set it to \"mp\""),
        ),
    };
    diags.push(
        Diagnostic::new(check, err.message(profile))
            .at(profile.label(place, "here"))
            .with_help(help),
    );
}

fn port(profile: &Profile, diags: &mut Diagnostics) {
    let other = &profile.vllm().other;
    if let Some(port) = other.get("port")
        && !port.as_u64().is_some_and(|p| (1..=65535).contains(&p))
    {
        diags.push(
            Diagnostic::new(
                Check::K8sPort,
                format!("vllm.port = {port} is not a container port (1 to 65535)"),
            )
            .at(profile.label("vllm.port", "not a port")),
        );
    }
    if let Some(host) = other.get("host").and_then(serde_json::Value::as_str)
        && (host == "localhost" || host.starts_with("127.") || host == "::1")
    {
        diags.push(
            Diagnostic::new(
                Check::K8sPort,
                format!("vllm.host = \"{host}\" listens on the pod's loopback only: the Service and the kubelet's probes cannot reach it"),
            )
            .at(profile.label("vllm.host", "loopback"))
            .with_help("remove vllm.host (vLLM listens on every address by default)"),
        );
    }
}

fn tolerations(profile: &Profile, diags: &mut Diagnostics) {
    for (i, t) in profile.k8s().tolerations.iter().flatten().enumerate() {
        let exists = t.operator == Some(TolerationOperator::Exists);
        let problem = if t.key.as_deref().unwrap_or("").is_empty() && !exists {
            Some("a toleration without a key must have operator = \"Exists\"")
        } else if exists && t.value.as_deref().is_some_and(|v| !v.is_empty()) {
            Some("a toleration with operator = \"Exists\" takes no value")
        } else {
            None
        };
        if let Some(problem) = problem {
            diags.push(
                Diagnostic::new(Check::K8sToleration, problem).at(origin(
                    profile,
                    &["k8s", "tolerations", &i.to_string()],
                )
                .value_label("this toleration")),
            );
        }
    }
}

fn unmapped(profile: &Profile, diags: &mut Diagnostics) {
    let deploy = profile.deploy();
    let fields: [(&str, bool, &str); 3] = [
        (
            "bind_address",
            deploy.bind_address.is_some(),
            "the Service is ClusterIP; expose it with an Ingress, a LoadBalancer or a kustomize patch",
        ),
        (
            "container_name",
            deploy.container_name.is_some(),
            "Kubernetes names pods itself; the objects are named after deploy.service",
        ),
        (
            "volumes",
            deploy.volumes.is_some(),
            "host paths do not exist on cluster nodes; add volumes with a kustomize patch of the rendered objects",
        ),
    ];
    for (key, set, help) in fields {
        if set {
            diags.push(
                Diagnostic::new(
                    Check::K8sUnmapped,
                    format!("deploy.{key} has no Kubernetes equivalent: the k8s target does not render it"),
                )
                .at(profile.label(&format!("deploy.{key}"), "compose only"))
                .with_help(help),
            );
        }
    }
}
