//! Reading the GPUs of this machine from `nvidia-smi`.

use std::process::Command;

/// The query `vprof doctor` runs; memory in MiB, one GPU per line.
pub const QUERY: &[&str] = &[
    "--query-gpu=index,name,memory.total,memory.used,memory.free",
    "--format=csv,noheader,nounits",
];

/// One GPU as nvidia-smi reports it (memory in MiB).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Gpu {
    pub index: String,
    pub name: String,
    pub total_mib: u64,
    pub used_mib: u64,
    pub free_mib: u64,
}

/// Why the GPUs could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmiError {
    /// No `nvidia-smi` on PATH.
    Missing,
    /// It ran and failed, or printed something that is not the query's CSV.
    Failed(String),
}

/// Run `nvidia-smi` (from PATH) and parse its answer.
pub fn query() -> Result<Vec<Gpu>, SmiError> {
    let output = match Command::new("nvidia-smi").args(QUERY).output() {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Err(SmiError::Missing),
        Err(err) => return Err(SmiError::Failed(err.to_string())),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let said = format!("{}{}", stdout.trim(), stderr.trim());
        return Err(SmiError::Failed(format!(
            "nvidia-smi exited with {}: {}",
            output.status,
            said.trim()
        )));
    }
    parse(&stdout).map_err(SmiError::Failed)
}

/// Parse `index, name, memory.total, memory.used, memory.free` lines.
pub fn parse(text: &str) -> Result<Vec<Gpu>, String> {
    let mut gpus = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let bad = || format!("nvidia-smi line {}: cannot read `{line}`", n + 1);
        // The name is the only field that could hold a comma: take the numbers from the end.
        if fields.len() < 5 {
            return Err(bad());
        }
        let k = fields.len();
        let num = |s: &str| s.parse::<u64>().map_err(|_| bad());
        gpus.push(Gpu {
            index: fields[0].to_string(),
            name: fields[1..k - 3].join(", "),
            total_mib: num(fields[k - 3])?,
            used_mib: num(fields[k - 2])?,
            free_mib: num(fields[k - 1])?,
        });
    }
    if gpus.is_empty() {
        return Err(String::from("nvidia-smi listed no GPU"));
    }
    Ok(gpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_query_output() {
        let gpus = parse("0, NVIDIA H200, 143771, 4, 143157\n1, NVIDIA H200, 143771, 0, 143161\n")
            .unwrap();
        assert_eq!(gpus.len(), 2);
        assert_eq!(gpus[1].index, "1");
        assert_eq!(gpus[0].name, "NVIDIA H200");
        assert_eq!(
            (gpus[0].total_mib, gpus[0].used_mib, gpus[0].free_mib),
            (143771, 4, 143157)
        );
    }

    #[test]
    fn rejects_what_is_not_the_query() {
        assert!(parse("No devices were found\n").is_err());
        assert!(parse("").is_err());
        assert!(parse("0, A, x, 1, 2").is_err());
    }
}
