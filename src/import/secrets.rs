//! Which settings are secrets, and what a secret's text refers to. A profile holds only names
//! of secrets (`deploy.secrets`) or references (`api_key = { env = "..." }`); values, literal
//! or as interpolation defaults, are never copied.

use super::interpolate::Var;

/// Whether an environment variable or flag name denotes a secret: `HF_TOKEN`, `*API_KEY*`
/// (`VLLM_API_KEY_MICRO` too), access and private keys, anything with `TOKEN` (but not a count of `TOKENS`), `SECRET` or `PASSWORD` in it.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace('-', "_");
    upper == "API_KEY"
        || upper.contains("API_KEY")
        || upper.contains("APIKEY")
        || upper.contains("ACCESS_KEY")
        || upper.contains("PRIVATE_KEY")
        || (upper.contains("TOKEN") && !upper.contains("TOKENS"))
        || upper.contains("SECRET")
        || upper.contains("PASSWORD")
}

/// Whether a `vllm serve` flag (by profile key) takes a secret: `api_key`, `hf_token`, and
/// keys ending in `_api_key` or `_token` or holding `secret` or `password`
/// (`max_num_batched_tokens` is not one).
pub fn is_secret_flag(key: &str) -> bool {
    key == "api_key"
        || key.ends_with("_api_key")
        || key.ends_with("_token")
        || key.contains("secret")
        || key.contains("password")
}

/// What a secret's (interpolated) text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretValue {
    /// `${VAR}`, or the default of `${VAR:-default}` (`default` is then true).
    Reference { var: String, default: bool },
    /// A value written into the compose file.
    Literal,
}

/// Classify `text` given the variables met while interpolating it.
pub fn classify(text: &str, vars: &[Var]) -> SecretValue {
    let trimmed = text.trim();
    if let Some(name) = trimmed.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
        && crate::render::is_env_name(name)
    {
        return SecretValue::Reference {
            var: name.to_string(),
            default: false,
        };
    }
    if let Some(v) = vars.iter().find(|v| {
        v.value
            .as_deref()
            .is_some_and(|d| !d.is_empty() && d.trim() == trimmed)
    }) {
        return SecretValue::Reference {
            var: v.name.clone(),
            default: true,
        };
    }
    SecretValue::Literal
}

/// The compose text with secret values replaced by `***`, line for line, so that a finding
/// that shows its line never shows a secret: values of secret variables (`HF_TOKEN=...`,
/// `HF_TOKEN: ...`), defaults of secret references (`${API_KEY:-...}`), and the value of
/// `--api-key`.
pub fn mask(text: &str) -> String {
    text.split_inclusive('\n').map(mask_line).collect()
}

fn mask_line(line: &str) -> String {
    let mut out = mask_defaults(line);
    let body = out.trim_start().trim_start_matches("- ").trim_start();
    let sep = body.find(['=', ':']);
    if let Some(pos) = sep {
        let name = body[..pos].trim().trim_matches(['"', '\'']);
        let value = body[pos + 1..].trim();
        let reference = value.starts_with("${") && !value.contains(":-") || value.is_empty();
        if is_secret_name(name) && crate::render::is_env_name(name) && !reference {
            let start = out.len() - body.len() + pos + 1;
            let newline = if out.ends_with('\n') { "\n" } else { "" };
            out = format!("{} ***{newline}", &out[..start]);
        }
    }
    for flag in ["--api-key", "--api_key"] {
        if let Some(at) = out.find(flag) {
            let after = at + flag.len();
            let rest = &out[after..];
            let value_start = rest.len() - rest.trim_start_matches([' ', '=']).len();
            let value = rest[value_start..].split_whitespace().next().unwrap_or("");
            if !value.is_empty() && !value.starts_with("${") && !value.starts_with('\\') {
                let from = after + value_start;
                out.replace_range(from..from + value.len(), "***");
            }
        }
    }
    out
}

fn mask_defaults(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 2..];
        let name_len = tail.len()
            - tail
                .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                .len();
        let name = &tail[..name_len];
        let after = &tail[name_len..];
        let op = if after.starts_with(":-") {
            2
        } else if after.starts_with('-') {
            1
        } else {
            0
        };
        if op > 0 && is_secret_name(name) {
            let close = after.find('}').unwrap_or(after.len());
            out.push_str(&format!("${{{name}{}***", &after[..op]));
            rest = &after[close..];
        } else {
            out.push_str("${");
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::interpolate::interpolate;

    #[test]
    fn names_and_values() {
        for n in [
            "HF_TOKEN",
            "HUGGING_FACE_HUB_TOKEN",
            "VLLM_API_KEY",
            "api_key",
            "DB_PASSWORD",
            "MY_SECRET",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        assert!(!is_secret_name("VLLM_PORT"));
        assert!(is_secret_name("VLLM_API_KEY_MICRO"));
        assert!(!is_secret_name("MAX_NUM_BATCHED_TOKENS"));
        assert!(is_secret_flag("hf_token") && !is_secret_flag("max_num_batched_tokens"));
        let i = interpolate("${KEY:-sk-123}", &Default::default()).unwrap();
        assert_eq!(
            classify(&i.text, &i.vars),
            SecretValue::Reference {
                var: "KEY".into(),
                default: true
            }
        );
        let i = interpolate("${KEY}", &Default::default()).unwrap();
        assert_eq!(
            classify(&i.text, &i.vars),
            SecretValue::Reference {
                var: "KEY".into(),
                default: false
            }
        );
        assert_eq!(classify("sk-123", &[]), SecretValue::Literal);
        // Empty: no value at all (vprof's `:?` reference will demand one).
        assert_eq!(classify("", &[]), SecretValue::Literal);
    }

    #[test]
    fn masking_hides_values_and_keeps_lines() {
        let text = "  - VLLM_API_KEY=${VLLM_API_KEY_MICRO:-sk-abc}\n  HF_TOKEN: hf_xyz\n  --api-key sk-123 --port 1\n  - HF_TOKEN=${HF_TOKEN}\n  - PORT=1\n";
        let masked = mask(text);
        for secret in ["sk-abc", "hf_xyz", "sk-123"] {
            assert!(!masked.contains(secret), "{masked}");
        }
        assert_eq!(masked.lines().count(), text.lines().count());
        assert!(masked.contains("--port 1"));
        assert!(masked.contains("HF_TOKEN=${HF_TOKEN}"));
        assert!(masked.contains("PORT=1"));
    }
}
