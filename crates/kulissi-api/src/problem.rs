//! Errors as RFC 9457 problem documents (`application/problem+json`): a type, a title, the
//! status, and a detail that says what was wrong, with the fields of a refused import
//! (line, field, message) when there are some.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind in words.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What was wrong this time.
    pub detail: String,
    /// The fields that were wrong, for a refused body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One wrong field of a body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// The line of an uploaded file (as an editor numbers it), if the body is a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The field as a JSON path (`$.quantity`) or a CSV column, if one is named.
    pub field: Option<String>,
    /// What was expected.
    pub message: String,
}

/// An error a handler answers with.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    slug: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    retry_after: Option<u32>,
}

impl ApiError {
    fn new(status: StatusCode, slug: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            slug,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    /// 400 with the fields that were wrong.
    pub fn invalid_body(detail: impl Into<String>, errors: Vec<FieldError>) -> ApiError {
        ApiError {
            errors,
            ..ApiError::new(StatusCode::BAD_REQUEST, "invalid-body", detail)
        }
    }

    /// 401: not signed in.
    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in (POST /api/v1/login) or send an API token as 'Authorization: Bearer ...'",
        )
    }

    /// 401: wrong user name or password.
    pub fn bad_credentials() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad-credentials",
            "unknown user, inactive user or wrong password",
        )
    }

    /// 403: signed in, not allowed.
    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 405: the route exists, not with this method.
    pub fn new_method_not_allowed() -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "this route does not take this method",
        )
    }

    /// 409: the engine refused the command.
    pub fn rejected(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "rejected", detail)
    }

    /// 422: well-formed, but not a command the engine can take (e.g. an unknown reference).
    pub fn unprocessable(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", detail)
    }

    /// 429: too many failed logins.
    pub fn throttled(retry_after: u32) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                format!("too many failed logins: try again in {retry_after} s"),
            )
        }
    }

    /// 503: the writer is busy or stopped.
    pub fn unavailable(detail: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The problem document.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("https://kulissi.org/problems/{}", self.slug),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
        }
    }
}

impl From<kulissi_app::AppError> for ApiError {
    fn from(e: kulissi_app::AppError) -> ApiError {
        match e {
            kulissi_app::AppError::Busy => ApiError::unavailable(e.to_string()),
            other => ApiError::unavailable(other.to_string()),
        }
    }
}

impl From<kulissi_core::engine::Rejection> for ApiError {
    fn from(r: kulissi_core::engine::Rejection) -> ApiError {
        use kulissi_core::controls::ControlError;
        use kulissi_core::engine::Rejection;
        match &r {
            Rejection::Control(
                ControlError::SelfApproval(_)
                | ControlError::WrongDepartment { .. }
                | ControlError::Forbidden { .. }
                | ControlError::OwnRoles(_),
            ) => ApiError::forbidden(r.to_string()),
            _ => ApiError::rejected(r.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"kulissi\""),
            );
        }
        response
    }
}
