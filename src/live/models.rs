//! `/v1/models` (the served model names, the model each serves and its context length) and
//! `/version` of vLLM's OpenAI-compatible server.

use serde::Deserialize;

/// One entry of `/v1/models`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct ServedModel {
    /// The served model name.
    pub id: String,
    /// What `--model` named (an id or a path); LoRA adapters name their base here.
    #[serde(default)]
    pub root: Option<String>,
    /// Set for LoRA adapters: the base model's served name.
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub max_model_len: Option<u64>,
}

#[derive(Deserialize)]
struct ModelList {
    data: Vec<ServedModel>,
}

/// Parse the body of `/v1/models`.
pub fn parse_models(body: &str) -> Result<Vec<ServedModel>, String> {
    serde_json::from_str::<ModelList>(body)
        .map(|l| l.data)
        .map_err(|e| format!("/v1/models is not the OpenAI model list: {e}"))
}

/// Parse the body of `/version` (`{"version": "0.32.0"}`).
pub fn parse_version(body: &str) -> Result<String, String> {
    #[derive(Deserialize)]
    struct V {
        version: String,
    }
    serde_json::from_str::<V>(body)
        .map(|v| v.version)
        .map_err(|e| format!("/version is not {{\"version\": ...}}: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn rejects_what_is_not_a_model_list() {
        assert!(super::parse_models("{\"object\":\"list\"}").is_err());
        assert!(super::parse_version("[]").is_err());
    }
}
