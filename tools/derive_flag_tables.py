#!/usr/bin/env python3
"""Derive vprof's embedded vLLM flag tables from the introspected parser dumps.

Input: data/vllm/dumps/serve-args-<v>.json and registries-<v>.json (generated from vLLM's own
argument parser). Output: data/vllm/flags-<v>.json with facts only (names, kinds, choices,
defaults, negative forms, deprecation), never help sentences. `--check` exits 1 when the
committed files differ from what the dumps give (tests/flag_tables.rs runs it).
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DUMPS = ROOT / "data" / "vllm" / "dumps"
VERSIONS = ["0.11.0", "0.33.0"]


def kind(entry):
    detail = entry.get("type_detail") or ""
    inner = detail[len("optional("):-1] if detail.startswith("optional(") else detail
    if entry["action"] in ("store_true", "boolean_optional"):
        return "bool"
    if inner.startswith("human_readable_int_or_auto"):
        return "human_int_or_auto"
    if inner.startswith("human_readable_int"):
        return "human_int"
    if inner.startswith("json_or_str"):
        return "json_or_str"
    if inner.startswith("json"):
        return "json"
    return {"int": "int", "float": "float"}.get(entry["type"], "str")


def derive(version):
    dump = json.loads((DUMPS / f"serve-args-{version}.json").read_text())
    registries = json.loads((DUMPS / f"registries-{version}.json").read_text())
    flags = []
    for e in dump:
        if e["positional"] or e["action"] == "help":
            continue
        longs = [f for f in e["flags"] if f.startswith("--")]
        shorts = [f for f in e["flags"] if not f.startswith("--")]
        hidden = e.get("hidden_flags") or []
        positive = longs[0]
        negatives = []
        if e["action"] == "boolean_optional":
            # Every other spelling of a boolean pair sets it to false. In 0.33 some pairs are
            # reversed (`--disable-x` positive, `--enable-x` its negative).
            negatives = longs[1:] + hidden
        aliases = [f for f in longs[1:] if f not in negatives]
        no_form = "--no-" + positive[2:]
        negative = no_form if no_form in negatives else (negatives[0] if negatives else None)
        flags.append({
            "key": positive[2:].replace("-", "_"),
            "flag": positive,
            "aliases": aliases + shorts,
            "negatives": negatives,
            "negative": negative,
            "kind": kind(e),
            "multiple": e["nargs"] == "+" or e["action"] in ("append", "LoRAParserAction"),
            "append": e["action"] == "append",
            "optional": bool(e.get("accepts_none_literal")),
            "choices": e["choices"],
            "default": e["default"],
            "deprecated": bool(e["deprecated"] or e.get("help_mentions_deprecated")),
        })
    regs = {k: v for k, v in registries.items() if isinstance(v, list)}
    return {"version": version, "flags": flags, "registries": regs}


def render(table):
    lines = ["{", f'  "version": {json.dumps(table["version"])},', '  "registries": '
             + json.dumps(table["registries"], sort_keys=True) + ",", '  "flags": [']
    rows = [json.dumps(f, sort_keys=True) for f in table["flags"]]
    lines.append(",\n".join("    " + r for r in rows))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    check = "--check" in sys.argv
    stale = []
    for v in VERSIONS:
        text = render(derive(v))
        out = ROOT / "data" / "vllm" / f"flags-{v}.json"
        if check:
            if not out.exists() or out.read_text() != text:
                stale.append(str(out))
        else:
            out.write_text(text)
    if stale:
        print("stale flag tables (run tools/derive_flag_tables.py):", *stale, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
