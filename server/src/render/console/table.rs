//! A table as its template draws it (`kit::table`): a caption, headers, and rows of cells
//! that are data, never markup; the text shown instead when there is no row.

/// One cell: a text, maybe a link, maybe a mark after it, maybe a button that posts.
#[derive(Default)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    /// Shown strong (what must be acted on).
    pub strong: bool,
    /// A warning after the text (`strong.late`), e.g. "overdue".
    pub late: Option<&'static str>,
    /// Forms of one button, each posting to its address.
    pub posts: Vec<Post>,
}

/// A form of one button in a cell.
pub struct Post {
    pub action: String,
    pub label: &'static str,
    /// Its accessible name when the label alone does not say what it acts on.
    pub aria: Option<String>,
    /// Drawn quiet (not the row's main action).
    pub quiet: bool,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Self {
        Cell {
            text: t.into(),
            ..Cell::default()
        }
    }

    pub fn link(href: impl Into<String>, t: impl Into<String>) -> Self {
        Cell {
            text: t.into(),
            href: Some(href.into()),
            ..Cell::default()
        }
    }

    pub fn strong(t: impl Into<String>) -> Self {
        Cell {
            text: t.into(),
            strong: true,
            ..Cell::default()
        }
    }

    /// A button posting to `action`, with the page's anti-forgery token.
    pub fn button(action: impl Into<String>, label: &'static str) -> Self {
        Cell::default().and_button(action, label)
    }

    /// One more button after the others.
    pub fn and_button(mut self, action: impl Into<String>, label: &'static str) -> Self {
        self.posts.push(Post {
            action: action.into(),
            label,
            aria: None,
            quiet: false,
        });
        self
    }

    /// One more quiet button, its accessible name saying what it acts on (`aria`).
    pub fn and_quiet_button(
        mut self,
        action: impl Into<String>,
        label: &'static str,
        aria: impl Into<String>,
    ) -> Self {
        self.posts.push(Post {
            action: action.into(),
            label,
            aria: Some(aria.into()),
            quiet: true,
        });
        self
    }

    /// With a warning after the text when `when`.
    pub fn late_if(mut self, when: bool, mark: &'static str) -> Self {
        if when {
            self.late = Some(mark);
        }
        self
    }
}

pub struct TableView {
    pub caption: String,
    pub heads: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    pub empty: &'static str,
    /// The anti-forgery token for the cells' buttons.
    pub csrf: String,
}

impl TableView {
    pub fn new(caption: impl Into<String>, heads: &[&'static str], empty: &'static str) -> Self {
        TableView {
            caption: caption.into(),
            heads: heads.to_vec(),
            rows: Vec::new(),
            empty,
            csrf: String::new(),
        }
    }

    pub fn rows(mut self, rows: Vec<Vec<Cell>>) -> Self {
        self.rows = rows;
        self
    }

    pub fn csrf(mut self, csrf: &str) -> Self {
        self.csrf = csrf.to_owned();
        self
    }
}
