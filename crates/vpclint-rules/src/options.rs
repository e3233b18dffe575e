//! User options for rules: selection, severity overrides, per-rule settings.

use std::collections::BTreeMap;

use crate::finding::{RuleMeta, Severity};
use crate::prices::PriceTable;

#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Ids or slugs to run; empty means all.
    pub select: Vec<String>,
    /// Ids or slugs not to run.
    pub ignore: Vec<String>,
    /// Severity per rule id.
    pub severity: BTreeMap<String, Severity>,
    /// Treat every VPC as using DynamoDB (C001), even without a table in the plan.
    pub uses_dynamodb: bool,
    /// Extra endpoint services each workload type needs in isolated subnets (N010), by
    /// resource type: `aws_ecs_service = ["secretsmanager"]`.
    pub required_endpoints: BTreeMap<String, Vec<String>>,
    /// The unit prices the cost findings (C001, C002, C003, R002) quote: the built-in table, with
    /// the `[prices]` overrides of `vpclint.toml` applied by the caller, so that a finding quotes
    /// the same figure `vpclint cost` does.
    pub prices: PriceTable,
}

fn matches(meta: &RuleMeta, names: &[String]) -> bool {
    names
        .iter()
        .any(|n| n.eq_ignore_ascii_case(meta.id) || n == meta.slug)
}

impl RuleOptions {
    pub fn is_enabled(&self, meta: &RuleMeta) -> bool {
        (self.select.is_empty() || matches(meta, &self.select)) && !matches(meta, &self.ignore)
    }

    pub fn severity_override(&self, id: &str) -> Option<Severity> {
        self.severity.get(id).copied()
    }
}
