//! What the printable report's parts share: its text in a language (`Reading`), and a
//! section with its chart and tables, as the page's template draws them.

use relais_domain::report::Cell;
use relais_domain::words::{Lang, Word};

use super::text::{self, ReportText};

/// The report's text in a language.
pub(super) fn words(l: Lang) -> &'static ReportText {
    match l {
        Lang::Fr => &text::FR,
        Lang::En => &text::EN,
    }
}

/// How the page reads: its language, and its text in it.
#[derive(Clone, Copy)]
pub(super) struct Reading {
    pub l: Lang,
    pub t: &'static ReportText,
}

impl Reading {
    /// A stored word's label.
    pub(super) fn w<W: Word>(self, w: W) -> &'static str {
        w.label(self.l)
    }

    /// A figure as a table reads it (the template escapes it): "< 5" when small, "masqué" /
    /// "withheld" when withheld.
    pub(super) fn cell(self, c: Cell) -> String {
        c.text(self.l)
    }
}

/// A table of the report: its headers and rows of text.
pub(super) struct Table {
    pub head: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

pub(super) fn table(head: &[&'static str], rows: Vec<Vec<String>>) -> Table {
    Table {
        head: head.to_vec(),
        rows,
    }
}

/// A part of the report: its title, maybe a chart, its tables.
pub(super) struct Section {
    pub title: &'static str,
    /// Drawn by `bar_chart` or `month_chart`.
    pub chart: Option<String>,
    pub tables: Vec<Table>,
}
