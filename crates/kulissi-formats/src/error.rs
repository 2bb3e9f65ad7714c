//! Import errors: where and what.

use std::fmt;

/// One problem in an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file's name as given.
    pub file: String,
    /// 1-based line number (0 when the problem is the file as a whole).
    pub line: u64,
    /// The column (CSV) or JSON path (`$.price`), if the problem is in one.
    pub field: Option<String>,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
        }
        match &self.field {
            Some(field) if field.starts_with('$') => write!(f, ", field {field}")?,
            Some(field) => write!(f, ", column {field}")?,
            None => {}
        }
        write!(f, ": {}", self.message)
    }
}

/// The problems found in one file (at least one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportErrors(pub Vec<ImportError>);

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        if self.0.len() >= crate::MAX_ERRORS {
            write!(f, "\n(stopped after {} errors)", crate::MAX_ERRORS)?;
        }
        Ok(())
    }
}

/// Collects errors up to the limit.
#[derive(Debug)]
pub(crate) struct Collector {
    pub(crate) file: String,
    pub(crate) errors: Vec<ImportError>,
}

impl Collector {
    pub(crate) fn new(file: &str) -> Collector {
        Collector {
            file: file.to_owned(),
            errors: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, line: u64, field: Option<&str>, message: impl Into<String>) {
        if self.errors.len() < crate::MAX_ERRORS {
            self.errors.push(ImportError {
                file: self.file.clone(),
                line,
                field: field.map(str::to_owned),
                message: message.into(),
            });
        }
    }

    pub(crate) fn full(&self) -> bool {
        self.errors.len() >= crate::MAX_ERRORS
    }

    pub(crate) fn finish<T>(self, items: Vec<T>) -> Result<Vec<T>, ImportErrors> {
        if self.errors.is_empty() {
            Ok(items)
        } else {
            Err(ImportErrors(self.errors))
        }
    }
}
