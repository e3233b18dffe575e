//! The typed plan model: every resource instance with its address, planned action, three-valued
//! values and region, merged from the sections of a plan or state document.

use std::collections::BTreeMap;

use std::sync::Arc;

use serde_json::Value;

use crate::address::{Address, InstanceKey, Mode, ModulePath};
use crate::attr_value::AttrValue;
use crate::config::{Config, ConfigResource, Expr};
use crate::error::{PlanError, PlanErrorKind};
use crate::parallel::Chunks;
use crate::raw::{Json, RawDocument, RawModule, RawResourceChange};
use crate::text::TextScan;
use crate::value::{Fact, Kept, Values};

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
    /// Where the `address` string of the object this instance was read from starts in
    /// [`Plan::source`] (the section its values came from: `resource_changes` first). `None` when
    /// the plan was not read from that text.
    pub json_offset: Option<usize>,
    /// Where the object at [`Resource::json_offset`] is, when the reading recorded it.
    pub json_entry: Option<JsonEntry>,
}

/// Where a resource's object is in [`Plan::source`]: the whole object and its `"address"` member,
/// its first. Recorded as `resource_changes` is read in parts (a large plan), so that the reports
/// need not find the object again in text whose pages were handed back; exactly what they find
/// from [`Resource::json_offset`] (`vpclint_plan::text::address_member_start`, then the object's
/// end), and `None` where that finds nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonEntry {
    pub object: std::ops::Range<usize>,
    pub member: std::ops::Range<usize>,
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
    // Asked for every resource of a plan: a set, not a scan of the list.
    static SET: std::sync::LazyLock<foldhash::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| NETWORK_TYPES.iter().copied().collect());
    SET.contains(rtype)
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
    /// The JSON text the plan was read from, for locating resources in it. Shared, so that the
    /// reports point into it without a second copy of a plan that may be hundreds of megabytes.
    pub source: Arc<crate::text::SourceText>,
    by_address: AddressTable,
    /// Instances of each resource by module instance and local address, sorted by key.
    instances: Groups,
    /// Module instances that hold at least one resource (with all their ancestors), by their
    /// parent instance and call name, sorted.
    module_children: InModuleMap<Vec<ModulePath>>,
}

impl Plan {
    /// Reads a plan or state from its JSON text.
    pub fn from_json(name: &str, bytes: &[u8]) -> Result<Plan, PlanError> {
        Plan::read(name, bytes, false).map(|(plan, _)| plan)
    }

    /// Reads a plan and keeps its text (see [`Plan::source`]).
    pub fn from_input(input: crate::input::Input) -> Result<Plan, PlanError> {
        // A large mapped file's pages are handed back to the kernel as they are read.
        let release = input.bytes.releasable();
        let (mut plan, scans) = Plan::read(&input.name, &input.bytes, release)?;
        // JSON that parsed is UTF-8 (serde_json checks every string it reads); the replacement in
        // `SourceText` is for a document whose only invalid bytes were in values it skipped.
        plan.source = Arc::new(crate::text::SourceText::from_scans(input.bytes, scans));
        Ok(plan)
    }

    /// The plan, and what was found of the text while reading it (see
    /// [`crate::text::SourceText::from_scans`]).
    fn read(name: &str, bytes: &[u8], release: bool) -> Result<(Plan, Vec<TextScan>), PlanError> {
        match Plan::parse(name, bytes, release) {
            // Terraform numbers are arbitrary precision (`1e400` is printed as a 401-digit
            // integer) and serde_json refuses those beyond f64. Read them as their text instead;
            // the retry only happens for such documents, so others are scanned once.
            Err(e) if is_number_out_of_range(&e) => match stringify_huge_numbers(bytes) {
                Some(rewritten) => {
                    let (mut plan, _) = Plan::parse(name, &rewritten, false)?;
                    // Offsets into the rewritten text are not offsets into the plan's.
                    for resource in &mut plan.resources {
                        resource.json_offset = None;
                        resource.json_entry = None;
                    }
                    Ok((plan, Vec::new()))
                }
                None => Err(e),
            },
            other => other,
        }
    }

    fn parse(name: &str, bytes: &[u8], release: bool) -> Result<(Plan, Vec<TextScan>), PlanError> {
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
        if bytes.len() >= SPLIT_AT_LEAST {
            Plan::parse_split(name, bytes, release)
        } else {
            Ok((Plan::parse_whole(name, bytes)?, Vec::new()))
        }
    }

    /// Reads the document in one pass.
    fn parse_whole(name: &str, bytes: &[u8]) -> Result<Plan, PlanError> {
        let mut doc: RawDocument<'_> =
            serde_json::from_slice(bytes).map_err(|e| PlanError::from_json(name, &e))?;
        // The entries are taken out (an empty list stays, so the section still reads as present).
        let changes = doc
            .resource_changes
            .as_mut()
            .map(|changes| prepare_changes(name, bytes, std::mem::take(changes)));
        Plan::from_document(name, bytes, doc, changes.transpose())
    }

    /// Reads the large sections on two threads (see [`crate::parallel`]): `resource_changes`
    /// (about half of a plan, and most of the work of reading it) on one, the others on the
    /// other; `release` hands a mapped text's pages back to the kernel behind the reading.
    fn parse_split(
        name: &str,
        bytes: &[u8],
        release: bool,
    ) -> Result<(Plan, Vec<TextScan>), PlanError> {
        let Some(members) = crate::parallel::read_members::<StreamedChange>(bytes, release) else {
            // A malformed text: read it again in one pass, whose error (the first in the text,
            // worded for what was being read there) is the one to report. Only on failure.
            return Ok((Plan::parse_whole(name, bytes)?, Vec::new()));
        };
        let changes = members
            .changes
            .map(|changes| prepared(name, bytes, changes));
        let plan = Plan::from_document(name, bytes, members.document, changes.transpose())?;
        Ok((plan, members.scans))
    }

    /// The model from a read document. Its `resource_changes` were read beside it into
    /// `changes`, whose errors come after the document's own, as they would in one pass.
    fn from_document<C>(
        name: &str,
        bytes: &[u8],
        doc: RawDocument<'_, C>,
        changes: Result<Option<Vec<Vec<PreparedChange<'_>>>>, PlanError>,
    ) -> Result<Plan, PlanError> {
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
        // It is named in the error: only when it looks like a version.
        let looks_like_version = !format_version.is_empty()
            && format_version.len() <= 32
            && format_version
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.');
        if !looks_like_version {
            return Err(PlanError::not_a_plan(
                name,
                "format_version is not a version number",
            ));
        }
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
        // The configuration is read beside the instances: neither needs the other yet.
        let (planned_values, prior_state, values) =
            (doc.planned_values, doc.prior_state, doc.values);
        let (config, built) = rayon::join(
            || Config::from_raw(doc.configuration),
            || -> Result<(Vec<Resource>, Vec<String>, AddressTable), PlanError> {
                let mut builder = Builder::new(name, bytes);
                // Values come first from resource_changes, then planned_values; prior_state and
                // the state file's values add the existing resources and data sources the plan
                // does not change.
                let changes = changes?.unwrap_or_default();
                // At their size from the start: grown by doubling, a large plan's list would be
                // copied and its pages faulted in several times over. The sections' entries,
                // mostly repeats, bound what they add: room reserved but not used is never
                // touched.
                let sections = [&planned_values, &values]
                    .into_iter()
                    .flatten()
                    .chain(prior_state.as_ref().and_then(|s| s.values.as_ref()))
                    .map(|v| module_entries(v.root_module.as_ref()))
                    .sum::<usize>();
                builder
                    .resources
                    .reserve(changes.iter().map(Vec::len).sum::<usize>() + sections);
                builder.add_changes(changes)?;
                let from_changes = builder.resources.list.len();
                if let Some(values) = planned_values {
                    builder.add_module(values.root_module, Action::NoOp)?;
                }
                if let Some(state) = prior_state.and_then(|s| s.values) {
                    builder.add_module(state.root_module, Action::NoOp)?;
                }
                if let Some(values) = values {
                    builder.add_module(values.root_module, Action::NoOp)?;
                }
                let InOrder {
                    list: mut resources,
                    index: by_address,
                } = builder.resources;
                let moved_to = sort_in_place(&mut resources, from_changes, |a, b| {
                    a.address.cmp(&b.address)
                });
                // The table of addresses the builder kept, its positions moved along: the
                // addresses, and so their hashes, are the same.
                let by_address = by_address.moved(&moved_to);
                Ok((resources, builder.deleted, by_address))
            },
        );
        let (resources, deleted, by_address) = built?;
        let mut plan = Plan {
            name: name.to_string(),
            kind,
            format_version,
            terraform_version,
            resources,
            deleted,
            config,
            variables,
            source: Arc::default(),
            by_address,
            instances: Groups::default(),
            module_children: InModuleMap::default(),
        };
        // Independent too: the indexes read the addresses, the regions the values and the
        // configuration.
        let (regions, indexes) = rayon::join(|| plan.regions(), || Plan::index(&plan.resources));
        plan.instances = indexes.instances;
        plan.module_children = indexes.module_children;
        for (resource, region) in plan.resources.iter_mut().zip(regions) {
            resource.region = region;
        }
        Ok(plan)
    }

    /// The indexes over `resources`, sorted by address.
    fn index(resources: &[Resource]) -> Indexes {
        use rayon::prelude::*;
        let mut indexes = Indexes::default();
        indexes.instances.positions = (0..resources.len()).collect();
        // Resources are sorted by address: the instances of one resource are contiguous, and so
        // are the resources of one module instance. Where each resource's instances start is
        // found on the pool, its key hashed there: telling an address from the one before it
        // reads both from memory, most of the time of this pass.
        let hasher = &indexes.instances.hasher;
        let starts: Vec<(ResId, u64, bool)> = (0..resources.len())
            .into_par_iter()
            .with_min_len(4096)
            .filter_map(|i| {
                let a = &resources[i].address;
                let before = i.checked_sub(1).map(|b| &resources[b].address);
                let new_resource = before.is_none_or(|b| {
                    b.name != a.name
                        || b.rtype != a.rtype
                        || b.mode != a.mode
                        || b.module != a.module
                });
                new_resource.then(|| {
                    let new_module = before.is_none_or(|b| b.module != a.module);
                    (i, Groups::hash_of(hasher, a), new_module)
                })
            })
            .collect();
        indexes
            .instances
            .table
            .reserve(starts.len(), |&(start, _)| {
                Groups::hash_of(hasher, &resources[start].address)
            });
        let mut modules = std::collections::BTreeSet::new();
        for (n, &(start, hash, new_module)) in starts.iter().enumerate() {
            let end = starts.get(n + 1).map_or(resources.len(), |next| next.0);
            indexes.instances.insert_hashed(resources, hash, start..end);
            if new_module {
                let mut path = resources[start].address.module.clone();
                while !path.is_root() && !modules.contains(&path) {
                    modules.insert(path.clone());
                    path = path.parent().map(|(parent, _)| parent).unwrap_or_default();
                }
            }
        }
        for m in modules {
            if let Some((parent, step)) = m.parent() {
                let key = (parent, step.name.clone());
                indexes.module_children.entry(key).or_default().push(m);
            }
        }
        indexes
    }

    pub fn resource(&self, id: ResId) -> &Resource {
        &self.resources[id]
    }

    pub fn by_address(&self, address: &str) -> Option<ResId> {
        self.by_address.find(&self.resources, address)
    }

    /// The instances of `local` (`aws_subnet.a`) in a module instance, sorted by key.
    pub fn instances(&self, module: &ModulePath, local: &str) -> &[ResId] {
        self.instances.get(&self.resources, module, local)
    }

    /// The instances of module call `name` under `parent` that the plan has resources in.
    pub fn module_instances_of(&self, parent: &ModulePath, name: &str) -> Vec<ModulePath> {
        self.module_children
            .get(&InModule(parent, name))
            .cloned()
            .unwrap_or_default()
    }

    /// The configuration block of a resource instance, when the plan has one.
    pub fn config_of(&self, id: ResId) -> Option<&ConfigResource> {
        let address = &self.resources[id].address;
        let module = self.config.module(&address.module)?;
        // Asked for most instances, often several times: the key is built on the stack.
        let mut key = [0u8; 256];
        let mut len = 0;
        let parts: [&str; 4] = match address.mode {
            Mode::Managed => ["", &address.rtype, ".", &address.name],
            Mode::Data => ["data.", &address.rtype, ".", &address.name],
        };
        for part in parts {
            let Some(slot) = key.get_mut(len..len + part.len()) else {
                return module.resources.get(&address.local_resource());
            };
            slot.copy_from_slice(part.as_bytes());
            len += part.len();
        }
        let key = std::str::from_utf8(&key[..len]).ok()?;
        module.resources.get(key)
    }

    /// Each instance's AWS region, for the modelled types.
    fn regions(&self) -> Vec<Option<String>> {
        use rayon::prelude::*;
        (0..self.resources.len())
            .into_par_iter()
            .with_min_len(1024)
            .map(|i| {
                if !is_network_type(self.resources[i].rtype()) {
                    return None;
                }
                // The AWS provider 6 per-resource `region` argument wins over the provider's.
                match self.resources[i].values.str("region") {
                    Fact::Known(r) => Some(r.to_string()),
                    _ => self.provider_region(i),
                }
            })
            .collect()
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

    pub fn expr_of(&self, id: ResId, path: &[crate::value::Step<'_>]) -> Option<&Expr> {
        self.config_of(id)?.expr_at(path)
    }
}

/// The indexes of [`Plan`] over its resources.
#[derive(Default)]
struct Indexes {
    instances: Groups,
    module_children: InModuleMap<Vec<ModulePath>>,
}

/// The instances of each resource (a module instance, a mode, a type and a name): ranges of the
/// address-sorted list, where they are contiguous. Hashed from the resources themselves, so that no
/// key is copied: a large plan has tens of thousands of resources.
#[derive(Debug, Default)]
struct Groups {
    table: hashbrown::HashTable<(ResId, ResId)>,
    hasher: foldhash::fast::RandomState,
    /// `0, 1, 2, ...`: the slices of positions handed out.
    positions: Vec<ResId>,
}

impl Groups {
    fn hash(
        hasher: &foldhash::fast::RandomState,
        module: &ModulePath,
        mode: Mode,
        rtype: &str,
        name: &str,
    ) -> u64 {
        std::hash::BuildHasher::hash_one(hasher, (module, mode, rtype, name))
    }

    fn hash_of(hasher: &foldhash::fast::RandomState, address: &Address) -> u64 {
        Groups::hash(
            hasher,
            &address.module,
            address.mode,
            &address.rtype,
            &address.name,
        )
    }

    /// Records the instances at `range` of `resources`, one resource's, whose key hashes to
    /// `hash`.
    fn insert_hashed(&mut self, resources: &[Resource], hash: u64, range: std::ops::Range<ResId>) {
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, (range.start, range.end), |&(start, _)| {
                Groups::hash_of(hasher, &resources[start].address)
            });
    }

    fn get(&self, resources: &[Resource], module: &ModulePath, local: &str) -> &[ResId] {
        let (mode, local) = match local.strip_prefix("data.") {
            Some(rest) => (Mode::Data, rest),
            None => (Mode::Managed, local),
        };
        let Some((rtype, name)) = local.split_once('.') else {
            return &[];
        };
        let hash = Groups::hash(&self.hasher, module, mode, rtype, name);
        let found = self.table.find(hash, |&(start, _)| {
            let a = &resources[start].address;
            a.name == name && a.rtype == rtype && a.mode == mode && a.module == *module
        });
        found.map_or(&[], |&(start, end)| &self.positions[start..end])
    }
}

/// A map keyed by a module instance and a name in it, looked up without copying either
/// ([`InModule`]).
type InModuleMap<V> = hashbrown::HashMap<(ModulePath, String), V, foldhash::fast::RandomState>;

/// A key of an [`InModuleMap`], borrowed: it hashes as the tuple of its owned parts does (a
/// reference hashes as what it points at, a `&str` as a `String`).
#[derive(Hash)]
struct InModule<'a>(&'a ModulePath, &'a str);

impl hashbrown::Equivalent<(ModulePath, String)> for InModule<'_> {
    fn equivalent(&self, key: &(ModulePath, String)) -> bool {
        *self.0 == key.0 && self.1 == key.1
    }
}

/// Collects resource instances from the sections of a document, first source winning.
struct Builder<'n> {
    name: &'n str,
    /// The document's text, for the position of an error in a value.
    text: &'n [u8],
    resources: InOrder,
    deleted: Vec<String>,
    deleted_set: foldhash::HashSet<String>,
    /// Where the greatest address of the `resource_changes` entries added so far is.
    greatest_change: Option<ResId>,
}

impl<'n> Builder<'n> {
    fn new(name: &'n str, text: &'n [u8]) -> Self {
        Builder {
            name,
            text,
            resources: InOrder::default(),
            deleted: Vec::new(),
            deleted_set: Default::default(),
            greatest_change: None,
        }
    }

    /// Adds the `resource_changes` entries, read in parts, in order.
    fn add_changes(&mut self, parts: Vec<Vec<PreparedChange<'_>>>) -> Result<(), PlanError> {
        if self.resources.list.is_empty() && in_order(&parts) {
            self.add_changes_in_order(parts);
            return Ok(());
        }
        for change in parts.into_iter().flatten() {
            self.add_prepared(change)?;
        }
        Ok(())
    }

    /// Adds entries whose addresses (those not deleted) are in strictly increasing order, as
    /// Terraform writes them, to an empty list: each is new, as [`Builder::add_prepared`] would
    /// find, so none is looked up. Moved into the list on the pool, their addresses hashed there:
    /// one after the other, this took 11 to 13 ms of a 190 ms check at 50,000 instances (now 5
    /// to 7 ms), most of it the kernel handing over and zeroing the list's pages while the other
    /// thread waited.
    fn add_changes_in_order(&mut self, parts: Vec<Vec<PreparedChange<'_>>>) {
        use rayon::prelude::*;
        let kept: Vec<usize> = parts.par_iter().map(|part| kept(part).count()).collect();
        let total: usize = kept.iter().sum();
        let text = self.text;
        let list = &mut self.resources.list;
        list.reserve(total);
        // Each part's resources go to the room just past the previous part's, in the room the
        // list has reserved: none is moved twice, and its pages are first touched on the pool.
        let mut room = &mut list.spare_capacity_mut()[..total];
        let mut rooms = Vec::with_capacity(parts.len());
        for &kept in &kept {
            let (this, rest) = std::mem::take(&mut room).split_at_mut(kept);
            rooms.push(this);
            room = rest;
        }
        let (deleted, written): (Vec<Vec<String>>, Vec<usize>) = parts
            .into_par_iter()
            .zip(rooms)
            .map(|(part, room)| {
                let mut deleted = Vec::new();
                let mut slots = room.iter_mut();
                let mut written = 0;
                for change in part {
                    if change.action == Action::Delete {
                        deleted.push(change.text);
                    } else if let Some(slot) = slots.next() {
                        slot.write(change.into_resource(text));
                        written += 1;
                    }
                }
                (deleted, written)
            })
            .unzip();
        assert_eq!(written.iter().sum::<usize>(), total, "a slot per resource");
        // SAFETY: the first `total` slots past the list's (empty) end were written above: each
        // part wrote the slots of its room in order, one per entry not deleted, and the rooms,
        // as many slots as those entries, tile the `total` slots; the sum of what was written
        // is checked. (A panic before this line leaks the resources written, never reads them.)
        unsafe { list.set_len(total) };
        let index = &self.resources.index;
        let hashes: Vec<u64> = list
            .par_iter()
            .with_min_len(4096)
            .map(|r| index.hash(&r.id))
            .collect();
        for (position, hash) in hashes.into_iter().enumerate() {
            self.resources.index.insert_hashed(list, hash, position);
        }
        for address in deleted.into_iter().flatten() {
            self.deleted_set.insert(address.clone());
            self.deleted.push(address);
        }
        self.greatest_change = total.checked_sub(1);
    }

    /// Adds a `resource_changes` entry; the first entry of an address wins.
    fn add_prepared(&mut self, change: PreparedChange<'_>) -> Result<(), PlanError> {
        if change.action == Action::Delete {
            self.deleted_set.insert(change.text.clone());
            self.deleted.push(change.text);
            return Ok(());
        }
        // Terraform writes the entries sorted by address: one that comes after the greatest
        // added so far repeats none of them, and looking it up is left out.
        let list = &self.resources.list;
        let after_all = self
            .greatest_change
            .is_none_or(|at| list[at].id.as_str() < change.text.as_str());
        if after_all {
            self.greatest_change = Some(list.len());
        } else if let Some(existing) = self.resources.get_mut(&change.text) {
            return fill_missing_after(self.name, self.text, existing, change.raw);
        }
        self.resources.push(change.into_resource(self.text));
        Ok(())
    }

    /// Adds a resource; `json` is where its address string is in the text, and its object when
    /// the reading recorded it.
    fn insert(
        &mut self,
        address: Address,
        text: String,
        json: (usize, Option<JsonEntry>),
        action: Action,
        values: Values,
    ) {
        self.resources.push(Resource {
            address,
            id: text,
            action,
            values,
            region: None,
            json_offset: Some(json.0),
            json_entry: json.1,
        });
    }

    fn add(
        &mut self,
        address: Address,
        text: String,
        json_offset: usize,
        action: Action,
        raw: RawAfter<'_>,
    ) -> Result<(), PlanError> {
        if let Some(existing) = self.resources.get_mut(&text) {
            return fill_missing_after(self.name, self.text, existing, raw);
        }
        let values =
            modelled_values(&address, &raw).map_err(|e| e.into_plan_error(self.name, self.text))?;
        self.insert(address, text, (json_offset, None), action, values);
        Ok(())
    }

    fn add_module(
        &mut self,
        module: Option<RawModule<'_>>,
        action: Action,
    ) -> Result<(), PlanError> {
        // Iterative, so that a deeply nested module tree cannot exhaust the stack.
        let mut stack: Vec<RawModule<'_>> = module.into_iter().collect();
        let mut near = 0;
        while let Some(module) = stack.pop() {
            for r in module.resources.unwrap_or_default() {
                // Most entries repeat one read from an earlier section: skip them before parsing
                // their address, unless they fill in a missing `after` (see `add`).
                if let Some(existing) = self.resources.get_near(&r.address.text, &mut near) {
                    let fills = existing.values.after().is_null()
                        && r.values.is_some()
                        && is_network_type(existing.rtype());
                    if !fills {
                        continue;
                    }
                }
                // Asked only of the entries not skipped above (a deleted instance is not in the
                // list): hashing every entry's address was half of this loop's time.
                if self.deleted_set.contains(&*r.address.text) {
                    continue;
                }
                let address = parse_address(self.name, &r.address.text)?;
                let at = Place::of(r.address.json).offset_in(self.text);
                let action = if address.mode == Mode::Data {
                    Action::Read
                } else {
                    action
                };
                self.add(
                    address,
                    r.address.text.into_owned(),
                    at,
                    action,
                    RawAfter {
                        after: r.values,
                        unknown: None,
                        sensitive: r.sensitive_values,
                    },
                )?;
            }
            // Reversed, so that child modules are taken from the stack in document order: later
            // sections then meet their instances in the order the list holds them (see
            // `InOrder::get_near`), and the list keeps the document's sorted runs for the sort.
            stack.extend(module.child_modules.unwrap_or_default().into_iter().rev());
        }
        Ok(())
    }
}

/// Plans at least this large are read by the direct readers, their sections on two threads when
/// there are two (see [`Plan::parse_split`]); smaller ones in one pass through serde. The direct
/// readers are faster on one thread too: a 1 MB plan checked in 20M instructions instead of 30M.
const SPLIT_AT_LEAST: usize = 64 << 10;

/// A `resource_changes` entry with its address parsed and, for a modelled type, its values read:
/// the work that can be done without the other sections, and without the plan's name or text, so
/// that it is done as the entry is read (see [`StreamedChange`]).
pub(crate) struct PreparedChange<'a> {
    address: Address,
    text: String,
    /// Where the address's JSON string is: an offset once the text is known.
    at: Place,
    json_entry: Option<JsonEntry>,
    action: Action,
    raw: RawAfter<'a>,
    values: Values,
}

impl PreparedChange<'_> {
    /// The resource this entry adds, read from `text`.
    fn into_resource(self, text: &[u8]) -> Resource {
        Resource {
            address: self.address,
            id: self.text,
            action: self.action,
            values: self.values,
            region: None,
            json_offset: Some(self.at.offset_in(text)),
            json_entry: self.json_entry,
        }
    }
}

/// Why an entry could not be prepared, made a [`PlanError`] once the plan's name and text are at
/// hand ([`PrepareError::into_plan_error`]).
pub(crate) enum PrepareError {
    Address(String),
    Value(ValueError),
}

/// A value that did not read as JSON, and where it starts.
pub(crate) struct ValueError {
    error: serde_json::Error,
    at: Place,
}

impl PrepareError {
    fn into_plan_error(self, name: &str, text: &[u8]) -> PlanError {
        match self {
            PrepareError::Address(address) => address_error(name, &address),
            PrepareError::Value(e) => e.into_plan_error(name, text),
        }
    }
}

/// A `resource_changes` entry prepared while it is read, on the thread that reads it: a plan's
/// text can then be handed back to the kernel behind the reading (see `crate::text::Cursor`).
pub(crate) struct StreamedChange<'a>(Result<PreparedChange<'a>, PrepareError>);

impl<'de> serde::Deserialize<'de> for StreamedChange<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RawResourceChange::deserialize(deserializer)
            .map(|rc| StreamedChange(prepare_change(rc, None, None)))
    }
}

impl<'a> crate::parallel::ReadAt<'a> for StreamedChange<'a> {
    fn direct(text: &'a str, start: usize) -> Option<(Self, usize)> {
        crate::direct::change_read(text, start).map(|(read, end)| {
            let prepared =
                prepare_change(read.entry, read.address, read.trees).map(|change| PreparedChange {
                    json_entry: read.json_entry,
                    ..change
                });
            (StreamedChange(prepared), end)
        })
    }
}

/// Prepares an entry; `parsed` is its address when the reading parsed it, `trees` the values of
/// its trees when the reading read them (see [`crate::direct::ChangeRead`]).
fn prepare_change(
    rc: RawResourceChange<'_>,
    parsed: Option<Address>,
    trees: Option<[AttrValue; 3]>,
) -> Result<PreparedChange<'_>, PrepareError> {
    let address = match parsed {
        Some(address) => address,
        None => Address::parse(&rc.address.text)
            .ok_or_else(|| PrepareError::Address(rc.address.text.to_string()))?,
    };
    let (action, raw) = match &rc.change {
        Some(change) => (
            Action::from_actions(change.actions.as_deref().unwrap_or(&[])),
            RawAfter {
                after: change.after,
                unknown: change.after_unknown,
                sensitive: change.after_sensitive,
            },
        ),
        None => (Action::NoOp, RawAfter::default()),
    };
    let values = match trees {
        _ if action == Action::Delete => Values::default(),
        Some([after, unknown, sensitive]) => Values::new(after, unknown, sensitive),
        None => modelled_values(&address, &raw).map_err(PrepareError::Value)?,
    };
    Ok(PreparedChange {
        at: Place::of(rc.address.json),
        json_entry: None,
        text: rc.address.text.into_owned(),
        address,
        action,
        raw,
        values,
    })
}

/// The prepared entries, in the parts they were read in, or the first error among them in
/// document order, as one pass gives.
fn prepared<'a>(
    name: &str,
    text: &[u8],
    changes: Chunks<StreamedChange<'a>>,
) -> Result<Vec<Vec<PreparedChange<'a>>>, PlanError> {
    changes
        .0
        .into_iter()
        .map(|part| {
            part.into_iter()
                .map(|change| change.0.map_err(|e| e.into_plan_error(name, text)))
                .collect()
        })
        .collect()
}

fn prepare_changes<'a>(
    name: &str,
    text: &'a [u8],
    changes: Vec<RawResourceChange<'a>>,
) -> Result<Vec<Vec<PreparedChange<'a>>>, PlanError> {
    use rayon::prelude::*;
    let streamed: Vec<StreamedChange<'a>> = changes
        .into_par_iter()
        .with_min_len(512)
        .map(|rc| StreamedChange(prepare_change(rc, None, None)))
        .collect();
    prepared(name, text, Chunks(vec![streamed]))
}

/// resource_changes may lack `after` (hand-trimmed plans): fills it from a later entry of the same
/// instance.
fn fill_missing_after(
    name: &str,
    text: &[u8],
    existing: &mut Resource,
    raw: RawAfter<'_>,
) -> Result<(), PlanError> {
    if existing.values.after().is_null() && raw.after.is_some() && is_network_type(existing.rtype())
    {
        let value = |raw| parse_value(raw).map_err(|e| e.into_plan_error(name, text));
        let after = value(raw.after)?;
        let sensitive = match existing.values.sensitive().is_null() {
            true => Some(value(raw.sensitive)?),
            false => None,
        };
        existing
            .values
            .fill(after.into(), sensitive.map(AttrValue::from));
    }
    Ok(())
}

fn parse_address(name: &str, text: &str) -> Result<Address, PlanError> {
    Address::parse(text).ok_or_else(|| address_error(name, text))
}

fn address_error(name: &str, text: &str) -> PlanError {
    PlanError::not_a_plan(
        name,
        format!(
            "resource address {:?} does not parse",
            text.chars().take(120).collect::<String>()
        ),
    )
}

/// Where a JSON value borrowed from a plan's text starts, kept as an address so that it can be
/// made an offset where the text is at hand, without borrowing the text until then.
#[derive(Clone, Copy)]
pub(crate) struct Place(usize);

impl Place {
    fn of(json: Json<'_>) -> Place {
        Place(json.0.as_ptr() as usize)
    }

    /// The offset in `text`, which the value was borrowed from.
    fn offset_in(self, text: &[u8]) -> usize {
        self.0.wrapping_sub(text.as_ptr() as usize)
    }
}

/// The values a rule may read: those of the modelled types, nothing for the others.
fn modelled_values(address: &Address, raw: &RawAfter<'_>) -> Result<Values, ValueError> {
    if !is_network_type(&address.rtype) {
        return Ok(Values::default());
    }
    let read = |raw, kept| read_value(raw, |text| crate::value::read_compacted(text, kept));
    Ok(Values::new(
        read(raw.after, Kept::Values)?,
        read(raw.unknown, Kept::Marks)?,
        read(raw.sensitive, Kept::Marks)?,
    ))
}

/// The resource entries of a module tree.
fn module_entries(module: Option<&RawModule<'_>>) -> usize {
    let mut count = 0;
    let mut stack: Vec<&RawModule<'_>> = module.into_iter().collect();
    while let Some(module) = stack.pop() {
        count += module.resources.as_ref().map_or(0, Vec::len);
        stack.extend(module.child_modules.iter().flatten());
    }
    count
}

/// Sorts `items` by `cmp`, stably, and gives where each went (`moved_to[from] = to`). The first
/// `head` items came from `resource_changes`, which Terraform writes sorted, and the rest, few,
/// from the later sections (data sources, instances the plan does not change). When the head is
/// in order already, the rest is sorted alone and merged in from the back: each item of the head
/// is moved once, in runs. Otherwise positions are sorted and the items moved along the
/// permutation's cycles. Either way, no second list of every item.
fn sort_in_place<T: Sync>(
    items: &mut Vec<T>,
    head: usize,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync,
) -> Vec<usize> {
    use rayon::prelude::*;
    use std::cmp::Ordering;
    let len = items.len();
    let head_in_order = items[..head]
        .par_windows(2)
        .with_min_len(4096)
        .all(|pair| cmp(&pair[0], &pair[1]) == Ordering::Less);
    if !head_in_order {
        let mut order: Vec<usize> = (0..len).collect();
        order.par_sort_by(|&a, &b| cmp(&items[a], &items[b]));
        let mut moved_to = vec![0; len];
        for (to, &from) in order.iter().enumerate() {
            moved_to[from] = to;
        }
        permute_in_place(items, &mut order);
        return moved_to;
    }
    let mut rest: Vec<(usize, T)> = items.drain(head..).enumerate().collect();
    rest.sort_by(|a, b| cmp(&a.1, &b.1));
    // Each goes after the head's items it does not sort before (ties keep the head's first, as
    // the stable sort of the whole list would).
    let before: Vec<usize> = rest
        .iter()
        .map(|(_, item)| items.partition_point(|h| cmp(h, item) != Ordering::Greater))
        .collect();
    let mut moved_to = vec![0; len];
    let mut inserted = 0;
    for (from, to) in moved_to[..head].iter_mut().enumerate() {
        while before.get(inserted).is_some_and(|&b| b <= from) {
            inserted += 1;
        }
        *to = from + inserted;
    }
    for (j, (from, _)) in rest.iter().enumerate() {
        moved_to[head + from] = before[j] + j;
    }
    merge_from_back(items, rest.into_iter().map(|(_, item)| item), &before);
    moved_to
}

/// Inserts `rest` into `list`, the `j`-th item before `list[before[j]]` (`before` in order), from
/// the back: each run of `list` between two insertions is moved once, by a `memmove`.
fn merge_from_back<T>(
    list: &mut Vec<T>,
    rest: impl ExactSizeIterator<Item = T> + DoubleEndedIterator,
    before: &[usize],
) {
    let head = list.len();
    let total = head + rest.len();
    assert_eq!(rest.len(), before.len());
    assert!(before.windows(2).all(|w| w[0] <= w[1]) && before.last().is_none_or(|&b| b <= head));
    list.reserve(rest.len());
    let base = list.as_mut_ptr();
    // SAFETY: `list` has room for `total` items (reserved above). Going from the back, the run
    // `list[before[j]..end]` (not moved yet) is moved up by `j + 1` to just below what the later
    // steps wrote, and the `j`-th item written below it: no live item is overwritten and each is
    // moved once, so every slot of `0..total` ends up holding one item. The length is 0 while
    // items are moved (should something panic, they leak rather than drop twice); nothing in the
    // loop panics (`before` was checked above).
    unsafe {
        list.set_len(0);
        let mut end = head;
        for (j, item) in rest.enumerate().rev() {
            let at = before[j];
            std::ptr::copy(base.add(at), base.add(at + j + 1), end - at);
            std::ptr::write(base.add(at + j), item);
            end = at;
        }
        list.set_len(total);
    }
}

/// A part's entries that add a resource: those not deleted.
fn kept<'p, 'a>(
    part: &'p [PreparedChange<'a>],
) -> impl DoubleEndedIterator<Item = &'p PreparedChange<'a>> {
    part.iter().filter(|c| c.action != Action::Delete)
}

/// Whether the entries not deleted, across all the parts, have strictly increasing addresses.
fn in_order(parts: &[Vec<PreparedChange<'_>>]) -> bool {
    use rayon::prelude::*;
    let addresses = |part| kept(part).map(|c: &PreparedChange<'_>| c.text.as_str());
    let within = parts.par_iter().all(|part| {
        let mut kept = addresses(part);
        let Some(mut before) = kept.next() else {
            return true;
        };
        kept.all(|address| std::mem::replace(&mut before, address) < address)
    });
    // Across the parts: each part's first against the last before it.
    let mut last: Option<&str> = None;
    within
        && parts.iter().all(|part| {
            let mut kept = addresses(part);
            let Some(first) = kept.next() else {
                return true;
            };
            let in_order = last.is_none_or(|before| before < first);
            last = Some(kept.next_back().unwrap_or(first));
            in_order
        })
}

/// Moves `items[order[k]]` to position `k` for every `k`, by swaps; `order` is used up.
fn permute_in_place<T>(items: &mut [T], order: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// An instance's after-state as read: values, which are unknown, which are sensitive.
#[derive(Default, Clone, Copy)]
struct RawAfter<'a> {
    after: Option<Json<'a>>,
    unknown: Option<Json<'a>>,
    sensitive: Option<Json<'a>>,
}

/// Positions in a list of resources by address, hashing the addresses the resources hold rather
/// than keeping a second copy of each.
#[derive(Debug, Default, Clone)]
struct AddressTable {
    table: hashbrown::HashTable<ResId>,
    hasher: foldhash::fast::RandomState,
}

impl AddressTable {
    fn hash(&self, address: &str) -> u64 {
        std::hash::BuildHasher::hash_one(&self.hasher, address)
    }

    fn find(&self, list: &[Resource], address: &str) -> Option<ResId> {
        let hash = self.hash(address);
        self.table.find(hash, |&i| list[i].id == address).copied()
    }

    /// Records `position` for `address`, which is not in the table yet.
    fn insert(&mut self, list: &[Resource], address: &str, position: ResId) {
        self.insert_hashed(list, self.hash(address), position);
    }

    /// [`AddressTable::insert`] for an address whose hash is `hash`.
    fn insert_hashed(&mut self, list: &[Resource], hash: u64, position: ResId) {
        let hasher = &self.hasher;
        self.table.insert_unique(hash, position, |&i| {
            std::hash::BuildHasher::hash_one(hasher, &list[i].id)
        });
    }

    fn reserve(&mut self, list: &[Resource], additional: usize) {
        let hasher = &self.hasher;
        self.table.reserve(additional, |&i| {
            std::hash::BuildHasher::hash_one(hasher, &list[i].id)
        });
    }

    /// The table over the same list reordered, where the resource at position `p` moved to
    /// `moved_to[p]`.
    fn moved(mut self, moved_to: &[ResId]) -> AddressTable {
        for position in self.table.iter_mut() {
            *position = moved_to[*position];
        }
        self
    }
}

/// Resources by address, in the order they were first read.
#[derive(Default)]
struct InOrder {
    index: AddressTable,
    list: Vec<Resource>,
}

impl InOrder {
    /// The resource at `address`, looking first at position `near`, then moving `near` past what
    /// was found: the sections list the same instances in much the same order, and looking one up
    /// in the table of a large plan is a cache miss or two.
    fn get_near(&self, address: &str, near: &mut usize) -> Option<&Resource> {
        let at = match self.list.get(*near) {
            Some(resource) if resource.id == address => *near,
            _ => self.index.find(&self.list, address)?,
        };
        *near = at + 1;
        Some(&self.list[at])
    }

    fn get_mut(&mut self, address: &str) -> Option<&mut Resource> {
        self.index
            .find(&self.list, address)
            .map(|i| &mut self.list[i])
    }

    fn reserve(&mut self, additional: usize) {
        self.list.reserve(additional);
        self.index.reserve(&self.list, additional);
    }

    /// Adds a resource whose address is not here yet.
    fn push(&mut self, resource: Resource) {
        self.index.insert(&self.list, &resource.id, self.list.len());
        self.list.push(resource);
    }
}

/// Parses a value borrowed from `text`. Its errors (nesting deeper than serde's limit, which the
/// raw value did not check) give the line and column in `text`, not in the value.
fn parse_value(raw: Option<Json<'_>>) -> Result<Value, ValueError> {
    read_value(raw, |text| serde_json::from_str(text))
}

/// Reads a value borrowed from a plan's text with `read` (`null` when there is none); its error
/// keeps where the value starts.
fn read_value<T: Default>(
    raw: Option<Json<'_>>,
    read: impl FnOnce(&str) -> Result<T, serde_json::Error>,
) -> Result<T, ValueError> {
    let Some(raw) = raw else {
        return Ok(T::default());
    };
    read(raw.0).map_err(|error| ValueError {
        error,
        at: Place::of(raw),
    })
}

impl ValueError {
    /// The error at its line and column in the plan's text.
    fn into_plan_error(self, name: &str, text: &[u8]) -> PlanError {
        let e = self.error;
        let offset = self.at.offset_in(text);
        let Some(before) = text.get(..offset) else {
            return PlanError::from_json(name, &e);
        };
        let base_line = before.iter().filter(|b| **b == b'\n').count();
        let base_column = before.len()
            - before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |p| p + 1);
        let (line, column) = if e.line() == 1 {
            (base_line + 1, base_column + e.column())
        } else {
            (base_line + e.line(), e.column())
        };
        PlanError::from_json_at(name, &e, line, column)
    }
}

fn is_number_out_of_range(e: &PlanError) -> bool {
    matches!(&e.kind, PlanErrorKind::Json { message, .. } if message == "number out of range")
}

/// The JSON text with every number too large for an f64 (`1e400`, 400-digit integers) turned into
/// a string of its digits, or `None` when there is none. Rules read such a value as a string: as a
/// number (`i64_at`) it is unknown, never a wrong number.
fn stringify_huge_numbers(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut changed = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                i = i.min(bytes.len());
                out.extend_from_slice(&bytes[start..i]);
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                {
                    i += 1;
                }
                let token = &bytes[start..i];
                let huge = std::str::from_utf8(token)
                    .ok()
                    .and_then(|t| t.parse::<f64>().ok())
                    .is_some_and(f64::is_infinite);
                if huge {
                    out.push(b'"');
                    out.extend_from_slice(token);
                    out.push(b'"');
                    changed = true;
                } else {
                    out.extend_from_slice(token);
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    changed.then_some(out)
}

/// A resource instance's key as the `count.index` / `each.key` context of its expressions.
pub fn instance_context(key: &Option<InstanceKey>) -> (Option<i64>, Option<String>) {
    match key {
        Some(InstanceKey::Int(i)) => (Some(*i), None),
        Some(InstanceKey::Str(s)) => (None, Some(s.clone())),
        None => (None, None),
    }
}

#[cfg(test)]
mod tests {
    /// `resource_changes` entries in Terraform's order, deletions among them, are added on the
    /// pool as one by one; out of order or repeated, they are added one by one. Each way, the
    /// table finds every resource where the list holds it.
    #[test]
    fn changes_in_order_are_added_as_one_at_a_time() {
        use super::{prepare_changes, Action, Builder};
        let change = |address: &str, action: &str| {
            format!(
                r#"{{"address":"{address}","mode":"managed","type":"aws_vpc","name":"a","change":{{"actions":["{action}"],"after":{{"cidr_block":"10.0.0.0/16"}}}}}}"#
            )
        };
        let plan = |entries: &[(&str, &str)]| {
            let entries: Vec<String> = entries.iter().map(|(a, x)| change(a, x)).collect();
            format!(r#"{{"resource_changes":[{}]}}"#, entries.join(","))
        };
        let sorted = [
            ("aws_vpc.a", "create"),
            ("aws_vpc.b", "delete"),
            ("aws_vpc.c", "no-op"),
            ("aws_vpc.d", "update"),
            ("aws_vpc.e", "delete"),
            ("aws_vpc.f", "create"),
            (r#"module.m[\"x\"].aws_vpc.a"#, "create"),
        ];
        let plans = [
            plan(&sorted),
            plan(&sorted[..1]),
            plan(&[]),
            // Out of order within a part, and across two.
            plan(&[
                ("aws_vpc.b", "create"),
                ("aws_vpc.a", "create"),
                ("aws_vpc.c", "create"),
            ]),
            plan(&[
                ("aws_vpc.a", "create"),
                ("aws_vpc.c", "create"),
                ("aws_vpc.b", "create"),
            ]),
            // An address twice, its second entry filling nothing.
            plan(&[
                ("aws_vpc.a", "create"),
                ("aws_vpc.b", "create"),
                ("aws_vpc.b", "update"),
            ]),
            // Deleted, then listed again.
            plan(&[("aws_vpc.a", "delete"), ("aws_vpc.a", "create")]),
        ];
        for text in &plans {
            for part_len in [1, 2, 3, 100] {
                let added = |on_the_pool: bool| {
                    let mut doc: crate::raw::RawDocument<'_> = serde_json::from_str(text).unwrap();
                    let changes = doc.resource_changes.take().unwrap();
                    let whole = prepare_changes("p", text.as_bytes(), changes).unwrap();
                    let mut entries = whole.into_iter().flatten();
                    let parts: Vec<Vec<_>> = std::iter::from_fn(|| {
                        let part: Vec<_> = entries.by_ref().take(part_len).collect();
                        (!part.is_empty()).then_some(part)
                    })
                    .collect();
                    let mut builder = Builder::new("p", text.as_bytes());
                    builder.resources.reserve(parts.iter().map(Vec::len).sum());
                    if on_the_pool {
                        builder.add_changes(parts).unwrap();
                    } else {
                        for change in parts.into_iter().flatten() {
                            builder.add_prepared(change).unwrap();
                        }
                    }
                    let list = &builder.resources.list;
                    for (i, r) in list.iter().enumerate() {
                        assert_eq!(builder.resources.index.find(list, &r.id), Some(i), "{text}");
                        assert_ne!(r.action, Action::Delete);
                    }
                    let deleted: Vec<&String> = builder.deleted.iter().collect();
                    let mut in_set: Vec<&String> = builder.deleted_set.iter().collect();
                    in_set.sort();
                    format!(
                        "{:?}\n{deleted:?}\n{in_set:?}\n{:?}",
                        builder.resources.list, builder.greatest_change
                    )
                };
                assert_eq!(added(true), added(false), "{text} in parts of {part_len}");
            }
        }
    }

    #[test]
    fn permutations_apply_in_place() {
        let items: Vec<usize> = (0..9).map(|i| i * 10).collect();
        for order in [
            vec![0, 1, 2, 3, 4, 5, 6, 7, 8],
            vec![8, 7, 6, 5, 4, 3, 2, 1, 0],
            vec![1, 2, 0, 4, 3, 5, 8, 6, 7],
            vec![3, 0, 1, 2, 7, 4, 5, 6, 8],
        ] {
            let mut permuted = items.clone();
            super::permute_in_place(&mut permuted, &mut order.clone());
            let expected: Vec<usize> = order.iter().map(|&i| items[i]).collect();
            assert_eq!(permuted, expected, "{order:?}");
        }
    }

    #[test]
    fn sorting_in_place_merges_a_sorted_head_with_the_rest() {
        // Pairs sort by their first number; the second tells equal ones apart (stability).
        let cases: Vec<(Vec<(u32, u32)>, usize)> = vec![
            (vec![], 0),
            (vec![(5, 0)], 1),
            (vec![(5, 0)], 0),
            (
                vec![(1, 0), (3, 1), (5, 2), (4, 3), (0, 4), (9, 5), (3, 6)],
                3,
            ),
            (vec![(1, 0), (3, 1), (5, 2), (6, 3), (7, 4)], 5),
            (vec![(2, 0), (4, 1), (1, 2), (0, 3), (5, 4)], 2),
            // A head out of order: the whole list is sorted.
            (vec![(4, 0), (1, 1), (5, 2), (0, 3)], 3),
            (vec![(0, 0), (0, 1), (2, 2), (1, 3)], 3),
        ];
        let mut seed = 7u64;
        let mut random = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut cases = cases;
        for _ in 0..200 {
            let head = random(30) as usize;
            let mut items: Vec<(u32, u32)> = (0..head).map(|_| (random(40) as u32, 0)).collect();
            items.sort();
            items.dedup_by_key(|i| i.0);
            let head = items.len();
            for _ in 0..random(6) {
                items.push((random(40) as u32, 0));
            }
            for (i, item) in items.iter_mut().enumerate() {
                item.1 = i as u32;
            }
            cases.push((items, head));
        }
        for (items, head) in cases {
            let mut sorted = items.clone();
            let moved_to = super::sort_in_place(&mut sorted, head, |a, b| a.0.cmp(&b.0));
            let mut expected = items.clone();
            expected.sort_by_key(|i| i.0);
            assert_eq!(sorted, expected, "{items:?} head {head}");
            for (from, &to) in moved_to.iter().enumerate() {
                assert_eq!(sorted[to], items[from], "{items:?} head {head}");
            }
        }
    }

    #[test]
    fn merging_moves_strings_without_losing_or_doubling_any() {
        let mut list: Vec<String> = ["b", "d", "f"].map(String::from).to_vec();
        let rest = ["a", "c", "e", "g", "h"].map(String::from);
        super::merge_from_back(&mut list, rest.into_iter(), &[0, 1, 2, 3, 3]);
        assert_eq!(list, ["a", "b", "c", "d", "e", "f", "g", "h"]);
    }

    /// A configuration module with its resources in order (they are in a hash map).
    fn config_module(module: &crate::config::ConfigModule) -> String {
        let mut resources: Vec<_> = module.resources.iter().collect();
        resources.sort_by(|a, b| a.0.cmp(b.0));
        let calls: Vec<String> = module
            .calls
            .iter()
            .map(|(name, call)| {
                format!(
                    "{name}: {:?} {:?} {} {} {}",
                    call.source,
                    call.expressions,
                    call.has_count,
                    call.has_for_each,
                    config_module(&call.module)
                )
            })
            .collect();
        format!(
            "resources {resources:?} calls [{}] outputs {:?} defaults {:?}",
            calls.join(", "),
            module.outputs,
            module.variable_defaults
        )
    }

    /// Reading on two threads gives the model and the errors one pass gives, on every plan in
    /// `fixtures/` and in the shared corpus, and on each of them cut short.
    #[test]
    fn split_and_whole_parses_agree() {
        use super::Plan;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut plans = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json")
                    && path.file_name().is_some_and(|n| n != "expected.json")
                {
                    plans.push(path);
                }
            }
        }
        plans.sort();
        assert!(plans.len() > 50, "{}", plans.len());
        // And the real plans of the shared corpus (Terraform 0.12 to 1.14), when it is there.
        let shared = std::env::var_os("VPCLINT_SHARED_DIR").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
            std::path::PathBuf::from,
        );
        if let Ok(entries) = std::fs::read_dir(shared.join("corpus")) {
            let mut corpus: Vec<_> = entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "json"))
                .collect();
            corpus.sort();
            plans.extend(corpus);
        }
        for path in plans {
            let bytes = std::fs::read(&path).unwrap();
            if bytes.first() != Some(&b'{') {
                continue;
            }
            for cut in (1..=8).map(|k| bytes.len() * k / 8) {
                let bytes = &bytes[..cut];
                assert_eq!(
                    model(Plan::parse_split("p", bytes, false).map(|(plan, _)| plan)),
                    model(Plan::parse_whole("p", bytes)),
                    "{} cut at {cut}",
                    path.display()
                );
            }
            // Punctuation put in the wrong place, where the walk between members must refuse what
            // one pass refuses: one byte changed at a time, at places picked by a fixed sequence.
            let mut state = bytes.len() as u64;
            for _ in 0..24 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let at = (state >> 33) as usize % bytes.len();
                // Or a byte that is not UTF-8: the text is then read as bytes, not as `str`.
                let with = b"\",}]{[: x\\\xff"[(state >> 20) as usize % 11];
                let mut changed = bytes.clone();
                changed[at] = with;
                assert_eq!(
                    model(Plan::parse_split("p", &changed, false).map(|(plan, _)| plan)),
                    model(Plan::parse_whole("p", &changed)),
                    "{} with {:?} at {at}",
                    path.display(),
                    with as char
                );
            }
        }
    }

    /// The model's fields that both readings fill.
    fn model(plan: Result<super::Plan, crate::PlanError>) -> String {
        match plan {
            Ok(mut p) => {
                // Recorded only by the reading in parts; that it is where the offset leads is
                // vpclint-report's test (`recorded_entries_are_where_the_address_leads`).
                for r in &mut p.resources {
                    r.json_entry = None;
                }
                model_of(&p)
            }
            Err(e) => format!("error: {e}"),
        }
    }

    fn model_of(p: &super::Plan) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?} {}\n{:?} {:?} {}",
            p.resources,
            p.deleted,
            p.variables,
            p.kind,
            p.format_version,
            p.config.present,
            p.config.providers,
            config_module(&p.config.root)
        )
    }

    /// Keys met inside values (an output, a map attribute, a string) before the real members are
    /// guessed wrongly; the walk reads the real ones itself, and repeats and `null` read as one
    /// pass reads them.
    #[test]
    fn wrong_guesses_are_not_taken() {
        use super::Plan;
        let change = r#"{"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","change":{"actions":["create"],"after":{"cidr_block":"10.0.0.0/16","tags":{"k":"é"}},"after_unknown":{"id":true}}}"#;
        let decoy = r#"{"resource_changes":[{"address":"aws_vpc.decoy","change":{"actions":["create"]}}],"configuration":{"root_module":{}},"prior_state":{"values":{}},"s":",\"resource_changes\":["}"#;
        let plans = [
            format!(
                r#"{{"format_version":"1.2","planned_values":{{"outputs":{{"o":{{"value":{decoy}}}}},"root_module":{{}}}},"resource_changes":[{change}],"prior_state":{{"values":{{"root_module":{{"resources":[]}}}}}},"configuration":{{"root_module":{{}}}}}}"#
            ),
            format!(
                r#"{{"format_version":"1.2","variables":{{"v":{{"value":{decoy}}}}},"resource_changes":[{change}]}}"#
            ),
            r#"{"format_version":"1.2","resource_changes":null,"planned_values":null,"configuration":null,"prior_state":null}"#.to_string(),
            format!(
                r#"{{"format_version":"1.2","resource_changes":[{change}],"resource_changes":[]}}"#
            ),
            format!(
                r#"{{"format_version":"1.2","x":{{"resource_changes":[1]}},"resource_changes":[{change}],"unknown":[1,2]}}"#
            ),
            format!(r#" {{ "format_version" : "1.2" , "resource_changes" : [ {change} ] }} "#),
            format!(r#"{{"format_version":"1.2","resource_changes":[{change},]}}"#),
            format!(r#"{{"format_version":"1.2","resource_changes":[{change}]}} x"#),
        ];
        for text in &plans {
            let bytes = text.as_bytes();
            assert_eq!(
                model(Plan::parse_split("p", bytes, false).map(|(plan, _)| plan)),
                model(Plan::parse_whole("p", bytes)),
                "{text}"
            );
        }
        let (plan, scans) = Plan::parse_split("p", plans[0].as_bytes(), false).unwrap();
        assert_eq!(plan.resources.len(), 1);
        assert_eq!(plan.resources[0].id, "aws_vpc.a");
        // The text's index comes from the scan ahead of the reading, whatever the guesses.
        let ranges: Vec<_> = scans
            .iter()
            .map(|scan| (scan.range().start, scan.range().end))
            .collect();
        assert_eq!(ranges, [(0, plans[0].len())]);
    }

    /// `resource_changes` is read in parts that start at guessed entry starts (tests read in
    /// parts of 200 bytes). A guess inside a value, with the keys an entry has, is not taken: the
    /// part before it reads on, and the model is the one pass's.
    #[test]
    fn entries_guessed_inside_values_are_not_taken() {
        use super::Plan;
        let decoy = r#"{"address":"x","mode":"managed","n":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50]}"#;
        let change = |i: usize| {
            format!(
                r#"{{"address":"aws_vpc.v{i}","mode":"managed","type":"aws_vpc","name":"v{i}","change":{{"actions":["create"],"after":{{"cidr_block":"10.{i}.0.0/16","list":[{decoy},{decoy},{decoy},{decoy}]}},"after_unknown":{{"id":true}}}}}}"#
            )
        };
        let changes: Vec<String> = (0..12).map(change).collect();
        let text = format!(
            r#"{{"format_version":"1.2","planned_values":{{"root_module":{{}}}},"resource_changes":[{}],"prior_state":{{"values":{{"root_module":{{"resources":[{{"address":"aws_vpc.old","mode":"managed","values":{{}}}},{{"address":"aws_vpc.older","mode":"managed","values":{{}}}}]}}}}}},"configuration":{{"root_module":{{}}}}}}"#,
            changes.join(",")
        );
        let bytes = text.as_bytes();
        assert!(bytes.len() > 10 * 200);
        let (plan, scans) = Plan::parse_split("p", bytes, false).unwrap();
        assert_eq!(plan.resources.len(), 14);
        assert_eq!(
            model(Ok(plan)),
            model(Plan::parse_whole("p", bytes)),
            "{text}"
        );
        let mut ranges: Vec<_> = scans.iter().map(|scan| scan.range()).collect();
        ranges.sort_by_key(|range| range.start);
        assert!(
            ranges.windows(2).all(|w| w[0].end <= w[1].start),
            "{ranges:?}"
        );
        // Cut inside the entries, or with an entry changed: the same error as one pass.
        for cut in (1..40).map(|k| bytes.len() * k / 40) {
            assert_eq!(
                model(Plan::parse_split("p", &bytes[..cut], false).map(|(plan, _)| plan)),
                model(Plan::parse_whole("p", &bytes[..cut])),
                "cut at {cut}"
            );
        }
    }

    /// A mapped plan whose pages are handed back to the kernel behind the reading (several times,
    /// for a plan of a few release steps) reads as one pass reads it, and its text is indexed as a
    /// scan of the whole text indexes it.
    #[test]
    fn a_released_mapped_plan_reads_like_one_pass() {
        use super::Plan;
        use std::fmt::Write as _;
        let entry = |i: usize, with_change: bool| {
            let values = format!(
                r#"{{"id":"subnet-{i}","vpc_id":"vpc-1","cidr_block":"10.{}.{}.0/24","tags":{{"Name":"sous-réseau {i}","pad":"{}"}}}}"#,
                i / 256 % 256,
                i % 256,
                "x".repeat(300)
            );
            if with_change {
                format!(
                    r#"{{"address":"aws_subnet.s[{i}]","mode":"managed","type":"aws_subnet","name":"s","index":{i},"change":{{"actions":["no-op"],"after":{values},"after_unknown":{{}},"after_sensitive":{{}}}}}}"#
                )
            } else {
                format!(
                    r#"{{"address":"aws_subnet.s[{i}]","mode":"managed","type":"aws_subnet","name":"s","index":{i},"values":{values},"sensitive_values":{{}}}}"#
                )
            }
        };
        let count = 12_000;
        let mut text = String::from(
            r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":["#,
        );
        for i in 0..count {
            let _ = write!(text, "{}{}", if i > 0 { "," } else { "" }, entry(i, false));
        }
        text.push_str("]}},\n\"resource_changes\":[");
        for i in 0..count {
            let _ = write!(text, "{}{}", if i > 0 { ",\n" } else { "" }, entry(i, true));
        }
        text.push_str(r#"],"prior_state":{"values":{"root_module":{"resources":["#);
        for i in (0..count).step_by(3) {
            let _ = write!(text, "{}{}", if i > 0 { "," } else { "" }, entry(i, false));
        }
        text.push_str(r#"]}}},"configuration":{"root_module":{"resources":[{"address":"aws_subnet.s","mode":"managed","type":"aws_subnet","name":"s","expressions":{"vpc_id":{"constant_value":"vpc-1"}}}]}}}"#);
        assert!(text.len() > 3 * (4 << 20), "{}", text.len());

        let dir = crate::scratch_dir("release");
        let path = dir.join("plan.json");
        std::fs::write(&path, &text).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let bytes = crate::text::InputBytes::from_file(file, text.len() as u64).unwrap();
        assert!(matches!(bytes, crate::text::InputBytes::Mapped(_)));

        let (plan, scans) = Plan::parse_split("p", &bytes, true).unwrap();
        assert!(scans.len() >= 3, "{}", scans.len());
        assert_eq!(
            model(Ok(plan)),
            model(Plan::parse_whole("p", text.as_bytes()))
        );
        let indexed = crate::text::SourceText::from_scans(bytes, scans);
        let whole = crate::text::SourceText::from(text.clone());
        assert_eq!(&*indexed, &*whole);
        assert_eq!(indexed.line_starts(), whole.line_starts());
        assert!(!indexed.is_ascii());
        for offset in (0..text.len()).step_by(100_003) {
            let offset = (offset..).find(|&o| text.is_char_boundary(o)).unwrap();
            assert_eq!(indexed.chars_before(offset), whole.chars_before(offset));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    use super::*;
    use crate::value::Step;

    #[test]
    fn numbers_beyond_f64_are_read_as_text() {
        let huge = format!("1{}", "0".repeat(400));
        let text = format!(
            r#"{{"format_version":"1.2","variables":{{"n":{{"value":-1e999}}}},
            "resource_changes":[{{"address":"aws_vpc.a","change":{{"actions":["create"],
            "after":{{"id":"vpc-1","x":{huge},"y":12345678901234567890123,"s":"1e999 \" 2e999"}}}}}}]}}"#
        );
        let plan = Plan::from_json("p.json", text.as_bytes()).unwrap();
        let vpc = &plan.resources[0];
        assert_eq!(vpc.values.str("x").known(), Some(huge.as_str()));
        assert_eq!(vpc.values.i64_at(&[Step::Key("x")]), Fact::Unknown);
        // Within f64 range: still a number, just not an i64.
        assert!(vpc
            .values
            .attr("y")
            .known()
            .is_some_and(AttrValue::is_number));
        assert_eq!(vpc.values.str("s").known(), Some("1e999 \" 2e999"));
        assert_eq!(plan.root_variable("n"), Some(&Value::from("-1e999")));
        assert_eq!(stringify_huge_numbers(br#"{"a":[1,2.5e10,"3e999"]}"#), None);
    }
}
