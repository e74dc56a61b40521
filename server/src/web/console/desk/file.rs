//! A situation's file (opening it is audited by the service): who the person is and how to reach them, the situation, and each form the state allows.

use super::*;

// ------------------------------------------------------------------ the file

pub(super) async fn file(d: D, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Response {
    file_page(&d, &id, &raw, None).await
}

/// Which form a refusal belongs to, with what was typed.
pub(super) struct Again<'a> {
    pub(super) form: &'static str,
    pub(super) values: Vec<(String, String)>,
    pub(super) refusal: &'a super::super::Refusal,
}

pub(super) async fn file_page(
    d: &D,
    id: &str,
    raw: &Option<String>,
    again: Option<Again<'_>>,
) -> Response {
    let l = d.lang;
    let id = match id_of(id, l) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let (s, person) = match situations::open_file(d, id).await {
        Ok(x) => x,
        Err(e) if e.status() == 404 => return not_found(l),
        Err(e) => return failure(e, l),
    };
    let partner_list = partners::list(d).await.unwrap_or_default();
    let mut h = String::new();
    let c = FileView {
        d,
        l,
        id,
        s: &s,
        person: &person,
        raw,
        again: &again,
        partner_list: &partner_list,
    };
    who_and_situation(&mut h, &c).await;
    attempt_form(&mut h, &c);
    state_form(&mut h, &c);
    booking_and_orientation(&mut h, &c);
    interview_and_child_report(&mut h, &c);
    h.push_str(&follow_up_part(&c).await);
    history(&mut h, &c);
    let title = format!("{} {}", l.t().file, s.person_initials);
    match again {
        Some(a) => html(a.refusal.status, page(&d.frame(&title, None), &h)),
        None => d.page(&title, notice(raw, d.lang).as_deref(), &h),
    }
}

/// A form of the file refused: the file again, that form with its fields marked.
/// What every part of the file reads.
#[derive(Clone, Copy)]
pub(super) struct FileView<'a> {
    pub(super) d: &'a D,
    pub(super) l: Lang,
    pub(super) id: Uuid,
    pub(super) s: &'a Situation,
    pub(super) person: &'a Person,
    pub(super) raw: &'a Option<String>,
    pub(super) again: &'a Option<Again<'a>>,
    pub(super) partner_list: &'a [Partner],
}

/// The form `name` of the file: as it was typed and refused, or empty.
pub(super) fn form_for<'a>(again: &'a Option<Again<'a>>, l: Lang, name: &str) -> Form<'a> {
    match again {
        Some(a) if a.form == name => a.refusal.form(&a.values, l),
        _ => Form::empty(l),
    }
}

/// Who the person is and how to reach them safely, the people linked to them, the situation.
pub(super) async fn who_and_situation(h: &mut String, c: &FileView<'_>) {
    let FileView {
        d, l, s, person, ..
    } = *c;
    // Who, and how to reach them safely.
    h.push_str(&format!(
        "<section aria-labelledby=\"who\"><h2 id=\"who\">{}</h2><dl class=\"facts\">\
<dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        l.t().the_person,
        l.t().name,
        esc(&person.first_name),
        esc(&person.last_name),
        l.t().role,
        esc(l.word(s.person_role)),
        l.t().phone,
        esc(person.phone.as_deref().unwrap_or("—")),
        l.t().consent_to_contact,
        if s.consent_to_contact { l.t().yes } else { l.t().no },
        l.t().origin,
        esc(&format!("{} — {}", l.word(s.channel), s.unit.as_deref().unwrap_or(""))),
    ));
    let sc = &person.safe_contact;
    let allowed: Vec<&str> = [
        (sc.phone_call, l.t().means_call),
        (sc.voicemail, l.t().means_voicemail),
        (sc.sms, "SMS"),
        (sc.email, l.t().e_mail),
        (sc.letter, l.t().letter),
    ]
    .iter()
    .filter(|(ok, _)| *ok)
    .map(|(_, w)| *w)
    .collect();
    h.push_str(&format!(
        "<h3>{}</h3><p>{} : {}{}{}</p>",
        l.t().reaching_the_person_safely,
        l.t().allowed,
        if allowed.is_empty() {
            l.t().none_agreed_yet.to_owned()
        } else {
            esc(&allowed.join(", "))
        },
        sc.safe_phone
            .as_deref()
            .map(|p| format!(" — {} {}", l.t().safe_number, esc(p)))
            .unwrap_or_default(),
        if s.safe_contact_stale {
            format!(
                " <strong class=\"late\">{}</strong>",
                l.t().check_again_with_the
            )
        } else {
            String::new()
        }
    ));
    // Linked people: the other by initials only, whether they are kept apart.
    let linked = partners::links(d, s.person_id).await.unwrap_or_default();
    h.push_str(&links_part(c, &linked).await);
    h.push_str("</section>");
    // The situation.
    h.push_str(&format!(
        "<section aria-labelledby=\"sit\"><h2 id=\"sit\">{}</h2><dl class=\"facts\">\
<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        l.t().the_situation,
        l.t().state,
        esc(l.word(s.state)),
        l.t().kind,
        esc(l.word(s.kind)),
        l.t().priority,
        esc(l.word(s.priority)),
        l.t().due,
        esc(&when(s.due_at, l)),
    ));
    if let Some(n) = &s.note {
        h.push_str(&format!(
            "<p><strong>{}</strong> {}</p>",
            l.t().why_it_was_handed,
            esc(n)
        ));
    }
    h.push_str("</section>");
}

/// The situation's history, and who opened the file.
pub(super) fn history(h: &mut String, c: &FileView<'_>) {
    let FileView { l, s, .. } = *c;
    // History.
    let rows: Vec<Vec<String>> = s
        .history
        .iter()
        .map(|e| {
            vec![
                esc(&when(e.at, l)),
                esc(&l.word_of::<Event>(&e.event)),
                esc(l.word(e.to_state)),
            ]
        })
        .collect();
    h.push_str(&format!(
        "<section aria-labelledby=\"hist\"><h2 id=\"hist\">{}</h2>",
        l.t().history
    ));
    table(
        h,
        l.t().history,
        &[l.t().when, l.t().change, l.t().new_state],
        &rows,
        l.t().nothing_yet,
    );
    h.push_str(&format!(
        "</section><p><a href=\"/console/personnes/{}/consultations\">{}</a></p>",
        s.person_id,
        l.t().who_opened_this_file
    ));
}
