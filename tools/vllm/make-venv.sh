#!/usr/bin/env bash
# Make (or reuse) a venv with vLLM installed whose `vllm serve` argument parser
# can be built without a GPU; optionally dump that version's flag table.
#
#   VLLM_VERSION=0.33.0 VENV=~/.cache/vprof-ci/vllm-0.33.0 bash tools/vllm/make-venv.sh
#   ... DUMP_DIR=data/vllm/dumps bash tools/vllm/make-venv.sh   # also dump serve-args + registries
#
# A venv that finished installing carries the marker `$VENV/.vprof-ready` and
# is reused as is (CI caches it); FRESH=1 rebuilds it.
#
# Needs python3 >= 3.10, ~10 GB of disk (torch + CUDA wheels) and PyPI.
# gcc (Debian: build-essential) is optional: with it a stub libcuda.so.1 is
# built so that vLLM's CUDA platform (the one the vllm/vllm-openai image uses)
# loads on a machine without a driver; without it, dump with --platform cpu
# (identical parser except that --mm-processor-device then lacks "cuda").
#
# Copied from the workspace's vllm tools (the generator of data/vllm/dumps),
# changed to reuse a finished venv and to dump only when DUMP_DIR is set.
set -euo pipefail

VLLM_VERSION="${VLLM_VERSION:?say which vLLM version, e.g. VLLM_VERSION=0.33.0}"
VENV="${VENV:-${TMPDIR:-/tmp}/vllm-venv-$VLLM_VERSION}"
PYTHON="${PYTHON:-python3}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONSTRAINTS="$HERE/vllm-${VLLM_VERSION}-constraints.txt"  # optional pinned dependency set

if [ -f "$VENV/.vprof-ready" ] && [ -z "${FRESH:-}" ]; then
  echo "reusing $VENV ($(cat "$VENV/.vprof-ready"))"
else
  "$PYTHON" -c 'import sys; assert sys.version_info[:2] >= (3, 10), sys.version'
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  if [ -f "$CONSTRAINTS" ]; then
    # the exact dependency set the checker was validated with; plain install if it no longer resolves
    "$VENV/bin/pip" install -q --no-cache-dir "vllm==${VLLM_VERSION}" pyyaml -c "$CONSTRAINTS" \
      || "$VENV/bin/pip" install -q --no-cache-dir "vllm==${VLLM_VERSION}" pyyaml
  else
    "$VENV/bin/pip" install -q --no-cache-dir "vllm==${VLLM_VERSION}" pyyaml
  fi

  # Stub libcuda.so.1: every driver entry point vLLM's extensions link against
  # returns CUDA_ERROR_NO_DEVICE (100). Only used to let `import vllm.platforms.cuda` succeed.
  if command -v gcc >/dev/null 2>&1; then
    STUB_DIR="$VENV/share/vllm-parse-check"
    mkdir -p "$STUB_DIR"
    SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    SYMS=""
    if command -v nm >/dev/null 2>&1; then
      SYMS="$(find "$SITE/vllm" -name '*.so' -exec nm -D --undefined-only {} + 2>/dev/null \
              | awk '{print $2}' | grep -E '^cu[A-Z]' | grep -v '@' | sort -u || true)"
    fi
    # shellcheck disable=SC2086 # word splitting of the symbol list is intended
    SYMS="$(printf '%s\n' $SYMS cuCtxGetCurrent cuCtxSetCurrent cuDeviceGetAttribute \
            cuDevicePrimaryCtxRetain cuDriverGetVersion cuGetErrorString cuGetProcAddress \
            cuGetProcAddress_v2 cuInit cuMemAddressFree cuMemAddressReserve cuMemCreate \
            cuMemGetAllocationGranularity cuMemMap cuMemRelease cuMemSetAccess cuMemUnmap \
            cuPointerGetAttribute cuTensorMapEncodeTiled | sort -u)"
    {
      echo '/* stub libcuda: every CUDA driver call reports CUDA_ERROR_NO_DEVICE */'
      for s in $SYMS; do echo "int $s(void) { return 100; }"; done
    } > "$STUB_DIR/libcuda_stub.c"
    gcc -shared -fPIC -o "$STUB_DIR/libcuda.so.1" -Wl,-soname,libcuda.so.1 "$STUB_DIR/libcuda_stub.c"
    echo "stub libcuda: $STUB_DIR/libcuda.so.1"
  else
    echo "gcc not found: the checker will use vLLM's CPU platform" >&2
  fi
  "$VENV/bin/python" -c 'import vllm; print("vllm", vllm.__version__)' > "$VENV/.vprof-ready"
  echo "installed $VENV ($(cat "$VENV/.vprof-ready"))"
fi

if [ -n "${DUMP_DIR:-}" ]; then
  "$VENV/bin/python" "$HERE/dump_serve_args.py" "$DUMP_DIR" \
    || "$VENV/bin/python" "$HERE/dump_serve_args.py" "$DUMP_DIR" --platform cpu
fi
