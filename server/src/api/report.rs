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
           ("compare" = Option<String>, Query, description = "year_before: the same period a year earlier beside it, with the change of each headline figure")),
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
    let (r, org_name) = svc::report(&t, from, to, audience, compare).await?;
    Ok(match format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"relais-rapport-{from}-{to}.csv\""),
                ),
            ],
            csv(&r),
        )
            .into_response(),
        "html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned())],
            html(&r, &org_name),
        )
            .into_response(),
        _ => axum::Json(r).into_response(),
    })
}

/// This module's handlers, routed and documented.
pub fn routes() -> super::router::ApiRouter {
    crate::handlers![report]
}
