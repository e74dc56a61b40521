//! Writing HTML by hand, safely: every text goes through `esc`, attributes are always
//! quoted. Shared by the person's pages (and the staff console to come).

use std::fmt::Write as _;

/// Text or attribute value, escaped for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page being written.
#[derive(Default)]
pub struct Html(pub String);

impl Html {
    /// Markup written as is: only literals and already-escaped text.
    pub fn raw(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
    }

    /// Text, escaped.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.0.push_str(&esc(s));
        self
    }

    /// `<tag attrs>text</tag>` with the text escaped; `attrs` are literals.
    pub fn el(&mut self, tag: &str, attrs: &str, text: &str) -> &mut Self {
        let _ = write!(
            self.0,
            "<{tag}{}{attrs}>{}</{tag}>",
            if attrs.is_empty() { "" } else { " " },
            esc(text)
        );
        self
    }

    /// A link; `href` and text escaped, `attrs` literal.
    pub fn a(&mut self, href: &str, attrs: &str, text: &str) -> &mut Self {
        let _ = write!(
            self.0,
            "<a href=\"{}\"{}{attrs}>{}</a>",
            esc(href),
            if attrs.is_empty() { "" } else { " " },
            esc(text)
        );
        self
    }

    /// A hidden form field.
    pub fn hidden(&mut self, name: &str, value: &str) -> &mut Self {
        let _ = write!(
            self.0,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(name),
            esc(value)
        );
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        let mut h = Html::default();
        h.a("/x?a=1&b=\"2\"", "", "<b>");
        assert_eq!(h.0, "<a href=\"/x?a=1&amp;b=&quot;2&quot;\">&lt;b&gt;</a>");
    }
}
