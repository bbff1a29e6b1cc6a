//! The markdown tables of `docs/gas.md`: the pipes, the alignment row and the cell count in
//! one place, so the report's code says what each column holds.
//!
//! Not comfy-table: its markdown preset writes no alignment markers (`--:`), so the report's
//! numbers would no longer sit right-aligned where the markdown is rendered, and it pads
//! every cell to its column's width, which rewrites each line of the committed report when
//! one number grows.

/// How a column's cells sit: text left, numbers right, verdicts centred.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

impl Align {
    fn marker(self) -> &'static str {
        match self {
            Align::Left => "---",
            Align::Right => "--:",
            Align::Center => ":-:",
        }
    }
}

/// A markdown table built column by column, then row by row.
#[derive(Debug, Default)]
pub struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new() -> Table {
        Table::default()
    }

    pub fn column(&mut self, name: impl Into<String>, align: Align) -> &mut Table {
        self.columns.push((name.into(), align));
        self
    }

    pub fn left(&mut self, name: impl Into<String>) -> &mut Table {
        self.column(name, Align::Left)
    }

    pub fn right(&mut self, name: impl Into<String>) -> &mut Table {
        self.column(name, Align::Right)
    }

    pub fn center(&mut self, name: impl Into<String>) -> &mut Table {
        self.column(name, Align::Center)
    }

    /// One row: a cell per column, in the columns' order.
    pub fn row(&mut self, cells: impl IntoIterator<Item = String>) -> &mut Table {
        let cells: Vec<String> = cells.into_iter().collect();
        debug_assert_eq!(
            cells.len(),
            self.columns.len(),
            "a row of {cells:?} under {:?}",
            self.columns
        );
        self.rows.push(cells);
        self
    }

    /// `| a | b |` lines: the header, the alignment row, then the rows.
    pub fn render(&self) -> String {
        let line = |cells: &mut dyn Iterator<Item = &str>| {
            let mut s = String::from("|");
            for c in cells {
                s.push(' ');
                s.push_str(c);
                s.push_str(" |");
            }
            s.push('\n');
            s
        };
        let mut s = line(&mut self.columns.iter().map(|(name, _)| name.as_str()));
        s.push('|');
        for (_, align) in &self.columns {
            s.push_str(align.marker());
            s.push('|');
        }
        s.push('\n');
        for row in &self.rows {
            s.push_str(&line(&mut row.iter().map(String::as_str)));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_pipes_and_alignment_markers() {
        let mut t = Table::new();
        t.left("message").right("gas").center("flat");
        t.row(["deposit".to_string(), "1,000".into(), "yes".into()]);
        assert_eq!(
            t.render(),
            "| message | gas | flat |\n|---|--:|:-:|\n| deposit | 1,000 | yes |\n"
        );
        assert_eq!(Table::new().render(), "|\n|\n");
    }
}
