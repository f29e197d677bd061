#!/bin/sh
# Run fuzz targets for a fixed budget each; print one line per target: executions, seconds,
# executions per second, corpus size, new inputs, findings.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   (default 150 s, every target)
#   FUZZ_JOBS=2 fuzz/run.sh 600                     (two targets at once)
#
# Toolchain: cargo-fuzz (libFuzzer) on the stable toolchain. cargo-fuzz passes -Z flags,
# which stable rustc accepts with RUSTC_BOOTSTRAP=1; `-s none` skips AddressSanitizer
# (which needs a nightly-built std): vprof forbids unsafe code, so a crash is a panic, an
# abort, a timeout or an out-of-memory, all of which libFuzzer reports without ASan.
# `--debug-assertions` keeps overflow checks and debug_assert! on in the optimised build, so
# an arithmetic overflow is a crash rather than a silently wrapped number.
# Install once: cargo install cargo-fuzz --locked
#
# The fuzzers run under `nice -n 19`. Seeds are `corpus/TARGET` (in git); the inputs a run
# adds go to `grown/TARGET` and its log to `logs/TARGET.log` (both ignored by git), so a
# later run starts from the coverage an earlier one reached. A crash stops the target and
# leaves its input in `artifacts/TARGET/`; minimise it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s none --release --debug-assertions TARGET artifacts/TARGET/crash-...
set -eu
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
all="profile_load validate_bytes render_roundtrip env_merge import"

if [ "${1:-}" = "--one" ]; then
    budget="$2"
    t="$3"
    mkdir -p "grown/$t" "artifacts/$t" logs
    log="logs/$t.log"
    crashes_before="$(ls "artifacts/$t" | wc -l)"
    status=0
    nice -n 19 cargo fuzz run -s none --release --debug-assertions "$t" "grown/$t" "corpus/$t" -- \
        -max_total_time="$budget" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    stat() { grep -E "^stat::$1:" "$log" | awk '{print $2}'; }
    execs="$(stat number_of_executed_units)"
    rate="$(stat average_exec_per_sec)"
    secs="$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | awk '{print $5}')"
    corpus="$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)"
    found=$(($(ls "artifacts/$t" | wc -l) - crashes_before))
    if [ "$status" -eq 0 ]; then
        echo "$t: ${execs:-?} executions in ${secs}s (${rate:-?}/s), corpus ${corpus:-?} (units/bytes), $(ls "grown/$t" | wc -l) grown inputs, findings: $found"
    else
        echo "$t: STOPPED (exit $status) after ${execs:-?} executions (${rate:-?}/s), findings: $found, log: fuzz/$log"
        grep -E "panicked|ERROR|SUMMARY|Test unit written" "$log" | head -5
    fi
    exit 0
fi

budget="${1:-150}"
[ $# -gt 0 ] && shift
targets="${*:-$all}"
cargo fuzz build -s none --release --debug-assertions 2>&1 | tail -1
printf '%s\n' $targets | xargs -P "${FUZZ_JOBS:-1}" -I{} ./run.sh --one "$budget" {}
