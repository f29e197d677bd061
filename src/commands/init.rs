//! `vprof init [DIR]`: scaffold a project; existing files are skipped and reported.

use std::path::Path;

use super::Context;
use crate::error::Error;
use crate::report::Report;
use crate::report::documents::InitReport;
use crate::scaffold::{self, Action};

pub fn run(ctx: &Context, dir: &Path) -> Result<Report, Error> {
    let root = ctx.cwd.join(dir);
    if root.exists() && !root.is_dir() {
        return Err(Error::Usage(format!(
            "{} exists and is not a directory",
            dir.display()
        )));
    }
    let entries = scaffold::plan(&root)?;
    scaffold::apply(&root, &entries)?;
    let shown = |path: &str| {
        if dir == Path::new(".") {
            path.to_string()
        } else {
            format!("{}/{path}", dir.display())
        }
    };
    let by = |action: Action| -> Vec<String> {
        entries
            .iter()
            .filter(|e| e.action == action)
            .map(|e| shown(&e.path))
            .collect()
    };
    let doc = InitReport {
        created: by(Action::Create),
        appended: by(Action::Append),
        skipped: by(Action::Skip),
        findings: Vec::new(),
    };
    let mut text = String::new();
    for e in &entries {
        let line = match e.action {
            Action::Create => format!("created {}\n", shown(&e.path)),
            Action::Append => format!(
                "appended `{}` to {}\n",
                scaffold::GITIGNORE_LINE,
                shown(&e.path)
            ),
            Action::Skip => format!("skipped {} (it exists; left as it is)\n", shown(&e.path)),
        };
        text.push_str(&line);
    }
    if dir != Path::new(".") {
        text.push_str(&format!("next: cd {}\n", dir.display()));
    }
    text.push_str(&format!(
        "next: edit profiles/{}.toml and hosts/{}.toml, then `vprof validate` and `vprof render {}`\n",
        scaffold::PROFILE,
        scaffold::HOST,
        scaffold::PROFILE
    ));
    Ok(Report::plain(&doc).note(text))
}
