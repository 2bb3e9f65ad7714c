//! The staff directory (joiners, movers, leavers) and users (created without roles; roles
//! by approval; passwords set by HR or IT, hashed here and never logged).

use crate::extract::Json;
use crate::extract::{Path, Query};
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use jiff::civil::Date;
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::roles::Role;
use kulissi_core::controls::staff::{Department, Employee};
use kulissi_core::engine::Command;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::trades::answer;
use super::{Outcome, execute_or_request};
use crate::app::{AppState, Caller};
use crate::paging::{ListQuery, Page, to_items};
use crate::problem::{ApiError, Problem};

/// An employee.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EmployeeDto {
    /// HR number.
    pub id: String,
    /// Full name.
    pub name: String,
    /// front_office, middle_office, operations, finance, compliance, it or hr.
    pub department: String,
    /// Job title.
    pub title: String,
    /// Manager's HR number.
    pub manager: Option<String>,
    /// First day.
    pub start: String,
    /// Last day, once left.
    pub end: Option<String>,
}

/// A user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    /// Login name.
    pub username: String,
    /// HR number.
    pub employee: String,
    /// Department.
    pub department: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Whether the employee is in service.
    pub active: bool,
}

fn department(name: &str) -> Result<Department, ApiError> {
    Department::parse(name).map_err(|e| ApiError::bad_request(format!("$.department: {e}")))
}

fn day(field: &str, value: &str) -> Result<Date, ApiError> {
    value.parse().map_err(|e| {
        ApiError::bad_request(format!(
            "$.{field}: expected YYYY-MM-DD, found '{value}': {e}"
        ))
    })
}

fn control(c: ControlCommand) -> Command {
    Command::Control(c)
}

/// The staff directory.
#[utoipa::path(get, path = "/api/v1/staff/employees", tag = "staff", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn employees(
    State(app): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let list: Vec<EmployeeDto> = app
        .directory()
        .employees
        .values()
        .map(|e| EmployeeDto {
            id: e.id.clone(),
            name: e.name.clone(),
            department: e.department.name().to_owned(),
            title: e.title.clone(),
            manager: e.manager.clone(),
            start: e.start.to_string(),
            end: e.end.map(|d| d.to_string()),
        })
        .collect();
    Ok(Json(query.page(to_items(&list), app.config.max_page)?))
}

/// A joiner.
#[utoipa::path(post, path = "/api/v1/staff/employees", tag = "staff", request_body = EmployeeDto,
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn hire(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<EmployeeDto>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let employee = Employee {
        id: body.id,
        name: body.name,
        department: department(&body.department)?,
        title: body.title,
        manager: body.manager.filter(|m| !m.is_empty()),
        start: day("start", &body.start)?,
        end: None,
    };
    answer(
        execute_or_request(
            &app,
            &caller,
            control(ControlCommand::HireEmployee(employee)),
        )
        .await?,
    )
}

/// A move: department, title, manager.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveRequest {
    /// Department.
    pub department: String,
    /// Title.
    pub title: String,
    /// Manager's HR number.
    pub manager: Option<String>,
}

/// A mover.
#[utoipa::path(post, path = "/api/v1/staff/employees/{id}/move", tag = "staff", request_body = MoveRequest,
    params(("id" = String, Path, description = "HR number")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn move_employee(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Json(body): Json<MoveRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let command = control(ControlCommand::MoveEmployee {
        id,
        department: department(&body.department)?,
        title: body.title,
        manager: body.manager.filter(|m| !m.is_empty()),
    });
    answer(execute_or_request(&app, &caller, command).await?)
}

/// A leaver's last day.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LeaveRequest {
    /// Last day.
    pub last_day: String,
}

/// A leaver: every session and token of their users stops at once.
#[utoipa::path(post, path = "/api/v1/staff/employees/{id}/leave", tag = "staff", request_body = LeaveRequest,
    params(("id" = String, Path, description = "HR number")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn leave(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Json(body): Json<LeaveRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let command = control(ControlCommand::RecordLeaver {
        id,
        last_day: day("last_day", &body.last_day)?,
    });
    answer(execute_or_request(&app, &caller, command).await?)
}

/// Users.
#[utoipa::path(get, path = "/api/v1/staff/users", tag = "staff", params(ListQuery),
    responses((status = 200, body = Page), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn users(
    State(app): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let directory = app.directory();
    let list: Vec<UserDto> = directory
        .users
        .values()
        .map(|u| UserDto {
            username: u.username.clone(),
            employee: u.employee.clone(),
            department: directory
                .employees
                .get(&u.employee)
                .map_or("", |e| e.department.name())
                .to_owned(),
            roles: u.roles.iter().map(|r| r.name().to_owned()).collect(),
            active: directory.active_user(&u.username).is_some(),
        })
        .collect();
    Ok(Json(query.page(to_items(&list), app.config.max_page)?))
}

/// A new user (roles are given by a separate, approved request).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// HR number.
    pub employee: String,
    /// Initial password (12 to 256 characters).
    pub password: String,
}

async fn hash(app: &AppState, password: String) -> Result<String, ApiError> {
    let passwords = app.passwords.clone();
    tokio::task::spawn_blocking(move || passwords.hash(&password))
        .await
        .map_err(|e| ApiError::unavailable(e.to_string()))?
        .map_err(|e| ApiError::bad_request(format!("$.password: {e}")))
}

/// Create a user for an employee.
#[utoipa::path(post, path = "/api/v1/staff/users", tag = "staff", request_body = NewUser,
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_user(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let password_hash = hash(&app, body.password).await?;
    let command = control(ControlCommand::CreateUser {
        username: body.username,
        employee: body.employee,
        password_hash,
        roles: Default::default(),
    });
    answer(execute_or_request(&app, &caller, command).await?)
}

/// A user's roles.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RolesRequest {
    /// trader, risk, settlements, reconciliations, accountant, compliance_officer,
    /// hr_administrator, system_administrator, auditor.
    pub roles: Vec<String>,
}

/// Request a role change (a second person of HR or IT approves; no one changes their own).
#[utoipa::path(post, path = "/api/v1/staff/users/{username}/roles", tag = "staff", request_body = RolesRequest,
    params(("username" = String, Path, description = "login name")),
    responses((status = 202, body = Outcome), (status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_roles(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(username): Path<String>,
    Json(body): Json<RolesRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let roles = body
        .roles
        .iter()
        .map(|r| Role::parse(r).map_err(|e| ApiError::bad_request(format!("$.roles: {e}"))))
        .collect::<Result<_, _>>()?;
    let command = control(ControlCommand::SetUserRoles { username, roles });
    answer(execute_or_request(&app, &caller, command).await?)
}

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordRequest {
    /// The password (12 to 256 characters).
    pub password: String,
}

/// Set a user's password (their sessions end).
#[utoipa::path(post, path = "/api/v1/staff/users/{username}/password", tag = "staff", request_body = PasswordRequest,
    params(("username" = String, Path, description = "login name")),
    responses((status = 200, body = Outcome), (status = 400, body = Problem, content_type = "application/problem+json", description = "the request is malformed"), (status = 401, body = Problem, content_type = "application/problem+json", description = "not signed in"), (status = 403, body = Problem, content_type = "application/problem+json", description = "not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "not found"), (status = 405, body = Problem, content_type = "application/problem+json", description = "method not allowed"), (status = 409, body = Problem, content_type = "application/problem+json", description = "refused by the engine"), (status = 422, body = Problem, content_type = "application/problem+json", description = "not a command the engine can take"), (status = 429, body = Problem, content_type = "application/problem+json", description = "throttled"), (status = 503, body = Problem, content_type = "application/problem+json", description = "the writer is busy or stopped")),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_password(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(username): Path<String>,
    Json(body): Json<PasswordRequest>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let password_hash = hash(&app, body.password).await?;
    let command = control(ControlCommand::SetPassword {
        username: username.clone(),
        password_hash,
    });
    let outcome = execute_or_request(&app, &caller, command).await?;
    app.sessions.close_user(&username);
    answer(outcome)
}
