//! Keys a version lacks that another supported version has, with the replacement named in
//! `data/vllm/dumps/CHANGES-0.11-to-0.33.md`.

use super::{Version, table};

/// A key that exists in other supported versions only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// The newest older version that has it.
    pub last_in: Option<Version>,
    /// The oldest newer version that has it.
    pub added_in: Option<Version>,
    pub replacement: Option<&'static str>,
    pub note: Option<&'static str>,
    /// What replaced a flag gone long ago (`historic`).
    pub history: Option<&'static str>,
}

/// (key, replacement key, note): from the 0.11 → 0.33 changes.
const REPLACEMENTS: &[(&str, Option<&str>, Option<&str>)] = &[
    (
        "rope_scaling",
        Some("hf_overrides"),
        Some("hf_overrides = { rope_scaling = { ... } } works on 0.11 too"),
    ),
    (
        "rope_theta",
        Some("hf_overrides"),
        Some("hf_overrides = { rope_theta = ... }"),
    ),
    ("swap_space", None, Some("CPU swap space is gone in 0.33")),
    ("cuda_graph_sizes", Some("cudagraph_capture_sizes"), None),
    (
        "guided_decoding_backend",
        Some("structured_outputs_config"),
        None,
    ),
    (
        "guided_decoding_disable_fallback",
        Some("structured_outputs_config"),
        None,
    ),
    (
        "guided_decoding_disable_any_whitespace",
        Some("structured_outputs_config"),
        None,
    ),
    (
        "guided_decoding_disable_additional_properties",
        Some("structured_outputs_config"),
        None,
    ),
    ("num_redundant_experts", Some("eplb_config"), None),
    ("eplb_window_size", Some("eplb_config"), None),
    ("eplb_step_interval", Some("eplb_config"), None),
    ("eplb_log_balancedness", Some("eplb_config"), None),
    (
        "task",
        Some("runner"),
        Some("or `convert` for pooling models"),
    ),
    ("override_pooler_config", Some("pooler_config"), None),
];

/// Flags gone before the oldest supported version that real compose files still carry
/// (seen in the public corpus): (key, what replaced it).
const HISTORIC: &[(&str, &str)] = &[
    (
        "enable_reasoning",
        "reasoning is enabled by `reasoning_parser` alone since vLLM 0.10",
    ),
    (
        "num_scheduler_steps",
        "multi-step scheduling went with the V0 engine; drop the key",
    ),
    (
        "speculative_model",
        "use speculative_config = { model = \"...\", num_speculative_tokens = N }",
    ),
    (
        "num_speculative_tokens",
        "use speculative_config = { model = \"...\", num_speculative_tokens = N }",
    ),
    (
        "use_v2_block_manager",
        "the V1 engine has one block manager; drop the key",
    ),
];

/// What replaced a flag that no supported version has any more.
pub fn historic(key: &str) -> Option<&'static str> {
    HISTORIC.iter().find(|(k, _)| *k == key).map(|(_, h)| *h)
}

/// Why `key` is not in `version`'s table, when an embedded version has it.
pub fn removed(key: &str, version: Version) -> Option<Removal> {
    if table(version).get(key).is_some() {
        return None;
    }
    let having: Vec<Version> = Version::embedded()
        .into_iter()
        .filter(|v| *v != version && table(*v).get(key).is_some())
        .collect();
    let last_in = having.iter().copied().filter(|v| *v < version).max();
    let added_in = having.iter().copied().filter(|v| *v > version).min();
    if last_in.is_none() && added_in.is_none() {
        return None;
    }
    let (replacement, note) = REPLACEMENTS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or((None, None), |(_, r, n)| (*r, *n));
    Some(Removal {
        last_in,
        added_in,
        replacement,
        note,
        history: historic(key),
    })
}

#[cfg(test)]
mod tests {
    use super::removed;
    use crate::vllm::Version;

    #[test]
    fn removals_and_additions() {
        let v = |s| Version::embedded_named(s).unwrap();
        let r = removed("rope_scaling", v("0.33.0")).unwrap();
        assert_eq!(r.replacement, Some("hf_overrides"));
        assert!(r.last_in.unwrap() >= v("0.11.0"));
        assert_eq!(r.added_in, None);
        assert_eq!(
            removed("swap_space", v("0.33.0")).unwrap().replacement,
            None
        );
        let added = removed("attention_backend", v("0.11.0")).unwrap();
        assert!(added.added_in.unwrap() > v("0.11.0"));
        assert_eq!(added.last_in, None);
        assert_eq!(removed("swap_space", v("0.11.0")), None);
        assert_eq!(removed("no_such_flag", v("0.11.0")), None);
        let steps = removed("num_scheduler_steps", v("0.11.0")).unwrap();
        assert!(steps.history.unwrap().contains("V0 engine"));
        assert!(
            super::historic("enable_reasoning")
                .unwrap()
                .contains("reasoning_parser")
        );
    }
}
