use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            _ => None,
        }
    }

    /// Whether this severity is at or above `threshold` (error > warning > note).
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Cost,
    Connectivity,
    Security,
    Reliability,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Cost => "cost",
            Category::Connectivity => "connectivity",
            Category::Security => "security",
            Category::Reliability => "reliability",
        }
    }
}

/// A rule's metadata, next to its check in the rule's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable id: `C001`.
    pub id: &'static str,
    /// Readable name: `gateway-service-via-nat`.
    pub slug: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// One line, lowercase, no trailing period.
    pub summary: &'static str,
    /// The resource a finding is reported on.
    pub anchor: &'static str,
}

impl RuleMeta {
    /// The rule's documentation URL.
    pub fn doc_url(&self) -> String {
        format!(
            "https://github.com/vpclint/vpclint/blob/main/rules/{}-{}.md",
            self.id, self.slug
        )
    }
}

/// Another resource involved in a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Related {
    pub address: String,
    /// Its role: "NAT gateway", "served subnet".
    pub label: String,
}

/// Money involved in a finding, from the price table of the finding's region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    pub region: String,
    /// Fixed monthly cost in USD (hours x rate), when the finding is about a resource's existence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_usd: Option<f64>,
    /// Per-GB charge in USD on the path the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_gb_usd: Option<f64>,
    /// How the figure was made, in one line.
    pub basis: String,
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub slug: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// The anchor's instance address.
    pub address: String,
    /// The plan file the finding comes from.
    pub plan: String,
    /// What is wrong, on which resource: one line, lowercase start, no trailing period.
    pub message: String,
    /// What to do.
    pub help: String,
    /// The fix as HCL, when there is one to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    pub related: Vec<Related>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    pub doc_url: String,
}

impl Finding {
    pub fn new(
        meta: &'static RuleMeta,
        address: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule: meta.id,
            slug: meta.slug,
            severity: meta.severity,
            category: meta.category,
            address: address.into(),
            plan: String::new(),
            message: message.into(),
            help: String::new(),
            fix: None,
            related: Vec::new(),
            cost: None,
            doc_url: meta.doc_url(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    pub fn fix(mut self, hcl: impl Into<String>) -> Self {
        self.fix = Some(hcl.into());
        self
    }

    pub fn related(mut self, address: impl Into<String>, label: impl Into<String>) -> Self {
        let r = Related {
            address: address.into(),
            label: label.into(),
        };
        if !self.related.contains(&r) {
            self.related.push(r);
        }
        self
    }

    pub fn cost(mut self, cost: Option<Cost>) -> Self {
        self.cost = cost;
        self
    }

    /// Findings sort by plan, address, rule and message.
    pub fn sort_key(&self) -> (&str, &str, &str, &str) {
        (&self.plan, &self.address, self.rule, &self.message)
    }

    /// A fingerprint that survives moved lines: rule id and resource address only.
    pub fn fingerprint(&self) -> String {
        // FNV-1a, 64 bit: stable across platforms and releases, unlike std's hasher.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in self.rule.bytes().chain([0u8]).chain(self.address.bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

/// A rule that could not decide about a resource because a value it needs is unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Unchecked {
    pub rule: &'static str,
    pub address: String,
    pub reason: String,
}
