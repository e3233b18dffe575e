//! The vpclint rule catalog. One rule per file under `rules/`, each with its metadata beside its
//! check; [`registry::RULES`] lists them in id order.
//!
//! Rules read the plan only through [`vpclint_plan::network::Network`]: they ask it questions and
//! fire only on facts (known or resolved values). When a fact they need is unknown, they record
//! what they could not check instead of guessing.

pub mod cost;
pub mod docs;
pub mod facts;
mod finding;
pub mod options;
pub mod prices;
pub mod registry;
pub mod rules;
pub use vpclint_plan::services;

pub use finding::{Category, Cost, Finding, Related, RuleMeta, Severity, Unchecked};
pub use options::RuleOptions;

use vpclint_plan::network::Network;

/// What a rule gets: the network and the user's options.
pub struct Context<'a, 'p> {
    pub network: &'a Network<'p>,
    pub options: &'a RuleOptions,
    findings: Vec<Finding>,
    unchecked: Vec<Unchecked>,
}

impl<'a, 'p> Context<'a, 'p> {
    pub fn new(network: &'a Network<'p>, options: &'a RuleOptions) -> Self {
        Context {
            network,
            options,
            findings: Vec::new(),
            unchecked: Vec::new(),
        }
    }

    pub fn report(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Records that `rule` could not decide about `address` because a value is unknown.
    pub fn unchecked(
        &mut self,
        rule: &'static RuleMeta,
        address: String,
        reason: impl Into<String>,
    ) {
        self.unchecked.push(Unchecked {
            rule: rule.id,
            address,
            reason: reason.into(),
        });
    }
}

/// A rule: its metadata and its check.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &mut Context<'_, '_>);
}

/// Findings and what could not be checked, sorted deterministically.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub unchecked: Vec<Unchecked>,
}

/// Runs the selected rules over a network.
pub fn run(network: &Network<'_>, options: &RuleOptions) -> Outcome {
    use rayon::prelude::*;
    // Rules only read the network: each runs on a context of its own, in parallel. Collected in the
    // registry's order, they give what running them one after another gives.
    let contexts: Vec<Context<'_, '_>> = registry::RULES
        .par_iter()
        .filter(|rule| options.is_enabled(rule.meta()))
        .map(|rule| {
            let mut ctx = Context::new(network, options);
            rule.check(&mut ctx);
            ctx
        })
        .collect();
    let mut findings = Vec::new();
    let mut unchecked = Vec::new();
    for ctx in contexts {
        findings.extend(ctx.findings);
        unchecked.extend(ctx.unchecked);
    }
    for f in &mut findings {
        if let Some(severity) = options.severity_override(f.rule) {
            f.severity = severity;
        }
        f.plan = network.plan().name.clone();
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    unchecked.sort();
    unchecked.dedup();
    Outcome {
        findings,
        unchecked,
    }
}
