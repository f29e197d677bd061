//! "Did you mean": the closest candidate within a small edit distance.
//!
//! The cost is bounded for hostile input: an input longer than [`MAX_INPUT_CHARS`] gets no
//! suggestion, and a candidate whose length alone rules it out (the similarity can never
//! reach the threshold) is skipped before any edit distance is computed. A typo of a flag
//! name therefore costs a few hundred short comparisons, and a 100,000-character key none.

/// Inputs longer than this get no suggestion (no flag, profile or check name comes close).
pub const MAX_INPUT_CHARS: usize = 256;

/// The minimum normalised similarity of a suggestion.
const THRESHOLD: f64 = 0.7;

/// The candidate closest to `input`, if it is close enough to be a likely typo.
///
/// Similarity is normalised Damerau-Levenshtein (typos, transpositions) with a 0.7 threshold,
/// which accepts `gpu_memory_utilisation` → `gpu_memory_utilization` and rejects unrelated words.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input_len = input.chars().count();
    if input_len == 0 || input_len > MAX_INPUT_CHARS {
        return None;
    }
    let input_lower = input.to_ascii_lowercase().replace('-', "_");
    candidates
        .into_iter()
        .filter(|c| could_reach(input_len, c.chars().count()))
        .map(|c| (strsim::normalized_damerau_levenshtein(&input_lower, c), c))
        .filter(|(score, _)| *score >= THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The edit distance is at least the difference in length, so the normalised similarity is
/// at most `shorter / longer`: below the threshold, no edit distance needs computing.
fn could_reach(a: usize, b: usize) -> bool {
    let (short, long) = if a < b { (a, b) } else { (b, a) };
    long == 0 || short as f64 / long as f64 >= THRESHOLD
}

#[cfg(test)]
mod tests {
    use super::{THRESHOLD, could_reach, did_you_mean};

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

    #[test]
    fn hostile_lengths_get_no_suggestion() {
        let long = "x".repeat(100_000);
        let candidates = [long.as_str()];
        assert_eq!(did_you_mean(&long, candidates), None);
        assert_eq!(did_you_mean("", ["a"]), None);
    }

    /// The length filter only skips candidates that could not have been suggested.
    #[test]
    fn the_length_filter_is_lossless() {
        let words = [
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefg",
            "abcdefghij",
            "xbcdefghijklmn",
        ];
        for a in words {
            for b in words {
                let score = strsim::normalized_damerau_levenshtein(a, b);
                if score >= THRESHOLD {
                    assert!(could_reach(a.len(), b.len()), "{a} {b}");
                }
            }
        }
    }
}
