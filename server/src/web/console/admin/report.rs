//! The activity report: the page with its charts, the CSV and the version meant to leave the service.

use super::*;

// ------------------------------------------------------------------ the report

/// The report's period and version, its one specification (a form sent in the address).
const REPORT_FIELDS: &[Field] = &[
    Field {
        name: "from",
        input: Input::Date,
        label: |t| t.admin.from,
        required: true,
        hints: &[],
    },
    Field {
        name: "to",
        input: Input::Date,
        label: |t| t.admin.to_included,
        required: true,
        hints: &[],
    },
    Field {
        name: "audience",
        input: Input::Choice,
        label: |t| t.admin.version,
        required: true,
        hints: &[],
    },
];

#[derive(askama::Template)]
#[template(path = "console/admin/report.html")]
struct ReportView {
    t: &'static Text,
    /// The usual periods: (link, label, the one shown).
    periods: Vec<(String, String, bool)>,
    form: FormView,
    /// The documents' query, when the period reads right.
    documents: Option<String>,
}

pub(super) fn period(
    raw: &Option<String>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate, Audience), ServiceError> {
    let date = |name: &str, default: NaiveDate| match query(raw, name) {
        None => Ok(default),
        Some(v) if v.is_empty() => Ok(default),
        Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| {
            ServiceError::field(
                ProblemCode::InvalidParameter,
                name,
                ("Date JJ/MM/AAAA attendue.", "A date DD/MM/YYYY expected."),
            )
        }),
    };
    let from = date(
        "from",
        NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today),
    )?;
    let to = date(
        "to",
        NaiveDate::from_ymd_opt(today.year() - 1, 12, 31).unwrap_or(today),
    )?;
    let audience = match query(raw, "audience").as_deref() {
        Some("external") => Audience::External,
        _ => Audience::Internal,
    };
    Ok((from, to, audience))
}

pub(super) async fn report_page(d: D, RawQuery(raw): RawQuery) -> Response {
    report_view(&d, &raw, None).await
}

/// The report's form and figures; `refused`: why the document asked for was refused, said
/// on the page (never carried in the address).
pub(super) async fn report_view(
    d: &D,
    raw: &Option<String>,
    refused: Option<super::super::Refusal>,
) -> Response {
    let l = d.lang;
    let (from, to, audience, refusal) = match period(
        raw,
        d.now().with_timezone(&crate::zone::DEFAULT).date_naive(),
    ) {
        Ok((f, t, a)) => (f, t, a, None),
        Err(e) => {
            let today = d.now().date_naive();
            (today, today, Audience::Internal, d.refusal(e).ok())
        }
    };
    let refusal = refused.or(refusal);
    let values: Vec<(String, String)> = vec![
        (
            "from".into(),
            query(raw, "from").unwrap_or_else(|| from.to_string()),
        ),
        (
            "to".into(),
            query(raw, "to").unwrap_or_else(|| to.to_string()),
        ),
        (
            "audience".into(),
            if audience == Audience::External {
                "external"
            } else {
                "internal"
            }
            .into(),
        ),
    ];
    let f = match &refusal {
        Some(r) => r.form(&values, l),
        None => Form {
            values: &values,
            errors: &[],
            general: None,
            lang: l,
        },
    };
    let t = l.t();
    // The usual periods, one click each; any other dates in the form below.
    let today = d.now().with_timezone(&crate::zone::DEFAULT).date_naive();
    let audience_word = if audience == Audience::External {
        "external"
    } else {
        "internal"
    };
    let periods = relais_domain::report::period::Period::offered(today)
        .into_iter()
        .map(|p| {
            let (a, b) = p.dates(today);
            let (fr, en) = p.label(today);
            (
                format!("/console/admin/rapport?from={a}&to={b}&audience={audience_word}"),
                l.w(&fr, &en).to_owned(),
                (a, b) == (from, to),
            )
        })
        .collect();
    let form = FormView::new(
        REPORT_FIELDS,
        &f,
        "/console/admin/rapport",
        "",
        t.admin.show,
    )
    .get()
    .options(
        "audience",
        vec![
            ("internal".into(), t.admin.inside_the_service.into()),
            ("external".into(), t.admin.external_funders.into()),
        ],
    );
    let documents = refusal
        .is_none()
        .then(|| format!("from={from}&to={to}&audience={audience_word}"));
    let h = draw(&ReportView {
        t,
        periods,
        form,
        documents,
    });
    let title = l.t().admin.activity_report;
    match refusal {
        Some(r) => html(r.status, page(&d.frame(title, None), &h)),
        None => d.page(title, None, &h),
    }
}

pub(super) async fn report_document(d: D, RawQuery(raw): RawQuery) -> Page {
    let (from, to, audience) = period(
        &raw,
        d.now().with_timezone(&crate::zone::DEFAULT).date_naive(),
    )?;
    let (r, org) = match crate::casework::report::report(&d, from, to, audience).await {
        Ok(x) => x,
        Err(e) if e.status() < 500 => {
            return Ok(report_view(&d, &raw, Some(d.refusal(e)?)).await);
        }
        Err(e) => return Err(e.into()),
    };
    if query(&raw, "format").as_deref() == Some("csv") {
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"relais-rapport-{from}-{to}.csv\""),
                ),
            ],
            crate::render::report::csv(&r),
        )
            .into_response());
    }
    let doc = crate::render::report::html(&r, &org);
    // The report carries its own style block: allowed by its digest, nothing else inline.
    let style = doc
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(s, _)| s)
        .unwrap_or("");
    use sha2::Digest as _;
    let digest = data_encoding::BASE64.encode(&sha2::Sha256::digest(style.as_bytes()));
    let csp = format!(
        "default-src 'none'; style-src 'sha256-{digest}'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    );
    let mut resp = html(StatusCode::OK, doc);
    if let Ok(v) = HeaderValue::from_str(&csp) {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    Ok(resp)
}
