#!/usr/bin/env bash
# The loop the seed project ran by hand, over every point of a sweep, on one GPU host:
#   sweep → render → docker compose up → verify → bench → --compare
# Each configuration is deployed alone, checked to be the profile (vprof verify: served model,
# context length, prefix caching, memory fraction, block size, KV cache dtype, vLLM version),
# measured (prefix-cache miss/hit pairs), and taken down; the table compares them all.
#
#   bash examples/loop.sh [GRID] [OUT]     (defaults: examples/sweeps/seed_grid.toml, loop-out)
#
# Needs docker compose v2 with the NVIDIA runtime, the GPUs the profiles name, and .env values
# for their secrets (HF_TOKEN, ...) exported in the environment or filled into each .env.
set -euo pipefail
GRID="${1:-examples/sweeps/seed_grid.toml}"
OUT="${2:-loop-out}"
VPROF="${VPROF:-vprof}"
PAIRS="${PAIRS:-3}"
PREFIX_TOKENS="${PREFIX_TOKENS:-2000}"

# 1. One profile per grid point; points that would not start are reported, not written.
"$VPROF" sweep "$GRID" --out "$OUT/profiles" || true   # exit 1 when some points fail
mkdir -p "$OUT/results"
current=""
down() { [[ -n "$current" ]] && docker compose -f "$current/compose.yaml" --env-file "$current/.env" down || true; }
trap down EXIT

for profile in "$OUT"/profiles/*.toml; do
  name="$(basename "$profile" .toml)"
  dir="$OUT/deploy/$name"
  echo "=== $name"
  # 2. Render compose.yaml and .env (an existing .env keeps the values filled in).
  "$VPROF" render "$profile" --out "$dir" --yes
  # 3. Start it and wait for the rendered healthcheck (/health) to pass.
  current="$dir"
  docker compose -f "$dir/compose.yaml" --env-file "$dir/.env" up -d --wait --wait-timeout 1200
  # 4. Is the running server the profile? A difference stops this point (exit 1).
  if "$VPROF" verify "$profile"; then
    # 5. Measure: K pairs of streamed requests sharing a long random prefix (miss, then hit).
    "$VPROF" bench "$profile" --pairs "$PAIRS" --prefix-tokens "$PREFIX_TOKENS" \
      --save "$OUT/results/$name.json"
  else
    echo "!!! $name: the server is not the profile; not measured" >&2
  fi
  down
  current=""
done

# 6. The seed's table: TTFT on a miss, on a hit, and the acceleration, per profile.
"$VPROF" bench --compare "$OUT"/results/*.json
