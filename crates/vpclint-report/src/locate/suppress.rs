//! Which findings the `vpclint:ignore` comments of a plan's sources suppress.
//!
//! A comment next to a `resource` or `data` block covers that block's findings. A comment next to a
//! `module` block covers every resource inside that module call, through nested local modules and
//! into registry modules, whose code is not on disk: that is what checkov and tflint users expect.
//! Suppressed findings are kept, with the comment, for every report to show.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use vpclint_plan::config::ConfigModule;
use vpclint_plan::Address;

use super::ignore_comments::{IgnoreComment, IgnoreCommentId};
use super::tf::BlockKey;
use super::{canonical, is_local_source, LocatedFinding, PlanLocator, SourcePathEnd};

/// How deep local module calls are followed when listing a plan's ignore comments; Terraform has
/// no limit, but a `source = "./"` loop in broken sources must not recurse forever.
const MAX_MODULE_DEPTH: usize = 64;

/// A finding an ignore comment suppresses.
#[derive(Debug, Clone)]
pub struct SuppressedFinding {
    pub finding: LocatedFinding,
    /// The innermost comment that suppresses it: the resource's own before its module calls'.
    pub by: Arc<IgnoreComment>,
}

impl SuppressedFinding {
    /// Why it is suppressed, as the comment says.
    pub fn reason(&self) -> &str {
        self.by.reason.as_deref().unwrap_or_default()
    }
}

/// An ignore comment of a plan's sources, and the rules whose findings it suppressed in that plan.
#[derive(Debug, Clone)]
pub struct IgnoreCommentUse {
    pub comment: Arc<IgnoreComment>,
    /// Rule ids.
    pub used: BTreeSet<&'static str>,
}

/// What [`PlanLocator::suppress`] gives.
pub(super) struct Suppressed {
    pub findings: Vec<LocatedFinding>,
    pub suppressed: Vec<SuppressedFinding>,
    pub ignore_comments: Vec<IgnoreCommentUse>,
}

impl PlanLocator<'_> {
    /// Splits located findings into those that stay and those an ignore comment suppresses, and
    /// lists every ignore comment of the plan's sources with what it suppressed. Without sources
    /// there are no comments, and nothing is suppressed.
    pub(super) fn suppress(&mut self, located: Vec<LocatedFinding>) -> Suppressed {
        let mut used: HashMap<IgnoreCommentId, BTreeSet<&'static str>> = HashMap::new();
        let mut findings = Vec::new();
        let mut suppressed = Vec::new();
        for lf in located {
            let rule = lf.finding.rule;
            let matching: Vec<Arc<IgnoreComment>> = self
                .ignores_over(&lf.finding.address)
                .into_iter()
                .filter(|c| c.suppresses(rule))
                .collect();
            // Every matching comment is in use, not only the innermost: an outer one is not stale.
            for c in &matching {
                used.entry(c.identity()).or_default().insert(rule);
            }
            match matching.into_iter().next() {
                Some(by) => suppressed.push(SuppressedFinding { finding: lf, by }),
                None => findings.push(lf),
            }
        }
        let ignore_comments = self
            .all_ignores()
            .into_iter()
            .map(|comment| IgnoreCommentUse {
                used: used.remove(&comment.identity()).unwrap_or_default(),
                comment,
            })
            .collect();
        Suppressed {
            findings,
            suppressed,
            ignore_comments,
        }
    }

    /// The ignore comments on the blocks that hold `address`, innermost first: its own block, then
    /// the module calls on its path from the nearest out. The path is followed as
    /// [`PlanLocator::locate_tf`] follows it: local module calls into their directory, and a
    /// registry or git module ends at its call block.
    fn ignores_over(&mut self, address: &str) -> Vec<Arc<IgnoreComment>> {
        // Synthetic nodes (`aws_vpc.main:main_route_table`) belong to their resource.
        let Some(address) = Address::parse(address).or_else(|| {
            let (base, _) = address.rsplit_once(':')?;
            Address::parse(base)
        }) else {
            return Vec::new();
        };
        let Some(path) = self.source_path(&address) else {
            return Vec::new();
        };
        let mut found: Vec<Arc<IgnoreComment>> = Vec::new();
        for (tf, name) in &path.calls {
            found.extend(tf.ignores_on(&BlockKey::Module(name.clone())).cloned());
        }
        if let SourcePathEnd::Resource(tf, key) = &path.end {
            found.extend(tf.ignores_on(key).cloned());
        }
        found.reverse();
        found
    }

    /// Every ignore comment of the plan's sources: the root module's and those of the local
    /// modules it calls, at any depth, each directory once, in a stable order.
    fn all_ignores(&mut self) -> Vec<Arc<IgnoreComment>> {
        let Some(root) = self.root_dir.clone() else {
            return Vec::new();
        };
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut pending: Vec<(PathBuf, Option<&ConfigModule>, usize)> =
            vec![(root, Some(&self.plan.config.root), 0)];
        while let Some((dir, config, depth)) = pending.pop() {
            if depth > MAX_MODULE_DEPTH || !seen.insert(dir.clone()) {
                continue;
            }
            let tf = self.dir(&dir);
            out.extend(tf.ignores.iter().cloned());
            // Calls the plan's configuration knows, and those only the `.tf` files show.
            let names: BTreeSet<&String> = config
                .into_iter()
                .flat_map(|c| c.calls.keys())
                .chain(tf.module_sources.keys())
                .collect();
            // Reversed, so that the stack pops them in name order.
            for name in names.into_iter().rev() {
                let call = config.and_then(|c| c.calls.get(name));
                let source = call
                    .and_then(|c| c.source.clone())
                    .or_else(|| tf.module_sources.get(name).cloned());
                if let Some(source) = source.filter(|s| is_local_source(s)) {
                    pending.push((
                        canonical(&dir.join(&source)),
                        call.map(|c| &c.module),
                        depth + 1,
                    ));
                }
            }
        }
        out
    }
}
