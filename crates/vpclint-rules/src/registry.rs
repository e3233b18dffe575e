//! The explicit, sorted list of rules. Tests check ids are unique, sorted and well formed, and
//! that every rule has its doc in `rules/` and its fixtures in `fixtures/`.

use crate::rules::*;
use crate::Rule;

pub static RULES: &[&dyn Rule] = &[
    &c001_gateway_service_via_nat::GatewayServiceViaNat,
    &c002_interface_endpoint_for_gateway_service::InterfaceEndpointForGatewayService,
    &c003_idle_nat_gateway::IdleNatGateway,
    &n001_gateway_endpoint_no_route_tables::GatewayEndpointNoRouteTables,
    &n002_gateway_endpoint_partial_coverage::GatewayEndpointPartialCoverage,
    &n003_gateway_endpoint_unsupported_service::GatewayEndpointUnsupportedService,
    &n004_endpoint_region_mismatch::EndpointRegionMismatch,
    &n005_interface_endpoint_private_dns_off::InterfaceEndpointPrivateDnsOff,
    &n006_vpc_dns_disabled::VpcDnsDisabled,
    &n007_nat_gateway_without_internet_route::NatGatewayWithoutInternetRoute,
    &n008_private_nat_as_internet_exit::PrivateNatAsInternetExit,
    &n009_ipv6_route_to_nat::Ipv6RouteToNat,
    &n010_missing_service_endpoints::MissingServiceEndpoints,
    &n011_endpoint_sg_blocks_https::EndpointSgBlocksHttps,
    &r001_interface_endpoint_single_az::InterfaceEndpointSingleAz,
    &r002_nat_cross_az::NatCrossAz,
    &s001_endpoint_policy_full_access::EndpointPolicyFullAccess,
    &s002_endpoint_sg_open_ingress::EndpointSgOpenIngress,
    &s003_endpoint_service_open_to_all::EndpointServiceOpenToAll,
    &s004_public_ip_in_nat_subnet::PublicIpInNatSubnet,
];

/// Finds a rule by id (case-insensitive) or slug.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().id.eq_ignore_ascii_case(name) || r.meta().slug == name)
}
