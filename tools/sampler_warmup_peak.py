"""Measure the memory peak of vLLM's sampler warm-up on a CUDA GPU (needs torch; no vLLM).

vLLM's profiling run ends with `_dummy_sampler_run`: `max_num_seqs` rows of bf16 logits
sampled with temperature 0.5, top-k = vocab - 1 and top-p = 0.9, and the peak of the torch
allocator during it counts against the KV cache. Releases that take PyTorch's path for top-k
and top-p (0.8 to 0.11.0 without FlashInfer, 0.11.1 to 0.16 always; `apply_top_k_top_p` in
`vllm/v1/sample/ops/topk_topp_sampler.py`) do, in this order: a float32 copy of the logits,
an argmax, the temperature in place, a full sort (values and int64 indices), a gathered top-k
threshold and its boolean mask, a softmax of the sorted values and its cumulative sum in place,
the top-p mask, a scatter back to vocabulary order, then a softmax, exponential noise and an
argmax. This script runs the same sequence of tensor operations and prints the allocator's peak
above the starting point, per logit.

Measured 2026-11-29 with torch 2.11.0+cu130 on an NVIDIA H200: 38.0 bytes per logit for every
batch of 256 rows or more (7.29 GiB for 1024 x 201,088, gpt-oss; 5.51 GiB for 1024 x 151,936,
Qwen3); the sort's buffers set the peak. `SamplerWarmup::Sort` in
`src/model/estimate/accounting.rs` uses that figure.

    python3 tools/sampler_warmup_peak.py [ROWS VOCAB ...]
"""

import sys

import torch

GIB = 1 << 30


def warmup_peak(rows: int, vocab: int, device: str = "cuda") -> int:
    """Bytes the allocator's peak rises by while one warm-up of `rows` x `vocab` runs."""
    torch.cuda.empty_cache()
    torch.cuda.synchronize()
    start = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    full = lambda v: torch.full((rows,), v, device=device)  # noqa: E731
    bf16 = torch.randn(rows, vocab, device=device, dtype=torch.bfloat16)
    logits = bf16.to(torch.float32)
    logits.argmax(dim=-1)
    logits.div_(full(0.5).unsqueeze(1))
    values, order = logits.sort(dim=-1)
    threshold = values.gather(1, (vocab - full(vocab - 1).long()).unsqueeze(1))
    below_k = values < threshold
    values.masked_fill_(below_k, float("-inf"))
    cumulative = values.softmax(dim=-1)
    torch.cumsum(cumulative, dim=-1, out=cumulative)
    below_p = cumulative <= 1 - full(0.9).unsqueeze(1)
    below_p[:, -1] = False
    values.masked_fill_(below_p, float("-inf"))
    filtered = values.scatter(dim=-1, index=order, src=values)
    del values, order, threshold, below_k, cumulative, below_p
    probs = filtered.softmax(dim=-1, dtype=torch.float32)
    noise = torch.empty_like(probs).exponential_()
    probs.div_(noise).argmax(dim=-1)
    torch.cuda.synchronize()
    return torch.cuda.max_memory_allocated() - start


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1024, 201088, 1024, 151936, 256, 151936]
    print(torch.__version__, torch.cuda.get_device_name())
    for rows, vocab in zip(sizes[::2], sizes[1::2]):
        peak = warmup_peak(rows, vocab)
        print(f"{rows} x {vocab}: {peak / GIB:.3f} GiB, {peak / (rows * vocab):.2f} bytes/logit")


if __name__ == "__main__":
    main(sys.argv[1:])
