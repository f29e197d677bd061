//! `bench`: measure a running vLLM server the way the seed's grid search did, with bounded
//! traffic. After a bounded wait for `/health`, K pairs of streamed chat completions share a
//! long random prefix: the first request of a pair misses the prefix cache, the second hits
//! it. Time to first token is taken at the first non-empty content (the first chunk is an
//! empty role delta). `/metrics` is read before and after: prefix cache queries and hits, the
//! server's own TTFT histogram. Results are saved as JSON for `vprof bench --compare`.

pub mod compare;
pub mod stats;
pub mod workload;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::live::{Client, HttpError, Metrics, sse};

/// Limits that keep the traffic bounded.
pub const MAX_PAIRS: u32 = 50;
pub const MAX_PREFIX_TOKENS: usize = 200_000;
pub const MAX_OUTPUT_TOKENS: u32 = 4096;

/// What to send.
#[derive(Debug, Clone)]
pub struct Plan {
    pub pairs: u32,
    pub prefix_tokens: usize,
    pub max_tokens: u32,
    pub seed: u64,
}

/// A request's place in its pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Miss,
    Hit,
}

/// One measured request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Measured {
    pub pair: u32,
    pub role: Role,
    /// Seconds from sending to the first non-empty content.
    pub ttft_s: f64,
    /// Seconds from sending to the end of the stream.
    pub e2e_s: f64,
    pub output_tokens: u64,
    /// Output tokens after the first, per second of decoding.
    pub decode_tokens_per_s: Option<f64>,
}

/// What the server counted during the run (differences of `/metrics` before and after).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ServerCounts {
    pub prefix_cache_queries: Option<f64>,
    pub prefix_cache_hits: Option<f64>,
    pub prompt_tokens_cached: Option<f64>,
    /// Requests in the server's `vllm:time_to_first_token_seconds` histogram, and its mean.
    pub ttft_count: Option<f64>,
    pub ttft_mean_s: Option<f64>,
}

/// Medians over the pairs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Summary {
    pub ttft_miss_s: Option<f64>,
    pub ttft_hit_s: Option<f64>,
    /// TTFT on a miss divided by TTFT on a hit.
    pub acceleration: Option<f64>,
    pub e2e_s: Option<f64>,
    pub decode_tokens_per_s: Option<f64>,
}

/// A benchmark run: the document `bench` prints and saves, and `--compare` reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BenchResult {
    pub profile: String,
    pub url: String,
    pub model: String,
    pub vllm_version: Option<String>,
    pub pairs: u32,
    pub prefix_tokens: usize,
    pub max_tokens: u32,
    pub summary: Summary,
    pub requests: Vec<Measured>,
    pub server: ServerCounts,
}

/// Why a run could not complete (operational errors, exit 2).
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("{url}/health did not answer 200 within {secs} s{last}")]
    NotHealthy {
        url: String,
        secs: u64,
        last: String,
    },
    #[error("{url}: {message}")]
    Stream { url: String, message: String },
}

/// A seed from the clock: each run's prefixes are new to the server's cache.
pub fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
}

/// Poll `/health` once a second until it answers 200, for at most `max`; `tick` is called
/// with the time waited so far (a progress indicator). Returns the time waited.
pub fn wait_healthy(
    client: &Client,
    max: Duration,
    mut tick: impl FnMut(Duration),
) -> Result<Duration, BenchError> {
    let start = Instant::now();
    let mut last;
    loop {
        match client.probe("/health") {
            Ok(200) => return Ok(start.elapsed()),
            Ok(code) => last = format!(" (last answer: HTTP {code})"),
            Err(e) => last = format!(" (last error: {e})"),
        }
        if start.elapsed() >= max {
            return Err(BenchError::NotHealthy {
                url: client.base().as_str().to_string(),
                secs: max.as_secs(),
                last,
            });
        }
        tick(start.elapsed());
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Send one streamed request and time it.
fn measure(client: &Client, body: &str, pair: u32, role: Role) -> Result<Measured, BenchError> {
    let start = Instant::now();
    let stream = client.post_stream("/v1/chat/completions", body)?;
    let mut first: Option<Duration> = None;
    let mut chunks = 0u64;
    let mut usage = None;
    sse::read_events(stream.reader, |event| {
        if let sse::Event::Chunk {
            content,
            completion_tokens,
        } = event
        {
            if !content.is_empty() {
                first.get_or_insert_with(|| start.elapsed());
                chunks += 1;
            }
            usage = completion_tokens.or(usage);
        }
    })
    .map_err(|message| BenchError::Stream {
        url: stream.url.clone(),
        message,
    })?;
    let e2e = start.elapsed();
    let first = first.ok_or_else(|| BenchError::Stream {
        url: stream.url.clone(),
        message: "the stream ended without any content".into(),
    })?;
    let output_tokens = usage.unwrap_or(chunks);
    let decode = e2e.saturating_sub(first).as_secs_f64();
    Ok(Measured {
        pair,
        role,
        ttft_s: first.as_secs_f64(),
        e2e_s: e2e.as_secs_f64(),
        output_tokens,
        decode_tokens_per_s: (decode > 0.0 && output_tokens > 1)
            .then(|| (output_tokens - 1) as f64 / decode),
    })
}

fn metrics(client: &Client) -> Result<Option<Metrics>, BenchError> {
    Ok(client.get_text("/metrics")?.map(|t| Metrics::parse(&t)))
}

/// The server's counters between two `/metrics` readings.
pub fn server_counts(before: Option<&Metrics>, after: Option<&Metrics>) -> ServerCounts {
    let Some(after) = after else {
        return ServerCounts::default();
    };
    let delta = |name: &str| {
        let a = after.sum(name)?;
        Some(a - before.and_then(|b| b.sum(name)).unwrap_or(0.0))
    };
    let ttft = after
        .histogram("vllm:time_to_first_token_seconds")
        .map(|h| {
            h.since(
                before
                    .and_then(|b| b.histogram("vllm:time_to_first_token_seconds"))
                    .as_ref(),
            )
        });
    ServerCounts {
        prefix_cache_queries: delta("vllm:prefix_cache_queries_total"),
        prefix_cache_hits: delta("vllm:prefix_cache_hits_total"),
        prompt_tokens_cached: delta("vllm:prompt_tokens_cached_total"),
        ttft_count: ttft.as_ref().map(|h| h.count),
        ttft_mean_s: ttft.as_ref().and_then(|h| h.mean()),
    }
}

/// Summarise measured requests.
pub fn summarize(requests: &[Measured]) -> Summary {
    let ttft = |role| stats::median(requests.iter().filter(|r| r.role == role).map(|r| r.ttft_s));
    let (miss, hit) = (ttft(Role::Miss), ttft(Role::Hit));
    Summary {
        ttft_miss_s: miss,
        ttft_hit_s: hit,
        acceleration: stats::acceleration(miss, hit),
        e2e_s: stats::median(requests.iter().map(|r| r.e2e_s)),
        decode_tokens_per_s: stats::median(requests.iter().filter_map(|r| r.decode_tokens_per_s)),
    }
}

/// Run the pairs against a healthy server; `progress` hears about each finished request.
pub fn run(
    client: &Client,
    profile: &str,
    model: &str,
    plan: &Plan,
    mut progress: impl FnMut(&Measured),
) -> Result<BenchResult, BenchError> {
    let vllm_version = client
        .get_text("/version")?
        .and_then(|b| crate::live::models::parse_version(&b).ok());
    let before = metrics(client)?;
    let mut rng = workload::Rng::new(plan.seed);
    let mut requests = Vec::new();
    for pair in 1..=plan.pairs {
        let prefix = workload::prefix(&mut rng, plan.prefix_tokens);
        for (role, question) in [
            (Role::Miss, "Summarise the document in one sentence."),
            (Role::Hit, "List three words that the document repeats."),
        ] {
            let body = workload::chat_body(model, &prefix, question, plan.max_tokens);
            let m = measure(client, &body, pair, role)?;
            progress(&m);
            requests.push(m);
        }
    }
    let after = metrics(client)?;
    Ok(BenchResult {
        profile: profile.to_string(),
        url: client.base().as_str().to_string(),
        model: model.to_string(),
        vllm_version,
        pairs: plan.pairs,
        prefix_tokens: plan.prefix_tokens,
        max_tokens: plan.max_tokens,
        summary: summarize(&requests),
        requests,
        server: server_counts(before.as_ref(), after.as_ref()),
    })
}
