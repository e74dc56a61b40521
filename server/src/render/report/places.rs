//! The printable page's sections by place: by commune of residence (a chart and a table)
//! and by site; and the heading of a funder's version (the convention it is of).

use relais_domain::report::{PlaceRow, PlaceRowKind, Report};

use super::charts::bar_chart;
use super::kit::{Reading, Section, table};

/// A row's name as the page reads it.
fn name(p: &PlaceRow, other: &str, unknown: &str) -> String {
    match p.place {
        PlaceRowKind::Listed => {
            let n = p.name.clone().unwrap_or_default();
            match p.code.as_deref() {
                // An INSEE code is five characters; a site's id is not shown.
                Some(code) if code.len() == 5 => format!("{n} ({code})"),
                _ => n,
            }
        }
        PlaceRowKind::Other => other.to_owned(),
        PlaceRowKind::Unknown => unknown.to_owned(),
    }
}

fn rows(x: Reading, places: &[PlaceRow], other: &str, unknown: &str) -> Vec<Vec<String>> {
    places
        .iter()
        .map(|p| {
            vec![
                name(p, other, unknown),
                x.cell(p.new_situations),
                x.cell(p.people_accompanied),
                x.cell(p.interviews),
            ]
        })
        .collect()
}

/// By commune of residence, the conventions' communes first; by site.
pub(super) fn sections(r: &Report, x: Reading) -> Vec<Section> {
    let t = x.t;
    let head = [
        t.place,
        t.new_situations,
        t.people_accompanied,
        t.interviews,
    ];
    let (other, unknown) = (t.other_communes, t.commune_not_given);
    vec![
        Section {
            title: t.by_commune,
            chart: Some(bar_chart(
                t.people_by_commune,
                &r.by_commune
                    .iter()
                    .map(|p| (name(p, other, unknown), p.people_accompanied))
                    .collect::<Vec<_>>(),
                x.l,
            )),
            tables: vec![table(&head, rows(x, &r.by_commune, other, unknown))],
        },
        Section {
            title: t.by_site,
            chart: None,
            tables: vec![table(&head, rows(x, &r.by_site, "", t.elsewhere))],
        },
    ]
}

/// What a funder's version says of its convention, under the title.
pub(super) fn convention(r: &Report, x: Reading) -> Option<String> {
    let t = x.t;
    let c = r.convention.as_ref()?;
    let mut covers: Vec<String> = c
        .communes
        .iter()
        .map(|k| format!("{} ({})", k.name, k.code))
        .collect();
    covers.extend(c.sites.iter().cloned());
    let colon = x.l.pick(" :", ":");
    let mut s = format!(
        "{} {}{colon} {}, {} {} {} {}. {}",
        t.convention_of,
        c.funder,
        covers.join(", "),
        t.from.to_lowercase(),
        c.valid_from.format("%d/%m/%Y"),
        t.to,
        c.valid_until.format("%d/%m/%Y"),
        t.convention_counts,
    );
    if c.overlapped {
        s.push(' ');
        s.push_str(t.convention_overlapped);
    }
    Some(s)
}
