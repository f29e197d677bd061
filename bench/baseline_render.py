#!/usr/bin/env python3
"""Python baseline for bench/render.sh: what `vprof render NAME` does, done
with the usual Python libraries, so that the Rust binary has something to be
measured against.

    baseline_render.py PROFILE.toml --schema SCHEMA.json --out DIR

1. load the profile with tomllib and resolve `extends` (a profile or partial
   in the same directory; tables merge key by key, the child wins; chains
   allowed; cycles and missing parents are errors naming the chain);
2. validate the resolved profile against the JSON Schema with jsonschema;
3. render compose.yaml with a Jinja2 template (vLLM arguments as a YAML list,
   every scalar quoted, `$` escaped as `$$`, secrets as `${NAME:?...}`) and
   .env listing the secret variables;
4. parse the result back with PyYAML and check its structure;
5. write both files atomically (temporary file, then rename).

Needs jinja2, jsonschema and pyyaml (bench/setup.sh installs them in .venv).
Exit codes: 0 ok, 1 invalid profile, 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import tomllib
from pathlib import Path

import jinja2
import jsonschema
import yaml

CONTAINER_PORT = 8000
CONTAINER_HF_CACHE = "/root/.cache/huggingface"
HEALTH_START_PERIOD = "600s"


class ProfileError(Exception):
    pass


# --- loading -----------------------------------------------------------------


def merge(parent: dict, child: dict) -> dict:
    """Tables merge key by key; for anything else the child wins."""
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_resolved(path: Path, chain: tuple[str, ...] = ()) -> dict:
    name = path.stem
    if name in chain:
        raise ProfileError("extends cycle: " + " -> ".join((*chain, name)))
    chain = (*chain, name)
    try:
        with path.open("rb") as f:
            doc = tomllib.load(f)
    except FileNotFoundError:
        if len(chain) > 1:
            raise ProfileError(
                f"missing parent {path.name}: " + " -> ".join(chain)
            ) from None
        raise
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"{path}: {e}") from None
    parent_name = doc.pop("extends", None)
    if parent_name is None:
        return doc
    if not isinstance(parent_name, str):
        raise ProfileError(f"{path}: extends must be a string")
    parent = load_resolved(path.parent / f"{parent_name}.toml", chain)
    return merge(parent, doc)


def validate(doc: dict, schema_path: Path) -> None:
    with schema_path.open() as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        lines = [
            f"  {'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors
        ]
        raise ProfileError("schema errors:\n" + "\n".join(lines))


# --- rendering ---------------------------------------------------------------


def secret_ref(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ProfileError(f"bad secret variable name {name!r}")
    return f"${{{name}:?{name} is not set}}"


def literal(value: str) -> str:
    """A profile value reaches the container as written: `$` -> `$$`."""
    return value.replace("$", "$$")


def scalar(value) -> str:
    """Any profile value as a string argument."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def vllm_args(vllm: dict, secrets: list[str]) -> list[str]:
    vllm = dict(vllm)
    args: list[str] = []
    model = vllm.pop("model", None)
    if model is not None:
        args += ["--model", literal(scalar(model))]
    for key, value in vllm.items():
        flag = "--" + key.replace("_", "-")
        if isinstance(value, dict) and set(value) == {"env"}:
            secrets.append(value["env"])
            args += [flag, secret_ref(value["env"])]
        elif value is True:
            args.append(flag)
        elif value is False:
            args.append("--no-" + key.replace("_", "-"))
        elif isinstance(value, list):
            args.append(flag)
            args += [literal(scalar(v)) for v in value]
        else:
            args += [flag, literal(scalar(value))]
    return args


_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def yaml_quote(value) -> str:
    """A YAML double-quoted scalar that no character can break out of."""
    s = json.dumps(str(value), ensure_ascii=False)
    return _NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)


TEMPLATE = """\
# generated by bench/baseline_render.py from {{ source | q }}
services:
  {{ service | q }}:
    image: {{ image | q }}
    command:
{%- for arg in command %}
      - {{ arg | q }}
{%- endfor %}
{%- if environment %}
    environment:
{%- for key, value in environment.items() %}
      {{ key | q }}: {{ value | q }}
{%- endfor %}
{%- endif %}
{%- if port %}
    ports:
      - {{ (port ~ ":" ~ container_port) | q }}
{%- endif %}
{%- if ipc %}
    ipc: {{ ipc | q }}
{%- endif %}
{%- if shm_size %}
    shm_size: {{ shm_size | q }}
{%- endif %}
{%- if hf_cache %}
    volumes:
      - {{ (hf_cache ~ ":" ~ container_hf_cache) | q }}
{%- endif %}
    healthcheck:
      test: ["CMD", "curl", "-fsS", "http://localhost:{{ container_port }}/health"]
      interval: 30s
      timeout: 5s
      retries: 5
      start_period: {{ start_period }}
{%- if gpu_ids %}
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              device_ids: [{% for id in gpu_ids %}{{ id | q }}{% if not loop.last %}, {% endif %}{% endfor %}]
              capabilities: [gpu]
{%- endif %}
    restart: unless-stopped
"""

ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
)
ENV.filters["q"] = yaml_quote
COMPOSE = ENV.from_string(TEMPLATE)


def render(doc: dict, source: str) -> tuple[str, str, dict]:
    deploy = doc.get("deploy", {})
    vllm = doc.get("vllm", {})
    secrets: list[str] = list(deploy.get("secrets", []))
    command = vllm_args(vllm, secrets)
    environment = {k: literal(scalar(v)) for k, v in deploy.get("env", {}).items()}
    for name in deploy.get("secrets", []):
        environment[name] = secret_ref(name)
    tp = int(vllm.get("tensor_parallel_size", 1)) * int(
        vllm.get("pipeline_parallel_size", 1)
    )
    ipc = deploy.get("ipc")
    shm_size = deploy.get("shm_size")
    if tp > 1 and not ipc and not shm_size:
        ipc = "host"
    context = {
        "source": source,
        "service": deploy.get("service", "vllm"),
        "image": literal(deploy["image"]),
        "command": command,
        "environment": environment,
        "port": deploy.get("port"),
        "container_port": CONTAINER_PORT,
        "ipc": ipc,
        "shm_size": shm_size,
        "hf_cache": literal(deploy["hf_cache"]) if "hf_cache" in deploy else None,
        "container_hf_cache": CONTAINER_HF_CACHE,
        "start_period": HEALTH_START_PERIOD,
        "gpu_ids": [str(i) for i in deploy.get("gpu_ids", [])],
    }
    compose = COMPOSE.render(context)
    unique = list(dict.fromkeys(secrets))
    dotenv = "# generated by bench/baseline_render.py\n" + "".join(
        f"{name}=\n" for name in unique
    )
    return compose, dotenv, context


def verify(compose: str, context: dict) -> None:
    """Parse the rendered file back: the structure must be what was meant."""
    data = yaml.safe_load(compose)
    service = data["services"][context["service"]]
    assert service["image"] == context["image"], "image"
    assert service["command"] == context["command"], "command round trip"
    assert service.get("environment", {}) == context["environment"], "environment"
    if context["gpu_ids"]:
        devices = service["deploy"]["resources"]["reservations"]["devices"]
        assert devices[0]["device_ids"] == context["gpu_ids"], "device ids"


def write_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("profile", type=Path)
    ap.add_argument("--schema", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    try:
        doc = load_resolved(args.profile)
        validate(doc, args.schema)
        compose, dotenv, context = render(doc, str(args.profile))
        verify(compose, context)
        args.out.mkdir(parents=True, exist_ok=True)
        write_atomic(args.out / "compose.yaml", compose)
        write_atomic(args.out / ".env", dotenv, 0o600)
    except ProfileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (KeyError, AssertionError) as e:
        print(f"error: {args.profile}: {e!r}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
