//! Background jobs: imports, reconciliation runs and ends of day started from the
//! workbench run on the server while the person goes on working; the jobs page shows each
//! one's stage and progress and what it did, or why it failed (nothing half-applied: an
//! import is all or nothing).

use std::sync::Mutex;

use jiff::Timestamp;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Working.
    Running,
    /// Finished.
    Done,
    /// Stopped with an error; nothing of it applied.
    Failed,
}

impl JobStatus {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    /// The badge colour.
    pub fn badge(self) -> &'static str {
        match self {
            JobStatus::Running => "warn",
            JobStatus::Done => "ok",
            JobStatus::Failed => "bad",
        }
    }
}

/// A job.
#[derive(Debug, Clone)]
pub struct Job {
    /// Its number.
    pub id: u64,
    /// What it does (`import trades`, `end of day`, ...).
    pub kind: String,
    /// The file or the subject.
    pub subject: String,
    /// Who started it.
    pub started_by: String,
    /// When.
    pub started_at: Timestamp,
    /// Where it stands.
    pub status: JobStatus,
    /// Steps done.
    pub done: u64,
    /// Steps in all.
    pub total: u64,
    /// The stage it is in.
    pub stage: String,
    /// What it did, or why it failed.
    pub message: String,
    /// Field errors (file, line, field, what was expected).
    pub errors: Vec<String>,
}

impl Job {
    /// When it started, to the second.
    pub fn started(&self) -> String {
        self.started_at
            .round(jiff::Unit::Second)
            .unwrap_or(self.started_at)
            .to_string()
    }

    /// Progress in percent.
    pub fn percent(&self) -> u64 {
        (self.done.min(self.total) * 100)
            .checked_div(self.total)
            .unwrap_or(0)
    }
}

/// The jobs of this server (the last 100 kept).
#[derive(Debug, Default)]
pub struct Jobs {
    jobs: Mutex<Vec<Job>>,
}

impl Jobs {
    fn with<R>(&self, f: impl FnOnce(&mut Vec<Job>) -> R) -> Option<R> {
        self.jobs.lock().ok().map(|mut j| f(&mut j))
    }

    /// Starts a job of `total` steps; its number.
    pub fn start(&self, kind: &str, subject: &str, by: &str, total: u64) -> u64 {
        self.with(|jobs| {
            let id = jobs.last().map_or(1, |j| j.id + 1);
            jobs.push(Job {
                id,
                kind: kind.to_owned(),
                subject: subject.to_owned(),
                started_by: by.to_owned(),
                started_at: Timestamp::now(),
                status: JobStatus::Running,
                done: 0,
                total,
                stage: "queued".to_owned(),
                message: String::new(),
                errors: Vec::new(),
            });
            if jobs.len() > 100 {
                jobs.remove(0);
            }
            id
        })
        .unwrap_or(0)
    }

    /// Records progress.
    pub fn progress(&self, id: u64, done: u64, stage: &str) {
        self.with(|jobs| {
            if let Some(j) = jobs.iter_mut().find(|j| j.id == id) {
                j.done = done;
                stage.clone_into(&mut j.stage);
            }
        });
    }

    /// Records the end.
    pub fn finish(&self, id: u64, result: Result<String, (String, Vec<String>)>) {
        self.with(|jobs| {
            if let Some(j) = jobs.iter_mut().find(|j| j.id == id) {
                match result {
                    Ok(message) => {
                        j.status = JobStatus::Done;
                        j.done = j.total;
                        j.stage = "finished".to_owned();
                        j.message = message;
                    }
                    Err((message, errors)) => {
                        j.status = JobStatus::Failed;
                        j.stage = "stopped: nothing applied".to_owned();
                        j.message = message;
                        j.errors = errors;
                    }
                }
            }
        });
    }

    /// The jobs, newest first.
    pub fn list(&self) -> Vec<Job> {
        self.with(|jobs| jobs.iter().rev().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether any job is running.
    pub fn any_running(&self) -> bool {
        self.with(|jobs| jobs.iter().any(|j| j.status == JobStatus::Running))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_goes_from_running_to_done_with_its_progress() {
        let jobs = Jobs::default();
        let id = jobs.start("import trades", "t.csv", "alice", 4);
        jobs.progress(id, 2, "checking");
        let j = &jobs.list()[0];
        assert_eq!(
            (j.status, j.percent(), j.stage.as_str()),
            (JobStatus::Running, 50, "checking")
        );
        assert!(jobs.any_running());
        jobs.finish(id, Ok("4 lines".into()));
        let j = &jobs.list()[0];
        assert_eq!((j.status, j.percent()), (JobStatus::Done, 100));
        assert!(!jobs.any_running());
    }

    #[test]
    fn a_failed_job_keeps_its_errors() {
        let jobs = Jobs::default();
        let id = jobs.start("import trades", "t.csv", "alice", 1);
        jobs.finish(
            id,
            Err((
                "not valid".into(),
                vec!["t.csv line 3, price: expected a decimal".into()],
            )),
        );
        let j = &jobs.list()[0];
        assert_eq!(j.status, JobStatus::Failed);
        assert_eq!(j.errors.len(), 1);
    }
}
