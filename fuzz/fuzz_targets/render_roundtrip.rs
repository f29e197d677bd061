//! Rendering arbitrary valid profiles: the compose file parses as YAML, has one top-level key
//! (`services`), and reads back to the same `vllm serve` arguments, environment, volumes and
//! published port; the header holds no raw control character.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    description: Option<String>,
    model: String,
    served_model_name: Option<String>,
    max_model_len: Option<u32>,
    port: u16,
    bind_address: Option<String>,
    hf_cache: Option<String>,
    volumes: Vec<String>,
    env: BTreeMap<String, String>,
    chat_template: Option<String>,
    override_generation_config: Option<BTreeMap<String, String>>,
}

fn profile_text(i: &Input) -> Option<String> {
    let mut deploy = toml::Table::new();
    deploy.insert("port".into(), i64::from(i.port.max(1)).into());
    if let Some(b) = &i.bind_address {
        deploy.insert("bind_address".into(), b.clone().into());
    }
    if let Some(h) = &i.hf_cache {
        deploy.insert("hf_cache".into(), h.clone().into());
    }
    if !i.volumes.is_empty() {
        deploy.insert("volumes".into(), i.volumes.clone().into());
    }
    if !i.env.is_empty() {
        let env: toml::Table = i.env.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect();
        deploy.insert("env".into(), env.into());
    }
    let mut vllm = toml::Table::new();
    vllm.insert("model".into(), i.model.clone().into());
    if let Some(s) = &i.served_model_name {
        vllm.insert("served_model_name".into(), s.clone().into());
    }
    if let Some(n) = i.max_model_len {
        vllm.insert("max_model_len".into(), i64::from(n.max(1)).into());
    }
    if let Some(t) = &i.chat_template {
        vllm.insert("chat_template".into(), t.clone().into());
    }
    if let Some(o) = &i.override_generation_config {
        let t: toml::Table = o.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect();
        vllm.insert("override_generation_config".into(), t.into());
    }
    let mut top = toml::Table::new();
    top.insert("extends".into(), "_b".into());
    if let Some(d) = &i.description {
        top.insert("description".into(), d.clone().into());
    }
    top.insert("deploy".into(), deploy.into());
    top.insert("vllm".into(), vllm.into());
    toml::to_string(&top).ok()
}

fuzz_target!(|input: Input| {
    let Some(text) = profile_text(&input) else { return };
    let (run, profiles) = vprof_fuzz::load(&[("p.toml", text.as_bytes())]);
    let [profile] = profiles.as_slice() else { return };
    if run.has_errors() {
        return;
    }
    let dir = vprof_fuzz::project_dir().join("out");
    let Ok(files) = vprof::render::render(std::slice::from_ref(profile), &run.project, &dir, None)
    else {
        return;
    };
    let compose = &files[0].text;
    let header = compose.lines().next().unwrap();
    assert!(!header.chars().any(char::is_control), "{header:?}");
    let doc: serde_norway::Value = serde_norway::from_str(compose).unwrap_or_else(|e| panic!("{e}\n{compose}"));
    let top = doc.as_mapping().unwrap();
    assert_eq!(top.len(), 1, "{compose}");
    let services = doc["services"].as_mapping().unwrap();
    assert_eq!(services.len(), 1);
    let service = services.values().next().unwrap();
    let command: Vec<String> = service["command"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().replace("$$", "$"))
        .collect();
    let expected = vprof::render::args::vllm_args(profile).unwrap();
    assert_eq!(command, expected);
    for (k, v) in &input.env {
        let got = service["environment"][k.as_str()].as_str().unwrap().replace("$$", "$");
        assert_eq!(&got, v);
    }
    let port = service["ports"][0]["published"].as_str().unwrap();
    assert_eq!(port, input.port.max(1).to_string());
    if let Some(volumes) = service.get("volumes") {
        let got: Vec<String> = volumes
            .as_sequence()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().replace("$$", "$"))
            .collect();
        let mut want: Vec<String> = input
            .hf_cache
            .iter()
            .map(|h| format!("{h}:/root/.cache/huggingface"))
            .collect();
        want.extend(input.volumes.iter().cloned());
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        // Compose reads a source starting with `.` relative to the compose file (out/), the
        // profile relative to the project root: both must name the same place.
        let root = vprof_fuzz::project_dir();
        for (g, w) in got.iter().zip(&want) {
            let (gh, gr) = g.split_once(':').unwrap_or((g, ""));
            let (wh, wr) = w.split_once(':').unwrap_or((w, ""));
            assert_eq!(gr, wr, "{g} vs {w}");
            if wh.starts_with('.') {
                assert_eq!(lexical(&dir.join(gh)), lexical(&root.join(wh)), "{g} vs {w}");
            } else {
                assert_eq!(gh, wh);
            }
        }
    }
});

/// A path with `.` and `..` resolved by name (no file system access).
fn lexical(p: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
