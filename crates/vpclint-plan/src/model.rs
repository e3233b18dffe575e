//! The typed plan model: every resource instance with its address, planned action, three-valued
//! values and region, merged from the sections of a plan or state document.

use std::collections::{BTreeMap, HashMap};

use serde_json::value::RawValue;
use serde_json::Value;

use crate::address::{Address, InstanceKey, Mode, ModulePath};
use crate::config::{Config, ConfigResource, Expr};
use crate::error::{PlanError, PlanErrorKind};
use crate::raw::{RawDocument, RawModule};
use crate::value::{Fact, Values};

/// Index of a resource instance in [`Plan::resources`].
pub type ResId = usize;

/// The planned action on a resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
    NoOp,
    Read,
}

impl Action {
    fn from_actions(actions: &[String]) -> Action {
        let has = |a: &str| actions.iter().any(|x| x == a);
        if has("create") && has("delete") {
            Action::Replace
        } else if has("create") {
            Action::Create
        } else if has("delete") || has("forget") {
            Action::Delete
        } else if has("update") {
            Action::Update
        } else if has("read") {
            Action::Read
        } else {
            Action::NoOp
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::NoOp => "no-op",
            Action::Read => "read",
        }
    }

    /// Whether this plan changes the resource (what `--changed-only` keeps).
    pub fn is_change(self) -> bool {
        matches!(self, Action::Create | Action::Update | Action::Replace)
    }
}

/// Whether the document was a plan or a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Plan,
    State,
}

/// One resource instance.
#[derive(Debug, Clone)]
pub struct Resource {
    pub address: Address,
    /// The address as Terraform prints it.
    pub id: String,
    pub action: Action,
    /// Values of network-relevant types; empty for the others, which no rule reads.
    pub values: Values,
    /// The AWS region from the resource's `region` argument or its provider configuration.
    pub region: Option<String>,
}

impl Resource {
    pub fn rtype(&self) -> &str {
        &self.address.rtype
    }

    pub fn is_data(&self) -> bool {
        self.address.mode == Mode::Data
    }

    pub fn module(&self) -> &ModulePath {
        &self.address.module
    }

    /// The known `id` attribute, if any.
    pub fn known_id(&self) -> Option<&str> {
        self.values.str("id").known()
    }
}

/// Resource types whose values vpclint reads. Values of every other type are skipped unparsed.
pub const NETWORK_TYPES: &[&str] = &[
    "aws_vpc",
    "aws_default_vpc",
    "aws_subnet",
    "aws_default_subnet",
    "aws_route_table",
    "aws_default_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_nat_gateway",
    "aws_internet_gateway",
    "aws_internet_gateway_attachment",
    "aws_egress_only_internet_gateway",
    "aws_vpn_gateway",
    "aws_vpn_gateway_attachment",
    "aws_ec2_transit_gateway",
    "aws_vpc_peering_connection",
    "aws_network_interface",
    "aws_vpc_endpoint",
    "aws_vpc_endpoint_route_table_association",
    "aws_vpc_endpoint_subnet_association",
    "aws_vpc_endpoint_security_group_association",
    "aws_vpc_endpoint_policy",
    "aws_vpc_endpoint_private_dns",
    "aws_vpc_endpoint_service",
    "aws_vpc_endpoint_service_allowed_principal",
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_instance",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_lambda_function",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_db_instance",
    "aws_db_subnet_group",
    "aws_lb",
    "aws_dynamodb_table",
];

pub fn is_network_type(rtype: &str) -> bool {
    NETWORK_TYPES.contains(&rtype)
}

/// A plan or state, read into the model.
#[derive(Debug)]
pub struct Plan {
    /// The input's name (a path, or `<stdin>`).
    pub name: String,
    pub kind: DocumentKind,
    pub format_version: String,
    pub terraform_version: Option<String>,
    /// Every resource instance in the after-state, sorted by address. Deleted ones are not here.
    pub resources: Vec<Resource>,
    /// Addresses of instances this plan deletes.
    pub deleted: Vec<String>,
    pub config: Config,
    /// Root module variable values.
    pub variables: BTreeMap<String, Value>,
    /// The JSON text the plan was read from, for locating resources in it.
    pub source: Vec<u8>,
    by_address: HashMap<String, ResId>,
    /// Instances of each resource by module instance and local address, sorted by key.
    instances: HashMap<(ModulePath, String), Vec<ResId>>,
    /// Module instances that hold at least one resource (with all their ancestors).
    module_instances: Vec<ModulePath>,
}

impl Plan {
    /// Reads a plan or state from its JSON text.
    pub fn from_json(name: &str, bytes: &[u8]) -> Result<Plan, PlanError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(PlanError::new(name, PlanErrorKind::Empty));
        }
        // Check the top-level shape first, so that `[]` or `null` get a clear reason.
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
        if first != Some(b'{') {
            // Let serde report malformed JSON with its position; valid non-objects are not plans.
            if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                return Err(PlanError::from_json(name, &e));
            }
            return Err(PlanError::not_a_plan(
                name,
                "the document is not a JSON object",
            ));
        }
        let doc: RawDocument<'_> =
            serde_json::from_slice(bytes).map_err(|e| PlanError::from_json(name, &e))?;
        Plan::from_document(name, doc)
    }

    /// Reads a plan and keeps its text (see [`Plan::source`]).
    pub fn from_input(input: crate::input::Input) -> Result<Plan, PlanError> {
        let mut plan = Plan::from_json(&input.name, &input.bytes)?;
        plan.source = input.bytes;
        Ok(plan)
    }

    fn from_document(name: &str, doc: RawDocument<'_>) -> Result<Plan, PlanError> {
        let format_version = match &doc.format_version {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(PlanError::not_a_plan(
                    name,
                    "format_version is not a string",
                ))
            }
            None => return Err(PlanError::not_a_plan(name, "no format_version field")),
        };
        let major = format_version.split('.').next().unwrap_or("");
        if major != "0" && major != "1" {
            return Err(PlanError::new(
                name,
                PlanErrorKind::UnsupportedFormat(format_version),
            ));
        }
        let is_plan = doc.resource_changes.is_some()
            || doc.planned_values.is_some()
            || doc.prior_state.is_some()
            || doc.configuration.is_some();
        let kind = if doc.values.is_some() && !is_plan {
            DocumentKind::State
        } else if is_plan {
            DocumentKind::Plan
        } else {
            return Err(PlanError::not_a_plan(
                name,
                "none of resource_changes, planned_values, prior_state, configuration or values is present",
            ));
        };
        let terraform_version = match doc.terraform_version {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let variables = doc
            .variables
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| v.value.map(|value| (k, value)))
            .collect();
        let config = Config::from_raw(doc.configuration);

        let mut builder = Builder::new(name);
        // Values come first from resource_changes, then planned_values; prior_state and the state
        // file's values add the existing resources and data sources the plan does not change.
        for rc in doc.resource_changes.unwrap_or_default() {
            let address = builder.parse_address(&rc.address)?;
            let (action, after, unknown, sensitive) = match &rc.change {
                Some(change) => (
                    Action::from_actions(change.actions.as_deref().unwrap_or(&[])),
                    change.after,
                    change.after_unknown,
                    change.after_sensitive,
                ),
                None => (Action::NoOp, None, None, None),
            };
            if action == Action::Delete {
                builder.deleted_set.insert(rc.address.clone());
                builder.deleted.push(rc.address);
                continue;
            }
            builder.add(address, rc.address, action, after, unknown, sensitive)?;
        }
        if let Some(values) = doc.planned_values {
            builder.add_module(values.root_module, Action::NoOp)?;
        }
        if let Some(state) = doc.prior_state.and_then(|s| s.values) {
            builder.add_module(state.root_module, Action::NoOp)?;
        }
        if let Some(values) = doc.values {
            builder.add_module(values.root_module, Action::NoOp)?;
        }

        let mut resources: Vec<Resource> = builder.resources.into_values().collect();
        resources.sort_by(|a, b| a.address.cmp(&b.address));
        let mut plan = Plan {
            name: name.to_string(),
            kind,
            format_version,
            terraform_version,
            resources,
            deleted: builder.deleted,
            config,
            variables,
            source: Vec::new(),
            by_address: HashMap::new(),
            instances: HashMap::new(),
            module_instances: Vec::new(),
        };
        plan.index();
        plan.assign_regions();
        Ok(plan)
    }

    fn index(&mut self) {
        let mut modules = std::collections::BTreeSet::new();
        for (i, r) in self.resources.iter().enumerate() {
            self.by_address.insert(r.id.clone(), i);
            self.instances
                .entry((r.address.module.clone(), r.address.local_resource()))
                .or_default()
                .push(i);
            let mut path = r.address.module.clone();
            while !path.is_root() {
                modules.insert(path.clone());
                path.0.pop();
            }
        }
        self.module_instances = modules.into_iter().collect();
    }

    pub fn resource(&self, id: ResId) -> &Resource {
        &self.resources[id]
    }

    pub fn by_address(&self, address: &str) -> Option<ResId> {
        self.by_address.get(address).copied()
    }

    /// The instances of `local` (`aws_subnet.a`) in a module instance, sorted by key.
    pub fn instances(&self, module: &ModulePath, local: &str) -> &[ResId] {
        self.instances
            .get(&(module.clone(), local.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// The instances of module call `name` under `parent` that the plan has resources in.
    pub fn module_instances_of(&self, parent: &ModulePath, name: &str) -> Vec<ModulePath> {
        self.module_instances
            .iter()
            .filter(|m| {
                m.0.len() == parent.0.len() + 1
                    && m.0[..parent.0.len()] == parent.0[..]
                    && m.0[parent.0.len()].name == name
            })
            .cloned()
            .collect()
    }

    /// The configuration block of a resource instance, when the plan has one.
    pub fn config_of(&self, id: ResId) -> Option<&ConfigResource> {
        let r = &self.resources[id];
        let calls = r.address.module.call_names();
        self.config
            .module(&calls)?
            .resources
            .get(&r.address.local_resource())
    }

    fn assign_regions(&mut self) {
        for i in 0..self.resources.len() {
            if !is_network_type(self.resources[i].rtype()) {
                continue;
            }
            // The AWS provider 6 per-resource `region` argument wins over the provider's.
            let region = match self.resources[i].values.str("region") {
                Fact::Known(r) => Some(r.to_string()),
                _ => self.provider_region(i),
            };
            self.resources[i].region = region;
        }
    }

    fn provider_region(&self, id: ResId) -> Option<String> {
        let key = self.config_of(id)?.provider_config_key.clone()?;
        let provider = self.config.providers.get(&key).or_else(|| {
            // `child:aws` (Terraform 0.12 to 1.0) inherits the root `aws` configuration.
            let short = key.rsplit(':').next()?;
            self.config.providers.get(short)
        })?;
        let expr = provider.region.as_ref()?;
        if let Some(Value::String(region)) = &expr.constant {
            return Some(region.clone());
        }
        // `region = var.region` in the root module: the variable's value is in the plan.
        if provider.module_address.as_deref().unwrap_or("").is_empty() {
            if let [reference] = expr.references.as_slice() {
                if let Some(var) = reference.strip_prefix("var.") {
                    if let Some(Value::String(region)) = self.variables.get(var) {
                        return Some(region.clone());
                    }
                }
            }
        }
        None
    }

    /// Root variable value, for `var.x` in the root module.
    pub fn root_variable(&self, name: &str) -> Option<&Value> {
        self.variables.get(name)
    }

    pub fn expr_of(&self, id: ResId, path: &[crate::value::Step<'_>]) -> Option<Expr> {
        self.config_of(id)?.expr_at(path)
    }
}

/// Collects resource instances from the sections of a document, first source winning.
struct Builder<'n> {
    name: &'n str,
    resources: HashMap<String, Resource>,
    deleted: Vec<String>,
    deleted_set: std::collections::HashSet<String>,
}

impl<'n> Builder<'n> {
    fn new(name: &'n str) -> Self {
        Builder {
            name,
            resources: HashMap::new(),
            deleted: Vec::new(),
            deleted_set: Default::default(),
        }
    }

    fn parse_address(&self, text: &str) -> Result<Address, PlanError> {
        Address::parse(text).ok_or_else(|| {
            PlanError::not_a_plan(
                self.name,
                format!(
                    "resource address {:?} does not parse",
                    text.chars().take(120).collect::<String>()
                ),
            )
        })
    }

    fn add(
        &mut self,
        address: Address,
        text: String,
        action: Action,
        after: Option<&RawValue>,
        unknown: Option<&RawValue>,
        sensitive: Option<&RawValue>,
    ) -> Result<(), PlanError> {
        if let Some(existing) = self.resources.get_mut(&text) {
            // resource_changes may lack `after` (hand-trimmed plans): fill it from a later section.
            if existing.values.after.is_null() && after.is_some() && is_network_type(&address.rtype)
            {
                existing.values.after = parse_value(self.name, after)?;
                if existing.values.sensitive.is_null() {
                    existing.values.sensitive = parse_value(self.name, sensitive)?;
                }
            }
            return Ok(());
        }
        let values = if is_network_type(&address.rtype) {
            Values::new(
                parse_value(self.name, after)?,
                parse_value(self.name, unknown)?,
                parse_value(self.name, sensitive)?,
            )
        } else {
            Values::default()
        };
        self.resources.insert(
            text.clone(),
            Resource {
                address,
                id: text,
                action,
                values,
                region: None,
            },
        );
        Ok(())
    }

    fn add_module(
        &mut self,
        module: Option<RawModule<'_>>,
        action: Action,
    ) -> Result<(), PlanError> {
        // Iterative, so that a deeply nested module tree cannot exhaust the stack.
        let mut stack: Vec<RawModule<'_>> = module.into_iter().collect();
        while let Some(module) = stack.pop() {
            for r in module.resources.unwrap_or_default() {
                if self.deleted_set.contains(&r.address) {
                    continue;
                }
                let address = self.parse_address(&r.address)?;
                let action = if address.mode == Mode::Data {
                    Action::Read
                } else {
                    action
                };
                self.add(
                    address,
                    r.address,
                    action,
                    r.values,
                    None,
                    r.sensitive_values,
                )?;
            }
            stack.extend(module.child_modules.unwrap_or_default());
        }
        Ok(())
    }
}

fn parse_value(name: &str, raw: Option<&RawValue>) -> Result<Value, PlanError> {
    match raw {
        None => Ok(Value::Null),
        Some(raw) => serde_json::from_str(raw.get()).map_err(|e| PlanError::from_json(name, &e)),
    }
}

/// A resource instance's key as the `count.index` / `each.key` context of its expressions.
pub fn instance_context(key: &Option<InstanceKey>) -> (Option<i64>, Option<String>) {
    match key {
        Some(InstanceKey::Int(i)) => (Some(*i), None),
        Some(InstanceKey::Str(s)) => (None, Some(s.clone())),
        None => (None, None),
    }
}
