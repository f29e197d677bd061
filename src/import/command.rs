//! From a service's `entrypoint` and `command` to the `vllm serve` arguments, each with the
//! line it was written on.
//!
//! A command is a YAML list (one argument per item), a plain string or a folded block; strings
//! are interpolated first, then split into words as a POSIX shell would (`shlex`: quotes,
//! backslashes, `#` comments), which is what compose does. The program in front of the
//! arguments is recognised and removed: the image's own entrypoint (the command starts with a
//! flag), `vllm serve [MODEL]`, `python -m vllm.entrypoints.openai.api_server`, `exec`, and
//! `sh -c "SCRIPT"` whose script starts vLLM somewhere (the rest of the script is reported,
//! since a profile cannot hold it).

use super::interpolate::{Var, interpolate};
use super::yaml::{Node, Value};

/// One word of the command, with its source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub line: usize,
}

/// Something of the command that does not reach the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub line: usize,
    pub message: String,
}

/// The vLLM invocation found in a service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invocation {
    /// The arguments after the program (flags and their values).
    pub args: Vec<Token>,
    /// `vllm serve MODEL`'s positional model.
    pub model: Option<Token>,
    /// How vLLM was started, for the report (`image entrypoint`, `vllm serve`, `sh -c`).
    pub launcher: String,
    pub dropped: Vec<Dropped>,
    /// Variables met while interpolating, with their lines.
    pub vars: Vec<(usize, Var)>,
}

/// Why a service's command is not a vLLM server we can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotVllm {
    pub line: usize,
    pub message: String,
}

/// Lines of the compose file, to place the words of a string command.
#[derive(Debug)]
pub struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines {
            lines: text.lines().collect(),
        }
    }

    /// The first line at or after `from` (1-based) that contains `needle`, within a window.
    pub fn find(&self, from: usize, needle: &str) -> Option<usize> {
        let start = from.saturating_sub(1);
        self.lines
            .iter()
            .enumerate()
            .skip(start)
            .take(2000)
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| i + 1)
    }
}

/// The words of one YAML value (a list, or a string split like a shell would).
fn words(node: &Node, lines: &Lines<'_>, inv: &mut Invocation) -> Result<Vec<Token>, NotVllm> {
    let mut out = Vec::new();
    match &node.value {
        Value::Seq(items) => {
            for item in items {
                let Some(raw) = item.as_str() else {
                    return Err(NotVllm {
                        line: item.line,
                        message: String::from("a command item is not a string"),
                    });
                };
                let text = interpolated(raw, item.line, inv)?;
                out.push(Token {
                    text,
                    line: item.line,
                });
            }
        }
        Value::Scalar { text: raw, .. } => {
            let text = interpolated(raw, node.line, inv)?;
            out = split(&text, node.line, lines)?;
            commented_flags(&text, node.line, lines, &mut inv.dropped);
        }
        Value::Map(_) => {
            return Err(NotVllm {
                line: node.line,
                message: String::from("the command is a mapping, not a list or a string"),
            });
        }
    }
    Ok(out)
}

fn interpolated(raw: &str, line: usize, inv: &mut Invocation) -> Result<String, NotVllm> {
    let i = interpolate(raw).map_err(|m| NotVllm {
        line,
        message: format!("invalid interpolation: {m}"),
    })?;
    inv.vars.extend(i.vars.into_iter().map(|v| (line, v)));
    Ok(i.text)
}

/// Shell words of `text`, each placed on the first line (from `line` on) that holds it.
pub fn split(text: &str, line: usize, lines: &Lines<'_>) -> Result<Vec<Token>, NotVllm> {
    let joined = text.replace("\\\n", " ");
    let parts = shlex::split(&joined).ok_or_else(|| NotVllm {
        line,
        message: String::from("the command has an unterminated quote or a trailing backslash"),
    })?;
    let mut cursor = line;
    Ok(parts
        .into_iter()
        .map(|text| {
            if text.starts_with('-') {
                let name = text.split('=').next().unwrap_or(&text);
                if let Some(found) = lines.find(cursor, name) {
                    cursor = found;
                }
            }
            Token { text, line: cursor }
        })
        .collect())
}

/// `#` comments of a command string (outside quotes, at the start of a word), to the end of
/// their line. In a folded block (`command: >`) the lines are joined first, so a comment
/// swallows every flag written after it up to the next blank line.
fn comments(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let (mut single, mut double, mut word_start) = (false, false, true);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && !single {
            i += 2;
            word_start = false;
            continue;
        }
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && word_start => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |p| i + p);
                out.push(chars[i..end].iter().collect());
                i = end;
                continue;
            }
            _ => {}
        }
        word_start = c.is_whitespace();
        i += 1;
    }
    out
}

/// Report comments that hold flags: they never reach vLLM.
fn commented_flags(text: &str, line: usize, lines: &Lines<'_>, dropped: &mut Vec<Dropped>) {
    for comment in comments(text) {
        if !comment
            .split_whitespace()
            .any(|w| w.trim_start_matches('#').starts_with("--"))
        {
            continue;
        }
        // The longest run of its first words found in the file is where it starts.
        let words: Vec<&str> = comment.split_whitespace().take(6).collect();
        let at = (1..=words.len())
            .rev()
            .find_map(|k| lines.find(line, &words[..k].join(" ")))
            .unwrap_or(line);
        dropped.push(Dropped {
            line: at,
            message: format!(
                "`{}` is a comment: the flags in it are not passed to vLLM",
                clip(&comment)
            ),
        });
    }
}

fn is_shell(word: &str) -> bool {
    matches!(
        word.rsplit('/').next().unwrap_or(word),
        "sh" | "bash" | "dash" | "ash" | "zsh"
    )
}

fn is_python(word: &str) -> bool {
    let base = word.rsplit('/').next().unwrap_or(word);
    base == "python" || base.starts_with("python3")
}

const API_SERVER_MODULE: &str = "vllm.entrypoints.openai.api_server";

/// Read the vLLM invocation of a service.
pub fn invocation(
    entrypoint: Option<&Node>,
    command: Option<&Node>,
    lines: &Lines<'_>,
) -> Result<Invocation, NotVllm> {
    let mut inv = Invocation::default();
    let mut argv = Vec::new();
    let explicit_entrypoint = entrypoint.is_some_and(|e| !e.is_null());
    if let Some(e) = entrypoint.filter(|e| !e.is_null()) {
        argv.extend(words(e, lines, &mut inv)?);
    }
    if let Some(c) = command.filter(|c| !c.is_null()) {
        argv.extend(words(c, lines, &mut inv)?);
    }
    let fallback_line = entrypoint.or(command).map_or(1, |n| n.line);
    strip_launcher(argv, explicit_entrypoint, fallback_line, lines, &mut inv)?;
    Ok(inv)
}

fn strip_launcher(
    argv: Vec<Token>,
    explicit_entrypoint: bool,
    line: usize,
    lines: &Lines<'_>,
    inv: &mut Invocation,
) -> Result<(), NotVllm> {
    let mut i = 0;
    while i < argv.len() && (argv[i].text == "exec" || argv[i].text == "env") {
        i += 1;
    }
    let Some(first) = argv.get(i) else {
        return if explicit_entrypoint {
            Err(NotVllm {
                line,
                message: String::from("the entrypoint is empty"),
            })
        } else {
            inv.launcher = String::from("the image's entrypoint");
            Ok(())
        };
    };
    let word = first.text.as_str();
    if word.starts_with('-') && !explicit_entrypoint {
        inv.launcher = String::from("the image's entrypoint");
        inv.args = argv[i..].to_vec();
        return Ok(());
    }
    if word == "vllm" && argv.get(i + 1).is_some_and(|t| t.text == "serve") {
        inv.launcher = String::from("vllm serve");
        let mut rest = argv[i + 2..].to_vec();
        if rest.first().is_some_and(|t| !t.text.starts_with('-')) {
            inv.model = Some(rest.remove(0));
        }
        inv.args = rest;
        return Ok(());
    }
    if is_python(word)
        && argv.get(i + 1).is_some_and(|t| t.text == "-m")
        && argv.get(i + 2).is_some_and(|t| t.text == API_SERVER_MODULE)
    {
        inv.launcher = format!("python -m {API_SERVER_MODULE}");
        inv.args = argv[i + 3..].to_vec();
        return Ok(());
    }
    if is_shell(word) && argv.get(i + 1).is_some_and(|t| t.text == "-c") {
        let Some(script) = argv.get(i + 2) else {
            return Err(NotVllm {
                line: first.line,
                message: String::from("`sh -c` without a script"),
            });
        };
        if let Some(extra) = argv.get(i + 3) {
            inv.dropped.push(Dropped {
                line: extra.line,
                message: String::from("arguments after the `sh -c` script are not kept"),
            });
        }
        return shell_script(script, lines, inv);
    }
    if is_shell(word) {
        let script = argv.get(i + 1).map_or("a script", |t| t.text.as_str());
        return Err(NotVllm {
            line: first.line,
            message: format!(
                "the container runs {script}: its vLLM arguments are not in the compose file"
            ),
        });
    }
    Err(NotVllm {
        line: first.line,
        message: format!("the container runs `{word}`, not `vllm serve`"),
    })
}

/// Find `vllm serve` or the API server module inside a shell script; the other lines of the
/// script are reported.
fn shell_script(script: &Token, lines: &Lines<'_>, inv: &mut Invocation) -> Result<(), NotVllm> {
    let joined = script.text.replace("\\\n", " ");
    let mut found = false;
    let mut cursor = script.line;
    for logical in joined.lines() {
        let trimmed = logical.trim();
        let here = lines
            .find(
                cursor,
                trimmed.get(..trimmed.len().min(40)).unwrap_or(trimmed),
            )
            .unwrap_or(cursor);
        cursor = here;
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "set -e" {
            continue;
        }
        if found {
            inv.dropped.push(Dropped {
                line: here,
                message: format!(
                    "shell script line after vLLM starts is not kept: {}",
                    clip(trimmed)
                ),
            });
            continue;
        }
        let Ok(tokens) = split(logical, here, lines) else {
            inv.dropped.push(Dropped {
                line: here,
                message: format!("shell script line is not kept: {}", clip(trimmed)),
            });
            continue;
        };
        let start = tokens
            .iter()
            .position(|t| t.text == "vllm" || is_python(&t.text));
        let launches = start.is_some_and(|s| {
            let rest = &tokens[s..];
            (rest[0].text == "vllm" && rest.get(1).is_some_and(|t| t.text == "serve"))
                || (rest.get(1).is_some_and(|t| t.text == "-m")
                    && rest.get(2).is_some_and(|t| t.text == API_SERVER_MODULE))
        });
        match (start, launches) {
            (Some(s), true) => {
                found = true;
                let mut end = tokens.len();
                if let Some(op) = tokens[s..]
                    .iter()
                    .position(|t| matches!(t.text.as_str(), "&&" | "||" | ";" | "|" | "&"))
                {
                    end = s + op;
                    inv.dropped.push(Dropped {
                        line: here,
                        message: String::from(
                            "shell operators after the vLLM command are not kept",
                        ),
                    });
                }
                let vllm_tokens = tokens[s..end].to_vec();
                strip_launcher(vllm_tokens, false, here, lines, inv)?;
                inv.launcher = format!("sh -c with {}", inv.launcher);
            }
            _ => inv.dropped.push(Dropped {
                line: here,
                message: format!("shell script line is not kept: {}", clip(trimmed)),
            }),
        }
    }
    if !found {
        return Err(NotVllm {
            line: script.line,
            message: String::from("the shell script does not start `vllm serve`"),
        });
    }
    Ok(())
}

fn clip(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::yaml::parse;

    fn run(yaml: &str) -> Result<Invocation, NotVllm> {
        let doc = parse(yaml).unwrap();
        invocation(doc.get("entrypoint"), doc.get("command"), &Lines::new(yaml))
    }

    fn texts(inv: &Invocation) -> Vec<&str> {
        inv.args.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn list_string_and_folded_commands() {
        let list = run("command: [\"--model\", \"m\", \"--port=${P:-8000}\"]\n").unwrap();
        assert_eq!(texts(&list), ["--model", "m", "--port=8000"]);
        let folded = run(
            "command: >\n  --model m\n  --json '{\"a\": 1}'\n  # --off 1\n  --max-model-len 9\n",
        )
        .unwrap();
        assert_eq!(texts(&folded), ["--model", "m", "--json", "{\"a\": 1}"]);
        assert_eq!(folded.dropped.len(), 1);
        assert_eq!(folded.dropped[0].line, 4);
        assert!(folded.dropped[0].message.contains("--max-model-len 9"));
        assert_eq!(folded.args[2].line, 3);
        let serve = run("command: vllm serve Qwen/Qwen3-8B --max-model-len 4096\n").unwrap();
        assert_eq!(serve.model.unwrap().text, "Qwen/Qwen3-8B");
        let module =
            run("command: python3 -m vllm.entrypoints.openai.api_server --model x\n").unwrap();
        assert_eq!(texts(&module), ["--model", "x"]);
    }

    #[test]
    fn shell_wrappers() {
        let yaml = "entrypoint: [\"/bin/sh\", \"-c\"]\ncommand:\n  - |\n    set -e\n    echo hi\n    exec vllm serve \\\n      --model m \\\n      --port ${P:-5002}\n";
        let inv = run(yaml).unwrap();
        assert_eq!(texts(&inv), ["--model", "m", "--port", "5002"]);
        assert_eq!(inv.args[0].line, 7);
        assert_eq!(inv.dropped.len(), 1);
        assert_eq!(inv.dropped[0].line, 5);
        let script = run("entrypoint: [\"/bin/bash\", \"/workspace/start.sh\"]\n").unwrap_err();
        assert!(script.message.contains("/workspace/start.sh"));
        let other =
            run("entrypoint: [\"/bin/sh\", \"-c\"]\ncommand: [\"hf download x\"]\n").unwrap_err();
        assert_eq!(
            other.message,
            "the shell script does not start `vllm serve`"
        );
    }
}
