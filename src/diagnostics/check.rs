//! The stable names of every check, their default levels and one-line descriptions.

use std::fmt;

/// How serious a finding is; `Off` findings are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Off,
    /// Information that needs no action (exit code 0, not counted as a warning).
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "off" => Some(Level::Off),
            "note" => Some(Level::Note),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

macro_rules! checks {
    ($($variant:ident => $name:literal, $level:ident, $desc:literal;)*) => {
        /// A check: a stable kebab-case name used in output, docs and `vprof.toml` `[checks]`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Check { $($variant),* }

        impl Check {
            pub const ALL: &'static [Check] = &[$(Check::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(Check::$variant => $name),* }
            }

            pub fn default_level(self) -> Level {
                match self { $(Check::$variant => Level::$level),* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Check::$variant => $desc),* }
            }
        }
    };
}

checks! {
    Syntax => "syntax", Error, "the file is not valid TOML (or not UTF-8)";
    Schema => "schema", Error, "wrong types, unknown keys, out-of-range or missing values";
    Extends => "extends", Error, "`extends` names a missing profile or forms a cycle";
    ProfileName => "profile-name", Error, "a profile, partial or host file name that is not a valid name (it becomes a service and directory name)";
    Host => "host", Error, "`host = \"NAME\"` names no file in hosts/, or that file is invalid";
    GpuMemoryCeiling => "gpu-memory-ceiling", Error, "gpu_memory_utilization above the project ceiling";
    ParallelismGpuCount => "parallelism-gpu-count", Error, "TP x PP differs from the GPUs assigned, or GPU ids are duplicated or beyond the host";
    SharedMemory => "shared-memory", Error, "several GPU workers in a container with docker's 64 MB /dev/shm (set ipc or shm_size)";
    TpDividesHeads => "tp-divides-heads", Error, "attention heads or quantization groups not divisible by TP";
    WeightsFit => "weights-fit", Error, "the weights do not fit the GPU memory budget";
    KvCacheFit => "kv-cache-fit", Error, "one max_model_len sequence does not fit the KV cache";
    ContextLength => "context-length", Error, "max_model_len beyond the model's context times rope scaling";
    ModelFacts => "model-facts", Warning, "model facts needed by a check are not known";
    UnknownVllmArg => "unknown-vllm-arg", Error, "a [vllm] key the target vLLM version does not have";
    RemovedVllmArg => "removed-vllm-arg", Error, "a [vllm] key removed or renamed in the target vLLM version";
    VllmArgValue => "vllm-arg-value", Error, "a [vllm] value of the wrong type, not among the choices, or unknown to vLLM's registries";
    DeprecatedVllmArg => "deprecated-vllm-arg", Warning, "a [vllm] key that the target vLLM version marks as deprecated";
    InlineSecret => "inline-secret", Error, "a secret value written into a profile";
    ApiKeyReference => "api-key-reference", Error, "vllm.api_key written as a value: it reaches vLLM only through an environment reference, so the profile cannot render";
    UnpinnedImage => "unpinned-image", Warning, "an image with a `latest`, `nightly` or missing tag";
    VllmVersion => "vllm-version", Error, "the vLLM version (image tag or vllm_version) has no flag table, is not said, or is said twice differently";
    VllmTableFallback => "vllm-table-fallback", Note, "a vLLM patch release without a table of its own is checked with its minor release's table";
    VllmTable => "vllm-table", Error, "a project flag table (vllm_tables_dir) that does not parse or fails the table checks";
    GpuOverlap => "gpu-overlap", Error, "services sharing a GPU whose memory fractions add up to more than 1";
    EnvPermissions => "env-permissions", Warning, "a rendered .env that group or others may read (vprof makes it 0600)";
    PortConflict => "port-conflict", Error, "services rendered together that publish the same host port";
    K8sName => "k8s-name", Error, "a Kubernetes object name that is not DNS-1123, or a service name that converts to none";
    K8sLabel => "k8s-label", Error, "a label key or value (k8s.labels, node_selector, gpu_product) that Kubernetes rejects";
    K8sGpus => "k8s-gpus", Error, "TP x PP GPUs that do not divide into nodes of gpus_per_node, or more GPUs per pod than a node has";
    K8sMultiNode => "k8s-multi-node", Error, "a server across nodes that the vLLM version or executor backend cannot start";
    K8sPort => "k8s-port", Error, "a container port outside 1-65535, or a vLLM host address the Service and probes cannot reach";
    K8sToleration => "k8s-toleration", Error, "a toleration Kubernetes rejects (no key without Exists, a value with Exists)";
    K8sUnmapped => "k8s-unmapped", Warning, "a compose-only [deploy] setting with no Kubernetes equivalent (reported, not dropped)";
    ServiceConflict => "service-conflict", Error, "profiles rendered together under the same service name";
    EnvConflict => "env-conflict", Error, "a container variable set twice by deploy.env, deploy.secrets or api_key";
    ImportUnmapped => "import-unmapped", Warning, "`vprof import`: a compose setting or part of a command that a profile cannot hold";
    ImportInterpolation => "import-interpolation", Warning, "`vprof import`: a `${VAR}` replaced by its default, or without one";
    ImportSecret => "import-secret", Warning, "`vprof import`: a secret turned into a name or reference (its value is not copied)";
    ImportImage => "import-image", Warning, "`vprof import`: an image tag that names no vLLM version vprof knows";
    ServerMismatch => "server-mismatch", Error, "a running server differs from the profile (`vprof verify`)";
}

impl Check {
    pub fn from_name(name: &str) -> Option<Check> {
        Check::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Check;

    #[test]
    fn names_are_unique_kebab_case() {
        let mut names: Vec<&str> = Check::ALL.iter().map(|c| c.name()).collect();
        for n in &names {
            assert!(
                n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{n}"
            );
        }
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
