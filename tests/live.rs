//! `verify` and `bench` on responses recorded from a real vLLM 0.32.0 server (the CPU build
//! of .ci/vllm-cpu, SmolLM2-135M started by serve.sh): the parsers on each recorded body,
//! then the real binary against a replay of those bodies on 127.0.0.1. The live server itself
//! is tested by .ci/vllm-e2e.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use vprof::bench::{self, Role};
use vprof::live::metrics::Metrics;
use vprof::live::models::{parse_models, parse_version};
use vprof::live::sse::{Event, read_events};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vllm-0.32-cpu")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn cache_config_info_and_counters_of_a_real_metrics_page() {
    let idle = Metrics::parse(&fixture("metrics-idle.txt"));
    let info = idle
        .info("vllm:cache_config_info")
        .expect("vllm:cache_config_info");
    assert_eq!(info["enable_prefix_caching"], "True");
    assert_eq!(info["block_size"], "128");
    assert_eq!(info["cache_dtype"], "auto");
    assert_eq!(info["gpu_memory_utilization"], "0.92");
    assert_eq!(info["kv_cache_memory_bytes"], "1073741824");
    let vllm_infos: Vec<&str> = idle
        .info_names()
        .into_iter()
        .filter(|n| n.starts_with("vllm:"))
        .collect();
    assert_eq!(vllm_infos, ["vllm:cache_config_info"]);
    assert_eq!(idle.sum("vllm:prefix_cache_queries_total"), Some(0.0));
    let after = Metrics::parse(&fixture("metrics-after.txt"));
    assert_eq!(after.sum("vllm:prefix_cache_queries_total"), Some(37.0));
    assert_eq!(after.sum("vllm:prefix_cache_hits_total"), Some(0.0));
    let ttft = after.histogram("vllm:time_to_first_token_seconds").unwrap();
    let before = idle.histogram("vllm:time_to_first_token_seconds");
    let run = ttft.since(before.as_ref());
    assert_eq!(run.count, 1.0);
    assert!((run.sum - 2.3698763847351074).abs() < 1e-12);
    let last = run.buckets.last().unwrap();
    assert_eq!(*last, (f64::INFINITY, 1.0));
    let counts = bench::server_counts(Some(&idle), Some(&after));
    assert_eq!(counts.prefix_cache_queries, Some(37.0));
    assert_eq!(counts.ttft_count, Some(1.0));
}

#[test]
fn models_and_version_of_a_real_server() {
    let models = parse_models(&fixture("models.json")).unwrap();
    assert_eq!(models.len(), 1);
    assert_eq!(models[0].id, "smollm2");
    assert_eq!(models[0].max_model_len, Some(4096));
    assert_eq!(
        models[0].root.as_deref(),
        Some("/root/.cache/vprof-ci/vllm-cpu/model")
    );
    assert_eq!(models[0].parent, None);
    assert_eq!(parse_version(&fixture("version.json")).unwrap(), "0.32.0");
}

#[test]
fn a_real_stream_starts_with_an_empty_role_delta() {
    let mut events = Vec::new();
    let done = read_events(fixture("chat-stream.txt").as_bytes(), |e| events.push(e)).unwrap();
    assert!(done);
    assert_eq!(events.last(), Some(&Event::Done));
    let contents: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::Chunk { content, .. } => Some(content.as_str()),
            Event::Done => None,
        })
        .collect();
    assert_eq!(contents[0], "", "the first chunk only carries the role");
    assert_eq!(contents.concat(), "The capital of France is Paris. It");
    let usage: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            Event::Chunk {
                completion_tokens, ..
            } => *completion_tokens,
            Event::Done => None,
        })
        .collect();
    assert_eq!(usage, [8]);
}

/// Serve the recorded bodies on 127.0.0.1: `/metrics` answers the idle page first, then the
/// page recorded after a request; every other path its one recording.
fn replay() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let count = requests.clone();
    std::thread::spawn(move || {
        let mut metrics_served = 0;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut length = 0usize;
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            count.fetch_add(1, Ordering::SeqCst);
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, kind, text) = match path.as_str() {
                "/health" => ("200 OK", "text/plain", String::new()),
                "/v1/models" => ("200 OK", "application/json", fixture("models.json")),
                "/version" => ("200 OK", "application/json", fixture("version.json")),
                "/metrics" => {
                    metrics_served += 1;
                    let name = if metrics_served % 2 == 1 {
                        "metrics-idle.txt"
                    } else {
                        "metrics-after.txt"
                    };
                    ("200 OK", "text/plain; version=0.0.4", fixture(name))
                }
                "/v1/chat/completions" => {
                    ("200 OK", "text/event-stream", fixture("chat-stream.txt"))
                }
                _ => (
                    "404 Not Found",
                    "application/json",
                    "{\"detail\":\"Not Found\"}".into(),
                ),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
        }
    });
    (url, requests)
}

/// A project with the CI profile and a child whose model is the recorded server's folder.
fn project(dir: &Path, child: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vllm-cpu");
    let root = dir.join("project");
    std::fs::create_dir_all(root.join("profiles")).unwrap();
    std::fs::copy(src.join("vprof.toml"), root.join("vprof.toml")).unwrap();
    std::fs::copy(
        src.join("profiles/smollm2_cpu.toml"),
        root.join("profiles/smollm2_cpu.toml"),
    )
    .unwrap();
    std::fs::write(
        root.join("profiles/recorded.toml"),
        format!("extends = \"smollm2_cpu\"\n\n[vllm]\nmodel = \"/root/.cache/vprof-ci/vllm-cpu/model\"\n{child}"),
    )
    .unwrap();
    root
}

fn vprof(root: &Path, args: &[&str]) -> Output {
    let home = support::hermetic::Hermetic::new();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vprof"));
    cmd.args(args).current_dir(root);
    home.apply(&mut cmd)
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .output()
        .unwrap()
}

#[test]
fn verify_names_each_difference_at_its_profile_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path(), "max_model_len = 2048\n");
    let (url, _) = replay();
    let out = vprof(&root, &["verify", "recorded", "--url", &url]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("recorded against http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(stdout.contains("(vLLM 0.32.0)"), "{stdout}");
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    for row in [
        vec![
            "vllm.served_model_name",
            "smollm2",
            "smollm2",
            "/v1/models",
            "ok",
        ],
        vec![
            "vllm.max_model_len",
            "2048",
            "4096",
            "/v1/models",
            "DIFFERS",
        ],
        vec![
            "vllm.enable_prefix_caching",
            "true",
            "True",
            "/metrics",
            "vllm:cache_config_info",
            "ok",
        ],
        vec![
            "vllm.gpu_memory_utilization",
            "0.9",
            "0.92",
            "/metrics",
            "vllm:cache_config_info",
            "DIFFERS",
        ],
        vec![
            "vllm.block_size",
            "128",
            "128",
            "/metrics",
            "vllm:cache_config_info",
            "ok",
        ],
        vec![
            "vllm.prefix_caching_hash_algo",
            "sha256",
            "(vLLM",
            "default)",
            "sha256",
            "/metrics",
            "vllm:cache_config_info",
            "ok",
        ],
        vec!["deploy.image", "0.32.0", "0.32.0", "/version", "ok"],
    ] {
        assert!(rows.contains(&row), "no row `{row:?}` in\n{stdout}");
    }
    assert!(
        stdout.contains("not verifiable (the server does not report them): vllm.distributed_executor_backend, vllm.dtype, vllm.enforce_eager\n"),
        "{stdout}"
    );
    for finding in [
        "error[server-mismatch]: the server runs max_model_len = 4096, the profile says 2048\n  ┌─ profiles/recorded.toml:5:1",
        // serve.sh does not pass --gpu-memory-utilization: the server ran vLLM's default.
        "error[server-mismatch]: the server runs gpu_memory_utilization = 0.92, the profile says 0.9\n   ┌─ profiles/smollm2_cpu.toml:22:1",
        "vprof verify recorded: 2 errors",
    ] {
        assert!(stderr.contains(finding), "no `{finding}` in\n{stderr}");
    }

    let out = vprof(
        &root,
        &["verify", "recorded", "--url", &url, "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mismatches: Vec<(String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "server-mismatch" && f["level"] == "error")
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        mismatches,
        [
            ("profiles/recorded.toml".to_string(), 5),
            ("profiles/smollm2_cpu.toml".to_string(), 22)
        ]
    );
    let row = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "vllm.dtype")
        .unwrap();
    assert_eq!(row["status"], "not-verifiable");
}

#[test]
fn verify_refuses_https_and_reports_an_unreachable_server() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path(), "");
    let out = vprof(
        &root,
        &["verify", "recorded", "--url", "https://127.0.0.1:1"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an http:// URL"));
    // A port nothing listens on: bound then dropped.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = vprof(
        &root,
        &[
            "verify",
            "recorded",
            "--url",
            &format!("http://127.0.0.1:{port}"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/v1/models"));
}

#[test]
fn bench_measures_saves_and_compares() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path(), "");
    let (url, requests) = replay();
    let args = [
        "bench",
        "recorded",
        "--url",
        &url,
        "--pairs",
        "2",
        "--prefix-tokens",
        "50",
        "--max-tokens",
        "8",
        "--seed",
        "1",
        "--format",
        "json",
    ];
    let out = vprof(&root, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let roles: Vec<&str> = doc["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["miss", "hit", "miss", "hit"]);
    assert!(
        doc["requests"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["output_tokens"] == 8)
    );
    assert_eq!(doc["server"]["prefix_cache_queries"], 37.0);
    assert_eq!(doc["server"]["ttft_count"], 1.0);
    assert_eq!(doc["vllm_version"], "0.32.0");
    assert_eq!(doc["saved"], "deploy/recorded/bench.json");
    // health, version, metrics, 4 requests, metrics: bounded traffic.
    assert_eq!(requests.load(Ordering::SeqCst), 8);

    let saved = std::fs::read_to_string(root.join("deploy/recorded/bench.json")).unwrap();
    let result = vprof::bench::compare::parse(&saved).unwrap();
    assert_eq!(result.requests.len(), 4);
    assert_eq!(result.requests[1].role, Role::Hit);
    let out = vprof(&root, &["bench", "--compare", "deploy/recorded/bench.json"]);
    assert_eq!(out.status.code(), Some(0));
    let table = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "PROFILE   TTFT MISS  TTFT HIT  ACCELERATION  DECODE TOK/S  PAIRS  PREFIX"
    );
    assert!(lines[1].starts_with("recorded "), "{table}");
    assert_eq!(lines.len(), 2);
}

#[test]
fn compare_rejects_what_bench_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path(), "");
    std::fs::write(root.join("x.json"), "{\"profile\": 1}").unwrap();
    let out = vprof(&root, &["bench", "--compare", "x.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("x.json: not a saved `vprof bench` result")
    );
}
