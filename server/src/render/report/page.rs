//! The activity report as a printable HTML page, with its SVG charts drawn here (no script,
//! no external resource); every label and figure escaped.

use relais_domain::casework::PartnerKind;
use relais_domain::report::{Audience, Cell, Report};
use relais_domain::words::{Lang, Word};
use std::fmt::Write as _;

use crate::render::html::esc;

/// The French label of a stored word (the report is read by funders, in French).
fn fr<W: Word>(w: W) -> &'static str {
    w.label(Lang::Fr)
}

pub(crate) fn cell_html(c: Cell) -> String {
    c.map(|n| n.to_string())
        .unwrap_or_else(|| "&lt; 5".to_owned())
}

/// Horizontal bars, one per item; a suppressed item has no bar and reads "< 5".
pub(crate) fn bar_chart(title: &str, items: &[(String, Cell)]) -> String {
    let max = items.iter().filter_map(|i| i.1).max().unwrap_or(0).max(1);
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
        let w = v.map(|n| (n as usize * bar_w) / max as usize).unwrap_or(0);
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
        .flatten()
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
            let hgt = v.map(|n| n as usize * plot_h / max as usize).unwrap_or(0);
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

pub(crate) fn table(head: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in head {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<td>{c}</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

pub(crate) fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1} %")).unwrap_or_else(|| "—".into())
}

/// A printable page, French, self-contained.
pub fn html(r: &Report, org_name: &str) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Rapport d'activité {} – {}</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:720px;margin:2em auto;color:#222}}h1{{font-size:1.5em}}h2{{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}}\
table{{border-collapse:collapse;margin:.5em 0}}td,th{{border:1px solid #ccc;padding:2px 8px;text-align:left}}td:last-child{{text-align:right}}figure{{margin:1em 0}}figcaption{{font-weight:600;margin-bottom:.3em}}\
.kpi{{display:flex;gap:1.5em;flex-wrap:wrap}}.kpi div{{border:1px solid #ccc;padding:.5em 1em}}.kpi b{{display:block;font-size:1.6em}}@media print{{h2{{break-after:avoid}}figure,table{{break-inside:avoid}}}}</style></head><body>",
        r.from, r.to
    );
    let _ = write!(
        b,
        "<h1>Rapport d'activité — {}</h1><p>Du {} au {}. {}</p>",
        esc(org_name),
        r.from.format("%d/%m/%Y"),
        r.to.format("%d/%m/%Y"),
        match r.audience {
            Audience::External =>
                "Version destinée à l'extérieur du service : tout effectif de 1 à 4 est masqué (« &lt; 5 »).",
            Audience::Internal => "Version interne au service : ne pas diffuser.",
        }
    );
    let _ = write!(
        b,
        "<div class=\"kpi\"><div>Personnes accompagnées<b>{}</b></div><div>Nouvelles situations<b>{}</b></div><div>Entretiens<b>{}</b></div><div>Contacts anonymes<b>{}</b></div><div>Mineurs<b>{}</b></div></div>",
        cell_html(r.people_accompanied),
        cell_html(r.new_situations),
        cell_html(r.interviews_total),
        cell_html(r.anonymous_contacts),
        cell_html(r.minors)
    );
    b.push_str("<h2>Origine des situations</h2>");
    b.push_str(&bar_chart(
        "Par canal",
        &r.origin_by_channel
            .iter()
            .map(|o| (fr(o.key).to_owned(), o.count))
            .collect::<Vec<_>>(),
    ));
    b.push_str(&table(
        &["Canal", "Initiative", "Situations"],
        r.origins
            .iter()
            .map(|o| {
                vec![
                    esc(fr(o.channel)),
                    esc(fr(o.initiative)),
                    cell_html(o.count),
                ]
            })
            .collect(),
    ));
    b.push_str(&table(
        &["Initiative", "Situations", "Part"],
        r.origin_by_initiative
            .iter()
            .map(|o| vec![esc(fr(o.key)), cell_html(o.count), pct(o.percent)])
            .collect(),
    ));
    b.push_str("<h2>Problématiques (plusieurs par situation)</h2>");
    b.push_str(&bar_chart(
        "Problématiques",
        &r.problems
            .iter()
            .filter(|p| p.count != Some(0))
            .map(|p| (fr(p.key).to_owned(), p.count))
            .collect::<Vec<_>>(),
    ));
    b.push_str("<h2>Entretiens par modalité</h2>");
    b.push_str(&table(
        &["Modalité", "Entretiens"],
        r.interviews
            .iter()
            .map(|i| vec![esc(fr(i.key)), cell_html(i.count)])
            .collect(),
    ));
    b.push_str("<h2>Statut, sexe et âge</h2>");
    b.push_str(&table(
        &["Statut", "Sexe", "Âge", "Situations"],
        r.roles
            .iter()
            .filter(|c| c.count != Some(0))
            .map(|c| {
                vec![
                    esc(fr(c.role)),
                    esc(fr(c.sex)),
                    esc(fr(c.age_band)),
                    cell_html(c.count),
                ]
            })
            .collect(),
    ));
    let re = &r.reachability;
    b.push_str("<h2>Joignabilité</h2>");
    b.push_str(&table(
        &["Indicateur", "Valeur"],
        vec![
            vec!["Situations à joindre".into(), cell_html(re.to_reach)],
            vec!["Personnes jointes".into(), cell_html(re.reached)],
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
    ));
    b.push_str("<h2>Orientations</h2>");
    let mut by_kind: Vec<(String, Cell)> = Vec::new();
    for k in PartnerKind::ALL {
        let cells: Vec<Cell> = r
            .orientations
            .iter()
            .filter(|o| o.partner_kind == *k)
            .map(|o| o.count)
            .collect();
        let total = if cells.iter().any(Option::is_none) {
            None
        } else {
            Some(cells.iter().flatten().sum())
        };
        by_kind.push((fr(*k).to_owned(), total));
    }
    b.push_str(&bar_chart("Orientations par type de partenaire", &by_kind));
    b.push_str(&table(
        &["Partenaire", "Statut", "Orientations"],
        r.orientations
            .iter()
            .filter(|o| o.count != Some(0))
            .map(|o| {
                vec![
                    esc(fr(o.partner_kind)),
                    esc(fr(o.status)),
                    cell_html(o.count),
                ]
            })
            .collect(),
    ));
    b.push_str("<h2>Clôtures</h2>");
    b.push_str(&table(
        &["Motif", "Situations"],
        r.closures
            .iter()
            .map(|c| vec![esc(fr(c.key)), cell_html(c.count)])
            .collect(),
    ));
    b.push_str("<h2>Enfants en danger : signalements</h2>");
    b.push_str(&table(
        &["Destinataire", "Signalements"],
        r.child_reports
            .iter()
            .map(|c| vec![esc(fr(c.key)), cell_html(c.count)])
            .collect(),
    ));
    b.push_str("<h2>Activité mensuelle</h2>");
    b.push_str(&month_chart(r));
    b.push_str(&table(
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
                    esc(&m.month),
                    cell_html(m.new_situations),
                    cell_html(m.interviews),
                    cell_html(m.attempts),
                    cell_html(m.anonymous_contacts),
                ]
            })
            .collect(),
    ));
    b.push_str("<p><small>Chiffres calculés à partir des données enregistrées dans Relais. Personnes accompagnées : personnes distinctes ayant fait l'objet d'au moins une action (tentative de contact, entretien, orientation, signalement) sur la période.</small></p></body></html>");
    b
}
