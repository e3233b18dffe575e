//! Baselines: the findings a team has accepted, by fingerprint (rule id and resource address, so
//! they survive moved lines). `--write-baseline` records them, `--baseline` reports only new ones.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub address: String,
}

impl Baseline {
    pub fn new(mut findings: Vec<Entry>) -> Baseline {
        findings.sort();
        findings.dedup();
        Baseline {
            version: 1,
            findings,
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read baseline: {e}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: not a vpclint baseline at line {} column {}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        if baseline.version != 1 {
            return Err(format!(
                "{}: baseline version {} is not supported",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    pub fn fingerprints(&self) -> BTreeSet<&str> {
        self.findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}
