# Sourced by the bench scripts: paths, checks and hyperfine helpers.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VPROF="${VPROF:-$TARGET_DIR/release/vprof}"
BIN="$ROOT/.venv/bin"
RUNS="${RUNS:-20}"       # hyperfine --min-runs
WARMUP="${WARMUP:-3}"

need() {
  local what="$1" hint="$2"
  if [[ ! -x "$what" ]] && ! command -v "$what" >/dev/null 2>&1; then
    echo "bench: missing $what ($hint)" >&2
    exit 2
  fi
}
need hyperfine "run bench/setup.sh"
need "$VPROF" "cargo build --release"

# Runs hyperfine on the given commands (NAME=COMMAND pairs), exports JSON to
# $1, and leaves nothing else behind. Extra hyperfine flags via HF_FLAGS.
bench() {
  local json="$1"; shift
  local args=()
  for pair in "$@"; do
    args+=(--command-name "${pair%%=*}" "${pair#*=}")
  done
  hyperfine --style basic --warmup "$WARMUP" --min-runs "$RUNS" \
    ${HF_FLAGS:-} --export-json "$json" "${args[@]}"
}

# Prints the median of each command of a hyperfine JSON export, then the
# ratio of the first command's median to each other one's.
summary() {
  python3 - "$1" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
print()
for r in results:
    print(f"  median {r['median'] * 1000:10.2f} ms   min {r['min'] * 1000:9.2f}   max {r['max'] * 1000:9.2f}   {r['command']}")
first = results[0]
for r in results[1:]:
    print(f"  ratio {first['command']} / {r['command']} = {first['median'] / r['median']:.3f}")
PY
}

# Fails early, with the output, when a command does not succeed once.
check_runs() {
  local out
  if ! out="$("$@" 2>&1)"; then
    echo "bench: this command fails, fix it before timing it:" >&2
    echo "  $*" >&2
    printf '%s\n' "$out" | head -20 | sed 's/^/    /' >&2
    exit 1
  fi
}
