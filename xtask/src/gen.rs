//! Writes realistic `terraform show -json` plans of any size, streaming, deterministic per seed.
//!
//! The plan is a root module calling many *stacks* (`module.stack_007`, each a `for_each` over
//! environments). Each environment instance holds what a real platform repository holds:
//!
//! - a VPC module, in the terraform-aws-modules/vpc layout (`count`-indexed subnets per AZ, one
//!   NAT gateway per AZ or a single one, `aws_route.private_nat_gateway[count.index]`, database
//!   subnets and their subnet group, the default security group/route table/NACL, flow logs); half
//!   of the stacks use the registry module itself (whose `vpc_id = local.vpc_id` cannot be
//!   resolved), the other half a local copy that references `aws_vpc.this[0].id`;
//! - an endpoints module: an S3 Gateway endpoint on the private route tables, Interface endpoints
//!   (`for_each` over services) with their security group;
//! - workloads in modules: ECS services with task definitions and security group rule resources,
//!   Lambda functions in the VPC, an RDS instance on the database subnet group, a bastion;
//! - and, making up most of the plan as in real ones, resources no rule reads: S3 buckets with
//!   their versioning/encryption/public-access-block/policy resources, IAM roles, policies and
//!   policy documents, CloudWatch alarms, SNS, SQS, SSM parameters, KMS keys, Route 53 records.
//!
//! A quarter of the environments already exist: their resources are `no-op` (a few `update`, a
//! few `delete`) with every id known, and they are in `prior_state`. The others are created, with
//! ids unknown until apply, so vpclint must resolve them through `configuration` references.
//!
//! Output is compact JSON, as `terraform show -json` writes it. Nothing larger than one
//! environment instance is held in memory.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use crate::rng::{hash, Rng};

const PROVIDER: &str = "registry.terraform.io/hashicorp/aws";
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
];
const ENVS: &[&str] = &["dev", "staging", "prod", "perf", "sandbox"];
const INTERFACE_SERVICES: &[&str] = &[
    "ecr.api",
    "ecr.dkr",
    "logs",
    "sts",
    "secretsmanager",
    "ssm",
    "kms",
];
const ACCOUNT: &str = "123456789012";

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Resource instances (managed and data) in the after-state and the deleted ones, exactly.
    pub instances: usize,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct GenStats {
    pub instances: usize,
    pub stacks: usize,
    pub environments: usize,
    pub bytes: u64,
}

// ---------------------------------------------------------------------------------------------
// The shape of the plan, decided up front (a few bytes per environment).

#[derive(Debug, Clone)]
struct Stack {
    index: usize,
    region: &'static str,
    /// The registry module (`local.vpc_id`) rather than the local copy.
    community: bool,
    azs: usize,
    nat: bool,
    single_nat: bool,
    s3_gateway: bool,
    s3_interface: bool,
    services: Vec<&'static str>,
    endpoints_one_az: bool,
    private_dns: bool,
    ecs: usize,
    lambdas: usize,
    rds: bool,
    bastion: bool,
    dynamodb: bool,
    envs: Vec<Env>,
}

#[derive(Debug, Clone)]
struct Env {
    name: &'static str,
    existing: bool,
    /// Unrelated resources in the stack module itself.
    filler: usize,
    /// False for the last environment when only unrelated resources fit in the budget.
    network: bool,
}

impl Stack {
    fn random(seed: u64, index: usize) -> Stack {
        let mut r = Rng::derive(seed, &[1, index as u64]);
        let azs = if r.chance(70) { 3 } else { 2 };
        let mut services: Vec<&'static str> = INTERFACE_SERVICES
            .iter()
            .copied()
            .filter(|_| r.chance(55))
            .collect();
        if services.is_empty() {
            services.push("ecr.api");
        }
        let n_envs = 1 + r.below(3) as usize;
        let start = r.below(ENVS.len() as u64) as usize;
        let envs = (0..n_envs)
            .map(|i| Env {
                name: ENVS[(start + i) % ENVS.len()],
                existing: r.chance(25),
                filler: 60 + r.below(90) as usize,
                network: true,
            })
            .collect();
        let nat = r.chance(90);
        Stack {
            index,
            region: r.pick(REGIONS),
            community: r.chance(50),
            azs,
            nat,
            single_nat: nat && r.chance(25),
            s3_gateway: r.chance(80),
            s3_interface: r.chance(15),
            services,
            endpoints_one_az: r.chance(15),
            private_dns: r.chance(90),
            ecs: 1 + r.below(3) as usize,
            lambdas: r.below(3) as usize,
            rds: r.chance(50),
            bastion: r.chance(40),
            dynamodb: r.chance(20),
            envs,
        }
    }

    fn call(&self) -> String {
        format!("stack_{:03}", self.index)
    }

    fn nats(&self) -> usize {
        match (self.nat, self.single_nat) {
            (false, _) => 0,
            (true, true) => 1,
            (true, false) => self.azs,
        }
    }
}

/// Decides the stacks so that the plan holds exactly `instances` resource instances.
fn plan_shape(options: &GenOptions) -> Vec<Stack> {
    let mut stacks = Vec::new();
    let mut total = 0;
    while total < options.instances {
        let mut stack = Stack::random(options.seed, stacks.len());
        let mut envs = Vec::new();
        for mut env in std::mem::take(&mut stack.envs) {
            if total >= options.instances {
                break;
            }
            let remaining = options.instances - total;
            let n = count_env(options.seed, &stack, &env);
            if n > remaining {
                let core = n - env.filler;
                if core <= remaining {
                    env.filler -= n - remaining;
                } else {
                    env.network = false;
                    env.filler = remaining;
                }
            }
            total += count_env(options.seed, &stack, &env);
            envs.push(env);
        }
        stack.envs = envs;
        stacks.push(stack);
    }
    stacks
}

fn count_env(seed: u64, stack: &Stack, env: &Env) -> usize {
    fn count(node: &Node) -> usize {
        node.resources.len() + node.children.iter().map(count).sum::<usize>()
    }
    count(&build_env(seed, stack, env))
}

// ---------------------------------------------------------------------------------------------
// Resource instances of one environment.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Create,
    NoOp,
    Update,
    Delete,
    /// A data source read during apply (its configuration is unknown): in resource_changes.
    ReadLater,
    /// A data source read during planning: in planned_values and prior_state only.
    ReadNow,
}

#[derive(Debug, Clone)]
enum Key {
    Int(usize),
    Str(String),
}

#[derive(Debug)]
struct Res {
    data: bool,
    rtype: &'static str,
    name: &'static str,
    key: Option<Key>,
    action: Act,
    after: Map<String, Value>,
    unknown: Map<String, Value>,
    sensitive: Map<String, Value>,
    schema_version: u32,
}

#[derive(Debug)]
struct Node {
    address: String,
    resources: Vec<Res>,
    children: Vec<Node>,
}

impl Res {
    fn local(&self) -> String {
        let base = if self.data {
            format!("data.{}.{}", self.rtype, self.name)
        } else {
            format!("{}.{}", self.rtype, self.name)
        };
        match &self.key {
            None => base,
            Some(Key::Int(i)) => format!("{base}[{i}]"),
            Some(Key::Str(s)) => format!("{base}[{}]", Value::String(s.clone())),
        }
    }

    fn address(&self, module: &str) -> String {
        if module.is_empty() {
            self.local()
        } else {
            format!("{module}.{}", self.local())
        }
    }
}

/// Values of one resource being built: the after object and its unknown and sensitive marks.
struct V {
    known: bool,
    after: Map<String, Value>,
    unknown: Map<String, Value>,
    sensitive: Map<String, Value>,
}

impl V {
    fn new(known: bool) -> V {
        V {
            known,
            after: Map::new(),
            unknown: Map::new(),
            sensitive: Map::new(),
        }
    }

    fn set(&mut self, key: &str, value: impl Into<Value>) -> &mut V {
        self.after.insert(key.to_string(), value.into());
        self
    }

    fn nulls(&mut self, keys: &[&str]) -> &mut V {
        for k in keys {
            self.after.insert((*k).to_string(), Value::Null);
        }
        self
    }

    /// A value the provider computes: in the plan when the resource exists, else unknown.
    fn comp(&mut self, key: &str, value: impl Into<Value>) -> &mut V {
        if self.known {
            self.after.insert(key.to_string(), value.into());
        } else {
            self.unknown.insert(key.to_string(), Value::Bool(true));
        }
        self
    }

    /// A computed list (sensitive marks mirror it as an empty list).
    fn comp_list(&mut self, key: &str, items: Vec<Value>) -> &mut V {
        self.sensitive.insert(key.to_string(), json!([]));
        self.comp(key, Value::Array(items))
    }

    fn tags(&mut self, tags: &Value) -> &mut V {
        self.after.insert("tags".into(), tags.clone());
        self.sensitive.insert("tags".into(), json!({}));
        self.sensitive.insert("tags_all".into(), json!({}));
        if self.known {
            self.after.insert("tags_all".into(), tags.clone());
        } else {
            self.after.insert("tags_all".into(), tags.clone());
            self.unknown.insert("tags".into(), json!({}));
            self.unknown.insert("tags_all".into(), json!({}));
        }
        self
    }

    /// Nested blocks with known content.
    fn blocks(&mut self, key: &str, items: Vec<Value>) -> &mut V {
        let marks: Vec<Value> = items.iter().map(|_| json!({})).collect();
        self.sensitive
            .insert(key.to_string(), Value::Array(marks.clone()));
        if !self.known {
            self.unknown.insert(key.to_string(), Value::Array(marks));
        }
        self.after.insert(key.to_string(), Value::Array(items));
        self
    }

    /// Nested blocks whose `fields` are unknown on create (and `known` otherwise).
    fn blocks_partly(&mut self, key: &str, items: Vec<(Value, Vec<(&str, Value)>)>) -> &mut V {
        let mut after = Vec::new();
        let mut unknown = Vec::new();
        let mut sensitive = Vec::new();
        for (mut item, fields) in items {
            let mut u = Map::new();
            let mut s = Map::new();
            for (f, v) in fields {
                if self.known {
                    item[f] = v;
                } else {
                    u.insert(f.to_string(), Value::Bool(true));
                }
                s.insert(f.to_string(), json!([]));
            }
            after.push(item);
            unknown.push(Value::Object(u));
            sensitive.push(Value::Object(s));
        }
        self.after.insert(key.to_string(), Value::Array(after));
        self.unknown.insert(key.to_string(), Value::Array(unknown));
        self.sensitive
            .insert(key.to_string(), Value::Array(sensitive));
        self
    }
}

/// Builds the resources of one environment instance.
struct EnvBuilder<'a> {
    seed: u64,
    stack: &'a Stack,
    env: &'a Env,
    rng: Rng,
    tags: Value,
}

impl<'a> EnvBuilder<'a> {
    fn stack_address(&self) -> String {
        format!(
            "module.{}[{}]",
            self.stack.call(),
            Value::String(self.env.name.into())
        )
    }

    fn known(&self) -> bool {
        self.env.existing
    }

    /// A deterministic AWS-style id of the resource at `module`.`local`.
    fn id(&self, prefix: &str, module: &str, local: &str) -> String {
        let h = hash(self.seed, &format!("{module}.{local}"));
        format!("{prefix}-0{:016x}", h)
    }

    fn arn(&self, service: &str, what: &str) -> String {
        format!("arn:aws:{service}:{}:{ACCOUNT}:{what}", self.stack.region)
    }

    fn res(&mut self, rtype: &'static str, name: &'static str, key: Option<Key>, v: V) -> Res {
        let action = if self.env.existing {
            if self.rng.chance(4) {
                Act::Update
            } else {
                Act::NoOp
            }
        } else {
            Act::Create
        };
        Res {
            data: false,
            rtype,
            name,
            key,
            action,
            after: v.after,
            unknown: v.unknown,
            sensitive: v.sensitive,
            schema_version: if rtype == "aws_instance" { 1 } else { 0 },
        }
    }

    fn data(&mut self, rtype: &'static str, name: &'static str, key: Option<Key>, v: V) -> Res {
        let mut r = self.res(rtype, name, key, v);
        r.data = true;
        r.action = if self.env.existing {
            Act::ReadNow
        } else {
            Act::ReadLater
        };
        r
    }

    fn v(&self) -> V {
        let mut v = V::new(self.known());
        v.set("region", self.stack.region);
        v
    }

    fn cidr(&self) -> String {
        format!(
            "10.{}.0.0/16",
            (self.stack.index * 7 + self.env.name.len()) % 250
        )
    }

    fn subnet_cidr(&self, tier: usize, i: usize) -> String {
        let base = (self.stack.index * 7 + self.env.name.len()) % 250;
        format!("10.{base}.{}.0/24", tier * 50 + i + 1)
    }

    fn az(&self, i: usize) -> String {
        format!("{}{}", self.stack.region, ["a", "b", "c"][i % 3])
    }

    fn build(mut self) -> Node {
        let address = self.stack_address();
        let mut node = Node {
            address: address.clone(),
            resources: Vec::new(),
            children: Vec::new(),
        };
        if self.env.network {
            let vpc = format!("{address}.module.vpc");
            node.children.push(self.network(&vpc));
            node.children
                .push(self.endpoints(&format!("{address}.module.endpoints"), &vpc));
            for name in ECS_APPS.iter().take(self.stack.ecs) {
                let m = format!("{address}.module.{name}");
                node.children.push(self.ecs(&m, &vpc, name));
            }
            for name in LAMBDAS.iter().take(self.stack.lambdas) {
                let m = format!("{address}.module.{name}");
                node.children.push(self.lambda(&m, &vpc, name));
            }
            if self.stack.rds {
                node.children
                    .push(self.rds(&format!("{address}.module.database"), &vpc));
            }
            if self.stack.bastion {
                let r = self.bastion(&address, &vpc);
                node.resources.push(r);
            }
            if self.stack.dynamodb {
                let r = self.dynamodb(&address);
                node.resources.push(r);
            }
            if self.env.existing {
                // Instances being replaced by the ECS services: deleted by this plan.
                for i in 0..2 {
                    let mut v = self.v();
                    v.set("ami", "ami-0c55b159cbfafe1f0")
                        .set("instance_type", "t3.large")
                        .set(
                            "id",
                            self.id("i", &address, &format!("aws_instance.legacy[{i}]")),
                        );
                    let mut r = self.res("aws_instance", "legacy", Some(Key::Int(i)), v);
                    r.action = Act::Delete;
                    node.resources.push(r);
                }
            }
        }
        for i in 0..self.env.filler {
            let r = self.filler(i);
            node.resources.push(r);
        }
        node
    }

    // --- the VPC module ------------------------------------------------------------------------

    fn network(&mut self, m: &str) -> Node {
        let s = self.stack.clone();
        let mut out = Vec::new();
        let vpc_id = self.id("vpc", m, "aws_vpc.this[0]");
        let main_rt = self.id("rtb", m, "aws_default_route_table.default[0]");
        let tags = self.tags.clone();

        let mut v = self.v();
        v.set("cidr_block", self.cidr())
            .set("enable_dns_hostnames", true)
            .set("enable_dns_support", true)
            .set("instance_tenancy", "default")
            .set("assign_generated_ipv6_cidr_block", Value::Null)
            .nulls(&[
                "ipv4_ipam_pool_id",
                "ipv4_netmask_length",
                "ipv6_ipam_pool_id",
                "ipv6_netmask_length",
            ])
            .comp("arn", self.arn("ec2", &format!("vpc/{vpc_id}")))
            .comp("id", vpc_id.clone())
            .comp("main_route_table_id", main_rt.clone())
            .comp("default_route_table_id", main_rt.clone())
            .comp("default_security_group_id", self.id("sg", m, "default"))
            .comp("default_network_acl_id", self.id("acl", m, "default"))
            .comp("dhcp_options_id", self.id("dopt", m, "default"))
            .comp("enable_network_address_usage_metrics", false)
            .comp("ipv6_association_id", "")
            .comp("ipv6_cidr_block", "")
            .comp("ipv6_cidr_block_network_border_group", "")
            .comp("owner_id", ACCOUNT)
            .tags(&tags);
        out.push(self.res("aws_vpc", "this", Some(Key::Int(0)), v));

        let igw = self.id("igw", m, "aws_internet_gateway.this[0]");
        let mut v = self.v();
        v.comp("arn", self.arn("ec2", &format!("internet-gateway/{igw}")))
            .comp("id", igw.clone())
            .comp("owner_id", ACCOUNT)
            .comp("vpc_id", vpc_id.clone())
            .set("timeouts", Value::Null)
            .tags(&tags);
        out.push(self.res("aws_internet_gateway", "this", Some(Key::Int(0)), v));

        for (tier, name) in ["public", "private", "database"].iter().enumerate() {
            for i in 0..s.azs {
                let local = format!("aws_subnet.{name}[{i}]");
                let id = self.id("subnet", m, &local);
                let mut v = self.v();
                v.set("availability_zone", self.az(i))
                    .set("cidr_block", self.subnet_cidr(tier, i))
                    .set("assign_ipv6_address_on_creation", false)
                    .set("enable_dns64", false)
                    .set("enable_resource_name_dns_a_record_on_launch", false)
                    .set("enable_resource_name_dns_aaaa_record_on_launch", false)
                    .set("ipv6_native", false)
                    .set("map_customer_owned_ip_on_launch", Value::Null)
                    .set("map_public_ip_on_launch", tier == 0)
                    .set("outpost_arn", Value::Null)
                    .set("private_dns_hostname_type_on_launch", "ip-name")
                    .nulls(&["customer_owned_ipv4_pool", "ipv6_cidr_block"])
                    .comp("arn", self.arn("ec2", &format!("subnet/{id}")))
                    .comp("availability_zone_id", format!("use1-az{}", i + 1))
                    .comp("id", id)
                    .comp("ipv6_cidr_block_association_id", "")
                    .comp("owner_id", ACCOUNT)
                    .comp("vpc_id", vpc_id.clone())
                    .set("timeouts", Value::Null)
                    .tags(&json!({"Name": format!("{}-{name}-{}", self.env.name, self.az(i)), "Tier": name}));
                out.push(self.res("aws_subnet", SUBNET_NAMES[tier], Some(Key::Int(i)), v));
            }
        }

        // Route tables: one public, one private per NAT (or one without NAT).
        let private_tables = s.nats().max(1);
        for (name, n) in [("public", 1), ("private", private_tables)] {
            for i in 0..n {
                let local = format!("aws_route_table.{name}[{i}]");
                let id = self.id("rtb", m, &local);
                let mut v = self.v();
                v.comp("arn", self.arn("ec2", &format!("route-table/{id}")))
                    .comp("id", id)
                    .comp("owner_id", ACCOUNT)
                    .comp("propagating_vgws", json!([]))
                    .comp("route", json!([]))
                    .comp("vpc_id", vpc_id.clone())
                    .set("timeouts", Value::Null)
                    .tags(&tags);
                v.sensitive.insert("propagating_vgws".into(), json!([]));
                v.sensitive.insert("route".into(), json!([]));
                out.push(self.res(
                    "aws_route_table",
                    if name == "public" {
                        "public"
                    } else {
                        "private"
                    },
                    Some(Key::Int(i)),
                    v,
                ));
            }
        }
        let route_fields = |v: &mut V| {
            v.nulls(&[
                "carrier_gateway_id",
                "core_network_arn",
                "destination_ipv6_cidr_block",
                "destination_prefix_list_id",
                "egress_only_gateway_id",
                "local_gateway_id",
                "transit_gateway_id",
                "vpc_endpoint_id",
                "vpc_peering_connection_id",
            ])
            .set("destination_cidr_block", "0.0.0.0/0")
            .set(
                "timeouts",
                json!({"create": "5m", "delete": null, "update": null}),
            )
            .comp("instance_owner_id", "")
            .comp("origin", "CreateRoute")
            .comp("state", "active");
        };
        let mut v = self.v();
        route_fields(&mut v);
        v.comp("gateway_id", igw.clone())
            .comp("nat_gateway_id", "")
            .comp("instance_id", "")
            .comp("network_interface_id", "")
            .comp(
                "route_table_id",
                self.id("rtb", m, "aws_route_table.public[0]"),
            )
            .comp(
                "id",
                self.id("r", m, "aws_route.public_internet_gateway[0]"),
            );
        out.push(self.res("aws_route", "public_internet_gateway", Some(Key::Int(0)), v));
        for i in 0..s.nats() {
            let mut v = self.v();
            route_fields(&mut v);
            v.set("gateway_id", Value::Null)
                .comp(
                    "nat_gateway_id",
                    self.id("nat", m, &format!("aws_nat_gateway.this[{i}]")),
                )
                .comp("instance_id", "")
                .comp(
                    "network_interface_id",
                    self.id("eni", m, &format!("nat{i}")),
                )
                .comp(
                    "route_table_id",
                    self.id("rtb", m, &format!("aws_route_table.private[{i}]")),
                )
                .comp(
                    "id",
                    self.id("r", m, &format!("aws_route.private_nat_gateway[{i}]")),
                );
            out.push(self.res("aws_route", "private_nat_gateway", Some(Key::Int(i)), v));
        }
        for (tier, name) in ["public", "private", "database"].iter().enumerate() {
            for i in 0..s.azs {
                let table = if tier == 0 {
                    "aws_route_table.public[0]".to_string()
                } else {
                    let t = if s.single_nat || !s.nat { 0 } else { i };
                    format!("aws_route_table.private[{t}]")
                };
                let mut v = self.v();
                v.set("gateway_id", Value::Null)
                    .set("timeouts", Value::Null)
                    .comp("id", self.id("rtbassoc", m, &format!("{name}{i}")))
                    .comp("route_table_id", self.id("rtb", m, &table))
                    .comp(
                        "subnet_id",
                        self.id("subnet", m, &format!("aws_subnet.{name}[{i}]")),
                    );
                out.push(self.res(
                    "aws_route_table_association",
                    SUBNET_NAMES[tier],
                    Some(Key::Int(i)),
                    v,
                ));
            }
        }
        for i in 0..s.nats() {
            let mut v = self.v();
            v.set("domain", "vpc")
                .nulls(&[
                    "address",
                    "associate_with_private_ip",
                    "customer_owned_ipv4_pool",
                    "timeouts",
                ])
                .comp(
                    "allocation_id",
                    self.id("eipalloc", m, &format!("aws_eip.nat[{i}]")),
                )
                .comp("arn", self.arn("ec2", "elastic-ip/x"))
                .comp("association_id", "")
                .comp("carrier_ip", "")
                .comp("customer_owned_ip", "")
                .comp("id", self.id("eipalloc", m, &format!("aws_eip.nat[{i}]")))
                .comp("instance", "")
                .comp("network_border_group", self.stack.region)
                .comp("network_interface", "")
                .comp("private_dns", Value::Null)
                .comp("private_ip", "")
                .comp("public_dns", "ec2-54-0-0-1.compute-1.amazonaws.com")
                .comp("public_ip", "54.0.0.1")
                .comp("public_ipv4_pool", "amazon")
                .tags(&tags);
            out.push(self.res("aws_eip", "nat", Some(Key::Int(i)), v));
            let mut v = self.v();
            v.set("availability_mode", "zonal")
                .set("connectivity_type", "public")
                .set("secondary_allocation_ids", Value::Null)
                .set("timeouts", Value::Null)
                .comp(
                    "allocation_id",
                    self.id("eipalloc", m, &format!("aws_eip.nat[{i}]")),
                )
                .comp("association_id", "")
                .comp(
                    "id",
                    self.id("nat", m, &format!("aws_nat_gateway.this[{i}]")),
                )
                .comp(
                    "network_interface_id",
                    self.id("eni", m, &format!("nat{i}")),
                )
                .comp("private_ip", "10.0.0.10")
                .comp("public_ip", "54.0.0.1")
                .comp("secondary_private_ip_address_count", 0)
                .comp_list("secondary_private_ip_addresses", vec![])
                .comp(
                    "subnet_id",
                    self.id("subnet", m, &format!("aws_subnet.public[{i}]")),
                )
                .comp("vpc_id", vpc_id.clone())
                .tags(&tags);
            out.push(self.res("aws_nat_gateway", "this", Some(Key::Int(i)), v));
        }
        // Defaults the registry module manages.
        let mut v = self.v();
        v.set("revoke_rules_on_delete", false)
            .set("ingress", json!([]))
            .set("egress", json!([]))
            .comp("arn", self.arn("ec2", "security-group/default"))
            .comp("description", "default VPC security group")
            .comp("id", self.id("sg", m, "default"))
            .comp("name", "default")
            .comp("name_prefix", "")
            .comp("owner_id", ACCOUNT)
            .comp("vpc_id", vpc_id.clone())
            .tags(&tags);
        out.push(self.res("aws_default_security_group", "this", Some(Key::Int(0)), v));
        let mut v = self.v();
        v.set("propagating_vgws", Value::Null)
            .set("route", json!([]))
            .set("timeouts", json!({"create": "5m", "update": "5m"}))
            .comp("arn", self.arn("ec2", "route-table/default"))
            .comp("default_route_table_id", main_rt.clone())
            .comp("id", main_rt.clone())
            .comp("owner_id", ACCOUNT)
            .comp("vpc_id", vpc_id.clone())
            .tags(&tags);
        out.push(self.res("aws_default_route_table", "default", Some(Key::Int(0)), v));
        let mut v = self.v();
        v.set("egress", json!([{"action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 0, "icmp_code": null, "icmp_type": null, "ipv6_cidr_block": "", "protocol": "-1", "rule_no": 100, "to_port": 0}]))
            .set("ingress", json!([{"action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 0, "icmp_code": null, "icmp_type": null, "ipv6_cidr_block": "", "protocol": "-1", "rule_no": 100, "to_port": 0}]))
            .comp("arn", self.arn("ec2", "network-acl/default"))
            .comp("default_network_acl_id", self.id("acl", m, "default"))
            .comp("id", self.id("acl", m, "default"))
            .comp("owner_id", ACCOUNT)
            .comp_list("subnet_ids", vec![])
            .comp("vpc_id", vpc_id.clone())
            .tags(&tags);
        out.push(self.res("aws_default_network_acl", "this", Some(Key::Int(0)), v));
        let mut v = self.v();
        v.set("description", "Database subnet group")
            .set("name", format!("{}-{}", s.call(), self.env.name))
            .set("name_prefix", Value::Null)
            .comp("arn", self.arn("rds", "subgrp:x"))
            .comp("id", format!("{}-{}", s.call(), self.env.name))
            .comp("supported_network_types", json!(["IPV4"]))
            .comp("vpc_id", vpc_id.clone())
            .tags(&tags);
        let db_subnets: Vec<Value> = (0..s.azs)
            .map(|i| json!(self.id("subnet", m, &format!("aws_subnet.database[{i}]"))))
            .collect();
        v.comp_list("subnet_ids", db_subnets);
        out.push(self.res("aws_db_subnet_group", "database", Some(Key::Int(0)), v));
        // Flow logs to CloudWatch.
        let mut v = self.v();
        v.set("log_destination_type", "cloud-watch-logs")
            .set("max_aggregation_interval", 600)
            .set("traffic_type", "ALL")
            .nulls(&["deliver_cross_account_role", "eni_id", "subnet_id", "transit_gateway_attachment_id", "transit_gateway_id"])
            .comp("arn", self.arn("ec2", "vpc-flow-log/fl-1"))
            .comp("id", self.id("fl", m, "flow"))
            .comp("iam_role_arn", format!("arn:aws:iam::{ACCOUNT}:role/flow"))
            .comp("log_destination", self.arn("logs", "log-group:/aws/vpc-flow-log"))
            .comp("log_format", "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}")
            .comp("vpc_id", vpc_id.clone())
            .tags(&tags);
        out.push(self.res("aws_flow_log", "this", Some(Key::Int(0)), v));
        let mut v = self.v();
        v.set("name", format!("/aws/vpc-flow-log/{vpc_id}"))
            .set("retention_in_days", 30)
            .set("skip_destroy", false)
            .nulls(&["kms_key_id", "name_prefix"])
            .set("log_group_class", "STANDARD")
            .comp("arn", self.arn("logs", "log-group:/aws/vpc-flow-log"))
            .comp("id", format!("/aws/vpc-flow-log/{vpc_id}"))
            .tags(&tags);
        out.push(self.res("aws_cloudwatch_log_group", "flow_log", Some(Key::Int(0)), v));
        let role = self.iam_role("vpc-flow-log", "vpc-flow-logs.amazonaws.com");
        out.push(self.res(
            "aws_iam_role",
            "vpc_flow_log_cloudwatch",
            Some(Key::Int(0)),
            role,
        ));
        Node {
            address: m.to_string(),
            resources: out,
            children: Vec::new(),
        }
    }

    fn iam_role(&self, name: &str, principal: &str) -> V {
        let mut v = self.v();
        v.set(
            "assume_role_policy",
            json!({"Version": "2012-10-17", "Statement": [{"Sid": "AssumeRole", "Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole"}]}).to_string(),
        )
        .set("description", Value::Null)
        .set("force_detach_policies", false)
        .set("max_session_duration", 3600)
        .set("name", format!("{}-{}-{name}", self.stack.call(), self.env.name))
        .set("path", "/")
        .nulls(&["permissions_boundary"])
        .comp("arn", format!("arn:aws:iam::{ACCOUNT}:role/{name}"))
        .comp("create_date", "2025-01-01T00:00:00Z")
        .comp("id", format!("{}-{name}", self.env.name))
        .comp("managed_policy_arns", json!([]))
        .comp("name_prefix", "")
        .comp("unique_id", "AROA000000000000000")
        .comp_list("inline_policy", vec![])
        .tags(&self.tags.clone());
        v
    }

    // --- endpoints -----------------------------------------------------------------------------

    fn endpoint_values(&mut self, m: &str, vpc: &str, local: &str, service: &str, kind: &str) -> V {
        let s = self.stack.clone();
        let id = self.id("vpce", m, local);
        let vpc_id = self.id("vpc", vpc, "aws_vpc.this[0]");
        let mut v = self.v();
        v.set("auto_accept", Value::Null)
            .set(
                "service_name",
                format!("com.amazonaws.{}.{service}", s.region),
            )
            .set("vpc_endpoint_type", kind)
            .nulls(&[
                "resource_configuration_arn",
                "service_network_arn",
                "timeouts",
            ])
            .comp("arn", self.arn("ec2", &format!("vpc-endpoint/{id}")))
            .comp_list("cidr_blocks", vec![])
            .comp_list("dns_entry", vec![])
            .comp_list("dns_options", vec![])
            .comp("id", id)
            .comp("ip_address_type", "ipv4")
            .comp_list("network_interface_ids", vec![])
            .comp("owner_id", ACCOUNT)
            .comp("prefix_list_id", "pl-63a5400a")
            .comp("requester_managed", false)
            .comp("service_region", s.region)
            .comp("state", "available")
            .comp_list("subnet_configuration", vec![])
            .comp("vpc_id", vpc_id)
            .tags(&self.tags.clone());
        if kind == "Gateway" {
            v.set("private_dns_enabled", false)
                .comp("policy", json!({"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}).to_string())
                .comp_list("security_group_ids", vec![])
                .comp_list("subnet_ids", vec![]);
            let tables: Vec<Value> = (0..s.nats().max(1))
                .map(|i| json!(self.id("rtb", vpc, &format!("aws_route_table.private[{i}]"))))
                .collect();
            v.comp_list("route_table_ids", tables);
        } else {
            v.set("private_dns_enabled", s.private_dns)
                .comp("policy", json!({"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}).to_string())
                .comp_list("route_table_ids", vec![]);
            let subnets: Vec<Value> = (0..if s.endpoints_one_az { 1 } else { s.azs })
                .map(|i| json!(self.id("subnet", vpc, &format!("aws_subnet.private[{i}]"))))
                .collect();
            v.comp_list("subnet_ids", subnets);
            v.comp_list(
                "security_group_ids",
                vec![json!(self.id("sg", m, "aws_security_group.endpoints"))],
            );
        }
        v
    }

    fn security_group(
        &mut self,
        m: &str,
        vpc: &str,
        local: &str,
        name: &str,
        ingress: Vec<Value>,
    ) -> V {
        let vpc_id = self.id("vpc", vpc, "aws_vpc.this[0]");
        let mut v = self.v();
        v.set("description", format!("{name} security group"))
            .set(
                "name",
                format!("{}-{}-{name}", self.stack.call(), self.env.name),
            )
            .set("revoke_rules_on_delete", false)
            .set("timeouts", Value::Null)
            .comp("arn", self.arn("ec2", "security-group/x"))
            .comp("id", self.id("sg", m, local))
            .comp("name_prefix", "")
            .comp("owner_id", ACCOUNT)
            .comp("vpc_id", vpc_id)
            .tags(&self.tags.clone());
        if ingress.is_empty() {
            v.comp("ingress", json!([])).comp("egress", json!([]));
            v.sensitive.insert("ingress".into(), json!([]));
            v.sensitive.insert("egress".into(), json!([]));
        } else {
            v.blocks("ingress", ingress);
            v.blocks(
                "egress",
                vec![json!({"cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 0, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "-1", "security_groups": [], "self": false, "to_port": 0})],
            );
        }
        v
    }

    fn endpoints(&mut self, m: &str, vpc: &str) -> Node {
        let s = self.stack.clone();
        let mut out = Vec::new();
        let ingress = vec![
            json!({"cidr_blocks": [self.cidr()], "description": "HTTPS from the VPC", "from_port": 443, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp", "security_groups": [], "self": false, "to_port": 443}),
        ];
        let v = self.security_group(m, vpc, "aws_security_group.endpoints", "endpoints", ingress);
        out.push(self.res("aws_security_group", "endpoints", None, v));
        if s.s3_gateway {
            let v = self.endpoint_values(m, vpc, "aws_vpc_endpoint.s3[0]", "s3", "Gateway");
            out.push(self.res("aws_vpc_endpoint", "s3", Some(Key::Int(0)), v));
        }
        let mut services = s.services.clone();
        if s.s3_interface {
            services.push("s3");
        }
        services.sort();
        for svc in services {
            let local = format!("aws_vpc_endpoint.interface[{}]", Value::String(svc.into()));
            let v = self.endpoint_values(m, vpc, &local, svc, "Interface");
            out.push(self.res(
                "aws_vpc_endpoint",
                "interface",
                Some(Key::Str(svc.into())),
                v,
            ));
        }
        Node {
            address: m.to_string(),
            resources: out,
            children: Vec::new(),
        }
    }

    // --- workloads -----------------------------------------------------------------------------

    fn private_subnet_ids(&self, vpc: &str) -> Vec<Value> {
        (0..self.stack.azs)
            .map(|i| json!(self.id("subnet", vpc, &format!("aws_subnet.private[{i}]"))))
            .collect()
    }

    fn ecs(&mut self, m: &str, vpc: &str, name: &'static str) -> Node {
        let mut out = Vec::new();
        let ecr = self.rng.chance(70);
        let image = if ecr {
            format!(
                "{ACCOUNT}.dkr.ecr.{}.amazonaws.com/{name}:1.{}.0",
                self.stack.region,
                self.rng.below(40)
            )
        } else {
            format!("public.ecr.aws/docker/library/{name}:latest")
        };
        let containers = json!([{
            "name": name, "image": image, "essential": true, "cpu": 256, "memory": 512,
            "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
            "environment": [{"name": "ENV", "value": self.env.name}, {"name": "LOG_LEVEL", "value": "info"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": format!("/ecs/{name}"), "awslogs-region": self.stack.region, "awslogs-stream-prefix": name}}
        }]);
        let mut v = self.v();
        v.set("container_definitions", containers.to_string())
            .set("cpu", "256")
            .set("memory", "512")
            .set("family", format!("{}-{name}", self.env.name))
            .set("network_mode", "awsvpc")
            .set("requires_compatibilities", json!(["FARGATE"]))
            .set(
                "execution_role_arn",
                format!("arn:aws:iam::{ACCOUNT}:role/{name}-exec"),
            )
            .set("skip_destroy", false)
            .set("track_latest", false)
            .nulls(&["ipc_mode", "pid_mode", "task_role_arn"])
            .set("runtime_platform", json!([]))
            .set("volume", json!([]))
            .comp("arn", self.arn("ecs", &format!("task-definition/{name}:1")))
            .comp(
                "arn_without_revision",
                self.arn("ecs", &format!("task-definition/{name}")),
            )
            .comp("enable_fault_injection", false)
            .comp("id", name)
            .comp("revision", 1)
            .tags(&self.tags.clone());
        out.push(self.res("aws_ecs_task_definition", "this", None, v));
        let sg = self.security_group(m, vpc, "aws_security_group.this", name, vec![]);
        out.push(self.res("aws_security_group", "this", None, sg));
        let sg_id = self.id("sg", m, "aws_security_group.this");
        let mut v = self.v();
        v.set("cidr_ipv4", self.cidr())
            .set("from_port", 8080)
            .set("to_port", 8080)
            .set("ip_protocol", "tcp")
            .set("description", "from the VPC")
            .nulls(&[
                "cidr_ipv6",
                "prefix_list_id",
                "referenced_security_group_id",
                "tags",
            ])
            .comp("arn", self.arn("ec2", "security-group-rule/x"))
            .comp("id", self.id("sgr", m, "ingress"))
            .comp("security_group_rule_id", self.id("sgr", m, "ingress"))
            .comp("security_group_id", sg_id.clone())
            .comp("tags_all", json!({}));
        out.push(self.res("aws_vpc_security_group_ingress_rule", "http", None, v));
        let mut v = self.v();
        v.set("cidr_ipv4", "0.0.0.0/0")
            .set("ip_protocol", "-1")
            .nulls(&[
                "cidr_ipv6",
                "prefix_list_id",
                "referenced_security_group_id",
                "tags",
                "from_port",
                "to_port",
                "description",
            ])
            .comp("arn", self.arn("ec2", "security-group-rule/y"))
            .comp("id", self.id("sgr", m, "egress"))
            .comp("security_group_rule_id", self.id("sgr", m, "egress"))
            .comp("security_group_id", sg_id.clone())
            .comp("tags_all", json!({}));
        out.push(self.res("aws_vpc_security_group_egress_rule", "all", None, v));
        let mut v = self.v();
        v.set("name", name)
            .set("desired_count", 2)
            .set("launch_type", "FARGATE")
            .set("deployment_maximum_percent", 200)
            .set("deployment_minimum_healthy_percent", 100)
            .set("enable_ecs_managed_tags", false)
            .set("enable_execute_command", false)
            .set("scheduling_strategy", "REPLICA")
            .set("wait_for_steady_state", false)
            .nulls(&[
                "force_delete",
                "force_new_deployment",
                "health_check_grace_period_seconds",
                "propagate_tags",
                "timeouts",
            ])
            .set("deployment_circuit_breaker", json!([]))
            .set("load_balancer", json!([]))
            .comp("arn", self.arn("ecs", &format!("service/{name}")))
            .comp("availability_zone_rebalancing", "ENABLED")
            .comp("cluster", self.arn("ecs", "cluster/main"))
            .comp("iam_role", "")
            .comp("id", self.arn("ecs", &format!("service/{name}")))
            .comp("platform_version", "LATEST")
            .comp(
                "task_definition",
                self.arn("ecs", &format!("task-definition/{name}:1")),
            )
            .comp("triggers", json!({}))
            .tags(&self.tags.clone());
        let subnets = Value::Array(self.private_subnet_ids(vpc));
        v.blocks_partly(
            "network_configuration",
            vec![(
                json!({"assign_public_ip": false}),
                vec![("security_groups", json!([sg_id])), ("subnets", subnets)],
            )],
        );
        out.push(self.res("aws_ecs_service", "this", None, v));
        for (rname, principal) in [
            ("task", "ecs-tasks.amazonaws.com"),
            ("execution", "ecs-tasks.amazonaws.com"),
        ] {
            let role = self.iam_role(&format!("{name}-{rname}"), principal);
            out.push(self.res(
                "aws_iam_role",
                if rname == "task" { "task" } else { "execution" },
                None,
                role,
            ));
        }
        let mut v = self.v();
        v.set(
            "policy_arn",
            "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        )
        .set("role", format!("{}-{name}-execution", self.env.name))
        .comp("id", format!("{name}-execution-2024"));
        out.push(self.res("aws_iam_role_policy_attachment", "execution", None, v));
        let mut v = self.v();
        v.set("name", format!("/ecs/{name}"))
            .set("retention_in_days", 14)
            .set("skip_destroy", false)
            .set("log_group_class", "STANDARD")
            .nulls(&["kms_key_id", "name_prefix"])
            .comp("arn", self.arn("logs", &format!("log-group:/ecs/{name}")))
            .comp("id", format!("/ecs/{name}"))
            .tags(&self.tags.clone());
        out.push(self.res("aws_cloudwatch_log_group", "this", None, v));
        let mut v = self.v();
        v.set("max_capacity", 10)
            .set("min_capacity", 2)
            .set("resource_id", format!("service/main/{name}"))
            .set("scalable_dimension", "ecs:service:DesiredCount")
            .set("service_namespace", "ecs")
            .comp(
                "arn",
                self.arn("application-autoscaling", "scalable-target/x"),
            )
            .comp("id", format!("service/main/{name}"))
            .comp(
                "role_arn",
                format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/ecs"),
            )
            .tags(&self.tags.clone());
        out.push(self.res("aws_appautoscaling_target", "this", None, v));
        Node {
            address: m.to_string(),
            resources: out,
            children: Vec::new(),
        }
    }

    fn lambda(&mut self, m: &str, vpc: &str, name: &'static str) -> Node {
        let mut out = Vec::new();
        let sg = self.security_group(m, vpc, "aws_security_group.this", name, vec![]);
        out.push(self.res("aws_security_group", "this", None, sg));
        let sg_id = self.id("sg", m, "aws_security_group.this");
        let mut v = self.v();
        v.set("function_name", format!("{}-{name}", self.env.name))
            .set("handler", "index.handler")
            .set("runtime", "python3.12")
            .set("memory_size", 256)
            .set("timeout", 30)
            .set("package_type", "Zip")
            .set("publish", false)
            .set("reserved_concurrent_executions", -1)
            .set("s3_bucket", "artifacts")
            .set("s3_key", format!("{name}.zip"))
            .set("skip_destroy", false)
            .set("architectures", json!(["arm64"]))
            .nulls(&[
                "code_signing_config_arn",
                "description",
                "filename",
                "image_uri",
                "kms_key_arn",
                "s3_object_version",
                "timeouts",
                "replace_security_groups_on_destroy",
                "replacement_security_group_ids",
            ])
            .set("dead_letter_config", json!([]))
            .set(
                "environment",
                json!([{"variables": {"ENV": self.env.name, "TABLE": "orders"}}]),
            )
            .set("ephemeral_storage", json!([{"size": 512}]))
            .set("file_system_config", json!([]))
            .set("image_config", json!([]))
            .set("tracing_config", json!([{"mode": "Active"}]))
            .comp("arn", self.arn("lambda", &format!("function:{name}")))
            .comp("id", format!("{}-{name}", self.env.name))
            .comp(
                "invoke_arn",
                self.arn("lambda", &format!("function:{name}/invocations")),
            )
            .comp("last_modified", "2025-01-01T00:00:00.000+0000")
            .comp(
                "qualified_arn",
                self.arn("lambda", &format!("function:{name}:$LATEST")),
            )
            .comp("role", format!("arn:aws:iam::{ACCOUNT}:role/{name}"))
            .comp("signing_job_arn", "")
            .comp(
                "source_code_hash",
                "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            )
            .comp("source_code_size", 4096)
            .comp("version", "$LATEST")
            .tags(&self.tags.clone());
        let subnets = Value::Array(self.private_subnet_ids(vpc));
        v.blocks_partly(
            "vpc_config",
            vec![(
                json!({"ipv6_allowed_for_dual_stack": false}),
                vec![
                    ("security_group_ids", json!([sg_id])),
                    ("subnet_ids", subnets),
                    ("vpc_id", json!(self.id("vpc", vpc, "aws_vpc.this[0]"))),
                ],
            )],
        );
        out.push(self.res("aws_lambda_function", "this", None, v));
        let role = self.iam_role(name, "lambda.amazonaws.com");
        out.push(self.res("aws_iam_role", "this", None, role));
        let mut v = self.v();
        v.set(
            "policy_arn",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        )
        .set("role", format!("{}-{name}", self.env.name))
        .comp("id", format!("{name}-vpc-2024"));
        out.push(self.res("aws_iam_role_policy_attachment", "vpc", None, v));
        let mut v = self.v();
        v.set("name", format!("/aws/lambda/{name}"))
            .set("retention_in_days", 14)
            .set("skip_destroy", false)
            .set("log_group_class", "STANDARD")
            .nulls(&["kms_key_id", "name_prefix"])
            .comp(
                "arn",
                self.arn("logs", &format!("log-group:/aws/lambda/{name}")),
            )
            .comp("id", format!("/aws/lambda/{name}"))
            .tags(&self.tags.clone());
        out.push(self.res("aws_cloudwatch_log_group", "this", None, v));
        let mut v = self.v();
        v.set("name", format!("{name}-dlq"))
            .set("message_retention_seconds", 1_209_600)
            .set("visibility_timeout_seconds", 30)
            .set("fifo_queue", false)
            .set("sqs_managed_sse_enabled", true)
            .comp("arn", self.arn("sqs", &format!("{name}-dlq")))
            .comp(
                "id",
                format!(
                    "https://sqs.{}.amazonaws.com/{ACCOUNT}/{name}-dlq",
                    self.stack.region
                ),
            )
            .comp(
                "url",
                format!(
                    "https://sqs.{}.amazonaws.com/{ACCOUNT}/{name}-dlq",
                    self.stack.region
                ),
            )
            .comp("policy", "")
            .tags(&self.tags.clone());
        out.push(self.res("aws_sqs_queue", "dlq", None, v));
        Node {
            address: m.to_string(),
            resources: out,
            children: Vec::new(),
        }
    }

    fn rds(&mut self, m: &str, vpc: &str) -> Node {
        let mut out = Vec::new();
        let ingress = vec![
            json!({"cidr_blocks": [self.cidr()], "description": "PostgreSQL", "from_port": 5432, "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp", "security_groups": [], "self": false, "to_port": 5432}),
        ];
        let sg = self.security_group(m, vpc, "aws_security_group.this", "database", ingress);
        out.push(self.res("aws_security_group", "this", None, sg));
        let mut v = self.v();
        v.set("allocated_storage", 100)
            .set("engine", "postgres")
            .set("engine_version", "16.3")
            .set("instance_class", "db.r6g.large")
            .set(
                "identifier",
                format!("{}-{}", self.stack.call(), self.env.name),
            )
            .set("multi_az", self.env.name == "prod")
            .set("storage_encrypted", true)
            .set("storage_type", "gp3")
            .set("skip_final_snapshot", false)
            .set("backup_retention_period", 7)
            .set("deletion_protection", true)
            .set(
                "db_subnet_group_name",
                format!("{}-{}", self.stack.call(), self.env.name),
            )
            .set("username", "app")
            .set("publicly_accessible", false)
            .nulls(&[
                "password",
                "snapshot_identifier",
                "replicate_source_db",
                "timeouts",
                "domain",
                "custom_iam_instance_profile",
            ])
            .set("blue_green_update", json!([]))
            .set("restore_to_point_in_time", json!([]))
            .set("s3_import", json!([]))
            .comp("address", "db.internal")
            .comp("arn", self.arn("rds", "db:x"))
            .comp("availability_zone", self.az(0))
            .comp("endpoint", "db.internal:5432")
            .comp("hosted_zone_id", "Z2R2ITUGPM61AM")
            .comp("id", "db-ABCDEFGHIJKLMNOP")
            .comp("kms_key_id", self.arn("kms", "key/x"))
            .comp("port", 5432)
            .comp("resource_id", "db-ABCDEFGHIJKLMNOP")
            .comp("status", "available")
            .tags(&self.tags.clone());
        v.comp_list(
            "vpc_security_group_ids",
            vec![json!(self.id("sg", m, "aws_security_group.this"))],
        );
        v.sensitive.insert("password".into(), json!(true));
        out.push(self.res("aws_db_instance", "this", None, v));
        let mut v = self.v();
        v.set("family", "postgres16")
            .set("name", format!("{}-pg16", self.env.name))
            .set("description", "Managed by Terraform")
            .set("skip_destroy", false)
            .blocks("parameter", vec![
                json!({"apply_method": "immediate", "name": "log_min_duration_statement", "value": "500"}),
                json!({"apply_method": "pending-reboot", "name": "shared_preload_libraries", "value": "pg_stat_statements"}),
            ])
            .comp("arn", self.arn("rds", "pg:x"))
            .comp("id", format!("{}-pg16", self.env.name))
            .comp("name_prefix", "")
            .tags(&self.tags.clone());
        out.push(self.res("aws_db_parameter_group", "this", None, v));
        let key = self.kms_values("database");
        out.push(self.res("aws_kms_key", "this", None, key));
        Node {
            address: m.to_string(),
            resources: out,
            children: Vec::new(),
        }
    }

    fn bastion(&mut self, m: &str, vpc: &str) -> Res {
        let mut v = self.v();
        v.set("ami", "ami-0c55b159cbfafe1f0")
            .set("instance_type", "t3.micro")
            .set("associate_public_ip_address", true)
            .set("get_password_data", false)
            .set("hibernation", Value::Null)
            .set("monitoring", false)
            .set("source_dest_check", true)
            .set("user_data_replace_on_change", false)
            .nulls(&[
                "iam_instance_profile",
                "key_name",
                "launch_template",
                "placement_group",
                "user_data",
                "user_data_base64",
                "volume_tags",
                "timeouts",
            ])
            .set("credit_specification", json!([]))
            .set("ebs_block_device", json!([]))
            .set("ephemeral_block_device", json!([]))
            .set("network_interface", json!([]))
            .comp("arn", self.arn("ec2", "instance/x"))
            .comp("availability_zone", self.az(0))
            .comp("id", self.id("i", m, "aws_instance.bastion"))
            .comp("instance_state", "running")
            .comp("ipv6_addresses", json!([]))
            .comp("outpost_arn", "")
            .comp("password_data", "")
            .comp("primary_network_interface_id", self.id("eni", m, "bastion"))
            .comp("private_dns", "ip-10-0-1-10.ec2.internal")
            .comp("private_ip", "10.0.1.10")
            .comp("public_dns", "ec2-54-0-0-2.compute-1.amazonaws.com")
            .comp("public_ip", "54.0.0.2")
            .comp("security_groups", json!([]))
            .comp("subnet_id", self.id("subnet", vpc, "aws_subnet.public[0]"))
            .comp("tenancy", "default")
            .comp_list(
                "vpc_security_group_ids",
                vec![json!(self.id("sg", vpc, "default"))],
            )
            .tags(&self.tags.clone());
        v.blocks_partly(
            "root_block_device",
            vec![(
                json!({"delete_on_termination": true, "encrypted": true, "volume_size": 20, "volume_type": "gp3"}),
                vec![("device_name", json!("/dev/xvda")), ("iops", json!(3000)), ("kms_key_id", json!("")), ("throughput", json!(125)), ("volume_id", json!("vol-1"))],
            )],
        );
        self.res("aws_instance", "bastion", None, v)
    }

    fn dynamodb(&mut self, _m: &str) -> Res {
        let mut v = self.v();
        v.set("name", format!("{}-orders", self.env.name))
            .set("billing_mode", "PAY_PER_REQUEST")
            .set("hash_key", "pk")
            .set("range_key", "sk")
            .set("deletion_protection_enabled", true)
            .set("table_class", "STANDARD")
            .nulls(&[
                "restore_date_time",
                "restore_source_name",
                "restore_source_table_arn",
                "restore_to_latest_time",
                "stream_view_type",
                "timeouts",
            ])
            .blocks(
                "attribute",
                vec![
                    json!({"name": "pk", "type": "S"}),
                    json!({"name": "sk", "type": "S"}),
                ],
            )
            .set(
                "point_in_time_recovery",
                json!([{"enabled": true, "recovery_period_in_days": 35}]),
            )
            .set("global_secondary_index", json!([]))
            .set("local_secondary_index", json!([]))
            .set("replica", json!([]))
            .set(
                "ttl",
                json!([{"attribute_name": "expires", "enabled": true}]),
            )
            .comp("arn", self.arn("dynamodb", "table/orders"))
            .comp("id", format!("{}-orders", self.env.name))
            .comp("read_capacity", 0)
            .comp("stream_arn", "")
            .comp("stream_enabled", false)
            .comp("stream_label", "")
            .comp("write_capacity", 0)
            .tags(&self.tags.clone());
        self.res("aws_dynamodb_table", "orders", None, v)
    }

    fn kms_values(&mut self, name: &str) -> V {
        let mut v = self.v();
        v.set("description", format!("{name} key"))
            .set("deletion_window_in_days", 30)
            .set("enable_key_rotation", true)
            .set("is_enabled", true)
            .set("key_usage", "ENCRYPT_DECRYPT")
            .set("customer_master_key_spec", "SYMMETRIC_DEFAULT")
            .set("bypass_policy_lockout_safety_check", false)
            .nulls(&["custom_key_store_id", "xks_key_id", "rotation_period_in_days"])
            .comp("arn", self.arn("kms", "key/x"))
            .comp("id", "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")
            .comp("key_id", "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")
            .comp("multi_region", false)
            .comp("policy", json!({"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "kms:*", "Resource": "*"}]}).to_string())
            .tags(&self.tags.clone());
        v
    }

    // --- everything no rule reads --------------------------------------------------------------

    fn filler(&mut self, i: usize) -> Res {
        let (rtype, name) = FILLER[i % FILLER.len()];
        let key = format!(
            "{}-{}",
            FILLER_KEYS[(i / FILLER.len()) % FILLER_KEYS.len()],
            i / FILLER.len()
        );
        let bucket = format!(
            "{}-{}-{key}",
            self.stack.call().replace('_', "-"),
            self.env.name
        );
        let tags = self.tags.clone();
        let mut v = self.v();
        match rtype {
            "aws_s3_bucket" => {
                v.set("bucket", bucket.clone())
                    .set("force_destroy", false)
                    .set("object_lock_enabled", false)
                    .nulls(&["bucket_prefix", "timeouts"])
                    .comp("acceleration_status", "")
                    .comp("acl", Value::Null)
                    .comp("arn", format!("arn:aws:s3:::{bucket}"))
                    .comp("bucket_domain_name", format!("{bucket}.s3.amazonaws.com"))
                    .comp(
                        "bucket_regional_domain_name",
                        format!("{bucket}.s3.{}.amazonaws.com", self.stack.region),
                    )
                    .comp("hosted_zone_id", "Z3AQBSTGFYJSTF")
                    .comp("id", bucket.clone())
                    .comp("policy", "")
                    .comp("request_payer", "BucketOwner")
                    .comp_list("cors_rule", vec![])
                    .comp_list("grant", vec![])
                    .comp_list("lifecycle_rule", vec![])
                    .comp_list("logging", vec![])
                    .comp_list("object_lock_configuration", vec![])
                    .comp_list("replication_configuration", vec![])
                    .comp_list("server_side_encryption_configuration", vec![])
                    .comp_list("versioning", vec![])
                    .comp_list("website", vec![])
                    .comp("website_domain", Value::Null)
                    .comp("website_endpoint", Value::Null)
                    .tags(&tags);
            }
            "aws_s3_bucket_versioning" => {
                v.set("bucket", bucket.clone())
                    .set("expected_bucket_owner", Value::Null)
                    .set("mfa", Value::Null)
                    .blocks(
                        "versioning_configuration",
                        vec![json!({"mfa_delete": null, "status": "Enabled"})],
                    )
                    .comp("id", bucket.clone());
            }
            "aws_s3_bucket_server_side_encryption_configuration" => {
                v.set("bucket", bucket.clone())
                    .set("expected_bucket_owner", Value::Null)
                    .blocks("rule", vec![json!({"apply_server_side_encryption_by_default": [{"kms_master_key_id": "", "sse_algorithm": "aws:kms"}], "bucket_key_enabled": true})])
                    .comp("id", bucket.clone());
            }
            "aws_s3_bucket_public_access_block" => {
                v.set("bucket", bucket.clone())
                    .set("block_public_acls", true)
                    .set("block_public_policy", true)
                    .set("ignore_public_acls", true)
                    .set("restrict_public_buckets", true)
                    .set("skip_destroy", Value::Null)
                    .comp("id", bucket.clone());
            }
            "aws_s3_bucket_policy" => {
                v.set("bucket", bucket.clone())
                    .comp("id", bucket.clone())
                    .comp(
                        "policy",
                        json!({"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}).to_string(),
                    );
            }
            "aws_iam_policy_document" => {
                v.set("version", "2012-10-17")
                    .nulls(&["override_policy_documents", "policy_id", "source_policy_documents"])
                    .blocks("statement", vec![json!({"actions": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], "condition": [], "effect": "Allow", "not_actions": [], "not_principals": [], "not_resources": [], "principals": [], "resources": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")], "sid": "ReadWrite"})])
                    .comp("id", "2851119427")
                    .comp("json", json!({"Version": "2012-10-17", "Statement": [{"Sid": "ReadWrite", "Effect": "Allow", "Action": ["s3:PutObject", "s3:ListBucket", "s3:GetObject"], "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]}]}).to_string())
                    .comp("minified_json", json!({"Version": "2012-10-17"}).to_string());
                v.after.remove("region");
                let mut r = self.data(rtype, name, Some(Key::Str(key)), v);
                if !self.known() {
                    // Depends on a bucket created by this plan: read during apply.
                    r.action = Act::ReadLater;
                }
                return r;
            }
            "aws_iam_policy" => {
                v.set("name", format!("{bucket}-access"))
                    .set("path", "/")
                    .set("description", "Access to the bucket")
                    .set("name_prefix", Value::Null)
                    .comp("arn", format!("arn:aws:iam::{ACCOUNT}:policy/{bucket}-access"))
                    .comp("attachment_count", 1)
                    .comp("id", format!("arn:aws:iam::{ACCOUNT}:policy/{bucket}-access"))
                    .comp("policy", json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": format!("arn:aws:s3:::{bucket}/*")}]}).to_string())
                    .comp("policy_id", "ANPA000000000000000")
                    .tags(&tags);
            }
            "aws_iam_role" => {
                v = self.iam_role(&key, "ec2.amazonaws.com");
            }
            "aws_iam_role_policy_attachment" => {
                v.set(
                    "policy_arn",
                    format!("arn:aws:iam::{ACCOUNT}:policy/{bucket}-access"),
                )
                .set("role", format!("{}-{key}", self.env.name))
                .comp("id", format!("{key}-2024"));
            }
            "aws_cloudwatch_metric_alarm" => {
                v.set("alarm_name", format!("{bucket}-errors"))
                    .set("comparison_operator", "GreaterThanThreshold")
                    .set("evaluation_periods", 3)
                    .set("metric_name", "5XXError")
                    .set("namespace", "AWS/ApiGateway")
                    .set("period", 300)
                    .set("statistic", "Sum")
                    .set("threshold", 10)
                    .set("treat_missing_data", "notBreaching")
                    .set("actions_enabled", true)
                    .set("alarm_description", "Too many 5XX errors")
                    .set("datapoints_to_alarm", Value::Null)
                    .set("dimensions", json!({"ApiName": key}))
                    .set("metric_query", json!([]))
                    .nulls(&[
                        "extended_statistic",
                        "insufficient_data_actions",
                        "ok_actions",
                        "threshold_metric_id",
                        "unit",
                        "evaluate_low_sample_count_percentiles",
                    ])
                    .comp("alarm_actions", json!([self.arn("sns", "alerts")]))
                    .comp(
                        "arn",
                        self.arn("cloudwatch", &format!("alarm:{bucket}-errors")),
                    )
                    .comp("id", format!("{bucket}-errors"))
                    .tags(&tags);
            }
            "aws_sns_topic" => {
                v.set("name", bucket.clone())
                    .set("fifo_topic", false)
                    .set("content_based_deduplication", false)
                    .nulls(&[
                        "delivery_policy",
                        "display_name",
                        "kms_master_key_id",
                        "name_prefix",
                        "signature_version",
                        "tracing_config",
                    ])
                    .comp("arn", self.arn("sns", &bucket))
                    .comp("id", self.arn("sns", &bucket))
                    .comp("owner", ACCOUNT)
                    .comp("policy", "")
                    .tags(&tags);
            }
            "aws_sqs_queue" => {
                v.set("name", bucket.clone())
                    .set("message_retention_seconds", 345_600)
                    .set("visibility_timeout_seconds", 30)
                    .set("fifo_queue", false)
                    .set("delay_seconds", 0)
                    .set("max_message_size", 262_144)
                    .set("receive_wait_time_seconds", 0)
                    .set("sqs_managed_sse_enabled", true)
                    .comp("arn", self.arn("sqs", &bucket))
                    .comp(
                        "id",
                        format!(
                            "https://sqs.{}.amazonaws.com/{ACCOUNT}/{bucket}",
                            self.stack.region
                        ),
                    )
                    .comp(
                        "url",
                        format!(
                            "https://sqs.{}.amazonaws.com/{ACCOUNT}/{bucket}",
                            self.stack.region
                        ),
                    )
                    .comp("policy", "")
                    .comp("redrive_policy", "")
                    .tags(&tags);
            }
            "aws_ssm_parameter" => {
                v.set(
                    "name",
                    format!("/{}/{}/{key}", self.stack.call(), self.env.name),
                )
                .set("type", "SecureString")
                .set("tier", "Standard")
                .set("data_type", "text")
                .nulls(&[
                    "allowed_pattern",
                    "description",
                    "insecure_value",
                    "overwrite",
                ])
                .set("value", Value::Null)
                .comp("arn", self.arn("ssm", &format!("parameter/{key}")))
                .comp("id", format!("/{}/{key}", self.env.name))
                .comp("key_id", "alias/aws/ssm")
                .comp("version", 1)
                .tags(&tags);
                v.sensitive.insert("value".into(), json!(true));
            }
            "aws_route53_record" => {
                v.set("name", format!("{key}.{}.example.com", self.env.name))
                    .set("type", "CNAME")
                    .set("ttl", 300)
                    .set("zone_id", "Z0123456789ABCDEFGHIJ")
                    .set("records", json!([format!("{key}.internal.example.com")]))
                    .nulls(&[
                        "health_check_id",
                        "set_identifier",
                        "multivalue_answer_routing_policy",
                        "allow_overwrite",
                    ])
                    .set("alias", json!([]))
                    .set("cidr_routing_policy", json!([]))
                    .set("failover_routing_policy", json!([]))
                    .set("geolocation_routing_policy", json!([]))
                    .set("latency_routing_policy", json!([]))
                    .set("weighted_routing_policy", json!([]))
                    .comp("fqdn", format!("{key}.{}.example.com", self.env.name))
                    .comp("id", format!("Z0123456789ABCDEFGHIJ_{key}_CNAME"));
                v.after.remove("region");
            }
            "aws_kms_key" => {
                v = self.kms_values(&key);
            }
            _ => unreachable!("filler type {rtype}"),
        }
        self.res(rtype, name, Some(Key::Str(key)), v)
    }
}

const SUBNET_NAMES: [&str; 3] = ["public", "private", "database"];
const ECS_APPS: &[&str] = &["api", "worker", "web"];
const LAMBDAS: &[&str] = &["ingest", "thumbnails"];
const FILLER: &[(&str, &str)] = &[
    ("aws_s3_bucket", "this"),
    ("aws_s3_bucket_versioning", "this"),
    ("aws_s3_bucket_server_side_encryption_configuration", "this"),
    ("aws_s3_bucket_public_access_block", "this"),
    ("aws_s3_bucket_policy", "this"),
    ("aws_iam_policy_document", "bucket"),
    ("aws_iam_policy", "bucket"),
    ("aws_iam_role", "service"),
    ("aws_iam_role_policy_attachment", "service"),
    ("aws_cloudwatch_metric_alarm", "errors"),
    ("aws_sns_topic", "events"),
    ("aws_sqs_queue", "events"),
    ("aws_ssm_parameter", "config"),
    ("aws_route53_record", "service"),
    ("aws_kms_key", "data"),
];
const FILLER_KEYS: &[&str] = &[
    "assets", "logs", "reports", "exports", "uploads", "billing", "audit", "backups", "events",
    "media",
];

fn build_env(seed: u64, stack: &Stack, env: &Env) -> Node {
    let b = EnvBuilder {
        seed,
        stack,
        env,
        rng: Rng::derive(seed, &[2, stack.index as u64, hash(0, env.name)]),
        tags: json!({"Environment": env.name, "ManagedBy": "terraform", "Stack": stack.call(), "Team": format!("team-{}", stack.index % 17)}),
    };
    b.build()
}

// ---------------------------------------------------------------------------------------------
// Configuration of one stack module call.

fn refs(list: &[&str]) -> Value {
    json!({ "references": list })
}

fn cv(v: impl Into<Value>) -> Value {
    json!({ "constant_value": v.into() })
}

fn cres(rtype: &str, name: &str, expressions: Value, extra: &[(&str, Value)]) -> Value {
    let mut r = json!({
        "address": format!("{rtype}.{name}"),
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_config_key": "aws",
        "expressions": expressions,
        "schema_version": 0,
    });
    for (k, v) in extra {
        r[*k] = v.clone();
    }
    r
}

fn count(list: &[&str]) -> (&'static str, Value) {
    ("count_expression", refs(list))
}

fn for_each(list: &[&str]) -> (&'static str, Value) {
    ("for_each_expression", refs(list))
}

fn tags_expr() -> Value {
    refs(&["var.tags", "var.name"])
}

fn output(list: &[&str], description: &str) -> Value {
    json!({"expression": refs(list), "description": description})
}

fn network_config(stack: &Stack) -> Value {
    // The registry module hides the VPC id behind `local.vpc_id`; the local copy names it.
    let vpc_ref: Vec<&str> = if stack.community {
        vec!["local.vpc_id"]
    } else {
        vec!["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]
    };
    let vpc = || refs(&vpc_ref);
    let mut resources = vec![
        cres(
            "aws_vpc",
            "this",
            json!({"cidr_block": refs(&["var.use_ipam_pool", "var.cidr"]), "enable_dns_hostnames": refs(&["var.enable_dns_hostnames"]), "enable_dns_support": refs(&["var.enable_dns_support"]), "instance_tenancy": refs(&["var.instance_tenancy"]), "tags": tags_expr()}),
            &[count(&["local.create_vpc"])],
        ),
        cres(
            "aws_internet_gateway",
            "this",
            json!({"vpc_id": vpc(), "tags": tags_expr()}),
            &[count(&["local.create_public_subnets", "var.create_igw"])],
        ),
        cres(
            "aws_route_table",
            "public",
            json!({"vpc_id": vpc(), "tags": tags_expr()}),
            &[count(&["local.create_public_subnets"])],
        ),
        cres(
            "aws_route_table",
            "private",
            json!({"vpc_id": vpc(), "tags": tags_expr()}),
            &[count(&[
                "local.create_private_subnets",
                "local.nat_gateway_count",
            ])],
        ),
        cres(
            "aws_route",
            "public_internet_gateway",
            json!({"destination_cidr_block": cv("0.0.0.0/0"), "gateway_id": refs(&["aws_internet_gateway.this[0].id", "aws_internet_gateway.this[0]", "aws_internet_gateway.this"]), "route_table_id": refs(&["aws_route_table.public[0].id", "aws_route_table.public[0]", "aws_route_table.public"]), "timeouts": {"create": cv("5m")}}),
            &[count(&["local.create_public_subnets", "var.create_igw"])],
        ),
        cres(
            "aws_route",
            "private_nat_gateway",
            json!({"destination_cidr_block": refs(&["var.nat_gateway_destination_cidr_block"]), "nat_gateway_id": refs(&["aws_nat_gateway.this", "count.index"]), "route_table_id": refs(&["aws_route_table.private", "count.index"]), "timeouts": {"create": cv("5m")}}),
            &[count(&[
                "local.create_vpc",
                "var.enable_nat_gateway",
                "local.nat_gateway_count",
            ])],
        ),
        cres(
            "aws_eip",
            "nat",
            json!({"domain": cv("vpc"), "tags": refs(&["var.name", "var.azs", "var.single_nat_gateway", "count.index", "var.tags"])}),
            &[count(&[
                "local.create_vpc",
                "var.enable_nat_gateway",
                "var.reuse_nat_ips",
                "local.nat_gateway_count",
            ])],
        ),
        cres(
            "aws_nat_gateway",
            "this",
            json!({"allocation_id": refs(&["local.nat_gateway_ips", "var.single_nat_gateway", "count.index"]), "subnet_id": refs(&["aws_subnet.public", "var.single_nat_gateway", "count.index"]), "tags": tags_expr()}),
            &[count(&[
                "local.create_vpc",
                "var.enable_nat_gateway",
                "local.nat_gateway_count",
            ])],
        ),
        cres(
            "aws_default_security_group",
            "this",
            json!({"vpc_id": refs(&["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]), "tags": tags_expr()}),
            &[count(&[
                "local.create_vpc",
                "var.manage_default_security_group",
            ])],
        ),
        cres(
            "aws_default_route_table",
            "default",
            json!({"default_route_table_id": refs(&["aws_vpc.this[0].default_route_table_id", "aws_vpc.this[0]", "aws_vpc.this"]), "tags": tags_expr(), "timeouts": {"create": cv("5m"), "update": cv("5m")}}),
            &[count(&[
                "local.create_vpc",
                "var.manage_default_route_table",
            ])],
        ),
        cres(
            "aws_default_network_acl",
            "this",
            json!({"default_network_acl_id": refs(&["aws_vpc.this[0].default_network_acl_id", "aws_vpc.this[0]", "aws_vpc.this"]), "tags": tags_expr()}),
            &[count(&[
                "local.create_vpc",
                "var.manage_default_network_acl",
            ])],
        ),
        cres(
            "aws_db_subnet_group",
            "database",
            json!({"description": refs(&["var.name"]), "name": refs(&["var.database_subnet_group_name", "var.name"]), "subnet_ids": refs(&["aws_subnet.database"]), "tags": tags_expr()}),
            &[count(&[
                "local.create_database_subnets",
                "var.create_database_subnet_group",
            ])],
        ),
        cres(
            "aws_flow_log",
            "this",
            json!({"iam_role_arn": refs(&["local.flow_log_iam_role_arn"]), "log_destination": refs(&["local.flow_log_destination_arn"]), "log_destination_type": refs(&["var.flow_log_destination_type"]), "max_aggregation_interval": refs(&["var.flow_log_max_aggregation_interval"]), "traffic_type": refs(&["var.flow_log_traffic_type"]), "vpc_id": vpc(), "tags": tags_expr()}),
            &[count(&["local.enable_flow_log"])],
        ),
        cres(
            "aws_cloudwatch_log_group",
            "flow_log",
            json!({"name": refs(&["var.flow_log_cloudwatch_log_group_name_prefix", "local.flow_log_group_name_suffix"]), "retention_in_days": refs(&["var.flow_log_cloudwatch_log_group_retention_in_days"]), "tags": tags_expr()}),
            &[count(&["local.create_flow_log_cloudwatch_log_group"])],
        ),
        cres(
            "aws_iam_role",
            "vpc_flow_log_cloudwatch",
            json!({"assume_role_policy": refs(&["data.aws_iam_policy_document.flow_log_cloudwatch_assume_role[0].json", "data.aws_iam_policy_document.flow_log_cloudwatch_assume_role[0]", "data.aws_iam_policy_document.flow_log_cloudwatch_assume_role"]), "name_prefix": refs(&["var.vpc_flow_log_iam_role_name"]), "tags": tags_expr()}),
            &[count(&["local.create_flow_log_cloudwatch_iam_role"])],
        ),
    ];
    for (tier, name) in SUBNET_NAMES.iter().enumerate() {
        let var = format!("var.{name}_subnets");
        resources.push(cres("aws_subnet", name, json!({
            "availability_zone": refs(&["var.azs", "count.index"]),
            "cidr_block": refs(&[&var, "count.index"]),
            "map_public_ip_on_launch": if tier == 0 { refs(&["var.map_public_ip_on_launch"]) } else { cv(false) },
            "vpc_id": vpc(),
            "tags": refs(&["var.name", "var.azs", "count.index", "var.tags"]),
        }), &[count(&[&format!("local.create_{name}_subnets"), &format!("local.len_{name}_subnets")])]));
        let table = if tier == 0 {
            refs(&[
                "aws_route_table.public[0].id",
                "aws_route_table.public[0]",
                "aws_route_table.public",
            ])
        } else {
            refs(&[
                "aws_route_table.private",
                "var.single_nat_gateway",
                "count.index",
            ])
        };
        resources.push(cres(
            "aws_route_table_association",
            name,
            json!({
                "route_table_id": table,
                "subnet_id": refs(&[&format!("aws_subnet.{name}"), "count.index"]),
            }),
            &[count(&[
                &format!("local.create_{name}_subnets"),
                &format!("local.len_{name}_subnets"),
            ])],
        ));
    }
    let mut variables = Map::new();
    for (name, default) in [
        ("name", json!("")),
        ("cidr", json!("10.0.0.0/16")),
        ("azs", json!([])),
        ("public_subnets", json!([])),
        ("private_subnets", json!([])),
        ("database_subnets", json!([])),
        ("enable_nat_gateway", json!(false)),
        ("single_nat_gateway", json!(false)),
        ("one_nat_gateway_per_az", json!(false)),
        ("enable_dns_hostnames", json!(true)),
        ("enable_dns_support", json!(true)),
        ("instance_tenancy", json!("default")),
        ("map_public_ip_on_launch", json!(false)),
        ("enable_flow_log", json!(false)),
        ("flow_log_destination_type", json!("cloud-watch-logs")),
        ("flow_log_traffic_type", json!("ALL")),
        ("flow_log_max_aggregation_interval", json!(600)),
        ("tags", json!({})),
    ] {
        variables.insert(
            name.into(),
            json!({"default": default, "description": format!("The {name} of the VPC module")}),
        );
    }
    let (source, version) = if stack.community {
        ("terraform-aws-modules/vpc/aws", Some("~> 5.0"))
    } else {
        ("./modules/network", None)
    };
    let azs: Vec<String> = (0..stack.azs)
        .map(|i| format!("{}{}", stack.region, ["a", "b", "c"][i]))
        .collect();
    let mut call = json!({
        "source": source,
        "expressions": {
            "name": refs(&["each.key", "var.name"]),
            "cidr": refs(&["var.cidr_blocks", "each.key"]),
            "azs": cv(azs),
            "public_subnets": refs(&["local.public_subnets"]),
            "private_subnets": refs(&["local.private_subnets"]),
            "database_subnets": refs(&["local.database_subnets"]),
            "enable_nat_gateway": cv(stack.nat),
            "single_nat_gateway": cv(stack.single_nat),
            "enable_flow_log": cv(true),
            "map_public_ip_on_launch": cv(true),
            "tags": refs(&["local.tags"]),
        },
        "module": {
            "outputs": {
                "vpc_id": output(&["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"], "The ID of the VPC"),
                "vpc_cidr_block": output(&["aws_vpc.this[0].cidr_block", "aws_vpc.this[0]", "aws_vpc.this"], "The CIDR block of the VPC"),
                "private_subnets": output(&["aws_subnet.private"], "List of IDs of private subnets"),
                "public_subnets": output(&["aws_subnet.public"], "List of IDs of public subnets"),
                "database_subnets": output(&["aws_subnet.database"], "List of IDs of database subnets"),
                "database_subnet_group_name": output(&["aws_db_subnet_group.database[0].name", "aws_db_subnet_group.database[0]", "aws_db_subnet_group.database"], "Name of database subnet group"),
                "private_route_table_ids": output(&["aws_route_table.private"], "List of IDs of private route tables"),
                "public_route_table_ids": output(&["aws_route_table.public"], "List of IDs of public route tables"),
                "natgw_ids": output(&["aws_nat_gateway.this"], "List of NAT Gateway IDs"),
                "igw_id": output(&["aws_internet_gateway.this[0].id", "aws_internet_gateway.this[0]", "aws_internet_gateway.this"], "The ID of the Internet Gateway"),
            },
            "resources": resources,
            "variables": variables,
        },
    });
    if let Some(v) = version {
        call["version_constraint"] = json!(v);
    }
    call
}

fn endpoints_config(stack: &Stack) -> Value {
    let subnet_ids = if stack.endpoints_one_az {
        refs(&[
            "module.vpc.private_subnets[0]",
            "module.vpc.private_subnets",
            "module.vpc",
        ])
    } else {
        refs(&["module.vpc.private_subnets", "module.vpc"])
    };
    let mut services: Vec<&str> = stack.services.clone();
    if stack.s3_interface {
        services.push("s3");
    }
    json!({
        "source": "./modules/endpoints",
        "expressions": {
            "vpc_id": refs(&["module.vpc.vpc_id", "module.vpc"]),
            "vpc_cidr": refs(&["module.vpc.vpc_cidr_block", "module.vpc"]),
            "subnet_ids": subnet_ids,
            "route_table_ids": refs(&["module.vpc.private_route_table_ids", "module.vpc"]),
            "create_s3_gateway": cv(stack.s3_gateway),
            "interface_services": cv(services),
            "tags": refs(&["local.tags"]),
        },
        "module": {
            "resources": [
                cres("aws_security_group", "endpoints", json!({"description": cv("VPC endpoints"), "name": refs(&["var.name"]), "vpc_id": refs(&["var.vpc_id"]), "ingress": refs(&["var.vpc_cidr"]), "tags": refs(&["var.tags"])}), &[]),
                cres("aws_vpc_endpoint", "s3", json!({"vpc_id": refs(&["var.vpc_id"]), "service_name": refs(&["data.aws_region.current.name", "data.aws_region.current"]), "vpc_endpoint_type": cv("Gateway"), "route_table_ids": refs(&["var.route_table_ids"]), "tags": refs(&["var.tags"])}), &[count(&["var.create_s3_gateway"])]),
                cres("aws_vpc_endpoint", "interface", json!({"vpc_id": refs(&["var.vpc_id"]), "service_name": refs(&["data.aws_region.current.name", "data.aws_region.current", "each.value"]), "vpc_endpoint_type": cv("Interface"), "private_dns_enabled": cv(stack.private_dns), "subnet_ids": refs(&["var.subnet_ids"]), "security_group_ids": refs(&["aws_security_group.endpoints.id", "aws_security_group.endpoints"]), "tags": refs(&["var.tags"])}), &[for_each(&["var.interface_services"])]),
            ],
            "variables": {
                "vpc_id": {"description": "VPC"},
                "vpc_cidr": {"description": "CIDR allowed to reach the endpoints"},
                "subnet_ids": {"description": "Subnets of the Interface endpoints"},
                "route_table_ids": {"description": "Route tables of the Gateway endpoint"},
                "create_s3_gateway": {"default": true},
                "interface_services": {"default": []},
                "name": {"default": "endpoints"},
                "tags": {"default": {}},
            },
        },
    })
}

fn sg_config() -> Value {
    cres(
        "aws_security_group",
        "this",
        json!({"description": refs(&["var.name"]), "name": refs(&["var.name"]), "vpc_id": refs(&["var.vpc_id"]), "tags": refs(&["var.tags"])}),
        &[],
    )
}

fn role_config(name: &str) -> Value {
    cres(
        "aws_iam_role",
        name,
        json!({"assume_role_policy": refs(&["data.aws_iam_policy_document.assume.json", "data.aws_iam_policy_document.assume"]), "name": refs(&["var.name"]), "tags": refs(&["var.tags"])}),
        &[],
    )
}

fn log_group_config() -> Value {
    cres(
        "aws_cloudwatch_log_group",
        "this",
        json!({"name": refs(&["var.name"]), "retention_in_days": cv(14), "tags": refs(&["var.tags"])}),
        &[],
    )
}

fn app_call(source: &str, resources: Vec<Value>, extra: Value) -> Value {
    let mut expressions = json!({
        "name": refs(&["each.key"]),
        "vpc_id": refs(&["module.vpc.vpc_id", "module.vpc"]),
        "subnet_ids": refs(&["module.vpc.private_subnets", "module.vpc"]),
        "tags": refs(&["local.tags"]),
    });
    if let Value::Object(extra) = extra {
        for (k, v) in extra {
            expressions[k] = v;
        }
    }
    json!({
        "source": source,
        "expressions": expressions,
        "module": {
            "resources": resources,
            "variables": {
                "name": {}, "vpc_id": {}, "subnet_ids": {}, "tags": {"default": {}},
                "db_subnet_group_name": {"default": null}, "image": {"default": "app:latest"},
            },
            "outputs": {
                "security_group_id": output(&["aws_security_group.this.id", "aws_security_group.this"], "The security group"),
            },
        },
    })
}

fn ecs_config() -> Value {
    app_call(
        "./modules/ecs-service",
        vec![
            cres(
                "aws_ecs_task_definition",
                "this",
                json!({"container_definitions": {}, "cpu": cv(256), "memory": cv(512), "family": refs(&["var.name"]), "network_mode": cv("awsvpc"), "requires_compatibilities": cv(["FARGATE"]), "execution_role_arn": refs(&["aws_iam_role.execution.arn", "aws_iam_role.execution"])}),
                &[],
            ),
            sg_config(),
            cres(
                "aws_vpc_security_group_ingress_rule",
                "http",
                json!({"security_group_id": refs(&["aws_security_group.this.id", "aws_security_group.this"]), "cidr_ipv4": refs(&["var.vpc_cidr"]), "from_port": cv(8080), "to_port": cv(8080), "ip_protocol": cv("tcp")}),
                &[],
            ),
            cres(
                "aws_vpc_security_group_egress_rule",
                "all",
                json!({"security_group_id": refs(&["aws_security_group.this.id", "aws_security_group.this"]), "cidr_ipv4": cv("0.0.0.0/0"), "ip_protocol": cv("-1")}),
                &[],
            ),
            cres(
                "aws_ecs_service",
                "this",
                json!({"name": refs(&["var.name"]), "cluster": refs(&["var.cluster_arn"]), "desired_count": cv(2), "launch_type": cv("FARGATE"), "task_definition": refs(&["aws_ecs_task_definition.this.arn", "aws_ecs_task_definition.this"]), "network_configuration": [{"assign_public_ip": cv(false), "security_groups": refs(&["aws_security_group.this.id", "aws_security_group.this"]), "subnets": refs(&["var.subnet_ids"])}]}),
                &[],
            ),
            role_config("task"),
            role_config("execution"),
            cres(
                "aws_iam_role_policy_attachment",
                "execution",
                json!({"policy_arn": cv("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"), "role": refs(&["aws_iam_role.execution.name", "aws_iam_role.execution"])}),
                &[],
            ),
            log_group_config(),
            cres(
                "aws_appautoscaling_target",
                "this",
                json!({"max_capacity": cv(10), "min_capacity": cv(2), "resource_id": refs(&["aws_ecs_service.this.name", "aws_ecs_service.this"]), "scalable_dimension": cv("ecs:service:DesiredCount"), "service_namespace": cv("ecs")}),
                &[],
            ),
        ],
        json!({"vpc_cidr": refs(&["module.vpc.vpc_cidr_block", "module.vpc"]), "cluster_arn": refs(&["aws_ecs_cluster.main.arn", "aws_ecs_cluster.main"])}),
    )
}

fn lambda_config() -> Value {
    app_call(
        "./modules/lambda",
        vec![
            sg_config(),
            cres(
                "aws_lambda_function",
                "this",
                json!({"function_name": refs(&["var.name"]), "handler": cv("index.handler"), "runtime": cv("python3.12"), "memory_size": cv(256), "timeout": cv(30), "s3_bucket": cv("artifacts"), "s3_key": refs(&["var.name"]), "role": refs(&["aws_iam_role.this.arn", "aws_iam_role.this"]), "architectures": cv(["arm64"]), "environment": [{"variables": refs(&["var.environment"])}], "tracing_config": [{"mode": cv("Active")}], "vpc_config": [{"security_group_ids": refs(&["aws_security_group.this.id", "aws_security_group.this"]), "subnet_ids": refs(&["var.subnet_ids"])}]}),
                &[],
            ),
            role_config("this"),
            cres(
                "aws_iam_role_policy_attachment",
                "vpc",
                json!({"policy_arn": cv("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"), "role": refs(&["aws_iam_role.this.name", "aws_iam_role.this"])}),
                &[],
            ),
            log_group_config(),
            cres(
                "aws_sqs_queue",
                "dlq",
                json!({"name": refs(&["var.name"]), "message_retention_seconds": cv(1_209_600), "sqs_managed_sse_enabled": cv(true)}),
                &[],
            ),
        ],
        json!({"environment": cv(json!({"TABLE": "orders"}))}),
    )
}

fn rds_config() -> Value {
    app_call(
        "./modules/rds",
        vec![
            cres(
                "aws_security_group",
                "this",
                json!({"description": refs(&["var.name"]), "name": refs(&["var.name"]), "vpc_id": refs(&["var.vpc_id"]), "ingress": [{"cidr_blocks": refs(&["var.allowed_cidrs"]), "from_port": cv(5432), "to_port": cv(5432), "protocol": cv("tcp")}], "tags": refs(&["var.tags"])}),
                &[],
            ),
            cres(
                "aws_db_instance",
                "this",
                json!({"allocated_storage": cv(100), "engine": cv("postgres"), "engine_version": cv("16.3"), "instance_class": refs(&["var.instance_class"]), "identifier": refs(&["var.name"]), "multi_az": refs(&["var.multi_az"]), "storage_encrypted": cv(true), "kms_key_id": refs(&["aws_kms_key.this.arn", "aws_kms_key.this"]), "db_subnet_group_name": refs(&["var.db_subnet_group_name"]), "vpc_security_group_ids": refs(&["aws_security_group.this.id", "aws_security_group.this"]), "username": cv("app"), "password": refs(&["random_password.master.result", "random_password.master"])}),
                &[],
            ),
            cres(
                "aws_db_parameter_group",
                "this",
                json!({"family": cv("postgres16"), "name": refs(&["var.name"]), "parameter": [{"name": cv("log_min_duration_statement"), "value": cv("500")}, {"apply_method": cv("pending-reboot"), "name": cv("shared_preload_libraries"), "value": cv("pg_stat_statements")}]}),
                &[],
            ),
            cres(
                "aws_kms_key",
                "this",
                json!({"description": refs(&["var.name"]), "enable_key_rotation": cv(true), "deletion_window_in_days": cv(30)}),
                &[],
            ),
        ],
        json!({"db_subnet_group_name": refs(&["module.vpc.database_subnet_group_name", "module.vpc"]), "allowed_cidrs": refs(&["module.vpc.vpc_cidr_block", "module.vpc"]), "instance_class": cv("db.r6g.large"), "multi_az": refs(&["each.key"])}),
    )
}

fn filler_config(rtype: &str, name: &str) -> Value {
    let expressions = match rtype {
        "aws_s3_bucket" => {
            json!({"bucket": refs(&["each.key", "local.prefix"]), "force_destroy": cv(false), "tags": refs(&["local.tags"])})
        }
        "aws_s3_bucket_versioning"
        | "aws_s3_bucket_server_side_encryption_configuration"
        | "aws_s3_bucket_public_access_block"
        | "aws_s3_bucket_policy" => {
            json!({"bucket": refs(&["aws_s3_bucket.this", "each.key"]), "policy": refs(&["data.aws_iam_policy_document.bucket", "each.key"])})
        }
        "aws_iam_policy" => {
            json!({"name": refs(&["each.key"]), "policy": refs(&["data.aws_iam_policy_document.bucket", "each.key"])})
        }
        "aws_iam_role_policy_attachment" => {
            json!({"policy_arn": refs(&["aws_iam_policy.bucket", "each.key"]), "role": refs(&["aws_iam_role.service", "each.key"])})
        }
        _ => json!({"name": refs(&["each.key", "local.prefix"]), "tags": refs(&["local.tags"])}),
    };
    let mut r = cres(
        rtype,
        name,
        expressions,
        &[for_each(&["local.resource_keys"])],
    );
    if rtype == "aws_iam_policy_document" {
        r["mode"] = json!("data");
        r["address"] = json!(format!("data.{rtype}.{name}"));
        r["expressions"] = json!({"statement": [{"actions": cv(["s3:GetObject", "s3:PutObject", "s3:ListBucket"]), "resources": refs(&["aws_s3_bucket.this", "each.key"]), "sid": cv("ReadWrite")}]});
    }
    r
}

fn stack_config(stack: &Stack) -> Value {
    let mut calls = Map::new();
    calls.insert("vpc".into(), network_config(stack));
    calls.insert("endpoints".into(), endpoints_config(stack));
    for name in ECS_APPS.iter().take(stack.ecs) {
        calls.insert((*name).into(), ecs_config());
    }
    for name in LAMBDAS.iter().take(stack.lambdas) {
        calls.insert((*name).into(), lambda_config());
    }
    if stack.rds {
        calls.insert("database".into(), rds_config());
    }
    let mut resources: Vec<Value> = FILLER.iter().map(|(t, n)| filler_config(t, n)).collect();
    if stack.bastion {
        resources.push(cres("aws_instance", "bastion", json!({"ami": refs(&["data.aws_ami.al2023.id", "data.aws_ami.al2023"]), "instance_type": cv("t3.micro"), "associate_public_ip_address": cv(true), "subnet_id": refs(&["module.vpc.public_subnets[0]", "module.vpc.public_subnets", "module.vpc"]), "vpc_security_group_ids": refs(&["module.vpc.default_security_group_id", "module.vpc"]), "root_block_device": [{"encrypted": cv(true), "volume_size": cv(20), "volume_type": cv("gp3")}]}), &[]));
    }
    if stack.dynamodb {
        resources.push(cres("aws_dynamodb_table", "orders", json!({"name": refs(&["each.key"]), "billing_mode": cv("PAY_PER_REQUEST"), "hash_key": cv("pk"), "range_key": cv("sk"), "attribute": [{"name": cv("pk"), "type": cv("S")}, {"name": cv("sk"), "type": cv("S")}]}), &[]));
    }
    resources.push(cres(
        "aws_instance",
        "legacy",
        json!({"ami": cv("ami-0c55b159cbfafe1f0"), "instance_type": cv("t3.large")}),
        &[count(&["var.legacy_count"])],
    ));
    json!({
        "source": "./stacks/platform",
        "expressions": {
            "region": refs(&["var.region"]),
            "team": cv(format!("team-{}", stack.index % 17)),
            "legacy_count": cv(0),
        },
        "for_each_expression": refs(&["local.environments"]),
        "module": {
            "resources": resources,
            "module_calls": calls,
            "outputs": {
                "vpc_id": output(&["module.vpc.vpc_id", "module.vpc"], "The stack's VPC"),
            },
            "variables": {
                "region": {"description": "Region"},
                "team": {"description": "Owning team"},
                "legacy_count": {"default": 2},
            },
        },
    })
}

// ---------------------------------------------------------------------------------------------
// Writing.

struct Out<W: Write> {
    w: W,
    bytes: u64,
}

impl<W: Write> Out<W> {
    fn raw(&mut self, s: &str) -> io::Result<()> {
        self.bytes += s.len() as u64;
        self.w.write_all(s.as_bytes())
    }

    fn value(&mut self, v: &Value) -> io::Result<()> {
        let text = serde_json::to_string(v).map_err(io::Error::other)?;
        self.raw(&text)
    }

    /// Writes a list item, with a comma before all but the first.
    fn item(&mut self, first: &mut bool, v: &Value) -> io::Result<()> {
        if !*first {
            self.raw(",")?;
        }
        *first = false;
        self.value(v)
    }
}

/// Sorts object keys recursively, as Terraform (Go's encoding/json on maps) writes them.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

fn module_address_of(node: &str) -> &str {
    node
}

fn key_json(key: &Option<Key>) -> Option<Value> {
    match key {
        None => None,
        Some(Key::Int(i)) => Some(json!(i)),
        Some(Key::Str(s)) => Some(json!(s)),
    }
}

fn state_resource(node: &str, r: &Res) -> Value {
    let mut o = Map::new();
    o.insert("address".into(), json!(r.address(node)));
    o.insert(
        "mode".into(),
        json!(if r.data { "data" } else { "managed" }),
    );
    o.insert("type".into(), json!(r.rtype));
    o.insert("name".into(), json!(r.name));
    if let Some(k) = key_json(&r.key) {
        o.insert("index".into(), k);
    }
    o.insert("provider_name".into(), json!(PROVIDER));
    o.insert("schema_version".into(), json!(r.schema_version));
    o.insert("values".into(), sorted(Value::Object(r.after.clone())));
    o.insert(
        "sensitive_values".into(),
        sorted(Value::Object(r.sensitive.clone())),
    );
    Value::Object(o)
}

fn change_resource(node: &str, r: &Res) -> Value {
    let mut o = Map::new();
    o.insert("address".into(), json!(r.address(node)));
    o.insert("module_address".into(), json!(module_address_of(node)));
    o.insert(
        "mode".into(),
        json!(if r.data { "data" } else { "managed" }),
    );
    o.insert("type".into(), json!(r.rtype));
    o.insert("name".into(), json!(r.name));
    if let Some(k) = key_json(&r.key) {
        o.insert("index".into(), k);
    }
    o.insert("provider_name".into(), json!(PROVIDER));
    let after = sorted(Value::Object(r.after.clone()));
    let sensitive = sorted(Value::Object(r.sensitive.clone()));
    let (actions, before, after, unknown, before_sensitive, after_sensitive) = match r.action {
        Act::Create => (
            json!(["create"]),
            Value::Null,
            after,
            sorted(Value::Object(r.unknown.clone())),
            json!(false),
            sensitive,
        ),
        Act::NoOp => (
            json!(["no-op"]),
            after.clone(),
            after,
            json!({}),
            sensitive.clone(),
            sensitive,
        ),
        Act::Update => {
            let mut before = after.clone();
            if before.get("tags").is_some_and(Value::is_object) {
                before["tags"]["ManagedBy"] = json!("console");
            }
            (
                json!(["update"]),
                before,
                after,
                json!({}),
                sensitive.clone(),
                sensitive,
            )
        }
        Act::Delete => (
            json!(["delete"]),
            after,
            Value::Null,
            json!({}),
            sensitive,
            json!(false),
        ),
        Act::ReadLater | Act::ReadNow => (
            json!(["read"]),
            Value::Null,
            after,
            sorted(Value::Object(r.unknown.clone())),
            json!(false),
            sensitive,
        ),
    };
    o.insert(
        "change".into(),
        json!({
            "actions": actions,
            "before": before,
            "after": after,
            "after_unknown": unknown,
            "before_sensitive": before_sensitive,
            "after_sensitive": after_sensitive,
        }),
    );
    if r.action == Act::ReadLater {
        o.insert("action_reason".into(), json!("read_because_config_unknown"));
    }
    Value::Object(o)
}

/// Writes a module node of planned_values or prior_state; `keep` selects its resources.
/// Returns false (and writes nothing) when the subtree has none.
fn write_module<W: Write>(
    out: &mut Out<W>,
    first: &mut bool,
    node: &Node,
    keep: &dyn Fn(&Res) -> bool,
) -> io::Result<()> {
    fn any(node: &Node, keep: &dyn Fn(&Res) -> bool) -> bool {
        node.resources.iter().any(keep) || node.children.iter().any(|c| any(c, keep))
    }
    if !any(node, keep) {
        return Ok(());
    }
    if !*first {
        out.raw(",")?;
    }
    *first = false;
    out.raw("{")?;
    let mut wrote = false;
    if node.resources.iter().any(keep) {
        out.raw("\"resources\":[")?;
        let mut f = true;
        for r in by_address(node.resources.iter().filter(|r| keep(r)), &node.address) {
            out.item(&mut f, &state_resource(&node.address, r))?;
        }
        out.raw("]")?;
        wrote = true;
    }
    if wrote {
        out.raw(",")?;
    }
    out.raw("\"address\":")?;
    out.value(&json!(node.address))?;
    if node.children.iter().any(|c| any(c, keep)) {
        out.raw(",\"child_modules\":[")?;
        let mut f = true;
        let mut children: Vec<&Node> = node.children.iter().collect();
        children.sort_by(|a, b| a.address.cmp(&b.address));
        for c in children {
            write_module(out, &mut f, c, keep)?;
        }
        out.raw("]")?;
    }
    out.raw("}")
}

/// The `resource_changes` entries of a module node and the modules under it, with their
/// addresses.
fn changes_of(node: &Node, into: &mut Vec<(String, Value)>) {
    for r in &node.resources {
        if r.action != Act::ReadNow {
            into.push((r.address(&node.address), change_resource(&node.address, r)));
        }
    }
    for c in &node.children {
        changes_of(c, into);
    }
}

/// Resources in the order Terraform writes them: by address, compared as strings (`terraform
/// show -json` sorts `resource_changes` and each module's resources so; every plan of the corpus
/// is).
fn by_address<'r>(resources: impl Iterator<Item = &'r Res>, module: &str) -> Vec<&'r Res> {
    let mut sorted: Vec<(String, &Res)> = resources.map(|r| (r.address(module), r)).collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.into_iter().map(|(_, r)| r).collect()
}

/// Writes a plan to `w`.
pub fn write_plan<W: Write>(options: &GenOptions, w: W) -> io::Result<GenStats> {
    let stacks = plan_shape(options);
    let mut out = Out { w, bytes: 0 };
    // Module instances in Terraform's order too: by address (`module.stack_000["dev"]`).
    let mut in_order: Vec<(String, &Stack, &Env)> = stacks
        .iter()
        .flat_map(|s| {
            s.envs.iter().map(move |e| {
                let address = format!("module.{}[{}]", s.call(), Value::String(e.name.into()));
                (address, s, e)
            })
        })
        .collect();
    in_order.sort_by(|a, b| a.0.cmp(&b.0));
    let envs = || in_order.iter().map(|(_, s, e)| (*s, *e));
    out.raw("{\"format_version\":\"1.2\",\"terraform_version\":\"1.11.4\",\"variables\":{\"region\":{\"value\":\"us-east-1\"}},")?;
    out.raw("\"planned_values\":{\"root_module\":{\"child_modules\":[")?;
    let mut first = true;
    let in_after = |r: &Res| r.action != Act::Delete;
    for (s, e) in envs() {
        let node = build_env(options.seed, s, e);
        write_module(&mut out, &mut first, &node, &in_after)?;
    }
    out.raw("]}},\"resource_changes\":[")?;
    let mut first = true;
    let mut instances = 0;
    for (s, e) in envs() {
        let node = build_env(options.seed, s, e);
        fn count(node: &Node) -> usize {
            node.resources.len() + node.children.iter().map(count).sum::<usize>()
        }
        instances += count(&node);
        // One module instance's entries at a time: the instances follow each other in order.
        let mut changes = Vec::new();
        changes_of(&node, &mut changes);
        changes.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, change) in &changes {
            out.item(&mut first, change)?;
        }
    }
    out.raw("],\"prior_state\":{\"format_version\":\"1.0\",\"terraform_version\":\"1.11.4\",\"values\":{\"root_module\":{\"child_modules\":[")?;
    let mut first = true;
    let existing = |r: &Res| {
        matches!(
            r.action,
            Act::NoOp | Act::Update | Act::Delete | Act::ReadNow
        )
    };
    for (s, e) in envs() {
        if !e.existing {
            continue;
        }
        let node = build_env(options.seed, s, e);
        write_module(&mut out, &mut first, &node, &existing)?;
    }
    out.raw("]}}},\"configuration\":{\"provider_config\":{\"aws\":{\"name\":\"aws\",\"full_name\":\"registry.terraform.io/hashicorp/aws\",\"version_constraint\":\"~> 6.0\",\"expressions\":{\"region\":{\"references\":[\"var.region\"]}}}},\"root_module\":{\"module_calls\":{")?;
    for (i, s) in stacks.iter().enumerate() {
        if i > 0 {
            out.raw(",")?;
        }
        out.value(&json!(s.call()))?;
        out.raw(":")?;
        out.value(&stack_config(s))?;
    }
    out.raw("},\"resources\":[{\"address\":\"aws_ecs_cluster.main\",\"mode\":\"managed\",\"type\":\"aws_ecs_cluster\",\"name\":\"main\",\"provider_config_key\":\"aws\",\"expressions\":{\"name\":{\"constant_value\":\"main\"}},\"schema_version\":0}],\"variables\":{\"region\":{\"default\":\"us-east-1\"}}}},")?;
    out.raw("\"relevant_attributes\":[")?;
    let mut first = true;
    for s in &stacks {
        for e in &s.envs {
            let m = format!(
                "module.{}[{}].module.vpc",
                s.call(),
                Value::String(e.name.into())
            );
            out.item(
                &mut first,
                &json!({"resource": format!("{m}.aws_vpc.this[0]"), "attribute": ["id"]}),
            )?;
            out.item(
                &mut first,
                &json!({"resource": format!("{m}.aws_subnet.private"), "attribute": []}),
            )?;
        }
    }
    out.raw("],\"timestamp\":\"2026-11-22T00:00:00Z\",\"applyable\":true,\"complete\":true,\"errored\":false}\n")?;
    out.w.flush()?;
    Ok(GenStats {
        instances,
        stacks: stacks.len(),
        environments: stacks.iter().map(|s| s.envs.len()).sum(),
        bytes: out.bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_count_and_deterministic() {
        for n in [1, 7, 150, 1000] {
            let options = GenOptions {
                instances: n,
                seed: 7,
            };
            let mut a = Vec::new();
            let stats = write_plan(&options, &mut a).unwrap();
            assert_eq!(stats.instances, n);
            let mut b = Vec::new();
            write_plan(&options, &mut b).unwrap();
            assert_eq!(a, b, "same seed, same bytes");
            let plan = vpclint_plan::Plan::from_json("gen", &a).unwrap();
            assert_eq!(plan.resources.len() + plan.deleted.len(), n);
        }
    }
}
