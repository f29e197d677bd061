//! Rendering: resolved profiles → `compose.yaml` and `.env`, in memory and deterministic.
//!
//! The templates are minijinja (strict undefined); the built-in ones are embedded, and a
//! project's `templates/compose.yaml.j2` or `templates/env.j2` replaces them. Every value a
//! profile holds reaches the YAML through the `yaml` filter (a double-quoted scalar with `$`
//! doubled; mapping keys use `yaml_key`, since compose does not interpolate keys); the only
//! interpolated references are the ones vprof creates for secrets
//! (`secret_ref`). Each generated file starts with a header naming its sources and the
//! SHA-256 of the body below it, so that hand edits can be detected before overwriting.

pub mod anchor;
pub mod args;
pub mod commit;
pub mod compose;
pub mod diff;
pub mod dotenv;
pub mod envfile;
pub mod k8s;
pub mod write;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::profile::Profile;
use crate::project::Project;

pub const COMPOSE_FILE: &str = "compose.yaml";
pub const ENV_FILE: &str = ".env";
pub const COMPOSE_TEMPLATE: &str = "compose.yaml.j2";
pub const ENV_TEMPLATE: &str = "env.j2";

const BUILTIN_COMPOSE: &str = include_str!("../../templates/compose.yaml.j2");
const BUILTIN_ENV: &str = include_str!("../../templates/env.j2");

/// Where a profile is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Target {
    /// docker compose: deploy/NAME/compose.yaml and .env.
    #[default]
    Compose,
    /// Kubernetes: deploy/NAME/k8s/, one object per file plus kustomization.yaml.
    K8s,
}

/// Which generated file a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Compose,
    Env,
    /// A Kubernetes manifest of the k8s target (protected like the compose file).
    Manifest,
}

/// One rendered file, header included.
#[derive(Debug, Clone)]
pub struct File {
    pub path: PathBuf,
    pub kind: Kind,
    pub text: String,
}

/// The templates of a project: its own copies where it has them, else the built-in ones.
/// Compiled once per templates directory and run, however many profiles are rendered (a
/// `render --all` of 10,000 profiles spent most of its time compiling the same templates).
pub fn environment(project: &Project) -> Result<Arc<Environment<'static>>, Error> {
    type Cache = HashMap<PathBuf, Arc<Environment<'static>>>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let key = project.templates_dir.clone();
    if let Some(env) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(env);
    }
    let env = Arc::new(compile_templates(project)?);
    if let Ok(mut c) = cache.lock() {
        c.insert(key, Arc::clone(&env));
    }
    Ok(env)
}

fn compile_templates(project: &Project) -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| template_error("syntax", &e))?;
    env.set_syntax(syntax);
    env.add_filter("yaml", |s: String| yaml_quote(&s, true));
    // Mapping keys are not interpolated by compose: `$` stays single.
    env.add_filter("yaml_key", |s: String| yaml_quote(&s, false));
    env.add_filter("secret_ref", secret_ref);
    let builtins = [
        (COMPOSE_TEMPLATE, BUILTIN_COMPOSE),
        (ENV_TEMPLATE, BUILTIN_ENV),
    ];
    for (name, builtin) in builtins.into_iter().chain(k8s::TEMPLATES.iter().copied()) {
        let custom = project.templates_dir.join(name);
        let source = if custom.is_file() {
            std::fs::read_to_string(&custom).map_err(|source| Error::Read {
                path: custom.clone(),
                source,
            })?
        } else {
            builtin.to_string()
        };
        env.add_template_owned(name, source)
            .map_err(|e| template_error(name, &e))?;
    }
    Ok(env)
}

pub fn template_error(name: &str, err: &minijinja::Error) -> Error {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    Error::Template {
        name: name.to_string(),
        message,
    }
}

/// Render the compose file and the `.env` of `profiles` into `dir`; `existing_env` is the
/// current `.env` there, whose values are kept.
pub fn render(
    profiles: &[Profile],
    project: &Project,
    dir: &Path,
    existing_env: Option<&str>,
) -> Result<Vec<File>, Error> {
    let env = environment(project)?;
    let sources: Vec<String> = profiles
        .iter()
        .map(|p| crate::paths::display(&p.path, &project.root))
        .collect();
    let context = compose::context(profiles, &anchor::anchor(dir, &project.root))?;
    let body = env
        .get_template(COMPOSE_TEMPLATE)
        .and_then(|t| t.render(minijinja::value::Serde(&context)))
        .map_err(|e| template_error(COMPOSE_TEMPLATE, &e))?;
    let compose_text = with_header(&sources, COMPOSE_NOTE, &body, &body);
    let variables = compose::secret_names(profiles)?;
    let env_body = dotenv::render(&env, &variables, existing_env)?;
    let env_text = with_header(
        &sources,
        ENV_NOTE,
        &env_body,
        &dotenv::hashed_form(&env_body),
    );
    Ok(vec![
        File {
            path: dir.join(COMPOSE_FILE),
            kind: Kind::Compose,
            text: compose_text,
        },
        File {
            path: dir.join(ENV_FILE),
            kind: Kind::Env,
            text: env_text,
        },
    ])
}

pub const HEADER_FIRST: &str = "# Generated by vprof from ";
pub const HASH_PREFIX: &str = "# sha256:";

const COMPOSE_NOTE: &str = "Do not edit by hand: change the profile and render again\n# (vprof refuses to overwrite a file edited since it was generated).";
pub(crate) const MANIFEST_NOTE: &str = COMPOSE_NOTE;
const ENV_NOTE: &str =
    "Fill in the values below: vprof keeps them, and any line you add, when it renders again.";

pub(crate) fn with_header(sources: &[String], note: &str, body: &str, hashed: &str) -> String {
    let sources: Vec<String> = sources.iter().map(|s| comment_safe(s)).collect();
    format!(
        "{HEADER_FIRST}{}.\n# {note}\n{HASH_PREFIX}{}\n{body}",
        sources.join(", "),
        sha256_hex(hashed)
    )
}

/// A path as it may appear inside a `#` comment line: control characters (a newline would
/// end the comment and start YAML or `.env` content) and line separators are escaped.
pub fn comment_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if needs_escape(c) || c == '\\' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether the lines between the first line of a vprof header and its hash line are exactly
/// the note vprof writes: a line inserted there by hand would be dropped by the next render,
/// so it counts as a hand edit.
pub fn header_is_intact(text: &str, kind: Kind) -> bool {
    let note = match kind {
        Kind::Compose => COMPOSE_NOTE,
        Kind::Manifest => MANIFEST_NOTE,
        Kind::Env => ENV_NOTE,
    };
    let expected = format!("# {note}\n{HASH_PREFIX}");
    let Some((_, rest)) = text.split_once('\n') else {
        return false;
    };
    rest.starts_with(&expected)
}

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file's vprof header: the recorded hash and the body below it.
pub fn split_header(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with(HEADER_FIRST) {
        return None;
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n').take(5) {
        offset += line.len();
        if let Some(hash) = line.strip_prefix(HASH_PREFIX) {
            return Some((hash.trim_end(), &text[offset..]));
        }
    }
    None
}

/// A YAML double-quoted scalar holding exactly `s`; with `dollar`, `$` is doubled so that
/// compose's interpolation turns it back into one `$`.
pub fn yaml_quote(s: &str, dollar: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '$' if dollar => out.push_str("$$"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters YAML does not allow raw (or treats as line breaks) in a scalar.
fn needs_escape(c: char) -> bool {
    let u = c as u32;
    u < 0x20
        || (0x7F..=0x9F).contains(&u)
        || u == 0x2028
        || u == 0x2029
        || u == 0xFEFF
        || u == 0xFFFE
        || u == 0xFFFF
}

/// Whether a string is a portable environment variable name.
pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `${NAME:?NAME is not set}`, quoted: compose fails fast when the variable is unset or empty.
fn secret_ref(name: String) -> Result<String, minijinja::Error> {
    if !is_env_name(&name) {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("`{name}` is not an environment variable name"),
        ));
    }
    Ok(yaml_quote(
        &format!("${{{name}:?{name} is not set}}"),
        false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_everything_that_could_break_out() {
        assert_eq!(yaml_quote("a\"b\\c\nd$e", true), r#""a\"b\\c\nd$$e""#);
        assert_eq!(yaml_quote("\u{7}\u{2028}é", false), "\"\\u0007\\u2028é\"");
    }

    #[test]
    fn header_sources_cannot_break_out_of_the_comment() {
        let text = with_header(
            &["profiles/x\nname: injected\u{2028}.toml".into()],
            COMPOSE_NOTE,
            "x: 1\n",
            "x: 1\n",
        );
        assert!(
            text.starts_with(
                "# Generated by vprof from profiles/x\\nname: injected\\u{2028}.toml.\n"
            )
        );
        assert!(header_is_intact(&text, Kind::Compose));
        let edited = text.replacen("# Do not", "# mine\n# Do not", 1);
        assert!(!header_is_intact(&edited, Kind::Compose));
        assert!(!header_is_intact(&text, Kind::Env));
    }

    #[test]
    fn header_round_trips() {
        let text = with_header(&["profiles/a.toml".into()], "n", "x: 1\n", "x: 1\n");
        let (hash, body) = split_header(&text).unwrap();
        assert_eq!(body, "x: 1\n");
        assert_eq!(hash, sha256_hex("x: 1\n"));
    }
}
