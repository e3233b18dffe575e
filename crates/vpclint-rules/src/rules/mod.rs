//! One file per rule: its metadata beside its check.

pub mod c001_gateway_service_via_nat;
pub mod c002_interface_endpoint_for_gateway_service;
pub mod c003_idle_nat_gateway;
pub mod n001_gateway_endpoint_no_route_tables;
pub mod n002_gateway_endpoint_partial_coverage;
pub mod n003_gateway_endpoint_unsupported_service;
pub mod n004_endpoint_region_mismatch;
pub mod n005_interface_endpoint_private_dns_off;
pub mod n006_vpc_dns_disabled;
pub mod n007_nat_gateway_without_internet_route;
pub mod n008_private_nat_as_internet_exit;
pub mod n009_ipv6_route_to_nat;
pub mod n010_missing_service_endpoints;
pub mod n011_endpoint_sg_blocks_https;
pub mod r001_interface_endpoint_single_az;
pub mod r002_nat_cross_az;
pub mod s001_endpoint_policy_full_access;
pub mod s002_endpoint_sg_open_ingress;
pub mod s003_endpoint_service_open_to_all;
pub mod s004_public_ip_in_nat_subnet;
