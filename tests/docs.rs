//! The README's table of checks is the list of checks: same names, levels, descriptions.

use vprof::diagnostics::Check;

#[test]
fn readme_lists_every_check() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `")).collect();
    let expected: Vec<String> = Check::ALL
        .iter()
        .map(|c| {
            format!(
                "| `{}` | {} | {} |",
                c.name(),
                c.default_level().as_str(),
                c.description()
            )
        })
        .collect();
    for e in &expected {
        assert!(rows.contains(&e.as_str()), "README.md lacks the row:\n{e}");
    }
    let check_rows = rows
        .iter()
        .filter(|r| {
            r.split('|')
                .nth(2)
                .is_some_and(|l| ["error", "warning", "note"].contains(&l.trim()))
        })
        .count();
    assert_eq!(
        check_rows,
        expected.len(),
        "README.md lists checks that do not exist"
    );
}
