//! The activity report as CSV: one row per figure, with its kind (shown, or hidden as small
//! or withheld in the external version).

use relais_domain::report::{Audience, Cell, PlaceRowKind, Report};
use std::fmt::Write as _;

/// A count's value and kind: the count; `<5` (small); `withheld` (hidden to protect
/// another, of any size).
pub(crate) fn cell_csv(c: Cell) -> (String, &'static str) {
    let v = match c {
        Cell::Shown(n) => n.to_string(),
        Cell::Hidden(relais_domain::report::Hidden::Small) => "<5".to_owned(),
        Cell::Hidden(relais_domain::report::Hidden::Withheld) => "withheld".to_owned(),
    };
    (v, c.kind())
}

/// A name as one column: no comma, no quote, no line break.
fn plain(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ',' => ';',
            '"' | '\n' | '\r' => ' ',
            c => c,
        })
        .collect()
}

/// One row per figure: `section,dimension_1,dimension_2,dimension_3,value,kind`; a count is
/// `shown`, `small` (value `<5`) or `withheld`; a ratio is `shown`, or empty and `withheld`
/// where the external version hides it (empty and kindless: nothing to compute it from).
pub fn csv(r: &Report) -> String {
    let external = r.audience == Audience::External;
    let opt_csv = |v: Option<f64>| -> (String, &'static str) {
        match v {
            Some(x) => (x.to_string(), "shown"),
            None if external => (String::new(), "withheld"),
            None => (String::new(), ""),
        }
    };
    let mut out = String::from("section,dimension_1,dimension_2,dimension_3,value,kind\n");
    let mut row = |s: &str, a: &str, b: &str, c: &str, (v, kind): (String, &str)| {
        let _ = writeln!(out, "{s},{a},{b},{c},{v},{kind}");
    };
    row("range", "from", "", "", (r.from.to_string(), ""));
    row("range", "to", "", "", (r.to.to_string(), ""));
    row(
        "range",
        "audience",
        "",
        "",
        (
            match r.audience {
                Audience::Internal => "internal",
                Audience::External => "external",
            }
            .into(),
            "",
        ),
    );
    row(
        "people_accompanied",
        "",
        "",
        "",
        cell_csv(r.people_accompanied),
    );
    row("new_situations", "", "", "", cell_csv(r.new_situations));
    row("interviews", "total", "", "", cell_csv(r.interviews_total));
    for i in &r.interviews {
        row("interviews", i.key.as_str(), "", "", cell_csv(i.count));
    }
    for o in &r.origins {
        row(
            "origin",
            o.channel.as_str(),
            o.initiative.as_str(),
            "",
            cell_csv(o.count),
        );
    }
    for o in &r.origin_by_channel {
        row(
            "origin_by_channel",
            o.key.as_str(),
            "count",
            "",
            cell_csv(o.count),
        );
        row(
            "origin_by_channel",
            o.key.as_str(),
            "percent",
            "",
            opt_csv(o.percent),
        );
    }
    for o in &r.origin_by_initiative {
        row(
            "origin_by_initiative",
            o.key.as_str(),
            "count",
            "",
            cell_csv(o.count),
        );
        row(
            "origin_by_initiative",
            o.key.as_str(),
            "percent",
            "",
            opt_csv(o.percent),
        );
    }
    for p in &r.problems {
        row("problems", p.key.as_str(), "", "", cell_csv(p.count));
    }
    for c in &r.roles {
        row(
            "roles",
            c.role.as_str(),
            c.sex.as_str(),
            c.age_band.as_str(),
            cell_csv(c.count),
        );
    }
    row("minors", "", "", "", cell_csv(r.minors));
    let re = &r.reachability;
    row("reachability", "to_reach", "", "", cell_csv(re.to_reach));
    row("reachability", "reached", "", "", cell_csv(re.reached));
    row(
        "reachability",
        "percent_reached",
        "",
        "",
        opt_csv(re.percent_reached),
    );
    row(
        "reachability",
        "median_hours_to_first_contact",
        "",
        "",
        opt_csv(re.median_hours_to_first_contact),
    );
    row(
        "reachability",
        "attempts_per_contact",
        "",
        "",
        opt_csv(re.attempts_per_contact),
    );
    for o in &r.orientations {
        row(
            "orientations",
            o.partner_kind.as_str(),
            o.status.as_str(),
            "",
            cell_csv(o.count),
        );
    }
    for c in &r.closures {
        row("closures", c.key.as_str(), "", "", cell_csv(c.count));
    }
    for c in &r.child_reports {
        row("child_reports", c.key.as_str(), "", "", cell_csv(c.count));
    }
    row(
        "anonymous_contacts",
        "total",
        "",
        "",
        cell_csv(r.anonymous_contacts),
    );
    for c in &r.anonymous_by_channel {
        row(
            "anonymous_contacts",
            c.key.as_str(),
            "",
            "",
            cell_csv(c.count),
        );
    }
    let shown = |n: u32| (n.to_string(), "shown");
    let p = &r.prevention;
    row("prevention", "actions", "", "", shown(p.actions));
    row(
        "prevention",
        "people_reached",
        "",
        "",
        shown(p.people_reached),
    );
    for k in &p.by_kind {
        row(
            "prevention",
            k.kind.as_str(),
            "actions",
            "",
            shown(k.actions),
        );
        row(
            "prevention",
            k.kind.as_str(),
            "people_reached",
            "",
            shown(k.people_reached),
        );
    }
    for x in &p.by_public {
        row(
            "prevention_public",
            x.public.as_str(),
            "",
            "",
            shown(x.people_reached),
        );
    }
    row(
        "prevention_public",
        "not_given",
        "",
        "",
        shown(p.public_not_given),
    );
    // By place: the row's code (an INSEE code, a site's id, or `other` / `unknown`), the
    // figure, the name (its commas read as semicolons: one comma per column).
    for (section, rows) in [("by_commune", &r.by_commune), ("by_site", &r.by_site)] {
        for p in rows {
            let code = match p.place {
                PlaceRowKind::Listed => p.code.clone().unwrap_or_default(),
                PlaceRowKind::Other => "other".to_owned(),
                PlaceRowKind::Unknown => "unknown".to_owned(),
            };
            let name = plain(p.name.as_deref().unwrap_or(""));
            for (figure, c) in [
                ("new_situations", p.new_situations),
                ("people_accompanied", p.people_accompanied),
                ("interviews", p.interviews),
            ] {
                row(section, &code, figure, &name, cell_csv(c));
            }
        }
    }
    if let Some(c) = &r.convention {
        row("convention", "id", "", "", (c.id.to_string(), ""));
        row("convention", "funder", "", "", (plain(&c.funder), ""));
        for k in &c.communes {
            row(
                "convention",
                "commune",
                &k.code,
                &plain(&k.name),
                (String::new(), ""),
            );
        }
        for site in &c.sites {
            row("convention", "site", "", &plain(site), (String::new(), ""));
        }
        row(
            "convention",
            "valid_from",
            "",
            "",
            (c.valid_from.to_string(), ""),
        );
        row(
            "convention",
            "valid_until",
            "",
            "",
            (c.valid_until.to_string(), ""),
        );
        let overlapped = if c.overlapped { "yes" } else { "no" };
        row("convention", "overlapped", "", "", (overlapped.into(), ""));
    }
    if let Some(c) = &r.compared {
        row("comparison", "from", "", "", (c.from.to_string(), ""));
        row("comparison", "to", "", "", (c.to.to_string(), ""));
        for f in &c.figures {
            let k = f.figure.as_str();
            row("comparison", k, "now", "", cell_csv(f.now));
            row("comparison", k, "earlier", "", cell_csv(f.earlier));
            let (v, kind) = match f.change {
                Some(n) => (n.to_string(), "shown"),
                None => (String::new(), "withheld"),
            };
            row("comparison", k, "change", "", (v, kind));
            // From 0, a change has no percent: empty and kindless, nothing hidden.
            let percent = match (f.change, f.change_percent) {
                (Some(_), None) => (String::new(), ""),
                _ => opt_csv(f.change_percent),
            };
            row("comparison", k, "change_percent", "", percent);
        }
    }
    for m in &r.monthly {
        row(
            "monthly",
            &m.month,
            "prevention_actions",
            "",
            shown(m.prevention_actions),
        );
        row(
            "monthly",
            &m.month,
            "people_reached",
            "",
            shown(m.people_reached),
        );
        row(
            "monthly",
            &m.month,
            "new_situations",
            "",
            cell_csv(m.new_situations),
        );
        row(
            "monthly",
            &m.month,
            "interviews",
            "",
            cell_csv(m.interviews),
        );
        row("monthly", &m.month, "attempts", "", cell_csv(m.attempts));
        row(
            "monthly",
            &m.month,
            "anonymous_contacts",
            "",
            cell_csv(m.anonymous_contacts),
        );
    }
    out
}
