//! Input errors. Each one renders as a single line that names the file and the reason, and for JSON
//! errors the line and column, and never quotes a value from the plan.

use std::fmt;

#[derive(Debug)]
pub enum PlanErrorKind {
    Io(std::io::Error),
    Empty,
    TooLarge {
        size: u64,
        limit: u64,
    },
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    NotAPlan(String),
    UnsupportedFormat(String),
    /// A binary plan file (a zip) that needs `terraform show -json` to be read.
    BinaryPlan(String),
}

/// An input that vpclint cannot read. Exit code 2.
#[derive(Debug)]
pub struct PlanError {
    pub file: String,
    pub kind: PlanErrorKind,
}

impl PlanError {
    pub fn new(file: impl Into<String>, kind: PlanErrorKind) -> Self {
        PlanError {
            file: file.into(),
            kind,
        }
    }

    pub fn not_a_plan(file: impl Into<String>, reason: impl Into<String>) -> Self {
        PlanError::new(file, PlanErrorKind::NotAPlan(reason.into()))
    }

    pub fn from_json(file: impl Into<String>, error: &serde_json::Error) -> Self {
        PlanError::from_json_at(file, error, error.line(), error.column())
    }

    /// A JSON error at a position in the file (for an error in a value parsed on its own).
    pub fn from_json_at(
        file: impl Into<String>,
        error: &serde_json::Error,
        line: usize,
        column: usize,
    ) -> Self {
        PlanError::new(
            file,
            PlanErrorKind::Json {
                line,
                column,
                message: sanitize_serde_message(error),
            },
        )
    }
}

/// serde_json's message without its " at line L column C" tail, and with any quoted string value
/// removed: an error must not echo plan content, which may be secret.
fn sanitize_serde_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = match text.rfind(" at line ") {
        Some(pos) => &text[..pos],
        None => &text,
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("string \"") {
        out.push_str(&rest[..pos + "string".len()]);
        let after = &rest[pos + "string \"".len()..];
        // Skip to the closing quote of the quoted value.
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i + 1);
                    break;
                }
                _ => escaped = false,
            }
        }
        rest = match end {
            Some(e) => &after[e..],
            None => "",
        };
    }
    out.push_str(rest);
    // Numbers, booleans and characters are quoted in backticks (`invalid type: integer `5``).
    for kind in ["integer `", "floating point `", "boolean `", "character `"] {
        while let Some(pos) = out.find(kind) {
            let value_start = pos + kind.len();
            let value_end = out[value_start..]
                .find('`')
                .map_or(out.len(), |e| value_start + e + 1);
            out.replace_range(pos + kind.len() - 2..value_end, "");
        }
    }
    if out == "recursion limit exceeded" {
        out.push_str(": nested deeper than 128 levels");
    }
    out
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        match &self.kind {
            PlanErrorKind::Io(e) => write!(f, "cannot read: {e}"),
            PlanErrorKind::Empty => f.write_str("empty file, expected `terraform show -json` output"),
            PlanErrorKind::TooLarge { size, limit } => write!(
                f,
                "file is {size} bytes, over the {limit}-byte limit (set VPCLINT_MAX_INPUT_BYTES to raise it)"
            ),
            PlanErrorKind::Json {
                line,
                column,
                message,
            } => write!(f, "invalid JSON at line {line} column {column}: {message}"),
            PlanErrorKind::NotAPlan(reason) => {
                write!(f, "not a Terraform plan or state: {reason}")
            }
            PlanErrorKind::UnsupportedFormat(version) => write!(
                f,
                "unsupported format_version {version:?}: vpclint reads plan and state JSON format 0.x and 1.x"
            ),
            PlanErrorKind::BinaryPlan(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for PlanError {}

impl miette::Diagnostic for PlanError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("vpclint::input"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = match &self.kind {
            PlanErrorKind::Empty | PlanErrorKind::Json { .. } | PlanErrorKind::NotAPlan(_) => {
                "produce the input with `terraform plan -out tfplan && terraform show -json tfplan > plan.json`"
            }
            PlanErrorKind::BinaryPlan(_) => {
                "run `terraform show -json tfplan > plan.json` where the plan was made, or pass --terraform-bin"
            }
            _ => return None,
        };
        Some(Box::new(help))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_do_not_echo_values() {
        let err = serde_json::from_str::<Vec<u8>>(r#""hunter2 secret""#).unwrap_err();
        let e = PlanError::from_json("plan.json", &err);
        let text = e.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        for (json, value) in [
            ("918273645546", "918273645546"),
            ("1.25", "1.25"),
            ("true", "true"),
        ] {
            let err = serde_json::from_str::<String>(json).unwrap_err();
            let text = PlanError::from_json("plan.json", &err).to_string();
            assert!(!text.contains(value), "{text}");
            assert!(text.contains("invalid type:"), "{text}");
        }
        assert!(
            text.starts_with("plan.json: invalid JSON at line 1 column"),
            "{text}"
        );
    }
}
