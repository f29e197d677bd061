//! Facts read from real configs (the catalog's) for each architecture family the estimator
//! distinguishes, and what it does with them: MoE layer counts, expert and shared sizes,
//! sliding-window layouts as vLLM's hybrid KV cache manager groups them, latent attention.

use serde_json::json;

use super::{PlanInput, catalog, estimate, parse_config};

fn input(gpus: u32, total: f64, version: &str) -> PlanInput {
    PlanInput {
        gpu_ids: (0..gpus).map(|i| i.to_string()).collect(),
        gpu_total_gib: total,
        gpu_name: Some(String::from("NVIDIA H100 80GB HBM3")),
        gpu_memory_utilization: 0.9,
        tensor_parallel_size: gpus,
        pipeline_parallel_size: 1,
        max_model_len: 32_768,
        max_num_seqs: Some(64),
        max_num_batched_tokens: None,
        enable_chunked_prefill: None,
        kv_cache_dtype: String::from("auto"),
        block_size: 16,
        enforce_eager: false,
        disable_hybrid_kv_cache_manager: false,
        enable_expert_parallel: false,
        data_parallel_size: 1,
        vllm_version: version.to_string(),
        flashinfer: true,
    }
}

#[test]
fn qwen3_moe_is_all_sparse_and_weighs_its_checkpoint() {
    let f = catalog("Qwen/Qwen3-30B-A3B").expect("in the catalog");
    let m = f.moe.as_ref().expect("a MoE model");
    assert_eq!(
        (m.experts, m.experts_per_token, m.expert_intermediate),
        (128, 8, 768)
    );
    assert_eq!((m.moe_layers, m.shared_intermediate), (48, 0));
    // The checkpoint is 61,064,216,576 bytes of bf16 (56.87 GiB).
    let plan = estimate(&f, &input(1, 79.65, "0.11.0"));
    let w = plan.gpus[0].weights_gib;
    assert!((w - 56.87).abs() / 56.87 < 0.01, "{w}");
    // Not a dense model of intermediate_size 6144: that would be 4x smaller.
    assert!(w > 50.0);
}

#[test]
fn deepseek_v3_latent_attention_and_dense_first_layers() {
    let f = catalog("deepseek-ai/DeepSeek-R1").expect("in the catalog");
    let m = f.moe.as_ref().expect("a MoE model");
    assert_eq!(m.moe_layers, 58, "first_k_dense_replace = 3 of 61");
    assert_eq!(m.shared_intermediate, 2048);
    let mla = f.mla.as_ref().expect("MLA");
    assert_eq!((mla.kv_lora_rank, mla.qk_rope_head_dim), (512, 64));
    // KV per token and layer is the latent plus the rotary key, not split across TP: 61 x 576 x 2.
    let plan = estimate(&f, &input(8, 140.0, "0.11.0"));
    assert_eq!(plan.kv_bytes_per_token, 61 * 576 * 2);
    // 671B in fp8 over 8 GPUs: about 80 GiB each.
    let w = plan.gpus[0].weights_gib;
    assert!((75.0..85.0).contains(&w), "{w}");
}

#[test]
fn gemma3_sliding_layers_are_grouped_as_vllm_does() {
    let f = catalog("google/gemma-3-27b-it").expect("in the catalog");
    assert_eq!(
        (f.layers, f.sliding_layers, f.sliding_window),
        (62, 52, Some(1024))
    );
    assert!(f.vision.is_some(), "the SigLIP tower is counted");
    let hybrid = estimate(&f, &input(1, 79.65, "0.11.0"));
    // 10 full layers; sliding layers in 6 groups of 10 (the last padded): 7 groups of 10.
    let per_layer = 2 * 16 * 128 * 2;
    assert_eq!(hybrid.kv_bytes_per_token, 70 * per_layer);
    let full = estimate(&f, &input(1, 79.65, "0.9.2"));
    assert_eq!(
        full.kv_bytes_per_token,
        62 * per_layer,
        "before 0.10 every layer is full"
    );
    // One 32k sequence needs 2048 blocks on each full layer but only its window plus one
    // batch (1024 - 1 + 8192 tokens: 576 + 1 blocks) on each sliding layer.
    let blocks = |gib: f64| (gib * f64::from(1u32 << 30) / (16 * per_layer) as f64).round();
    assert_eq!(blocks(full.kv_needed_gib), 62.0 * 2048.0);
    assert_eq!(blocks(hybrid.kv_needed_gib), 10.0 * 2048.0 + 52.0 * 577.0);
    assert!(hybrid.accounting.hybrid_kv_cache && !full.accounting.hybrid_kv_cache);
}

#[test]
fn gpt_oss_alternates_and_quantizes_only_its_experts() {
    let f = catalog("openai/gpt-oss-120b").expect("in the catalog");
    assert_eq!((f.layers, f.sliding_layers), (36, 18));
    let q = f.quant.as_ref().expect("mxfp4");
    assert!(q.experts_only && q.bits == 4 && q.group_size == 32);
    // vLLM reports 64.38 GiB of weights on one H100 (vllm-project/vllm#33155).
    let w = estimate(&f, &input(1, 79.65, "0.14.1")).gpus[0].weights_gib;
    assert!((w - 64.38).abs() / 64.38 < 0.03, "{w}");
}

#[test]
fn llama4_maverick_interleaves_experts_and_chunks_attention() {
    let f = catalog("meta-llama/Llama-4-Maverick-17B-128E-Instruct").expect("in the catalog");
    let m = f.moe.as_ref().expect("a MoE model");
    assert_eq!(
        (m.moe_layers, m.dense_intermediate, m.shared_intermediate),
        (24, 16_384, 8192)
    );
    assert_eq!((f.sliding_layers, f.sliding_window), (36, Some(8192)));
}

#[test]
fn mixtral_experts_are_intermediate_size_wide() {
    let f = catalog("mistralai/Mixtral-8x7B-Instruct-v0.1").expect("in the catalog");
    let m = f.moe.as_ref().expect("a MoE model");
    assert_eq!(
        (
            m.experts,
            m.experts_per_token,
            m.expert_intermediate,
            m.moe_layers
        ),
        (8, 2, 14_336, 32)
    );
}

#[test]
fn a_moe_config_without_expert_sizes_is_not_guessed_dense() {
    let config = json!({"model_type": "acme_moe", "num_hidden_layers": 4, "num_attention_heads": 8,
        "hidden_size": 512, "intermediate_size": 1536, "vocab_size": 1000,
        "max_position_embeddings": 4096, "num_experts": 16});
    let map = config.as_object().cloned().unwrap_or_default();
    let missing = parse_config(&map, None, String::from("test")).expect_err("facts are missing");
    assert_eq!(
        missing,
        vec!["num_experts_per_tok", "moe_intermediate_size"]
    );
    let sliding = json!({"num_hidden_layers": 4, "num_attention_heads": 8, "hidden_size": 512,
        "intermediate_size": 1536, "vocab_size": 1000, "max_position_embeddings": 4096,
        "layer_types": ["sliding_attention", "full_attention", "sliding_attention", "full_attention"]});
    let map = sliding.as_object().cloned().unwrap_or_default();
    assert_eq!(
        parse_config(&map, None, String::new()).expect_err("no window"),
        vec!["sliding_window"]
    );
}

#[test]
fn expert_parallelism_spreads_experts_over_tp_and_dp() {
    let f = catalog("Qwen/Qwen3-30B-A3B").expect("in the catalog");
    let mut tp2 = input(2, 79.65, "0.11.0");
    let sliced = estimate(&f, &tp2).gpus[0].weights_gib;
    tp2.enable_expert_parallel = true;
    let ep = estimate(&f, &tp2).gpus[0].weights_gib;
    assert!(
        (sliced - ep).abs() < 0.01,
        "TP slices and EP ranks hold as much: {sliced} {ep}"
    );
    // DP 2 x TP 2 with EP: a quarter of the experts per GPU, half of the attention.
    tp2.data_parallel_size = 2;
    let dp = estimate(&f, &tp2).gpus[0].weights_gib;
    assert!(dp < ep * 0.6 && dp > ep * 0.45, "{dp} vs {ep}");
}

#[test]
fn gpt_oss_shards_over_four_gpus_without_a_group_alignment_problem() {
    let f = catalog("openai/gpt-oss-120b").expect("in the catalog");
    assert!(
        super::tp_problems(&f, 4).is_empty(),
        "{:?}",
        super::tp_problems(&f, 4)
    );
}

#[test]
fn mxfp4_moe_on_marlin_is_padded_to_its_kernel() {
    let f = catalog("openai/gpt-oss-120b").expect("in the catalog");
    let weights = |version: &str, gpu: &str, flashinfer: bool| {
        let mut i = input(1, 79.19, version);
        i.gpu_name = Some(gpu.to_string());
        i.flashinfer = flashinfer;
        estimate(&f, &i).gpus[0].weights_gib
    };
    // Triton layout (intermediate padded to 256): vLLM 0.14.1 logged 64.38 GiB on an H100.
    let triton = weights("0.14.1", "NVIDIA H100 80GB HBM3", true);
    // Marlin (intermediate to 128, hidden to 256): vLLM 0.10.1 logged 65.97 GiB on an H100.
    let marlin = weights("0.10.1", "NVIDIA H100 PCIe", true);
    assert!((triton - 64.38).abs() < 0.3, "{triton}");
    assert!((marlin - 65.97).abs() < 0.3, "{marlin}");
    // A pip install of 0.11 has no triton_kernels; the image does. Ampere is always Marlin.
    assert_eq!(weights("0.11.0", "NVIDIA H100 80GB HBM3", false), marlin);
    assert_eq!(weights("0.11.0", "NVIDIA H100 80GB HBM3", true), triton);
    assert_eq!(weights("0.33.0", "NVIDIA A100-SXM4-80GB", true), marlin);
    assert_eq!(weights("0.33.0", "NVIDIA GeForce RTX 4090", true), marlin);
}

#[test]
fn catalog_additions_weigh_their_parameters() {
    // Mixtral-8x22B: 140.6B parameters in bf16; Mistral-Small-24B: 23.6B.
    for (id, params_b) in [
        ("mistralai/Mixtral-8x22B-Instruct-v0.1", 140.6),
        ("mistralai/Mistral-Small-24B-Instruct-2501", 23.57),
    ] {
        let f = catalog(id).expect("in the catalog");
        let w = estimate(&f, &input(1, 79.19, "0.11.0")).gpus[0].weights_gib;
        let want = params_b * 2e9 / 1_073_741_824.0;
        assert!((w - want).abs() / want < 0.01, "{id}: {w} GiB vs {want}");
    }
}

#[test]
fn nvlink_communicators_count_until_the_snapshot_moved_after_them() {
    let f = catalog("Qwen/Qwen3-32B").expect("in the catalog");
    let non_torch = |version: &str, gpu: &str| {
        let mut i = input(2, 79.19, version);
        i.gpu_name = Some(gpu.to_string());
        estimate(&f, &i).gpus[0].non_torch_gib
    };
    // 0.10: vLLM's and torch's NCCL communicators and the custom all-reduce buffers count.
    assert!((non_torch("0.10.2", "NVIDIA H100 80GB HBM3") - 1.5).abs() < 1e-9);
    // 0.11 on: only torch's communicator, created by the profiling run's all-gather.
    assert!((non_torch("0.11.0", "NVIDIA H100 80GB HBM3") - 0.85).abs() < 1e-9);
    assert!((non_torch("0.33.0", "NVIDIA H200") - 0.85).abs() < 1e-9);
    // Over PCIe NCCL allocates little in either accounting.
    assert!((non_torch("0.10.2", "NVIDIA L40S") - 0.375).abs() < 1e-9);
    assert!((non_torch("0.11.0", "NVIDIA H100 PCIe") - 0.375).abs() < 1e-9);
    let single = estimate(&f, &input(1, 79.19, "0.10.2"));
    assert!((single.gpus[0].non_torch_gib - 0.25).abs() < 1e-9);
}
