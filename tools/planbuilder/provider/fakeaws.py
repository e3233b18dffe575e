"""A stand-in for registry.terraform.io/hashicorp/aws, served over the plugin protocol (tfplugin6),
so that a real `terraform` binary can produce real plan and state JSON without downloading the
provider.

Everything Terraform itself writes into a plan (configuration, references, addresses,
after_unknown, prior_state, ...) is genuine. What a provider decides is modelled here on the real
hashicorp/aws provider (6.x; the network resources vpclint reads):

* the schemas carry the real attribute names, types, Optional/Required/Computed flags and schema
  defaults (checked against internal/service/*/ of terraform-provider-aws);
* SDKv2 resources plan like SDKv2: an unset Optional+Computed attribute (or block) of a resource
  being created is unknown; a schema Default is filled in; a set of strings holding an unknown
  element is wholly unknown (SDKv2 cannot hash it); unset fields of an attributes-as-blocks object
  (`route`, `ingress`, `egress`) are zero values ("", 0, false, []);
* plugin-framework resources (aws_vpc_security_group_*_rule, aws_vpc_endpoint_private_dns) keep
  null for unset optional attributes and element-level unknowns in sets;
* every resource and data source has the provider 6 `region` argument, planned as the provider's
  configured region when unset (the provider's `defaultRegion` CustomizeDiff interceptor);
* data sources answer from a small built-in inventory of existing infrastructure.

Apply (used only for state fixtures) reads values back like SDKv2: unset optional primitives
become zero values, computed attributes get made-up but well-formed ids.
"""
import copy
import hashlib
import json
import os
import sys
import threading
from concurrent import futures

import grpc
import msgpack

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tfplugin6_pb2 as pb  # noqa: E402
import tfplugin6_pb2_grpc as pbg  # noqa: E402


class _Unknown:
    def __repr__(self):
        return "UNKNOWN"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


UNKNOWN = _Unknown()
LOCK = threading.Lock()
STATE = {"region": "us-east-1"}
ACCOUNT = "123456789012"

S = "string"
B = "bool"
N = "number"
SET_S = ["set", "string"]
LIST_S = ["list", "string"]
MAP_S = ["map", "string"]


def A(typ, flags, default=None, sensitive=False):
    """An attribute. flags: "R" required, "O" optional, "C" computed, "OC" optional+computed."""
    return {"type": typ, "flags": flags, "default": default, "sensitive": sensitive}


def BLK(nesting, attrs, blocks=None, min_items=0, max_items=0, flags="O"):
    """A nested block. nesting: "list", "set" or "single". flags "OC": SDKv2 Optional+Computed block."""
    return {"nesting": nesting, "attrs": attrs, "blocks": blocks or {}, "min": min_items,
            "max": max_items, "flags": flags}


def TIMEOUTS(*ops):
    return BLK("single", {op: A(S, "O") for op in ops})


TAGS = {"tags": A(MAP_S, "O"), "tags_all": A(MAP_S, "C")}
REGION = {"region": A(S, "OC")}


def RES(attrs, blocks=None, version=0, framework=False):
    return {"version": version, "attrs": {**attrs, **REGION}, "blocks": blocks or {},
            "framework": framework}


# Attributes-as-blocks element types (SDKv2 ConfigModeAttr).
ROUTE_OBJ = ["object", {k: "string" for k in [
    "carrier_gateway_id", "cidr_block", "core_network_arn", "destination_prefix_list_id",
    "egress_only_gateway_id", "gateway_id", "ipv6_cidr_block", "local_gateway_id",
    "nat_gateway_id", "network_interface_id", "transit_gateway_id", "vpc_endpoint_id",
    "vpc_peering_connection_id"]}]
DEFAULT_ROUTE_OBJ = ["object", {k: "string" for k in [
    "cidr_block", "core_network_arn", "destination_prefix_list_id", "egress_only_gateway_id",
    "gateway_id", "instance_id", "ipv6_cidr_block", "nat_gateway_id", "network_interface_id",
    "transit_gateway_id", "vpc_endpoint_id", "vpc_peering_connection_id"]}]
SG_RULE_OBJ = ["object", {"cidr_blocks": LIST_S, "description": "string", "from_port": "number",
                          "ipv6_cidr_blocks": LIST_S, "prefix_list_ids": LIST_S,
                          "protocol": "string", "security_groups": SET_S, "self": "bool",
                          "to_port": "number"}]

RESOURCES = {
    "aws_vpc": RES({
        "arn": A(S, "C"),
        "assign_generated_ipv6_cidr_block": A(B, "O", False),
        "cidr_block": A(S, "OC"),
        "default_network_acl_id": A(S, "C"),
        "default_route_table_id": A(S, "C"),
        "default_security_group_id": A(S, "C"),
        "dhcp_options_id": A(S, "C"),
        "enable_dns_hostnames": A(B, "OC"),
        "enable_dns_support": A(B, "O", True),
        "enable_network_address_usage_metrics": A(B, "OC"),
        "id": A(S, "C"),
        "instance_tenancy": A(S, "O", "default"),
        "ipv4_ipam_pool_id": A(S, "O"),
        "ipv4_netmask_length": A(N, "O"),
        "ipv6_association_id": A(S, "C"),
        "ipv6_cidr_block": A(S, "OC"),
        "ipv6_cidr_block_network_border_group": A(S, "OC"),
        "ipv6_ipam_pool_id": A(S, "O"),
        "ipv6_netmask_length": A(N, "O"),
        "main_route_table_id": A(S, "C"),
        "owner_id": A(S, "C"),
        **TAGS}, version=1),
    "aws_subnet": RES({
        "arn": A(S, "C"),
        "assign_ipv6_address_on_creation": A(B, "O", False),
        "availability_zone": A(S, "OC"),
        "availability_zone_id": A(S, "OC"),
        "cidr_block": A(S, "O"),
        "customer_owned_ipv4_pool": A(S, "O"),
        "enable_dns64": A(B, "O", False),
        "enable_lni_at_device_index": A(N, "O"),
        "enable_resource_name_dns_a_record_on_launch": A(B, "O", False),
        "enable_resource_name_dns_aaaa_record_on_launch": A(B, "O", False),
        "id": A(S, "C"),
        "ipv4_ipam_pool_id": A(S, "O"),
        "ipv4_netmask_length": A(N, "O"),
        "ipv6_cidr_block": A(S, "OC"),
        "ipv6_cidr_block_association_id": A(S, "C"),
        "ipv6_ipam_pool_id": A(S, "O"),
        "ipv6_native": A(B, "O", False),
        "ipv6_netmask_length": A(N, "O"),
        "map_customer_owned_ip_on_launch": A(B, "O"),
        "map_public_ip_on_launch": A(B, "O", False),
        "outpost_arn": A(S, "O"),
        "owner_id": A(S, "C"),
        "private_dns_hostname_type_on_launch": A(S, "OC"),
        **TAGS,
        "vpc_id": A(S, "R")}, {"timeouts": TIMEOUTS("create", "delete")}, version=1),
    "aws_route_table": RES({
        "arn": A(S, "C"),
        "id": A(S, "C"),
        "owner_id": A(S, "C"),
        "propagating_vgws": A(SET_S, "OC"),
        "route": A(["set", ROUTE_OBJ], "OC"),
        **TAGS,
        "vpc_id": A(S, "R")}, {"timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_default_route_table": RES({
        "arn": A(S, "C"),
        "default_route_table_id": A(S, "R"),
        "id": A(S, "C"),
        "owner_id": A(S, "C"),
        "propagating_vgws": A(SET_S, "O"),
        "route": A(["set", DEFAULT_ROUTE_OBJ], "OC"),
        **TAGS,
        "vpc_id": A(S, "C")}, {"timeouts": TIMEOUTS("create", "update")}),
    "aws_route": RES({
        "carrier_gateway_id": A(S, "O"),
        "core_network_arn": A(S, "O"),
        "destination_cidr_block": A(S, "O"),
        "destination_ipv6_cidr_block": A(S, "O"),
        "destination_prefix_list_id": A(S, "O"),
        "egress_only_gateway_id": A(S, "O"),
        "gateway_id": A(S, "O"),
        "id": A(S, "C"),
        "instance_id": A(S, "C"),
        "instance_owner_id": A(S, "C"),
        "local_gateway_id": A(S, "O"),
        "nat_gateway_id": A(S, "O"),
        "network_interface_id": A(S, "OC"),
        "origin": A(S, "C"),
        "route_table_id": A(S, "R"),
        "state": A(S, "C"),
        "transit_gateway_id": A(S, "O"),
        "vpc_endpoint_id": A(S, "O"),
        "vpc_peering_connection_id": A(S, "O")}, {"timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_route_table_association": RES({
        "gateway_id": A(S, "O"),
        "id": A(S, "C"),
        "route_table_id": A(S, "R"),
        "subnet_id": A(S, "O")}, {"timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_main_route_table_association": RES({
        "id": A(S, "C"),
        "original_route_table_id": A(S, "C"),
        "route_table_id": A(S, "R"),
        "vpc_id": A(S, "R")}, {"timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_internet_gateway": RES({
        "arn": A(S, "C"),
        "id": A(S, "C"),
        "owner_id": A(S, "C"),
        **TAGS,
        "vpc_id": A(S, "O")}, {"timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_egress_only_internet_gateway": RES({
        "id": A(S, "C"),
        **TAGS,
        "vpc_id": A(S, "R")}),
    "aws_nat_gateway": RES({
        "allocation_id": A(S, "O"),
        "association_id": A(S, "C"),
        "auto_provision_zones": A(S, "C"),
        "auto_scaling_ips": A(S, "C"),
        "availability_mode": A(S, "OC"),
        "connectivity_type": A(S, "O", "public"),
        "id": A(S, "C"),
        "network_interface_id": A(S, "C"),
        "private_ip": A(S, "OC"),
        "public_ip": A(S, "C"),
        "regional_nat_gateway_address": A(["set", ["object", {
            "allocation_id": "string", "association_id": "string", "availability_zone": "string",
            "availability_zone_id": "string", "network_interface_id": "string", "public_ip": "string",
            "status": "string"}]], "C"),
        "regional_nat_gateway_auto_mode": A(S, "C"),
        "route_table_id": A(S, "C"),
        "secondary_allocation_ids": A(SET_S, "OC"),
        "secondary_private_ip_address_count": A(N, "OC"),
        "secondary_private_ip_addresses": A(SET_S, "OC"),
        "subnet_id": A(S, "O"),
        **TAGS,
        "vpc_id": A(S, "OC")}, {
        "availability_zone_address": BLK("set", {
            "allocation_ids": A(SET_S, "O"),
            "availability_zone": A(S, "O"),
            "availability_zone_id": A(S, "OC")}),
        "timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_eip": RES({
        "address": A(S, "O"),
        "allocation_id": A(S, "C"),
        "arn": A(S, "C"),
        "associate_with_private_ip": A(S, "O"),
        "association_id": A(S, "C"),
        "carrier_ip": A(S, "C"),
        "customer_owned_ip": A(S, "C"),
        "customer_owned_ipv4_pool": A(S, "O"),
        "domain": A(S, "OC"),
        "id": A(S, "C"),
        "instance": A(S, "OC"),
        "ipam_pool_id": A(S, "OC"),
        "network_border_group": A(S, "OC"),
        "network_interface": A(S, "OC"),
        "private_dns": A(S, "C"),
        "private_ip": A(S, "C"),
        "ptr_record": A(S, "C"),
        "public_dns": A(S, "C"),
        "public_ip": A(S, "OC"),
        "public_ipv4_pool": A(S, "OC"),
        **TAGS}, {"timeouts": TIMEOUTS("read", "update", "delete")}),
    "aws_vpc_endpoint": RES({
        "arn": A(S, "C"),
        "auto_accept": A(B, "O"),
        "cidr_blocks": A(LIST_S, "C"),
        "dns_entry": A(["list", ["object", {"dns_name": "string", "hosted_zone_id": "string"}]], "C"),
        "id": A(S, "C"),
        "ip_address_type": A(S, "OC"),
        "network_interface_ids": A(SET_S, "C"),
        "owner_id": A(S, "C"),
        "policy": A(S, "OC"),
        "prefix_list_id": A(S, "C"),
        "private_dns_enabled": A(B, "OC"),
        "requester_managed": A(B, "C"),
        "resource_configuration_arn": A(S, "O"),
        "route_table_ids": A(SET_S, "OC"),
        "security_group_ids": A(SET_S, "OC"),
        "service_name": A(S, "O"),
        "service_network_arn": A(S, "O"),
        "service_region": A(S, "OC"),
        "state": A(S, "C"),
        "subnet_ids": A(SET_S, "OC"),
        **TAGS,
        "vpc_endpoint_type": A(S, "O", "Gateway"),
        "vpc_id": A(S, "R")}, {
        "dns_options": BLK("list", {
            "dns_record_ip_type": A(S, "OC"),
            "private_dns_only_for_inbound_resolver_endpoint": A(B, "O"),
            "private_dns_preference": A(S, "OC"),
            "private_dns_specified_domains": A(SET_S, "OC")}, max_items=1, flags="OC"),
        "subnet_configuration": BLK("set", {
            "ipv4": A(S, "O"),
            "ipv6": A(S, "O"),
            "subnet_id": A(S, "O")}, flags="OC"),
        "timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_vpc_endpoint_route_table_association": RES({
        "id": A(S, "C"),
        "route_table_id": A(S, "R"),
        "vpc_endpoint_id": A(S, "R")}),
    "aws_vpc_endpoint_subnet_association": RES({
        "id": A(S, "C"),
        "subnet_id": A(S, "R"),
        "vpc_endpoint_id": A(S, "R")}, {"timeouts": TIMEOUTS("create", "delete")}),
    "aws_vpc_endpoint_security_group_association": RES({
        "id": A(S, "C"),
        "replace_default_association": A(B, "O"),
        "security_group_id": A(S, "R"),
        "vpc_endpoint_id": A(S, "R")}),
    "aws_vpc_endpoint_policy": RES({
        "id": A(S, "C"),
        "policy": A(S, "OC"),
        "vpc_endpoint_id": A(S, "R")}, {"timeouts": TIMEOUTS("create", "delete")}),
    # plugin-framework resource: no id attribute
    "aws_vpc_endpoint_private_dns": RES({
        "private_dns_enabled": A(B, "R"),
        "vpc_endpoint_id": A(S, "R")}, framework=True),
    "aws_vpc_endpoint_service": RES({
        "acceptance_required": A(B, "R"),
        "allowed_principals": A(SET_S, "OC"),
        "arn": A(S, "C"),
        "availability_zones": A(SET_S, "C"),
        "base_endpoint_dns_names": A(SET_S, "C"),
        "gateway_load_balancer_arns": A(SET_S, "O"),
        "id": A(S, "C"),
        "manages_vpc_endpoints": A(B, "C"),
        "network_load_balancer_arns": A(SET_S, "O"),
        "private_dns_name": A(S, "OC"),
        "private_dns_name_configuration": A(["list", ["object", {
            "name": "string", "state": "string", "type": "string", "value": "string"}]], "C"),
        "service_name": A(S, "C"),
        "service_type": A(S, "C"),
        "state": A(S, "C"),
        "supported_ip_address_types": A(SET_S, "OC"),
        "supported_regions": A(SET_S, "OC"),
        **TAGS}, {"timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_vpc_endpoint_service_allowed_principal": RES({
        "id": A(S, "C"),
        "principal_arn": A(S, "R"),
        "vpc_endpoint_service_id": A(S, "R")}),
    "aws_vpc_ipv4_cidr_block_association": RES({
        "cidr_block": A(S, "OC"),
        "id": A(S, "C"),
        "ipv4_ipam_pool_id": A(S, "O"),
        "ipv4_netmask_length": A(N, "O"),
        "vpc_id": A(S, "R")}, {"timeouts": TIMEOUTS("create", "delete")}),
    "aws_security_group": RES({
        "arn": A(S, "C"),
        "description": A(S, "O", "Managed by Terraform"),
        "egress": A(["set", SG_RULE_OBJ], "OC"),
        "id": A(S, "C"),
        "ingress": A(["set", SG_RULE_OBJ], "OC"),
        "name": A(S, "OC"),
        "name_prefix": A(S, "OC"),
        "owner_id": A(S, "C"),
        "revoke_rules_on_delete": A(B, "O", False),
        **TAGS,
        "vpc_id": A(S, "OC")}, {"timeouts": TIMEOUTS("create", "delete")}, version=1),
    "aws_security_group_rule": RES({
        "cidr_blocks": A(LIST_S, "O"),
        "description": A(S, "O"),
        "from_port": A(N, "R"),
        "id": A(S, "C"),
        "ipv6_cidr_blocks": A(LIST_S, "O"),
        "prefix_list_ids": A(LIST_S, "O"),
        "protocol": A(S, "R"),
        "security_group_id": A(S, "R"),
        "security_group_rule_id": A(S, "C"),
        "self": A(B, "O", False),
        "source_security_group_id": A(S, "OC"),
        "to_port": A(N, "R"),
        "type": A(S, "R")}, {"timeouts": TIMEOUTS("create")}, version=2),
    "aws_vpc_security_group_ingress_rule": RES({
        "arn": A(S, "C"),
        "cidr_ipv4": A(S, "O"),
        "cidr_ipv6": A(S, "O"),
        "description": A(S, "O"),
        "from_port": A(N, "O"),
        "id": A(S, "C"),
        "ip_protocol": A(S, "R"),
        "prefix_list_id": A(S, "O"),
        "referenced_security_group_id": A(S, "O"),
        "security_group_id": A(S, "R"),
        "security_group_rule_id": A(S, "C"),
        **TAGS,
        "to_port": A(N, "O")}, framework=True),
    "aws_vpc_security_group_egress_rule": RES({
        "arn": A(S, "C"),
        "cidr_ipv4": A(S, "O"),
        "cidr_ipv6": A(S, "O"),
        "description": A(S, "O"),
        "from_port": A(N, "O"),
        "id": A(S, "C"),
        "ip_protocol": A(S, "R"),
        "prefix_list_id": A(S, "O"),
        "referenced_security_group_id": A(S, "O"),
        "security_group_id": A(S, "R"),
        "security_group_rule_id": A(S, "C"),
        **TAGS,
        "to_port": A(N, "O")}, framework=True),
    "aws_instance": RES({
        "ami": A(S, "OC"),
        "arn": A(S, "C"),
        "associate_public_ip_address": A(B, "OC"),
        "availability_zone": A(S, "OC"),
        "disable_api_stop": A(B, "OC"),
        "disable_api_termination": A(B, "OC"),
        "ebs_optimized": A(B, "OC"),
        "get_password_data": A(B, "O", False),
        "hibernation": A(B, "O"),
        "host_id": A(S, "OC"),
        "iam_instance_profile": A(S, "OC"),
        "id": A(S, "C"),
        "instance_initiated_shutdown_behavior": A(S, "OC"),
        "instance_lifecycle": A(S, "C"),
        "instance_state": A(S, "C"),
        "instance_type": A(S, "OC"),
        "ipv6_address_count": A(N, "OC"),
        "ipv6_addresses": A(LIST_S, "OC"),
        "key_name": A(S, "OC"),
        "monitoring": A(B, "OC"),
        "outpost_arn": A(S, "C"),
        "password_data": A(S, "C"),
        "placement_group": A(S, "OC"),
        "primary_network_interface_id": A(S, "C"),
        "private_dns": A(S, "C"),
        "private_ip": A(S, "OC"),
        "public_dns": A(S, "C"),
        "public_ip": A(S, "C"),
        "secondary_private_ips": A(SET_S, "OC"),
        "security_groups": A(SET_S, "OC"),
        "source_dest_check": A(B, "O", True),
        "subnet_id": A(S, "OC"),
        **TAGS,
        "tenancy": A(S, "OC"),
        "user_data": A(S, "OC"),
        "user_data_base64": A(S, "OC"),
        "user_data_replace_on_change": A(B, "O", False),
        "vpc_security_group_ids": A(SET_S, "OC")}, {
        "metadata_options": BLK("list", {
            "http_endpoint": A(S, "OC"),
            "http_protocol_ipv6": A(S, "OC"),
            "http_put_response_hop_limit": A(N, "OC"),
            "http_tokens": A(S, "OC"),
            "instance_metadata_tags": A(S, "OC")}, max_items=1, flags="OC"),
        "root_block_device": BLK("list", {
            "delete_on_termination": A(B, "O", True),
            "device_name": A(S, "C"),
            "encrypted": A(B, "OC"),
            "iops": A(N, "OC"),
            "kms_key_id": A(S, "OC"),
            "tags": A(MAP_S, "O"),
            "throughput": A(N, "OC"),
            "volume_id": A(S, "C"),
            "volume_size": A(N, "OC"),
            "volume_type": A(S, "OC")}, max_items=1, flags="OC"),
        "timeouts": TIMEOUTS("create", "read", "update", "delete")}, version=2),
    "aws_ecs_cluster": RES({
        "arn": A(S, "C"),
        "id": A(S, "C"),
        "name": A(S, "R"),
        **TAGS}, {
        "setting": BLK("set", {"name": A(S, "R"), "value": A(S, "R")}, flags="OC"),
        "service_connect_defaults": BLK("list", {"namespace": A(S, "R")}, max_items=1)}),
    "aws_ecs_task_definition": RES({
        "arn": A(S, "C"),
        "arn_without_revision": A(S, "C"),
        "container_definitions": A(S, "R"),
        "cpu": A(S, "O"),
        "enable_fault_injection": A(B, "OC"),
        "execution_role_arn": A(S, "O"),
        "family": A(S, "R"),
        "id": A(S, "C"),
        "ipc_mode": A(S, "O"),
        "memory": A(S, "O"),
        "network_mode": A(S, "OC"),
        "pid_mode": A(S, "O"),
        "requires_compatibilities": A(SET_S, "O"),
        "revision": A(N, "C"),
        "skip_destroy": A(B, "O", False),
        **TAGS,
        "task_role_arn": A(S, "O"),
        "track_latest": A(B, "O", False)}, {
        "runtime_platform": BLK("list", {
            "cpu_architecture": A(S, "O"),
            "operating_system_family": A(S, "O")}, max_items=1),
        "volume": BLK("set", {
            "configure_at_launch": A(B, "O"),
            "host_path": A(S, "O"),
            "name": A(S, "R")})}, version=1),
    "aws_ecs_service": RES({
        "arn": A(S, "C"),
        "availability_zone_rebalancing": A(S, "OC"),
        "cluster": A(S, "OC"),
        "deployment_maximum_percent": A(N, "O", 200),
        "deployment_minimum_healthy_percent": A(N, "O", 100),
        "desired_count": A(N, "O"),
        "enable_ecs_managed_tags": A(B, "O", False),
        "enable_execute_command": A(B, "O", False),
        "force_delete": A(B, "O"),
        "force_new_deployment": A(B, "O"),
        "health_check_grace_period_seconds": A(N, "O"),
        "iam_role": A(S, "OC"),
        "id": A(S, "C"),
        "launch_type": A(S, "OC"),
        "name": A(S, "R"),
        "platform_version": A(S, "OC"),
        "propagate_tags": A(S, "O"),
        "scheduling_strategy": A(S, "O", "REPLICA"),
        **TAGS,
        "task_definition": A(S, "O"),
        "triggers": A(MAP_S, "OC"),
        "wait_for_steady_state": A(B, "O", False)}, {
        "deployment_circuit_breaker": BLK("list", {
            "enable": A(B, "R"),
            "rollback": A(B, "R")}, max_items=1),
        "load_balancer": BLK("set", {
            "container_name": A(S, "R"),
            "container_port": A(N, "R"),
            "elb_name": A(S, "O"),
            "target_group_arn": A(S, "O")}),
        "network_configuration": BLK("list", {
            "assign_public_ip": A(B, "O", False),
            "security_groups": A(SET_S, "O"),
            "subnets": A(SET_S, "R")}, max_items=1),
        "timeouts": TIMEOUTS("create", "update", "delete")}, version=1),
    "aws_lambda_function": RES({
        "architectures": A(LIST_S, "OC"),
        "arn": A(S, "C"),
        "code_sha256": A(S, "C"),
        "description": A(S, "O"),
        "filename": A(S, "O"),
        "function_name": A(S, "R"),
        "handler": A(S, "O"),
        "id": A(S, "C"),
        "image_uri": A(S, "O"),
        "invoke_arn": A(S, "C"),
        "kms_key_arn": A(S, "O"),
        "last_modified": A(S, "C"),
        "layers": A(LIST_S, "O"),
        "memory_size": A(N, "O", 128),
        "package_type": A(S, "O", "Zip"),
        "publish": A(B, "O", False),
        "qualified_arn": A(S, "C"),
        "qualified_invoke_arn": A(S, "C"),
        "reserved_concurrent_executions": A(N, "O", -1),
        "role": A(S, "R"),
        "runtime": A(S, "O"),
        "s3_bucket": A(S, "O"),
        "s3_key": A(S, "O"),
        "signing_job_arn": A(S, "C"),
        "signing_profile_version_arn": A(S, "C"),
        "skip_destroy": A(B, "O", False),
        "source_code_hash": A(S, "OC"),
        "source_code_size": A(N, "C"),
        **TAGS,
        "timeout": A(N, "O", 3),
        "version": A(S, "C")}, {
        "environment": BLK("list", {"variables": A(MAP_S, "O")}, max_items=1),
        "vpc_config": BLK("list", {
            "ipv6_allowed_for_dual_stack": A(B, "O", False),
            "security_group_ids": A(SET_S, "R"),
            "subnet_ids": A(SET_S, "R"),
            "vpc_id": A(S, "C")}, max_items=1),
        "timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_eks_cluster": RES({
        "arn": A(S, "C"),
        "bootstrap_self_managed_addons": A(B, "O", True),
        "certificate_authority": A(["list", ["object", {"data": "string"}]], "C"),
        "cluster_id": A(S, "C"),
        "created_at": A(S, "C"),
        "deletion_protection": A(B, "OC"),
        "enabled_cluster_log_types": A(SET_S, "O"),
        "endpoint": A(S, "C"),
        "force_update_version": A(B, "O"),
        "id": A(S, "C"),
        "identity": A(["list", ["object", {"oidc": ["list", ["object", {"issuer": "string"}]]}]], "C"),
        "name": A(S, "R"),
        "platform_version": A(S, "C"),
        "role_arn": A(S, "R"),
        "status": A(S, "C"),
        **TAGS,
        "version": A(S, "OC")}, {
        "access_config": BLK("list", {
            "authentication_mode": A(S, "OC"),
            "bootstrap_cluster_creator_admin_permissions": A(B, "OC")}, max_items=1, flags="OC"),
        "kubernetes_network_config": BLK("list", {
            "ip_family": A(S, "OC"),
            "service_ipv4_cidr": A(S, "OC"),
            "service_ipv6_cidr": A(S, "C")}, max_items=1, flags="OC"),
        "vpc_config": BLK("list", {
            "cluster_security_group_id": A(S, "C"),
            "endpoint_private_access": A(B, "O", False),
            "endpoint_public_access": A(B, "O", True),
            "public_access_cidrs": A(SET_S, "OC"),
            "security_group_ids": A(SET_S, "O"),
            "subnet_ids": A(SET_S, "R"),
            "vpc_id": A(S, "C")}, min_items=1, max_items=1),
        "timeouts": TIMEOUTS("create", "update", "delete")}, version=1),
    "aws_eks_node_group": RES({
        "ami_type": A(S, "OC"),
        "arn": A(S, "C"),
        "capacity_type": A(S, "OC"),
        "cluster_name": A(S, "R"),
        "disk_size": A(N, "OC"),
        "force_update_version": A(B, "O"),
        "id": A(S, "C"),
        "instance_types": A(LIST_S, "OC"),
        "labels": A(MAP_S, "O"),
        "node_group_name": A(S, "OC"),
        "node_group_name_prefix": A(S, "OC"),
        "node_role_arn": A(S, "R"),
        "release_version": A(S, "OC"),
        "resources": A(["list", ["object", {
            "autoscaling_groups": ["list", ["object", {"name": "string"}]],
            "remote_access_security_group_id": "string"}]], "C"),
        "status": A(S, "C"),
        "subnet_ids": A(SET_S, "R"),
        **TAGS,
        "version": A(S, "OC")}, {
        "scaling_config": BLK("list", {
            "desired_size": A(N, "R"),
            "max_size": A(N, "R"),
            "min_size": A(N, "R")}, min_items=1, max_items=1),
        "update_config": BLK("list", {
            "max_unavailable": A(N, "O"),
            "max_unavailable_percentage": A(N, "O")}, max_items=1, flags="OC"),
        "timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_dynamodb_table": RES({
        "arn": A(S, "C"),
        "billing_mode": A(S, "O", "PROVISIONED"),
        "deletion_protection_enabled": A(B, "O"),
        "hash_key": A(S, "OC"),
        "id": A(S, "C"),
        "name": A(S, "R"),
        "range_key": A(S, "O"),
        "read_capacity": A(N, "OC"),
        "restore_date_time": A(S, "O"),
        "restore_source_name": A(S, "O"),
        "restore_to_latest_time": A(B, "O"),
        "stream_arn": A(S, "C"),
        "stream_enabled": A(B, "O"),
        "stream_label": A(S, "C"),
        "stream_view_type": A(S, "OC"),
        "table_class": A(S, "O", "STANDARD"),
        **TAGS,
        "write_capacity": A(N, "OC")}, {
        "attribute": BLK("set", {"name": A(S, "R"), "type": A(S, "R")}),
        "point_in_time_recovery": BLK("list", {
            "enabled": A(B, "R"),
            "recovery_period_in_days": A(N, "OC")}, max_items=1, flags="OC"),
        "server_side_encryption": BLK("list", {
            "enabled": A(B, "R"),
            "kms_key_arn": A(S, "OC")}, max_items=1, flags="OC"),
        "ttl": BLK("list", {
            "attribute_name": A(S, "O"),
            "enabled": A(B, "O")}, max_items=1, flags="OC"),
        "timeouts": TIMEOUTS("create", "update", "delete")}, version=1),
    "aws_s3_bucket": RES({
        "acceleration_status": A(S, "OC"),
        "acl": A(S, "O"),
        "arn": A(S, "C"),
        "bucket": A(S, "OC"),
        "bucket_domain_name": A(S, "C"),
        "bucket_prefix": A(S, "OC"),
        "bucket_region": A(S, "C"),
        "bucket_regional_domain_name": A(S, "C"),
        "force_destroy": A(B, "O", False),
        "hosted_zone_id": A(S, "C"),
        "id": A(S, "C"),
        "object_lock_enabled": A(B, "OC"),
        "policy": A(S, "OC"),
        "request_payer": A(S, "OC"),
        **TAGS,
        "website_domain": A(S, "C"),
        "website_endpoint": A(S, "C")}, {
        "timeouts": TIMEOUTS("create", "read", "update", "delete")}),
    "aws_lb": RES({
        "arn": A(S, "C"),
        "arn_suffix": A(S, "C"),
        "client_keep_alive": A(N, "O", 3600),
        "desync_mitigation_mode": A(S, "O", "defensive"),
        "dns_name": A(S, "C"),
        "drop_invalid_header_fields": A(B, "O", False),
        "enable_cross_zone_load_balancing": A(B, "OC"),
        "enable_deletion_protection": A(B, "O", False),
        "enable_http2": A(B, "O", True),
        "id": A(S, "C"),
        "idle_timeout": A(N, "O", 60),
        "internal": A(B, "OC"),
        "ip_address_type": A(S, "OC"),
        "load_balancer_type": A(S, "O", "application"),
        "name": A(S, "OC"),
        "name_prefix": A(S, "OC"),
        "preserve_host_header": A(B, "O", False),
        "security_groups": A(SET_S, "OC"),
        "subnets": A(SET_S, "OC"),
        **TAGS,
        "vpc_id": A(S, "C"),
        "xff_header_processing_mode": A(S, "O", "append"),
        "zone_id": A(S, "C")}, {
        "access_logs": BLK("list", {
            "bucket": A(S, "R"),
            "enabled": A(B, "O", False),
            "prefix": A(S, "O")}, max_items=1),
        "subnet_mapping": BLK("set", {
            "allocation_id": A(S, "O"),
            "ipv6_address": A(S, "O"),
            "outpost_id": A(S, "C"),
            "private_ipv4_address": A(S, "O"),
            "subnet_id": A(S, "R")}, flags="OC"),
        "timeouts": TIMEOUTS("create", "update", "delete")}),
    "aws_db_instance": RES({
        "address": A(S, "C"),
        "allocated_storage": A(N, "OC"),
        "apply_immediately": A(B, "O"),
        "arn": A(S, "C"),
        "auto_minor_version_upgrade": A(B, "O", True),
        "availability_zone": A(S, "OC"),
        "backup_retention_period": A(N, "OC"),
        "backup_window": A(S, "OC"),
        "copy_tags_to_snapshot": A(B, "O", False),
        "db_name": A(S, "OC"),
        "db_subnet_group_name": A(S, "OC"),
        "delete_automated_backups": A(B, "O", True),
        "deletion_protection": A(B, "O"),
        "endpoint": A(S, "C"),
        "engine": A(S, "OC"),
        "engine_version": A(S, "OC"),
        "engine_version_actual": A(S, "C"),
        "final_snapshot_identifier": A(S, "O"),
        "hosted_zone_id": A(S, "C"),
        "id": A(S, "C"),
        "identifier": A(S, "OC"),
        "identifier_prefix": A(S, "OC"),
        "instance_class": A(S, "R"),
        "kms_key_id": A(S, "OC"),
        "maintenance_window": A(S, "OC"),
        "multi_az": A(B, "OC"),
        "password": A(S, "O", sensitive=True),
        "port": A(N, "OC"),
        "publicly_accessible": A(B, "O", False),
        "resource_id": A(S, "C"),
        "skip_final_snapshot": A(B, "O", False),
        "status": A(S, "C"),
        "storage_encrypted": A(B, "O"),
        "storage_type": A(S, "OC"),
        **TAGS,
        "username": A(S, "OC"),
        "vpc_security_group_ids": A(SET_S, "OC")}, {
        "timeouts": TIMEOUTS("create", "update", "delete")}, version=2),
    "aws_db_subnet_group": RES({
        "arn": A(S, "C"),
        "description": A(S, "O", "Managed by Terraform"),
        "id": A(S, "C"),
        "name": A(S, "OC"),
        "name_prefix": A(S, "OC"),
        "subnet_ids": A(SET_S, "R"),
        "supported_network_types": A(SET_S, "C"),
        **TAGS,
        "vpc_id": A(S, "C")}),
}


def DATA(attrs, blocks=None):
    return {"version": 0, "attrs": {**attrs, **REGION}, "blocks": blocks or {}, "framework": False}


DATA_SOURCES = {
    "aws_vpc": DATA({
        "arn": A(S, "C"),
        "cidr_block": A(S, "OC"),
        "cidr_block_associations": A(["list", ["object", {
            "association_id": "string", "cidr_block": "string", "state": "string"}]], "C"),
        "default": A(B, "OC"),
        "dhcp_options_id": A(S, "OC"),
        "enable_dns_hostnames": A(B, "C"),
        "enable_dns_support": A(B, "C"),
        "enable_network_address_usage_metrics": A(B, "C"),
        "id": A(S, "OC"),
        "instance_tenancy": A(S, "C"),
        "ipv6_association_id": A(S, "C"),
        "ipv6_cidr_block": A(S, "C"),
        "main_route_table_id": A(S, "C"),
        "owner_id": A(S, "C"),
        "state": A(S, "OC"),
        "tags": A(MAP_S, "OC")}, {"timeouts": TIMEOUTS("read")}),
    "aws_subnet": DATA({
        "arn": A(S, "C"),
        "assign_ipv6_address_on_creation": A(B, "C"),
        "availability_zone": A(S, "OC"),
        "availability_zone_id": A(S, "OC"),
        "available_ip_address_count": A(N, "C"),
        "cidr_block": A(S, "OC"),
        "customer_owned_ipv4_pool": A(S, "C"),
        "default_for_az": A(B, "OC"),
        "enable_dns64": A(B, "C"),
        "id": A(S, "OC"),
        "ipv6_cidr_block": A(S, "OC"),
        "ipv6_cidr_block_association_id": A(S, "C"),
        "ipv6_native": A(B, "C"),
        "map_customer_owned_ip_on_launch": A(B, "C"),
        "map_public_ip_on_launch": A(B, "C"),
        "outpost_arn": A(S, "C"),
        "owner_id": A(S, "C"),
        "private_dns_hostname_type_on_launch": A(S, "C"),
        "state": A(S, "OC"),
        "tags": A(MAP_S, "OC"),
        "vpc_id": A(S, "OC")}, {"timeouts": TIMEOUTS("read")}),
    "aws_dynamodb_table": DATA({
        "arn": A(S, "C"),
        "billing_mode": A(S, "C"),
        "deletion_protection_enabled": A(B, "C"),
        "hash_key": A(S, "C"),
        "id": A(S, "C"),
        "name": A(S, "R"),
        "range_key": A(S, "C"),
        "read_capacity": A(N, "C"),
        "stream_arn": A(S, "C"),
        "stream_enabled": A(B, "C"),
        "stream_label": A(S, "C"),
        "stream_view_type": A(S, "C"),
        "table_class": A(S, "C"),
        "tags": A(MAP_S, "OC"),
        "write_capacity": A(N, "C")}),
}

PROVIDER_SCHEMA = {"version": 0, "attrs": {"region": A(S, "O")}, "blocks": {}}


# ---------------------------------------------------------------- existing infrastructure

def zone(letter):
    return STATE["region"] + letter


DIRECTIONS = {"north": "n", "south": "s", "east": "e", "west": "w", "central": "c", "northeast": "ne",
              "northwest": "nw", "southeast": "se", "southwest": "sw"}


def zone_id(letter):
    """Zone id in AWS's form: eu-west-1 -> euw1-az1, ap-northeast-1 -> apne1-az1."""
    parts = STATE["region"].split("-")
    prefix = parts[0] + "".join(DIRECTIONS.get(p, p[:1]) for p in parts[1:-1]) + parts[-1]
    return "%s-az%d" % (prefix, ord(letter) - ord("a") + 1)


def data_vpcs():
    return [{"id": "vpc-0a1b2c3d4e5f67890", "cidr_block": "10.20.0.0/16",
             "main_route_table_id": "rtb-0f1e2d3c4b5a69788", "dhcp_options_id": "dopt-0123456789abcdef0",
             "enable_dns_support": True, "enable_dns_hostnames": True, "instance_tenancy": "default",
             "tags": {"Name": "shared"}}]


def data_subnets():
    return [
        {"id": "subnet-0aa11bb22cc33dd44", "vpc_id": "vpc-0a1b2c3d4e5f67890", "cidr_block": "10.20.1.0/24",
         "availability_zone": zone("a"), "availability_zone_id": zone_id("a"),
         "tags": {"Name": "shared-private-a"}},
        {"id": "subnet-0ee55ff66aa77bb88", "vpc_id": "vpc-0a1b2c3d4e5f67890", "cidr_block": "10.20.2.0/24",
         "availability_zone": zone("b"), "availability_zone_id": zone_id("b"),
         "tags": {"Name": "shared-private-b"}},
    ]


REGISTRY = os.environ.get("FAKEAWS_REGISTRY", "/tmp/fakeaws-registry.json")


def _load_registry():
    try:
        with open(REGISTRY) as f:
            return json.load(f)
    except FileNotFoundError:
        return {"counter": 0, "default_rtb_to_vpc": {}}


def _save_registry(r):
    with open(REGISTRY, "w") as f:
        json.dump(r, f)


def new_id(prefix, reg):
    reg["counter"] += 1
    seed = os.environ.get("FAKEAWS_SEED", "vpclint")
    h = hashlib.sha256(f"{seed}:{prefix}:{reg['counter']}".encode()).hexdigest()
    return f"{prefix}-0{h[:16]}"


# ---------------------------------------------------------------- msgpack helpers

def ext_hook(code, data):
    if code in (0, 12):
        return UNKNOWN
    return msgpack.ExtType(code, data)


def unpack(dv):
    if not dv.msgpack:
        if dv.json:
            return json.loads(dv.json)
        return None
    return msgpack.unpackb(dv.msgpack, ext_hook=ext_hook, raw=False, strict_map_key=False)


def _default(o):
    if o is UNKNOWN:
        return msgpack.ExtType(0, b"\x00")
    raise TypeError(repr(o))


def pack(v):
    return pb.DynamicValue(msgpack=msgpack.packb(v, default=_default, use_bin_type=True))


def type_json(t):
    return json.dumps(t).encode()


NESTING = {"single": pb.Schema.NestedBlock.SINGLE, "list": pb.Schema.NestedBlock.LIST,
           "set": pb.Schema.NestedBlock.SET}


def block_pb(s, version=0):
    blk = pb.Schema.Block(version=version)
    for name in sorted(s["attrs"]):
        a = s["attrs"][name]
        f = a["flags"]
        blk.attributes.append(pb.Schema.Attribute(
            name=name, type=type_json(a["type"]), required=(f == "R"), optional=("O" in f),
            computed=("C" in f), sensitive=a["sensitive"]))
    for bname in sorted(s["blocks"]):
        b = s["blocks"][bname]
        blk.block_types.append(pb.Schema.NestedBlock(
            type_name=bname, block=block_pb(b), nesting=NESTING[b["nesting"]],
            min_items=b["min"], max_items=b["max"]))
    return blk


def schema_pb(s):
    return pb.Schema(version=s.get("version", 0), block=block_pb(s, s.get("version", 0)))


# ---------------------------------------------------------------- planning

def has_unknown(v):
    if v is UNKNOWN:
        return True
    if isinstance(v, dict):
        return any(has_unknown(x) for x in v.values())
    if isinstance(v, list):
        return any(has_unknown(x) for x in v)
    return False


def zero(typ):
    if typ == "string":
        return ""
    if typ == "number":
        return 0
    if typ == "bool":
        return False
    if isinstance(typ, list) and typ[0] in ("list", "set"):
        return []
    if isinstance(typ, list) and typ[0] == "map":
        return {}
    return None


def sdk_value(v, typ, fill_zero=False):
    """SDKv2 shaping of a planned value: sets of primitives with an unknown element become wholly
    unknown; inside attributes-as-blocks objects, null fields become zero values."""
    if v is None or v is UNKNOWN or not isinstance(typ, list):
        return v
    kind = typ[0]
    if kind in ("set", "list"):
        elem = typ[1]
        if kind == "set" and not isinstance(elem, list) and has_unknown(v):
            return UNKNOWN
        return [sdk_value(x, elem, fill_zero) for x in v]
    if kind == "object":
        out = {}
        for k, t in typ[1].items():
            x = v.get(k)
            if x is None and fill_zero:
                x = zero(t)
            out[k] = sdk_value(x, t, fill_zero)
        return out
    return v


def is_zero(v):
    return v in ("", 0, False) and v is not None and not isinstance(v, list)


def plan_block(s, prior, proposed, config, sdk, top=False):
    if proposed is None or proposed is UNKNOWN:
        return proposed
    planned = dict(proposed)
    for name, a in s["attrs"].items():
        f = a["flags"]
        cfg = config.get(name) if isinstance(config, dict) else None
        if cfg is None:
            if top and name == "region":
                planned[name] = prior.get(name) if prior and prior.get(name) else STATE["region"]
            elif a["default"] is not None:
                planned[name] = a["default"]
            elif "C" in f:
                if prior is None or prior.get(name) is None:
                    planned[name] = UNKNOWN
                else:
                    planned[name] = prior[name]
            elif sdk and prior is not None and is_zero(prior.get(name)):
                # SDKv2 sees no difference between unset and the zero value it read back
                planned[name] = prior[name]
        if sdk:
            attr_as_blocks = isinstance(a["type"], list) and a["type"][0] == "set" \
                and isinstance(a["type"][1], list) and a["type"][1][0] == "object" and "O" in f
            planned[name] = sdk_value(planned.get(name), a["type"], fill_zero=attr_as_blocks)
    for bname, b in s["blocks"].items():
        pv = proposed.get(bname)
        cv = config.get(bname) if isinstance(config, dict) else None
        pr = prior.get(bname) if isinstance(prior, dict) else None
        if b["nesting"] == "single":
            planned[bname] = pv
            continue
        if cv is UNKNOWN or pv is UNKNOWN:
            planned[bname] = pv
            continue
        if not cv:
            if "C" in b["flags"]:
                planned[bname] = pr if pr else (UNKNOWN if prior is None else pv)
            else:
                planned[bname] = pv
            continue
        elems = []
        for i, pe in enumerate(pv or []):
            ce = cv[i] if i < len(cv) else pe
            pre = pr[i] if isinstance(pr, list) and i < len(pr) else None
            elems.append(plan_block(b, pre, pe, ce, sdk))
        planned[bname] = elems
    if top and "tags_all" in s["attrs"] and (prior is None or "tags" in (config or {})):
        tags = planned.get("tags")
        if tags is None:
            planned["tags_all"] = UNKNOWN if prior is None else planned.get("tags_all")
        elif not has_unknown(tags):
            planned["tags_all"] = dict(tags)
        else:
            planned["tags_all"] = UNKNOWN
    return planned


def normalize(v, s):
    """Make sure an object value has every attribute and block of its schema."""
    if v is None or v is UNKNOWN:
        return v
    out = {}
    for name in s["attrs"]:
        out[name] = v.get(name)
    for bname, b in s["blocks"].items():
        bv = v.get(bname)
        if isinstance(bv, dict):
            bv = normalize(bv, b)
        elif isinstance(bv, list):
            bv = [normalize(x, b) if isinstance(x, dict) else x for x in bv]
        out[bname] = bv
    return out


# ---------------------------------------------------------------- apply (state fixtures)

ZERO_KEEP_NULL = {
    "aws_vpc": {"ipv4_ipam_pool_id", "ipv4_netmask_length", "ipv6_ipam_pool_id", "ipv6_netmask_length"},
    "aws_subnet": {"ipv4_ipam_pool_id", "ipv4_netmask_length", "ipv6_ipam_pool_id", "ipv6_netmask_length",
                   "enable_lni_at_device_index", "map_customer_owned_ip_on_launch"},
    "aws_eip": {"address", "associate_with_private_ip"},
    "aws_vpc_endpoint": {"auto_accept", "resource_configuration_arn", "service_network_arn"},
}

ID_PREFIX = {
    "aws_vpc": "vpc", "aws_subnet": "subnet", "aws_route_table": "rtb", "aws_internet_gateway": "igw",
    "aws_egress_only_internet_gateway": "eigw", "aws_nat_gateway": "nat", "aws_eip": "eipalloc",
    "aws_vpc_endpoint": "vpce", "aws_route_table_association": "rtbassoc",
    "aws_main_route_table_association": "rtbassoc", "aws_security_group": "sg",
    "aws_security_group_rule": "sgrule", "aws_vpc_security_group_ingress_rule": "sgr",
    "aws_vpc_security_group_egress_rule": "sgr", "aws_vpc_endpoint_service": "vpce-svc",
    "aws_instance": "i", "aws_vpc_endpoint_subnet_association": "a",
    "aws_vpc_endpoint_security_group_association": "a", "aws_vpc_endpoint_policy": "vpce",
    "aws_vpc_endpoint_service_allowed_principal": "vpce-svc-perm",
}
ARN_KIND = {"aws_vpc": "vpc", "aws_subnet": "subnet", "aws_route_table": "route-table",
            "aws_default_route_table": "route-table", "aws_internet_gateway": "internet-gateway",
            "aws_eip": "elastic-ip", "aws_vpc_endpoint": "vpc-endpoint", "aws_security_group": "security-group",
            "aws_nat_gateway": "natgateway", "aws_instance": "instance",
            "aws_vpc_endpoint_service": "vpc-endpoint-service",
            "aws_vpc_security_group_ingress_rule": "security-group-rule",
            "aws_vpc_security_group_egress_rule": "security-group-rule"}


def fill(type_name, planned, reg):
    s = RESOURCES[type_name]
    v = copy.deepcopy(planned)
    region = STATE["region"]
    if v.get("id") is UNKNOWN:
        if type_name == "aws_route":
            dest = v.get("destination_cidr_block") or v.get("destination_ipv6_cidr_block") \
                or v.get("destination_prefix_list_id")
            h = hashlib.sha256(f"{v['route_table_id']}:{dest}".encode()).hexdigest()
            v["id"] = "r-%s%s" % (v["route_table_id"], int(h[:8], 16) % 10**10)
        elif type_name == "aws_default_route_table":
            v["id"] = v["default_route_table_id"]
        elif type_name == "aws_vpc_endpoint_route_table_association":
            h = hashlib.sha256(f"{v['vpc_endpoint_id']}:{v['route_table_id']}".encode()).hexdigest()
            v["id"] = "a-%s%s" % (v["vpc_endpoint_id"], int(h[:8], 16) % 10**10)
        elif type_name in ("aws_ecs_cluster", "aws_ecs_service", "aws_ecs_task_definition", "aws_lambda_function",
                           "aws_eks_cluster", "aws_dynamodb_table", "aws_s3_bucket", "aws_lb",
                           "aws_db_instance", "aws_db_subnet_group", "aws_eks_node_group"):
            v["id"] = v.get("name") or v.get("function_name") or v.get("family") or v.get("bucket") \
                or v.get("identifier") or new_id("x", reg)
        else:
            v["id"] = new_id(ID_PREFIX.get(type_name, "x"), reg)
    rid = v["id"]
    if not s["framework"]:
        keep_null = ZERO_KEEP_NULL.get(type_name, set())
        for name, a in s["attrs"].items():
            if a["flags"] == "O" and v.get(name) is None and name not in keep_null and a["type"] in (S, N, B):
                v[name] = zero(a["type"])
    if type_name == "aws_subnet":
        reg.setdefault("subnet_to_vpc", {})[rid] = v["vpc_id"]
    kind = ARN_KIND.get(type_name, "x")
    for name, a in s["attrs"].items():
        if v.get(name) is not UNKNOWN:
            continue
        typ = a["type"]
        if name == "arn":
            v[name] = f"arn:aws:ec2:{region}:{ACCOUNT}:{kind}/{rid}"
        elif name == "owner_id":
            v[name] = ACCOUNT
        elif name in ("default_route_table_id", "main_route_table_id"):
            if "_main_rtb" not in v:
                v["_main_rtb"] = new_id("rtb", reg)
                reg["default_rtb_to_vpc"][v["_main_rtb"]] = rid
            v[name] = v["_main_rtb"]
        elif name == "default_network_acl_id":
            v[name] = new_id("acl", reg)
        elif name == "default_security_group_id":
            v[name] = new_id("sg", reg)
        elif name == "dhcp_options_id":
            v[name] = "dopt-0123456789abcdef0"
        elif name == "availability_zone":
            v[name] = zone("a")
        elif name == "availability_zone_id":
            az = v.get("availability_zone") or zone("a")
            v[name] = zone_id(az[-1])
        elif name == "private_dns_hostname_type_on_launch":
            v[name] = "ip-name"
        elif name == "enable_dns_hostnames":
            v[name] = False
        elif name == "availability_mode":
            v[name] = "zonal"
        elif name == "private_dns_enabled":
            v[name] = False
        elif name == "allocation_id":
            v[name] = rid
        elif type_name == "aws_eip" and name in ("association_id", "private_ip"):
            v[name] = ""
        elif name == "association_id":
            v[name] = new_id("eipassoc", reg)
        elif name == "network_interface_id" and type_name == "aws_nat_gateway":
            v[name] = new_id("eni", reg)
        elif name == "private_ip":
            v[name] = "10.0.%d.%d" % (reg["counter"] % 250, 10 + reg["counter"] % 200)
        elif name == "public_ip":
            v[name] = "54.%d.%d.%d" % (reg["counter"] % 250, 7, 10 + reg["counter"] % 200)
        elif name == "domain":
            v[name] = "vpc"
        elif name == "network_border_group":
            v[name] = region
        elif name == "public_ipv4_pool":
            v[name] = "amazon"
        elif name == "origin":
            v[name] = "CreateRoute"
        elif name == "state":
            v[name] = "active" if type_name == "aws_route" else "available"
        elif name == "prefix_list_id":
            v[name] = "pl-6da54004" if v.get("vpc_endpoint_type") == "Gateway" else ""
        elif name == "policy" and type_name == "aws_vpc_endpoint":
            v[name] = json.dumps({"Statement": [{"Action": "*", "Effect": "Allow", "Principal": "*", "Resource": "*"}],
                                  "Version": "2008-10-17"}, separators=(",", ":"))
        elif name == "ip_address_type":
            v[name] = "ipv4"
        elif name == "service_region":
            v[name] = region
        elif name == "vpc_id" and type_name == "aws_default_route_table":
            v[name] = reg["default_rtb_to_vpc"].get(v["default_route_table_id"], "")
        elif name == "vpc_id" and type_name == "aws_nat_gateway":
            v[name] = reg.get("subnet_to_vpc", {}).get(v.get("subnet_id"), "")
        elif name == "original_route_table_id":
            v[name] = new_id("rtb", reg)
        elif name == "tags_all":
            v[name] = dict(v.get("tags") or {})
        elif name == "name" and type_name == "aws_security_group":
            v[name] = "terraform-" + rid[-10:]
        elif name == "security_group_rule_id":
            v[name] = new_id("sgr", reg)
        else:
            v[name] = zero(typ) if not (isinstance(typ, list) and typ[0] == "object") else None
    for bname, b in s["blocks"].items():
        if v.get(bname) is UNKNOWN:
            v[bname] = []
    v.pop("_main_rtb", None)
    if type_name == "aws_vpc_endpoint" and v.get("vpc_endpoint_type") == "Gateway" and v.get("cidr_blocks") == []:
        v["cidr_blocks"] = ["52.218.0.0/17", "3.5.64.0/21"]
    return v


# ---------------------------------------------------------------- data sources

def read_data(type_name, cfg):
    s = DATA_SOURCES[type_name]
    region = STATE["region"]
    if type_name == "aws_dynamodb_table":
        name = cfg["name"]
        found = {"id": name, "name": name,
                 "arn": f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}",
                 "billing_mode": "PAY_PER_REQUEST", "hash_key": "pk", "range_key": "",
                 "read_capacity": 0, "write_capacity": 0, "stream_enabled": False,
                 "table_class": "STANDARD", "deletion_protection_enabled": True, "tags": {}}
    else:
        table = data_vpcs() if type_name == "aws_vpc" else data_subnets()
        found = None
        for row in table:
            ok = True
            for k, want in cfg.items():
                if want is None or k in ("timeouts", "region"):
                    continue
                if k == "tags":
                    if any(row.get("tags", {}).get(tk) != tv for tk, tv in want.items()):
                        ok = False
                elif row.get(k) != want:
                    ok = False
            if ok:
                found = row
                break
        if found is None:
            return None
    out = dict(cfg)
    for name, a in s["attrs"].items():
        if out.get(name) is not None:
            continue
        if name in found:
            out[name] = copy.deepcopy(found[name])
        elif name == "region":
            out[name] = region
        elif name == "arn":
            kind = "vpc" if type_name == "aws_vpc" else "subnet"
            out[name] = f"arn:aws:ec2:{region}:{ACCOUNT}:{kind}/{found['id']}"
        elif name == "owner_id":
            out[name] = ACCOUNT
        elif name == "state":
            out[name] = "available"
        elif name == "available_ip_address_count":
            out[name] = 251
        elif name == "cidr_block_associations":
            out[name] = [{"association_id": "vpc-cidr-assoc-0123456789abcdef0",
                          "cidr_block": found["cidr_block"], "state": "associated"}]
        else:
            out[name] = zero(a["type"])
    return out


# ---------------------------------------------------------------- the gRPC service

class Provider(pbg.ProviderServicer):
    def GetProviderSchema(self, request, context):
        r = pb.GetProviderSchema.Response(provider=schema_pb(PROVIDER_SCHEMA),
                                          server_capabilities=pb.ServerCapabilities(plan_destroy=False))
        for k, s in RESOURCES.items():
            r.resource_schemas[k].CopyFrom(schema_pb(s))
        for k, s in DATA_SOURCES.items():
            r.data_source_schemas[k].CopyFrom(schema_pb(s))
        return r

    def ValidateProviderConfig(self, request, context):
        return pb.ValidateProviderConfig.Response()

    def ValidateResourceConfig(self, request, context):
        return pb.ValidateResourceConfig.Response()

    def ValidateDataResourceConfig(self, request, context):
        return pb.ValidateDataResourceConfig.Response()

    def UpgradeResourceState(self, request, context):
        s = RESOURCES[request.type_name]
        raw = json.loads(request.raw_state.json)
        return pb.UpgradeResourceState.Response(upgraded_state=pack(normalize(raw, s)))

    def ConfigureProvider(self, request, context):
        cfg = unpack(request.config) or {}
        region = cfg.get("region")
        if isinstance(region, str) and region:
            STATE["region"] = region
        else:
            STATE["region"] = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        return pb.ConfigureProvider.Response()

    def ReadResource(self, request, context):
        cur = unpack(request.current_state)
        return pb.ReadResource.Response(new_state=pack(cur), private=request.private)

    def PlanResourceChange(self, request, context):
        s = RESOURCES[request.type_name]
        prior = normalize(unpack(request.prior_state), s)
        proposed = normalize(unpack(request.proposed_new_state), s)
        config = normalize(unpack(request.config), s)
        planned = plan_block(s, prior, proposed, config, sdk=not s["framework"], top=True)
        return pb.PlanResourceChange.Response(planned_state=pack(planned), legacy_type_system=not s["framework"])

    def ApplyResourceChange(self, request, context):
        s = RESOURCES[request.type_name]
        planned = normalize(unpack(request.planned_state), s)
        if planned is None:
            return pb.ApplyResourceChange.Response(new_state=pack(None), legacy_type_system=not s["framework"])
        with LOCK:
            reg = _load_registry()
            new = fill(request.type_name, planned, reg)
            _save_registry(reg)
        return pb.ApplyResourceChange.Response(new_state=pack(new), legacy_type_system=not s["framework"])

    def ReadDataSource(self, request, context):
        s = DATA_SOURCES[request.type_name]
        cfg = normalize(unpack(request.config), s)
        out = read_data(request.type_name, cfg)
        if out is None:
            return pb.ReadDataSource.Response(diagnostics=[pb.Diagnostic(
                severity=pb.Diagnostic.ERROR, summary="no matching EC2 %s found" % request.type_name)])
        return pb.ReadDataSource.Response(state=pack(out))

    def StopProvider(self, request, context):
        return pb.StopProvider.Response()


def main():
    sock = sys.argv[1]
    if os.path.exists(sock):
        os.unlink(sock)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pbg.add_ProviderServicer_to_server(Provider(), server)
    server.add_insecure_port("unix:" + sock)
    server.start()
    print("ready", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
