#!/usr/bin/env python3
"""Parse vprof's rendered `vllm serve` commands with vLLM's real argument parser.

Run with the python of a venv that has vLLM installed (tools/vllm/make-venv.sh; no GPU):

    check_commands.py RENDERED.yaml SHOW.json [RENDERED.yaml SHOW.json ...]

COMPOSE.yaml is what `vprof render` wrote for one profile, SHOW.json what
`vprof show NAME --format json` printed for it. The service's `command:` is given to the
same parser the `vllm` CLI builds (a FlexibleArgumentParser with the `serve` subparser, as
the vllm/vllm-openai image's entrypoint runs it): it must parse, and every `[vllm]` value of
the profile must come out as the value vLLM sees. Exit 1 on the first mismatch of any file.
"""
import dataclasses
import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dump_table  # noqa: E402  (the same parser construction as the table dump)

# Keys rendered outside the command line (the API key goes through VLLM_API_KEY).
NOT_ON_THE_COMMAND_LINE = {"api_key"}


def profile_vllm(show):
    """The profile's [vllm] table, rebuilt from show's dotted leaves."""
    out = {}
    for entry in show["values"]:
        parts = entry["key"].split(".")
        if parts[0] != "vllm":
            continue
        node = out
        for p in parts[1:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = entry["value"]
    return out


def plain(v):
    """A parsed value as JSON-like data (config dataclasses as dicts)."""
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if hasattr(v, "value") and hasattr(type(v), "__members__"):  # Enum
        return v.value
    return v


def contains(parsed, expected):
    """`parsed` holds every value of `expected` (config objects add their defaults)."""
    if isinstance(expected, dict) and isinstance(parsed, dict):
        return all(k in parsed and contains(parsed[k], v) for k, v in expected.items())
    if isinstance(expected, float) or isinstance(parsed, float):
        try:
            return abs(float(parsed) - float(expected)) < 1e-9
        except (TypeError, ValueError):
            return False
    return parsed == expected


# What the LeaderWorkerSet controller injects and kubelet expands in `$(VAR)` references of a
# container's args (values for one worker of a two-node group; any valid value parses alike).
LWS_EXPANSIONS = {
    "$(LWS_LEADER_ADDRESS)": "leader-0.llm.svc.cluster.local",
    "$(LWS_WORKER_INDEX)": "1",
    "$(LWS_GROUP_SIZE)": "2",
}


def commands_of(path):
    """The vLLM argument lists of a rendered file: the compose service's `command`, or the
    `args` of every vLLM container of a Deployment or LeaderWorkerSet (leader and worker)."""
    doc = yaml.safe_load(open(path))
    if "services" in doc:
        (service,) = doc["services"].values()
        return [("compose", [str(a) for a in service["command"]])]
    spec = doc["spec"]
    if doc["kind"] == "Deployment":
        templates = [("deployment", spec["template"])]
    else:
        group = spec["leaderWorkerTemplate"]
        templates = [("leader", group["leaderTemplate"]), ("worker", group["workerTemplate"])]
    out = []
    for role, template in templates:
        (container,) = [c for c in template["spec"]["containers"] if c["name"] == "vllm"]
        args = []
        for a in container["args"]:
            a = str(a)
            for ref, value in LWS_EXPANSIONS.items():
                a = a.replace(ref, value)
            args.append(a.replace("$$", "$"))  # kubelet: `$$` is a literal `$`
        out.append((role, args))
    return out


def check(top, serve, rendered_path, show_path):
    show = json.load(open(show_path))
    problems = []
    for role, command in commands_of(rendered_path):
        problems += check_command(top, serve, command, show, f"{show['profile']} ({role})")
    return problems


def check_command(top, serve, command, show, name):
    try:
        ns = top.parse_args(["serve"] + command)
    except SystemExit:
        return [f"{name}: vLLM's parser rejected {command}"]
    problems = []
    for key, value in sorted(profile_vllm(show).items()):
        if key in NOT_ON_THE_COMMAND_LINE:
            continue
        if key == "model":
            seen = getattr(ns, "model_tag", None) or getattr(ns, "model", None)
            if seen != value:
                problems.append(f"{name}: model: vLLM sees {seen!r}, the profile says {value!r}")
            continue
        option = "--" + key.replace("_", "-")
        action = serve._option_string_actions.get(option)
        if action is None:
            problems.append(f"{name}: {option} is not an option of vLLM's parser")
            continue
        seen = plain(getattr(ns, action.dest))
        expected = value
        if isinstance(value, bool):
            # what the positive spelling sets (a reversed pair sets False)
            on = plain(getattr(top.parse_args(["serve", "m", option]), action.dest))
            expected = on if value else (not on)
        elif action.nargs in ("+", "*") and not isinstance(value, list):
            # one value of a list option: vLLM sees a list of one
            expected = [plain(action.type(str(value))) if callable(action.type) else value]
        elif not isinstance(value, (dict, list)) and callable(action.type):
            expected = plain(action.type(str(value)))
        elif isinstance(value, list) and callable(action.type):
            expected = [plain(action.type(str(x))) for x in value]
        if not contains(seen, expected):
            problems.append(f"{name}: {key}: vLLM sees {seen!r}, the profile says {value!r}")
    print(f"{name}: {len(command)} arguments parsed by vLLM, {len(profile_vllm(show))} values compared")
    return problems


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    sys.argv = ["vllm"]
    real_stdout = os.dup(1)
    os.dup2(2, 1)  # vLLM logs on stdout while importing
    try:
        dump_table.force_platform()
        _, top, serve = dump_table.build_serve_parser()
    finally:
        sys.stdout.flush()
        os.dup2(real_stdout, 1)
    import vllm

    print(f"vLLM {vllm.__version__}'s parser")
    problems = []
    for compose_path, show_path in zip(args[::2], args[1::2]):
        problems += check(top, serve, compose_path, show_path)
    for p in problems:
        print(f"MISMATCH {p}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
