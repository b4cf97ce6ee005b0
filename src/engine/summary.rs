//! The counts the summary line and the reports print.

use crate::diagnostic::Severity;

use super::*;

/// Counts for the report summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub definitions: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    /// Findings with a safe fix, and with an unsafe one (not in the JSON
    /// report, whose summary is fixed).
    #[serde(skip)]
    pub fixable: usize,
    #[serde(skip)]
    pub unsafe_fixable: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            if r.outcome != Outcome::Linted {
                continue;
            }
            s.files += 1;
            s.definitions += r.definitions;
            s.suppressed += r.suppressed;
            for f in &r.findings {
                match f.fix.as_ref().map(|x| x.applicability) {
                    Some(crate::edit::Applicability::Safe) => s.fixable += 1,
                    Some(crate::edit::Applicability::Unsafe) => s.unsafe_fixable += 1,
                    None => {}
                }
                match f.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => s.infos += 1,
                }
            }
        }
        s
    }
}
