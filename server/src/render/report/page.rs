//! The activity report as a printable HTML page (`templates/report/page.html`), with its SVG
//! charts drawn here (no script, no external resource; the one place, with the QR code, where
//! markup is written in Rust); every label and figure escaped.

use relais_domain::casework::PartnerKind;
use relais_domain::report::{Audience, Cell, Report};
use relais_domain::words::{Lang, Word};
use std::fmt::Write as _;

use crate::render::html::esc;

/// The French label of a stored word (the report is read by funders, in French).
fn fr<W: Word>(w: W) -> &'static str {
    w.label(Lang::Fr)
}

/// A figure inside a chart's markup, escaped: the count, "< 5" or "masqué".
pub(crate) fn cell_html(c: Cell) -> String {
    esc(&c.text(Lang::Fr))
}

/// Horizontal bars, one per item; a hidden item has no bar and reads "< 5" or "masqué".
pub(crate) fn bar_chart(title: &str, items: &[(String, Cell)]) -> String {
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
            cell_html(*v)
        );
    }
    s.push_str("</svg></figure>");
    s
}

/// Monthly activity: two columns per month (new situations, interviews).
pub(crate) fn month_chart(r: &Report) -> String {
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
        "<figure><figcaption>Activité mensuelle : nouvelles situations (foncé) et entretiens (clair)</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Activité mensuelle\" width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\">",
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
                cell_html(v)
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

/// A figure as a table reads it (the template escapes it): "< 5" when small, "masqué"
/// when withheld.
fn cell(c: Cell) -> String {
    c.text(Lang::Fr)
}

/// A table of the report: its headers and rows of text.
struct Table {
    head: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

fn table(head: &'static [&'static str], rows: Vec<Vec<String>>) -> Table {
    Table { head, rows }
}

/// A part of the report: its title, maybe a chart, its tables.
struct Section {
    title: &'static str,
    /// Drawn by `bar_chart` or `month_chart`.
    chart: Option<String>,
    tables: Vec<Table>,
}

#[derive(askama::Template)]
#[template(path = "report/page.html")]
struct ReportPage<'a> {
    org: &'a str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    from_read: String,
    to_read: String,
    external: bool,
    kpis: Vec<(&'static str, String)>,
    sections: Vec<Section>,
}

pub(crate) fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1} %")).unwrap_or_else(|| "—".into())
}

/// A printable page, French, self-contained.
pub fn html(r: &Report, org_name: &str) -> String {
    let mut sections = Vec::new();
    sections.push(Section {
        title: "Origine des situations",
        chart: Some(bar_chart(
            "Par canal",
            &r.origin_by_channel
                .iter()
                .map(|o| (fr(o.key).to_owned(), o.count))
                .collect::<Vec<_>>(),
        )),
        tables: vec![
            table(
                &["Canal", "Initiative", "Situations"],
                r.origins
                    .iter()
                    .map(|o| {
                        vec![
                            fr(o.channel).to_owned(),
                            fr(o.initiative).to_owned(),
                            cell(o.count),
                        ]
                    })
                    .collect(),
            ),
            table(
                &["Initiative", "Situations", "Part"],
                r.origin_by_initiative
                    .iter()
                    .map(|o| vec![fr(o.key).to_owned(), cell(o.count), pct(o.percent)])
                    .collect(),
            ),
        ],
    });
    sections.push(Section {
        title: "Problématiques (plusieurs par situation)",
        chart: Some(bar_chart(
            "Problématiques",
            &r.problems
                .iter()
                .filter(|p| p.count != Cell::Shown(0))
                .map(|p| (fr(p.key).to_owned(), p.count))
                .collect::<Vec<_>>(),
        )),
        tables: Vec::new(),
    });
    sections.push(Section {
        title: "Entretiens par modalité",
        chart: None,
        tables: vec![table(
            &["Modalité", "Entretiens"],
            r.interviews
                .iter()
                .map(|i| vec![fr(i.key).to_owned(), cell(i.count)])
                .collect(),
        )],
    });
    sections.push(Section {
        title: "Statut, sexe et âge",
        chart: None,
        tables: vec![table(
            &["Statut", "Sexe", "Âge", "Situations"],
            r.roles
                .iter()
                .filter(|c| c.count != Cell::Shown(0))
                .map(|c| {
                    vec![
                        fr(c.role).to_owned(),
                        fr(c.sex).to_owned(),
                        fr(c.age_band).to_owned(),
                        cell(c.count),
                    ]
                })
                .collect(),
        )],
    });
    let re = &r.reachability;
    sections.push(Section {
        title: "Joignabilité",
        chart: None,
        tables: vec![table(
            &["Indicateur", "Valeur"],
            vec![
                vec!["Situations à joindre".into(), cell(re.to_reach)],
                vec!["Personnes jointes".into(), cell(re.reached)],
                vec!["Part jointe".into(), pct(re.percent_reached)],
                vec![
                    "Délai médian jusqu'au premier contact".into(),
                    re.median_hours_to_first_contact
                        .map(|h| format!("{h:.1} h"))
                        .unwrap_or_else(|| "—".into()),
                ],
                vec![
                    "Tentatives par contact".into(),
                    re.attempts_per_contact
                        .map(|a| format!("{a:.2}"))
                        .unwrap_or_else(|| "—".into()),
                ],
            ],
        )],
    });
    let mut by_kind: Vec<(String, Cell)> = Vec::new();
    for k in PartnerKind::ALL {
        let cells: Vec<Cell> = r
            .orientations
            .iter()
            .filter(|o| o.partner_kind == *k)
            .map(|o| o.count)
            .collect();
        // A sum with a hidden part is of any size: withheld, never "< 5".
        let total = if cells.iter().any(|c| c.is_hidden()) {
            Cell::Hidden(relais_domain::report::Hidden::Withheld)
        } else {
            Cell::Shown(cells.iter().filter_map(|c| c.shown()).sum())
        };
        by_kind.push((fr(*k).to_owned(), total));
    }
    sections.push(Section {
        title: "Orientations",
        chart: Some(bar_chart("Orientations par type de partenaire", &by_kind)),
        tables: vec![table(
            &["Partenaire", "Statut", "Orientations"],
            r.orientations
                .iter()
                .filter(|o| o.count != Cell::Shown(0))
                .map(|o| {
                    vec![
                        fr(o.partner_kind).to_owned(),
                        fr(o.status).to_owned(),
                        cell(o.count),
                    ]
                })
                .collect(),
        )],
    });
    sections.push(Section {
        title: "Clôtures",
        chart: None,
        tables: vec![table(
            &["Motif", "Situations"],
            r.closures
                .iter()
                .map(|c| vec![fr(c.key).to_owned(), cell(c.count)])
                .collect(),
        )],
    });
    sections.push(Section {
        title: "Enfants en danger : signalements",
        chart: None,
        tables: vec![table(
            &["Destinataire", "Signalements"],
            r.child_reports
                .iter()
                .map(|c| vec![fr(c.key).to_owned(), cell(c.count)])
                .collect(),
        )],
    });
    sections.push(Section {
        title: "Activité mensuelle",
        chart: Some(month_chart(r)),
        tables: vec![table(
            &[
                "Mois",
                "Nouvelles situations",
                "Entretiens",
                "Tentatives",
                "Anonymes",
            ],
            r.monthly
                .iter()
                .map(|m| {
                    vec![
                        m.month.clone(),
                        cell(m.new_situations),
                        cell(m.interviews),
                        cell(m.attempts),
                        cell(m.anonymous_contacts),
                    ]
                })
                .collect(),
        )],
    });
    let page = ReportPage {
        org: org_name,
        from: r.from,
        to: r.to,
        from_read: r.from.format("%d/%m/%Y").to_string(),
        to_read: r.to.format("%d/%m/%Y").to_string(),
        external: r.audience == Audience::External,
        kpis: vec![
            ("Personnes accompagnées", cell(r.people_accompanied)),
            ("Nouvelles situations", cell(r.new_situations)),
            ("Entretiens", cell(r.interviews_total)),
            ("Contacts anonymes", cell(r.anonymous_contacts)),
            ("Mineurs", cell(r.minors)),
        ],
        sections,
    };
    askama::Template::render(&page).unwrap_or_else(|e| {
        tracing::error!(error = %e, "report did not render");
        String::new()
    })
}
