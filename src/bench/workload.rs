//! The requests a benchmark sends: a long random prefix shared by the two requests of a pair
//! (the first misses the prefix cache, the second hits it), then a short question.

/// Common English words: about one token each (with the leading space) for the usual
/// tokenizers, so `n` words are about `n` prompt tokens.
const WORDS: &str = "\
    time year people way day man thing woman life child world school state family student \
    group country problem hand part place case week company system program question work \
    government number night point home water room mother area money story fact month lot \
    right study book eye job word business issue side kind head house service friend father \
    power hour game line end member law car city name president team minute idea kid body \
    information back parent face others level office door health person art war history \
    party result change morning reason research girl guy moment air teacher force education \
    red blue green small large old new good long great little own other right big high \
    different early young important few public bad same able run walk open close write read \
    sing";

/// A small deterministic generator (xorshift64*): the prefix must be random enough that no
/// earlier request cached it, not cryptographic.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// About `tokens` tokens of random words, led by a unique tag so two prefixes never share
/// their first cache block.
pub fn prefix(rng: &mut Rng, tokens: usize) -> String {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let mut text = format!("Document {:016x}:", rng.next_u64());
    for _ in 0..tokens {
        text.push(' ');
        text.push_str(words[(rng.next_u64() % words.len() as u64) as usize]);
    }
    text
}

/// The body of one streamed chat completion: greedy, exactly `max_tokens` tokens of output
/// (`ignore_eos` and `min_tokens`, so content always comes), usage in the last chunk.
pub fn chat_body(model: &str, prefix: &str, question: &str, max_tokens: u32) -> String {
    serde_json::json!({
        "model": model,
        "messages": [{"role": "user", "content": format!("{prefix}\n\n{question}")}],
        "stream": true,
        "stream_options": {"include_usage": true},
        "max_tokens": max_tokens,
        "min_tokens": max_tokens,
        "ignore_eos": true,
        "temperature": 0.0,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::{Rng, prefix};

    #[test]
    fn prefixes_differ_and_have_the_asked_length() {
        let mut rng = Rng::new(7);
        let a = prefix(&mut rng, 100);
        let b = prefix(&mut rng, 100);
        assert_ne!(a, b);
        assert_eq!(a.split(' ').count(), 102);
    }
}
