//! N010 missing-service-endpoints: workloads in isolated subnets need endpoints to start.

use vpclint_plan::network::{NodeKind, NodeRef};
use vpclint_plan::query::{EndpointType, SubnetClass};
use vpclint_plan::value::{Fact, Step};

use crate::facts;
use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct MissingServiceEndpoints;

pub static META: RuleMeta = RuleMeta {
    id: "N010",
    slug: "missing-service-endpoints",
    severity: Severity::Error,
    category: Category::Connectivity,
    summary: "a workload in isolated subnets lacks VPC endpoints it needs to start",
    anchor: "the workload",
};

const ECR: &[&str] = &["ecr.api", "ecr.dkr", "s3"];
const EKS: &[&str] = &["ec2", "ecr.api", "ecr.dkr", "sts", "s3"];

impl Rule for MissingServiceEndpoints {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for workload in network.nodes(NodeKind::Workload) {
            let Some(r) = network.resource(workload) else {
                continue;
            };
            let mut needed: Vec<String> = match r.rtype() {
                "aws_ecs_service" => match ecs_needs(ctx, workload) {
                    Some(n) => n,
                    None => continue,
                },
                "aws_eks_cluster" | "aws_eks_node_group" => {
                    EKS.iter().map(|s| s.to_string()).collect()
                }
                _ => Vec::new(),
            };
            if let Some(extra) = ctx.options.required_endpoints.get(r.rtype()) {
                needed.extend(extra.iter().cloned());
            }
            needed.sort();
            needed.dedup();
            if needed.is_empty() {
                continue;
            }
            let placement = network.placement(workload);
            if placement.nodes.is_empty() || !placement.complete {
                if !placement.complete {
                    ctx.unchecked(
                        &META,
                        network.address(workload),
                        "the workload's subnets are unknown",
                    );
                }
                continue;
            }
            let mut vpc = None;
            let mut all_isolated = true;
            for s in &placement.nodes {
                match network.subnet_class(*s) {
                    Fact::Known(SubnetClass::Isolated) => {}
                    Fact::Known(_) => all_isolated = false,
                    _ => {
                        ctx.unchecked(
                            &META,
                            network.address(workload),
                            "the routes of the workload's subnets are unknown",
                        );
                        all_isolated = false;
                    }
                }
                match (network.vpc_of(*s), vpc) {
                    (Fact::Known(v), None) => vpc = Some(v),
                    (Fact::Known(v), Some(w)) if v == w => {}
                    _ => vpc = Some(NodeRef::Resource(usize::MAX)),
                }
            }
            let Some(vpc) = vpc.filter(|v| *v != NodeRef::Resource(usize::MAX)) else {
                continue;
            };
            if !all_isolated {
                continue;
            }
            let (endpoints, complete) = network.endpoints_in(vpc);
            if !complete
                || endpoints
                    .iter()
                    .any(|e| !matches!(e.service(), Fact::Known(_)))
            {
                ctx.unchecked(
                    &META,
                    network.address(workload),
                    "an endpoint's VPC or service is unknown",
                );
                continue;
            }
            // A Gateway endpoint serves only the route tables it is associated with: S3 counts when
            // it covers every table of the workload's subnets (or an Interface endpoint answers).
            let tables: Vec<NodeRef> = placement
                .nodes
                .iter()
                .filter_map(|s| network.route_table_of(*s).known())
                .collect();
            let mut uncertain = false;
            let present: Vec<String> = endpoints
                .iter()
                .filter(|e| match e.endpoint_type {
                    Fact::Known(EndpointType::Gateway) => {
                        let covered = network.endpoint_route_tables(e.node);
                        let all = tables.iter().all(|t| covered.nodes.contains(t));
                        uncertain |= !all && !covered.complete;
                        all
                    }
                    Fact::Known(EndpointType::Interface) => true,
                    _ => false,
                })
                .filter_map(|e| e.service().known())
                .collect();
            let missing: Vec<String> = needed
                .into_iter()
                .filter(|s| !present.contains(s))
                .collect();
            if !missing.is_empty() && uncertain {
                ctx.unchecked(
                    &META,
                    network.address(workload),
                    "a Gateway endpoint's route tables are unknown",
                );
                continue;
            }
            if missing.is_empty() {
                continue;
            }
            let region = facts::region(network, workload).unwrap_or_else(|| "REGION".into());
            let message = format!(
                "{} runs only in isolated subnets and its VPC has no endpoint for {}",
                network.address(workload),
                missing.join(", ")
            );
            let mut fix = String::new();
            for service in &missing {
                let gateway = service == "s3";
                fix.push_str(&format!(
                    "resource \"aws_vpc_endpoint\" \"{}\" {{\n  vpc_id              = {}.id\n  service_name        = \"com.amazonaws.{region}.{service}\"\n  vpc_endpoint_type   = \"{}\"\n{}}}\n",
                    service.replace('.', "_"),
                    network.address(vpc),
                    if gateway { "Gateway" } else { "Interface" },
                    if gateway {
                        "  route_table_ids     = [ /* the isolated subnets' route tables */ ]\n".to_string()
                    } else {
                        "  private_dns_enabled = true\n  subnet_ids          = [ /* the workload's subnets */ ]\n".to_string()
                    }
                ));
            }
            let mut f = Finding::new(&META, network.address(workload), message)
                .help("add the missing endpoints (Interface endpoints with private DNS on; a Gateway endpoint for S3), or give the subnets a NAT route")
                .fix(fix)
                .related(network.address(vpc), "VPC");
            for s in &placement.nodes {
                f = f.related(network.address(*s), "isolated subnet");
            }
            ctx.report(f);
        }
    }
}

/// The endpoints an ECS service needs: ECR's when its task definition pulls from ECR, and logs
/// when a container uses the awslogs driver. `None` when the task definition is unknown.
fn ecs_needs(ctx: &mut Context<'_, '_>, service: NodeRef) -> Option<Vec<String>> {
    let network = ctx.network;
    let task = match network.linked(
        service,
        &[Step::Key("task_definition")],
        &["aws_ecs_task_definition"],
    ) {
        Fact::Known(t) if t.len() == 1 => t[0],
        Fact::Absent => return Some(Vec::new()),
        _ => {
            ctx.unchecked(
                &META,
                network.address(service),
                "the task definition is unknown",
            );
            return None;
        }
    };
    let definitions = match network.resource(task)?.values.str("container_definitions") {
        Fact::Known(d) => d.to_string(),
        _ => {
            ctx.unchecked(
                &META,
                network.address(service),
                "the container definitions are unknown",
            );
            return None;
        }
    };
    let Ok(serde_json::Value::Array(containers)) =
        serde_json::from_str::<serde_json::Value>(&definitions)
    else {
        return None;
    };
    let mut needs = Vec::new();
    for c in &containers {
        if c.get("image")
            .and_then(|i| i.as_str())
            .is_some_and(|i| i.contains(".dkr.ecr."))
        {
            needs.extend(ECR.iter().map(|s| s.to_string()));
        }
        let driver = c
            .pointer("/logConfiguration/logDriver")
            .and_then(|d| d.as_str());
        if driver == Some("awslogs") {
            needs.push("logs".to_string());
        }
    }
    Some(needs)
}
