//! The built-in rule sets (regulation as data), parsed once per process, and the one in force.

use crate::{App, AppError};
use lelang_core::package::Package;
use lelang_core::rules::{self, RuleSet};
use std::sync::OnceLock;

/// Every built-in rule set.
pub fn sets() -> Result<&'static [RuleSet], AppError> {
    static SETS: OnceLock<Vec<RuleSet>> = OnceLock::new();
    if let Some(s) = SETS.get() {
        return Ok(s);
    }
    let parsed = rules::built_in().map_err(|e| AppError::Broken(e.to_string()))?;
    Ok(SETS.get_or_init(|| parsed))
}

/// The rule set in force on the application's today.
pub fn today(app: &App) -> Result<&'static RuleSet, AppError> {
    rules::in_force(sets()?, app.clock.now().date())
        .ok_or_else(|| AppError::Broken("no rule set in force".into()))
}

/// The rule set a package was prepared under (it stays with the package to its end).
pub fn of(package: &Package) -> Result<&'static RuleSet, AppError> {
    sets()?
        .iter()
        .find(|r| r.id == package.rule_set)
        .ok_or_else(|| AppError::Broken(format!("rule set {} missing", package.rule_set)))
}
