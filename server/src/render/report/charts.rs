//! The report's SVG charts (no script, no external resource; the one place, with the QR
//! code, where markup is written in Rust); every label and figure escaped.

use relais_domain::report::{Cell, Report};
use relais_domain::words::Lang;
use std::fmt::Write as _;

use crate::render::html::esc;

/// A figure inside a chart's markup, escaped: the count, "< 5" or "masqué".
pub(crate) fn cell_html(c: Cell, l: Lang) -> String {
    esc(&c.text(l))
}

/// Horizontal bars, one per item; a hidden item has no bar and reads "< 5" or "masqué".
pub(crate) fn bar_chart(title: &str, items: &[(String, Cell)], l: Lang) -> String {
    let max = items
        .iter()
        .filter_map(|i| i.1.shown())
        .max()
        .unwrap_or(0)
        .max(1);
    let row_h = 22;
    let label_w = 230;
    let bar_w = 360;
    let h = items.len() * row_h + 10;
    let mut s = format!(
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{}\" width=\"660\" height=\"{h}\" viewBox=\"0 0 660 {h}\">",
        esc(title),
        esc(title)
    );
    for (i, (label, v)) in items.iter().enumerate() {
        let y = i * row_h + 5;
        let w = v
            .shown()
            .map(|n| (n as usize * bar_w) / max as usize)
            .unwrap_or(0);
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text><rect x=\"{}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"#2f5d8a\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            label_w - 6,
            y + 14,
            esc(label),
            label_w,
            y + 3,
            row_h - 6,
            label_w + w + 6,
            y + 14,
            cell_html(*v, l)
        );
    }
    s.push_str("</svg></figure>");
    s
}

/// Monthly activity: two columns per month (new situations, interviews), under `caption`,
/// named `label` for a screen reader.
pub(crate) fn month_chart(r: &Report, caption: &str, label: &str, l: Lang) -> String {
    let n = r.monthly.len().max(1);
    let max = r
        .monthly
        .iter()
        .flat_map(|m| [m.new_situations, m.interviews])
        .filter_map(Cell::shown)
        .max()
        .unwrap_or(0)
        .max(1);
    let width = 660usize;
    let plot_h = 160usize;
    let slot = (width - 40) / n;
    let col = (slot.saturating_sub(6) / 2).max(2);
    let mut s = format!(
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\">",
        esc(caption),
        esc(label),
        plot_h + 40,
        plot_h + 40
    );
    for (i, m) in r.monthly.iter().enumerate() {
        let x = 30 + i * slot;
        for (k, (v, colour)) in [(m.new_situations, "#2f5d8a"), (m.interviews, "#9bb8d3")]
            .into_iter()
            .enumerate()
        {
            let hgt = v
                .shown()
                .map(|n| n as usize * plot_h / max as usize)
                .unwrap_or(0);
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{col}\" height=\"{hgt}\" fill=\"{colour}\"><title>{}</title></rect>",
                x + k * col,
                10 + plot_h - hgt,
                cell_html(v, l)
            );
        }
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            x + col,
            plot_h + 26,
            esc(m.month.get(2..).unwrap_or(&m.month))
        );
    }
    s.push_str("</svg></figure>");
    s
}
