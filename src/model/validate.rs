//! Range checks that name the offending field and the allowed range.

use std::fmt;

/// A scenario or parameter value outside its allowed range, or otherwise invalid.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidField {
    /// Dotted path of the field, for example `food.regrow_rate` or `tribes[1].count`.
    pub field: String,
    /// What is wrong, in words, including the allowed range where there is one.
    pub problem: String,
}

impl fmt::Display for InvalidField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for InvalidField {}

/// Collects the first failed check of a validation run.
#[derive(Debug, Default)]
pub struct Checker {
    first: Option<InvalidField>,
}

impl Checker {
    /// Checks `lo <= value <= hi` (and that `value` is finite).
    pub fn range(&mut self, field: impl Into<String>, value: f64, lo: f64, hi: f64) {
        if self.first.is_some() {
            return;
        }
        if !value.is_finite() || value < lo || value > hi {
            self.first = Some(InvalidField {
                field: field.into(),
                problem: format!("{value} is out of range (allowed {lo} to {hi})"),
            });
        }
    }

    /// Records a failure with a free-form description.
    pub fn fail(&mut self, field: impl Into<String>, problem: impl Into<String>) {
        if self.first.is_none() {
            self.first = Some(InvalidField {
                field: field.into(),
                problem: problem.into(),
            });
        }
    }

    /// The first failure, if any.
    pub fn finish(self) -> Result<(), InvalidField> {
        match self.first {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
