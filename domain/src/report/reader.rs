//! A reader who solves every published total at once (issue 26 §1). For each hidden cell of
//! an external report, the least and the most it can be under all the report's equations
//! together — every total, every cell's kind: a linear programme, solved by a simplex
//! written here, independent of `protect`. `worked_out` lists what such a reader gets: a
//! hidden cell fixed, or a small one narrowed below its four values. It should be empty.

// A simplex tableau is read by row and column.
#![allow(clippy::needless_range_loop)]

use super::*;

/// A cell of the report by where it is published, so that a cell in two equations is one
/// unknown.
fn cells_of(r: &Report) -> Vec<(String, Cell)> {
    let mut v = vec![
        ("new".to_owned(), r.new_situations),
        ("interviews".to_owned(), r.interviews_total),
        ("minors".to_owned(), r.minors),
        ("anonymous".to_owned(), r.anonymous_contacts),
    ];
    for c in &r.interviews {
        v.push((format!("interviews.{}", c.key.as_str()), c.count));
    }
    for c in &r.origin_by_channel {
        v.push((format!("channel.{}", c.key.as_str()), c.count));
    }
    for c in &r.origin_by_initiative {
        v.push((format!("initiative.{}", c.key.as_str()), c.count));
    }
    for c in &r.origins {
        let at = format!("origin.{}.{}", c.channel.as_str(), c.initiative.as_str());
        v.push((at, c.count));
    }
    for (i, c) in r.roles.iter().enumerate() {
        v.push((format!("role.{i}"), c.count));
    }
    for c in &r.anonymous_by_channel {
        v.push((format!("anonymous.{}", c.key.as_str()), c.count));
    }
    v.push(("people".to_owned(), r.people_accompanied));
    for (table, rows) in [("commune", &r.by_commune), ("site", &r.by_site)] {
        for (i, row) in rows.iter().enumerate() {
            v.push((format!("{table}.{i}.new"), row.new_situations));
            v.push((format!("{table}.{i}.people"), row.people_accompanied));
            v.push((format!("{table}.{i}.interviews"), row.interviews));
        }
    }
    for m in &r.monthly {
        v.push((format!("month.{}.new", m.month), m.new_situations));
        v.push((format!("month.{}.interviews", m.month), m.interviews));
        v.push((format!("month.{}.anonymous", m.month), m.anonymous_contacts));
    }
    v
}

/// Every total the report publishes, by the cells' places: (parts, total).
fn equations(r: &Report) -> Vec<(Vec<String>, String)> {
    let each = |prefix: &str, keys: Vec<&str>| -> Vec<String> {
        keys.into_iter().map(|k| format!("{prefix}.{k}")).collect()
    };
    let channels: Vec<&str> = OriginChannel::ALL.iter().map(|c| c.as_str()).collect();
    let initiatives: Vec<&str> = Initiative::ALL.iter().map(|i| i.as_str()).collect();
    let months: Vec<&str> = r.monthly.iter().map(|m| m.month.as_str()).collect();
    let mut e = vec![
        (
            each(
                "interviews",
                r.interviews.iter().map(|c| c.key.as_str()).collect(),
            ),
            "interviews".to_owned(),
        ),
        (each("channel", channels.clone()), "new".to_owned()),
        (each("initiative", initiatives.clone()), "new".to_owned()),
        (
            (0..r.roles.len()).map(|i| format!("role.{i}")).collect(),
            "new".to_owned(),
        ),
        (
            r.roles
                .iter()
                .enumerate()
                .filter(|(_, c)| c.age_band == AgeBand::Under18)
                .map(|(i, _)| format!("role.{i}"))
                .collect(),
            "minors".to_owned(),
        ),
        (
            each(
                "anonymous",
                r.anonymous_by_channel
                    .iter()
                    .map(|c| c.key.as_str())
                    .collect(),
            ),
            "anonymous".to_owned(),
        ),
    ];
    for (col, total) in [
        ("new", "new"),
        ("interviews", "interviews"),
        ("anonymous", "anonymous"),
    ] {
        let parts = months.iter().map(|m| format!("month.{m}.{col}")).collect();
        e.push((parts, total.to_owned()));
    }
    for (table, rows) in [("commune", &r.by_commune), ("site", &r.by_site)] {
        for (col, total) in [
            ("new", "new"),
            ("people", "people"),
            ("interviews", "interviews"),
        ] {
            let parts = (0..rows.len())
                .map(|i| format!("{table}.{i}.{col}"))
                .collect();
            e.push((parts, total.to_owned()));
        }
    }
    for c in &channels {
        let parts = initiatives
            .iter()
            .map(|i| format!("origin.{c}.{i}"))
            .collect();
        e.push((parts, format!("channel.{c}")));
    }
    for i in &initiatives {
        let parts = channels.iter().map(|c| format!("origin.{c}.{i}")).collect();
        e.push((parts, format!("initiative.{i}")));
    }
    e
}

/// What a withheld cell can be, to this reader: anything up to a bound no count reaches.
const ANY: f64 = 100_000.0;

/// min or max of `c · y` subject to `a y = b`, `0 ≤ y ≤ u`, by the two-phase simplex on a
/// dense tableau with Bland's rule (no cycling). `None`: infeasible.
fn optimise(a: &[Vec<f64>], b: &[f64], u: &[f64], c: &[f64], maximise: bool) -> Option<f64> {
    let n = u.len();
    // Rows: the equations, then y_j + s_j = u_j. Columns: y, s, artificials, rhs.
    let m = a.len() + n;
    let cols = n + n + m + 1;
    let mut t = vec![vec![0.0; cols]; m + 1];
    for (r, row) in a.iter().enumerate() {
        let sign = if b[r] < 0.0 { -1.0 } else { 1.0 };
        for j in 0..n {
            t[r][j] = sign * row[j];
        }
        t[r][n + n + r] = 1.0;
        t[r][cols - 1] = sign * b[r];
    }
    for j in 0..n {
        let r = a.len() + j;
        t[r][j] = 1.0;
        t[r][n + j] = 1.0;
        t[r][n + n + r] = 1.0;
        t[r][cols - 1] = u[j];
    }
    let mut basis: Vec<usize> = (0..m).map(|r| n + n + r).collect();
    let eps = 1e-9;
    let pivot = |t: &mut Vec<Vec<f64>>, basis: &mut Vec<usize>, r: usize, col: usize| {
        let p = t[r][col];
        for x in t[r].iter_mut() {
            *x /= p;
        }
        for i in 0..t.len() {
            if i != r && t[i][col].abs() > eps {
                let f = t[i][col];
                for j in 0..cols {
                    t[i][j] -= f * t[r][j];
                }
            }
        }
        basis[r] = col;
    };
    // Minimise the objective row `obj` (reduced costs in the last row) over `allowed` columns.
    let run = |t: &mut Vec<Vec<f64>>, basis: &mut Vec<usize>, allowed: usize| -> bool {
        for _ in 0..10_000 {
            let Some(col) = (0..allowed).find(|j| t[m][*j] < -eps) else {
                return true;
            };
            let mut best: Option<(f64, usize)> = None;
            for r in 0..m {
                if t[r][col] > eps {
                    let ratio = t[r][cols - 1] / t[r][col];
                    if best.is_none_or(|(b, br)| {
                        ratio < b - eps || (ratio < b + eps && basis[r] < basis[br])
                    }) {
                        best = Some((ratio, r));
                    }
                }
            }
            match best {
                Some((_, r)) => pivot(t, basis, r, col),
                None => return false, // unbounded
            }
        }
        false
    };
    // Phase 1: minimise the sum of the artificials.
    for j in 0..cols {
        t[m][j] = -(0..m).map(|r| t[r][j]).sum::<f64>();
    }
    for r in 0..m {
        t[m][n + n + r] = 0.0;
    }
    if !run(&mut t, &mut basis, n + n) || t[m][cols - 1].abs() > 1e-6 {
        return None;
    }
    // An artificial left in the basis (at zero) leaves it, so phase 2 cannot raise it.
    for r in 0..m {
        if basis[r] >= n + n
            && let Some(col) = (0..n + n).find(|j| t[r][*j].abs() > eps)
        {
            pivot(&mut t, &mut basis, r, col);
        }
    }
    // Phase 2: the objective (minimise c·y, or −c·y to maximise), over y and s only.
    let sign = if maximise { -1.0 } else { 1.0 };
    for j in 0..cols {
        t[m][j] = 0.0;
    }
    for j in 0..n {
        t[m][j] = sign * c[j];
    }
    for r in 0..m {
        let bj = basis[r];
        if t[m][bj].abs() > eps {
            let f = t[m][bj];
            for j in 0..cols {
                t[m][j] -= f * t[r][j];
            }
        }
    }
    if !run(&mut t, &mut basis, n + n) {
        return Some(if maximise { ANY } else { 0.0 });
    }
    Some(sign * -t[m][cols - 1])
}

/// For every hidden cell, its least and most possible value under all the published
/// totals at once (the linear relaxation: an outer bound of what an integer reader can do).
fn bounds(r: &Report) -> Vec<(String, Hidden, f64, f64)> {
    let cells = cells_of(r);
    let hidden: Vec<(String, Hidden)> = cells
        .iter()
        .filter_map(|(at, c)| match c {
            Cell::Hidden(h) => Some((at.clone(), *h)),
            Cell::Shown(_) => None,
        })
        .collect();
    let index = |at: &str| hidden.iter().position(|(h, _)| h == at);
    let value = |at: &str| {
        cells
            .iter()
            .find(|(a, _)| a == at)
            .and_then(|(_, c)| c.shown())
    };
    let lo: Vec<f64> = hidden
        .iter()
        .map(|(_, h)| if *h == Hidden::Small { 1.0 } else { 0.0 })
        .collect();
    let u: Vec<f64> = hidden
        .iter()
        .map(|(_, h)| if *h == Hidden::Small { 3.0 } else { ANY })
        .collect();
    // Σ parts − total = 0, the shown ones moved right, y = x − lo.
    let mut a = Vec::new();
    let mut b = Vec::new();
    for (parts, total) in equations(r) {
        let mut row = vec![0.0; hidden.len()];
        let mut rhs = 0.0;
        let terms = parts
            .iter()
            .map(|p| (p.as_str(), 1.0))
            .chain([(total.as_str(), -1.0)]);
        for (at, coef) in terms {
            match index(at) {
                Some(k) => {
                    row[k] += coef;
                    rhs -= coef * lo[k];
                }
                None => rhs -= coef * f64::from(value(at).unwrap_or(0)),
            }
        }
        if row.iter().any(|x| *x != 0.0) {
            a.push(row);
            b.push(rhs);
        }
    }
    // The true counts satisfy every equation, so each programme is feasible; one that is
    // not (a label that lies) is left out here and caught by the tests of the labels.
    (0..hidden.len())
        .filter_map(|k| {
            let mut c = vec![0.0; hidden.len()];
            c[k] = 1.0;
            let least = optimise(&a, &b, &u, &c, false)?;
            let most = optimise(&a, &b, &u, &c, true)?;
            Some((
                hidden[k].0.clone(),
                hidden[k].1,
                lo[k] + least,
                lo[k] + most,
            ))
        })
        .collect()
}

/// The equations a cell is in, with what the report shows of each term.
fn explain(r: &Report, at: &str) -> String {
    let cells = cells_of(r);
    let show = |a: &str| {
        let c = cells.iter().find(|(x, _)| x == a).map(|(_, c)| *c);
        format!(
            "{a}={}",
            c.map(|c| c.text(crate::words::Lang::En))
                .unwrap_or_default()
        )
    };
    equations(r)
        .into_iter()
        .filter(|(p, t)| t == at || p.iter().any(|x| x == at))
        .map(|(p, t)| {
            let parts: Vec<String> = p.iter().map(|x| show(x)).collect();
            format!("{} = {}", show(&t), parts.join(" + "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a reader of every total at once works out of `r`: each hidden cell fixed to one
/// value, or small and narrowed below 1 to 4, with the equations it is in.
pub fn worked_out(r: &Report) -> Vec<String> {
    let mut found = Vec::new();
    for (at, kind, least, most) in bounds(r) {
        // An integer reader rounds the bounds inwards.
        let (least, most) = ((least - 1e-6).ceil(), (most + 1e-6).floor());
        let told = match kind {
            Hidden::Small => least > 1.0 || most < f64::from(SUPPRESS_BELOW - 1),
            Hidden::Withheld => least >= most,
        };
        if told {
            found.push(format!(
                "{kind:?} {at} worked out as {least}..={most}\n{}",
                explain(r, &at)
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::tests::random_year;
    use super::*;

    #[test]
    fn the_simplex_finds_what_a_subtraction_gives_away() {
        // x + y = 7, x ≤ 3, y ≤ 3 (shifted small cells): x is at least 4 − … infeasible beyond;
        // x + y = 2 with both in 0..=3: x from 0 to 2.
        let a = vec![vec![1.0, 1.0]];
        let (u, c) = (vec![3.0, 3.0], vec![1.0, 0.0]);
        assert_eq!(optimise(&a, &[2.0], &u, &c, false), Some(0.0));
        assert_eq!(optimise(&a, &[2.0], &u, &c, true), Some(2.0));
        assert_eq!(optimise(&a, &[7.0], &u, &c, true), None);
        // x − z = 0 with z free up to ANY: x's bounds stay 0..=3.
        let a = vec![vec![1.0, -1.0]];
        let u = vec![3.0, ANY];
        assert_eq!(optimise(&a, &[0.0], &u, &c, true), Some(3.0));
    }

    /// Over random years, a reader who solves all the totals together works out no hidden cell.
    #[test]
    fn a_reader_of_every_total_at_once_works_out_no_hidden_cell() {
        let mut seed: u64 = 0xfeed;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
        for round in 0..500 {
            let f = random_year(&mut rnd);
            let x = compute(&f, day(1, 1), day(12, 31), Audience::External);
            let found = worked_out(&x);
            assert!(found.is_empty(), "round {round}: {}", found.join("\n"));
        }
    }
}
