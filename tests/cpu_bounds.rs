//! Hostile sizes cost bounded CPU: "did you mean" skips inputs and candidates that cannot be
//! close, and duplicate findings are removed by hash. These are hang guards with a generous
//! limit (the speed targets themselves live in bench/); on the code before the fix each of
//! these runs took from 5 s to minutes.

mod support;

use std::time::Duration;

use support::{code, run_within, scratch, shown, stderr, write};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn ten_thousand_unknown_vllm_keys() {
    let dir = scratch();
    let mut text = String::from("extends = \"_b\"\n[vllm]\n");
    for i in 0..10_000 {
        // 86 characters, all distinct.
        text.push_str(&format!("k{i:05}{} = 1\n", "q".repeat(80)));
    }
    write(dir.path(), "profiles/many.toml", &text);
    let out = run_within(dir.path(), &["validate", "many"], LIMIT);
    assert_eq!(code(&out), 1, "{}", shown(&out));
    assert!(stderr(&out).contains("10000 errors"), "{}", shown(&out));
}

#[test]
fn one_key_of_100_000_characters() {
    let dir = scratch();
    let key = "a".repeat(100_000);
    write(
        dir.path(),
        "profiles/long.toml",
        &format!("extends = \"_b\"\n[vllm]\n{key} = 1\n"),
    );
    let out = run_within(dir.path(), &["validate", "long"], LIMIT);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("error[unknown-vllm-arg]"));
}

#[test]
fn a_100_000_character_name_among_10_000_profiles() {
    let dir = scratch();
    for i in 0..10_000 {
        write(dir.path(), &format!("profiles/p{i:05}.toml"), "");
    }
    let name = "p".repeat(100_000);
    let out = run_within(dir.path(), &["show", &name], LIMIT);
    assert_eq!(code(&out), 2, "{}", shown(&out));
}
