//! The explicit, sorted list of rules. A test checks ids are unique, sorted and well formed, and
//! that every rule has its doc in `rules/` and its fixtures in `fixtures/`.

use crate::rules;
use crate::Rule;

pub static RULES: &[&dyn Rule] = &[];

/// Finds a rule by id (case-insensitive) or slug.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().id.eq_ignore_ascii_case(name) || r.meta().slug == name)
}

#[allow(unused_imports)]
use rules as _;
