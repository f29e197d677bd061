//! One file per family of semantic rules; each is `fn check(&Profile, …, &mut Diagnostics)`.

pub mod env;
pub mod gpu;
pub mod image;
pub mod k8s;
pub mod model_fit;
pub mod secrets;
pub mod shared;
pub mod vllm_args;
