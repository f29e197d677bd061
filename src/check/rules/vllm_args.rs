//! `unknown-vllm-arg`, `removed-vllm-arg`, `vllm-arg-value`, `deprecated-vllm-arg`:
//! every `[vllm]` key against the flag table of the target vLLM version.

use crate::diagnostics::Diagnostics;
use crate::profile::Profile;

pub fn check(profile: &Profile, diags: &mut Diagnostics) {
    let _ = (profile, diags);
}
