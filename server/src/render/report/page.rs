//! The activity report as a printable HTML page (`templates/report/page.html`): its
//! sections, tables and key figures, with the SVG charts of `charts`.

use relais_domain::casework::PartnerKind;
use relais_domain::report::{Audience, Cell, Report};
use relais_domain::words::{Lang, Word};

use super::charts::{bar_chart, month_chart};

/// The French label of a stored word (the report is read by funders, in French).
fn fr<W: Word>(w: W) -> &'static str {
    w.label(Lang::Fr)
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

/// The prevention actions: the people reached by kind of action (a chart), the actions and
/// people by kind, and the publics counted apart. Never hidden: no person is in them.
fn prevention(r: &Report) -> Section {
    let p = &r.prevention;
    let mut publics: Vec<Vec<String>> = p
        .by_public
        .iter()
        .map(|x| vec![fr(x.public).to_owned(), x.people_reached.to_string()])
        .collect();
    publics.push(vec![
        "Non précisé".to_owned(),
        p.public_not_given.to_string(),
    ]);
    Section {
        title: "Prévention : actions collectives",
        chart: Some(bar_chart(
            "Personnes sensibilisées par type d'action",
            &p.by_kind
                .iter()
                .map(|k| (fr(k.kind).to_owned(), Cell::Shown(k.people_reached)))
                .collect::<Vec<_>>(),
        )),
        tables: vec![
            table(
                &["Action", "Actions menées", "Personnes sensibilisées"],
                p.by_kind
                    .iter()
                    .map(|k| {
                        vec![
                            fr(k.kind).to_owned(),
                            k.actions.to_string(),
                            k.people_reached.to_string(),
                        ]
                    })
                    .chain(std::iter::once(vec![
                        "Total".to_owned(),
                        p.actions.to_string(),
                        p.people_reached.to_string(),
                    ]))
                    .collect(),
            ),
            table(&["Public", "Personnes sensibilisées"], publics),
        ],
    }
}

/// A change as a funder reads it: "+6 (+4.8 %)", "−3", or "—" when a side is hidden.
fn change(c: &relais_domain::report::compare::Compared) -> String {
    let Some(n) = c.change else {
        return "—".into();
    };
    let sign = |x: f64| if x > 0.0 { "+" } else { "" };
    let n = if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    };
    match c.change_percent {
        Some(p) => format!("{n} ({}{p:.1} %)", sign(p)),
        None => n,
    }
}

/// The period beside the same period a year earlier: each headline figure, then and now.
fn compared(r: &Report) -> Option<Section> {
    let c = r.compared.as_ref()?;
    let days = |a: chrono::NaiveDate, b: chrono::NaiveDate| {
        format!("{} – {}", a.format("%d/%m/%Y"), b.format("%d/%m/%Y"))
    };
    let mut rows = vec![vec![
        "Période".to_owned(),
        days(r.from, r.to),
        days(c.from, c.to),
        String::new(),
    ]];
    rows.extend(c.figures.iter().map(|f| {
        vec![
            fr(f.figure).to_owned(),
            cell(f.now),
            cell(f.earlier),
            change(f),
        ]
    }));
    Some(Section {
        title: "Évolution sur un an",
        chart: None,
        tables: vec![table(
            &["Indicateur", "Cette période", "Un an plus tôt", "Évolution"],
            rows,
        )],
    })
}

/// A printable page, French, self-contained.
pub fn html(r: &Report, org_name: &str) -> String {
    let mut sections = Vec::new();
    sections.extend(compared(r));
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
    sections.push(prevention(r));
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
                "Actions de prévention",
                "Personnes sensibilisées",
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
                        m.prevention_actions.to_string(),
                        m.people_reached.to_string(),
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
            (
                "Personnes sensibilisées (prévention)",
                r.prevention.people_reached.to_string(),
            ),
        ],
        sections,
    };
    askama::Template::render(&page).unwrap_or_else(|e| {
        tracing::error!(error = %e, "report did not render");
        String::new()
    })
}
