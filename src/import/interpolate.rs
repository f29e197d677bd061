//! Compose's variable interpolation, without an environment.
//!
//! The importer does not read the user's shell or `.env`: a profile must not depend on them.
//! So `${VAR:-default}` and `${VAR-default}` become their default (interpolated in turn, so
//! `${A:-${B:-x}}` is `x`), and every variable met is recorded so the report can say which
//! values came from a default. `${VAR}`, `$VAR` and `${VAR:?message}` have no value here:
//! they stay in the text as `${VAR}` and are listed as unresolved. `$$` is a literal `$`.

/// Deeper nesting of defaults is refused.
const MAX_NESTING: usize = 16;

/// A variable the text refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    /// The default that was used, if the reference had one.
    pub default: Option<String>,
}

/// The text with defaults applied.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interpolated {
    pub text: String,
    pub vars: Vec<Var>,
}

impl Interpolated {
    /// Variables without a default (their `${NAME}` stays in the text).
    pub fn unresolved(&self) -> impl Iterator<Item = &str> {
        self.vars
            .iter()
            .filter(|v| v.default.is_none())
            .map(|v| v.name.as_str())
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Interpolate `text`; an unterminated or malformed `${...}` is an error.
pub fn interpolate(text: &str) -> Result<Interpolated, String> {
    let mut out = Interpolated::default();
    let chars: Vec<char> = text.chars().collect();
    let end = expand(&chars, 0, &mut out, 0, false)?;
    debug_assert_eq!(end, chars.len());
    Ok(out)
}

/// Expand from `i` until the end, or (inside braces) until the matching `}`; returns the index
/// after what was consumed.
fn expand(
    chars: &[char],
    mut i: usize,
    out: &mut Interpolated,
    depth: usize,
    in_braces: bool,
) -> Result<usize, String> {
    if depth > MAX_NESTING {
        return Err(format!("defaults nested deeper than {MAX_NESTING} levels"));
    }
    while i < chars.len() {
        let c = chars[i];
        if in_braces && c == '}' {
            return Ok(i);
        }
        if c != '$' {
            out.text.push(c);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('$') => {
                out.text.push('$');
                i += 2;
            }
            Some('{') => i = braced(chars, i + 2, out, depth)?,
            Some(&n) if is_name_start(n) => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && is_name_char(chars[j]) {
                    j += 1;
                }
                let name: String = chars[start..j].iter().collect();
                out.text.push_str(&format!("${{{name}}}"));
                out.vars.push(Var {
                    name,
                    default: None,
                });
                i = j;
            }
            _ => {
                out.text.push('$');
                i += 1;
            }
        }
    }
    if in_braces {
        return Err(String::from("`${` without its closing `}`"));
    }
    Ok(i)
}

/// `${NAME...}` starting after `${`; returns the index after the closing `}`.
fn braced(
    chars: &[char],
    start: usize,
    out: &mut Interpolated,
    depth: usize,
) -> Result<usize, String> {
    let mut j = start;
    while j < chars.len() && is_name_char(chars[j]) {
        j += 1;
    }
    let name: String = chars[start..j].iter().collect();
    if name.is_empty() || !name.starts_with(is_name_start) {
        return Err(String::from("`${` is not followed by a variable name"));
    }
    let rest: String = chars[j..chars.len().min(j + 2)].iter().collect();
    let (op, skip) = if rest.starts_with(":-") || rest.starts_with(":?") || rest.starts_with(":+") {
        (rest.clone(), 2)
    } else if rest.starts_with('-') || rest.starts_with('?') || rest.starts_with('+') {
        (rest[..1].to_string(), 1)
    } else if rest.starts_with('}') {
        out.text.push_str(&format!("${{{name}}}"));
        out.vars.push(Var {
            name,
            default: None,
        });
        return Ok(j + 1);
    } else {
        return Err(format!("unexpected text after `${{{name}`"));
    };
    let mut inner = Interpolated::default();
    let close = expand(chars, j + skip, &mut inner, depth + 1, true)?;
    match op.as_str() {
        ":-" | "-" => {
            out.text.push_str(&inner.text);
            out.vars.push(Var {
                name,
                default: Some(inner.text.clone()),
            });
        }
        ":+" | "+" => {
            // Set → the alternative; vprof assumes unset: empty.
            out.vars.push(Var {
                name,
                default: Some(String::new()),
            });
        }
        _ => {
            out.text.push_str(&format!("${{{name}}}"));
            out.vars.push(Var {
                name,
                default: None,
            });
        }
    }
    out.vars.extend(inner.vars);
    Ok(close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        interpolate(s).unwrap().text
    }

    #[test]
    fn defaults_nesting_and_escapes() {
        assert_eq!(text("--port ${PORT:-5002}"), "--port 5002");
        assert_eq!(text("${A:-${B:-x}}y"), "xy");
        assert_eq!(text("${A-}"), "");
        assert_eq!(text("$${HOME} $$x"), "${HOME} $x");
        assert_eq!(text("${KEY} $KEY ${KEY:?set it}"), "${KEY} ${KEY} ${KEY}");
        assert_eq!(text("cost $ 5"), "cost $ 5");
        let i = interpolate("${A:-${B}}").unwrap();
        assert_eq!(i.text, "${B}");
        assert_eq!(i.unresolved().collect::<Vec<_>>(), vec!["B"]);
        assert_eq!(i.vars[0].name, "A");
    }

    #[test]
    fn malformed_references_are_errors() {
        assert!(interpolate("${A:-x").is_err());
        assert!(interpolate("${}").is_err());
        assert!(interpolate("${1A}").is_err());
        assert!(interpolate(&"${A:-".repeat(40)).is_err());
    }
}
