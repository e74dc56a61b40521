//! The frame around every console page (`server/templates/console/frame.html`): skip link,
//! navigation by role, the account and its sign-out, the other language, the title and the
//! page's notice or refusal.

use crate::render::html::url_encode;
use askama::Template;
use relais_domain::Role;

use super::Lang;

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

/// The navigation of a role: (path, French, English).
pub fn menu(role: Role) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut m = Vec::new();
    if role.may_read_person_files() {
        m.push(("/console/file", "File d'appels", "Call-back queue"));
        m.push(("/console/agenda", "Agenda", "Agenda"));
        m.push(("/console/accueil", "Accueil sans rendez-vous", "Walk-in"));
        m.push((
            "/console/contact-anonyme",
            "Contact anonyme",
            "Anonymous contact",
        ));
    }
    if role.may_administer() {
        m.push(("/console/admin/sites", "Sites", "Sites"));
        m.push(("/console/admin/comptes", "Comptes", "Accounts"));
        m.push((
            "/console/admin/types",
            "Types de rendez-vous",
            "Appointment types",
        ));
        m.push(("/console/admin/horaires", "Horaires", "Opening hours"));
        m.push((
            "/console/admin/exceptions",
            "Fermetures et plages en plus",
            "Closures and extra hours",
        ));
        m.push(("/console/admin/partenaires", "Partenaires", "Partners"));
        m.push(("/console/admin/messages", "Messages", "Messages"));
        m.push((
            "/console/admin/rapport",
            "Rapport d'activité",
            "Activity report",
        ));
        m.push(("/console/admin/journal", "Journal", "Audit log"));
    }
    if role == Role::Referrer {
        m.push(("/console/signalements", "Mes signalements", "My referrals"));
        m.push((
            "/console/signalements/nouveau",
            "Nouveau signalement",
            "New referral",
        ));
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
        who: f.who.map(|(role, name)| Who {
            name,
            menu: menu(role)
                .into_iter()
                .map(|(path, fr, en)| MenuItem {
                    path,
                    label: l.w(fr, en),
                    current: f.path == path || f.path.starts_with(&format!("{path}/")),
                })
                .collect(),
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
