//! `unknown-vllm-arg`, `removed-vllm-arg`, `vllm-arg-value`, `deprecated-vllm-arg`:
//! every `[vllm]` key against the flag table of the target vLLM version.

use crate::diagnostics::{Check, Diagnostic, Diagnostics};
use crate::profile::Profile;
use crate::vllm::{self, Version};

pub fn check(profile: &Profile, diags: &mut Diagnostics) {
    let v = profile.vllm();
    if v.enable_auto_tool_choice == Some(true) && v.tool_call_parser.is_none() {
        diags.push(
            Diagnostic::new(
                Check::VllmArgValue,
                "enable_auto_tool_choice needs tool_call_parser: vLLM refuses to start without it",
            )
            .at(profile.label("vllm.enable_auto_tool_choice", "no tool_call_parser set"))
            .with_help("set tool_call_parser, e.g. \"hermes\" for Qwen3"),
        );
    }
    let Some(table) = profile.tree.get("vllm").and_then(|n| n.as_table()) else {
        return;
    };
    let version = profile.version;
    let flags = vllm::table(version);
    for (key, node) in table {
        let key_label = |msg: &str| node.origin.key_label(msg);
        let Some(flag) = flags.get(key) else {
            if let Some(d) = negative_spelling(key, node, version) {
                diags.push(d);
            } else {
                diags.push(unknown(key, version, key_label));
            }
            continue;
        };
        if flag.deprecated {
            diags.push(
                Diagnostic::new(Check::DeprecatedVllmArg, format!("`{key}` is deprecated in vLLM {}", version.as_str()))
                    .at(key_label("deprecated"))
                    .with_help("it may be removed in a later version; see vLLM's release notes for its replacement"),
            );
        }
        // api_key is a secret reference, checked by `inline-secret` and rendered through the
        // environment; its table form is not a flag value.
        if key == "api_key" {
            continue;
        }
        if let Err(err) = vllm::check_value(flag, &node.to_json(), flags) {
            let mut d = Diagnostic::new(Check::VllmArgValue, err.message.clone()).at(node
                .origin
                .value_label(format!("invalid for vLLM {}", version.as_str())));
            if let Some(help) = err.help {
                d = d.with_help(help);
            }
            diags.push(d);
        }
    }
}

/// A key that spells a flag's negative form (`no_enable_prefix_caching`, or
/// `disable_log_requests` in 0.33 where `--disable-log-requests` is the negative of
/// `--enable-log-requests`): booleans are three-state, so the key to write is the positive
/// one with the opposite value.
fn negative_spelling(
    key: &str,
    node: &crate::profile::node::Node,
    version: Version,
) -> Option<Diagnostic> {
    let flag = vllm::table(version).negative_of(key)?;
    let v = version.as_str();
    let option = format!("--{}", key.replace('_', "-"));
    let positive = &flag.key;
    let fix = match node.to_json().as_bool() {
        Some(value) => format!("write `{positive} = {}` instead", !value),
        None => format!("write `{positive} = false` instead of `{key} = true`"),
    };
    let (check, message) = if vllm::removed(key, version).is_some() {
        (
            Check::RemovedVllmArg,
            format!(
                "`{key}` is not a key of vLLM {v}: there `{option}` is the negative form of `{}` (the old spelling is still accepted on the command line)",
                flag.flag
            ),
        )
    } else {
        (
            Check::UnknownVllmArg,
            format!(
                "`{key}` is not a key: `{option}` is the negative form of `{}`",
                flag.flag
            ),
        )
    };
    Some(
        Diagnostic::new(check, message)
            .at(node.origin.key_label("negative spelling"))
            .with_help(format!(
                "{fix}: booleans are three-state (absent = vLLM's default, `false` renders `{}`)",
                flag.negative.as_deref().unwrap_or(&option)
            )),
    )
}

fn unknown(
    key: &str,
    version: Version,
    label: impl Fn(&str) -> crate::diagnostics::Label,
) -> Diagnostic {
    let v = version.as_str();
    if let Some(removal) = vllm::removed(key, version) {
        let (message, newer) = match (removal.last_in, removal.added_in) {
            (Some(last), _) => (
                format!("`{key}` was removed before vLLM {v} (last in {last})"),
                None,
            ),
            (None, Some(added)) => (
                format!("`{key}` does not exist in vLLM {v} (added in {added})"),
                Some(added),
            ),
            (None, None) => (format!("`{key}` is not in vLLM {v}"), None),
        };
        let mut help = match removal.replacement {
            Some(r) => format!("use `{r}` instead"),
            None if removal.history.is_some() => removal.history.unwrap_or_default().to_string(),
            None if newer.is_some() => format!(
                "use an image of vLLM {} or later, or drop the key",
                newer.map_or("", |n| n.as_str())
            ),
            None => String::from("drop the key: this version has no equivalent"),
        };
        if let Some(note) = removal.note {
            help.push_str(&format!(" ({note})"));
        }
        return Diagnostic::new(Check::RemovedVllmArg, message)
            .at(label("not in this version"))
            .with_help(help);
    }
    let mut d = Diagnostic::new(
        Check::UnknownVllmArg,
        format!("`{key}` is not an argument of vLLM {v}"),
    )
    .at(label("unknown argument"));
    if let Some(history) = vllm::historic(key) {
        d = d.with_help(format!(
            "removed before vLLM {}: {history}",
            Version::embedded().first().map_or("", |v| v.as_str())
        ));
    } else if let Some(s) = vllm::table(version).suggest(key) {
        d = d.with_help(format!("did you mean `{s}`?"));
    }
    d
}
