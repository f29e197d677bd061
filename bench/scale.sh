#!/usr/bin/env bash
# Scale: `vprof validate` and `vprof render --all --check` over 10, 100, 1,000 and 10,000
# profiles (each extends one partial, as real fleets do), medians and the cost per profile;
# peak memory (/usr/bin/time -v) of validating 1,000 profiles; and how often the Hugging Face
# cache is probed (strace: config.json opens), which must be once per model, not per profile.
#
# Usage: bench/scale.sh        (after bench/setup.sh and cargo build --release)
# Env:   RUNS (min runs, default 10), SIZES (default "10 100 1000 10000")
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS="${RUNS:-10}"
SIZES="${SIZES:-10 100 1000 10000}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" HF_HUB_CACHE="$tmp/hf/hub"
# A Hugging Face cache holding the model, so that every profile's model facts come from it.
mkdir -p "$HF_HUB_CACHE"
cp -r "$ROOT/tests/fixtures/hf_cache/models--acme--Tiny-AWQ" "$HF_HUB_CACHE/"

project() { # project DIR N
  mkdir -p "$1/profiles"
  cat >"$1/profiles/_base.toml" <<'TOML'
[host]
gpu_count = 8
gpu_memory_gib = 80
[deploy]
image = "vllm/vllm-openai:v0.33.0"
gpu_ids = ["0"]
secrets = ["HF_TOKEN"]
[vllm]
model = "acme/Tiny-AWQ"
max_model_len = 4096
TOML
  for i in $(seq 1 "$2"); do
    printf 'extends = "_base"\n[deploy]\nport = %d\n[vllm]\nmax_num_seqs = %d\n' \
      $((10000 + i)) $((i % 64 + 1)) >"$1/profiles/p$i.toml"
  done
}

results="$tmp/results.txt"
for n in $SIZES; do
  dir="$tmp/p$n"
  project "$dir" "$n"
  (cd "$dir" && "$VPROF" render --all --yes >/dev/null 2>&1)
  (cd "$dir" && check_runs "$VPROF" validate && check_runs "$VPROF" render --all --check)
  runs=$RUNS; [[ $n -ge 10000 ]] && runs=3
  (cd "$dir" && hyperfine --style none --warmup 1 --min-runs "$runs" -N \
    --export-json "$tmp/v$n.json" --command-name "validate $n" "$VPROF validate" \
    --command-name "render --check $n" "$VPROF render --all --check" >/dev/null)
  python3 - "$tmp/v$n.json" "$n" >>"$results" <<'PY'
import json, sys
n = int(sys.argv[2])
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:<22} median {r['median']*1000:9.1f} ms   {r['median']*1e6/n:8.1f} us/profile")
PY
done
cat "$results"

echo
dir="$tmp/p1000"
[[ -d "$dir" ]] || project "$dir" 1000
peak="$(cd "$dir" && /usr/bin/time -v "$VPROF" validate 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}')"
echo "peak memory, validate of 1000 profiles: $((peak / 1024)) MiB ($peak KiB)"
if command -v strace >/dev/null; then
  opens="$(cd "$dir" && strace -f -e trace=openat "$VPROF" validate 2>&1 >/dev/null | grep -c 'Tiny-AWQ.*config.json' || true)"
  echo "Hugging Face cache: config.json opened $opens time(s) for 1000 profiles of one model"
fi
