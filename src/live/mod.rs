//! Talking to a running vLLM server: a bounded plain-HTTP client, the Prometheus text of
//! `/metrics`, `/v1/models` and `/version`, server-sent events of streamed answers.
//!
//! [`Facts::gather`] reads what a server tells about its configuration; `verify` compares
//! those facts with a profile and `bench` measures the server.

pub mod http;
pub mod metrics;
pub mod models;
pub mod sse;

pub use http::{BaseUrl, Client, HttpError};
pub use metrics::{Histogram, Metrics};
pub use models::ServedModel;

/// What a server exposes about itself. `None`: the endpoint is absent (404).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub models: Option<Vec<ServedModel>>,
    pub metrics: Option<Metrics>,
    pub version: Option<String>,
}

impl Facts {
    /// Read `/v1/models`, `/metrics` and `/version`: three GETs.
    pub fn gather(client: &Client) -> Result<Facts, HttpError> {
        let bad = |url: String, message: String| HttpError::Transport { url, message };
        let models = match client.get_text("/v1/models")? {
            Some(body) => Some(
                models::parse_models(&body)
                    .map_err(|m| bad(client.base().join("/v1/models"), m))?,
            ),
            None => None,
        };
        let metrics = client.get_text("/metrics")?.map(|t| Metrics::parse(&t));
        let version = match client.get_text("/version")? {
            Some(body) => Some(
                models::parse_version(&body).map_err(|m| bad(client.base().join("/version"), m))?,
            ),
            None => None,
        };
        Ok(Facts {
            models,
            metrics,
            version,
        })
    }
}
