//! Loading on every core changes nothing a user sees: `validate` over hundreds of profiles
//! (good ones, schema errors, broken `extends`, bad names, a shared partial with an error,
//! profiles naming one host) prints the same findings in the same order, with the same exit
//! code, on one thread and on several (`VPROF_THREADS`).

mod support;

use support::{code, command, scratch, shown, write};

fn project() -> tempfile::TempDir {
    let dir = scratch();
    let d = dir.path();
    write(
        d,
        "profiles/_base.toml",
        "[deploy]\nimage = \"vllm/vllm-openai:v0.33.0\"\ngpu_ids = [\"0\"]\n\
         [vllm]\nmodel = \"Qwen/Qwen3-8B\"\nmax_model_len = 4096\n",
    );
    // A partial with a schema error, extended by many profiles: reported once.
    write(
        d,
        "profiles/_broken.toml",
        "[deploy]\nimage = \"vllm/vllm-openai:v0.33.0\"\ngpu_ids = [\"1\"]\nbogus = 1\n",
    );
    write(d, "hosts/box.toml", "gpu_count = 8\ngpu_memory_gib = 80\n");
    for i in 0..300 {
        let text = match i % 10 {
            0 => format!(
                "extends = \"_broken\"\n[vllm]\nmodel = \"Qwen/Qwen3-8B\"\nmax_num_seqs = {i}\n"
            ),
            1 => format!("extends = \"_base\"\n[vllm]\nmax_num_seqz = {i}\n"),
            2 => format!("extends = \"_missing{i}\"\n"),
            3 => String::from("extends = \"_base\"\n[vllm\n"),
            4 => format!(
                "extends = \"_base\"\nhost = \"box\"\n[deploy]\nport = {}\n[vllm]\ngpu_memory_utilization = 0.6\n",
                9000 + i % 3
            ),
            5 => format!(
                "extends = \"_base\"\n[vllm]\nmax_model_len = {}\n",
                10_000_000 + i
            ),
            _ => format!("extends = \"_base\"\n[deploy]\nport = {}\n", 10_000 + i),
        };
        write(d, &format!("profiles/p{i:03}.toml"), &text);
    }
    write(d, "profiles/Bad Name.toml", "extends = \"_base\"\n");
    dir
}

#[test]
fn findings_and_their_order_do_not_depend_on_the_number_of_threads() {
    let dir = project();
    for format in ["human", "json"] {
        let run = |threads: &str| {
            command(dir.path(), &["--format", format, "validate"])
                .env("VPROF_THREADS", threads)
                .output()
                .unwrap()
        };
        let one = run("1");
        assert_eq!(code(&one), 1, "{}", shown(&one));
        let text = String::from_utf8_lossy(&one.stderr).into_owned()
            + &String::from_utf8_lossy(&one.stdout);
        // Every kind of finding is there, so the comparison below compares something.
        for needle in [
            "unknown key `bogus`",
            "max_num_seqz",
            "_missing2",
            "invalid TOML",
            "Bad Name",
            "port",
        ] {
            assert!(
                text.contains(needle),
                "{format}: no `{needle}` in\n{}",
                shown(&one)
            );
        }
        for threads in ["2", "4", "7"] {
            let many = run(threads);
            assert_eq!(
                (code(&many), &many.stdout, &many.stderr),
                (code(&one), &one.stdout, &one.stderr),
                "{format}, {threads} threads:\n{}\n--- one thread:\n{}",
                shown(&many),
                shown(&one)
            );
        }
    }
}
