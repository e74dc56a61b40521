//! One spelling for every word stored as text: the `words!` macro gives an enum whose serde
//! spelling is its snake_case name `as_str`, `parse` and `ALL`, so the database column, the
//! JSON and the report read the same word. The server uses it for its own stored words too.

/// `as_str`, `parse` and `ALL` for an enum whose serde spelling is its snake_case name, so the
/// database and the wire use the same word.
#[macro_export]
macro_rules! words {
    ($t:ident { $($v:ident = $s:literal),* $(,)? }) => {
        impl $t {
            /// Every word, in declaration order.
            pub const ALL: &'static [$t] = &[$($t::$v),*];
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($t::$v),)* _ => None }
            }
        }
    };
}
