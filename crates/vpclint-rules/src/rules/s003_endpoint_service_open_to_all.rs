//! S003 endpoint-service-open-to-all: any AWS account can connect without approval.

use vpclint_plan::network::NodeKind;
use vpclint_plan::value::Fact;

use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct EndpointServiceOpenToAll;

pub static META: RuleMeta = RuleMeta {
    id: "S003",
    slug: "endpoint-service-open-to-all",
    severity: Severity::Error,
    category: Category::Security,
    summary: "an endpoint service accepts connections from any AWS account without approval",
    anchor: "the endpoint service",
};

impl Rule for EndpointServiceOpenToAll {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for service in network.nodes(NodeKind::EndpointService) {
            let Some(r) = network.resource(service) else {
                continue;
            };
            if r.values.bool("acceptance_required") != Fact::Known(false) {
                continue;
            }
            let inline = match r.values.str_list("allowed_principals") {
                Fact::Known(items) => items.contains(&Fact::Known("*")),
                _ => false,
            };
            let (resources, _) = network.allowed_principal_resources(service);
            let separate = resources.contains(&Fact::Known("*".to_string()));
            if !inline && !separate {
                continue;
            }
            let message = format!(
                "endpoint service {} allows principal \"*\" with acceptance_required = false: any AWS account can connect to it",
                network.address(service)
            );
            ctx.report(
                Finding::new(&META, network.address(service), message)
                    .help("list the account or organization ARNs that may connect, and set acceptance_required = true")
                    .fix("  acceptance_required = true\n  allowed_principals  = [\"arn:aws:iam::111122223333:root\"]\n"),
            );
        }
    }
}
