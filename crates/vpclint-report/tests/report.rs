//! Snapshots of every format for a multi-rule fixture (`tests/fixtures/report`): a root module,
//! a local module (`./modules/network`) and a registry module (`terraform-aws-modules/vpc/aws`),
//! with and without `.tf` sources, and the same plan as compact JSON.
//!
//! The findings are built here, not by the rules, so that this crate is tested on its own and its
//! snapshots do not move when rules or their docs change (the rule ids are test ids).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use vpclint_plan::Plan;
use vpclint_report::{
    render, Format, InputError, LocateOptions, LocationKind, Locator, PlanReport, RenderOptions,
    Report,
};
use vpclint_rules::{Category, Cost, Finding, Outcome, RuleMeta, Severity, Unchecked};

static GATEWAY_VIA_NAT: RuleMeta = RuleMeta {
    id: "C901",
    slug: "gateway-service-via-nat",
    severity: Severity::Warning,
    category: Category::Cost,
    summary:
        "subnets reach S3 or DynamoDB through a NAT gateway because the VPC has no Gateway endpoint",
    anchor: "the route table",
};

static INTERFACE_FOR_GATEWAY: RuleMeta = RuleMeta {
    id: "C902",
    slug: "interface-endpoint-for-gateway-service",
    severity: Severity::Note,
    category: Category::Cost,
    summary: "in-VPC traffic pays for an S3 or DynamoDB Interface endpoint where a Gateway endpoint is free",
    anchor: "the endpoint",
};

static IDLE_NAT: RuleMeta = RuleMeta {
    id: "C903",
    slug: "idle-nat-gateway",
    severity: Severity::Warning,
    category: Category::Cost,
    summary: "a NAT gateway bills every hour but no route in the plan sends traffic to it",
    anchor: "the NAT gateway",
};

static DNS_DISABLED: RuleMeta = RuleMeta {
    id: "N906",
    slug: "vpc-dns-disabled",
    severity: Severity::Error,
    category: Category::Connectivity,
    summary:
        "a VPC with private-DNS Interface endpoints has DNS support or DNS hostnames turned off",
    anchor: "the VPC",
};

static SG_OPEN: RuleMeta = RuleMeta {
    id: "S902",
    slug: "endpoint-sg-open-ingress",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "a security group on an Interface endpoint allows ingress from 0.0.0.0/0 or ::/0",
    anchor: "the security group",
};

fn rules() -> Vec<&'static RuleMeta> {
    vec![
        &GATEWAY_VIA_NAT,
        &INTERFACE_FOR_GATEWAY,
        &IDLE_NAT,
        &DNS_DISABLED,
        &SG_OPEN,
    ]
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn outcome(plan: &str) -> Outcome {
    let mut findings = vec![
        Finding::new(
            &GATEWAY_VIA_NAT,
            "module.network.aws_route_table.private",
            "subnets module.network.aws_subnet.private[0] and module.network.aws_subnet.private[1] reach S3 through NAT gateway aws_nat_gateway.main because the VPC has no S3 Gateway endpoint",
        )
        .help("add an aws_vpc_endpoint for com.amazonaws.us-east-1.s3 with vpc_endpoint_type = \"Gateway\" and route_table_ids including this route table")
        .fix("resource \"aws_vpc_endpoint\" \"s3\" {\n  vpc_id            = var.vpc_id\n  service_name      = \"com.amazonaws.us-east-1.s3\"\n  vpc_endpoint_type = \"Gateway\"\n  route_table_ids   = [aws_route_table.private.id]\n}\n")
        .related("aws_nat_gateway.main", "NAT gateway")
        .related("module.network.aws_subnet.private[0]", "served subnet")
        .related("module.network.aws_subnet.private[1]", "served subnet")
        .cost(Some(Cost {
            region: "us-east-1".into(),
            monthly_usd: None,
            per_gb_usd: Some(0.045),
            basis: "NAT gateway data processing".into(),
        })),
        Finding::new(
            &INTERFACE_FOR_GATEWAY,
            "aws_vpc_endpoint.dynamodb",
            "aws_vpc_endpoint.dynamodb is a DynamoDB Interface endpoint, which bills hourly and per GB where a Gateway endpoint is free",
        )
        .help("use vpc_endpoint_type = \"Gateway\" unless on-premises networks need the endpoint")
        .cost(Some(Cost {
            region: "us-east-1".into(),
            monthly_usd: Some(7.3),
            per_gb_usd: Some(0.01),
            basis: "1 AZ x 730 h x $0.01".into(),
        })),
        Finding::new(
            &IDLE_NAT,
            "module.vpc.aws_nat_gateway.this[0]",
            "NAT gateway module.vpc.aws_nat_gateway.this[0] has no route sending traffic to it",
        )
        .help("set enable_nat_gateway = false on the module, or route private subnets through it")
        .related("module.vpc.aws_subnet.public[0]", "subnet")
        .cost(Some(Cost {
            region: "us-east-1".into(),
            monthly_usd: Some(32.85),
            per_gb_usd: None,
            basis: "730 h x $0.045".into(),
        })),
        Finding::new(
            &DNS_DISABLED,
            "aws_vpc.main",
            "VPC aws_vpc.main has enable_dns_hostnames off, but aws_vpc_endpoint.dynamodb relies on private DNS",
        )
        .help("set enable_dns_hostnames = true on aws_vpc.main")
        .related("aws_vpc_endpoint.dynamodb", "private-DNS endpoint")
        .related("aws_vpc.main:main_route_table", "main route table"),
        Finding::new(
            &SG_OPEN,
            "aws_security_group.endpoints",
            "security group aws_security_group.endpoints on aws_vpc_endpoint.dynamodb allows ingress from 0.0.0.0/0",
        )
        .help("allow TCP 443 from the VPC's CIDR block only")
        .related("aws_vpc_endpoint.dynamodb", "endpoint"),
    ];
    for f in &mut findings {
        f.plan = plan.to_string();
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Outcome {
        findings,
        unchecked: vec![Unchecked {
            rule: "C901",
            address: "module.vpc.aws_route_table.private[0]".into(),
            reason: "the target of its default route is unknown until apply".into(),
        }],
    }
}

/// Locates the fixture's findings. `dir` is a fixture directory; without sources, every location
/// is in the plan JSON.
fn plan_report(dir: &str, sources: bool) -> PlanReport {
    let name = format!("tests/fixtures/{dir}/plan.json");
    let bytes = std::fs::read(crate_dir().join(&name)).unwrap();
    let mut plan = Plan::from_json(&name, &bytes).unwrap();
    plan.source = std::sync::Arc::new(String::from_utf8(bytes).unwrap().into());
    let root = crate_dir().join("tests/fixtures").join(dir);
    let locator = Locator::new(LocateOptions {
        source_dir: None,
        repo_root: Some(root.clone()),
        display_base: Some(root),
        cwd: Some(crate_dir()),
        no_sources: !sources,
    });
    locator.report(&plan, outcome(&name))
}

fn report(dir: &str, sources: bool) -> Report {
    Report {
        plans: vec![plan_report(dir, sources)],
        errors: Vec::new(),
        rules: rules(),
        elapsed: Some(Duration::from_millis(12)),
        ..Report::default()
    }
}

fn options() -> RenderOptions {
    RenderOptions {
        color: false,
        width: 80,
        timing: false,
        category: None,
        version: "0.1.0".into(),
    }
}

fn snapshot_all(name: &str, report: &Report) {
    for format in Format::ALL {
        let text = render(format, report, &options());
        insta::assert_snapshot!(format!("{name}.{format}"), text);
    }
}

#[test]
fn snapshots_with_sources() {
    snapshot_all("sources", &report("report", true));
}

#[test]
fn snapshots_without_sources() {
    snapshot_all("plan_json", &report("report", false));
}

#[test]
fn snapshots_of_a_compact_plan() {
    // `terraform show -json` writes one line: no snippet, but still a real line and column.
    snapshot_all("compact", &report("report-compact", true));
}

#[test]
fn every_format_is_deterministic() {
    for sources in [true, false] {
        for format in Format::ALL {
            let a = render(format, &report("report", sources), &options());
            let b = render(format, &report("report", sources), &options());
            assert_eq!(a, b, "{format} differs between runs");
        }
    }
}

#[test]
fn findings_land_on_their_blocks() {
    let report = plan_report("report", true);
    let by_address = |a: &str| {
        report
            .findings
            .iter()
            .find(|f| f.finding.address == a)
            .unwrap_or_else(|| panic!("no finding on {a}"))
    };
    // In a local module: the module's own file.
    let rt = by_address("module.network.aws_route_table.private");
    assert_eq!(rt.location.kind, LocationKind::Resource);
    assert_eq!(
        rt.location.file.repo_path.as_deref(),
        Some("modules/network/main.tf")
    );
    assert!(rt
        .location
        .snippet()
        .starts_with("resource \"aws_route_table\" \"private\" {"));
    assert_eq!(rt.location.start().line, 15);
    // The related NAT gateway is in the root module; count instances share their block.
    assert_eq!(rt.related[0].file.repo_path.as_deref(), Some("main.tf"));
    assert_eq!(rt.related[1].span, rt.related[2].span);
    // In a registry module: the module call in the caller.
    let nat = by_address("module.vpc.aws_nat_gateway.this[0]");
    assert_eq!(
        nat.location.kind,
        LocationKind::ModuleCall {
            name: "vpc".into(),
            source: Some("terraform-aws-modules/vpc/aws".into())
        }
    );
    assert!(nat.location.snippet().starts_with("module \"vpc\" {"));
    // A synthetic main route table lands on its VPC.
    let vpc = by_address("aws_vpc.main");
    assert_eq!(vpc.related[1].span, vpc.location.span);
}

#[test]
fn without_sources_findings_land_on_the_plan_json() {
    let report = plan_report("report", false);
    for f in &report.findings {
        assert_eq!(f.location.kind, LocationKind::Plan);
        assert_eq!(f.location.file.repo_path.as_deref(), Some("plan.json"));
        let object = f.location.snippet();
        assert!(object.starts_with('{') && object.ends_with('}'), "{object}");
        let value: Value = serde_json::from_str(object).expect("the span is a JSON object");
        assert_eq!(value["address"], f.finding.address.as_str());
        // resource_changes comes after planned_values in this plan, and wins.
        assert!(value.get("change").is_some(), "{object}");
    }
}

#[test]
fn sarif_validates_and_has_what_github_needs() {
    let Some(validator) = common::sarif_validator("sarif_validates_and_has_what_github_needs")
    else {
        return;
    };
    for (dir, sources) in [
        ("report", true),
        ("report", false),
        ("report-compact", true),
    ] {
        let mut r = report(dir, sources);
        r.errors.push(InputError {
            plan: "missing.json".into(),
            message: "missing.json: cannot read: No such file or directory (os error 2)".into(),
        });
        let mut opts = options();
        opts.category = Some("terraform/prod".into());
        let sarif: Value = serde_json::from_str(&render(Format::Sarif, &r, &opts)).unwrap();
        let what = format!("{dir} (sources: {sources})");
        common::assert_valid(&validator, &sarif, &what);
        common::assert_github_fields(&sarif, &what);
        assert_eq!(
            sarif["runs"][0]["automationDetails"]["id"],
            "terraform/prod/"
        );
        assert_eq!(
            sarif["runs"][0]["invocations"][0]["executionSuccessful"],
            false
        );
    }
}

/// Copies a directory tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn sarif_of(dir: &Path) -> Value {
    let bytes = std::fs::read(dir.join("plan.json")).unwrap();
    let mut plan = Plan::from_json("plan.json", &bytes).unwrap();
    plan.source = std::sync::Arc::new(String::from_utf8(bytes).unwrap().into());
    let locator = Locator::new(LocateOptions {
        repo_root: Some(dir.to_path_buf()),
        cwd: Some(dir.to_path_buf()),
        ..LocateOptions::default()
    });
    let report = Report {
        plans: vec![locator.report(&plan, outcome("plan.json"))],
        rules: rules(),
        ..Report::default()
    };
    serde_json::from_str(&render(Format::Sarif, &report, &options())).unwrap()
}

/// `(ruleId, address) -> (fingerprint, uri, startLine)` of every result.
fn results(sarif: &Value) -> Vec<(String, String, String, String, u64)> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let loc = &r["locations"][0];
            (
                r["ruleId"].as_str().unwrap().to_string(),
                loc["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["partialFingerprints"]["vpclint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                loc["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                loc["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_lines_added_above_the_block() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    copy_dir(&crate_dir().join("tests/fixtures/report"), &dir);
    let before = results(&sarif_of(&dir));
    for file in ["main.tf", "modules/network/main.tf"] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            format!("# a comment\n\nlocals {{\n  x = 1\n}}\n\n{text}"),
        )
        .unwrap();
    }
    let after = results(&sarif_of(&dir));
    assert_eq!(before.len(), after.len());
    assert!(!before.is_empty());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1, &b.2, &b.3), (&a.0, &a.1, &a.2, &a.3));
        assert_eq!(a.4, b.4 + 6, "{} moved by six lines", b.1);
    }
}

#[test]
fn stdin_plans_get_a_location_too() {
    let bytes = std::fs::read(crate_dir().join("tests/fixtures/report/plan.json")).unwrap();
    let mut plan = Plan::from_json("<stdin>", &bytes).unwrap();
    plan.source = std::sync::Arc::new(String::from_utf8(bytes).unwrap().into());
    let locator = Locator::new(LocateOptions {
        cwd: Some(crate_dir()),
        ..LocateOptions::default()
    });
    let r = locator.report(&plan, outcome("<stdin>"));
    for f in &r.findings {
        assert_eq!(f.location.kind, LocationKind::Plan);
        assert_eq!(f.location.file.display, "<stdin>");
        assert!(f.location.start().line > 1);
    }
    let report = Report {
        plans: vec![r],
        rules: rules(),
        ..Report::default()
    };
    let sarif: Value = serde_json::from_str(&render(Format::Sarif, &report, &options())).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "%3Cstdin%3E"
    );
    if let Some(validator) = common::sarif_validator("stdin_plans_get_a_location_too") {
        common::assert_valid(&validator, &sarif, "stdin");
    }
}

#[test]
fn human_colour_and_timing() {
    let report = report("report", true);
    let mut opts = options();
    let plain = render(Format::Human, &report, &opts);
    assert!(!plain.contains('\u{1b}'), "no ANSI without colour");
    assert!(!plain.contains("Finished in"));
    opts.color = true;
    opts.timing = true;
    let coloured = render(Format::Human, &report, &opts);
    assert!(coloured.contains('\u{1b}'));
    assert!(coloured.contains("Finished in 12 ms"));
}

#[test]
fn markdown_collapses_long_lists() {
    let one = plan_report("report", true);
    let mut report = Report {
        rules: rules(),
        ..Report::default()
    };
    for i in 0..3 {
        let mut p = one.clone();
        p.name = format!("plan{i}.json");
        report.plans.push(p);
    }
    let md = render(Format::Markdown, &report, &options());
    assert!(
        md.contains("<details><summary>5 more findings</summary>"),
        "{md}"
    );
    assert_eq!(md.matches("| warning |").count(), 9);
    assert!(md.contains("| Plan |"));
}
