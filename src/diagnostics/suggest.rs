//! "Did you mean": the closest candidate within a small edit distance.

/// The candidate closest to `input`, if it is close enough to be a likely typo.
///
/// Similarity is normalised Damerau-Levenshtein (typos, transpositions) with a 0.7 threshold,
/// which accepts `gpu_memory_utilisation` → `gpu_memory_utilization` and rejects unrelated words.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input_lower = input.to_ascii_lowercase().replace('-', "_");
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(&input_lower, c), c))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_keys_only() {
        let keys = [
            "gpu_memory_utilization",
            "tensor_parallel_size",
            "max_model_len",
        ];
        assert_eq!(
            did_you_mean("gpu_memory_utilisation", keys),
            Some("gpu_memory_utilization")
        );
        assert_eq!(did_you_mean("max-model-len", keys), Some("max_model_len"));
        assert_eq!(did_you_mean("banana", keys), None);
    }
}
