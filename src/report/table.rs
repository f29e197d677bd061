//! The one helper for human tables: columns padded to the widest cell, but a cell longer
//! than [`MAX_WIDTH`] characters does not widen its column (it overflows its row alone), so
//! one huge value neither pushes every row off the screen nor allocates gigabytes of padding.
//! Padding is counted in characters, never through `format!` width arguments (which panic
//! at 65,536 and above).

/// Cells longer than this (in characters) do not set their column's width.
pub const MAX_WIDTH: usize = 60;

/// How a column's cells are padded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Rows of cells with one alignment per column and a separator after each column but the
/// last (two spaces unless set).
#[derive(Debug, Clone)]
pub struct Table {
    align: Vec<Align>,
    separators: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(align: &[Align]) -> Table {
        Table {
            align: align.to_vec(),
            separators: vec![String::from("  "); align.len().saturating_sub(1)],
            rows: Vec::new(),
        }
    }

    /// The separator after column `index`.
    pub fn separator(mut self, index: usize, text: &str) -> Table {
        if let Some(s) = self.separators.get_mut(index) {
            *s = text.to_string();
        }
        self
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The width of each column: its widest cell of at most `MAX_WIDTH` characters.
    fn widths(&self) -> Vec<usize> {
        (0..self.align.len())
            .map(|i| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.chars().count())
                    .filter(|w| *w <= MAX_WIDTH)
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// Every row on its own line, without trailing spaces.
    pub fn render(&self) -> String {
        let widths = self.widths();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                let pad = " ".repeat(
                    widths
                        .get(i)
                        .map_or(0, |w| w.saturating_sub(cell.chars().count())),
                );
                let last = i + 1 == row.len();
                match self.align.get(i) {
                    Some(Align::Right) => {
                        line.push_str(&pad);
                        line.push_str(cell);
                    }
                    _ => {
                        line.push_str(cell);
                        if !last {
                            line.push_str(&pad);
                        }
                    }
                }
                if !last {
                    line.push_str(self.separators.get(i).map_or("  ", String::as_str));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{Align, Table};

    #[test]
    fn pads_to_the_widest_cell_and_aligns() {
        let mut t = Table::new(&[Align::Left, Align::Right]).separator(0, " | ");
        t.row(["a", "1"]);
        t.row(["bbb", "22"]);
        assert_eq!(t.render(), "a   |  1\nbbb | 22\n");
    }

    #[test]
    fn a_huge_cell_does_not_widen_its_column() {
        let huge = "x".repeat(70_000);
        let mut t = Table::new(&[Align::Left, Align::Left]);
        t.row(["ab", "1"]);
        t.row([huge.as_str(), "2"]);
        let text = t.render();
        assert!(text.starts_with("ab  1\n"));
        assert!(text.ends_with(&format!("{huge}  2\n")));
    }
}
