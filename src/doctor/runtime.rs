//! Whether this machine can run the rendered compose file: `docker` and the NVIDIA
//! container runtime (the NVIDIA Container Toolkit, which compose's GPU reservation needs).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Item, Status, item};

/// The first `name` on PATH.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// `docker` and the NVIDIA runtime.
pub fn check() -> Vec<Item> {
    let mut items = Vec::new();
    let toolkit: Vec<&str> = ["nvidia-container-runtime", "nvidia-ctk"]
        .into_iter()
        .filter(|t| on_path(t).is_some())
        .collect();
    let Some(docker) = on_path("docker") else {
        items.push(item(
            "docker",
            Status::Error,
            String::from("docker is not on PATH: `docker compose up` cannot run here"),
            Some(String::from(
                "install Docker Engine with the compose plugin (https://docs.docker.com/engine/install/)",
            )),
        ));
        items.push(toolkit_item(&toolkit, None));
        return items;
    };
    let info = Command::new(&docker)
        .args(["info", "--format", "{{json .Runtimes}}"])
        .output();
    let runtimes = match info {
        Ok(out) if out.status.success() => {
            items.push(item(
                "docker",
                Status::Ok,
                format!("{} answers `docker info`", docker.display()),
                None,
            ));
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Ok(out) => {
            let said = String::from_utf8_lossy(&out.stderr);
            items.push(item(
                "docker",
                Status::Warning,
                format!(
                    "{} is installed but `docker info` failed: {}",
                    docker.display(),
                    said.lines().next().unwrap_or("").trim()
                ),
                Some(String::from(
                    "start the Docker daemon, or add this user to the `docker` group",
                )),
            ));
            None
        }
        Err(err) => {
            items.push(item(
                "docker",
                Status::Warning,
                format!("{} could not be run: {err}", docker.display()),
                None,
            ));
            None
        }
    };
    items.push(toolkit_item(&toolkit, runtimes.as_deref()));
    items
}

fn toolkit_item(toolkit: &[&str], runtimes: Option<&str>) -> Item {
    let registered = runtimes.is_some_and(|r| r.contains("\"nvidia\""));
    if registered {
        return item(
            "nvidia-runtime",
            Status::Ok,
            String::from("docker lists the `nvidia` runtime"),
            None,
        );
    }
    if !toolkit.is_empty() {
        return item(
            "nvidia-runtime",
            Status::Ok,
            format!(
                "NVIDIA Container Toolkit found on PATH ({})",
                toolkit.join(", ")
            ),
            None,
        );
    }
    item(
        "nvidia-runtime",
        Status::Error,
        String::from(
            "no NVIDIA container runtime: neither `docker info` lists `nvidia` nor is nvidia-ctk or nvidia-container-runtime on PATH; compose's GPU reservation would fail",
        ),
        Some(String::from(
            "install the NVIDIA Container Toolkit and run `sudo nvidia-ctk runtime configure --runtime=docker`",
        )),
    )
}
