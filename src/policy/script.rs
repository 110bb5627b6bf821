//! [`Script`]: one compiled `.rhai` file of a club, as the policy keeps it and as the
//! parts that bind names to its functions (rules, contests, groups) read it.

/// A compiled `.rhai` file.
#[derive(Debug, Clone)]
pub struct Script {
    /// Path as shown in diagnostics, e.g. `policies/cafe/earn.rhai`.
    pub display_path: String,
    pub source: String,
    pub ast: rhai::AST,
    /// The functions simple enough to run without Rhai's interpreter
    /// ([`super::native`]).
    pub native: super::native::NativeFunctions,
}
