//! The file's invitations (issue 27): their timeline with their messages, the form offering
//! only the channels the person allowed, the exact text before it goes (one form, two
//! buttons: see it, then send it), and revoking an open one. The service decides and
//! refuses; this room parses, calls it and draws `desk/invitations.html`.

use super::*;
use crate::render::console::spec::field;
use crate::scheduling::invitations;
use relais_domain::dto::{BookableBy, InvitationInput, InvitationPreview};
use relais_domain::invitation::{InvitationChannel, InvitationKind};

pub(super) const INVITE_FIELDS: &[Field] = &[
    field(
        "kind",
        Input::Choice,
        |t| t.invite.invitation_kind,
        true,
        &[],
    ),
    field(
        "channel",
        Input::Choice,
        |t| t.invite.channel_allowed,
        true,
        &[],
    ),
    field(
        "type_id",
        Input::Choice,
        |t| t.invite.type_for_a_link,
        false,
        &[],
    ),
    field(
        "site_ids",
        Input::Several,
        |t| t.invite.places_for_a_link,
        false,
        &[],
    ),
];

/// What the part shows after the coordinator asked: the preview, or a link to read out.
pub(super) enum Shown {
    Preview {
        values: Vec<(String, String)>,
        preview: InvitationPreview,
    },
    ReadOut(String),
}

struct PreviewView {
    text: Option<String>,
    size: &'static str,
    send_at: String,
    expires: String,
    follow_up: Option<String>,
    follow_up_at: String,
}

#[derive(askama::Template)]
#[template(path = "console/desk/invitations.html")]
struct InvitationsView {
    t: &'static Text,
    timeline: TableView,
    preview: Option<PreviewView>,
    read_out: Option<String>,
    form: Option<FormView>,
}

/// The invitations part of the file.
pub(super) async fn invitations_part(c: &FileView<'_>) -> String {
    let FileView {
        d,
        l,
        id,
        s,
        person,
        again,
        site_list,
        invite,
        ..
    } = *c;
    let t = l.t();
    let list = invitations::list(d, id).await.unwrap_or_default();
    let open = list.iter().any(|i| i.state.is_open());
    let rows = list
        .iter()
        .map(|i| {
            let messages = i
                .messages
                .iter()
                .map(|m| {
                    let state = JobState::parse(&m.state).map_or("", |j| l.word(j));
                    format!("{} : {state}", l.word(m.message))
                })
                .collect::<Vec<_>>()
                .join(" ; ");
            let mut state = Cell::text(l.word(i.state));
            if i.state.is_open() {
                state = state.and_button(
                    format!("/console/situations/{id}/invitations/{}/retirer", i.id),
                    t.invite.revoke_it,
                );
            }
            vec![
                Cell::text(when(i.created_at, l)),
                Cell::text(l.word(i.kind)),
                Cell::text(l.word(i.channel)),
                Cell::text(when(i.send_at, l)),
                Cell::text(when(i.expires_at, l)),
                Cell::text(messages),
                state,
            ]
        })
        .collect();
    let timeline = TableView::new(
        t.invite.timeline,
        &[
            t.when,
            t.invite.how,
            t.channel,
            t.invite.goes_at,
            t.invite.valid_until,
            t.invite.messages_it_caused,
            t.status,
        ],
        t.invite.no_invitation_yet,
    )
    .rows(rows)
    .csrf(&d.csrf);
    let sc = &person.safe_contact;
    let mut channels = Vec::new();
    if sc.sms && sc.safe_phone.is_some() {
        channels.push(InvitationChannel::Sms);
    }
    if sc.email && sc.safe_email.is_some() {
        channels.push(InvitationChannel::Email);
    }
    channels.push(InvitationChannel::InPerson);
    let types: Vec<(String, String)> = crate::paging::every(|p| types::list_types(d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|ty| ty.bookable_by == BookableBy::Public)
        .map(|ty| (ty.id.to_string(), ty.name))
        .collect();
    let (values, preview, read_out) = match invite {
        Some(Shown::Preview { values, preview }) => (values.as_slice(), Some(preview), None),
        Some(Shown::ReadOut(u)) => (&[][..], None, Some(u.clone())),
        None => (&[][..], None, None),
    };
    let typed = Form {
        values,
        errors: &[],
        general: None,
        lang: l,
    };
    let form = (!open && s.state != relais_domain::outreach::State::Closed).then(|| {
        let f = match again {
            Some(a) if a.form == "invite" => a.refusal.form(&a.values, l),
            _ => typed,
        };
        let site_choice = site_list
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect();
        let mut v = FormView::new(
            INVITE_FIELDS,
            &f,
            format!("/console/situations/{id}/invitation"),
            &d.csrf,
            t.invite.see_the_message,
        )
        .options("kind", options::<InvitationKind>(l))
        .options(
            "channel",
            channels
                .iter()
                .map(|c| (c.as_str().to_owned(), l.word(*c).to_owned()))
                .collect(),
        )
        .options("type_id", types)
        .options("site_ids", site_choice)
        .ids("invite", &["site_ids", "channel", "kind", "type_id"]);
        if preview.is_some() {
            v = v.buttons(&[
                ("action", "apercu", t.invite.see_the_message, "quiet"),
                ("action", "envoyer", t.invite.send, ""),
            ]);
        }
        v
    });
    let preview = preview.map(|p| PreviewView {
        text: p.text.clone(),
        size: if p.segments.unwrap_or(1) > 1 {
            t.invite.segments_more
        } else {
            t.invite.segments
        },
        send_at: when(p.send_at, l),
        expires: when(p.expires_at, l),
        follow_up: p.follow_up_at.and(p.follow_up_text.clone()),
        follow_up_at: p.follow_up_at.map(|w| when(w, l)).unwrap_or_default(),
    });
    draw(&InvitationsView {
        t,
        timeline,
        preview,
        read_out,
        form,
    })
}

/// See the message (`action=apercu`, nothing written), or send the invitation.
pub(super) async fn invite(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let sid = id_of(&id)?;
    let input = match p.read_fields::<InvitationInput>(INVITE_FIELDS) {
        Ok(i) => i,
        Err(e) => return refused(&d, &id, "invite", &p, e).await,
    };
    if p.get("action") != Some("envoyer") {
        return match invitations::preview(&d, sid, input).await {
            Ok(preview) => {
                let shown = Shown::Preview {
                    values: p.values(),
                    preview,
                };
                file_page_with(&d, &id, &None, None, Some(&shown)).await
            }
            Err(e) => refused(&d, &id, "invite", &p, e).await,
        };
    }
    match invitations::create(&d, sid, input).await {
        Ok(i) => match i.url {
            // In person: the link to read out, shown this once.
            Some(u) => file_page_with(&d, &id, &None, None, Some(&Shown::ReadOut(u))).await,
            None => Ok(done(
                &format!("/console/situations/{sid}"),
                Done::InvitationSent,
            )),
        },
        Err(e) => refused(&d, &id, "invite", &p, e).await,
    }
}

pub(super) async fn revoke_invitation(
    d: D,
    Path((id, iid)): Path<(String, String)>,
    Checked(p): Checked,
) -> Page {
    let (Ok(sid), Ok(iid)) = (Uuid::parse_str(&id), Uuid::parse_str(&iid)) else {
        return Ok(not_found(d.lang));
    };
    match invitations::revoke(&d, iid).await {
        Ok(_) => Ok(done(
            &format!("/console/situations/{sid}"),
            Done::InvitationRevoked,
        )),
        Err(e) if e.status() == 404 => Ok(not_found(d.lang)),
        Err(e) => refused(&d, &id, "invite", &p, e).await,
    }
}
