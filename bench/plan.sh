#!/usr/bin/env bash
# vprof plan and validate (with the model checks: catalog facts, no I/O) on the shipped
# profiles, against the foundation's reference point: taplo checking one profile's schema.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need "$BIN/taplo" "bench/setup.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
check_runs "$VPROF" plan chunked_only_safe
echo "== vprof plan / validate (all shipped profiles) vs taplo check (one profile)"
HF_FLAGS="-N" bench "$tmp/plan.json" \
  "vprof plan=$VPROF plan chunked_only_safe" \
  "vprof validate=$VPROF validate" \
  "taplo=$BIN/taplo check --schema file://$ROOT/schemas/profile.schema.json profiles/chunked_only_safe.toml"
summary "$tmp/plan.json"
