//! The activity report as a printable HTML page (`templates/report/page.html`): its
//! sections, tables and key figures, with the SVG charts of `charts`.

use relais_domain::casework::PartnerKind;
use relais_domain::report::{Audience, Cell, Report};
use relais_domain::words::Lang;

use super::charts::{bar_chart, month_chart};
use super::kit::{Reading, Section, table, words};
use super::text::ReportText;

#[derive(askama::Template)]
#[template(path = "report/page.html")]
struct ReportPage<'a> {
    t: &'static ReportText,
    lang: &'static str,
    org: &'a str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    from_read: String,
    to_read: String,
    external: bool,
    /// A funder's version: the convention it is of.
    convention: Option<String>,
    kpis: Vec<(&'static str, String)>,
    sections: Vec<Section>,
}

pub(crate) fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1} %")).unwrap_or_else(|| "—".into())
}

/// A printable page, French or English, self-contained.
pub fn html(r: &Report, org_name: &str, l: Lang) -> String {
    let x = Reading { l, t: words(l) };
    let t = x.t;
    let mut sections = Vec::new();
    sections.extend(super::sections::compared(r, x));
    sections.push(Section {
        title: t.origin,
        chart: Some(bar_chart(
            t.by_channel,
            &r.origin_by_channel
                .iter()
                .map(|o| (x.w(o.key).to_owned(), o.count))
                .collect::<Vec<_>>(),
            l,
        )),
        tables: vec![
            table(
                &[t.channel, t.initiative, t.situations],
                r.origins
                    .iter()
                    .map(|o| {
                        vec![
                            x.w(o.channel).to_owned(),
                            x.w(o.initiative).to_owned(),
                            x.cell(o.count),
                        ]
                    })
                    .collect(),
            ),
            table(
                &[t.initiative, t.situations, t.share],
                r.origin_by_initiative
                    .iter()
                    .map(|o| vec![x.w(o.key).to_owned(), x.cell(o.count), pct(o.percent)])
                    .collect(),
            ),
        ],
    });
    sections.extend(super::places::sections(r, x));
    sections.push(Section {
        title: t.problems_several,
        chart: Some(bar_chart(
            t.problems,
            &r.problems
                .iter()
                .filter(|p| p.count != Cell::Shown(0))
                .map(|p| (x.w(p.key).to_owned(), p.count))
                .collect::<Vec<_>>(),
            l,
        )),
        tables: Vec::new(),
    });
    sections.push(Section {
        title: t.interviews_by_mode,
        chart: None,
        tables: vec![table(
            &[t.mode, t.interviews],
            r.interviews
                .iter()
                .map(|i| vec![x.w(i.key).to_owned(), x.cell(i.count)])
                .collect(),
        )],
    });
    sections.push(Section {
        title: t.role_sex_age,
        chart: None,
        tables: vec![table(
            &[t.role, t.sex, t.age, t.situations],
            r.roles
                .iter()
                .filter(|c| c.count != Cell::Shown(0))
                .map(|c| {
                    vec![
                        x.w(c.role).to_owned(),
                        x.w(c.sex).to_owned(),
                        x.w(c.age_band).to_owned(),
                        x.cell(c.count),
                    ]
                })
                .collect(),
        )],
    });
    let re = &r.reachability;
    sections.push(Section {
        title: t.reachability,
        chart: None,
        tables: vec![table(
            &[t.figure, t.value],
            vec![
                vec![t.to_reach.into(), x.cell(re.to_reach)],
                vec![t.reached.into(), x.cell(re.reached)],
                vec![t.share_reached.into(), pct(re.percent_reached)],
                vec![
                    t.median_delay.into(),
                    re.median_hours_to_first_contact
                        .map(|h| format!("{h:.1} h"))
                        .unwrap_or_else(|| "—".into()),
                ],
                vec![
                    t.attempts_per_contact.into(),
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
        by_kind.push((x.w(*k).to_owned(), total));
    }
    sections.push(Section {
        title: t.orientations,
        chart: Some(bar_chart(t.orientations_by_kind, &by_kind, l)),
        tables: vec![table(
            &[t.partner, t.status, t.orientations],
            r.orientations
                .iter()
                .filter(|o| o.count != Cell::Shown(0))
                .map(|o| {
                    vec![
                        x.w(o.partner_kind).to_owned(),
                        x.w(o.status).to_owned(),
                        x.cell(o.count),
                    ]
                })
                .collect(),
        )],
    });
    sections.push(Section {
        title: t.closures,
        chart: None,
        tables: vec![table(
            &[t.reason, t.situations],
            r.closures
                .iter()
                .map(|c| vec![x.w(c.key).to_owned(), x.cell(c.count)])
                .collect(),
        )],
    });
    sections.push(Section {
        title: t.child_reports,
        chart: None,
        tables: vec![table(
            &[t.recipient, t.reports],
            r.child_reports
                .iter()
                .map(|c| vec![x.w(c.key).to_owned(), x.cell(c.count)])
                .collect(),
        )],
    });
    // A convention's version counts no anonymous contact and no prevention action (they
    // name no commune and no site): it prints none rather than zeros a funder would misread.
    let funded = r.convention.is_some();
    if !funded {
        sections.push(super::sections::prevention(r, x));
    }
    let mut head = vec![t.month, t.new_situations, t.interviews, t.attempts];
    if !funded {
        head.extend([t.anonymous, t.prevention_actions, t.people_reached]);
    }
    sections.push(Section {
        title: t.monthly,
        chart: Some(month_chart(r, t.monthly_caption, t.monthly, l)),
        tables: vec![table(
            &head,
            r.monthly
                .iter()
                .map(|m| {
                    let mut row = vec![
                        m.month.clone(),
                        x.cell(m.new_situations),
                        x.cell(m.interviews),
                        x.cell(m.attempts),
                    ];
                    if !funded {
                        row.extend([
                            x.cell(m.anonymous_contacts),
                            m.prevention_actions.to_string(),
                            m.people_reached.to_string(),
                        ]);
                    }
                    row
                })
                .collect(),
        )],
    });
    let mut kpis = vec![
        (t.people_accompanied, x.cell(r.people_accompanied)),
        (t.new_situations, x.cell(r.new_situations)),
        (t.interviews, x.cell(r.interviews_total)),
        (t.minors, x.cell(r.minors)),
    ];
    if !funded {
        kpis.insert(3, (t.anonymous_contacts, x.cell(r.anonymous_contacts)));
        kpis.push((
            t.people_reached_prevention,
            r.prevention.people_reached.to_string(),
        ));
    }
    let page = ReportPage {
        t,
        lang: l.pick("fr", "en"),
        org: org_name,
        from: r.from,
        to: r.to,
        from_read: r.from.format("%d/%m/%Y").to_string(),
        to_read: r.to.format("%d/%m/%Y").to_string(),
        external: r.audience == Audience::External,
        convention: super::places::convention(r, x),
        kpis,
        sections,
    };
    askama::Template::render(&page).unwrap_or_else(|e| {
        tracing::error!(error = %e, "report did not render");
        String::new()
    })
}
