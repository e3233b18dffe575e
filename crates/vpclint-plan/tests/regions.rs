//! The AWS region of each resource: per-resource `region` (provider 6), else its provider
//! configuration (constant, `var.region`, aliases, module-scoped keys), else unknown.

use serde_json::json;
use vpclint_plan::Plan;

fn resource(address: &str, values: serde_json::Value) -> serde_json::Value {
    let (module, local) = match address.rsplit_once(".aws_") {
        Some((m, l)) if m.starts_with("module.") => (Some(m.to_string()), format!("aws_{l}")),
        _ => (None, address.to_string()),
    };
    let mut change = json!({
        "address": address,
        "mode": "managed",
        "type": local.split('.').next().unwrap(),
        "name": local.split('.').nth(1).unwrap(),
        "change": {"actions": ["create"], "before": null, "after": values, "after_unknown": {"id": true}}
    });
    if let Some(m) = module {
        change["module_address"] = json!(m);
    }
    change
}

#[test]
fn regions_come_from_provider_configuration_and_resources() {
    let plan = json!({
        "format_version": "1.2",
        "variables": {"region": {"value": "ap-northeast-1"}},
        "resource_changes": [
            resource("aws_vpc.constant", json!({})),
            resource("aws_vpc.aliased", json!({})),
            resource("aws_vpc.by_var", json!({})),
            resource("aws_vpc.per_resource", json!({"region": "us-west-2"})),
            resource("module.net.aws_vpc.this", json!({})),
            resource("aws_vpc.unconfigured", json!({})),
        ],
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}},
                "aws.tokyo": {"name": "aws", "alias": "tokyo", "expressions": {"region": {"references": ["var.region"]}}},
                "aws.west": {"name": "aws", "alias": "west", "expressions": {"region": {"constant_value": "us-east-2"}}},
                "module.net:aws": {"name": "aws", "module_address": "module.net", "expressions": {"region": {"constant_value": "eu-central-1"}}}
            },
            "root_module": {
                "resources": [
                    {"address": "aws_vpc.constant", "mode": "managed", "type": "aws_vpc", "name": "constant", "provider_config_key": "aws"},
                    {"address": "aws_vpc.aliased", "mode": "managed", "type": "aws_vpc", "name": "aliased", "provider_config_key": "aws.west"},
                    {"address": "aws_vpc.by_var", "mode": "managed", "type": "aws_vpc", "name": "by_var", "provider_config_key": "aws.tokyo"},
                    {"address": "aws_vpc.per_resource", "mode": "managed", "type": "aws_vpc", "name": "per_resource", "provider_config_key": "aws"}
                ],
                "module_calls": {"net": {"source": "./net", "module": {"resources": [
                    {"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this", "provider_config_key": "module.net:aws"}
                ]}}}
            }
        }
    });
    let plan = Plan::from_json("regions.json", plan.to_string().as_bytes()).unwrap();
    let region = |address: &str| {
        plan.resource(plan.by_address(address).unwrap())
            .region
            .clone()
    };
    assert_eq!(region("aws_vpc.constant").as_deref(), Some("eu-west-1"));
    assert_eq!(region("aws_vpc.aliased").as_deref(), Some("us-east-2"));
    assert_eq!(region("aws_vpc.by_var").as_deref(), Some("ap-northeast-1"));
    assert_eq!(region("aws_vpc.per_resource").as_deref(), Some("us-west-2"));
    assert_eq!(
        region("module.net.aws_vpc.this").as_deref(),
        Some("eu-central-1")
    );
    assert_eq!(region("aws_vpc.unconfigured"), None);
}

#[test]
fn format_versions_and_sections() {
    for version in ["0.1", "0.2", "1.0", "1.2"] {
        let text = format!(
            r#"{{"format_version": "{version}", "planned_values": {{"root_module": {{}}}}}}"#
        );
        assert!(
            Plan::from_json("p.json", text.as_bytes()).is_ok(),
            "{version}"
        );
    }
    let err = Plan::from_json("p.json", br#"{"format_version": "2.0", "values": {}}"#).unwrap_err();
    assert!(err.to_string().contains("unsupported format_version"));
    // planned_values with fewer resources than resource_changes, no configuration: still read.
    let text = br#"{"format_version": "1.1",
        "resource_changes": [
          {"address": "aws_vpc.a", "type": "aws_vpc", "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/16"}, "after_unknown": {"id": true}}},
          {"address": "aws_vpc.gone", "type": "aws_vpc", "change": {"actions": ["delete"], "before": {}, "after": null}}
        ],
        "planned_values": {"root_module": {"resources": []}},
        "prior_state": {"values": {"root_module": {"resources": [
          {"address": "data.aws_vpc.main", "mode": "data", "type": "aws_vpc", "name": "main", "values": {"id": "vpc-1"}},
          {"address": "aws_vpc.gone", "mode": "managed", "type": "aws_vpc", "name": "gone", "values": {"id": "vpc-2"}}
        ]}}}}"#;
    let plan = Plan::from_json("p.json", text).unwrap();
    let addresses: Vec<&str> = plan.resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(addresses, vec!["aws_vpc.a", "data.aws_vpc.main"]);
    assert_eq!(plan.deleted, vec!["aws_vpc.gone".to_string()]);
}
