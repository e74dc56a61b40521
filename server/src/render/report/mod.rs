//! The activity report rendered as CSV (`csv`) and as a printable HTML page with SVG charts
//! (`page`). Shared by the JSON API and the staff console.

mod charts;
mod csv;
mod kit;
mod page;
mod places;
mod sections;
mod text;

pub use csv::csv;
pub use page::html;
