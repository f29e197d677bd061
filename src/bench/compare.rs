//! `vprof bench --compare A.json B.json ...`: the seed's table, one row per saved run:
//! profile, TTFT on a miss, TTFT on a hit, acceleration (miss / hit).

use serde::Serialize;

use super::BenchResult;

/// One row of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Row {
    pub file: String,
    pub profile: String,
    pub ttft_miss_s: Option<f64>,
    pub ttft_hit_s: Option<f64>,
    pub acceleration: Option<f64>,
    pub decode_tokens_per_s: Option<f64>,
    pub pairs: u32,
    pub prefix_tokens: usize,
}

/// Read a saved run.
pub fn parse(text: &str) -> Result<BenchResult, String> {
    serde_json::from_str(text).map_err(|e| format!("not a saved `vprof bench` result: {e}"))
}

pub fn row(file: &str, r: &BenchResult) -> Row {
    Row {
        file: file.to_string(),
        profile: r.profile.clone(),
        ttft_miss_s: r.summary.ttft_miss_s,
        ttft_hit_s: r.summary.ttft_hit_s,
        acceleration: r.summary.acceleration,
        decode_tokens_per_s: r.summary.decode_tokens_per_s,
        pairs: r.pairs,
        prefix_tokens: r.prefix_tokens,
    }
}

fn secs(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |s| format!("{:.0} ms", s * 1000.0))
}

/// The human table, fastest hit first is left to the reader: rows keep the argument order.
pub fn table(rows: &[Row]) -> String {
    let mut cells = vec![
        [
            "PROFILE",
            "TTFT MISS",
            "TTFT HIT",
            "ACCELERATION",
            "DECODE TOK/S",
            "PAIRS",
            "PREFIX",
        ]
        .map(String::from),
    ];
    for r in rows {
        cells.push([
            r.profile.clone(),
            secs(r.ttft_miss_s),
            secs(r.ttft_hit_s),
            r.acceleration
                .map_or_else(|| "-".into(), |a| format!("{a:.2}x")),
            r.decode_tokens_per_s
                .map_or_else(|| "-".into(), |t| format!("{t:.1}")),
            r.pairs.to_string(),
            r.prefix_tokens.to_string(),
        ]);
    }
    let mut align = vec![crate::report::Align::Right; 7];
    align[0] = crate::report::Align::Left;
    let mut table = crate::report::Table::new(&align);
    for r in cells {
        table.row(r);
    }
    table.render()
}
