//! The yearly report: how its cost grows with the year's activity. A year of N situations
//! (N = 120, the demo's size, then 1,200 and 12,000: a post, ten posts, a département's
//! network), each person of one of four communes (two of the conventions, another, none)
//! and received at one of two sites, with one to three interviews and attempts each, and
//! anonymous contacts; computed inside the service, for funders (with the suppression and
//! its reader of every total), and read by the solver of every total at once. The same
//! seed every run: the same years, the same figures.
//!
//! `cargo bench -p relais-domain --bench report`

#![allow(clippy::unwrap_used)] // a benchmark: fixed, valid dates.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use relais_domain::casework::{AgeBand, AnonymousAction, InterviewMode, PersonRole, Problem, Sex};
use relais_domain::dto::Commune;
use relais_domain::outreach::{Initiative, OriginChannel};
use relais_domain::report::{
    AnonymousFact, Audience, Facts, InterviewFact, Places, SituationFact, compute, reader,
};
use std::hint::black_box;
use uuid::Uuid;

/// xorshift64: a number below `n`, the same sequence from the same seed.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn day(d: &mut Dice) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1 + d.below(12) as u32, 1 + d.below(28) as u32).unwrap()
}

fn year(n: usize) -> Facts {
    let mut d = Dice(0x5EED_0026 ^ n as u64);
    let commune = |code: &str, name: &str| Commune {
        code: code.into(),
        name: name.into(),
        department: "38".into(),
    };
    let sites = [Uuid::from_u128(1), Uuid::from_u128(2)];
    let mut f = Facts {
        places: Places {
            communes: vec![
                commune("38553", "Villefontaine"),
                commune("38537", "La Verpillière"),
            ],
            sites: vec![(sites[0], "Brigade".into()), (sites[1], "Mairie".into())],
        },
        ..Facts::default()
    };
    for p in 0..n {
        let person = Uuid::from_u128(1000 + p as u128);
        let on = day(&mut d);
        let at = Utc.from_utc_datetime(&on.and_hms_opt(9, 0, 0).unwrap());
        if let Some(code) = [Some("38553"), Some("38537"), Some("38229"), None][d.below(4)] {
            f.communes.insert(person, code.to_owned());
        }
        let reached = d.below(10) < 8;
        f.situations.push(SituationFact {
            person: Some(person),
            received_at: at,
            received_on: on,
            channel: OriginChannel::ALL[d.below(OriginChannel::ALL.len())],
            initiative: Initiative::ALL[d.below(Initiative::ALL.len())],
            role: PersonRole::ALL[d.below(PersonRole::ALL.len())],
            problems: vec![Problem::ALL[d.below(Problem::ALL.len())]],
            sex: Sex::ALL[d.below(Sex::ALL.len())],
            birth_year: Some(1945 + d.below(70) as i32),
            site: Some(sites[d.below(2)]),
            first_contact_at: reached.then(|| at + chrono::Duration::hours(1 + d.below(72) as i64)),
            attempts_to_first_contact: 1 + d.below(3) as u32,
            closed: None,
        });
        for _ in 0..1 + d.below(3) {
            f.attempts.push((Some(person), day(&mut d)));
            f.interviews.push(InterviewFact {
                person: Some(person),
                on: day(&mut d),
                mode: InterviewMode::ALL[d.below(InterviewMode::ALL.len())],
                site: [None, Some(sites[0]), Some(sites[1])][d.below(3)],
            });
        }
    }
    for _ in 0..n / 4 {
        f.anonymous.push(AnonymousFact {
            on: day(&mut d),
            channel: OriginChannel::ALL[d.below(OriginChannel::ALL.len())],
            sex: Sex::Female,
            age_band: AgeBand::From26To40,
            problems: vec![],
            action: AnonymousAction::ALL[0],
        });
    }
    f
}

fn bench(c: &mut Criterion) {
    let from = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    for n in [120, 1_200, 12_000] {
        let f = year(n);
        // The reader finds nothing in any of them: a bench of a wrong report is no bench.
        let outside = compute(&f, from, to, Audience::External);
        assert!(reader::worked_out(&outside).is_empty(), "{n}");
        g.bench_with_input(BenchmarkId::new("internal", n), &f, |b, f| {
            b.iter(|| compute(black_box(f), from, to, Audience::Internal))
        });
        g.bench_with_input(BenchmarkId::new("external", n), &f, |b, f| {
            b.iter(|| compute(black_box(f), from, to, Audience::External))
        });
        g.bench_with_input(BenchmarkId::new("solver", n), &outside, |b, r| {
            b.iter(|| reader::worked_out(black_box(r)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
