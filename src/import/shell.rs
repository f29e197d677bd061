//! Shell in a compose command: the `sh -c` script around `vllm serve` (the vLLM line is kept,
//! every other line reported), and `#` comments that swallow flags.

use super::command::{
    API_SERVER_MODULE, Dropped, Invocation, Lines, NotVllm, Token, clip, is_python, split,
    strip_launcher,
};

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
pub fn commented_flags(text: &str, line: usize, lines: &Lines<'_>, dropped: &mut Vec<Dropped>) {
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

/// Find `vllm serve` or the API server module inside a shell script; the other lines of the
/// script are reported.
pub fn shell_script(
    script: &Token,
    lines: &Lines<'_>,
    inv: &mut Invocation,
) -> Result<(), NotVllm> {
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
