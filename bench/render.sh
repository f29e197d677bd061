#!/usr/bin/env bash
# Benchmark: rendering one profile with `vprof render` against a Python
# baseline doing the same work (bench/baseline_render.py: tomllib + jsonschema
# + Jinja2 + PyYAML), and against `docker compose config -q` parsing the
# result. Prints medians and the ratios vprof/baseline and vprof/compose.
#
# Usage: bench/render.sh          (after bench/setup.sh and cargo build --release)
# Env:   RUNS (min runs, default 20), WARMUP (default 3), NAME (default chunked_only_safe)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME="${NAME:-chunked_only_safe}"
PROFILE="profiles/$NAME.toml"
SCHEMA="$ROOT/schemas/profile.schema.json"
need "$BIN/docker-compose" ".ci/install-validators"
"$BIN/python" -c 'import jinja2, jsonschema, yaml' 2>/dev/null ||
  { echo "bench: jinja2/jsonschema/pyyaml missing in .venv: run bench/setup.sh" >&2; exit 2; }
[[ -f "$PROFILE" ]] || { echo "bench: $PROFILE not found" >&2; exit 2; }
[[ -f "$SCHEMA" ]] || { echo "bench: $SCHEMA not found" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# First runs outside the timing: they create the output directories, so the
# timed runs all re-render over vprof's own unchanged files.
check_runs "$VPROF" render "$NAME" --out "$tmp/vprof" --yes
check_runs "$BIN/python" bench/baseline_render.py "$PROFILE" --schema "$SCHEMA" --out "$tmp/py"

# Secrets are `${NAME:?...}` references: give the empty ones of .env a value.
env_assign=()
if [[ -f "$tmp/vprof/.env" ]]; then
  while IFS= read -r var; do env_assign+=("$var=bench-placeholder"); done < <(
    sed -nE 's/^([A-Za-z_][A-Za-z0-9_]*)=$/\1/p' "$tmp/vprof/.env")
fi
COMPOSE="env ${env_assign[*]} $BIN/docker-compose -f $tmp/vprof/compose.yaml --project-directory $tmp/vprof config -q"
check_runs $COMPOSE

echo "== render $NAME"
HF_FLAGS="-N" bench "$tmp/render.json" \
  "vprof render=$VPROF render $NAME --out $tmp/vprof --yes" \
  "python baseline=$BIN/python bench/baseline_render.py $PROFILE --schema $SCHEMA --out $tmp/py" \
  "compose config=$COMPOSE"
summary "$tmp/render.json"
