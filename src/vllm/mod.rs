//! Embedded vLLM flag tables (see the helper-owned module).
