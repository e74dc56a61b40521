//! A staff member's calendar feeds: an address their calendar application subscribes to,
//! shown once; the live ones listed (an admin sees everyone's), each revocable.

use super::*;
use relais_domain::dto::CalendarFeedInput;

/// A new feed, its one specification.
const FEED_FIELDS: &[Field] = &[Field {
    name: "show_names",
    input: Input::Check,
    label: |t| t.feed_show_initials,
    required: false,
    hints: &[],
}];

#[derive(askama::Template)]
#[template(path = "console/desk/feeds.html")]
struct FeedsView {
    t: &'static Text,
    new_address: Option<String>,
    /// The server's public address is not configured: the address shown has no host.
    no_host: bool,
    list: TableView,
    form: FormView,
}

pub(super) async fn feeds(d: D, RawQuery(raw): RawQuery) -> Page {
    feeds_page(&d, &raw, None).await
}

async fn feeds_page(d: &D, raw: &Option<String>, new_path: Option<&str>) -> Page {
    let l = d.lang;
    let t = l.t();
    let list = crate::scheduling::feed::list_feeds(d).await?;
    let people = crate::paging::every(|p| crate::accounts::list(d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let rows = list
        .iter()
        .map(|f| {
            let whose = f
                .account_id
                .and_then(|a| people.iter().find(|p| p.id == a))
                .map(|p| p.display_name.clone())
                .unwrap_or_else(|| "—".into());
            vec![
                Cell::text(when(f.created_at, l)),
                Cell::text(&whose),
                Cell::text(if f.show_names {
                    t.feed_with_initials
                } else {
                    t.feed_without_names
                }),
                Cell::default().and_quiet_button(
                    format!("/console/agenda/abonnements/{}/revoquer", f.id),
                    t.admin.revoke,
                    format!("{} {whose}", t.revoke_the_feed_of),
                ),
            ]
        })
        .collect();
    let list = TableView::new(
        t.live_feeds,
        &[t.feed_created, t.who, t.feed_titles, t.action],
        t.no_feed,
    )
    .rows(rows)
    .csrf(&d.csrf);
    let form = FormView::new(
        FEED_FIELDS,
        &Form::empty(l),
        "/console/agenda/abonnements",
        &d.csrf,
        t.create_the_feed,
    );
    // The whole address, as a calendar application wants it.
    let host = d.state.config().public_url.trim_end_matches('/').to_owned();
    let new_address = new_path.map(|p| format!("{host}{p}"));
    let h = draw(&FeedsView {
        t,
        no_host: host.is_empty(),
        new_address,
        list,
        form,
    });
    Ok(d.page(t.calendar_feeds, notice(raw, l).as_deref(), &h))
}

pub(super) async fn create_feed(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<CalendarFeedInput>(FEED_FIELDS) {
        Ok(i) => crate::scheduling::feed::create_feed(&d, i).await,
        Err(e) => Err(e),
    };
    match r {
        // Shown once, on this answer; never in an address or a later page.
        Ok(f) => feeds_page(&d, &None, f.path.as_deref()).await,
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn revoke_feed(d: D, Path(id): Path<String>, _: Checked) -> Page {
    let Ok(id) = Uuid::parse_str(&id) else {
        return Ok(not_found(d.lang));
    };
    crate::scheduling::feed::revoke_feed(&d, id).await?;
    Ok(done("/console/agenda/abonnements", Done::FeedRevoked))
}
