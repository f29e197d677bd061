//! Version resolution against the images of a real public corpus
//! (`tests/fixtures/corpus-images.tsv`, provenance in its header): what each image pins, which
//! table applies without `vllm_version`, and that `vllm_version` settles the rest.

use vprof::vllm::{Pinning, Problem, Source, Tables, target};

fn pinning(name: &str) -> Pinning {
    match name {
        "version-tag" => Pinning::VersionTag,
        "floating" => Pinning::Floating,
        "nightly-sha" => Pinning::NightlySha,
        "custom-tag" => Pinning::CustomTag,
        "digest" => Pinning::Digest,
        other => panic!("unknown pinning {other} in the fixture"),
    }
}

#[test]
fn corpus_images_resolve_as_the_fixture_says() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/corpus-images.tsv"
    ))
    .expect("the corpus fixture is committed");
    let tables = Tables::default();
    let mut rows = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [image, pin, version, problem, _file] = cols[..] else {
            panic!("bad fixture line {line:?}");
        };
        let t = target(image, None, None, &tables);
        assert_eq!(t.pinning, pinning(pin), "{image}");
        assert_eq!(t.version.as_str(), version, "{image}");
        let expected = (problem == "needs-version").then_some(Problem::NeedsVersion);
        assert_eq!(t.problem, expected, "{image}");
        // Saying the version settles every pinned image; a version tag still wins.
        let said = target(image, Some("0.19.1"), None, &tables);
        if t.pinning == Pinning::VersionTag {
            assert_eq!(said.source, Source::ImageTag, "{image}");
        } else {
            assert_eq!(
                (said.version.as_str(), said.source, said.problem),
                ("0.19.1", Source::Profile, None),
                "{image}"
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 20);
}
