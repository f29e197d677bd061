//! Server-sent events of a streamed `chat/completions` answer: `data: {json}` lines separated
//! by blank lines, ending with `data: [DONE]`.

use std::io::BufRead;

/// One event of a streamed chat completion, as far as vprof reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A chunk; `content` is the text of `choices[0].delta.content` (empty for the first,
    /// role-only chunk); `completion_tokens` from a `usage` chunk when the server sends one.
    Chunk {
        content: String,
        completion_tokens: Option<u64>,
    },
    /// `data: [DONE]`.
    Done,
}

/// Parse the payload of one `data:` line.
pub fn parse_data(data: &str) -> Result<Event, String> {
    let data = data.trim();
    if data == "[DONE]" {
        return Ok(Event::Done);
    }
    let v: serde_json::Value =
        serde_json::from_str(data).map_err(|e| format!("an event is not JSON: {e}"))?;
    if let Some(err) = v.get("error") {
        return Err(format!("the server sent an error event: {err}"));
    }
    let content = v
        .pointer("/choices/0/delta/content")
        .and_then(|c| c.as_str())
        .unwrap_or_default()
        .to_string();
    let completion_tokens = v
        .pointer("/usage/completion_tokens")
        .and_then(serde_json::Value::as_u64);
    Ok(Event::Chunk {
        content,
        completion_tokens,
    })
}

/// Read events from a stream, calling `on_event` for each as it arrives; stops at `[DONE]`
/// or the end of the stream. Lines other than `data:` (comments, `event:`) are skipped.
pub fn read_events(
    reader: impl std::io::Read,
    mut on_event: impl FnMut(Event),
) -> Result<bool, String> {
    let mut lines = std::io::BufReader::new(reader);
    let mut line = String::new();
    loop {
        line.clear();
        let n = lines
            .read_line(&mut line)
            .map_err(|e| format!("reading the stream: {e}"))?;
        if n == 0 {
            return Ok(false);
        }
        let Some(data) = line.strip_prefix("data:") else {
            continue;
        };
        let event = parse_data(data)?;
        let done = event == Event::Done;
        on_event(event);
        if done {
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Event, read_events};

    #[test]
    fn comments_and_missing_done() {
        let text = ": ping\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n";
        let mut got = Vec::new();
        let done = read_events(text.as_bytes(), |e| got.push(e)).unwrap();
        assert!(!done);
        assert_eq!(
            got,
            vec![Event::Chunk {
                content: "a".into(),
                completion_tokens: None
            }]
        );
        assert!(read_events("data: {\"error\":{\"message\":\"x\"}}\n".as_bytes(), |_| {}).is_err());
    }
}
