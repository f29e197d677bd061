//! `vprof bench NAME [--url URL]`: wait for `/health`, send K miss/hit pairs of streamed
//! requests, print and save the measurements; `vprof bench --compare A.json B.json ...`
//! prints the seed's table from saved runs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Context, shown};
use crate::bench::{self, BenchResult, Plan, compare};
use crate::cli::BenchArgs;
use crate::error::Error;
use crate::report::documents::{BenchCompareReport, BenchReport};
use crate::report::{Align, Report, Table};

/// The options of one run.
#[derive(Debug, Clone)]
pub struct Options {
    pub url: Option<String>,
    pub plan: Plan,
    /// Seconds to wait for `/health`.
    pub wait: u64,
    /// Seconds one request may take.
    pub timeout: u64,
    pub save: Option<PathBuf>,
}

impl From<&BenchArgs> for Options {
    fn from(args: &BenchArgs) -> Options {
        Options {
            url: args.url.clone(),
            plan: Plan {
                pairs: args.pairs,
                prefix_tokens: args.prefix_tokens as usize,
                max_tokens: args.max_tokens,
                seed: args.seed.unwrap_or_else(bench::clock_seed),
            },
            wait: args.wait,
            timeout: args.timeout,
            save: args.save.clone(),
        }
    }
}

/// `vprof bench`: measure a running server, or with `--compare` tabulate saved runs.
pub fn dispatch(ctx: &Context, args: &BenchArgs) -> Result<Report, Error> {
    if !args.compare.is_empty() {
        return run_compare(ctx, &args.compare);
    }
    run(
        ctx,
        args.name.as_deref().unwrap_or_default(),
        &Options::from(args),
    )
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |s| format!("{:.0} ms", s * 1000.0))
}

pub fn run(ctx: &Context, name: &str, opts: &Options) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let Some(profile) = run.load_one(name)? else {
        return Ok(Report::findings(run));
    };
    let client = super::verify::client(
        &profile,
        opts.url.as_deref(),
        Duration::from_secs(opts.timeout),
    )?;
    let op = |e: bench::BenchError| Error::Server(e.to_string());
    let progress = ctx.printer.interactive;
    bench::wait_healthy(&client, Duration::from_secs(opts.wait), |waited| {
        if progress {
            ctx.printer.err(&format!(
                "\rwaiting for {}/health: {} s ",
                client.base().as_str(),
                waited.as_secs()
            ));
        }
    })
    .map_err(op)?;
    if progress {
        ctx.printer.err("\r\x1b[K");
    }
    let model = served_name(&profile);
    let result = bench::run(&client, &profile.name, &model, &opts.plan, |m| {
        if progress {
            ctx.printer.err(&format!(
                "pair {} {:?}: TTFT {}\n",
                m.pair,
                m.role,
                ms(Some(m.ttft_s))
            ));
        }
    })
    .map_err(op)?;
    let path = opts.save.clone().unwrap_or_else(|| {
        run.project
            .deploy_dir
            .join(&profile.name)
            .join("bench.json")
    });
    save(&path, &result)?;
    let saved = shown(ctx, &path);
    let human = format!("{}saved: {saved}\n", text(&result));
    let doc = BenchReport {
        result,
        saved,
        findings: run.finding_list(),
    };
    Ok(Report::new(run, &doc).stdout(human))
}

/// The name requests address: the first served name, else the model.
fn served_name(profile: &crate::profile::Profile) -> String {
    use crate::profile::raw::OneOrMany;
    match &profile.vllm().served_model_name {
        Some(OneOrMany::One(s)) => s.clone(),
        Some(OneOrMany::Many(v)) if !v.is_empty() => v[0].clone(),
        _ => profile.model.clone(),
    }
}

fn save(path: &Path, result: &BenchResult) -> Result<(), Error> {
    let write = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(write)?;
    }
    let text = serde_json::to_string_pretty(result).unwrap_or_default();
    std::fs::write(path, format!("{text}\n")).map_err(write)
}

/// The human report of one run.
pub fn text(r: &BenchResult) -> String {
    let mut out = format!(
        "{} at {} (vLLM {}): {} pair{}, prefix of about {} tokens, {} output tokens each\n\n",
        r.profile,
        r.url,
        r.vllm_version.as_deref().unwrap_or("?"),
        r.pairs,
        if r.pairs == 1 { "" } else { "s" },
        r.prefix_tokens,
        r.max_tokens
    );
    let mut table = Table::new(&[
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    table.row([
        "PAIR",
        "CACHE",
        "TTFT",
        "END TO END",
        "TOKENS",
        "DECODE TOK/S",
    ]);
    for m in &r.requests {
        table.row([
            m.pair.to_string(),
            format!("{:?}", m.role).to_lowercase(),
            ms(Some(m.ttft_s)),
            ms(Some(m.e2e_s)),
            m.output_tokens.to_string(),
            m.decode_tokens_per_s
                .map_or_else(|| "-".into(), |t| format!("{t:.1}")),
        ]);
    }
    out.push_str(&table.render());
    let s = &r.summary;
    out.push_str(&format!(
        "\nTTFT median: miss {}, hit {}, acceleration {}\n",
        ms(s.ttft_miss_s),
        ms(s.ttft_hit_s),
        s.acceleration
            .map_or_else(|| "-".into(), |a| format!("{a:.2}x"))
    ));
    let c = &r.server;
    if let (Some(q), Some(h)) = (c.prefix_cache_queries, c.prefix_cache_hits) {
        out.push_str(&format!(
            "server: prefix cache hit {h:.0} of {q:.0} queried tokens ({:.0}%)",
            if q > 0.0 { 100.0 * h / q } else { 0.0 }
        ));
        if let (Some(n), Some(mean)) = (c.ttft_count, c.ttft_mean_s) {
            out.push_str(&format!(
                "; its TTFT histogram: {n:.0} requests, mean {}",
                ms(Some(mean))
            ));
        }
        out.push('\n');
    } else {
        out.push_str("server: /metrics has no prefix cache counters\n");
    }
    out
}

/// `--compare`: the table of saved runs.
pub fn run_compare(ctx: &Context, files: &[PathBuf]) -> Result<Report, Error> {
    let mut rows = Vec::new();
    for f in files {
        let path = ctx.cwd.join(f);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: f.clone(),
            source,
        })?;
        let result =
            compare::parse(&text).map_err(|m| Error::Usage(format!("{}: {m}", f.display())))?;
        rows.push(compare::row(&f.display().to_string(), &result));
    }
    let human = compare::table(&rows);
    let doc = BenchCompareReport {
        runs: rows,
        findings: Vec::new(),
    };
    Ok(Report::plain(&doc).stdout(human))
}
