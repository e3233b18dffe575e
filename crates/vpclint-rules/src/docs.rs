//! The rule docs from `rules/*.md`, embedded in the binary: the single source of each rule's
//! documentation (`vpclint explain`, SARIF help). A test keeps this list and the registry in step.

/// `(id, markdown)` for every doc in `rules/`.
pub static DOCS: &[(&str, &str)] = &[
    (
        "C001",
        include_str!("../../../rules/C001-gateway-service-via-nat.md"),
    ),
    (
        "C002",
        include_str!("../../../rules/C002-interface-endpoint-for-gateway-service.md"),
    ),
    (
        "C003",
        include_str!("../../../rules/C003-idle-nat-gateway.md"),
    ),
    (
        "N001",
        include_str!("../../../rules/N001-gateway-endpoint-no-route-tables.md"),
    ),
    (
        "N002",
        include_str!("../../../rules/N002-gateway-endpoint-partial-coverage.md"),
    ),
    (
        "N003",
        include_str!("../../../rules/N003-gateway-endpoint-unsupported-service.md"),
    ),
    (
        "N004",
        include_str!("../../../rules/N004-endpoint-region-mismatch.md"),
    ),
    (
        "N005",
        include_str!("../../../rules/N005-interface-endpoint-private-dns-off.md"),
    ),
    (
        "N006",
        include_str!("../../../rules/N006-vpc-dns-disabled.md"),
    ),
    (
        "N007",
        include_str!("../../../rules/N007-nat-gateway-without-internet-route.md"),
    ),
    (
        "N008",
        include_str!("../../../rules/N008-private-nat-as-internet-exit.md"),
    ),
    (
        "N009",
        include_str!("../../../rules/N009-ipv6-route-to-nat.md"),
    ),
    (
        "N010",
        include_str!("../../../rules/N010-missing-service-endpoints.md"),
    ),
    (
        "N011",
        include_str!("../../../rules/N011-endpoint-sg-blocks-https.md"),
    ),
    (
        "R001",
        include_str!("../../../rules/R001-interface-endpoint-single-az.md"),
    ),
    ("R002", include_str!("../../../rules/R002-nat-cross-az.md")),
    (
        "S001",
        include_str!("../../../rules/S001-endpoint-policy-full-access.md"),
    ),
    (
        "S002",
        include_str!("../../../rules/S002-endpoint-sg-open-ingress.md"),
    ),
    (
        "S003",
        include_str!("../../../rules/S003-endpoint-service-open-to-all.md"),
    ),
    (
        "S004",
        include_str!("../../../rules/S004-public-ip-in-nat-subnet.md"),
    ),
];

/// The Markdown doc of a rule.
pub fn doc(id: &str) -> Option<&'static str> {
    DOCS.iter().find(|(i, _)| *i == id).map(|(_, d)| *d)
}
