#!/bin/sh
# Run every fuzz target for a fixed budget; print executions and findings per target.
#
#   fuzz/run.sh [SECONDS_PER_TARGET]   (default 150)
#
# Toolchain: cargo-fuzz (libFuzzer) on the stable toolchain. cargo-fuzz passes -Z flags,
# which stable rustc accepts with RUSTC_BOOTSTRAP=1; `-s none` skips AddressSanitizer
# (which needs a nightly-built std): vprof forbids unsafe code, so a crash is a panic, an
# abort, a timeout or an out-of-memory, all of which libFuzzer reports without ASan.
# Install once: cargo install cargo-fuzz --locked
set -eu
cd "$(dirname "$0")"
budget="${1:-150}"
export RUSTC_BOOTSTRAP=1
targets="profile_load validate_bytes render_roundtrip env_merge import"
cargo fuzz build -s none --release 2>&1 | tail -1
for t in $targets; do
    work="$(mktemp -d)"
    log="$work/log"
    status=0
    cargo fuzz run -s none --release "$t" "$work" "corpus/$t" -- \
        -max_total_time="$budget" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    execs="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')"
    found="$(ls artifacts/"$t" 2>/dev/null | wc -l)"
    echo "$t: ${execs:-?} executions in ${budget}s, exit $status, artifacts: $found, corpus: $(ls "$work" | wc -l) new inputs"
    if [ "$status" -ne 0 ]; then grep -E "panicked|ERROR|SUMMARY" "$log" | head -5; fi
    rm -rf "$work"
done
