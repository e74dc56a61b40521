//! Writing HTML by hand, safely, until the console's pages move to templates: every text goes
//! through `esc` (askama's escaper), attributes are always quoted.

/// Text or attribute value, escaped for HTML: askama's escaper, the one the templates use, so
/// the server has one way to escape (`&`, `<`, `>`, `"` and `'`).
pub fn esc(s: &str) -> String {
    match askama::filters::escape(s, askama::filters::Html) {
        Ok(safe) => safe.to_string(),
        Err(never) => match never {},
    }
}

/// A value put into a URL's query, encoded (the one encoder of the server's links).
pub fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;"
        );
    }
}
