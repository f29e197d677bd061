//! Which vLLM an image runs when its tag does not say (`latest`, `nightly`, a custom tag):
//! the compose file worked for its author, so its flags bound the version. The newest
//! embedded version whose flag table accepts every flag of the command is the best guess;
//! the flag the next version lost is what bounds it (`--swap-space` was removed in 0.18.1).

use super::args;
use super::command::Token;
use crate::vllm::{Version, table};

/// A version older than the newest, chosen because a newer one lacks a flag of the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inferred {
    /// The newest embedded version that accepts every flag.
    pub version: Version,
    /// A flag as the command writes it (`--swap-space`) that the next version does not accept.
    pub flag: String,
    /// That next version: the first without the flag.
    pub removed_in: Version,
}

/// Flags of `tokens` (as written) that `version`'s table does not know.
fn unknown(tokens: &[Token], version: Version) -> Vec<String> {
    let (parsed, _) = args::parse(tokens, table(version));
    parsed
        .into_iter()
        .filter(|a| !a.known)
        .map(|a| a.option)
        .collect()
}

/// `None` when the newest version accepts every flag (nothing to infer) or when no embedded
/// version accepts them all (the newest stays assumed). A flag no embedded version knows
/// (`--usage-stats-backend`) says nothing about the version: it is left out of the bound,
/// and validation reports it.
pub fn newest_accepting(tokens: &[Token]) -> Option<Inferred> {
    let versions = Version::embedded();
    let unknown_per_version: Vec<Vec<String>> =
        versions.iter().map(|v| unknown(tokens, *v)).collect();
    let never_known: Vec<&String> = unknown_per_version
        .first()?
        .iter()
        .filter(|f| unknown_per_version.iter().all(|u| u.contains(f)))
        .collect();
    let bounding = |u: &[String]| -> Vec<String> {
        u.iter()
            .filter(|f| !never_known.contains(f))
            .cloned()
            .collect()
    };
    if bounding(unknown_per_version.last()?).is_empty() {
        return None;
    }
    let position = unknown_per_version
        .iter()
        .rposition(|u| bounding(u).is_empty())?;
    let flag = bounding(&unknown_per_version[position + 1])
        .into_iter()
        .next()?;
    Some(Inferred {
        version: versions[position],
        flag,
        removed_in: versions[position + 1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(v: &str) -> Version {
        Version::embedded_named(v).unwrap()
    }

    #[test]
    fn a_removed_flag_bounds_the_version() {
        let got = newest_accepting(&Token::words(&[
            "--swap-space",
            "16",
            "--max-model-len",
            "4096",
        ]));
        assert_eq!(
            got,
            Some(Inferred {
                version: named("0.17.1"),
                flag: String::from("--swap-space"),
                removed_in: named("0.18.1"),
            })
        );
        // the older of two bounds wins: --calculate-kv-scales went in 0.28.0, --swap-space in 0.18.1
        let got =
            newest_accepting(&Token::words(&["--calculate-kv-scales", "--swap_space=4"])).unwrap();
        assert_eq!(
            (got.version, got.flag.as_str()),
            (named("0.17.1"), "--swap_space")
        );
        let got = newest_accepting(&Token::words(&["--calculate-kv-scales"])).unwrap();
        assert_eq!(
            (got.version, got.removed_in),
            (named("0.27.1"), named("0.28.0"))
        );
    }

    #[test]
    fn nothing_to_infer() {
        // every flag is current
        assert_eq!(
            newest_accepting(&Token::words(&["--max-model-len", "4096"])),
            None
        );
        assert_eq!(newest_accepting(&[]), None);
        // a flag no version knows is no removal: nothing to infer from it alone
        assert_eq!(
            newest_accepting(&Token::words(&["--no-such-flag", "x"])),
            None
        );
        // nor does it stop the other flags from bounding the version
        let got = newest_accepting(&Token::words(&["--swap-space", "4", "--no-such-flag", "x"]));
        assert_eq!(got.map(|i| i.version), Some(named("0.17.1")));
        // no version accepts both: --enable-reasoning left (0.10.2) before --async-scheduling came
        assert_eq!(
            newest_accepting(&Token::words(&["--enable-reasoning", "--async-scheduling"])),
            None
        );
    }
}
