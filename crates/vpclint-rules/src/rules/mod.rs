//! One file per rule.
