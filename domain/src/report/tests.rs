use super::*;
use chrono::TimeZone;

/// A cell read as the tests write it: `Some(n)` shown, `None` hidden (for any reason).
impl PartialEq<Option<u32>> for Cell {
    fn eq(&self, other: &Option<u32>) -> bool {
        self.shown() == *other
    }
}

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, day).unwrap()
}

fn iv(person: Option<Uuid>, on: NaiveDate, mode: InterviewMode) -> InterviewFact {
    InterviewFact {
        person,
        on,
        mode,
        site: None,
    }
}

pub(super) fn site(n: u128) -> Uuid {
    Uuid::from_u128(1000 + n)
}

/// Two communes of conventions and two sites.
pub(super) fn two_places() -> Places {
    let commune = |code: &str, name: &str| crate::dto::Commune {
        code: code.into(),
        name: name.into(),
        department: "38".into(),
    };
    Places {
        communes: vec![
            commune("38553", "Villefontaine"),
            commune("38537", "La Verpillière"),
        ],
        sites: vec![(site(1), "Brigade".into()), (site(2), "Mairie".into())],
    }
}

fn sit(person: u128, m: u32, day: u32, channel: OriginChannel) -> SituationFact {
    SituationFact {
        person: Some(Uuid::from_u128(person)),
        received_at: Utc.with_ymd_and_hms(2025, m, day, 9, 0, 0).unwrap(),
        received_on: d(m, day),
        channel,
        initiative: Initiative::ThirdParty,
        role: PersonRole::Victim,
        problems: vec![Problem::DomesticViolence],
        sex: Sex::Female,
        birth_year: Some(1990),
        site: None,
        first_contact_at: None,
        attempts_to_first_contact: 0,
        closed: None,
    }
}

#[test]
fn a_small_year_counted_by_hand() {
    use OriginChannel as C;
    let mut f = Facts::default();
    // Six situations in 2025, one in 2024 (outside), one walk-in.
    let mut a = sit(1, 1, 10, C::Gendarmerie);
    a.first_contact_at = Some(Utc.with_ymd_and_hms(2025, 1, 10, 15, 0, 0).unwrap()); // 6 h
    a.attempts_to_first_contact = 2;
    a.closed = Some((d(3, 1), CloseReason::HandedOver));
    let mut b = sit(2, 1, 20, C::Gendarmerie);
    b.initiative = Initiative::OwnInitiative;
    b.first_contact_at = Some(Utc.with_ymd_and_hms(2025, 1, 21, 9, 0, 0).unwrap()); // 24 h
    b.attempts_to_first_contact = 1;
    b.problems = vec![Problem::DomesticViolence, Problem::Housing];
    let mut c = sit(3, 2, 5, C::Partner);
    c.role = PersonRole::AllegedPerpetrator;
    c.sex = Sex::Male;
    c.birth_year = Some(1970);
    c.attempts_to_first_contact = 3;
    c.closed = Some((d(4, 1), CloseReason::Unreachable));
    let mut e = sit(4, 3, 1, C::PoliceNationale);
    e.birth_year = Some(2010);
    e.role = PersonRole::Witness;
    e.first_contact_at = Some(Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap()); // 48 h
    e.attempts_to_first_contact = 3;
    let mut w = sit(5, 3, 2, C::WalkIn);
    w.initiative = Initiative::OwnInitiative;
    w.first_contact_at = Some(w.received_at);
    let old = sit(6, 12, 1, C::Gendarmerie);
    let mut old = old;
    old.received_on = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap();
    old.closed = Some((d(1, 15), CloseReason::Resolved));
    f.situations = vec![a, b, c, e, w, old];
    let p = |n| Some(Uuid::from_u128(n));
    f.attempts = vec![
        (p(1), d(1, 10)),
        (p(1), d(1, 10)),
        (p(2), d(1, 21)),
        (p(3), d(2, 5)),
        (p(3), d(2, 6)),
        (p(3), d(2, 7)),
        (p(6), NaiveDate::from_ymd_opt(2024, 12, 2).unwrap()),
    ];
    f.interviews = vec![
        iv(p(1), d(1, 15), InterviewMode::InPerson),
        iv(p(5), d(3, 2), InterviewMode::InPerson),
        iv(p(4), d(3, 3), InterviewMode::Phone),
    ];
    f.orientations = vec![OrientationFact {
        person: p(1),
        on: d(1, 20),
        partner_kind: PartnerKind::Cidff,
        status: OrientationStatus::HandedOver,
    }];
    f.child_reports = vec![(p(4), d(3, 3), ChildReportRecipient::Crip)];
    f.anonymous = vec![AnonymousFact {
        on: d(2, 1),
        channel: C::Phone,
        sex: Sex::Unknown,
        age_band: AgeBand::Unknown,
        problems: vec![Problem::Other],
        action: AnonymousAction::Listening,
    }];
    let r = compute(&f, d(1, 1), d(12, 31), Audience::Internal);
    assert_eq!(r.new_situations, Some(5));
    // Persons 1, 2, 3 (attempts), 4, 5 (interviews); 6 only acted on in 2024.
    assert_eq!(r.people_accompanied, Some(5));
    assert_eq!(r.interviews_total, Some(3));
    assert_eq!(r.interviews[0].count, Some(2)); // in person
    let origin = |c, i| {
        r.origins
            .iter()
            .find(|o| o.channel == c && o.initiative == i)
            .unwrap()
            .count
    };
    assert_eq!(origin(C::Gendarmerie, Initiative::ThirdParty), Some(1));
    assert_eq!(origin(C::Gendarmerie, Initiative::OwnInitiative), Some(1));
    assert_eq!(origin(C::WalkIn, Initiative::OwnInitiative), Some(1));
    assert_eq!(r.origin_by_channel[0].percent, Some(40.0));
    assert_eq!(r.origin_by_initiative[1].count, Some(2));
    let problem = |p| r.problems.iter().find(|x| x.key == p).unwrap().count;
    assert_eq!(problem(Problem::DomesticViolence), Some(5));
    assert_eq!(problem(Problem::Housing), Some(1));
    assert_eq!(r.minors, Some(1));
    let role = |g, s, b| {
        r.roles
            .iter()
            .find(|x| x.role == g && x.sex == s && x.age_band == b)
            .unwrap()
            .count
    };
    assert_eq!(
        role(RoleGroup::Victim, Sex::Female, AgeBand::From26To40),
        Some(3)
    );
    assert_eq!(
        role(
            RoleGroup::AllegedPerpetrator,
            Sex::Male,
            AgeBand::From41To60
        ),
        Some(1)
    );
    assert_eq!(
        role(RoleGroup::Other, Sex::Female, AgeBand::Under18),
        Some(1)
    );
    // Walk-in excluded: 4 to reach, 3 reached, median of 6, 24, 48 h, (2+1+3)/3 attempts.
    assert_eq!(r.reachability.to_reach, Some(4));
    assert_eq!(r.reachability.reached, Some(3));
    assert_eq!(r.reachability.percent_reached, Some(75.0));
    assert_eq!(r.reachability.median_hours_to_first_contact, Some(24.0));
    assert_eq!(r.reachability.attempts_per_contact, Some(2.0));
    let closure = |c| r.closures.iter().find(|x| x.key == c).unwrap().count;
    assert_eq!(closure(CloseReason::HandedOver), Some(1));
    assert_eq!(closure(CloseReason::Unreachable), Some(1));
    assert_eq!(closure(CloseReason::Resolved), Some(1)); // closed in 2025
    assert_eq!(r.child_reports[0].count, Some(1));
    assert_eq!(r.anonymous_contacts, Some(1));
    assert_eq!(r.monthly.len(), 12);
    assert_eq!(r.monthly[0].month, "2025-01");
    assert_eq!(r.monthly[0].new_situations, Some(2));
    assert_eq!(r.monthly[0].attempts, Some(3));
    assert_eq!(r.monthly[1].attempts, Some(3));
    assert_eq!(r.monthly[2].interviews, Some(2));

    // The same year for funders: every count from 1 to 4 goes, zeros and 5 stay.
    let x = compute(&f, d(1, 1), d(12, 31), Audience::External);
    assert_eq!(x.suppressed_below, Some(5));
    assert_eq!(x.new_situations, Some(5));
    assert_eq!(x.people_accompanied, Some(5));
    assert_eq!(x.interviews_total, None);
    assert_eq!(x.minors, None);
    assert_eq!(x.reachability.to_reach, None);
    assert_eq!(x.reachability.percent_reached, None);
    assert_eq!(x.reachability.median_hours_to_first_contact, None);
    assert_eq!(x.origin_by_channel[0].percent, None);
    assert_eq!(
        x.problems
            .iter()
            .find(|p| p.key == Problem::DomesticViolence)
            .unwrap()
            .count,
        Some(5)
    );
    assert_eq!(
        x.problems
            .iter()
            .find(|p| p.key == Problem::Health)
            .unwrap()
            .count,
        Some(0)
    );
    for c in x
        .roles
        .iter()
        .map(|c| c.count)
        .chain(x.monthly.iter().map(|m| m.attempts))
    {
        assert!(c.shown().is_none_or(|n| n == 0 || n >= 5), "{c:?}");
    }
}

/// What a reader can tell of each hidden cell of one group from its published total and
/// the cells' labels (small: 1 to 4; withheld: any size), by enumeration: the values each
/// hidden cell can take while the others still add up.
fn possible_values(total: u32, cells: &[Cell]) -> Vec<(Hidden, Vec<u32>)> {
    let rest = total.saturating_sub(cells.iter().filter_map(|c| c.shown()).sum::<u32>());
    let hidden: Vec<Hidden> = cells
        .iter()
        .filter_map(|c| match c {
            Cell::Hidden(h) => Some(*h),
            Cell::Shown(_) => None,
        })
        .collect();
    let range = |h: Hidden| match h {
        Hidden::Small => 1..=SUPPRESS_BELOW - 1,
        Hidden::Withheld => 0..=rest,
    };
    // The sums the cells other than `k` can make, by dynamic programming.
    let sums_without = |k: usize| {
        let mut can = vec![false; rest as usize + 1];
        can[0] = true;
        for (j, h) in hidden.iter().enumerate() {
            if j == k {
                continue;
            }
            let mut next = vec![false; rest as usize + 1];
            for (s, ok) in can.iter().enumerate() {
                if *ok {
                    for v in range(*h) {
                        if s + v as usize <= rest as usize {
                            next[s + v as usize] = true;
                        }
                    }
                }
            }
            can = next;
        }
        can
    };
    hidden
        .iter()
        .enumerate()
        .map(|(k, h)| {
            let others = sums_without(k);
            let values = range(*h)
                .filter(|v| *v <= rest && others[(rest - v) as usize])
                .collect();
            (*h, values)
        })
        .collect()
}

/// A hidden total is not the sum of what is shown: the values its hidden parts can add up
/// to leave it at least two (withheld) or its four (small).
fn check_hidden_total(total: Cell, cells: &[Cell], what: &str) {
    let Cell::Hidden(kind) = total else { return };
    let shown: u32 = cells.iter().filter_map(|c| c.shown()).sum();
    let small = cells
        .iter()
        .filter(|c| **c == Cell::Hidden(Hidden::Small))
        .count() as u32;
    if cells.contains(&Cell::Hidden(Hidden::Withheld)) {
        return; // any size: the total can be anything from `shown` up
    }
    let values: Vec<u32> = (shown + small..=shown + small * (SUPPRESS_BELOW - 1))
        .filter(|v| kind == Hidden::Withheld || (1..SUPPRESS_BELOW).contains(v))
        .collect();
    let enough = match kind {
        Hidden::Small => values.len() == (SUPPRESS_BELOW - 1) as usize,
        Hidden::Withheld => values.len() >= 2,
    };
    assert!(
        enough,
        "{what}: a {kind:?} total, its cells {cells:?}, narrowed to {values:?}"
    );
}

/// No hidden cell of a group whose total is shown can be worked out from it: a small one
/// keeps its four possible values, a withheld one at least two.
fn check_group(total: Cell, cells: &[Cell], truth: &[Cell], what: &str) {
    let Some(t) = total.shown() else {
        return check_hidden_total(total, cells, what);
    };
    let hidden_truth: Vec<u32> = cells
        .iter()
        .zip(truth)
        .filter(|(c, _)| c.is_hidden())
        .map(|(_, t)| t.shown().unwrap_or(0))
        .collect();
    for ((h, values), truth) in possible_values(t, cells).iter().zip(&hidden_truth) {
        assert!(
            values.contains(truth),
            "{what}: the true {truth} is not among {values:?}: a label lies"
        );
        let enough = match h {
            Hidden::Small => values.len() == (SUPPRESS_BELOW - 1) as usize,
            Hidden::Withheld => values.len() >= 2,
        };
        assert!(
            enough,
            "{what}: total {t}, cells {cells:?}: a {h:?} cell narrowed to {values:?}"
        );
    }
}

/// A year of random facts: up to 40 situations with their interviews, up to 11 anonymous
/// contacts, drawn with `rnd(n)` (a number below `n`).
pub(super) fn random_year(rnd: &mut impl FnMut(usize) -> usize) -> Facts {
    let mut f = Facts {
        places: two_places(),
        ..Facts::default()
    };
    let n = 1 + rnd(40);
    for p in 0..n {
        let mut x = sit(
            p as u128,
            1 + rnd(12) as u32,
            1 + rnd(28) as u32,
            OriginChannel::ALL[rnd(OriginChannel::ALL.len())],
        );
        x.initiative = Initiative::ALL[rnd(Initiative::ALL.len())];
        x.sex = Sex::ALL[rnd(Sex::ALL.len())];
        x.birth_year = Some(1940 + rnd(80) as i32);
        x.role = PersonRole::ALL[rnd(PersonRole::ALL.len())];
        x.site = [None, Some(site(1)), Some(site(2))][rnd(3)];
        // Two communes of the conventions, another, or none given.
        if let Some(code) = [Some("38553"), Some("38537"), Some("69123"), None][rnd(4)] {
            f.communes
                .insert(Uuid::from_u128(p as u128), code.to_owned());
        }
        f.situations.push(x);
        for _ in 0..rnd(3) {
            let mut i = iv(
                Some(Uuid::from_u128(p as u128)),
                d(1 + rnd(12) as u32, 1 + rnd(28) as u32),
                InterviewMode::ALL[rnd(InterviewMode::ALL.len())],
            );
            i.site = [None, Some(site(1)), Some(site(2))][rnd(3)];
            f.interviews.push(i);
        }
    }
    for _ in 0..rnd(12) {
        f.anonymous.push(AnonymousFact {
            on: d(1 + rnd(12) as u32, 1 + rnd(28) as u32),
            channel: OriginChannel::ALL[rnd(OriginChannel::ALL.len())],
            sex: Sex::Female,
            age_band: AgeBand::From26To40,
            problems: vec![],
            action: AnonymousAction::ALL[0],
        });
    }
    f
}

/// Issue 10 §11: over many random years, no suppressed cell of the external report can
/// be recomputed from the total of its row or column.
#[test]
fn no_suppressed_cell_is_recovered_from_its_totals() {
    let mut seed: u64 = 0x5eed;
    let mut rnd = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for round in 0..500 {
        let f = random_year(&mut rnd);
        let x = compute(&f, d(1, 1), d(12, 31), Audience::External);
        let t = compute(&f, d(1, 1), d(12, 31), Audience::Internal);
        let w = format!("round {round}");
        let counts = |v: &[Count<InterviewMode>]| v.iter().map(|c| c.count).collect::<Vec<_>>();
        check_group(
            x.interviews_total,
            &counts(&x.interviews),
            &counts(&t.interviews),
            &format!("{w} interviews"),
        );
        let sh = |r: &Report| -> (Vec<Cell>, Vec<Cell>) {
            (
                r.origin_by_channel.iter().map(|c| c.count).collect(),
                r.origin_by_initiative.iter().map(|c| c.count).collect(),
            )
        };
        let (ch, ini) = sh(&x);
        let (tch, tini) = sh(&t);
        check_group(x.new_situations, &ch, &tch, &format!("{w} channels"));
        check_group(x.new_situations, &ini, &tini, &format!("{w} initiatives"));
        let row = |r: &Report, c: OriginChannel| -> Vec<Cell> {
            r.origins
                .iter()
                .filter(|o| o.channel == c)
                .map(|o| o.count)
                .collect()
        };
        let column = |r: &Report, i: Initiative| -> Vec<Cell> {
            r.origins
                .iter()
                .filter(|o| o.initiative == i)
                .map(|o| o.count)
                .collect()
        };
        for (ci, c) in OriginChannel::ALL.iter().enumerate() {
            check_group(
                ch[ci],
                &row(&x, *c),
                &row(&t, *c),
                &format!("{w} origin row {c:?}"),
            );
        }
        for (ii, i) in Initiative::ALL.iter().enumerate() {
            check_group(
                ini[ii],
                &column(&x, *i),
                &column(&t, *i),
                &format!("{w} origin column {i:?}"),
            );
        }
        let roles = |r: &Report| -> Vec<Cell> { r.roles.iter().map(|c| c.count).collect() };
        check_group(
            x.new_situations,
            &roles(&x),
            &roles(&t),
            &format!("{w} roles"),
        );
        let minors = |r: &Report| -> Vec<Cell> {
            r.roles
                .iter()
                .filter(|c| c.age_band == AgeBand::Under18)
                .map(|c| c.count)
                .collect()
        };
        check_group(x.minors, &minors(&x), &minors(&t), &format!("{w} minors"));
        let anon =
            |r: &Report| -> Vec<Cell> { r.anonymous_by_channel.iter().map(|c| c.count).collect() };
        check_group(
            x.anonymous_contacts,
            &anon(&x),
            &anon(&t),
            &format!("{w} anonymous"),
        );
        let col = |r: &Report, g: fn(&Month) -> Cell| r.monthly.iter().map(g).collect::<Vec<_>>();
        check_group(
            x.new_situations,
            &col(&x, |m| m.new_situations),
            &col(&t, |m| m.new_situations),
            &format!("{w} months"),
        );
        check_group(
            x.interviews_total,
            &col(&x, |m| m.interviews),
            &col(&t, |m| m.interviews),
            &format!("{w} months interviews"),
        );
        check_group(
            x.anonymous_contacts,
            &col(&x, |m| m.anonymous_contacts),
            &col(&t, |m| m.anonymous_contacts),
            &format!("{w} months anonymous"),
        );
        let roles = roles(&x);
        // and never a small count shown
        for c in roles.iter().chain(&ch).chain(&ini) {
            assert!(
                c.shown().is_none_or(|n| n == 0 || n >= SUPPRESS_BELOW),
                "{w}: {c:?}"
            );
        }
    }
}

#[test]
fn the_reviews_subtraction_no_longer_works() {
    // 7 interviews: 5 in person, 2 by phone. Hiding only the 2 let 7 − 5 give it back.
    let mut f = Facts::default();
    for i in 0..7 {
        let mode = if i < 5 {
            InterviewMode::ALL[0]
        } else {
            InterviewMode::ALL[1]
        };
        f.interviews.push(iv(None, d(3, 1 + i), mode));
    }
    let x = compute(&f, d(1, 1), d(12, 31), Audience::External);
    assert_eq!(x.interviews_total, Some(7));
    let hidden = x.interviews.iter().filter(|c| c.count.is_hidden()).count();
    assert!(hidden >= 2, "{:?}", x.interviews);
}

#[test]
fn medians() {
    assert_eq!(median(&mut []), None);
    assert_eq!(median(&mut [3.0]), Some(3.0));
    assert_eq!(median(&mut [4.0, 1.0]), Some(2.5));
    assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
}

#[test]
fn months_span_the_range() {
    let r = compute(
        &Facts::default(),
        NaiveDate::from_ymd_opt(2025, 11, 15).unwrap(),
        NaiveDate::from_ymd_opt(2026, 2, 3).unwrap(),
        Audience::Internal,
    );
    let m: Vec<_> = r.monthly.iter().map(|m| m.month.as_str()).collect();
    assert_eq!(m, ["2025-11", "2025-12", "2026-01", "2026-02"]);
    assert_eq!(r.reachability.percent_reached, None);
}

#[test]
fn prevention_counted_by_kind_public_and_month_and_never_hidden() {
    let act = |m, day, kind, reached, by_public| PreventionFact {
        on: d(m, day),
        kind,
        people_reached: reached,
        by_public,
    };
    let f = Facts {
        prevention: vec![
            act(3, 8, PreventionKind::Stand, 60, [None, Some(60), None]),
            act(3, 22, PreventionKind::Stand, 3, [None, None, None]),
            act(
                5,
                12,
                PreventionKind::SchoolSession,
                28,
                [Some(26), None, Some(2)],
            ),
            act(
                11,
                25,
                PreventionKind::ForumTheatre,
                90,
                [None, Some(70), None],
            ),
            // Outside the range: not counted.
            PreventionFact {
                on: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
                kind: PreventionKind::Stand,
                people_reached: 500,
                by_public: [None; 3],
            },
        ],
        ..Facts::default()
    };
    for audience in [Audience::Internal, Audience::External] {
        let r = compute(&f, d(1, 1), d(12, 31), audience);
        let p = &r.prevention;
        assert_eq!((p.actions, p.people_reached), (4, 181));
        let stand = &p.by_kind[0];
        assert_eq!(
            (stand.kind, stand.actions, stand.people_reached),
            (PreventionKind::Stand, 2, 63)
        );
        assert_eq!(p.by_kind.len(), PreventionKind::ALL.len());
        assert_eq!(p.by_kind.iter().map(|k| k.actions).sum::<u32>(), p.actions);
        let apart: Vec<u32> = p.by_public.iter().map(|x| x.people_reached).collect();
        assert_eq!(apart, [26, 130, 2]);
        assert_eq!(p.public_not_given, 181 - 158);
        let march = &r.monthly[2];
        assert_eq!((march.prevention_actions, march.people_reached), (2, 63));
        assert_eq!(r.monthly.iter().map(|m| m.people_reached).sum::<u32>(), 181);
    }
}
