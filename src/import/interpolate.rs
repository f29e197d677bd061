//! Compose's variable interpolation, with the values of env files only.
//!
//! The importer never reads the user's shell: a profile must not depend on it. A variable set
//! in an env file (`--env-file`, or the `.env` beside the compose file; see `env_file.rs`)
//! takes that value as compose would (`${VAR:-d}` only when set and not empty, `${VAR-d}`
//! when set, `${VAR:+alt}`...). Otherwise `${VAR:-default}` and `${VAR-default}` become their
//! default (interpolated in turn, so `${A:-${B:-x}}` is `x`), and `${VAR}`, `$VAR` and
//! `${VAR:?message}` have no value: they stay in the text as `${VAR}` and are listed as
//! unresolved. A secret (`HF_TOKEN`, `*_API_KEY`) set in an env file stays `${VAR}`, a
//! reference: its value is never copied. Every variable met is recorded, with where its value
//! came from, so the report can say. `$$` is a literal `$`.

use super::env_file::{Origin, Set, Values};
use super::secrets::is_secret_name;

/// Deeper nesting of defaults is refused.
const MAX_NESTING: usize = 16;

/// A variable the text refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    /// The value used in its place: the env file's (when `set_in`), else the reference's
    /// default; none when nothing gave one (`${VAR}` stays in the text).
    pub value: Option<String>,
    /// The env file line that set the variable. A secret's value is not used: `value` is then
    /// none and the reference stays.
    pub set_in: Option<Origin>,
}

impl Var {
    fn unset(name: String) -> Var {
        Var {
            name,
            value: None,
            set_in: None,
        }
    }
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
            .filter(|v| v.value.is_none())
            .map(|v| v.name.as_str())
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Interpolate `text` with the env files' `values`; an unterminated or malformed `${...}` is
/// an error.
pub fn interpolate(text: &str, values: &Values) -> Result<Interpolated, String> {
    let mut out = Interpolated::default();
    let chars: Vec<char> = text.chars().collect();
    let end = expand(&chars, 0, &mut out, 0, false, values)?;
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
    values: &Values,
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
            Some('{') => i = braced(chars, i + 2, out, depth, values)?,
            Some(&n) if is_name_start(n) => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && is_name_char(chars[j]) {
                    j += 1;
                }
                let name: String = chars[start..j].iter().collect();
                match usable(values, &name) {
                    Some(set) => {
                        out.text.push_str(&set.value);
                        out.vars.push(from_file(name, set));
                    }
                    None => {
                        out.text.push_str(&format!("${{{name}}}"));
                        out.vars.push(unused(name, values));
                    }
                }
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

/// The env file's value of `name`, unless it is a secret (which stays a reference).
fn usable<'v>(values: &'v Values, name: &str) -> Option<&'v Set> {
    values.get(name).filter(|_| !is_secret_name(name))
}

fn from_file(name: String, set: &Set) -> Var {
    Var {
        name,
        value: Some(set.value.clone()),
        set_in: Some(set.origin.clone()),
    }
}

/// A variable whose env file value is not used: unset, or a secret (its origin is kept).
fn unused(name: String, values: &Values) -> Var {
    let set_in = values.get(&name).map(|s| s.origin.clone());
    Var {
        set_in,
        ..Var::unset(name)
    }
}

/// `${NAME...}` starting after `${`; returns the index after the closing `}`.
fn braced(
    chars: &[char],
    start: usize,
    out: &mut Interpolated,
    depth: usize,
    values: &Values,
) -> Result<usize, String> {
    let mut j = start;
    while j < chars.len() && is_name_char(chars[j]) {
        j += 1;
    }
    let name: String = chars[start..j].iter().collect();
    if name.is_empty() || !name.starts_with(is_name_start) {
        return Err(String::from("`${` is not followed by a variable name"));
    }
    let set = usable(values, &name);
    let rest: String = chars[j..chars.len().min(j + 2)].iter().collect();
    let (op, skip) = if rest.starts_with(":-") || rest.starts_with(":?") || rest.starts_with(":+") {
        (rest.clone(), 2)
    } else if rest.starts_with('-') || rest.starts_with('?') || rest.starts_with('+') {
        (rest[..1].to_string(), 1)
    } else if rest.starts_with('}') {
        (String::new(), 0)
    } else {
        return Err(format!("unexpected text after `${{{name}`"));
    };
    let mut inner = Interpolated::default();
    let close = if op.is_empty() {
        j
    } else {
        expand(chars, j + skip, &mut inner, depth + 1, true, values)?
    };
    // compose: `:` makes an empty value count as unset
    let present = set.filter(|s| !(op.starts_with(':') && s.value.is_empty()));
    match (op.as_str(), present) {
        ("" | ":-" | "-" | ":?" | "?", Some(set)) => {
            out.text.push_str(&set.value);
            out.vars.push(from_file(name, set));
            return Ok(close + 1);
        }
        (":+" | "+", Some(set)) => {
            out.text.push_str(&inner.text);
            out.vars.push(from_file(name, set));
        }
        (":-" | "-", None) => {
            out.text.push_str(&inner.text);
            out.vars.push(Var {
                value: Some(inner.text.clone()),
                ..unused(name, values)
            });
        }
        (":+" | "+", None) => {
            // unset → empty
            out.vars.push(Var {
                value: Some(String::new()),
                ..unused(name, values)
            });
        }
        _ => {
            out.text.push_str(&format!("${{{name}}}"));
            out.vars.push(unused(name, values));
        }
    }
    out.vars.extend(inner.vars);
    Ok(close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> Values {
        Values::default()
    }

    fn text(s: &str) -> String {
        interpolate(s, &none()).unwrap().text
    }

    #[test]
    fn defaults_nesting_and_escapes() {
        assert_eq!(text("--port ${PORT:-5002}"), "--port 5002");
        assert_eq!(text("${A:-${B:-x}}y"), "xy");
        assert_eq!(text("${A-}"), "");
        assert_eq!(text("$${HOME} $$x"), "${HOME} $x");
        assert_eq!(text("${KEY} $KEY ${KEY:?set it}"), "${KEY} ${KEY} ${KEY}");
        assert_eq!(text("cost $ 5"), "cost $ 5");
        let i = interpolate("${A:-${B}}", &none()).unwrap();
        assert_eq!(i.text, "${B}");
        assert_eq!(i.unresolved().collect::<Vec<_>>(), vec!["B"]);
        assert_eq!(i.vars[0].name, "A");
    }

    #[test]
    fn env_file_values_as_compose_uses_them() {
        let mut values = Values::default();
        values
            .read("x.env", "B=0.88\nEMPTY=\nHF_TOKEN=hf_secret\n")
            .unwrap();
        let i = |s: &str| interpolate(s, &values).unwrap();
        let got = i("--gpu-memory-utilization ${A:-${B}}");
        assert_eq!(got.text, "--gpu-memory-utilization 0.88");
        assert_eq!(got.unresolved().count(), 0);
        let b = got.vars.iter().find(|v| v.name == "B").unwrap();
        assert_eq!(b.value.as_deref(), Some("0.88"));
        assert_eq!(b.set_in.as_ref().unwrap().to_string(), "x.env:1");
        // set wins over the default; `:` treats empty as unset, `-` does not
        assert_eq!(i("${B:-0.5} $B ${B?err}").text, "0.88 0.88 0.88");
        assert_eq!(i("[${EMPTY:-d}] [${EMPTY-d}]").text, "[d] []");
        assert_eq!(
            i("[${B:+alt}] [${EMPTY:+alt}] [${EMPTY+alt}]").text,
            "[alt] [] [alt]"
        );
        // the default's own variables are not met when the value is set
        assert_eq!(i("${B:-${C}}").vars.len(), 1);
        // a secret stays a reference; where it is set is known, its value never used
        let got = i("--api-key ${HF_TOKEN} ${HF_TOKEN:-d}");
        assert_eq!(got.text, "--api-key ${HF_TOKEN} d");
        assert!(
            got.vars
                .iter()
                .all(|v| v.value.as_deref() != Some("hf_secret"))
        );
        assert!(got.vars.iter().all(|v| v.set_in.is_some()));
    }

    #[test]
    fn malformed_references_are_errors() {
        assert!(interpolate("${A:-x", &none()).is_err());
        assert!(interpolate("${}", &none()).is_err());
        assert!(interpolate("${1A}", &none()).is_err());
        assert!(interpolate(&"${A:-".repeat(40), &none()).is_err());
    }
}
