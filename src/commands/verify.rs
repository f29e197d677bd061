//! `vprof verify NAME [--url URL]`: is the running server the profile? Reads `/v1/models`,
//! `/metrics` and `/version` (three GETs), compares them with the resolved profile, and
//! reports each difference as a located `server-mismatch` finding (exit 1).

use std::time::Duration;

use super::Context;
use crate::error::Error;
use crate::live::{Client, Facts};
use crate::profile::Profile;
use crate::profile::raw::Secret;
use crate::report::documents::VerifyReport;
use crate::report::{Align, Report, Table};
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

pub fn run(ctx: &Context, name: &str, url: Option<&str>, timeout: u64) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let Some(profile) = run.load_one(name)? else {
        return Ok(Report::findings(run));
    };
    let client = client(&profile, url, Duration::from_secs(timeout))?;
    let facts = Facts::gather(&client).map_err(|e| Error::Server(e.to_string()))?;
    let result = verify::compare(&profile, &facts);
    for finding in result.findings {
        run.push(finding);
    }
    let human = text(
        &profile,
        client.base().as_str(),
        facts.version.as_deref(),
        &result.rows,
    );
    let doc = VerifyReport {
        profile: profile.name.clone(),
        url: client.base().as_str().to_string(),
        vllm_version: facts.version.clone(),
        rows: result.rows,
        findings: run.finding_list(),
    };
    Ok(Report::new(run, &doc)
        .stdout(human)
        .summary(format!("vprof verify {}", profile.name)))
}

/// The human report: compared values as a table, then what could not be compared.
pub fn text(profile: &Profile, url: &str, version: Option<&str>, rows: &[Row]) -> String {
    let mut out = format!(
        "{} against {url} (vLLM {})\n\n",
        profile.name,
        version.unwrap_or("version unknown: no /version")
    );
    let mut table = Table::new(&[Align::Left; 5]);
    table.row(["KEY", "PROFILE", "SERVER", "SOURCE", ""]);
    for r in rows
        .iter()
        .filter(|r| matches!(r.status, Status::Match | Status::Differs))
    {
        let shown = r.profile.clone().unwrap_or_default();
        table.row([
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
    out.push_str(&table.render());
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
