#!/usr/bin/env python3
"""Derive vprof's embedded vLLM flag tables from the committed parser dumps.

Input: data/vllm/dumps/serve-args-<v>.json and registries-<v>.json, one pair per version
(generated from vLLM's own argument parser by tools/vllm/dump_serve_args.py; provenance in
data/vllm/dumps/README.md). Each version's table is `derive()` of tools/vllm/dump_table.py
(the program `vprof vllm dump-script` prints), so facts only: names, kinds, choices,
defaults, negative forms, deprecation and registries, never help sentences.

Output: data/vllm/flags.json, every version in one file that stores each fact once with the
range of versions it holds for:

    "versions": ["0.8.5.post1", ..., "0.33.0"]          (oldest first; ranges index this)
    "flags": [{"in": [lo, hi], "key": ..., ...}, ...]     (a flag as derive() gives it, for
                                                          versions[lo..=hi]; sorted by key, lo)
    "registries": {"tool_call_parsers": [["hermes", lo, hi], ...], ...}

    derive_flag_tables.py            write data/vllm/flags.json
    derive_flag_tables.py --check    exit 1 when the committed file differs (tests/flag_tables.rs)
    derive_flag_tables.py --print V  print version V's table as `vprof vllm dump-script` would
    derive_flag_tables.py --print all  every version's table, as one JSON list
"""
import importlib.util
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DUMPS = ROOT / "data" / "vllm" / "dumps"
OUT = ROOT / "data" / "vllm" / "flags.json"
# The latest patch of every minor release from 0.8 to 0.33 (0.11 by 0.11.0, the seed's).
VERSIONS = [
    "0.8.5.post1", "0.9.2", "0.10.2", "0.11.0", "0.12.0", "0.13.0", "0.14.1", "0.15.1",
    "0.16.0", "0.17.1", "0.18.1", "0.19.1", "0.20.2", "0.21.0", "0.22.1", "0.23.0", "0.24.0",
    "0.25.1", "0.26.0", "0.27.1", "0.28.0", "0.29.0", "0.30.0", "0.31.0", "0.32.0", "0.33.0",
]

_spec = importlib.util.spec_from_file_location("dump_table", ROOT / "tools" / "vllm" / "dump_table.py")
dump_table = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dump_table)


def table(version):
    entries = json.loads((DUMPS / f"serve-args-{version}.json").read_text())
    registries = json.loads((DUMPS / f"registries-{version}.json").read_text())
    t = dump_table.derive(version, entries, registries)
    keys = [f["key"] for f in t["flags"]]
    assert len(keys) == len(set(keys)), f"{version}: duplicate keys"
    return t


def runs(present):
    """Maximal runs [lo, hi] of consecutive indices where present[i] is the same non-None value."""
    out = []
    for i, value in enumerate(present):
        if value is None:
            continue
        if out and out[-1][1] == i - 1 and out[-1][2] == value:
            out[-1][1] = i
        else:
            out.append([i, i, value])
    return out


def merge(tables):
    flags = []
    keys = sorted({f["key"] for t in tables for f in t["flags"]})
    by_version = [{f["key"]: json.dumps(f, sort_keys=True) for f in t["flags"]} for t in tables]
    for key in keys:
        for lo, hi, text in runs([v.get(key) for v in by_version]):
            flags.append({"in": [lo, hi], **json.loads(text)})
    registries = {}
    for kind in dump_table.REGISTRY_KINDS:
        names = sorted({n for t in tables for n in t["registries"].get(kind, [])})
        rows = []
        for name in names:
            present = [True if name in t["registries"].get(kind, []) else None for t in tables]
            rows += [[name, lo, hi] for lo, hi, _ in runs(present)]
        registries[kind] = rows
    return {"versions": [t["version"] for t in tables], "registries": registries, "flags": flags}


def render(merged):
    regs = ",\n".join(
        f"    {json.dumps(kind)}: [\n"
        + ",\n".join("      " + json.dumps(r) for r in rows)
        + "\n    ]"
        for kind, rows in merged["registries"].items()
    )
    flags = ",\n".join("    " + json.dumps(f, sort_keys=True) for f in merged["flags"])
    return (
        "{\n"
        f'  "versions": {json.dumps(merged["versions"])},\n'
        f'  "registries": {{\n{regs}\n  }},\n'
        f'  "flags": [\n{flags}\n  ]\n'
        "}\n"
    )


def main():
    args = sys.argv[1:]
    if args[:1] == ["--print"] and args[1:] == ["all"]:
        json.dump([table(v) for v in VERSIONS], sys.stdout)
        return
    if args[:1] == ["--print"]:
        sys.stdout.write(dump_table.render(table(args[1])))
        return
    text = render(merge([table(v) for v in VERSIONS]))
    if args[:1] == ["--check"]:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"stale flag tables: {OUT} (run tools/derive_flag_tables.py)", file=sys.stderr)
            sys.exit(1)
    else:
        OUT.write_text(text)


if __name__ == "__main__":
    main()
