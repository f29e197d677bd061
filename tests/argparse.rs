//! The test-only argparse emulation (`tests/support/argparse.rs`) reads what vprof renders
//! as vLLM's argparse would.

#[path = "support/argparse.rs"]
mod argparse;
use serde_json::{Value, json};

use argparse::parse_args;
use vprof::vllm::{Version, check_value, render_arg, table};

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

#[test]
fn render_then_parse_round_trips_every_kind() {
    for v in &Version::embedded() {
        let t = table(*v);
        let cases: Vec<(&str, Value)> = vec![
            ("enable_prefix_caching", json!(false)),
            ("enable_chunked_prefill", json!(true)),
            ("gpu_memory_utilization", json!(0.85)),
            ("max_model_len", json!(131072)),
            ("tensor_parallel_size", json!(2)),
            ("served_model_name", json!(["a b", "c"])),
            (
                "hf_overrides",
                json!({"rope_scaling": {"factor": 4.0, "rope_type": "yarn"}}),
            ),
            ("model", json!("Qwen/Qwen3-8B")),
            ("middleware", json!(["x.y", "z"])),
        ];
        for (key, value) in cases {
            let flag = t.get(key).unwrap();
            check_value(flag, &value, t).unwrap();
            let rendered = render_arg(flag, &value).unwrap();
            let parsed = parse_args(t, &rendered).unwrap();
            assert_eq!(parsed[key], value, "{key} on {v:?}: {rendered:?}");
        }
    }
}

#[test]
fn values_that_look_like_options_survive() {
    let t = table(Version::embedded_named("0.33.0").unwrap());
    let flag = t.get("chat_template").unwrap();
    let rendered = render_arg(flag, &json!("-weird")).unwrap();
    assert_eq!(rendered, vec!["--chat-template=-weird".to_string()]);
    assert_eq!(
        parse_args(t, &rendered).unwrap()["chat_template"],
        json!("-weird")
    );
    let names = t.get("served_model_name").unwrap();
    assert!(check_value(names, &json!(["-x"]), t).is_err());
    assert!(check_value(names, &json!("ok"), t).is_ok());
}

#[test]
fn argparse_rules() {
    let t = table(Version::embedded_named("0.11.0").unwrap());
    assert_eq!(
        parse_args(t, &args(&["--enable-chunked-prefill", "true"])).unwrap_err(),
        "unrecognized arguments: true"
    );
    assert!(parse_args(t, &args(&["--disable-prefix-caching"])).is_err());
    assert!(
        parse_args(
            table(Version::embedded_named("0.33.0").unwrap()),
            &args(&["--disable-prefix-caching"])
        )
        .is_ok()
    );
    let last = parse_args(
        t,
        &args(&["--max-model-len", "4096", "--max_model_len=128k"]),
    )
    .unwrap();
    assert_eq!(last["max_model_len"], json!(128000));
    assert_eq!(
        parse_args(t, &args(&["--max-model-len", "128K"])).unwrap()["max_model_len"],
        json!(131072)
    );
    assert!(parse_args(t, &args(&["--max-model-len", "auto"])).is_err());
    assert!(
        parse_args(t, &args(&["--dtype", "bf16"]))
            .unwrap_err()
            .contains("invalid choice")
    );
    assert_eq!(
        parse_args(t, &args(&["-tp", "2"])).unwrap()["tensor_parallel_size"],
        json!(2)
    );
}

#[test]
fn value_checks() {
    let t11 = table(Version::embedded_named("0.11.0").unwrap());
    let t33 = table(Version::embedded_named("0.33.0").unwrap());
    let tool = t11.get("tool_call_parser").unwrap();
    let err = check_value(tool, &json!("qwen3"), t11).unwrap_err();
    assert_eq!(
        err.message,
        "'qwen3' is not a tool-call parser in vLLM 0.11.0"
    );
    assert!(check_value(tool, &json!("hermes"), t11).is_ok());
    assert!(check_value(t33.get("tool_call_parser").unwrap(), &json!("qwen3"), t33).is_err());
    for t in [t11, t33] {
        assert!(check_value(t.get("kv_cache_dtype").unwrap(), &json!("fp8"), t).is_ok());
        assert!(check_value(t.get("reasoning_parser").unwrap(), &json!("qwen3"), t).is_ok());
        assert!(check_value(t.get("quantization").unwrap(), &json!("awq_marlin"), t).is_ok());
    }
    let dtype = check_value(t11.get("dtype").unwrap(), &json!("bf16"), t11).unwrap_err();
    assert_eq!(
        dtype.message,
        "invalid choice 'bf16' for --dtype in vLLM 0.11.0 (choose from auto, bfloat16, float, float16, float32, half)"
    );
    assert!(check_value(t11.get("max_model_len").unwrap(), &json!("auto"), t11).is_err());
    assert!(check_value(t33.get("max_model_len").unwrap(), &json!("auto"), t33).is_ok());
    assert!(check_value(t11.get("tensor_parallel_size").unwrap(), &json!("two"), t11).is_err());
    assert!(check_value(t11.get("headless").unwrap(), &json!(false), t11).is_err());
}
