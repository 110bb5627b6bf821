//! What an import did, row by row where it matters.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::tr;

/// What a problem of `kind` is called in front of its line: `rejected`, `conflict`.
fn label(kind: ProblemKind) -> String {
    match kind {
        ProblemKind::Rejected => tr!("import-rejected"),
        ProblemKind::Conflict => tr!("import-conflict"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemKind {
    /// The row could not be read, or its event could not be evaluated; nothing was written.
    Rejected,
    /// The event id is already in the ledger with different content; nothing was written.
    Conflict,
}

/// A row that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub kind: ProblemKind,
    /// 1-based line in the input file.
    pub line: u64,
    /// The column (CSV header or JSON field) the problem is about, if one.
    pub column: Option<String>,
    pub message: String,
    /// For script errors: where in the script.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script: Option<Box<Diagnostic>>,
}

impl RowProblem {
    pub fn rejected(line: u64, column: Option<&str>, message: impl Into<String>) -> RowProblem {
        RowProblem {
            kind: ProblemKind::Rejected,
            line,
            column: column.map(str::to_owned),
            message: message.into(),
            script: None,
        }
    }

    /// Renders as `file:line: column `c`: message`, plus the script diagnostic if any.
    pub fn render(&self, file: &str) -> String {
        // The position stays in ASCII digits, as editors and `grep` read `file:line`.
        let mut text = match &self.column {
            Some(column) => tr!(
                "import-problem-column",
                label = label(self.kind),
                file = file,
                line = self.line.to_string(),
                column = column,
                message = &self.message
            ),
            None => tr!(
                "import-problem",
                label = label(self.kind),
                file = file,
                line = self.line.to_string(),
                message = &self.message
            ),
        };
        text.push('\n');
        if let Some(script) = &self.script {
            for line in script.to_string().lines().skip(1) {
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    }
}

/// How many repeated lines are listed by number before the rest are only counted.
const REPEATS_LISTED: usize = 5;

/// Renders every problem of `file`, saying a script error once: the rows that failed the
/// same way later (a misspelt field fails every row that reaches it) are one line after
/// it, `rejected: p.csv:3, 4: the same as line 2`, not the same block again and again.
pub fn render_problems(problems: &[RowProblem], file: &str) -> String {
    // (first problem, the lines of the others like it)
    let mut groups: Vec<(&RowProblem, Vec<u64>)> = Vec::new();
    let mut order: Vec<Option<usize>> = Vec::with_capacity(problems.len());
    for problem in problems {
        let same = problem.script.is_some().then(|| {
            groups.iter().position(|(first, _)| {
                first.kind == problem.kind
                    && first.message == problem.message
                    && first.script == problem.script
            })
        });
        match same.flatten() {
            Some(group) => {
                groups[group].1.push(problem.line);
                order.push(None);
            }
            None => {
                if problem.script.is_some() {
                    groups.push((problem, Vec::new()));
                    order.push(Some(groups.len() - 1));
                } else {
                    order.push(Some(usize::MAX));
                }
            }
        }
    }
    let mut text = String::new();
    for (problem, place) in problems.iter().zip(order) {
        let Some(place) = place else { continue };
        text.push_str(&problem.render(file));
        let Some((first, repeats)) = groups.get(place) else {
            continue;
        };
        if repeats.is_empty() {
            continue;
        }
        let mut listed = repeats
            .iter()
            .take(REPEATS_LISTED)
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        if repeats.len() > REPEATS_LISTED {
            listed.push_str(&tr!(
                "import-and-more",
                more = repeats.len() - REPEATS_LISTED
            ));
        }
        text.push_str(&tr!(
            "import-same-as",
            label = label(first.kind),
            file = file,
            lines = listed,
            line = first.line.to_string()
        ));
        text.push('\n');
    }
    text
}

/// Counts and problems of one import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub accepted: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub rejected: u64,
    pub points_awarded: Decimal,
    pub problems: Vec<RowProblem>,
    /// Applied rows whose lifecycle-hook rules failed (`<line>: ...`): the row stands, the
    /// hook gave no points.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl ImportReport {
    pub fn push_problem(&mut self, problem: RowProblem) {
        match problem.kind {
            ProblemKind::Rejected => self.rejected += 1,
            ProblemKind::Conflict => self.conflicts += 1,
        }
        self.problems.push(problem);
    }

    /// One line, in the language of the output:
    /// `10 accepted, 0 duplicate, 0 conflicting, 0 rejected; 438 points awarded`.
    pub fn summary(&self) -> String {
        tr!(
            "import-summary",
            accepted = self.accepted,
            duplicates = self.duplicates,
            conflicts = self.conflicts,
            rejected = self.rejected,
            points = self.points_awarded
        )
    }
}
