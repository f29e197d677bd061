#!/usr/bin/env bash
# Benchmark: `vprof validate` against `taplo check --schema` (schema-only
# validation of the same files, in Rust too), on one profile and on 1,000
# profiles in one call. Prints medians and the ratio vprof/taplo.
#
# Usage: bench/validate.sh        (after bench/setup.sh and cargo build --release)
# Env:   RUNS (min runs, default 20), WARMUP (default 3), COUNT (default 1000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROFILE=profiles/chunked_only_safe.toml
SCHEMA="$ROOT/schemas/profile.schema.json"
COUNT="${COUNT:-1000}"
need "$BIN/taplo" "bench/setup.sh (taplo is optional there: no comparison without it)"
[[ -f "$PROFILE" ]] || { echo "bench: $PROFILE not found" >&2; exit 2; }
[[ -f "$SCHEMA" ]] || { echo "bench: $SCHEMA not found" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

TAPLO=("$BIN/taplo" check --schema "file://$SCHEMA")
check_runs "$VPROF" validate "$PROFILE"
check_runs "${TAPLO[@]}" "$PROFILE"

echo "== one profile: $PROFILE"
HF_FLAGS="-N" bench "$tmp/one.json" \
  "vprof=$VPROF validate $PROFILE" \
  "taplo=${TAPLO[*]} $PROFILE"
summary "$tmp/one.json"

# COUNT profiles in one directory: the originals (partials included, since
# profiles `extends` them by name from the same directory), the examples
# under distinct names, then pNNNN.toml copies of the non-partial profiles
# until there are COUNT non-partial profiles. `#:schema` directives are
# dropped: their relative paths do not hold in the temporary directory.
set_dir="$tmp/profiles"
mkdir -p "$set_dir"
copy() { grep -v '^#:schema' "$1" >"$2"; }
bases=()
for f in profiles/*.toml; do
  copy "$f" "$set_dir/$(basename "$f")"
  [[ "$(basename "$f")" == _* ]] || bases+=("$f")
done
n=${#bases[@]}
for f in examples/*.toml; do
  [[ -e "$f" ]] || continue
  copy "$f" "$set_dir/example_$(basename "$f")"
  n=$((n + 1))
done
[[ ${#bases[@]} -gt 0 ]] || { echo "bench: no non-partial profile in profiles/" >&2; exit 2; }
i=0
while [[ $n -lt $COUNT ]]; do
  i=$((i + 1))
  copy "${bases[$(( (i - 1) % ${#bases[@]} ))]}" "$(printf '%s/p%04d.toml' "$set_dir" "$i")"
  n=$((n + 1))
done
# Partials are not passed: they are checked through the profiles extending them.
files=("$set_dir"/[!_]*.toml)
echo
echo "== ${#files[@]} profiles in one call: $set_dir"
check_runs "$VPROF" validate "${files[@]}"
check_runs "${TAPLO[@]}" "${files[@]}"
# The file list goes through the shell as a glob; hyperfine subtracts the
# shell's own start-up time.
bench "$tmp/many.json" \
  "vprof=$VPROF validate $set_dir/[!_]*.toml" \
  "taplo=${TAPLO[*]} $set_dir/[!_]*.toml"
summary "$tmp/many.json"
