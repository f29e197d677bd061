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

/// Found by fuzz/import: a command word split over two lines became a `[vllm]` key holding a
/// line break, which the TOML writer quoted as a multi-line string (`"""`), and keys cannot be
/// multi-line strings: the imported profile did not parse.
#[test]
fn a_key_with_a_line_break_is_written_as_a_one_line_key() {
    let data = include_bytes!("../fuzz/regressions/import-key-with-line-break");
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

/// Env file text: assignments, quotes, comments, references, garbage.
fn env_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r#"[A-Z_=:"' #$\\{}\na-z0-9-]{0,200}"#).unwrap()
}

/// A compose file whose command and environment read secrets (and plain variables) in every
/// form compose has.
fn reading_secrets() -> impl Strategy<Value = String> {
    let reference = prop_oneof![
        Just("${HF_TOKEN}"),
        Just("$HF_TOKEN"),
        Just("${VLLM_API_KEY:-d}"),
        Just("${MY_API_KEY-d}"),
        Just("${X:-${HF_TOKEN}}"),
        Just("${HF_TOKEN:+alt}"),
        Just("${PLAIN:-${VLLM_API_KEY}}"),
        Just("${PLAIN}"),
    ];
    let flag = prop_oneof![
        Just("--api-key"),
        Just("--hf-token"),
        Just("--model"),
        Just("--served-model-name"),
    ];
    (
        proptest::collection::vec((flag, reference.clone()), 1..6),
        proptest::collection::vec(
            (
                prop_oneof![Just("HF_TOKEN"), Just("VLLM_API_KEY"), Just("OTHER")],
                reference,
            ),
            0..4,
        ),
    )
        .prop_map(|(args, env)| {
            let command: Vec<String> = args.iter().map(|(f, r)| format!("{f} {r}")).collect();
            let env: Vec<String> = env
                .iter()
                .map(|(n, r)| format!("      - {n}={r}\n"))
                .collect();
            format!(
                "services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: >\n      {}\n    environment:\n{}",
                command.join(" "),
                env.concat()
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the env files say, the import does not panic, and the value of a secret they
    /// set reaches neither a profile nor a note.
    #[test]
    fn env_files_never_panic_and_never_leak(env in env_text(), compose in reading_secrets()) {
        let mut values = vprof::import::Values::default();
        let _ = values.read("x.env", &env);
        values
            .read("s.env", "HF_TOKEN=hf_LEAK1\nVLLM_API_KEY='sk-LEAK2'\nMY_API_KEY=\"sk-LEAK3\"\nPLAIN=p\n")
            .unwrap();
        let inputs = [vprof::import::Input::new(String::from("c.yml"), &compose).with_values(values)];
        let result = vprof::import::import(&inputs, None);
        for o in result.profiles.iter().chain(&result.partials) {
            let text = o.text(&inputs);
            prop_assert!(!text.contains("LEAK"), "{compose}\n{text}");
        }
        for note in result.notes.iter().flatten() {
            prop_assert!(!note.message.contains("LEAK"), "{compose}\n{}", note.message);
            prop_assert!(!note.help.as_deref().unwrap_or("").contains("LEAK"));
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in yamlish()) {
        run(text);
    }

    #[test]
    fn hostile_compose_files_never_panic(text in compose()) {
        run(text);
    }
}
