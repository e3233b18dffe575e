//! `vpclint cost` output: the [`CostReport`] of a plan as a human table, JSON, or Markdown for a
//! pull-request comment.
//!
//! Every format shows the same figures: per VPC the fixed monthly cost line by line, the per-GB
//! rate of every path, one line per alternative with its break-even, the totals under the traffic
//! assumptions, and what stayed unknown; then the unit prices used with their dates and sources.

use std::collections::BTreeMap;

use vpclint_rules::cost::{
    gb_month, money, rate, CostReport, Decision, Rate, SourcePaths, UnitPrices, Verdict, ViaKind,
    VpcCost,
};
use vpclint_rules::prices::Price;

use crate::markdown::{cell, code};

/// The report as pretty JSON (the [`CostReport`] serialization), with a final newline.
pub fn render_json(report: &CostReport) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("a cost report serializes");
    text.push('\n');
    text
}

/// The report for a terminal: one block per VPC.
pub fn render_human(report: &CostReport) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "cost of {} (USD; {} hours a month)\n",
        report.plan, report.hours_per_month
    ));
    for note in &report.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if report.vpcs.is_empty() {
        out.push_str("\nno VPC in the plan\n");
    }
    for vpc in &report.vpcs {
        out.push('\n');
        human_vpc(&mut out, vpc);
    }
    let prices = prices_used(report);
    if !prices.is_empty() {
        out.push_str("\nprices used\n");
        for p in prices {
            for line in price_lines(p) {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }
    out
}

fn human_vpc(out: &mut String, vpc: &VpcCost) {
    let region = vpc.region.as_deref().unwrap_or("region unknown");
    let zones = if vpc.availability_zones.is_empty() {
        String::new()
    } else {
        format!(": {}", vpc.availability_zones.join(", "))
    };
    let name = match &vpc.vpc {
        Some(v) => format!("VPC {v}"),
        None => vpc.label.clone(),
    };
    out.push_str(&format!("{name} ({region}{zones})\n"));
    if vpc.paths.is_empty() && vpc.nat_gateways.is_empty() && vpc.interface_endpoints.is_empty() {
        out.push_str("  no subnets, NAT gateways or endpoints known to be in this VPC\n");
        return;
    }
    out.push_str(&format!("  fixed monthly cost: {}\n", fixed_text(vpc)));
    for n in &vpc.nat_gateways {
        let zone = n.availability_zone.as_deref().unwrap_or("AZ unknown");
        let mut detail = format!(
            "NAT gateway {} ({}, {}, {zone})",
            n.address,
            n.connectivity.as_deref().unwrap_or("connectivity unknown"),
            n.mode.as_deref().unwrap_or("mode unknown"),
        );
        match (
            n.hours_monthly_usd,
            n.public_ipv4_monthly_usd,
            n.public_ipv4_addresses,
        ) {
            (Some(h), Some(i), Some(a)) if a > 0 => detail.push_str(&format!(
                ": {} hours + {} for {a} public IPv4",
                money(h),
                money(i)
            )),
            (Some(h), _, _) => detail.push_str(&format!(": {} hours", money(h))),
            _ => {}
        }
        if let Some(note) = &n.note {
            detail.push_str(&format!("; {note}"));
        }
        out.push_str(&format!("    {:>10}  {detail}\n", amount(n.monthly_usd)));
    }
    for e in &vpc.interface_endpoints {
        let zones = match &e.availability_zones {
            Some(z) => format!("{} AZ(s)", z.len()),
            None => "AZs unknown".to_string(),
        };
        let service = e
            .service
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("?");
        let mut detail = format!("Interface endpoint {} ({service}, {zones})", e.address);
        if e.carries_traffic == Some(false) {
            detail.push_str(": carries no traffic");
        }
        out.push_str(&format!("    {:>10}  {detail}\n", amount(e.monthly_usd)));
    }
    for g in &vpc.gateway_endpoints {
        out.push_str(&format!(
            "    {:>10}  Gateway endpoint {} ({})\n",
            money(0.0),
            g.address,
            g.service.as_deref().unwrap_or("?")
        ));
    }
    if !vpc.paths.is_empty() {
        out.push_str(
            "  per-GB rates (processing; data transfer out to the internet not included)\n",
        );
        for p in &vpc.paths {
            out.push_str(&format!("    from {}\n", source_text(p)));
            for g in rate_groups(&p.rates) {
                out.push_str(&format!(
                    "      {:>10}  {}: {}\n",
                    per_gb(g.rate.per_gb_usd),
                    g.destinations.join(", "),
                    via_text(&g)
                ));
            }
        }
    }
    if !vpc.decisions.is_empty() {
        out.push_str("  alternatives\n");
        for d in &vpc.decisions {
            out.push_str(&format!("    [{}] {}\n", d.verdict.as_str(), d.summary));
        }
    }
    if let Some(t) = &vpc.traffic {
        out.push_str("  under the traffic assumptions\n");
        out.push_str(&format!("    {}\n", t.assumption));
        for l in &t.destinations {
            let mut line = format!(
                "    {:>10}  {} x {} to {}",
                amount(l.monthly_usd),
                gb_month(l.gb_per_month),
                per_gb(l.per_gb_usd),
                l.destination
            );
            if let Some(note) = &l.note {
                line.push_str(&format!(" ({note})"));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&format!(
            "    {:>10}  fixed\n    {:>10}  total a month\n",
            amount(t.fixed_monthly_usd),
            amount(t.total_monthly_usd)
        ));
    }
    if !vpc.unknown.is_empty() {
        out.push_str("  unknown\n");
        for u in &vpc.unknown {
            out.push_str(&format!("    - {u}\n"));
        }
    }
}

/// The report as a pull-request comment: a summary table, then per VPC its costs, alternatives
/// and (collapsed) rates.
pub fn render_markdown(report: &CostReport) -> String {
    let mut out = String::new();
    out.push_str(&format!("### vpclint cost: {}\n\n", code(&report.plan)));
    for note in &report.notes {
        out.push_str(&format!("> {}\n\n", cell(note)));
    }
    if report.vpcs.is_empty() {
        out.push_str("No VPC in the plan.\n");
        return out;
    }
    out.push_str("| VPC | Region | NAT gateways | Interface endpoints | Fixed monthly |");
    if report.with_traffic {
        out.push_str(" With traffic |");
    }
    out.push('\n');
    out.push_str("| --- | --- | ---: | ---: | ---: |");
    if report.with_traffic {
        out.push_str(" ---: |");
    }
    out.push('\n');
    for vpc in &report.vpcs {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |",
            vpc_cell(vpc),
            vpc.region.as_deref().unwrap_or("unknown"),
            vpc.nat_gateways.len(),
            vpc.interface_endpoints.len(),
            cell(&fixed_text(vpc)),
        ));
        if report.with_traffic {
            let total = vpc.traffic.as_ref().and_then(|t| t.total_monthly_usd);
            out.push_str(&format!(" {} |", cell(&amount(total))));
        }
        out.push('\n');
    }
    for vpc in &report.vpcs {
        if vpc.paths.is_empty() && vpc.nat_gateways.is_empty() && vpc.interface_endpoints.is_empty()
        {
            continue;
        }
        out.push_str(&format!("\n#### {}\n\n", vpc_cell(vpc)));
        out.push_str("| Monthly | Resource | |\n| ---: | --- | --- |\n");
        for n in &vpc.nat_gateways {
            out.push_str(&format!(
                "| {} | {} | NAT gateway, {} |\n",
                cell(&amount(n.monthly_usd)),
                code(&n.address),
                cell(
                    &[
                        n.availability_zone
                            .clone()
                            .unwrap_or_else(|| "AZ unknown".into()),
                        n.note.clone().unwrap_or_default(),
                    ]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
                )
            ));
        }
        for e in &vpc.interface_endpoints {
            let zones = e
                .availability_zones
                .as_ref()
                .map(|z| format!("{} AZ(s)", z.len()))
                .unwrap_or_else(|| "AZs unknown".into());
            let idle = if e.carries_traffic == Some(false) {
                "; carries no traffic"
            } else {
                ""
            };
            out.push_str(&format!(
                "| {} | {} | Interface endpoint, {}, {zones}{idle} |\n",
                cell(&amount(e.monthly_usd)),
                code(&e.address),
                cell(e.service.as_deref().unwrap_or("?"))
            ));
        }
        for g in &vpc.gateway_endpoints {
            out.push_str(&format!(
                "| \\$0.00 | {} | Gateway endpoint, {} |\n",
                code(&g.address),
                cell(g.service.as_deref().unwrap_or("?"))
            ));
        }
        if !vpc.decisions.is_empty() {
            out.push_str(
                "\n| Alternative | Fixed monthly | Per GB | Break-even | Verdict |\n| --- | ---: | ---: | ---: | --- |\n",
            );
            for d in &vpc.decisions {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    cell(&d.title),
                    cell(&signed(d.fixed_monthly_usd, money)),
                    cell(&signed(d.per_gb_usd, rate)),
                    cell(&break_even(d)),
                    cell(&verdict_text(d)),
                ));
            }
            out.push_str("\n<details><summary>Why</summary>\n\n");
            for d in &vpc.decisions {
                out.push_str(&format!("- {}\n", cell(&d.summary)));
            }
            out.push_str("\n</details>\n");
        }
        if let Some(t) = &vpc.traffic {
            out.push_str(
                "\n| Traffic | GB/month | Per GB | Monthly |\n| --- | ---: | ---: | ---: |\n",
            );
            for l in &t.destinations {
                out.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    cell(&l.destination),
                    trim_gb(l.gb_per_month),
                    cell(&per_gb(l.per_gb_usd)),
                    cell(&amount(l.monthly_usd))
                ));
            }
            out.push_str(&format!(
                "| fixed | | | {} |\n| **total** | | | **{}** |\n",
                cell(&amount(t.fixed_monthly_usd)),
                cell(&amount(t.total_monthly_usd))
            ));
            out.push_str(&format!("\n<sub>{}</sub>\n", cell(&t.assumption)));
        }
        out.push_str("\n<details><summary>Per-GB rates</summary>\n\n");
        out.push_str("| From | Rates |\n| --- | --- |\n");
        for p in &vpc.paths {
            let rates: Vec<String> = rate_groups(&p.rates)
                .iter()
                .map(|g| {
                    format!(
                        "{}: **{}** by {}",
                        cell(&g.destinations.join(", ")),
                        cell(&per_gb(g.rate.per_gb_usd)),
                        cell(&via_text(g))
                    )
                })
                .collect();
            out.push_str(&format!(
                "| {} | {} |\n",
                cell(&source_text(p)),
                rates.join("<br>")
            ));
        }
        out.push_str("\n</details>\n");
        if !vpc.unknown.is_empty() {
            out.push_str("\nUnknown:\n");
            for u in &vpc.unknown {
                out.push_str(&format!("- {}\n", cell(u)));
            }
        }
    }
    let prices = prices_used(report);
    if !prices.is_empty() {
        out.push_str("\n<details><summary>Prices used</summary>\n\n");
        for p in prices {
            for line in price_lines(p) {
                out.push_str(&format!("- {}\n", cell(&line)));
            }
        }
        out.push_str("\n</details>\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------

fn vpc_cell(vpc: &VpcCost) -> String {
    match &vpc.vpc {
        Some(v) => code(v),
        None => cell(&vpc.label),
    }
}

/// `$171.55`, `$38.69 + unknown`, `unknown`.
fn fixed_text(vpc: &VpcCost) -> String {
    match vpc.fixed_monthly_usd {
        Some(f) => money(f),
        None if vpc.fixed_monthly_known_usd > 0.0 => {
            format!("{} + unknown", money(vpc.fixed_monthly_known_usd))
        }
        None => "unknown".to_string(),
    }
}

fn amount(value: Option<f64>) -> String {
    value.map(money).unwrap_or_else(|| "?".to_string())
}

fn per_gb(value: Option<f64>) -> String {
    value
        .map(|v| format!("{}/GB", rate(v)))
        .unwrap_or_else(|| "?".to_string())
}

/// `+$36.50`, `-$0.058`, `0`.
fn signed(value: Option<f64>, f: fn(f64) -> String) -> String {
    match value {
        Some(v) if v > 0.0 => format!("+{}", f(v)),
        Some(v) if v < 0.0 => format!("-{}", f(-v)),
        Some(_) => "0".to_string(),
        None => "?".to_string(),
    }
}

fn break_even(d: &Decision) -> String {
    match d.break_even_gb_per_month {
        Some(0.0) => "none".to_string(),
        Some(b) => gb_month(b),
        None => "-".to_string(),
    }
}

fn verdict_text(d: &Decision) -> String {
    match (&d.verdict, &d.with_traffic) {
        (Verdict::Cheaper | Verdict::Dearer, Some(o)) => match o.monthly_change_usd {
            Some(c) if c < 0.0 => format!("cheaper: saves {}/month", money(-c)),
            Some(c) => format!("dearer: {}/month more", money(c)),
            None => d.verdict.as_str().to_string(),
        },
        _ => d.verdict.as_str().to_string(),
    }
}

fn trim_gb(gb: f64) -> String {
    let text = format!("{gb:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `module.network.aws_subnet.private[1] (eu-west-1b; route table …; nat_routed)`.
fn source_text(p: &SourcePaths) -> String {
    let mut parts = Vec::new();
    if !p.availability_zones.is_empty() {
        parts.push(p.availability_zones.join(", "));
    }
    parts.push(match &p.route_table {
        Some(t) => format!("route table {t}"),
        None => "route table unknown".to_string(),
    });
    parts.push(p.class.replace('_', "-"));
    format!(
        "{} ({})",
        vpclint_rules::cost::compact(&p.subnets),
        parts.join("; ")
    )
}

/// One line of rates: destinations with the same rate and the same way out.
struct RateGroup<'r> {
    rate: &'r Rate,
    destinations: Vec<&'r str>,
    /// Several Interface endpoints (one per service).
    several: bool,
}

type RateKey = (
    ViaKind,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<(String, String)>,
);

/// What makes two rates one line: Interface endpoints of different services count as one way out.
fn rate_key(r: &Rate) -> RateKey {
    let address = match r.via.kind {
        ViaKind::InterfaceEndpoint => None,
        _ => r.via.address.clone(),
    };
    let charges = r
        .charges
        .iter()
        .map(|c| (short_item(&c.item), rate(c.usd_per_gb)))
        .collect();
    (
        r.via.kind,
        address,
        r.per_gb_usd.map(rate),
        // A note only matters where it says why the rate is missing.
        r.note.clone().filter(|_| r.per_gb_usd.is_none()),
        charges,
    )
}

/// Destinations with the same rate and way out, together.
fn rate_groups(rates: &[Rate]) -> Vec<RateGroup<'_>> {
    let mut groups: Vec<RateGroup<'_>> = Vec::new();
    for r in rates {
        match groups.iter_mut().find(|g| rate_key(g.rate) == rate_key(r)) {
            Some(g) => {
                g.several |= g.rate.via.address != r.via.address;
                g.destinations.push(&r.destination);
            }
            None => groups.push(RateGroup {
                rate: r,
                destinations: vec![&r.destination],
                several: false,
            }),
        }
    }
    groups
}

/// `NAT gateway x ($0.048 NAT processing + $0.02 cross-AZ a to b)`.
fn via_text(g: &RateGroup<'_>) -> String {
    let r = g.rate;
    let mut text = r.via.kind.as_str().to_string();
    if g.several {
        text.push_str("s (one per service)");
    } else if let Some(a) = &r.via.address {
        text.push(' ');
        text.push_str(a);
    }
    if r.charges.len() > 1 {
        let parts: Vec<String> = r
            .charges
            .iter()
            .map(|c| format!("{} {}", rate(c.usd_per_gb), short_item(&c.item)))
            .collect();
        text.push_str(&format!(" ({})", parts.join(" + ")));
    }
    if r.per_gb_usd.is_none() {
        if let Some(note) = &r.note {
            text.push_str(&format!(": {note}"));
        }
    }
    text
}

/// `NAT gateway data processing (x)` -> `NAT processing`.
fn short_item(item: &str) -> String {
    if item.starts_with("NAT gateway data processing") {
        "NAT processing".to_string()
    } else if let Some(rest) = item.strip_prefix("cross-AZ transfer ") {
        format!("cross-AZ {}", rest.trim_end_matches(", each way"))
    } else if item.starts_with("Interface endpoint data processing") {
        "endpoint processing".to_string()
    } else {
        item.to_string()
    }
}

fn prices_used(report: &CostReport) -> Vec<&UnitPrices> {
    let mut by_region: BTreeMap<&str, &UnitPrices> = BTreeMap::new();
    for vpc in &report.vpcs {
        if let Some(p) = &vpc.prices {
            by_region.entry(&p.region).or_insert(p);
        }
    }
    by_region.into_values().collect()
}

/// One line per figure: `eu-west-1 NAT gateway hour $0.048 (as of 2026-10-02; AWS Price List …)`.
fn price_lines(p: &UnitPrices) -> Vec<String> {
    let mut lines = Vec::new();
    let mut add = |what: &str, price: Option<&Price>, unit: &str| match price {
        Some(price) => lines.push(format!(
            "{} {what}: {}{unit} ({}; {})",
            p.region,
            rate(price.usd),
            as_of(&price.as_of),
            price.source
        )),
        None => lines.push(format!("{} {what}: unknown", p.region)),
    };
    add("NAT gateway", p.nat_gateway_hour.as_ref(), "/hour");
    add("NAT gateway processing", p.nat_gateway_gb.as_ref(), "/GB");
    add(
        "Interface endpoint per AZ",
        p.interface_endpoint_hour.as_ref(),
        "/hour",
    );
    add(
        "Interface endpoint processing, first tier",
        p.interface_endpoint_gb_first(),
        "/GB",
    );
    add("public IPv4 address", p.public_ipv4_hour.as_ref(), "/hour");
    add("cross-AZ transfer, each way", p.cross_az_gb.as_ref(), "/GB");
    lines
}

/// `as of 2026-10-02`, or `undated`.
fn as_of(date: &str) -> String {
    if date == "undated" {
        date.to_string()
    } else {
        format!("as of {date}")
    }
}
