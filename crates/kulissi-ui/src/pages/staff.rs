//! The staff directory: employees by department with their users and roles; joiners, movers
//! and leavers (HR). A leaver's sessions and tokens stop at once; role changes go through
//! approval on the API and the CLI.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use jiff::civil::Date;
use kulissi_api::app::Caller;
use kulissi_core::controls::commands::ControlCommand;
use kulissi_core::controls::roles::{Permission, roles_text};
use kulissi_core::controls::staff::{Department, Employee};
use kulissi_core::engine::Command;

use super::{field, optional, send};
use crate::Ui;
use crate::table::Params;
use crate::views::{Layout, UiError, done, render};

/// An employee as the directory shows them.
#[derive(Debug, Clone)]
pub struct Person {
    /// HR number.
    pub id: String,
    /// Name.
    pub name: String,
    /// Department.
    pub department: &'static str,
    /// Title.
    pub title: String,
    /// Manager's HR number.
    pub manager: String,
    /// First day.
    pub start: String,
    /// Last day, for a leaver.
    pub end: String,
    /// Their users with roles.
    pub users: Vec<(String, String)>,
}

/// The directory.
#[derive(Debug, Template)]
#[template(path = "staff.html")]
pub struct StaffPage {
    /// The frame.
    pub layout: Layout,
    /// Everyone, by department then name.
    pub people: Vec<Person>,
    /// Departments (for the forms).
    pub departments: Vec<&'static str>,
    /// The person may record joiners, movers and leavers.
    pub can_manage: bool,
    /// The search.
    pub q: String,
}

/// The directory.
pub async fn directory(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, UiError> {
    let q = params.get("q").cloned().unwrap_or_default();
    let needle = q.to_lowercase();
    let mut people = ui
        .app
        .read(|s| {
            let d = &s.controls.directory;
            d.employees
                .values()
                .map(|e| Person {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    department: e.department.name(),
                    title: e.title.clone(),
                    manager: e.manager.clone().unwrap_or_default(),
                    start: e.start.to_string(),
                    end: e.end.map(|d| d.to_string()).unwrap_or_default(),
                    users: d
                        .users
                        .values()
                        .filter(|u| u.employee == e.id)
                        .map(|u| (u.username.clone(), roles_text(&u.roles)))
                        .collect(),
                })
                .collect::<Vec<_>>()
        })
        .await?;
    if !needle.is_empty() {
        people.retain(|p| {
            [&p.id, &p.name, &p.title, &p.manager]
                .iter()
                .any(|t| t.to_lowercase().contains(&needle))
                || p.department.contains(&needle)
                || p.users
                    .iter()
                    .any(|(u, r)| u.contains(&needle) || r.contains(&needle))
        });
    }
    people.sort_by(|a, b| (a.department, &a.name).cmp(&(b.department, &b.name)));
    Ok(render(&StaffPage {
        layout: Layout::new(&ui, &caller, "/staff", "Staff directory")
            .with_flash(params.get("done")),
        people,
        departments: Department::ALL.iter().map(|d| d.name()).collect(),
        can_manage: caller.can(Permission::ManageStaff),
        q,
    }))
}

fn date(form: &[(String, String)], name: &str, default: Date) -> Result<Date, UiError> {
    optional(form, name).map_or(Ok(default), |v| {
        v.parse().map_err(|e| {
            UiError::bad_request(format!("{name}: expected YYYY-MM-DD, found '{v}': {e}"))
        })
    })
}

/// Joiners, movers and leavers.
pub async fn act(
    State(ui): State<Ui>,
    Extension(caller): Extension<Caller>,
    Path(action): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let today = ui.app.business_date();
    let department = |form: &[(String, String)]| -> Result<Department, UiError> {
        Department::parse(field(form, "department")?)
            .map_err(|e| UiError::bad_request(format!("department: {e}")))
    };
    let command = match action.as_str() {
        "hire" => ControlCommand::HireEmployee(Employee {
            id: field(&form, "id")?.to_owned(),
            name: field(&form, "name")?.to_owned(),
            department: department(&form)?,
            title: field(&form, "title")?.to_owned(),
            manager: optional(&form, "manager").map(str::to_owned),
            start: date(&form, "start", today)?,
            end: None,
        }),
        "move" => ControlCommand::MoveEmployee {
            id: field(&form, "id")?.to_owned(),
            department: department(&form)?,
            title: field(&form, "title")?.to_owned(),
            manager: optional(&form, "manager").map(str::to_owned),
        },
        "leave" => ControlCommand::RecordLeaver {
            id: field(&form, "id")?.to_owned(),
            last_day: date(&form, "last_day", today)?,
        },
        other => {
            return Err(UiError::not_found(format!(
                "no staff action '{other}': hire, move or leave"
            )));
        }
    };
    let id = field(&form, "id")?.to_owned();
    let message = send(&ui, &caller, Command::Control(command)).await?;
    Ok(done("/staff", &format!("{id}: {message}")))
}
