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

use super::env_file::Values;
use super::interpolate::{Var, interpolate};
use super::yaml::{Node, Value};

/// One word of the command, with its source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub line: usize,
}

impl Token {
    /// Tokens of line 1, one per word (tests).
    #[cfg(test)]
    pub(crate) fn words(words: &[&str]) -> Vec<Token> {
        words
            .iter()
            .map(|w| Token {
                text: w.to_string(),
                line: 1,
            })
            .collect()
    }
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
fn words(
    node: &Node,
    lines: &Lines<'_>,
    values: &Values,
    inv: &mut Invocation,
) -> Result<Vec<Token>, NotVllm> {
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
                let text = interpolated(raw, item.line, values, inv)?;
                out.push(Token {
                    text,
                    line: item.line,
                });
            }
        }
        Value::Scalar { text: raw, .. } => {
            let text = interpolated(raw, node.line, values, inv)?;
            out = split(&text, node.line, lines)?;
            super::shell::commented_flags(&text, node.line, lines, &mut inv.dropped);
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

fn interpolated(
    raw: &str,
    line: usize,
    values: &Values,
    inv: &mut Invocation,
) -> Result<String, NotVllm> {
    let i = interpolate(raw, values).map_err(|m| NotVllm {
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

fn is_shell(word: &str) -> bool {
    matches!(
        word.rsplit('/').next().unwrap_or(word),
        "sh" | "bash" | "dash" | "ash" | "zsh"
    )
}

pub(super) fn is_python(word: &str) -> bool {
    let base = word.rsplit('/').next().unwrap_or(word);
    base == "python" || base.starts_with("python3")
}

pub(super) const API_SERVER_MODULE: &str = "vllm.entrypoints.openai.api_server";

/// Read the vLLM invocation of a service.
pub fn invocation(
    entrypoint: Option<&Node>,
    command: Option<&Node>,
    lines: &Lines<'_>,
    values: &Values,
) -> Result<Invocation, NotVllm> {
    let mut inv = Invocation::default();
    let mut argv = Vec::new();
    let explicit_entrypoint = entrypoint.is_some_and(|e| !e.is_null());
    if let Some(e) = entrypoint.filter(|e| !e.is_null()) {
        argv.extend(words(e, lines, values, &mut inv)?);
    }
    if let Some(c) = command.filter(|c| !c.is_null()) {
        argv.extend(words(c, lines, values, &mut inv)?);
    }
    let fallback_line = entrypoint.or(command).map_or(1, |n| n.line);
    strip_launcher(argv, explicit_entrypoint, fallback_line, lines, &mut inv)?;
    Ok(inv)
}

pub(super) fn strip_launcher(
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
        return super::shell::shell_script(script, lines, inv);
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

pub(super) fn clip(s: &str) -> String {
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
        invocation(
            doc.get("entrypoint"),
            doc.get("command"),
            &Lines::new(yaml),
            &Values::default(),
        )
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
