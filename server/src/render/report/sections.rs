//! Two sections of the printable report: the prevention actions, and the period beside the
//! same period a year earlier.

use relais_domain::report::{Cell, Report};

use super::charts::bar_chart;
use super::kit::{Reading, Section, table};

/// The prevention actions: the people reached by kind of action (a chart), the actions and
/// people by kind, and the publics counted apart. Never hidden: no person is in them.
pub(super) fn prevention(r: &Report, x: Reading) -> Section {
    let t = x.t;
    let p = &r.prevention;
    let mut publics: Vec<Vec<String>> = p
        .by_public
        .iter()
        .map(|c| vec![x.w(c.public).to_owned(), c.people_reached.to_string()])
        .collect();
    publics.push(vec![
        t.public_not_given.to_owned(),
        p.public_not_given.to_string(),
    ]);
    Section {
        title: t.prevention,
        chart: Some(bar_chart(
            t.people_reached_by_kind,
            &p.by_kind
                .iter()
                .map(|k| (x.w(k.kind).to_owned(), Cell::Shown(k.people_reached)))
                .collect::<Vec<_>>(),
            x.l,
        )),
        tables: vec![
            table(
                &[t.action, t.actions_held, t.people_reached],
                p.by_kind
                    .iter()
                    .map(|k| {
                        vec![
                            x.w(k.kind).to_owned(),
                            k.actions.to_string(),
                            k.people_reached.to_string(),
                        ]
                    })
                    .chain(std::iter::once(vec![
                        t.total.to_owned(),
                        p.actions.to_string(),
                        p.people_reached.to_string(),
                    ]))
                    .collect(),
            ),
            table(&[t.public, t.people_reached], publics),
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
pub(super) fn compared(r: &Report, x: Reading) -> Option<Section> {
    let t = x.t;
    let c = r.compared.as_ref()?;
    let days = |a: chrono::NaiveDate, b: chrono::NaiveDate| {
        format!("{} – {}", a.format("%d/%m/%Y"), b.format("%d/%m/%Y"))
    };
    let mut rows = vec![vec![
        t.period.to_owned(),
        days(r.from, r.to),
        days(c.from, c.to),
        String::new(),
    ]];
    use relais_domain::report::compare::Figure;
    let counted = |f: &Figure| {
        r.convention.is_none()
            || !matches!(
                f,
                Figure::AnonymousContacts | Figure::PreventionActions | Figure::PeopleReached
            )
    };
    rows.extend(c.figures.iter().filter(|f| counted(&f.figure)).map(|f| {
        vec![
            x.w(f.figure).to_owned(),
            x.cell(f.now),
            x.cell(f.earlier),
            change(f),
        ]
    }));
    Some(Section {
        title: t.over_a_year,
        chart: None,
        tables: vec![table(
            &[t.figure, t.this_period, t.a_year_earlier, t.change],
            rows,
        )],
    })
}
