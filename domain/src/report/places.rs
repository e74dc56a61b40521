//! The report by place (issue 26 §2): new situations, people accompanied and interviews by
//! the person's commune of residence and by site; and the share of the facts a convention
//! funds (the funder's version).
//!
//! - by commune: a situation, a person and an interview count at the person's commune;
//! - by site: a situation at the site that received it, an interview at the site it was held
//!   at, a person at the site of their last interview in the period (else of their latest
//!   situation). Each person, situation and interview is in one row: every column adds up
//!   to its total, and the suppression knows it.

use super::*;
use crate::dto::Commune;

/// The rows of the report by place, whatever the facts (a row's presence tells nothing).
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// The communes listed first (the conventions'), as the report names them.
    pub communes: Vec<Commune>,
    /// The organisation's sites: (id, name).
    pub sites: Vec<(Uuid, String)>,
}

/// What a row of the report by place stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PlaceRowKind {
    /// A commune of the conventions, or one of the organisation's sites.
    Listed,
    /// A commune not listed (by commune only).
    Other,
    /// No commune given; by site: held elsewhere (a home visit, at a partner's) or not given.
    Unknown,
}

/// A row of the report by commune or by site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceRow {
    pub place: PlaceRowKind,
    /// The commune's INSEE code or the site's id, for a listed row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The commune's or the site's name, for a listed row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub new_situations: Cell,
    pub people_accompanied: Cell,
    pub interviews: Cell,
}

/// The convention a funder's version is of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConventionHeading {
    pub id: Uuid,
    pub funder: String,
    pub communes: Vec<Commune>,
    /// The names of the sites it covers.
    pub sites: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// Other conventions cover some of the same work over some of the same days.
    pub overlapped: bool,
}

/// The facts of one period, ready to be counted by place.
pub(super) struct Breakdown<'a> {
    pub facts: &'a Facts,
    pub new: &'a [&'a SituationFact],
    pub people: &'a HashSet<Uuid>,
    pub interviews: &'a [&'a InterviewFact],
}

impl Breakdown<'_> {
    pub(super) fn by_commune(&self) -> Vec<PlaceRow> {
        let listed = &self.facts.places.communes;
        let row_of = |person: Option<Uuid>| match person.and_then(|p| self.facts.communes.get(&p)) {
            Some(code) => listed
                .iter()
                .position(|c| c.code == *code)
                .unwrap_or(listed.len()),
            None => listed.len() + 1,
        };
        let mut rows: Vec<PlaceRow> = listed
            .iter()
            .map(|c| {
                row(
                    PlaceRowKind::Listed,
                    Some(c.code.clone()),
                    Some(c.name.clone()),
                )
            })
            .chain([
                row(PlaceRowKind::Other, None, None),
                row(PlaceRowKind::Unknown, None, None),
            ])
            .collect();
        let mut counts = vec![[0u32; 3]; rows.len()];
        for x in self.new {
            counts[row_of(x.person)][0] += 1;
        }
        for p in self.people {
            counts[row_of(Some(*p))][1] += 1;
        }
        for i in self.interviews {
            counts[row_of(i.person)][2] += 1;
        }
        fill(&mut rows, &counts);
        rows
    }

    pub(super) fn by_site(&self) -> Vec<PlaceRow> {
        let listed = &self.facts.places.sites;
        let row_of = |site: Option<Uuid>| {
            site.and_then(|s| listed.iter().position(|(id, _)| *id == s))
                .unwrap_or(listed.len())
        };
        let mut rows: Vec<PlaceRow> = listed
            .iter()
            .map(|(id, name)| {
                row(
                    PlaceRowKind::Listed,
                    Some(id.to_string()),
                    Some(name.clone()),
                )
            })
            .chain([row(PlaceRowKind::Unknown, None, None)])
            .collect();
        let mut counts = vec![[0u32; 3]; rows.len()];
        for x in self.new {
            counts[row_of(x.site)][0] += 1;
        }
        // Where each person was last seen: the last interview of the period held at a site,
        // else the latest situation received at one.
        let mut seen: HashMap<Uuid, (NaiveDate, Uuid)> = HashMap::new();
        for i in self.interviews {
            if let (Some(p), Some(s)) = (i.person, i.site)
                && seen.get(&p).is_none_or(|(on, _)| *on <= i.on)
            {
                seen.insert(p, (i.on, s));
            }
        }
        let mut received: HashMap<Uuid, (DateTime<Utc>, Uuid)> = HashMap::new();
        for x in &self.facts.situations {
            if let (Some(p), Some(s)) = (x.person, x.site)
                && received.get(&p).is_none_or(|(at, _)| *at <= x.received_at)
            {
                received.insert(p, (x.received_at, s));
            }
        }
        for p in self.people {
            let site = seen
                .get(p)
                .map(|(_, s)| *s)
                .or(received.get(p).map(|(_, s)| *s));
            counts[row_of(site)][1] += 1;
        }
        for i in self.interviews {
            counts[row_of(i.site)][2] += 1;
        }
        fill(&mut rows, &counts);
        rows
    }
}

fn row(place: PlaceRowKind, code: Option<String>, name: Option<String>) -> PlaceRow {
    PlaceRow {
        place,
        code,
        name,
        new_situations: Cell::Shown(0),
        people_accompanied: Cell::Shown(0),
        interviews: Cell::Shown(0),
    }
}

fn fill(rows: &mut [PlaceRow], counts: &[[u32; 3]]) {
    for (r, c) in rows.iter_mut().zip(counts) {
        r.new_situations = Cell::Shown(c[0]);
        r.people_accompanied = Cell::Shown(c[1]);
        r.interviews = Cell::Shown(c[2]);
    }
}

impl Facts {
    /// The share of the facts a convention funds: everything about the people who live in
    /// its communes; the situations received and the interviews held at its sites, and the
    /// attempts, orientations and reports about the people of those situations. Anonymous
    /// contacts and prevention actions name no commune and no site: none is in it. The
    /// report by commune then lists the convention's communes first.
    pub fn within(&self, communes: &[Commune], sites: &[Uuid]) -> Facts {
        let lives_in = |p: &Option<Uuid>| {
            p.and_then(|p| self.communes.get(&p))
                .is_some_and(|code| communes.iter().any(|c| c.code == *code))
        };
        let at_site = |s: &Option<Uuid>| s.is_some_and(|s| sites.contains(&s));
        let situations: Vec<SituationFact> = self
            .situations
            .iter()
            .filter(|x| lives_in(&x.person) || at_site(&x.site))
            .cloned()
            .collect();
        let covered: HashSet<Uuid> = situations.iter().filter_map(|x| x.person).collect();
        let about = |p: &Option<Uuid>| p.is_some_and(|p| covered.contains(&p)) || lives_in(p);
        Facts {
            attempts: self
                .attempts
                .iter()
                .filter(|a| about(&a.0))
                .cloned()
                .collect(),
            interviews: self
                .interviews
                .iter()
                .filter(|i| lives_in(&i.person) || at_site(&i.site))
                .cloned()
                .collect(),
            orientations: self
                .orientations
                .iter()
                .filter(|o| about(&o.person))
                .cloned()
                .collect(),
            child_reports: self
                .child_reports
                .iter()
                .filter(|c| about(&c.0))
                .cloned()
                .collect(),
            anonymous: Vec::new(),
            prevention: Vec::new(),
            situations,
            communes: self.communes.clone(),
            places: Places {
                communes: communes.to_vec(),
                sites: self.places.sites.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{site, two_places};
    use super::*;
    use chrono::TimeZone;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, d).unwrap()
    }

    fn p(n: u128) -> Option<Uuid> {
        Some(Uuid::from_u128(n))
    }

    /// Three people: one of Villefontaine received at the brigade, seen last at the town
    /// hall; one of another commune received at the town hall, seen at home; one of no
    /// commune given, received nowhere, called once.
    fn facts() -> Facts {
        let sit = |n: u128, site: Option<Uuid>| SituationFact {
            person: p(n),
            received_at: Utc.with_ymd_and_hms(2025, 1, 5, 9, 0, 0).unwrap(),
            received_on: day(1, 5),
            channel: OriginChannel::Gendarmerie,
            initiative: Initiative::ThirdParty,
            role: PersonRole::Victim,
            problems: vec![],
            sex: Sex::Female,
            birth_year: Some(1990),
            site,
            first_contact_at: None,
            attempts_to_first_contact: 0,
            closed: None,
        };
        let iv = |n: u128, on: NaiveDate, mode: InterviewMode, site: Option<Uuid>| InterviewFact {
            person: p(n),
            on,
            mode,
            site,
        };
        let mut f = Facts {
            places: two_places(),
            situations: vec![sit(1, Some(site(1))), sit(2, Some(site(2))), sit(3, None)],
            interviews: vec![
                iv(1, day(3, 1), InterviewMode::InPerson, Some(site(2))),
                iv(1, day(2, 1), InterviewMode::InPerson, Some(site(1))),
                iv(2, day(2, 1), InterviewMode::HomeVisit, None),
            ],
            attempts: vec![(p(3), day(1, 6))],
            ..Facts::default()
        };
        f.communes.insert(Uuid::from_u128(1), "38553".into());
        f.communes.insert(Uuid::from_u128(2), "69123".into());
        f
    }

    fn column(rows: &[PlaceRow], pick: fn(&PlaceRow) -> Cell) -> Vec<Option<u32>> {
        rows.iter().map(|r| pick(r).shown()).collect()
    }

    #[test]
    fn each_person_situation_and_interview_is_in_one_row() {
        let r = compute(&facts(), day(1, 1), day(12, 31), Audience::Internal);
        let c = &r.by_commune;
        let kinds: Vec<PlaceRowKind> = c.iter().map(|r| r.place).collect();
        use PlaceRowKind::*;
        assert_eq!(kinds, [Listed, Listed, Other, Unknown]);
        assert_eq!(c[0].name.as_deref(), Some("Villefontaine"));
        assert_eq!(
            column(c, |r| r.new_situations),
            [Some(1), Some(0), Some(1), Some(1)]
        );
        assert_eq!(
            column(c, |r| r.people_accompanied),
            [Some(1), Some(0), Some(1), Some(1)]
        );
        assert_eq!(
            column(c, |r| r.interviews),
            [Some(2), Some(0), Some(1), Some(0)]
        );
        let s = &r.by_site;
        assert_eq!(s.len(), 3);
        assert_eq!(column(s, |r| r.new_situations), [Some(1), Some(1), Some(1)]);
        // Seen last at the town hall; seen at home, so counted where received; nowhere.
        assert_eq!(
            column(s, |r| r.people_accompanied),
            [Some(0), Some(2), Some(1)]
        );
        assert_eq!(column(s, |r| r.interviews), [Some(1), Some(1), Some(1)]);
    }

    #[test]
    fn a_convention_counts_its_communes_people_and_its_sites_work() {
        let f = facts();
        let villefontaine = &two_places().communes[..1];
        let mine = f.within(villefontaine, &[]);
        let r = compute(&mine, day(1, 1), day(12, 31), Audience::Internal);
        assert_eq!(r.new_situations, Cell::Shown(1));
        assert_eq!(r.interviews_total, Cell::Shown(2));
        assert_eq!(r.people_accompanied, Cell::Shown(1));
        assert_eq!(r.by_commune.len(), 3, "its commune, other, unknown");
        let town_hall = f.within(&[], &[site(2)]);
        let r = compute(&town_hall, day(1, 1), day(12, 31), Audience::Internal);
        assert_eq!(r.new_situations, Cell::Shown(1), "received there");
        assert_eq!(r.interviews_total, Cell::Shown(1), "held there");
        assert!(town_hall.anonymous.is_empty() && town_hall.prevention.is_empty());
    }
}
