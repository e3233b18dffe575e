//! S001 endpoint-policy-full-access: an S3/DynamoDB endpoint that lets anyone do anything.

use serde_json::Value;
use vpclint_plan::network::NodeKind;
use vpclint_plan::value::Fact;

use crate::facts;
use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct EndpointPolicyFullAccess;

pub static META: RuleMeta = RuleMeta {
    id: "S001",
    slug: "endpoint-policy-full-access",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "an S3 or DynamoDB endpoint allows any principal any action on any resource",
    anchor: "the endpoint",
};

impl Rule for EndpointPolicyFullAccess {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for node in network.nodes(NodeKind::VpcEndpoint) {
            let e = network.endpoint(node);
            let Fact::Known(service) = e.service() else {
                continue;
            };
            if service != "s3" && service != "dynamodb" {
                continue;
            }
            let why = match &e.policy {
                Fact::Known(None) => {
                    "has no policy, so the default full-access policy applies".to_string()
                }
                Fact::Known(Some(text)) => match serde_json::from_str::<Value>(text) {
                    Ok(policy) if allows_everything(&policy, &service) => {
                        "has a policy that allows every principal every action on every resource"
                            .to_string()
                    }
                    _ => continue,
                },
                _ => {
                    ctx.unchecked(
                        &META,
                        network.address(node),
                        "the endpoint policy is unknown",
                    );
                    continue;
                }
            };
            let name = if service == "s3" { "S3" } else { "DynamoDB" };
            let region = facts::region(network, node).unwrap_or_else(|| "REGION".into());
            let message = format!(
                "endpoint {} for {name} {why}: a path to move data to any account's {name}",
                network.address(node)
            );
            let fix = if service == "s3" {
                format!(
                    "  policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [\n      {{\n        Effect    = \"Allow\"\n        Principal = \"*\"\n        Action    = \"s3:*\"\n        Resource  = \"*\"\n        Condition = {{ StringEquals = {{ \"aws:ResourceOrgID\" = \"o-EXAMPLE\" }} }}\n      }},\n      {{\n        # ECR image layers live in an AWS-owned bucket\n        Effect    = \"Allow\"\n        Principal = \"*\"\n        Action    = \"s3:GetObject\"\n        Resource  = \"arn:aws:s3:::prod-{region}-starport-layer-bucket/*\"\n      }}\n    ]\n  }})\n"
                )
            } else {
                "  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect    = \"Allow\"\n      Principal = \"*\"\n      Action    = \"dynamodb:*\"\n      Resource  = \"*\"\n      Condition = { StringEquals = { \"aws:ResourceAccount\" = \"111122223333\" } }\n    }]\n  })\n".to_string()
            };
            ctx.report(
                Finding::new(&META, network.address(node), message)
                    .help("restrict the policy to your organization's resources (aws:ResourceOrgID or aws:ResourceAccount), keeping AWS-owned buckets your workloads need")
                    .fix(fix),
            );
        }
    }
}

fn as_list(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether some Allow statement has wildcard principal, action and resource and no condition.
fn allows_everything(policy: &Value, service: &str) -> bool {
    let statements: Vec<&Value> = match policy.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => return false,
    };
    let service_star = format!("{service}:*");
    statements.iter().any(|s| {
        let allow = s.get("Effect").and_then(Value::as_str) == Some("Allow");
        let principal = match s.get("Principal") {
            Some(Value::String(p)) => p == "*",
            Some(Value::Object(map)) => as_list(map.get("AWS")).contains(&"*"),
            _ => false,
        };
        let action = as_list(s.get("Action"))
            .iter()
            .any(|a| *a == "*" || *a == service_star);
        let resource = as_list(s.get("Resource")).contains(&"*");
        let no_condition = s
            .get("Condition")
            .is_none_or(|c| c.as_object().is_some_and(|m| m.is_empty()));
        allow && principal && action && resource && no_condition
    })
}
