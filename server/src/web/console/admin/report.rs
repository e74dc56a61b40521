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
    Field {
        name: "convention",
        input: Input::Choice,
        label: |t| t.admin.funders_version,
        required: false,
        hints: &[],
    },
    Field {
        name: "compare",
        input: Input::Check,
        label: |t| t.admin.compare_with_a_year_before,
        required: false,
        hints: &[],
    },
];

/// What the report's address asks for: its period, its version, and whether the same
/// period a year before stands beside it.
pub(super) struct Asked {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub audience: Audience,
    pub compare: bool,
    /// The funder's version of one convention.
    pub convention: Option<Uuid>,
}

impl Asked {
    /// The address's query that asks for it again (the documents' links, the presets').
    fn query(&self) -> String {
        let compare = if self.compare {
            "&compare=year_before"
        } else {
            ""
        };
        let convention = self
            .convention
            .map(|c| format!("&convention={c}"))
            .unwrap_or_default();
        format!(
            "from={}&to={}&audience={}{convention}{compare}",
            self.from,
            self.to,
            audience_word(self.audience)
        )
    }

    fn service(&self) -> crate::casework::report::Asked {
        crate::casework::report::Asked {
            from: self.from,
            to: self.to,
            audience: self.audience,
            compare: self.compare,
            convention: self.convention,
        }
    }
}

fn audience_word(a: Audience) -> &'static str {
    if a == Audience::External {
        "external"
    } else {
        "internal"
    }
}

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

pub(super) fn period(raw: &Option<String>, today: NaiveDate) -> Result<Asked, ServiceError> {
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
    // A checkbox sends "on"; the address made here says "year_before".
    let compare = query(raw, "compare").is_some_and(|v| !v.is_empty());
    let convention = match query(raw, "convention").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(Uuid::parse_str(&v).map_err(|_| {
            ServiceError::field(
                ProblemCode::InvalidParameter,
                "convention",
                ("Convention inconnue.", "Unknown convention."),
            )
        })?),
    };
    Ok(Asked {
        from,
        to,
        audience,
        compare,
        convention,
    })
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
    let (asked, refusal) = match period(
        raw,
        d.now().with_timezone(&crate::zone::DEFAULT).date_naive(),
    ) {
        Ok(a) => (a, None),
        Err(e) => {
            let today = d.now().date_naive();
            let asked = Asked {
                from: today,
                to: today,
                audience: Audience::Internal,
                compare: false,
                convention: None,
            };
            (asked, d.refusal(e).ok())
        }
    };
    let Asked {
        from, to, audience, ..
    } = asked;
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
        ("audience".into(), audience_word(audience).into()),
    ];
    let mut values = values;
    if let Some(c) = asked.convention {
        values.push(("convention".into(), c.to_string()));
    }
    if asked.compare {
        values.push(("compare".into(), "year_before".into()));
    }
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
    // The funder's versions: the whole organisation's report, or one convention's.
    let mut conventions = vec![(String::new(), t.admin.the_whole_service.to_owned())];
    for c in crate::casework::conventions::list(d)
        .await
        .unwrap_or_default()
    {
        conventions.push((
            c.id.to_string(),
            format!(
                "{} ({} – {})",
                c.funder,
                c.valid_from.format("%d/%m/%Y"),
                c.valid_until.format("%d/%m/%Y")
            ),
        ));
    }
    // The usual periods, one click each; any other dates in the form below.
    let today = d.now().with_timezone(&crate::zone::DEFAULT).date_naive();
    let periods = relais_domain::report::period::Period::offered(today)
        .into_iter()
        .map(|p| {
            let (a, b) = p.dates(today);
            let (fr, en) = p.label(today);
            let preset = Asked {
                from: a,
                to: b,
                ..asked
            };
            (
                format!("/console/admin/rapport?{}", preset.query()),
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
    )
    .options("convention", conventions);
    let documents = refusal.is_none().then(|| asked.query());
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
    let asked = period(
        &raw,
        d.now().with_timezone(&crate::zone::DEFAULT).date_naive(),
    )?;
    let (r, org) = match crate::casework::report::report(&d, asked.service()).await {
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
                    format!(
                        "attachment; filename=\"relais-rapport-{}-{}.csv\"",
                        r.from, r.to
                    ),
                ),
            ],
            crate::render::report::csv(&r),
        )
            .into_response());
    }
    let doc = crate::render::report::html(&r, &org, d.lang.into());
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
