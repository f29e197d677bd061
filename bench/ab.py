#!/usr/bin/env python3
"""Interleaved A/B timing of whole commands: each round runs every command once, in turn,
so that load changes on a shared machine hit all of them alike (hyperfine runs one command's
runs, then the next's). Prints each command's median wall time and its ratio to the last
command's median (put the reference, e.g. taplo, last).

Usage: bench/ab.py ROUNDS 'CMD A' 'CMD B' ... 'CMD REF'
  bench/ab.py 150 "target/release/vprof validate profiles/chunked_only_safe.toml" \
      "/tmp/vprof-before validate profiles/chunked_only_safe.toml" \
      ".venv/bin/taplo check --schema file://$PWD/schemas/profile.schema.json profiles/chunked_only_safe.toml"
"""
import os
import shlex
import statistics
import sys
import time

WARMUP = 3


def main() -> int:
    if len(sys.argv) < 3 or not sys.argv[1].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    rounds = int(sys.argv[1])
    commands = [shlex.split(c) for c in sys.argv[2:]]
    null = os.open(os.devnull, os.O_WRONLY)
    quiet = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
    times = [[] for _ in commands]
    for r in range(rounds + WARMUP):
        for i, argv in enumerate(commands):
            start = time.perf_counter()
            pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=quiet)
            _, status = os.waitpid(pid, 0)
            elapsed = time.perf_counter() - start
            if os.waitstatus_to_exitcode(status) not in (0, 1):
                print(f"ab: {argv[0]} exited {status}", file=sys.stderr)
                return 2
            if r >= WARMUP:
                times[i].append(elapsed)
    reference = statistics.median(times[-1])
    for text, samples in zip(sys.argv[2:], times):
        median = statistics.median(samples)
        print(f"  median {median * 1000:8.2f} ms   ratio {median / reference:6.3f}   {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
