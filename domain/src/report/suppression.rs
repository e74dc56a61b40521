//! Suppression for outside the service: which counts an external report hides, and how a
//! hidden one is published (small, or withheld), so that no hidden count can be worked out
//! from the totals the report prints.

use super::*;

/// What a reader knows of a count: at least `.0`, at most `.1` (`None`: any size).
type Known = (u64, Option<u64>);

/// What a reader of the published report can tell of every cell: an interval per cell
/// (shown: its count; small: 1 to 4; withheld: any size), tightened by every published
/// total (`members` add up to `total`) until nothing changes. Sums of integer intervals are
/// intervals, so each step is exact for its group; repeated, it follows chains of groups
/// (a hidden total worked out in one group and used in the next).
fn what_a_reader_knows(
    raw: &[u32],
    hidden: &[bool],
    small: &[bool],
    groups: &[(Vec<usize>, usize)],
) -> Vec<Known> {
    let mut b: Vec<Known> = raw
        .iter()
        .zip(hidden.iter().zip(small))
        .map(|(v, (h, s))| match (h, s) {
            (false, _) => (u64::from(*v), Some(u64::from(*v))),
            (true, true) => (1, Some(u64::from(SUPPRESS_BELOW - 1))),
            // Withheld: any size, nothing (a zero may be withheld too).
            (true, false) => (0, None),
        })
        .collect();
    for _ in 0..1000 {
        let mut changed = false;
        for (members, total) in groups {
            let lo_sum: u64 = members.iter().map(|m| b[*m].0).sum();
            let unbounded = members.iter().filter(|m| b[**m].1.is_none()).count();
            let hi_sum: u64 = members.iter().filter_map(|m| b[*m].1).sum();
            // The total lies within what its members can add up to…
            let (tlo, thi) = b[*total];
            let t = (
                tlo.max(lo_sum),
                match (thi, unbounded) {
                    (Some(h), 0) => Some(h.min(hi_sum)),
                    (None, 0) => Some(hi_sum),
                    (h, _) => h,
                },
            );
            if t != b[*total] {
                b[*total] = t;
                changed = true;
            }
            // …and each member within the total less what the others can be.
            let (tlo, thi) = t;
            for m in members {
                let (lo, hi) = b[*m];
                let others_lo = lo_sum - lo;
                let others_hi = match hi {
                    Some(h) if unbounded == 0 => Some(hi_sum - h),
                    None if unbounded == 1 => Some(hi_sum),
                    _ => None,
                };
                let new_lo = match others_hi {
                    Some(o) => lo.max(tlo.saturating_sub(o)),
                    None => lo,
                };
                let new_hi = match (hi, thi) {
                    (Some(h), Some(t)) => Some(h.min(t.saturating_sub(others_lo))),
                    (None, Some(t)) => Some(t.saturating_sub(others_lo)),
                    (h, None) => h,
                };
                if (new_lo, new_hi) != (lo, hi) {
                    b[*m] = (new_lo, new_hi);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    b
}

/// Whether the reader has worked out hidden cell `i`: a small one narrowed below its four
/// possible values (1 to 4), or any one fixed to a single value.
fn is_disclosed(
    i: usize,
    hidden: &[bool],
    small: &[bool],
    known: &[Known],
    stuck: &[bool],
) -> bool {
    let (lo, hi) = known[i];
    hidden[i]
        && !stuck[i]
        && (Some(lo) == hi
            || (small[i] && (lo > 1 || hi.is_some_and(|h| h < u64::from(SUPPRESS_BELOW - 1)))))
}

/// Primary suppression (every count from 1 to 4), then complementary suppression: while a
/// reader who knows every published total (a row, a column, a breakdown of a shown figure,
/// chained) and which cells are small can work out a hidden cell (`what_a_reader_knows`),
/// hide one more. A cell hidden to protect another is published as withheld, never as
/// small.
pub(super) fn protect(r: &mut Report) {
    let mut cells: Vec<&mut Cell> = Vec::new();
    let at = |cells: &mut Vec<&mut Cell>| cells.len();
    // Layout: the position of every cell of the groups below.
    let interviews_total = at(&mut cells);
    cells.push(&mut r.interviews_total);
    let interviews: Vec<usize> = (0..r.interviews.len())
        .map(|i| interviews_total + 1 + i)
        .collect();
    cells.extend(r.interviews.iter_mut().map(|c| &mut c.count));
    let new_situations = at(&mut cells);
    cells.push(&mut r.new_situations);
    let by_channel: Vec<usize> = (0..r.origin_by_channel.len())
        .map(|i| new_situations + 1 + i)
        .collect();
    cells.extend(r.origin_by_channel.iter_mut().map(|c| &mut c.count));
    let start = at(&mut cells);
    let by_initiative: Vec<usize> = (0..r.origin_by_initiative.len())
        .map(|i| start + i)
        .collect();
    cells.extend(r.origin_by_initiative.iter_mut().map(|c| &mut c.count));
    let start = at(&mut cells);
    let origin_keys: Vec<(OriginChannel, Initiative)> = r
        .origins
        .iter()
        .map(|o| (o.channel, o.initiative))
        .collect();
    cells.extend(r.origins.iter_mut().map(|c| &mut c.count));
    let origin_at = |c: OriginChannel, i: Initiative| {
        origin_keys
            .iter()
            .position(|k| *k == (c, i))
            .map(|p| start + p)
    };
    let start = at(&mut cells);
    let role_bands: Vec<AgeBand> = r.roles.iter().map(|c| c.age_band).collect();
    let roles: Vec<usize> = (0..r.roles.len()).map(|i| start + i).collect();
    cells.extend(r.roles.iter_mut().map(|c| &mut c.count));
    let minors = at(&mut cells);
    cells.push(&mut r.minors);
    let anonymous_total = at(&mut cells);
    cells.push(&mut r.anonymous_contacts);
    let anonymous: Vec<usize> = (0..r.anonymous_by_channel.len())
        .map(|i| anonymous_total + 1 + i)
        .collect();
    cells.extend(r.anonymous_by_channel.iter_mut().map(|c| &mut c.count));
    let start = at(&mut cells);
    let months = r.monthly.len();
    for m in r.monthly.iter_mut() {
        cells.push(&mut m.new_situations);
        cells.push(&mut m.interviews);
        cells.push(&mut m.attempts);
        cells.push(&mut m.anonymous_contacts);
    }
    let month_col =
        |col: usize| -> Vec<usize> { (0..months).map(|m| start + 4 * m + col).collect() };
    let people = at(&mut cells);
    cells.push(&mut r.people_accompanied);
    // By commune and by site: three columns each, (new situations, people, interviews).
    let mut place_cols: Vec<[Vec<usize>; 3]> = Vec::new();
    for rows in [&mut r.by_commune, &mut r.by_site] {
        let start = at(&mut cells);
        let n = rows.len();
        for row in rows.iter_mut() {
            cells.push(&mut row.new_situations);
            cells.push(&mut row.people_accompanied);
            cells.push(&mut row.interviews);
        }
        let col = |k: usize| -> Vec<usize> { (0..n).map(|i| start + 3 * i + k).collect() };
        place_cols.push([col(0), col(1), col(2)]);
    }
    // Every other count (problems, closures, orientations…) is primary-suppressed only:
    // no total of theirs is published.
    cells.push(&mut r.reachability.to_reach);
    cells.push(&mut r.reachability.reached);
    cells.extend(r.problems.iter_mut().map(|c| &mut c.count));
    cells.extend(r.orientations.iter_mut().map(|c| &mut c.count));
    cells.extend(r.closures.iter_mut().map(|c| &mut c.count));
    cells.extend(r.child_reports.iter_mut().map(|c| &mut c.count));

    // (members, the published total they add up to)
    let mut groups: Vec<(Vec<usize>, usize)> = vec![
        (interviews, interviews_total),
        (by_channel.clone(), new_situations),
        (by_initiative.clone(), new_situations),
        (roles.clone(), new_situations),
        (
            roles
                .iter()
                .zip(&role_bands)
                .filter(|(_, b)| **b == AgeBand::Under18)
                .map(|(i, _)| *i)
                .collect(),
            minors,
        ),
        (anonymous, anonymous_total),
        (month_col(0), new_situations),
        (month_col(1), interviews_total),
        (month_col(3), anonymous_total),
    ];
    for [new, persons, held] in place_cols {
        groups.push((new, new_situations));
        groups.push((persons, people));
        groups.push((held, interviews_total));
    }
    for (ci, c) in OriginChannel::ALL.iter().enumerate() {
        let row = Initiative::ALL
            .iter()
            .filter_map(|i| origin_at(*c, *i))
            .collect();
        groups.push((row, by_channel[ci]));
    }
    for (ii, i) in Initiative::ALL.iter().enumerate() {
        let col = OriginChannel::ALL
            .iter()
            .filter_map(|c| origin_at(*c, *i))
            .collect();
        groups.push((col, by_initiative[ii]));
    }

    let mut raw: Vec<u32> = cells.iter().map(|c| c.shown().unwrap_or(0)).collect();
    // A total the report does not print but gives: the adults, new situations less minors,
    // whose roles add up to it. Without it a reader who subtracts the minors' equation from
    // the roles' narrows an adult's small cell the groups one by one do not show. It is a
    // cell of the reader's only: never hidden itself, unknown when either term is.
    let adults = raw.len();
    raw.push(raw[new_situations].saturating_sub(raw[minors]));
    groups.push((
        roles
            .iter()
            .zip(&role_bands)
            .filter(|(_, b)| **b != AgeBand::Under18)
            .map(|(i, _)| *i)
            .collect(),
        adults,
    ));
    groups.push((vec![minors, adults], new_situations));
    let small: Vec<bool> = raw
        .iter()
        .enumerate()
        .map(|(i, v)| i != adults && (1..SUPPRESS_BELOW).contains(v))
        .collect();
    let mut hidden = small.clone();
    // Hide more until a reader of the published totals can work out no hidden cell: in a
    // group of the disclosed cell, its smallest shown count (or, when none is left, the
    // group's total); every step hides one more cell, so it ends.
    // `small`: hidden and published as small. A cell hidden to protect another is published
    // as withheld (any size); so is a small one whose label alone would tell too much (two
    // small counts under a small total say the total is not 1).
    let mut small = small;
    let mut stuck = vec![false; raw.len()];
    stuck[adults] = true;
    let disclosed = |hidden: &[bool], small: &[bool], stuck: &[bool]| {
        let mut hidden = hidden.to_vec();
        hidden[adults] = hidden[new_situations] || hidden[minors];
        let hidden = &hidden[..];
        let known = what_a_reader_knows(&raw, hidden, small, &groups);
        let all: Vec<usize> = (0..raw.len())
            .filter(|c| is_disclosed(*c, hidden, small, &known, stuck))
            .collect();
        all
    };
    // What may change around a disclosed cell: a small one published as withheld instead
    // (it hides nothing more: cost 0), or one more count hidden, a member or a total of its
    // groups (cost: the count, plus one, so a zero is not free).
    let around = |i: usize| {
        let mut a: Vec<usize> = groups
            .iter()
            .filter(|(members, total)| *total == i || members.contains(&i))
            .flat_map(|(members, total)| members.iter().copied().chain([*total]))
            .collect();
        a.sort_unstable();
        a.dedup();
        a
    };
    let change = |c: usize, hidden: &[bool], small: &[bool]| {
        if c == adults {
            return None;
        }
        let (mut h, mut sm) = (hidden.to_vec(), small.to_vec());
        let cost = if hidden[c] && small[c] {
            sm[c] = false;
            0
        } else if !hidden[c] {
            h[c] = true;
            1 + u64::from(raw[c])
        } else {
            return None;
        };
        Some((h, sm, cost))
    };
    loop {
        let now = disclosed(&hidden, &small, &stuck);
        let Some(&i) = now.first() else {
            break;
        };
        // Of the changes that leave fewer cells worked out, the one that hides least. When
        // no single change does (hiding a channel's total gives it back from its row), the
        // cheapest pair: a change, then one around the first cell it gives away.
        let mut best: Option<(u64, Vec<bool>, Vec<bool>)> = None;
        fn keep(
            best: &mut Option<(u64, Vec<bool>, Vec<bool>)>,
            cost: u64,
            h: Vec<bool>,
            sm: Vec<bool>,
        ) {
            if best.as_ref().is_none_or(|b| cost < b.0) {
                *best = Some((cost, h, sm));
            }
        }
        let mut firsts = Vec::new();
        for c in around(i) {
            let Some((h, sm, cost)) = change(c, &hidden, &small) else {
                continue;
            };
            let left = disclosed(&h, &sm, &stuck);
            if left.len() < now.len() {
                keep(&mut best, cost, h, sm);
            } else {
                firsts.push((h, sm, cost, left));
            }
        }
        if best.is_none() {
            for (h, sm, cost, left) in firsts {
                let next = left
                    .iter()
                    .copied()
                    .find(|d| !now.contains(d))
                    .or(left.first().copied());
                let Some(d) = next else { continue };
                for c in around(d) {
                    let Some((h2, sm2, cost2)) = change(c, &h, &sm) else {
                        continue;
                    };
                    if disclosed(&h2, &sm2, &stuck).len() < now.len() {
                        keep(&mut best, cost + cost2, h2, sm2);
                    }
                }
            }
        }
        match best {
            Some((_, h, sm)) => {
                hidden = h;
                small = sm;
            }
            // Nothing around it helps, even in two steps: hide its groups' totals (the
            // loop goes on from there), or, with nothing left, leave it.
            None => {
                let total = around(i).into_iter().find(|c| *c != adults && !hidden[*c]);
                match total {
                    Some(c) => hidden[c] = true,
                    None => stuck[i] = true,
                }
            }
        }
    }
    for ((c, h), s) in cells.into_iter().zip(hidden).zip(small) {
        if h {
            *c = Cell::Hidden(if s { Hidden::Small } else { Hidden::Withheld });
        }
    }
    // A share gives its count back from its base: hidden with it.
    if r.reachability.reached.is_hidden() || r.reachability.to_reach.is_hidden() {
        r.reachability.percent_reached = None;
    }
    for sh in &mut r.origin_by_channel {
        if sh.count.is_hidden() {
            sh.percent = None;
        }
    }
    for sh in &mut r.origin_by_initiative {
        if sh.count.is_hidden() {
            sh.percent = None;
        }
    }
}
