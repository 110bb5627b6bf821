//! Exit codes, defined once.

/// What the process tells its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Everything worked.
    Ok = 0,
    /// A check or test failed, or rows were rejected.
    Failed = 1,
    /// Bad usage, or input that could not be read at all.
    Usage = 2,
}

impl ExitCode {
    /// The worse of two codes.
    pub fn max(self, other: ExitCode) -> ExitCode {
        if (other as i32) > (self as i32) {
            other
        } else {
            self
        }
    }
}
