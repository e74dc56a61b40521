//! Appointment types: their durations and buffers, where they happen, who may book them,
//! their reminders; the list, a new type, a type changed.

use super::*;
use relais_domain::dto::{AppointmentType, AppointmentTypeInput, BookableBy, PlaceKind};

/// A type's form, its one specification.
pub(super) const TYPE_FIELDS: &[Field] = &[
    Field {
        name: "name",
        input: Input::Text,
        label: |t| t.admin.name_internal_never_shown,
        required: true,
        hints: &[("maxlength", "120")],
    },
    Field {
        name: "public_label",
        input: Input::Text,
        label: |t| t.admin.type_public_label,
        required: true,
        hints: &[("maxlength", "60")],
    },
    Field {
        name: "duration_minutes",
        input: Input::Number,
        label: |t| t.admin.type_duration,
        required: true,
        hints: &[("min", "5"), ("max", "480")],
    },
    Field {
        name: "step_minutes",
        input: Input::Number,
        label: |t| t.admin.type_step,
        required: false,
        hints: &[("min", "5"), ("max", "480")],
    },
    Field {
        name: "buffer_before_minutes",
        input: Input::Number,
        label: |t| t.admin.type_buffer_before,
        required: false,
        hints: &[("min", "0")],
    },
    Field {
        name: "buffer_after_minutes",
        input: Input::Number,
        label: |t| t.admin.type_buffer_after,
        required: false,
        hints: &[("min", "0")],
    },
    Field {
        name: "min_notice_minutes",
        input: Input::Number,
        label: |t| t.admin.type_min_notice,
        required: false,
        hints: &[("min", "0")],
    },
    Field {
        name: "max_horizon_days",
        input: Input::Number,
        label: |t| t.admin.type_horizon,
        required: false,
        hints: &[("min", "1")],
    },
    Field {
        name: "place_kind",
        input: Input::Choice,
        label: |t| t.admin.type_place,
        required: true,
        hints: &[],
    },
    Field {
        name: "bookable_by",
        input: Input::Choice,
        label: |t| t.admin.type_bookable_by,
        required: true,
        hints: &[],
    },
    Field {
        name: "reminders",
        input: Input::Check,
        label: |t| t.admin.type_reminders,
        required: false,
        hints: &[],
    },
    Field {
        name: "reminder_offset_hours",
        input: Input::Number,
        label: |t| t.admin.type_reminder_hours,
        required: false,
        hints: &[("min", "1"), ("max", "168")],
    },
];

#[derive(askama::Template)]
#[template(path = "console/admin/types.html")]
struct TypesView {
    t: &'static Text,
    list: TableView,
    heading: &'static str,
    form: FormView,
}

pub(super) async fn types_list(d: D, RawQuery(raw): RawQuery) -> Page {
    let edit = query(&raw, "modifier").and_then(|v| Uuid::parse_str(&v).ok());
    types_page(&d, &raw, edit, None).await
}

/// The list, and the form: a new type, or the type `edit` with its values.
pub(super) async fn types_page(
    d: &D,
    raw: &Option<String>,
    edit: Option<Uuid>,
    again: Option<(&super::super::Refusal, Vec<(String, String)>)>,
) -> Page {
    let l = d.lang;
    let t = l.t();
    let all = crate::paging::every(|p| crate::scheduling::types::list_types(d, p))
        .await?
        .items;
    let rows = all
        .iter()
        .map(|ty| {
            vec![
                Cell::text(&ty.name),
                Cell::text(&ty.public_label),
                Cell::text(format!("{} min", ty.duration_minutes)),
                Cell::link(
                    format!("/console/admin/types?modifier={}#new", ty.id),
                    t.admin.edit,
                ),
            ]
        })
        .collect();
    let list = TableView::new(
        t.admin.appointment_types,
        &[
            t.name,
            t.admin.type_public_label_short,
            t.admin.type_duration_short,
            t.actions,
        ],
        t.admin.no_type_yet,
    )
    .rows(rows);
    // The type being changed: its stored values, unless the change was refused.
    let stored = match (edit, &again) {
        (Some(id), None) => match all.iter().find(|ty| ty.id == id) {
            Some(ty) => Some(ty),
            None => return Ok(not_found(l)),
        },
        _ => None,
    };
    let values = match (&again, &stored) {
        (Some((_, v)), _) => v.clone(),
        (None, Some(i)) => input_values(i),
        (None, None) => Vec::new(),
    };
    let f = match &again {
        Some((r, _)) => r.form(&values, l),
        None => Form {
            values: &values,
            ..Form::empty(l)
        },
    };
    let (action, heading, submit) = match edit {
        Some(id) => (
            format!("/console/admin/types/{id}"),
            t.admin.change_the_type,
            t.admin.save_the_type,
        ),
        None => (
            "/console/admin/types".to_owned(),
            t.admin.new_type,
            t.admin.create_the_type,
        ),
    };
    let form = FormView::new(TYPE_FIELDS, &f, action, &d.csrf, submit)
        .options("place_kind", options::<PlaceKind>(l))
        .options("bookable_by", options::<BookableBy>(l))
        .initially("duration_minutes", "45");
    let body = draw(&TypesView {
        t,
        list,
        heading,
        form,
    });
    match again {
        Some((r, _)) => Ok(html(
            r.status,
            page(&d.frame(t.admin.appointment_types, None), &body),
        )),
        None => Ok(d.page(
            t.admin.appointment_types,
            notice(raw, d.lang).as_deref(),
            &body,
        )),
    }
}

/// A stored type as its form's fields.
fn input_values(i: &AppointmentType) -> Vec<(String, String)> {
    let mut v = vec![
        ("name".to_owned(), i.name.clone()),
        ("public_label".to_owned(), i.public_label.clone()),
        (
            "duration_minutes".to_owned(),
            i.duration_minutes.to_string(),
        ),
        (
            "buffer_before_minutes".to_owned(),
            i.buffer_before_minutes.to_string(),
        ),
        (
            "buffer_after_minutes".to_owned(),
            i.buffer_after_minutes.to_string(),
        ),
        (
            "min_notice_minutes".to_owned(),
            i.min_notice_minutes.to_string(),
        ),
        ("place_kind".to_owned(), i.place_kind.as_str().to_owned()),
        ("bookable_by".to_owned(), i.bookable_by.as_str().to_owned()),
    ];
    for (name, n) in [
        ("step_minutes", i.step_minutes),
        ("max_horizon_days", i.max_horizon_days),
        ("reminder_offset_hours", i.reminder_offset_hours),
    ] {
        v.push((name.to_owned(), n.to_string()));
    }
    if i.reminders {
        v.push(("reminders".to_owned(), "true".to_owned()));
    }
    v
}

pub(super) async fn create_type(d: D, Checked(p): Checked) -> Page {
    save(d, p, None).await
}

pub(super) async fn update_type(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(d.lang));
    };
    save(d, p, Some(id)).await
}

async fn save(d: D, p: super::super::Posted, id: Option<Uuid>) -> Page {
    let r = match p.read_fields::<AppointmentTypeInput>(TYPE_FIELDS) {
        Ok(i) => match id {
            Some(id) => crate::scheduling::types::update_type(&d, id, i)
                .await
                .map(|_| Done::TypeUpdated),
            None => crate::scheduling::types::create_type(&d, i)
                .await
                .map(|_| Done::TypeCreated),
        },
        Err(e) => Err(e),
    };
    match r {
        Ok(what) => Ok(done("/console/admin/types", what)),
        Err(e) if e.status() == 404 => Ok(not_found(d.lang)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            types_page(&d, &None, id, Some((&refusal, p.values()))).await
        }
    }
}
