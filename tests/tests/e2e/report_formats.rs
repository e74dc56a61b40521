//! The report's three formats publish the same figures (issue 26 §1, "from any of the three
//! formats"): the CSV, read back by a reader of its own into a report, is the JSON's report
//! cell for cell (so the reader that solves every total of the JSON has read the CSV too);
//! the printable page prints every hidden count as its kind says and adds no figure but sums
//! whose parts it shows.

use relais_domain::report::{Audience, Cell, Hidden, PlaceRowKind, Report, compute};
use relais_tests::{Server, paris_today};

/// A cell no CSV row has filled: the round trip fails on it.
const UNREAD: Cell = Cell::Shown(u32::MAX);

fn unread(r: &mut Report) {
    // Never a real ratio: a row left unread shows in the comparison.
    let pct = Some(-1.0);
    r.people_accompanied = UNREAD;
    r.new_situations = UNREAD;
    r.interviews_total = UNREAD;
    r.minors = UNREAD;
    r.anonymous_contacts = UNREAD;
    r.interviews.iter_mut().for_each(|c| c.count = UNREAD);
    r.origins.iter_mut().for_each(|c| c.count = UNREAD);
    for s in &mut r.origin_by_channel {
        (s.count, s.percent) = (UNREAD, pct);
    }
    for s in &mut r.origin_by_initiative {
        (s.count, s.percent) = (UNREAD, pct);
    }
    r.problems.iter_mut().for_each(|c| c.count = UNREAD);
    r.roles.iter_mut().for_each(|c| c.count = UNREAD);
    let re = &mut r.reachability;
    (re.to_reach, re.reached) = (UNREAD, UNREAD);
    (
        re.percent_reached,
        re.median_hours_to_first_contact,
        re.attempts_per_contact,
    ) = (pct, pct, pct);
    r.orientations.iter_mut().for_each(|c| c.count = UNREAD);
    r.closures.iter_mut().for_each(|c| c.count = UNREAD);
    r.child_reports.iter_mut().for_each(|c| c.count = UNREAD);
    r.anonymous_by_channel
        .iter_mut()
        .for_each(|c| c.count = UNREAD);
    for p in r.by_commune.iter_mut().chain(r.by_site.iter_mut()) {
        (p.new_situations, p.people_accompanied, p.interviews) = (UNREAD, UNREAD, UNREAD);
    }
    for m in &mut r.monthly {
        m.new_situations = UNREAD;
        m.interviews = UNREAD;
        m.attempts = UNREAD;
        m.anonymous_contacts = UNREAD;
    }
}

/// A count as the CSV writes it: its value and its kind.
fn count(value: &str, kind: &str) -> Cell {
    match (value, kind) {
        ("<5", "small") => Cell::Hidden(Hidden::Small),
        ("withheld", "withheld") => Cell::Hidden(Hidden::Withheld),
        (n, "shown") => Cell::Shown(n.parse().unwrap_or_else(|_| panic!("a count: {n}"))),
        other => panic!("a count reads {other:?}"),
    }
}

/// A ratio as the CSV writes it: a number, or empty (withheld outside, or nothing to compute).
fn ratio(value: &str, kind: &str) -> Option<f64> {
    match kind {
        "shown" => Some(value.parse().unwrap_or_else(|_| panic!("a ratio: {value}"))),
        "withheld" | "" if value.is_empty() => None,
        other => panic!("a ratio reads {value:?} {other:?}"),
    }
}

/// The CSV read back into `like`'s shape: every cell from its row, and no row left over
/// (the range rows, the prevention and comparison rows are checked against `like` as read).
fn read_csv(csv: &str, like: &Report) -> Report {
    let mut r = like.clone();
    unread(&mut r);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("section,dimension_1,dimension_2,dimension_3,value,kind")
    );
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 6, "{line}");
        let (s, a, b, c, v, k) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        let place = |found: bool| assert!(found, "a row of no cell: {line}");
        match s {
            "range" | "prevention" | "prevention_public" | "comparison" | "convention" => {}
            "by_commune" | "by_site" => {
                let rows = if s == "by_commune" {
                    &mut r.by_commune
                } else {
                    &mut r.by_site
                };
                let at = rows.iter_mut().find(|p| match p.place {
                    PlaceRowKind::Listed => p.code.as_deref() == Some(a),
                    PlaceRowKind::Other => a == "other",
                    PlaceRowKind::Unknown => a == "unknown",
                });
                let Some(p) = at else {
                    place(false);
                    continue;
                };
                assert_eq!(c, p.name.as_deref().unwrap_or(""), "{line}");
                match b {
                    "new_situations" => p.new_situations = count(v, k),
                    "people_accompanied" => p.people_accompanied = count(v, k),
                    "interviews" => p.interviews = count(v, k),
                    _ => place(false),
                }
            }
            "people_accompanied" => r.people_accompanied = count(v, k),
            "new_situations" => r.new_situations = count(v, k),
            "minors" => r.minors = count(v, k),
            "interviews" if a == "total" => r.interviews_total = count(v, k),
            "interviews" => place(
                r.interviews
                    .iter_mut()
                    .find(|x| x.key.as_str() == a)
                    .map(|x| x.count = count(v, k))
                    .is_some(),
            ),
            "origin" => place(
                r.origins
                    .iter_mut()
                    .find(|x| x.channel.as_str() == a && x.initiative.as_str() == b)
                    .map(|x| x.count = count(v, k))
                    .is_some(),
            ),
            "origin_by_channel" => place(
                r.origin_by_channel
                    .iter_mut()
                    .find(|x| x.key.as_str() == a)
                    .map(|x| match b {
                        "count" => x.count = count(v, k),
                        _ => x.percent = ratio(v, k),
                    })
                    .is_some(),
            ),
            "origin_by_initiative" => place(
                r.origin_by_initiative
                    .iter_mut()
                    .find(|x| x.key.as_str() == a)
                    .map(|x| match b {
                        "count" => x.count = count(v, k),
                        _ => x.percent = ratio(v, k),
                    })
                    .is_some(),
            ),
            "problems" => place(
                r.problems
                    .iter_mut()
                    .find(|x| x.key.as_str() == a)
                    .map(|x| x.count = count(v, k))
                    .is_some(),
            ),
            "roles" => place(
                r.roles
                    .iter_mut()
                    .find(|x| {
                        x.role.as_str() == a && x.sex.as_str() == b && x.age_band.as_str() == c
                    })
                    .map(|x| x.count = count(v, k))
                    .is_some(),
            ),
            "reachability" => {
                let re = &mut r.reachability;
                match a {
                    "to_reach" => re.to_reach = count(v, k),
                    "reached" => re.reached = count(v, k),
                    "percent_reached" => re.percent_reached = ratio(v, k),
                    "median_hours_to_first_contact" => {
                        re.median_hours_to_first_contact = ratio(v, k)
                    }
                    "attempts_per_contact" => re.attempts_per_contact = ratio(v, k),
                    _ => place(false),
                }
            }
            "orientations" => place(
                r.orientations
                    .iter_mut()
                    .find(|x| x.partner_kind.as_str() == a && x.status.as_str() == b)
                    .map(|x| x.count = count(v, k))
                    .is_some(),
            ),
            "closures" => place(
                r.closures
                    .iter_mut()
                    .find(|x| x.key.as_str() == a)
                    .map(|x| x.count = count(v, k))
                    .is_some(),
            ),
            "child_reports" => place(
                r.child_reports
                    .iter_mut()
                    .find(|x| x.key.as_str() == a)
                    .map(|x| x.count = count(v, k))
                    .is_some(),
            ),
            "anonymous_contacts" if a == "total" => r.anonymous_contacts = count(v, k),
            "anonymous_contacts" => place(
                r.anonymous_by_channel
                    .iter_mut()
                    .find(|x| x.key.as_str() == a)
                    .map(|x| x.count = count(v, k))
                    .is_some(),
            ),
            "monthly" => {
                let m = r.monthly.iter_mut().find(|m| m.month == a);
                let Some(m) = m else {
                    place(false);
                    continue;
                };
                match b {
                    "new_situations" => m.new_situations = count(v, k),
                    "interviews" => m.interviews = count(v, k),
                    "attempts" => m.attempts = count(v, k),
                    "anonymous_contacts" => m.anonymous_contacts = count(v, k),
                    "prevention_actions" => {
                        assert_eq!(count(v, k), Cell::Shown(m.prevention_actions), "{line}")
                    }
                    "people_reached" => {
                        assert_eq!(count(v, k), Cell::Shown(m.people_reached), "{line}")
                    }
                    _ => place(false),
                }
            }
            _ => place(false),
        }
    }
    r
}

/// Every figure of the printable page's tables: a hidden count reads as its kind, and the
/// page holds no more "< 5" or "masqué" than the report has hidden cells it prints.
fn page_says_each_kind(page: &str, r: &Report) {
    let small = page.matches("<td>&lt; 5</td>").count() + page.matches("<td>&#60; 5</td>").count();
    let withheld = page.matches("<td>masqué</td>").count();
    let cells = serde_json::to_value(r).unwrap().to_string();
    let (json_small, json_withheld) = (
        cells.matches("\"small\"").count(),
        cells.matches("\"withheld\"").count(),
    );
    assert!(
        small <= json_small,
        "{small} « < 5 » on the page, {json_small} in the JSON"
    );
    // The page adds one withheld total per partner kind with a hidden part (its chart).
    let kinds = relais_domain::casework::PartnerKind::ALL.len();
    assert!(
        withheld <= json_withheld + kinds,
        "{withheld} « masqué » on the page, {json_withheld} in the JSON"
    );
    assert!(
        !page.contains(">withheld<") && !page.contains(">small<"),
        "the page reads in French"
    );
}

/// Where two JSON documents first differ: the path and both values.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                first_difference(&x[k.as_str()], &y[k.as_str()], &format!("{at}.{k}"))
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}[{i}]"))),
        _ => (a != b).then(|| format!("{at}: {a} ≠ {b}")),
    }
}

#[tokio::test]
async fn the_csv_and_the_page_publish_the_json_s_figures_and_no_more() {
    use chrono::{Datelike, NaiveDate};
    use sea_orm::EntityTrait;
    let s = Server::start().await;
    relais_server::demo::seed(&s.state).await.unwrap();
    let org = relais_server::store::entities::organisation::Entity::find()
        .one(s.state.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    let y = paris_today().year();
    // Last year, the year before, and last year's quarters: small periods hide more.
    let mut periods = vec![
        (
            NaiveDate::from_ymd_opt(y - 1, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(y - 1, 12, 31).unwrap(),
        ),
        (
            NaiveDate::from_ymd_opt(y - 2, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(y - 2, 12, 31).unwrap(),
        ),
    ];
    for q in 0..4 {
        let first = NaiveDate::from_ymd_opt(y - 1, 3 * q + 1, 1).unwrap();
        let last = first
            .checked_add_months(chrono::Months::new(3))
            .unwrap()
            .pred_opt()
            .unwrap();
        periods.push((first, last));
    }
    let mut hidden = 0;
    for (from, to) in periods {
        let facts = relais_server::casework::report::load_facts(
            s.state.db(),
            s.state.cipher(),
            org,
            from,
            to,
        )
        .await
        .unwrap();
        for audience in [Audience::External, Audience::Internal] {
            let r = compute(&facts, from, to, audience);
            let csv = relais_server::render::report::csv(&r);
            let back = read_csv(&csv, &r);
            let differs = first_difference(
                &serde_json::to_value(&back).unwrap(),
                &serde_json::to_value(&r).unwrap(),
                "",
            );
            assert_eq!(
                differs, None,
                "{from}–{to} {audience:?}: the CSV read back is the JSON's report"
            );
            let found = relais_domain::report::reader::worked_out(&back);
            assert!(
                found.is_empty(),
                "{from}–{to}: from the CSV {}",
                found.join("\n")
            );
            let page =
                relais_server::render::report::html(&r, "Démo", relais_domain::words::Lang::Fr);
            page_says_each_kind(&page, &r);
            hidden += serde_json::to_value(&r)
                .unwrap()
                .to_string()
                .matches("\"withheld\"")
                .count();
        }
    }
    assert!(
        hidden > 0,
        "the periods hide something: the check has something to check"
    );
    s.stop().await;
}
