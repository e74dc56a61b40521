//! The activity report over any date range: facts loaded from stored rows, indicators
//! computed by `relais_domain::report`, rendered as JSON, CSV or a printable HTML page with
//! SVG charts drawn here (no script, no external resource).

use relais_domain::problem::ProblemCode;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use relais_domain::report::{Audience, Report};
use serde::Deserialize;

use super::error::{ServiceError, ServiceResult};
use super::extract::ApiQuery;
use crate::api::caller::{FileReaders, Staff};
use crate::casework::report as svc;
use crate::render::report::{csv, html};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    from: Option<String>,
    /// Last day (included).
    #[serde(default)]
    to: Option<String>,
    /// `internal` (default) or `external`: small cells suppressed for outside the service.
    #[serde(default)]
    audience: Option<String>,
    /// `json` (default), `csv` or `html`.
    #[serde(default)]
    format: Option<String>,
    /// `year_before`: the same period a year earlier beside it.
    #[serde(default)]
    compare: Option<String>,
    /// A convention's id: the funder's version of it (its share of the work, over the days
    /// of the period it runs, suppressed).
    #[serde(default)]
    convention: Option<String>,
    /// The printable page's language: `fr` (default) or `en`.
    #[serde(default)]
    lang: Option<String>,
}

fn bad(field: &str, fr: &str, en: &str) -> ServiceError {
    ServiceError::field(ProblemCode::InvalidParameter, field, (fr, en))
}

pub(super) fn date_param(field: &str, v: Option<&str>) -> ServiceResult<NaiveDate> {
    let v = v.ok_or_else(|| {
        bad(
            field,
            "Date requise (AAAA-MM-JJ).",
            "A date is required (YYYY-MM-DD).",
        )
    })?;
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
        bad(
            field,
            "Date AAAA-MM-JJ attendue.",
            "A date YYYY-MM-DD expected.",
        )
    })
}

/// The activity report. `format=json|csv|html`, `audience=internal|external` (small cells
/// suppressed in the version meant to leave the service).
#[utoipa::path(get, path = "/api/v1/report", tag = "report", security(("bearer" = [])),
    params(("from" = String, Query, description = "YYYY-MM-DD"), ("to" = String, Query, description = "YYYY-MM-DD, included"),
           ("audience" = Option<String>, Query, description = "internal (default) or external"),
           ("format" = Option<String>, Query, description = "json (default), csv or html"),
           ("compare" = Option<String>, Query, description = "year_before: the same period a year earlier beside it, with the change of each headline figure"),
           ("convention" = Option<String>, Query, description = "a convention's id: the funder's version, its share of the work over the days of the period it runs, always suppressed"),
           ("lang" = Option<String>, Query, description = "the printable page's language: fr (default) or en")),
    responses((status = 200, body = Report), (status = 400, body = super::error::Problem)))]
pub async fn report(
    t: Staff<FileReaders>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ServiceResult<Response> {
    let from = date_param("from", q.from.as_deref())?;
    let to = date_param("to", q.to.as_deref())?;
    let audience = match q.audience.as_deref() {
        None | Some("internal") => Audience::Internal,
        Some("external") => Audience::External,
        Some(_) => {
            return Err(bad(
                "audience",
                "internal ou external.",
                "internal or external.",
            ));
        }
    };
    let format = q.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "html") {
        return Err(bad("format", "json, csv ou html.", "json, csv or html."));
    }
    let compare = match q.compare.as_deref() {
        None | Some("") => false,
        Some("year_before") => true,
        Some(_) => {
            return Err(bad(
                "compare",
                "year_before, ou rien.",
                "year_before, or nothing.",
            ));
        }
    };
    let convention = match q.convention.as_deref() {
        None | Some("") => None,
        Some(v) => Some(uuid::Uuid::parse_str(v).map_err(|_| {
            bad(
                "convention",
                "L'identifiant d'une convention attendu.",
                "A convention's id expected.",
            )
        })?),
    };
    let lang = match q.lang.as_deref() {
        None | Some("") | Some("fr") => relais_domain::words::Lang::Fr,
        Some("en") => relais_domain::words::Lang::En,
        Some(_) => return Err(bad("lang", "fr ou en.", "fr or en.")),
    };
    let asked = svc::Asked {
        from,
        to,
        audience,
        compare,
        convention,
    };
    let (r, org_name) = svc::report(&t, asked).await?;
    Ok(match format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"relais-rapport-{}-{}.csv\"",
                        r.from, r.to
                    ),
                ),
            ],
            csv(&r),
        )
            .into_response(),
        "html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned())],
            html(&r, &org_name, lang),
        )
            .into_response(),
        _ => axum::Json(r).into_response(),
    })
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![report]
}
