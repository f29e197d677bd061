//! `vprof verify NAME [--url URL]`: is the running server the profile? Reads `/v1/models`,
//! `/metrics` and `/version` (three GETs), compares them with the resolved profile, and
//! reports each difference as a located `server-mismatch` finding (exit 1).

use std::time::Duration;

use serde_json::json;

use super::{Context, report, report_json};
use crate::cli::Format;
use crate::error::Error;
use crate::exit::Outcome;
use crate::live::{Client, Facts};
use crate::profile::Profile;
use crate::profile::raw::Secret;
use crate::verify::{self, Row, Status};

/// The server a command talks to: `--url`, else the profile's published port on this host.
pub fn client(profile: &Profile, url: Option<&str>, timeout: Duration) -> Result<Client, Error> {
    let url = url.map_or_else(
        || format!("http://127.0.0.1:{}", profile.port()),
        String::from,
    );
    let base = crate::live::BaseUrl::parse(&url).map_err(|e| Error::Usage(e.to_string()))?;
    // The profile names the variable that holds the API key; its value is in the environment.
    let api_key = match &profile.vllm().api_key {
        Some(Secret::Ref(r)) => std::env::var(&r.env).ok(),
        _ => None,
    };
    Ok(Client::new(base, timeout, api_key))
}

pub fn run(ctx: &Context, name: &str, url: Option<&str>, timeout: u64) -> Result<Outcome, Error> {
    let mut run = super::open(ctx)?;
    let Some(profile) = run.load_one(name)? else {
        return Ok(report(ctx, &run, None));
    };
    let client = client(&profile, url, Duration::from_secs(timeout))?;
    let facts = Facts::gather(&client).map_err(|e| Error::Server(e.to_string()))?;
    let result = verify::compare(&profile, &facts);
    for finding in result.findings {
        run.push(finding);
    }
    match ctx.format {
        Format::Json => Ok(report_json(
            ctx,
            &run,
            json!({
                "profile": profile.name,
                "url": client.base().as_str(),
                "vllm_version": facts.version,
                "rows": result.rows,
            }),
        )),
        Format::Human => {
            ctx.printer.out(&text(
                &profile,
                client.base().as_str(),
                facts.version.as_deref(),
                &result.rows,
            ));
            Ok(report(
                ctx,
                &run,
                Some(format!("vprof verify {}", profile.name)),
            ))
        }
    }
}

/// The human report: compared values as a table, then what could not be compared.
pub fn text(profile: &Profile, url: &str, version: Option<&str>, rows: &[Row]) -> String {
    let mut out = format!(
        "{} against {url} (vLLM {})\n\n",
        profile.name,
        version.unwrap_or("version unknown: no /version")
    );
    let mut cells = vec![["KEY", "PROFILE", "SERVER", "SOURCE", ""].map(String::from)];
    for r in rows
        .iter()
        .filter(|r| matches!(r.status, Status::Match | Status::Differs))
    {
        let shown = r.profile.clone().unwrap_or_default();
        cells.push([
            r.key.clone(),
            if r.from_default {
                format!("{shown} (vLLM default)")
            } else {
                shown
            },
            r.server.clone().unwrap_or_default(),
            r.source.clone().unwrap_or_default(),
            if r.status == Status::Match {
                "ok"
            } else {
                "DIFFERS"
            }
            .to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for c in &cells {
        let line: Vec<String> = c
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    let listed = |status: Status, with_server: bool| -> Vec<String> {
        rows.iter()
            .filter(|r| r.status == status)
            .map(|r| match (&r.server, with_server) {
                (Some(s), true) => format!("{} = {s}", r.key),
                _ => r.key.clone(),
            })
            .collect()
    };
    let unverified = listed(Status::NotVerifiable, false);
    if !unverified.is_empty() {
        out.push_str(&format!(
            "\nnot verifiable (the server does not report them): {}\n",
            unverified.join(", ")
        ));
    }
    let server_only = listed(Status::ServerOnly, true);
    if !server_only.is_empty() {
        out.push_str(&format!(
            "left to the engine by the profile, reported by the server: {}\n",
            server_only.join(", ")
        ));
    }
    out
}
