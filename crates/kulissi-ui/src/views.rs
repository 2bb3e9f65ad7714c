//! What every page shares: the layout (who is signed in, the navigation their roles open,
//! the CSRF token htmx sends), rendering a template into a response, and errors as a
//! message a person can act on (the engine's refusal, the fields that were wrong).

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kulissi_api::app::Caller;
use kulissi_api::problem::ApiError;
use kulissi_core::controls::roles::{Permission, roles_text};

use crate::Ui;
use crate::routes::{ROUTES, SECTIONS};

/// A link in the navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Where it goes.
    pub href: &'static str,
    /// What it says.
    pub label: &'static str,
    /// The page shown now.
    pub current: bool,
}

/// A section of the navigation.
#[derive(Debug, Clone)]
pub struct NavSection {
    /// Its heading.
    pub heading: &'static str,
    /// Its links.
    pub links: Vec<NavLink>,
}

/// The frame of every page.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page's title.
    pub title: String,
    /// Who is signed in.
    pub user: String,
    /// Their roles.
    pub roles: String,
    /// The business date.
    pub business_date: String,
    /// The session's CSRF token, sent by htmx on every state-changing request.
    pub csrf: String,
    /// The navigation the person's roles open.
    pub nav: Vec<NavSection>,
    /// A message from the last action (`?done=`).
    pub flash: Option<String>,
    /// The assets' version, for their links.
    pub version: &'static str,
}

impl Layout {
    /// The frame for `caller` on the page at `path`.
    pub fn new(ui: &Ui, caller: &Caller, path: &str, title: impl Into<String>) -> Layout {
        let csrf = caller
            .session
            .as_deref()
            .and_then(|c| ui.app.sessions.get(c, ui.app.idle()))
            .map(|s| s.csrf)
            .unwrap_or_default();
        let nav = SECTIONS
            .iter()
            .map(|heading| NavSection {
                heading,
                links: ROUTES
                    .iter()
                    .filter(|r| {
                        r.nav.is_some_and(|(s, _)| s == *heading)
                            && r.permission.is_none_or(|p| caller.can(p))
                    })
                    .map(|r| NavLink {
                        href: r.path,
                        label: r.nav.map_or("", |(_, l)| l),
                        current: r.path == path,
                    })
                    .collect(),
            })
            .filter(|s| !s.links.is_empty())
            .collect();
        Layout {
            title: title.into(),
            user: caller.principal.username.clone(),
            roles: roles_text(&caller.principal.roles),
            business_date: ui.app.business_date().to_string(),
            csrf,
            nav,
            flash: None,
            version: crate::assets::VERSION,
        }
    }

    /// With the message of the action that led here.
    pub fn with_flash(mut self, done: Option<&String>) -> Layout {
        self.flash = done.filter(|d| !d.is_empty()).cloned();
        self
    }

    /// The `hx-headers` attribute's JSON (the CSRF token is hex, so nothing to escape).
    pub fn hx_headers(&self) -> String {
        format!("{{\"X-CSRF-Token\": \"{}\"}}", self.csrf)
    }
}

/// Renders a template into an HTML response.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => UiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the page could not be drawn: {e}"),
        )
        .into_response(),
    }
}

/// After an action: htmx loads `location` (which shows `message`).
pub fn done(location: &str, message: &str) -> Response {
    let separator = if location.contains('?') { '&' } else { '?' };
    let target = format!(
        "{location}{separator}done={}",
        crate::table::encode(message)
    );
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&target) {
        response.headers_mut().insert("hx-location", v);
    }
    response
}

/// An error shown to a person: a message, and the fields that were wrong.
#[derive(Debug, Clone)]
pub struct UiError {
    status: StatusCode,
    detail: String,
    fields: Vec<String>,
}

impl UiError {
    /// An error with a status and a message.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> UiError {
        UiError {
            status,
            detail: detail.into(),
            fields: Vec::new(),
        }
    }

    /// 403.
    pub fn forbidden(detail: impl Into<String>) -> UiError {
        UiError::new(StatusCode::FORBIDDEN, detail)
    }

    /// 400.
    pub fn bad_request(detail: impl Into<String>) -> UiError {
        UiError::new(StatusCode::BAD_REQUEST, detail)
    }

    /// What went wrong.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The fields that were wrong, each with its line where a file was read.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// With a line naming a field that was wrong.
    pub fn with_field(mut self, field: impl Into<String>) -> UiError {
        self.fields.push(field.into());
        self
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> UiError {
        UiError::new(StatusCode::NOT_FOUND, detail)
    }
}

impl From<ApiError> for UiError {
    fn from(e: ApiError) -> UiError {
        let problem = e.problem();
        UiError {
            status: e.status(),
            detail: problem.detail,
            fields: problem
                .errors
                .into_iter()
                .map(|f| match f.line {
                    Some(line) => format!(
                        "line {line}, {}: {}",
                        f.field.unwrap_or_default(),
                        f.message
                    ),
                    None => format!("{}: {}", f.field.unwrap_or_default(), f.message),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Template)]
#[template(path = "error.html")]
struct ErrorFragment<'a> {
    title: &'a str,
    detail: &'a str,
    fields: &'a [String],
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let html = ErrorFragment {
            title,
            detail: &self.detail,
            fields: &self.fields,
        }
        .render()
        .unwrap_or_else(|_| "error".to_owned());
        let mut response = (self.status, Html(html)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

#[derive(Debug, Template)]
#[template(path = "forbidden.html")]
struct Forbidden {
    layout: Layout,
    permission: String,
}

/// The 403 page: the person's navigation and what the page needs.
pub fn forbidden(ui: &Ui, caller: &Caller, path: &str, permission: Permission) -> Response {
    let page = Forbidden {
        layout: Layout::new(ui, caller, path, "Not allowed"),
        permission: permission.name(),
    };
    let mut response = render(&page);
    *response.status_mut() = StatusCode::FORBIDDEN;
    response
}
