//! The frame around every console page (`server/templates/console/frame.html`): skip link,
//! navigation by role, the account and its sign-out, the other language, the title and the
//! page's notice or refusal.

use crate::render::html::url_encode;
use askama::Template;
use relais_domain::Role;

use super::Lang;
use super::text::Text;

/// What the frame around a page needs.
pub struct Frame<'a> {
    pub title: &'a str,
    /// The signed-in account: its role and name; `None` on the sign-in pages.
    pub who: Option<(Role, &'a str)>,
    pub csrf: &'a str,
    pub lang: Lang,
    /// The path of the page, to mark its link in the navigation and come back after a change
    /// of language.
    pub path: &'a str,
    /// A confirmation after a change (post/redirect/get).
    pub notice: Option<&'a str>,
    /// A refusal said on the page itself (an alert, read out at once).
    pub alert: Option<&'a str>,
}

/// A menu entry: its path and its label, a key of the catalog.
pub type MenuEntry = (&'static str, fn(&'static Text) -> &'static str);

/// The navigation of a role.
pub fn menu(role: Role) -> Vec<MenuEntry> {
    let mut m: Vec<MenuEntry> = Vec::new();
    if role.may_read_person_files() {
        m.push(("/console/file", |t| t.call_back_queue));
        m.push(("/console/agenda", |t| t.agenda));
        m.push(("/console/agenda/abonnements", |t| t.calendar_feeds));
        m.push(("/console/accueil", |t| t.walk_in));
        m.push(("/console/contact-anonyme", |t| t.anonymous_contact));
        m.push(("/console/prevention", |t| t.prevention.title));
    }
    if role.may_administer() {
        m.push(("/console/admin/sites", |t| t.admin.sites));
        m.push(("/console/admin/comptes", |t| t.admin.accounts));
        m.push(("/console/admin/types", |t| t.admin.appointment_types));
        m.push(("/console/admin/horaires", |t| t.admin.opening_hours));
        m.push(("/console/admin/exceptions", |t| t.admin.exceptions_title));
        m.push(("/console/admin/partenaires", |t| t.admin.partners));
        m.push(("/console/admin/messages", |t| t.admin.messages));
        m.push(("/console/admin/conventions", |t| t.admin.conventions));
        m.push(("/console/admin/rapport", |t| t.admin.activity_report));
        m.push(("/console/admin/journal", |t| t.admin.menu_audit_log));
    }
    if role == Role::Referrer {
        m.push(("/console/signalements", |t| t.my_referrals));
        m.push(("/console/signalements/nouveau", |t| t.new_referral));
    }
    m
}

/// The frame's own words, French and English: a language missing one does not build.
struct FrameWords {
    lang: &'static str,
    skip: &'static str,
    menu: &'static str,
    sign_out: &'static str,
    other_lang: &'static str,
    other_name: &'static str,
}

const FR: FrameWords = FrameWords {
    lang: "fr",
    skip: "Aller au contenu",
    menu: "Console",
    sign_out: "Se déconnecter",
    other_lang: "en",
    other_name: "English",
};

const EN: FrameWords = FrameWords {
    lang: "en",
    skip: "Skip to content",
    menu: "Console",
    sign_out: "Sign out",
    other_lang: "fr",
    other_name: "Français",
};

struct MenuItem {
    path: &'static str,
    label: &'static str,
    current: bool,
}

struct Who<'a> {
    name: &'a str,
    menu: Vec<MenuItem>,
}

#[derive(Template)]
#[template(path = "console/frame.html")]
struct FrameView<'a> {
    w: &'static FrameWords,
    title: &'a str,
    who: Option<Who<'a>>,
    csrf: &'a str,
    other_href: String,
    notice: Option<&'a str>,
    alert: Option<&'a str>,
    body: &'a str,
}

/// A whole page: the frame around `body` (markup the console's pages wrote, every text of
/// it escaped by `render::html::esc`).
pub fn page(f: &Frame<'_>, body: &str) -> String {
    let l = f.lang;
    let w = if l.english { &EN } else { &FR };
    let view = FrameView {
        w,
        title: f.title,
        who: f.who.map(|(role, name)| {
            let entries = menu(role);
            // The page's own entry: the longest path the page is at or under.
            let at = |path: &str| f.path == path || f.path.starts_with(&format!("{path}/"));
            let current = entries
                .iter()
                .map(|e| e.0)
                .filter(|p| at(p))
                .max_by_key(|p| p.len());
            Who {
                name,
                menu: entries
                    .into_iter()
                    .map(|(path, label)| MenuItem {
                        path,
                        label: label(l.t()),
                        current: current == Some(path),
                    })
                    .collect(),
            }
        }),
        csrf: f.csrf,
        other_href: format!(
            "/console/langue?l={}&retour={}",
            w.other_lang,
            url_encode(f.path)
        ),
        notice: f.notice,
        alert: f.alert,
        body,
    };
    // Rendering into a string fails only if a value's Display does; none of these can.
    view.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "console frame did not render");
        String::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_escapes_what_it_is_given_and_says_a_refusal_as_an_alert() {
        for english in [false, true] {
            let f = Frame {
                title: "Dossier <b>'J.D.'</b>",
                who: Some((Role::Coordinator, "Zoé \"Z\" <i>")),
                csrf: "t\"x",
                lang: Lang { english },
                path: "/console/situations/1?a=<b>",
                notice: Some("Fait <ok>"),
                alert: Some("Refusé <non>"),
            };
            let h = page(&f, "<p>body</p>");
            for raw in [
                "<b>'J.D.'</b>",
                "\"Z\" <i>",
                "t\"x",
                "<ok>",
                "<non>",
                "a=<b>",
            ] {
                assert!(!h.contains(raw), "{raw} unescaped");
            }
            assert!(
                h.contains("<p>body</p>"),
                "the body is the page's own markup"
            );
            assert!(h.contains("role=\"status\">Fait &#60;ok&#62;</p>"));
            assert!(h.contains("role=\"alert\">Refusé &#60;non&#62;</p>"));
            assert!(h.contains(if english {
                "<html lang=\"en\">"
            } else {
                "<html lang=\"fr\">"
            }));
            assert!(h.contains("retour=%2Fconsole%2Fsituations%2F1%3Fa%3D%3Cb%3E"));
        }
    }
}
