"""Measure the device memory that tensor parallelism allocates outside torch's allocator, the
way vLLM counts "non-torch memory" (needs torch with NCCL and 2+ GPUs; no vLLM).

vLLM's `MemorySnapshot` reads the device's used memory (`cudaMemGetInfo`) minus torch's
reserved memory; the KV cache budget loses the increase of that figure between the worker's
start-up snapshot and the end of its profiling run. What a TP worker allocates there besides
torch, in the order vLLM does it (`init_worker_distributed_environment`, then
`profile_run`):

1. `torch.distributed.init_process_group("nccl")` and the world and TP groups (one NCCL and
   one gloo group each, `GroupCoordinator`); torch creates its NCCL communicators lazily.
2. vLLM's own NCCL communicator for the TP group (`PyNcclCommunicator`: `ncclCommInitRank`
   through ctypes on the libnccl torch loaded, then a one-element all-reduce to warm it up).
3. The custom all-reduce's IPC buffers (`CustomAllreduce`: `meta_size() + 8 MiB` and 8 MiB,
   cudaMalloc'd and opened by every peer; its 8 MiB `rank_data` is a torch tensor).
4. The profiling run's collectives: all-reduces of the hidden states that are too large for
   the custom all-reduce (8 MiB) go through vLLM's NCCL communicator, and the logits are
   all-gathered through torch's NCCL group (`DeviceCommunicatorBase.all_gather`), whose
   communicator is created there.
5. A CUDA graph capturing an NCCL all-reduce (vLLM captures its graphs after sizing the KV
   cache up to 0.20, and estimates their memory from 0.21).

Which of these count depends on the release: up to 0.10.2 the start-up snapshot is taken
before step 1, so everything counts; from 0.11.0 (vllm PR #25359, merged 2025-09-22) it is
taken after the distributed initialisation, so only what steps 3-4 add counts (the custom
all-reduce buffers moved after the snapshot again when their allocation was deferred to
`finalize_p2p`). The script prints each step's increase per rank, in MiB, for three NCCL
settings: `NCCL_CUMEM_ENABLE=0` (what vLLM's `env_override.py` set in 0.4-0.1x), NCCL's
default (cuMem allocations), and `NCCL_RUNTIME_CONNECT=0` (every algorithm's buffers at
init, as NCCL before 2.22 did).

NVLink SHARP (NVLS) stays off: NCCL_NVLS_ENABLE=0 is required (the machine this ran on is
shared, and multicast objects can take its GPUs out of service). On an NVSwitch system
with NVLS on, NCCL allocates NVLS buffers on top of what this measures.

Measured 2026-11-29 on two NVIDIA H200s joined by NV18 (`nvidia-smi topo -m`), torch
2.11.0+cu130, NCCL 2.28.9, NVLS off, with the defaults (hidden 8192, 8192 tokens, vocabulary
152,064, 1024 logit rows); the same on both ranks, MiB per rank:

    step                                      CUMEM=0   cuMem   RUNTIME_CONNECT=0
    torch process groups                          0.1     0.0     0.0
    pynccl communicator + warm-up               832.0   770.0   832.0
    custom all-reduce IPC buffers                18.0    18.0    18.0
    profile all-reduces through pynccl            0.0     0.0     0.0
    logits all-gather through torch's group     616.0   556.0   616.0
    CUDA graph with an NCCL all-reduce            0.0     0.0     0.0
    counted up to 0.10 (all of it)             1466.1  1344.0  1466.0
    counted from 0.11 (the profiling run)       616.0   556.0   616.0

`NON_TORCH_TP_NVLINK_EAGER_GIB` and `NON_TORCH_TP_NVLINK_GIB` in
`src/model/estimate/overhead.rs` rest on these figures and on published start-up logs.
(The workers hung in `destroy_process_group` after reporting, so each ends with `os._exit`.)

    python3 tools/tp_non_torch_memory.py [HIDDEN TOKENS VOCAB ROWS]
"""

import ctypes
import json
import os
import subprocess
import sys

SAFE = {
    "NCCL_NVLS_ENABLE": "0",
    "TORCH_SYMM_MEM_DISABLE_MULTICAST": "1",
    "NVSHMEM_DISABLE_NVLS": "1",
}
# No network on an isolated host: gloo and NCCL's bootstrap stay on the loopback.
os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
os.environ.setdefault("NCCL_SOCKET_IFNAME", "lo")
for key, value in SAFE.items():
    if os.environ.get(key, value) != value:
        sys.exit(f"{key} must be {value}: NVLink multicast stays off")
    os.environ[key] = value

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402

MIB = 1 << 20
BF16 = 9  # ncclBfloat16
SUM = 0  # ncclSum


class UniqueId(ctypes.Structure):
    _fields_ = [("internal", ctypes.c_byte * 128)]


def libnccl() -> ctypes.CDLL:
    """The libnccl torch loaded (vLLM's pynccl opens the same library)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "libnccl" in line}
    if not paths:
        raise RuntimeError("torch has not loaded libnccl")
    lib = ctypes.CDLL(sorted(paths)[0])
    lib.ncclCommInitRank.argtypes = [
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_int,
        UniqueId,
        ctypes.c_int,
    ]
    for name in ("ncclAllReduce",):
        getattr(lib, name).argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
    lib.ncclAllGather.argtypes = [
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_int,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    return lib


def check(result: int, what: str) -> None:
    if result != 0:
        raise RuntimeError(f"{what}: NCCL error {result}")


def non_torch() -> int:
    """vLLM's MemorySnapshot.non_torch_memory: device used minus torch reserved."""
    torch.cuda.synchronize()
    free, total = torch.cuda.mem_get_info()
    return total - free - torch.cuda.memory_reserved()


def worker(rank: int, world: int, port: int, sizes: dict, queue) -> None:
    import faulthandler

    faulthandler.dump_traceback_later(90, exit=True)  # a hang shows where it is
    torch.cuda.set_device(rank)
    torch.zeros(1, device="cuda")  # CUDA context, as before vLLM's snapshot
    steps = [("cuda context", non_torch())]

    def step(name: str) -> None:
        steps.append((name, non_torch()))
        print(f"rank {rank}: {name}", flush=True)

    dist.init_process_group(
        "nccl", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world
    )
    ranks = list(range(world))
    dist.new_group(ranks, backend="nccl")  # world GroupCoordinator's device group
    dist.new_group(ranks, backend="gloo")
    tp_device = dist.new_group(ranks, backend="nccl")
    tp_cpu = dist.new_group(ranks, backend="gloo")
    step("torch process groups")

    nccl = libnccl()
    version = ctypes.c_int()
    nccl.ncclGetVersion(ctypes.byref(version))
    uid = UniqueId()
    if rank == 0:
        check(nccl.ncclGetUniqueId(ctypes.byref(uid)), "ncclGetUniqueId")
    box = [bytes(uid.internal)]
    dist.broadcast_object_list(box, src=0, group=tp_cpu)
    ctypes.memmove(uid.internal, box[0], 128)
    comm = ctypes.c_void_p()
    check(nccl.ncclCommInitRank(ctypes.byref(comm), world, uid, rank), "init")
    stream = torch.cuda.current_stream()

    def all_reduce(t: torch.Tensor) -> None:
        check(
            nccl.ncclAllReduce(
                t.data_ptr(), t.data_ptr(), t.numel(), BF16, SUM, comm, stream.cuda_stream
            ),
            "ncclAllReduce",
        )

    all_reduce(torch.zeros(1, device="cuda", dtype=torch.bfloat16))
    step("pynccl communicator + warm-up")

    try:
        import cupy

        cupy.cuda.Device(rank).use()
        rt = cupy.cuda.runtime
        own = [rt.malloc(8 * MIB + 4096), rt.malloc(8 * MIB)]
        handles = [[rt.ipcGetMemHandle(p) for p in own]]
        gathered = [None] * world
        dist.all_gather_object(gathered, handles[0], group=tp_cpu)
        peers = [rt.ipcOpenMemHandle(h) for i, hs in enumerate(gathered) if i != rank for h in hs]
        torch.empty(8 * MIB, dtype=torch.uint8, device="cuda")  # rank_data, torch's
        step("custom all-reduce IPC buffers")
    except Exception as e:  # noqa: BLE001 - the measurement goes on without it
        print(f"rank {rank}: custom all-reduce buffers not measured: {e}", flush=True)
        peers = []
        steps.append(("custom all-reduce IPC buffers (no cupy: not measured)", steps[-1][1]))

    hidden, tokens, vocab, rows = (sizes[k] for k in ("hidden", "tokens", "vocab", "rows"))
    x = torch.ones(tokens, hidden, device="cuda", dtype=torch.bfloat16)
    all_reduce(x)
    all_reduce(x[: tokens // 4])
    all_reduce(x[:256])
    del x
    torch.cuda.empty_cache()
    step("profile all-reduces through pynccl")

    shard = torch.ones(rows, vocab // world, device="cuda", dtype=torch.bfloat16)
    out = torch.empty(world * rows, vocab // world, device="cuda", dtype=torch.bfloat16)
    dist.all_gather_into_tensor(out, shard, group=tp_device)
    del shard, out
    torch.cuda.empty_cache()
    step("logits all-gather through torch's group")

    try:
        y = torch.ones(512, hidden, device="cuda", dtype=torch.bfloat16)
        graph = torch.cuda.CUDAGraph()
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            dist.all_reduce(y, group=tp_device)
        torch.cuda.current_stream().wait_stream(side)
        with torch.cuda.graph(graph):
            dist.all_reduce(y, group=tp_device)
        graph.replay()
        step("CUDA graph with an NCCL all-reduce")
    except Exception as e:  # noqa: BLE001
        print(f"rank {rank}: graph capture not measured: {e}", flush=True)

    queue.put(
        {
            "rank": rank,
            "nccl": f"{version.value // 10000}.{version.value // 100 % 100}.{version.value % 100}",
            "steps": [(n, round(b / MIB, 1)) for n, b in steps],
        }
    )
    dist.barrier(group=tp_cpu)
    for p in peers:
        cupy.cuda.runtime.ipcCloseMemHandle(p)
    queue.close()
    queue.join_thread()
    os._exit(0)  # destroy_process_group hangs here; the result is out


def run(label: str, env: dict, sizes: dict, world: int, port: int) -> list:
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(r, world, port, sizes, queue)) for r in range(world)]
    for p in procs:
        p.start()
    try:
        results = [queue.get(timeout=120) for _ in procs]
    except Exception:
        for p in procs:
            p.kill()
        raise
    for p in procs:
        p.join()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    results.sort(key=lambda r: r["rank"])
    print(f"== {label} {env}")
    base = {r["rank"]: r["steps"][0][1] for r in results}
    for r in results:
        previous = base[r["rank"]]
        for name, mib in r["steps"]:
            print(f"rank {r['rank']} nccl {r['nccl']}: {name:<45} +{mib - previous:8.1f} MiB"
                  f"  (since context {mib - base[r['rank']]:8.1f})")
            previous = mib
    return results


def main(argv: list[str]) -> None:
    args = [int(a) for a in argv] or [8192, 8192, 152064, 1024]
    sizes = dict(zip(("hidden", "tokens", "vocab", "rows"), args))
    world = torch.cuda.device_count()
    print(torch.__version__, torch.cuda.get_device_name(0), "x", world, sizes)
    print({k: os.environ[k] for k in SAFE})
    topo = subprocess.run(["nvidia-smi", "topo", "-m"], capture_output=True, text=True)
    print(topo.stdout)
    everything = {}
    variants = [
        ("vLLM NCCL_CUMEM_ENABLE=0", {"NCCL_CUMEM_ENABLE": "0"}),
        ("NCCL default (cuMem)", {"NCCL_CUMEM_ENABLE": "1"}),
        ("eager connect", {"NCCL_CUMEM_ENABLE": "0", "NCCL_RUNTIME_CONNECT": "0"}),
    ]
    for i, (label, env) in enumerate(variants):
        try:
            everything[label] = run(label, env, sizes, world, 29500 + i)
        except Exception as e:  # noqa: BLE001 - the next setting still runs
            print(f"== {label}: no result ({e!r})", flush=True)
    out = os.environ.get("OUT")
    if out:
        with open(os.path.join(out, "tp_non_torch_memory.json"), "w") as f:
            json.dump(everything, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
