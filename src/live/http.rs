//! A small synchronous HTTP/1.1 client for a vLLM server: `http://` only (no TLS stack),
//! no proxy (the traffic is meant for the server named, often 127.0.0.1), every call bounded
//! in time, every body bounded in size.

use std::io::Read;
use std::time::Duration;

/// Largest body read into memory (a `/metrics` page is tens of kB).
const MAX_BODY: u64 = 8 * 1024 * 1024;

/// What can go wrong talking to the server; these are operational errors (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error(
        "`{0}` is not an http:// URL (vprof speaks plain HTTP only, e.g. http://127.0.0.1:8000)"
    )]
    BadUrl(String),
    #[error("{url}: {message}")]
    Transport { url: String, message: String },
    #[error("{url}: HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
}

/// The base URL of a server, normalised without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    pub fn parse(url: &str) -> Result<BaseUrl, HttpError> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| HttpError::BadUrl(url.to_string()))?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || rest.contains(char::is_whitespace) {
            return Err(HttpError::BadUrl(url.to_string()));
        }
        Ok(BaseUrl(url.trim_end_matches('/').to_string()))
    }

    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A response whose body is read as it arrives (server-sent events).
pub struct Streaming {
    pub url: String,
    pub reader: Box<dyn Read + Send>,
}

impl std::fmt::Debug for Streaming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Streaming").field("url", &self.url).finish()
    }
}

/// The client: one agent (connection reuse), a timeout for each whole call.
#[derive(Debug, Clone)]
pub struct Client {
    base: BaseUrl,
    agent: ureq::Agent,
    api_key: Option<String>,
}

impl Client {
    /// `timeout` bounds each whole call (connect, send, receive the entire body).
    pub fn new(base: BaseUrl, timeout: Duration, api_key: Option<String>) -> Client {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(5))))
            .http_status_as_error(false)
            .proxy(None)
            .max_redirects(0)
            .build();
        Client {
            base,
            agent: config.into(),
            api_key,
        }
    }

    pub fn base(&self) -> &BaseUrl {
        &self.base
    }

    /// GET a path; `Ok(None)` on 404 (the server does not expose it), the body otherwise.
    pub fn get_text(&self, path: &str) -> Result<Option<String>, HttpError> {
        let url = self.base.join(path);
        let mut req = self.agent.get(&url);
        if let Some(key) = &self.api_key {
            req = req.header("Authorization", &format!("Bearer {key}"));
        }
        let mut resp = req.call().map_err(|e| transport(&url, &e))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(|e| transport(&url, &e))?;
        match status {
            200..=299 => Ok(Some(body)),
            404 => Ok(None),
            _ => Err(status_error(url, status, &body)),
        }
    }

    /// The status of a GET, or the transport error (a server still starting refuses).
    pub fn probe(&self, path: &str) -> Result<u16, HttpError> {
        let url = self.base.join(path);
        let mut resp = self
            .agent
            .get(&url)
            .call()
            .map_err(|e| transport(&url, &e))?;
        let _ = resp.body_mut().with_config().limit(64 * 1024).read_to_vec();
        Ok(resp.status().as_u16())
    }

    /// POST a JSON body and hand back the response body as a stream.
    pub fn post_stream(&self, path: &str, json: &str) -> Result<Streaming, HttpError> {
        let url = self.base.join(path);
        let mut req = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream");
        if let Some(key) = &self.api_key {
            req = req.header("Authorization", &format!("Bearer {key}"));
        }
        let mut resp = req.send(json).map_err(|e| transport(&url, &e))?;
        let status = resp.status().as_u16();
        if !(200..=299).contains(&status) {
            let body = resp
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_string()
                .unwrap_or_default();
            return Err(status_error(url, status, &body));
        }
        let reader = resp.into_body().into_with_config().limit(MAX_BODY).reader();
        Ok(Streaming {
            url,
            reader: Box::new(reader),
        })
    }
}

fn transport(url: &str, err: &ureq::Error) -> HttpError {
    HttpError::Transport {
        url: url.to_string(),
        message: err.to_string(),
    }
}

fn status_error(url: String, status: u16, body: &str) -> HttpError {
    let body: String = body.trim().chars().take(300).collect();
    HttpError::Status { url, status, body }
}

#[cfg(test)]
mod tests {
    use super::BaseUrl;

    #[test]
    fn only_plain_http_urls() {
        assert_eq!(
            BaseUrl::parse("http://127.0.0.1:8000/")
                .unwrap()
                .join("/v1/models"),
            "http://127.0.0.1:8000/v1/models"
        );
        assert!(BaseUrl::parse("https://example.com").is_err());
        assert!(BaseUrl::parse("127.0.0.1:8000").is_err());
        assert!(BaseUrl::parse("http://").is_err());
    }
}
