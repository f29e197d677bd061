#!/usr/bin/env python3
"""Print the vprof flag table of the vLLM installed in this Python, as JSON on stdout.

vprof ships this program (`vprof vllm dump-script` prints it) so that a project can add the
table of an image vprof does not embed:

    vprof vllm dump-script > dump.py
    docker run --rm --entrypoint python3 IMAGE - < dump.py > vllm/flags-TAG.json

It builds `vllm serve`'s argument parser exactly as the `vllm` CLI does (a
FlexibleArgumentParser with the `serve` subparser of ServeSubcommand), walks its actions and
prints facts only: option names, value kinds, choices, defaults, negative spellings,
deprecation, and the names vLLM checks at start-up (tool-call and reasoning parsers,
quantization methods, KV-cache dtypes). No engine starts, nothing is downloaded, no GPU is
needed: without a CUDA driver vLLM's CPU platform is used, whose parser is the same except
that --mm-processor-device lacks "cuda". The output is what vprof loads (schema:
schemas/vllm-table.schema.json).

The same `derive()` turns the committed parser dumps (data/vllm/dumps, written by
tools/vllm/dump_serve_args.py) into vprof's embedded tables (tools/derive_flag_tables.py), so
a dumped table and an embedded one of the same version are identical.
"""
import argparse
import json
import os
import sys

# ---- from a parser dump entry to a vprof flag (also used by tools/derive_flag_tables.py) ----

REGISTRY_KINDS = (
    "tool_call_parsers",
    "reasoning_parsers",
    "quantization_methods",
    "deprecated_quantization_methods",
    "kv_cache_dtypes",
)


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


def derive_flag(e):
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
    return {
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
    }


def derive(version, entries, registries):
    """The vprof table of one version: flags sorted by key, registry names sorted."""
    flags = [
        derive_flag(e)
        for e in entries
        if not e["positional"] and e["action"] != "help"
    ]
    flags.sort(key=lambda f: f["key"])
    regs = {k: sorted(registries.get(k) or []) for k in REGISTRY_KINDS}
    return {"version": version, "registries": regs, "flags": flags}


def render(table):
    """One flag per line: reviewable diffs, stable bytes."""
    rows = ",\n".join("    " + json.dumps(f, sort_keys=True) for f in table["flags"])
    return (
        "{\n"
        f'  "version": {json.dumps(table["version"])},\n'
        f'  "registries": {json.dumps(table["registries"], sort_keys=True)},\n'
        f'  "flags": [\n{rows}\n  ]\n'
        "}\n"
    )


# ---- introspection of the installed vLLM (what tools/vllm/dump_serve_args.py does) ----


def force_platform():
    """vLLM needs a platform object to build its parser; prefer CUDA (the image's), else CPU."""
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import vllm.platforms as P

    stub = os.environ.get("VLLM_LIBCUDA_STUB") or os.path.join(
        sys.prefix, "share", "vllm-parse-check", "libcuda.so.1"
    )
    try:
        import ctypes

        if os.path.exists(stub):
            ctypes.CDLL(stub, mode=ctypes.RTLD_GLOBAL)
        from vllm.platforms.cuda import CudaPlatform as Plat
    except Exception:  # no driver: the CPU platform builds the same parser
        os.environ.setdefault("VLLM_TARGET_DEVICE", "cpu")
        from vllm.platforms.cpu import CpuPlatform as Plat
    P._current_platform = Plat()


def build_serve_parser():
    try:
        from vllm.utils.argparse_utils import FlexibleArgumentParser
    except ImportError:  # vLLM <= 0.11
        from vllm.utils import FlexibleArgumentParser
    from vllm.entrypoints.cli.serve import ServeSubcommand

    top = FlexibleArgumentParser(prog="vllm", description="vLLM CLI")
    subs = top.add_subparsers(required=False, dest="subparser")
    cmd = ServeSubcommand()
    serve = cmd.subparser_init(subs)
    return FlexibleArgumentParser, top, serve


def closure_vars(fn):
    out = {}
    code = getattr(fn, "__code__", None)
    if code is None or not fn.__closure__:
        return out
    for name, cell in zip(code.co_freevars, fn.__closure__):
        try:
            out[name] = cell.cell_contents
        except ValueError:
            pass
    return out


def describe_type(t):
    """(simple type, detail, accepts the literal None) of an argparse `type` callable."""
    if t is None:
        return "str", "str", False
    if t in (int, float, str, bool):
        return t.__name__, t.__name__, False
    name = getattr(t, "__name__", type(t).__name__)
    if name == "_optional_type":
        s, d, _ = describe_type(closure_vars(t).get("return_type"))
        return s, f"optional({d})", True
    if name == "_parse_type":
        inner = closure_vars(t).get("return_type")
        if inner is json.loads or getattr(inner, "__name__", "") == "loads":
            return "json", "json", False
        return describe_type(inner)
    if name in ("parse_dataclass", "loads"):
        return "json", "json", False
    if name == "union_dict_and_str":
        return "json_or_str", "json_or_str", False
    if name in ("human_readable_int", "human_readable_int_or_auto"):
        return "int", name, False
    if name == "check_port":
        return "int", "port", False
    return "str", f"str({name})", False


ACTION_NAMES = {
    "_StoreAction": "store",
    "_StoreTrueAction": "store_true",
    "_StoreFalseAction": "store_false",
    "_AppendAction": "append",
    "_HelpAction": "help",
    "BooleanOptionalAction": "boolean_optional",
    "EnableDisableAction": "boolean_optional",
}


def jsonable(v):
    if v is argparse.SUPPRESS:
        return "==SUPPRESS=="
    try:
        json.dumps(v)
        return v
    except (TypeError, ValueError):
        pass
    if isinstance(v, (set, frozenset, tuple)):
        return [jsonable(x) for x in v]
    if hasattr(v, "value") and hasattr(type(v), "__members__"):  # Enum
        return jsonable(v.value)
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    r = repr(v)
    return r if len(r) <= 400 else r[:400] + "...<truncated>"


def introspect():
    """(version, parser entries, registries) of the installed vLLM."""
    # Help strings are attached only when "--help" is on sys.argv at import time, and the
    # deprecation notes live in them.
    sys.argv = ["vllm", "--help"]
    force_platform()
    import vllm

    fap, top, serve = build_serve_parser()
    deprecated = set()
    for obj in (fap, top, serve):
        deprecated |= set(getattr(obj, "_deprecated", set()) or set())
    by_action = {}
    for opt, act in serve._option_string_actions.items():
        by_action.setdefault(id(act), []).append(opt)
    entries = []
    for act in serve._actions:
        action = ACTION_NAMES.get(type(act).__name__, type(act).__name__)
        visible = list(act.option_strings)
        if action in ("store_true", "store_false", "boolean_optional"):
            simple, detail, optional = "bool", "bool", False
        elif action == "help":
            simple, detail, optional = None, None, False
        else:
            simple, detail, optional = describe_type(act.type)
        help_text = act.help if act.help not in (None, argparse.SUPPRESS) else ""
        entries.append({
            "flags": visible if visible else [act.dest],
            "hidden_flags": [o for o in by_action.get(id(act), []) if o not in visible],
            "positional": not act.option_strings,
            "type": simple,
            "type_detail": detail,
            "accepts_none_literal": optional,
            "action": action,
            "nargs": act.nargs,
            "choices": [jsonable(c) for c in act.choices] if act.choices is not None else None,
            "default": jsonable(act.default),
            "deprecated": act in deprecated or bool(getattr(act, "deprecated", False)),
            "help_mentions_deprecated": "deprecat" in help_text.lower(),
        })
    return vllm.__version__, entries, registries()


def registries():
    out = {}
    try:
        try:
            from vllm.tool_parsers import ToolParserManager
        except ImportError:
            from vllm.entrypoints.openai.tool_parsers import ToolParserManager
        if hasattr(ToolParserManager, "list_registered"):
            out["tool_call_parsers"] = list(ToolParserManager.list_registered())
        else:
            out["tool_call_parsers"] = list(ToolParserManager.tool_parsers)
    except Exception:
        pass
    try:
        from vllm.reasoning import ReasoningParserManager

        if hasattr(ReasoningParserManager, "list_registered"):
            out["reasoning_parsers"] = list(ReasoningParserManager.list_registered())
        else:
            out["reasoning_parsers"] = list(ReasoningParserManager.reasoning_parsers)
    except Exception:
        pass
    try:
        from vllm.model_executor.layers import quantization as q

        out["quantization_methods"] = list(q.QUANTIZATION_METHODS)
        if hasattr(q, "DEPRECATED_QUANTIZATION_METHODS"):
            out["deprecated_quantization_methods"] = list(q.DEPRECATED_QUANTIZATION_METHODS)
    except Exception:
        pass
    try:
        from typing import get_args

        from vllm.config import cache as cache_mod

        out["kv_cache_dtypes"] = list(
            getattr(cache_mod, "KV_CACHE_DTYPES", None) or get_args(cache_mod.CacheDType)
        )
    except Exception:
        pass
    return out


def main():
    # vLLM logs to stdout while it imports: keep stdout for the table alone.
    real_stdout = os.dup(1)
    os.dup2(2, 1)
    try:
        version, entries, regs = introspect()
    finally:
        sys.stdout.flush()
        os.dup2(real_stdout, 1)
    table = derive(version, entries, regs)
    sys.stdout.write(render(table))


if __name__ == "__main__":
    main()
