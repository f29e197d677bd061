//! `vprof import` never panics, whatever the compose text: arbitrary YAML-ish bytes, and
//! well-formed compose files with hostile commands, variables and values. Whatever it
//! produces is TOML that parses back, and every note points into the input
//! (`vprof::import::fuzz_one`, also the entry point of the fuzz target).

use proptest::prelude::*;

fn run(text: String) {
    vprof::import::fuzz_one(text.as_bytes());
}

/// Found by fuzz/import: a compose file with lone carriage returns, which YAML counts as line
/// breaks, put a note at line 90 of what `str::lines` saw as 44 lines.
#[test]
fn lone_carriage_returns_count_as_line_breaks() {
    let data = include_bytes!("../fuzz/regressions/import-lone-carriage-returns");
    assert!(data.iter().filter(|&&b| b == b'\r').count() > 10);
    vprof::import::fuzz_one(data);
}

fn yamlish() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r#"[a-z_ :\-\[\]{}"'\n#$&*|>!%@`,.0-9=\\]{0,300}"#).unwrap()
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::from("--model")),
        Just(String::from("--max-model-len")),
        Just(String::from("--no-enable-prefix-caching")),
        Just(String::from("--api-key")),
        Just(String::from("--port")),
        Just(String::from("--served-model-name")),
        Just(String::from("--hf-overrides")),
        Just(String::from("vllm")),
        Just(String::from("serve")),
        Just(String::from("exec")),
        Just(String::from("${A:-${B:-x}}")),
        Just(String::from("${")),
        Just(String::from("'{\"a\": [1, {\"b\": null}]}'")),
        Just(String::from("\"")),
        Just(String::from("#")),
        Just(String::from("\\")),
        proptest::string::string_regex(r"[-a-zA-Z0-9_=./:${}'\x22]{0,12}").unwrap(),
    ]
}

fn compose() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(word(), 0..30),
        any::<bool>(),
        proptest::string::string_regex(r"[a-z0-9:./${}-]{0,30}").unwrap(),
        proptest::collection::vec(
            proptest::string::string_regex(r#"[A-Z_]{1,10}=[a-z0-9${}:\-"]{0,12}"#).unwrap(),
            0..5,
        ),
    )
        .prop_map(|(words, shell, image, env)| {
            let command = words.join(" ");
            let quoted = serde_json::to_string(&command).unwrap();
            let image = serde_json::to_string(&format!("vllm/vllm-openai:{image}")).unwrap();
            let env: Vec<String> = env
                .iter()
                .map(|e| format!("      - {}\n", serde_json::to_string(e).unwrap()))
                .collect();
            let entry = if shell {
                format!("    entrypoint: [\"/bin/sh\", \"-c\"]\n    command: [{quoted}]\n")
            } else {
                format!("    command: >\n      {command}\n")
            };
            format!(
                "services:\n  vllm:\n    image: {image}\n{entry}    environment:\n{}    ports: [\"5002:8000\", \"x\"]\n    volumes: [\"/a:/root/.cache/huggingface\", {{source: x}}]\n",
                env.concat()
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in yamlish()) {
        run(text);
    }

    #[test]
    fn hostile_compose_files_never_panic(text in compose()) {
        run(text);
    }
}
