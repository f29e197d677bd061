//! `vprof render --target k8s`: golden files (one node, several nodes), every rendered object
//! of every shipped profile, example and fixture read back into strict typed models, the same
//! vLLM arguments as compose, and `--check`, `--dry-run` and hand-edit protection.

#[path = "support/argparse.rs"]
mod argparse;
#[path = "support/k8s_model.rs"]
mod model;
mod support;

use argparse::parse_args;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use model::{
    Container, Deployment, Kustomization, LeaderWorkerSet, PersistentVolumeClaim, PodSpec, Service,
};
use vprof::pipeline::{Pipeline, Target};
use vprof::profile::Profile;
use vprof::project::Project;
use vprof::render::args::vllm_args;
use vprof::render::k8s::layout::layout;
use vprof::vllm::table;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs vprof with HOME, the Hugging Face cache and XDG dirs in `home`.
fn vprof(cwd: &Path, home: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vprof"));
    cmd.args(args).current_dir(cwd);
    support::hermetic::isolate(&mut cmd, home).output().unwrap()
}

fn ok(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every renderable profile: shipped, examples, and the k8s fixtures that validate.
fn sources() -> Vec<Target> {
    let mut out = Vec::new();
    for dir in ["profiles", "examples", "tests/cmd/k8s.in/profiles"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let fixture_ok = !dir.starts_with("tests")
                || ["two_nodes", "kube_rules_ok"].contains(&name.as_str());
            if path.extension().is_some_and(|e| e == "toml") && !name.starts_with('_') && fixture_ok
            {
                out.push(Target { path, name });
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn load(targets: &[Target]) -> Vec<Profile> {
    let root = repo();
    let mut run = Pipeline::with_project(Project::with_root(root.clone()), &root);
    let profiles = run.load(targets).unwrap();
    assert_eq!(profiles.len(), targets.len());
    assert!(!run.has_errors(), "{:?}", run.findings());
    profiles
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    serde_norway::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Kubernetes reduces `$$` to `$` in args and env values.
fn expanded(arg: &str) -> String {
    arg.replace("$$", "$")
}

fn check_pod(p: &Profile, pod: &PodSpec, server: bool, gpus: u32, bootstrap: &[&str]) {
    let [c]: &[Container; 1] = pod.containers.as_slice().try_into().unwrap();
    assert_eq!(c.image, p.image);
    let args: Vec<String> = c.args.iter().map(|a| expanded(a)).collect();
    let mut want = vllm_args(p).unwrap();
    want.extend(bootstrap.iter().map(|s| s.to_string()));
    assert_eq!(args, want, "{}: the compose target's arguments", p.name);
    let plain = &args[..args.len() - bootstrap.len()];
    parse_args(table(p.version), plain).unwrap_or_else(|e| panic!("{}: {e}", p.name));
    assert_eq!(c.resources.limits["nvidia.com/gpu"], gpus, "{}", p.name);
    let world = p.tensor_parallel_size * p.pipeline_parallel_size;
    let shm = pod.volumes.iter().find(|v| v.name == "dshm");
    assert_eq!(shm.is_some(), world > 1, "{}: /dev/shm", p.name);
    if let Some(shm) = shm {
        assert_eq!(shm.empty_dir.as_ref().unwrap().medium, "Memory");
        assert!(c.volume_mounts.iter().any(|m| m.mount_path == "/dev/shm"));
    }
    for probe in [&c.startup_probe, &c.readiness_probe, &c.liveness_probe] {
        assert_eq!(probe.is_some(), server, "{}: probes", p.name);
        if let Some(probe) = probe {
            assert_eq!(probe.http_get.path, "/health");
            assert_eq!(probe.http_get.port, "http");
        }
    }
    // Secrets come from the Secret, never as values.
    for name in p.deploy().secrets.iter().flatten() {
        let var = c.env.iter().find(|e| e.name == name.0).unwrap();
        assert!(
            var.value.is_none() && var.value_from.is_some(),
            "{}",
            p.name
        );
    }
    assert!(c.env.iter().any(|e| e.name == "HF_HOME"));
    assert!(!pod.node_selector.is_empty());
}

#[test]
fn every_rendered_object_reads_back_into_the_typed_model() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let targets = sources();
    let profiles = load(&targets);
    assert!(profiles.len() >= 10, "{}", profiles.len());
    let mut multi = 0;
    for p in &profiles {
        let dir = out.path().join(&p.name);
        let path = p.path.to_string_lossy().into_owned();
        let o = vprof(
            &repo(),
            home.path(),
            &[
                "render",
                &path,
                "--target",
                "k8s",
                "--out",
                dir.to_str().unwrap(),
                "--yes",
            ],
        );
        ok(&o, &p.name);
        let lay = layout(p).unwrap();
        let k: Kustomization = parse(&dir.join("kustomization.yaml"));
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            // `.vprof.lock`: the directory lock of the writes, not an object.
            .filter(|n| n != "kustomization.yaml" && !n.starts_with('.'))
            .collect();
        files.sort();
        let mut listed = k.resources.clone();
        listed.sort();
        assert_eq!(listed, files, "{}: kustomization resources", p.name);
        let svc: Service = parse(&dir.join("service.yaml"));
        assert_eq!(u32::from(svc.spec.ports[0].port), p.port());
        let server_labels = if lay.multi_node() {
            multi += 1;
            let lws: LeaderWorkerSet = parse(&dir.join("leaderworkerset.yaml"));
            assert_eq!(lws.api_version, "leaderworkerset.x-k8s.io/v1");
            let t = &lws.spec.leader_worker_template;
            assert_eq!(t.size, lay.nodes);
            assert_eq!(t.restart_policy, "RecreateGroupOnPodRestart");
            let nodes = lay.nodes.to_string();
            let lead = [
                "--nnodes",
                &nodes,
                "--node-rank",
                "0",
                "--master-addr",
                "$(LWS_LEADER_ADDRESS)",
            ];
            check_pod(p, &t.leader_template.spec, true, lay.gpus_per_pod, &lead);
            let work = [
                "--nnodes",
                &nodes,
                "--node-rank",
                "$(LWS_WORKER_INDEX)",
                "--master-addr",
                "$(LWS_LEADER_ADDRESS)",
                "--headless",
            ];
            check_pod(p, &t.worker_template.spec, false, lay.gpus_per_pod, &work);
            t.leader_template.metadata.labels.clone()
        } else {
            let d: Deployment = parse(&dir.join("deployment.yaml"));
            assert_eq!(d.spec.strategy.kind, "Recreate");
            let probe = d.spec.template.spec.containers[0]
                .startup_probe
                .as_ref()
                .unwrap();
            assert!(
                d.spec.progress_deadline_seconds >= probe.period_seconds * probe.failure_threshold,
                "{}: the rollout deadline covers the startup budget",
                p.name
            );
            for (k, v) in &d.spec.selector.match_labels {
                assert_eq!(d.spec.template.metadata.labels.get(k), Some(v));
            }
            check_pod(p, &d.spec.template.spec, true, lay.gpus_per_pod, &[]);
            d.spec.template.metadata.labels
        };
        for (k, v) in &svc.spec.selector {
            assert_eq!(
                server_labels.get(k),
                Some(v),
                "{}: Service selects the server",
                p.name
            );
        }
        if dir.join("persistentvolumeclaim.yaml").exists() {
            let c: PersistentVolumeClaim = parse(&dir.join("persistentvolumeclaim.yaml"));
            let many = lay.nodes * p.k8s().replicas.unwrap_or(1) > 1;
            assert_eq!(
                c.spec.access_modes,
                [if many {
                    "ReadWriteMany"
                } else {
                    "ReadWriteOnce"
                }]
            );
        }
    }
    assert!(multi >= 2, "multi-node profiles rendered: {multi}");
}

#[test]
fn golden_files_one_node_and_several() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let bless = std::env::var_os("VPROF_BLESS").is_some();
    for (name, source) in [
        ("chunked_only_safe", "chunked_only_safe"),
        (
            "llama31_405b_two_nodes",
            "examples/llama31_405b_two_nodes.toml",
        ),
    ] {
        let dir = out.path().join(name);
        let o = vprof(
            &repo(),
            home.path(),
            &[
                "render",
                source,
                "--target",
                "k8s",
                "--out",
                dir.to_str().unwrap(),
                "--yes",
            ],
        );
        ok(&o, name);
        let golden = repo().join("tests/golden/k8s").join(name);
        let mut rendered: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        rendered.sort();
        if bless {
            std::fs::create_dir_all(&golden).unwrap();
            for f in &rendered {
                std::fs::write(golden.join(f), read(&dir.join(f))).unwrap();
            }
        }
        let mut expected: Vec<String> = std::fs::read_dir(&golden)
            .unwrap_or_else(|e| panic!("{}: {e}", golden.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        expected.sort();
        assert_eq!(rendered, expected, "{name}: files (VPROF_BLESS=1 rewrites)");
        for f in &rendered {
            assert_eq!(
                read(&dir.join(f)),
                read(&golden.join(f)),
                "{name}/{f} (VPROF_BLESS=1 rewrites)"
            );
        }
    }
}

#[test]
fn check_dry_run_and_hand_edits_work_as_for_compose() {
    let home = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let profiles = project.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    for entry in std::fs::read_dir(repo().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, profiles.join(path.file_name().unwrap())).unwrap();
    }
    let cwd = project.path();
    let dir = cwd.join("deploy/chunked_only_safe/k8s");
    let render = |extra: &[&str]| {
        let mut args = vec!["render", "chunked_only_safe", "--target", "k8s"];
        args.extend(extra);
        vprof(cwd, home.path(), &args)
    };
    // --check before anything exists: drift, nothing written.
    let o = render(&["--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("deploy/chunked_only_safe/k8s/deployment.yaml is missing")
    );
    // --dry-run shows the diff and writes nothing.
    let o = render(&["--dry-run"]);
    ok(&o, "dry-run");
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("+++ b/deploy/chunked_only_safe/k8s/deployment.yaml")
    );
    assert!(!dir.exists());
    ok(&render(&["--yes"]), "render");
    ok(&render(&["--check"]), "check after render");
    // A hand edit: --check reports drift, render refuses without --force.
    let deployment = dir.join("deployment.yaml");
    let edited = read(&deployment).replace("replicas: 1", "replicas: 3");
    std::fs::write(&deployment, &edited).unwrap();
    assert_eq!(render(&["--check"]).status.code(), Some(1));
    let o = render(&["--yes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("refusing to overwrite deploy/chunked_only_safe/k8s/deployment.yaml: it was edited by hand since vprof generated it"));
    assert_eq!(read(&deployment), edited);
    ok(&render(&["--yes", "--force"]), "force");
    ok(&render(&["--check"]), "check after force");
}
