//! The committed schema and its patterns.

use super::{generate, profile_schema};
use crate::profile::raw;

#[test]
fn the_schema_a_run_reads_is_the_one_the_types_generate() {
    // A run validates with the committed text; it must be the generated schema.
    assert_eq!(
        profile_schema().unwrap(),
        &generate::<raw::Profile>().unwrap(),
        "schemas/profile.schema.json is stale: `vprof schema > schemas/profile.schema.json`"
    );
}

/// The volume item schema is two ungrouped patterns (cheap to compile); together they
/// accept exactly what the one grouped pattern `SOURCE:/TARGET(:MODE)?` accepted.
#[test]
fn volume_patterns_accept_what_the_grouped_pattern_did() {
    use proptest::prelude::*;
    let schema = profile_schema().unwrap();
    let items = &schema["definitions"]["Deploy"]["properties"]["volumes"]["items"];
    let split = super::compile(items).unwrap();
    let grouped = super::compile(&serde_json::json!({
        "pattern": r"^[^:\x00-\x1F\x7F]+:/[^:\x00-\x1F\x7F]*(:[A-Za-z,]+)?$"
    }))
    .unwrap();
    let config = ProptestConfig::with_cases(4096);
    proptest!(config, |(s in "[a:/,Ro \x01\x7Fé]{0,9}")| {
        let v = serde_json::Value::String(s.clone());
        prop_assert_eq!(split.is_valid(&v), grouped.is_valid(&v), "{:?}", s);
    });
    for (s, ok) in [
        ("./d:/d:ro", true),
        ("v:/c", true),
        ("a:/", true),
        ("a:/b:", false),
        ("a:/b:r:o", false),
        ("a", false),
    ] {
        assert_eq!(split.is_valid(&serde_json::Value::from(s)), ok, "{s}");
    }
}

/// `shm_size` reads sizes as Docker does: at most one ASCII space before the unit.
#[test]
fn shm_size_takes_one_space_before_the_unit() {
    let schema = profile_schema().unwrap();
    let shm = super::compile(&schema["definitions"]["Deploy"]["properties"]["shm_size"]).unwrap();
    for (s, ok) in [
        ("16gb", true),
        ("16 gb", true),
        ("1.5G", true),
        ("8", true),
        ("16  gb", false),
        ("16\tgb", false),
        ("16\u{a0}gb", false),
        ("gb", false),
    ] {
        assert_eq!(shm.is_valid(&serde_json::Value::from(s)), ok, "{s:?}");
    }
}
