//! Conversions from the compose side's units: Go durations (`10m30s`) to seconds, and docker
//! sizes (`16gb`, binary multiples) to Kubernetes quantities (`16Gi`).

/// Seconds of a Go duration (`600s`, `1h30m`, `1.5h`), rounded up; `None` when it is not one.
pub fn duration_secs(text: &str) -> Option<u64> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut nanos: f64 = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        nanos += number * scale;
    }
    Some((nanos / 1e9).ceil() as u64)
}

/// A docker size (`16gb`, `8g`, `512m`, `1.5g`, bytes without a unit; multiples of 1024) as a
/// Kubernetes quantity: `16Gi`, `512Mi`, `1536Mi`, or bytes.
pub fn shm_quantity(text: &str) -> Option<String> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = (t[..split].trim(), t[split..].trim());
    let number: f64 = number.parse().ok()?;
    let scale: f64 = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = (number * scale).round() as u64;
    if bytes == 0 {
        return None;
    }
    for (suffix, size) in [("Gi", 1u64 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if bytes.is_multiple_of(size) {
            return Some(format!("{}{suffix}", bytes / size));
        }
    }
    Some(bytes.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_secs("600s"), Some(600));
        assert_eq!(duration_secs("1h30m"), Some(5400));
        assert_eq!(duration_secs("1.5m"), Some(90));
        assert_eq!(duration_secs("1500ms"), Some(2));
        assert_eq!(duration_secs("10"), None);
        assert_eq!(duration_secs("10x"), None);
    }

    #[test]
    fn sizes() {
        assert_eq!(shm_quantity("16gb").as_deref(), Some("16Gi"));
        assert_eq!(shm_quantity("8g").as_deref(), Some("8Gi"));
        assert_eq!(shm_quantity("1.5g").as_deref(), Some("1536Mi"));
        assert_eq!(shm_quantity("512MB").as_deref(), Some("512Mi"));
        assert_eq!(shm_quantity("1000").as_deref(), Some("1000"));
        assert_eq!(shm_quantity("0"), None);
        assert_eq!(shm_quantity("lots"), None);
    }
}
