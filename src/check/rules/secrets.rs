//! `inline-secret`: secret values written into a profile. Profiles are committed and
//! reviewed; secrets belong in `.env`, referenced as `{ env = "NAME" }`.

use crate::diagnostics::{Check, Diagnostic, Diagnostics};
use crate::profile::Profile;
use crate::profile::raw::Secret;

/// Keys whose values are commit hashes, which look random but are not secrets.
const HASH_KEYS: &[&str] = &["revision", "tokenizer_revision", "code_revision"];

/// Well-known token prefixes (OpenAI-style, Hugging Face, GitHub, Slack, AWS, GitLab).
const PREFIXES: &[&str] = &[
    "sk-",
    "sk_",
    "hf_",
    "ghp_",
    "gho_",
    "ghs_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
    "AKIA",
    "glpat-",
];

pub fn check(profile: &Profile, diags: &mut Diagnostics) {
    if let Some(Secret::Literal(_)) = &profile.vllm().api_key {
        diags.push(
            Diagnostic::new(
                Check::ApiKeyReference,
                "api_key is written into the profile",
            )
            .at(profile
                .origin("vllm.api_key")
                .value_label("secret value in a committed file (hidden)"))
            .with_help("write api_key = { env = \"VLLM_API_KEY\" } and put the value in .env"),
        );
    }
    let mut strings = Vec::new();
    profile.tree.walk_strings(&mut Vec::new(), &mut strings);
    for (path, node) in strings {
        if path == "vllm.api_key" {
            continue;
        }
        let Some(text) = node.as_str() else { continue };
        if let Some(message) = secret_reason(&path, text) {
            let last = path.rsplit('.').next().unwrap_or("");
            let help = if path.starts_with("deploy.env.") {
                format!("list `{last}` in deploy.secrets and put its value in .env")
            } else {
                String::from(
                    "reference an environment variable instead, e.g. { env = \"NAME\" }, and put the value in .env",
                )
            };
            diags.push(
                Diagnostic::new(Check::InlineSecret, message)
                    .at(node
                        .origin
                        .value_label("secret value in a committed file (hidden)"))
                    .with_help(help),
            );
        }
    }
}

/// Why the string at dotted `path` is a secret, if it is one. The reason names the key,
/// never any part of the value.
pub fn secret_reason(path: &str, text: &str) -> Option<String> {
    if path == "vllm.api_key" {
        return Some(String::from("api_key is written into the profile"));
    }
    let last = path.rsplit('.').next().unwrap_or("");
    if HASH_KEYS.contains(&last) {
        return None;
    }
    if path.starts_with("deploy.env.") && secret_name(last) && !text.is_empty() {
        return Some(format!("`{last}` holds a secret value"));
    }
    token_shaped(text).map(|_| format!("`{path}` holds a token-shaped value"))
}

/// Environment variable names that conventionally hold secrets.
fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
    ]
    .iter()
    .any(|w| upper.contains(w))
}

/// The first word of `text` that looks like a credential, if any.
pub fn token_shaped(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || ",;\"'".contains(c))
        // An image digest (`@sha256:<hex>`) is random by design and public.
        .map(|w| w.find("sha256:").map_or(w, |at| &w[..at]))
        .flat_map(|w| w.split(|c: char| !(c.is_ascii_alphanumeric() || "-_+=.".contains(c))))
        .find(|word| is_token(word))
}

fn is_token(word: &str) -> bool {
    // Every token shape below is at least 16 characters long (a prefix and 16 more, or 32).
    if word.len() < 16 {
        return false;
    }
    for p in PREFIXES {
        if let Some(rest) = word.strip_prefix(p)
            && rest.len() >= 16
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        {
            return true;
        }
    }
    let body = word.trim_end_matches('=');
    if body.len() < 32 {
        return false;
    }
    if body.chars().all(|c| c.is_ascii_hexdigit()) {
        return true;
    }
    let base64ish = body
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+/_-".contains(c));
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let upper = body.chars().filter(char::is_ascii_uppercase).count();
    let lower = body.chars().filter(char::is_ascii_lowercase).count();
    base64ish && digits >= 2 && upper >= 2 && lower >= 2 && entropy(body) >= 4.0
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::token_shaped;

    #[test]
    fn tokens_and_look_alikes() {
        assert!(token_shaped("sk-proj-abcdefghijklmnop1234").is_some());
        assert!(token_shaped("hf_AbCdEfGhIjKlMnOpQrStUvWx").is_some());
        assert!(
            token_shaped("Bearer 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .is_some()
        );
        assert!(token_shaped("Qz8xK2mP9vL4nR7tY1wE5uI3oA6sD0fG").is_some());
        assert!(token_shaped("Qwen/Qwen3-32B-AWQ").is_none());
        assert!(token_shaped("vllm/vllm-openai@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08").is_none());
        assert!(token_shaped("~/.cache/huggingface").is_none());
        assert!(token_shaped("Multi-turn agents: chunked prefill, prefix caching off").is_none());
    }
}
