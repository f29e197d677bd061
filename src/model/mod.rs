//! Model facts and the GPU memory planner.
pub type ModelTable = serde_json::Map<String, serde_json::Value>;
