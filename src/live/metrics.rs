//! The Prometheus text format of `/metrics`, as far as vprof reads it: samples with labels
//! and values; info gauges (`*_info`, configuration as labels); counters and histograms.

use std::collections::BTreeMap;

/// One sample line: `name{label="value",...} 1.0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// A parsed `/metrics` page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    pub samples: Vec<Sample>,
}

impl Metrics {
    /// Parse the text format; lines that are not samples (comments, garbage) are skipped.
    pub fn parse(text: &str) -> Metrics {
        let samples = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(parse_sample)
            .collect();
        Metrics { samples }
    }

    /// Samples of one metric name.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| s.name == name)
    }

    /// The labels of an info gauge (`vllm:cache_config_info`), the first series.
    pub fn info(&self, name: &str) -> Option<&BTreeMap<String, String>> {
        self.samples
            .iter()
            .find(|s| s.name == name)
            .map(|s| &s.labels)
    }

    /// Names of every info gauge (`..._info`) present, sorted.
    pub fn info_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .samples
            .iter()
            .map(|s| s.name.as_str())
            .filter(|n| n.ends_with("_info"))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The sum over all series of a metric (counters are per model/engine); `None` when absent.
    pub fn sum(&self, name: &str) -> Option<f64> {
        let mut it = self.named(name).peekable();
        it.peek()?;
        Some(it.map(|s| s.value).sum())
    }

    /// A histogram summed over its series: `_count`, `_sum` and the cumulative buckets.
    pub fn histogram(&self, name: &str) -> Option<Histogram> {
        let count = self.sum(&format!("{name}_count"))?;
        let sum = self.sum(&format!("{name}_sum")).unwrap_or(0.0);
        let mut buckets: BTreeMap<String, f64> = BTreeMap::new();
        for s in self.named(&format!("{name}_bucket")) {
            if let Some(le) = s.labels.get("le") {
                *buckets.entry(le.clone()).or_default() += s.value;
            }
        }
        let mut buckets: Vec<(f64, f64)> = buckets
            .into_iter()
            .filter_map(|(le, v)| parse_value(&le).map(|le| (le, v)))
            .collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        Some(Histogram {
            count,
            sum,
            buckets,
        })
    }
}

/// A histogram: observation count, sum, and cumulative buckets `(upper bound, count)`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Histogram {
    pub count: f64,
    pub sum: f64,
    pub buckets: Vec<(f64, f64)>,
}

impl Histogram {
    /// What was observed between `before` and `self` (counters only grow).
    pub fn since(&self, before: Option<&Histogram>) -> Histogram {
        let Some(b) = before else {
            return self.clone();
        };
        let buckets = self
            .buckets
            .iter()
            .map(|(le, v)| {
                let old = b
                    .buckets
                    .iter()
                    .find(|(ble, _)| ble == le)
                    .map_or(0.0, |x| x.1);
                (*le, v - old)
            })
            .collect();
        Histogram {
            count: self.count - b.count,
            sum: self.sum - b.sum,
            buckets,
        }
    }

    pub fn mean(&self) -> Option<f64> {
        (self.count > 0.0).then(|| self.sum / self.count)
    }
}

fn parse_sample(line: &str) -> Option<Sample> {
    let (name, rest) = match line.find(['{', ' ']) {
        Some(i) => line.split_at(i),
        None => return None,
    };
    let (labels, rest) = if let Some(body) = rest.strip_prefix('{') {
        parse_labels(body)?
    } else {
        (BTreeMap::new(), rest)
    };
    // The value, then an optional timestamp.
    let value = parse_value(rest.split_whitespace().next()?)?;
    Some(Sample {
        name: name.to_string(),
        labels,
        value,
    })
}

/// `a="x",b="y\"z"} rest` → labels and what follows the closing brace.
fn parse_labels(mut s: &str) -> Option<(BTreeMap<String, String>, &str)> {
    let mut labels = BTreeMap::new();
    loop {
        s = s.trim_start_matches([' ', ',']);
        if let Some(rest) = s.strip_prefix('}') {
            return Some((labels, rest));
        }
        let eq = s.find('=')?;
        let key = s[..eq].trim().to_string();
        s = s[eq + 1..].trim_start().strip_prefix('"')?;
        let mut value = String::new();
        let mut chars = s.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '"' => break i,
                '\\' => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                c => value.push(c),
            }
        };
        labels.insert(key, value);
        s = &s[end + 1..];
    }
}

fn parse_value(s: &str) -> Option<f64> {
    match s {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::Metrics;

    #[test]
    fn labels_with_escapes_and_timestamps() {
        let m = Metrics::parse(
            "# HELP x y\nx_info{a=\"1\",b=\"q\\\"r\\\\\",} 1.0 1700000000\ny_total 3\ny_total{e=\"1\"} 2e0\n",
        );
        let info = m.info("x_info").unwrap();
        assert_eq!(info["a"], "1");
        assert_eq!(info["b"], "q\"r\\");
        assert_eq!(m.sum("y_total"), Some(5.0));
        assert_eq!(m.sum("z_total"), None);
        assert_eq!(m.info_names(), vec!["x_info"]);
    }
}
