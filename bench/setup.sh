#!/usr/bin/env bash
# One-time setup for the benchmarks (not run in CI): hyperfine from Debian's
# packages, the validators in .venv/ (.ci/install-validators) and the Python
# baseline's libraries in the same venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "setup: installing hyperfine (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine
fi
hyperfine --version

bash "$ROOT/.ci/install-validators"

# Versions pinned to what resolves next to check-jsonschema 0.39.0.
"$ROOT/.venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "jinja2==3.1.6" "jsonschema==4.26.0" "pyyaml==6.0.4"
echo "setup: ok"
