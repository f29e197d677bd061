//! Kubernetes naming rules: object names (DNS-1123), label keys and values, and the
//! predictable conversion of a compose service name into an object name.

/// Longest DNS-1123 label (Service, namespace and most object names).
pub const LABEL_MAX: usize = 63;
/// Longest DNS-1123 subdomain (Secret, PersistentVolumeClaim, RuntimeClass names).
pub const SUBDOMAIN_MAX: usize = 253;
/// Room kept for the suffixes vprof appends to the base name (`-hf-cache`, `-secrets`).
pub const BASE_MAX: usize = LABEL_MAX - "-hf-cache".len();

/// Whether `s` is a DNS-1123 label: at most 63 of `[a-z0-9-]`, alphanumeric at both ends.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= LABEL_MAX
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Whether `s` is a DNS-1123 subdomain: dot-separated labels, at most 253 characters.
pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= SUBDOMAIN_MAX && s.split('.').all(is_dns_label)
}

/// The object name for a compose service name: lowercase, every character outside
/// `[a-z0-9-]` becomes `-`, runs of `-` collapse, and `-` is trimmed from both ends
/// (`vLLM_Medium.v2` → `vllm-medium-v2`). `None` when nothing valid is left or the result is
/// longer than [`BASE_MAX`].
pub fn object_name(service: &str) -> Option<String> {
    let mut out = String::with_capacity(service.len());
    for c in service.chars() {
        let c = c.to_ascii_lowercase();
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with('-') {
        out.pop();
    }
    (!out.is_empty() && out.len() <= BASE_MAX).then_some(out)
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters: a label name or a
/// non-empty label value.
fn is_qualified_part(s: &str) -> bool {
    let bytes = s.as_bytes();
    !s.is_empty()
        && s.len() <= LABEL_MAX
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Why `key` is not a valid label key (`[prefix/]name`), if it is not.
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix
        && !is_dns_subdomain(p)
    {
        return Some(format!(
            "the prefix `{p}` is not a DNS-1123 subdomain (lowercase letters, digits, `-` and `.`, at most 253 characters)"
        ));
    }
    (!is_qualified_part(name)).then(|| {
        format!(
            "the name `{name}` must be 1 to 63 letters, digits, `-`, `_` or `.`, beginning and ending with a letter or digit"
        )
    })
}

/// Why `value` is not a valid label value, if it is not.
pub fn label_value_problem(value: &str) -> Option<String> {
    (!value.is_empty() && !is_qualified_part(value)).then(|| {
        String::from(
            "a label value is empty or 1 to 63 letters, digits, `-`, `_` or `.`, beginning and ending with a letter or digit",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_is_predictable() {
        assert_eq!(object_name("vllm-medium").as_deref(), Some("vllm-medium"));
        assert_eq!(
            object_name("_vLLM__Medium.v2-").as_deref(),
            Some("vllm-medium-v2")
        );
        assert_eq!(object_name("___"), None);
        assert_eq!(object_name(&"a".repeat(BASE_MAX + 1)), None);
    }

    #[test]
    fn dns_and_label_rules() {
        assert!(is_dns_label("a-1"));
        assert!(!is_dns_label("A"));
        assert!(!is_dns_label("-a"));
        assert!(is_dns_subdomain("nvidia.com"));
        assert!(!is_dns_subdomain("nvidia..com"));
        assert_eq!(label_key_problem("nvidia.com/gpu.product"), None);
        assert!(label_key_problem("Team/x").is_some());
        assert!(label_key_problem("a/").is_some());
        assert_eq!(label_value_problem(""), None);
        assert_eq!(label_value_problem("NVIDIA-H100-80GB-HBM3"), None);
        assert!(label_value_problem("a b").is_some());
    }
}
