//! Reference resolution: which resource instance an attribute points at.
//!
//! When the attribute's value is a known id, join on it. When it is unknown until apply, follow the
//! attribute's expression in `configuration`: references in the same module, `count.index` and
//! `each.key` alignment, splats, `each.value`, module outputs, variables from the parent module call,
//! at any depth. Only references to resources of the types the attribute takes count. Anything
//! that cannot be followed (a `local`, a data source without values, two candidates for one value)
//! stays unknown, with the reason.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use foldhash::{HashMap, HashMapExt, HashSet};
use std::sync::Arc;

use serde_json::Value;

use crate::address::{parse_traversal, InstanceKey, Mode, ModulePath, Segment};
use crate::attr_value::AttrValue;
use crate::config::Expr;
use crate::model::{instance_context, Plan, ResId};
use crate::value::{Fact, Step};

/// How an edge was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResolvedBy {
    /// A known id in the plan matched a resource's known id.
    Id,
    /// Followed through configuration references.
    Reference,
    /// AWS semantics (a subnet without explicit association uses the main route table).
    Implicit,
}

impl ResolvedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ResolvedBy::Id => "id",
            ResolvedBy::Reference => "reference",
            ResolvedBy::Implicit => "implicit",
        }
    }
}

/// What an attribute points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Resource(ResId),
    /// The main route table AWS creates with this VPC (reached through `main_route_table_id`).
    VpcMainTable(ResId),
    /// A known id of something outside the plan (an existing NAT gateway, a peering connection).
    External(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Link {
    pub target: Target,
    pub by: ResolvedBy,
}

/// The outcome of resolving an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Known(Vec<Link>),
    Unknown(String),
    Absent,
}

impl Resolution {
    /// The single link of a single-valued attribute.
    pub fn single(&self) -> Fact<&Link> {
        match self {
            Resolution::Known(links) if links.len() == 1 => Fact::Known(&links[0]),
            Resolution::Known(links) if links.is_empty() => Fact::Absent,
            Resolution::Known(_) | Resolution::Unknown(_) => Fact::Unknown,
            Resolution::Absent => Fact::Absent,
        }
    }
}

/// The `count.index` / `each.key` in force while evaluating an expression.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct Ctx {
    count_index: Option<i64>,
    each_key: Option<String>,
    /// The resource whose `for_each` gives `each.value`.
    each_owner: Option<ResId>,
}

/// One thing an expression refers to, before type filtering.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Referent {
    Resource { id: ResId, attr: Option<String> },
    Known(String),
}

type Referents = Result<BTreeSet<Referent>, String>;

/// Resource ids in a plan, for joining known values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdOwner {
    Resource(ResId),
    /// The id is this VPC's main (default) route table.
    VpcMainTable(ResId),
}

const MAX_DEPTH: u32 = 48;

/// Attributes holding a VPC's main route table id.
const MAIN_TABLE_ATTRS: &[&str] = &["main_route_table_id", "default_route_table_id"];

/// Known resource ids of a plan, for joining known values; built once and shared (cheaply
/// cloned) by every resolver of the plan.
#[derive(Debug)]
pub struct IdIndex<'p>(HashMap<&'p str, Vec<IdOwner>>);

impl<'p> IdIndex<'p> {
    pub fn new(plan: &'p Plan) -> Arc<IdIndex<'p>> {
        use rayon::prelude::*;
        // Reading the ids is a look into every modelled resource's values, which a large plan's
        // caches no longer hold: done in parallel, then indexed in the plan's order.
        let found: Vec<(&'p str, IdOwner)> = plan
            .resources
            .par_iter()
            .enumerate()
            .with_min_len(1024)
            .flat_map_iter(|(i, r)| {
                let own = r.known_id().map(|id| (id, IdOwner::Resource(i)));
                let main_table_attrs = match r.rtype() {
                    "aws_vpc" | "aws_default_vpc" => MAIN_TABLE_ATTRS,
                    _ => &[],
                };
                let main_tables = main_table_attrs
                    .iter()
                    .filter_map(move |attr| r.values.str(attr).known())
                    .map(move |table| (table, IdOwner::VpcMainTable(i)));
                own.into_iter().chain(main_tables)
            })
            .collect();
        // At its size from the start: most ids have one owner.
        let mut ids: HashMap<&'p str, Vec<IdOwner>> = HashMap::with_capacity(found.len());
        for (id, owner) in found {
            let owners = ids.entry(id).or_default();
            if !owners.contains(&owner) {
                owners.push(owner);
            }
        }
        Arc::new(IdIndex(ids))
    }
}

pub struct Resolver<'p> {
    plan: &'p Plan,
    ids: Arc<IdIndex<'p>>,
    output_cache: RefCell<HashMap<(ModulePath, String), Referents>>,
    var_cache: RefCell<HashMap<(ModulePath, String), Referents>>,
    visiting: RefCell<HashSet<(ModulePath, String)>>,
    /// The references of each expression evaluated, parsed once: the instances of a `count` or
    /// `for_each` resource share their expressions. Keyed by the expression's place in the plan's
    /// configuration, which outlives the resolver (`'p`).
    parsed: RefCell<HashMap<*const Expr, Rc<ParsedRefs>>>,
}

impl<'p> Resolver<'p> {
    pub fn new(plan: &'p Plan) -> Self {
        Resolver::with_ids(plan, IdIndex::new(plan))
    }

    /// A resolver over an id index already built for this plan (see [`Resolver::ids`]).
    pub fn with_ids(plan: &'p Plan, ids: Arc<IdIndex<'p>>) -> Self {
        Resolver {
            plan,
            ids,
            output_cache: RefCell::default(),
            var_cache: RefCell::default(),
            visiting: RefCell::default(),
            parsed: RefCell::default(),
        }
    }

    /// The plan's id index, to build more resolvers without indexing again.
    pub fn ids(&self) -> Arc<IdIndex<'p>> {
        Arc::clone(&self.ids)
    }

    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    /// Resolves a reference attribute of `res` to the resources of the types in `want`.
    ///
    /// `want` names resource types (`aws_subnet`); data sources of the same type match too.
    pub fn resolve(&self, res: ResId, path: &[Step<'_>], want: &[&str]) -> Resolution {
        self.resolve_at_depth(res, path, want, 0)
    }

    /// Resolves a single-valued attribute: exactly one candidate, or unknown.
    pub fn resolve_one(&self, res: ResId, path: &[Step<'_>], want: &[&str]) -> Resolution {
        match self.resolve(res, path, want) {
            // A known list with no id in it (`route_table_id = []`, a wrong type in a hand-edited
            // plan): nothing is referenced. Callers index the first link of a `Known`.
            Resolution::Known(links) if links.is_empty() => Resolution::Absent,
            Resolution::Known(links) if links.len() > 1 => Resolution::Unknown(format!(
                "{} candidates of type {}",
                links.len(),
                want.join("/")
            )),
            other => other,
        }
    }

    fn resolve_at_depth(
        &self,
        res: ResId,
        path: &[Step<'_>],
        want: &[&str],
        depth: u32,
    ) -> Resolution {
        let values = &self.plan.resources[res].values;
        match values.get(path) {
            Fact::Absent => Resolution::Absent,
            Fact::Known(AttrValue::String(s)) if s.is_empty() => Resolution::Absent,
            Fact::Known(AttrValue::String(s)) => Resolution::Known(self.join_id(s, want)),
            Fact::Known(AttrValue::Array(items)) => {
                let mut links = BTreeSet::new();
                let mut all_known = true;
                let mut p = path.to_vec();
                for i in 0..items.len() {
                    p.push(Step::Index(i));
                    match values.get(&p) {
                        Fact::Known(AttrValue::String(s)) if !s.is_empty() => {
                            links.extend(self.join_id(s, want))
                        }
                        Fact::Known(_) | Fact::Absent => {}
                        Fact::Unknown => all_known = false,
                    }
                    p.pop();
                }
                if all_known {
                    return Resolution::Known(links.into_iter().collect());
                }
                match self.resolve_by_reference(res, path, want, depth) {
                    Resolution::Known(more) => {
                        links.extend(more);
                        Resolution::Known(links.into_iter().collect())
                    }
                    other => other,
                }
            }
            Fact::Known(_) => Resolution::Unknown("not an id".into()),
            Fact::Unknown => self.resolve_by_reference(res, path, want, depth),
        }
    }

    fn resolve_by_reference(
        &self,
        res: ResId,
        path: &[Step<'_>],
        want: &[&str],
        depth: u32,
    ) -> Resolution {
        let Some(expr) = self.plan.expr_of(res, path) else {
            // An unknown attribute the configuration does not set is computed by the provider
            // (`route_table_ids` filled in from association resources): it is not a reference.
            if self.plan.config_of(res).is_some() {
                return Resolution::Absent;
            }
            return Resolution::Unknown(if self.plan.config.present {
                "unknown until apply and not in configuration".into()
            } else {
                "unknown until apply and the plan has no configuration".into()
            });
        };
        let r = &self.plan.resources[res];
        let (count_index, each_key) = instance_context(&r.address.key);
        let ctx = Ctx {
            count_index,
            each_key,
            each_owner: Some(res),
        };
        let referents = match self.eval(&r.address.module, expr, &ctx, depth) {
            Ok(referents) => referents,
            Err(reason) => return Resolution::Unknown(reason),
        };
        self.to_links(referents, want, ResolvedBy::Reference, depth)
    }

    /// Turns referents into links of the wanted types, following `x.other_id` through `x`.
    fn to_links(
        &self,
        referents: BTreeSet<Referent>,
        want: &[&str],
        by: ResolvedBy,
        depth: u32,
    ) -> Resolution {
        let mut links = BTreeSet::new();
        for referent in referents {
            match referent {
                Referent::Known(value) => {
                    for link in self.join_id(&value, want) {
                        links.insert(Link { by, ..link });
                    }
                }
                Referent::Resource { id, attr } => {
                    let r = &self.plan.resources[id];
                    let attr = attr.as_deref();
                    if matches!(r.rtype(), "aws_vpc" | "aws_default_vpc")
                        && attr.is_some_and(|a| MAIN_TABLE_ATTRS.contains(&a))
                        && wants_route_table(want)
                    {
                        links.insert(Link {
                            target: Target::VpcMainTable(id),
                            by,
                        });
                    } else if want.contains(&r.rtype()) {
                        links.insert(Link {
                            target: Target::Resource(id),
                            by,
                        });
                    } else if let Some(a) =
                        attr.filter(|a| a.ends_with("_id") || a.ends_with("_ids"))
                    {
                        // `vpc_id = aws_subnet.a.vpc_id`: the subnet's own vpc_id.
                        if depth >= MAX_DEPTH {
                            return Resolution::Unknown("reference chain too deep".into());
                        }
                        match self.resolve_at_depth(id, &[Step::Key(a)], want, depth + 1) {
                            Resolution::Known(more) => {
                                links.extend(more.into_iter().map(|l| Link { by, ..l }))
                            }
                            Resolution::Unknown(reason) => return Resolution::Unknown(reason),
                            Resolution::Absent => {}
                        }
                    }
                }
            }
        }
        if links.is_empty() {
            return Resolution::Unknown(format!("no reference to a {}", want.join(" or ")));
        }
        Resolution::Known(links.into_iter().collect())
    }

    /// Joins a known value on resource ids. An id not in the plan is an external target.
    fn join_id(&self, value: &str, want: &[&str]) -> Vec<Link> {
        let mut links = Vec::new();
        if let Some(owners) = self.ids.0.get(value) {
            for owner in owners {
                match *owner {
                    IdOwner::Resource(id) if want.contains(&self.plan.resources[id].rtype()) => {
                        links.push(Link {
                            target: Target::Resource(id),
                            by: ResolvedBy::Id,
                        })
                    }
                    IdOwner::VpcMainTable(vpc) if wants_route_table(want) => links.push(Link {
                        target: Target::VpcMainTable(vpc),
                        by: ResolvedBy::Id,
                    }),
                    IdOwner::VpcMainTable(vpc)
                        if want.contains(&self.plan.resources[vpc].rtype()) =>
                    {
                        links.push(Link {
                            target: Target::Resource(vpc),
                            by: ResolvedBy::Id,
                        })
                    }
                    _ => {}
                }
            }
        }
        // A managed resource and a data source can read the same object: prefer the managed one.
        if links.len() > 1 {
            let managed: Vec<Link> = links
                .iter()
                .filter(|l| match l.target {
                    Target::Resource(id) => self.plan.resources[id].address.mode == Mode::Managed,
                    _ => true,
                })
                .cloned()
                .collect();
            if !managed.is_empty() {
                links = managed;
            }
        }
        if links.is_empty() {
            links.push(Link {
                target: Target::External(value.to_string()),
                by: ResolvedBy::Id,
            });
        }
        links
    }

    /// The references of `expr`, parsed.
    fn parsed(&self, expr: &'p Expr) -> Result<Rc<ParsedRefs>, String> {
        let key: *const Expr = expr;
        if let Some(parsed) = self.parsed.borrow().get(&key) {
            return Ok(Rc::clone(parsed));
        }
        let parsed = Rc::new(ParsedRefs::parse(&expr.references)?);
        self.parsed.borrow_mut().insert(key, Rc::clone(&parsed));
        Ok(parsed)
    }

    /// Evaluates the references of an expression in a module instance.
    fn eval(&self, module: &ModulePath, expr: &'p Expr, ctx: &Ctx, depth: u32) -> Referents {
        if depth >= MAX_DEPTH {
            return Err("reference chain too deep".into());
        }
        let mut out = BTreeSet::new();
        if let Some(constant) = &expr.constant {
            collect_strings(constant, &mut out);
            if expr.references.is_empty() {
                return Ok(out);
            }
        }
        let parsed = self.parsed(expr)?;
        for (local, group) in &parsed.resources {
            let instances = self.plan.instances(module, local);
            for id in select_instances(self.plan, instances, group, &parsed, ctx) {
                if group.attrs.is_empty() {
                    out.insert(Referent::Resource { id, attr: None });
                }
                for attr in &group.attrs {
                    out.insert(Referent::Resource {
                        id,
                        attr: Some(attr.clone()),
                    });
                }
            }
        }
        for (name, group) in &parsed.modules {
            if group.outputs.is_empty() {
                return Err(format!("module.{name} is used as a whole object"));
            }
            let instances = self.select_module_instances(module, name, group, &parsed, ctx);
            let module_indexed =
                instances.len() == 1 && self.plan.module_instances_of(module, name).len() > 1;
            for instance in instances {
                for output in &group.outputs {
                    let referents = self.eval_output(&instance, output, depth + 1)?;
                    if let Some(keys) = group.output_keys.get(output) {
                        out.extend(self.pick_elements(referents, keys)?);
                    } else if module_indexed {
                        out.extend(referents);
                    } else {
                        // `module.m.ids[count.index]`: index the output's list like a resource's.
                        out.extend(self.align_list(referents, &parsed, ctx));
                    }
                }
            }
        }
        for var in &parsed.vars {
            out.extend(self.eval_var(module, var, depth + 1)?);
        }
        if parsed.each_value {
            out.extend(self.eval_each_value(module, ctx, depth + 1)?);
        }
        if let Some(local) = parsed.locals.first() {
            return Err(format!(
                "depends on local.{local}, which the plan does not record"
            ));
        }
        Ok(out)
    }

    /// Picks one element of a list of instances of a single resource by `count.index` or
    /// `each.key`, when the expression uses one; otherwise returns the list unchanged.
    fn align_list(
        &self,
        referents: BTreeSet<Referent>,
        parsed: &ParsedRefs,
        ctx: &Ctx,
    ) -> BTreeSet<Referent> {
        let ids: Vec<ResId> = referents
            .iter()
            .filter_map(|r| match r {
                Referent::Resource { id, .. } => Some(*id),
                Referent::Known(_) => None,
            })
            .collect();
        if ids.len() < 2 || ids.len() != referents.len() {
            return referents;
        }
        let first = &self.plan.resources[ids[0]].address;
        let same_resource = ids.iter().all(|id| {
            let a = &self.plan.resources[*id].address;
            a.module == first.module && a.rtype == first.rtype && a.name == first.name
        });
        if !same_resource {
            return referents;
        }
        let mut sorted = ids.clone();
        sorted.sort_by(|a, b| {
            self.plan.resources[*a]
                .address
                .cmp(&self.plan.resources[*b].address)
        });
        sorted.dedup();
        let group = ResourceGroup::default();
        let picked = select_instances(self.plan, &sorted, &group, parsed, ctx);
        if picked.len() == sorted.len() {
            return referents;
        }
        referents
            .into_iter()
            .filter(|r| matches!(r, Referent::Resource { id, .. } if picked.contains(id)))
            .collect()
    }

    /// Elements of an output's list (or map) by literal index: position in the sorted instances
    /// of one resource, or the instance with that `for_each` key.
    fn pick_elements(
        &self,
        referents: BTreeSet<Referent>,
        keys: &BTreeSet<InstanceKey>,
    ) -> Referents {
        let mut ids: Vec<ResId> = Vec::new();
        for r in &referents {
            match r {
                Referent::Resource { id, .. } => ids.push(*id),
                Referent::Known(_) => {
                    return Err("an indexed module output holds known values".into())
                }
            }
        }
        ids.sort_by(|a, b| {
            self.plan.resources[*a]
                .address
                .cmp(&self.plan.resources[*b].address)
        });
        ids.dedup();
        let same_resource = ids.windows(2).all(|w| {
            let (a, b) = (
                &self.plan.resources[w[0]].address,
                &self.plan.resources[w[1]].address,
            );
            a.module == b.module && a.rtype == b.rtype && a.name == b.name
        });
        if !same_resource {
            return Err("an indexed module output mixes resources".into());
        }
        let mut picked = BTreeSet::new();
        for key in keys {
            let id = match key {
                InstanceKey::Int(i) => usize::try_from(*i).ok().and_then(|i| ids.get(i).copied()),
                InstanceKey::Str(_) => ids
                    .iter()
                    .copied()
                    .find(|id| self.plan.resources[*id].address.key.as_ref() == Some(key)),
            };
            match id {
                Some(id) => {
                    picked.insert(Referent::Resource { id, attr: None });
                }
                None => return Err(format!("module output index {key} is out of range")),
            }
        }
        Ok(picked)
    }

    fn eval_output(&self, module: &ModulePath, output: &str, depth: u32) -> Referents {
        let key = (module.clone(), output.to_string());
        if let Some(cached) = self.output_cache.borrow().get(&key) {
            return cached.clone();
        }
        if !self.visiting.borrow_mut().insert(key.clone()) {
            return Err(format!("module output {output} refers to itself"));
        }
        let result = match self
            .plan
            .config
            .module(module)
            .and_then(|m| m.outputs.get(output))
        {
            Some(expr) => self.eval(module, expr, &Ctx::default(), depth),
            None => Err(format!("module output {output} is not in configuration")),
        };
        self.visiting.borrow_mut().remove(&key);
        self.output_cache.borrow_mut().insert(key, result.clone());
        result
    }

    fn eval_var(&self, module: &ModulePath, var: &str, depth: u32) -> Referents {
        let Some((parent, step)) = module.parent() else {
            // A root variable: its value is in the plan; ids in it join like known values.
            let mut out = BTreeSet::new();
            match self.plan.root_variable(var) {
                Some(value) => collect_strings(value, &mut out),
                None => return Err(format!("var.{var} has no value in the plan")),
            }
            return Ok(out);
        };
        let key = (module.clone(), var.to_string());
        if let Some(cached) = self.var_cache.borrow().get(&key) {
            return cached.clone();
        }
        if !self.visiting.borrow_mut().insert(key.clone()) {
            return Err(format!("var.{var} refers to itself"));
        }
        let call = self.plan.config.call(&parent, &step.name);
        let result = match call.and_then(|c| c.expressions.get(var)) {
            Some(expr) => {
                // Inside the module call, count.index / each.key are the module instance's key.
                let (count_index, each_key) = instance_context(&step.key);
                let ctx = Ctx {
                    count_index,
                    each_key,
                    each_owner: None,
                };
                self.eval(&parent, expr, &ctx, depth)
            }
            None => match self
                .plan
                .config
                .module(module)
                .and_then(|m| m.variable_defaults.get(var))
            {
                // Not set by the call: the variable's default, a constant.
                Some(default) => {
                    let mut out = BTreeSet::new();
                    collect_strings(default, &mut out);
                    Ok(out)
                }
                None => Err(format!("var.{var} is not set by module.{}", step.name)),
            },
        };
        self.visiting.borrow_mut().remove(&key);
        self.var_cache.borrow_mut().insert(key, result.clone());
        result
    }

    /// `each.value` of a resource whose `for_each` iterates over another resource's instances.
    fn eval_each_value(&self, module: &ModulePath, ctx: &Ctx, depth: u32) -> Referents {
        let (Some(owner), Some(key)) = (ctx.each_owner, ctx.each_key.as_ref()) else {
            return Err("each.value outside a resource with for_each".into());
        };
        let Some(for_each) = self.plan.config_of(owner).and_then(|c| c.for_each.as_ref()) else {
            return Err("each.value without a for_each expression".into());
        };
        let all = self.eval(module, for_each, &Ctx::default(), depth)?;
        let wanted_key = InstanceKey::Str(key.clone());
        let matching: BTreeSet<Referent> = all
            .into_iter()
            .filter(|r| match r {
                Referent::Resource { id, .. } => {
                    self.plan.resources[*id].address.key.as_ref() == Some(&wanted_key)
                }
                Referent::Known(_) => false,
            })
            .map(|r| match r {
                // each.value is the whole object; its id is what attributes take.
                Referent::Resource { id, .. } => Referent::Resource { id, attr: None },
                other => other,
            })
            .collect();
        if matching.is_empty() {
            return Err("each.value does not map to a resource instance".into());
        }
        Ok(matching)
    }

    fn select_module_instances(
        &self,
        module: &ModulePath,
        name: &str,
        group: &ModuleGroup,
        parsed: &ParsedRefs,
        ctx: &Ctx,
    ) -> Vec<ModulePath> {
        let mut instances = self.plan.module_instances_of(module, name);
        if instances.is_empty() {
            // A module with no resources of its own: only a single instance can be named.
            let call = self.plan.config.call(module, name);
            if call.is_some_and(|c| !c.has_count && !c.has_for_each) {
                instances.push(module.child(name, None));
            }
        }
        select_by_key(
            &instances,
            |m: &ModulePath| m.0.last().and_then(|s| s.key.clone()),
            &group.keys,
            parsed,
            ctx,
        )
    }
}

fn wants_route_table(want: &[&str]) -> bool {
    want.contains(&"aws_route_table") || want.contains(&"aws_default_route_table")
}

/// Strings inside a constant: ids to join on.
fn collect_strings(value: &Value, out: &mut BTreeSet<Referent>) {
    match value {
        Value::String(s) if !s.is_empty() => {
            out.insert(Referent::Known(s.clone()));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// Picks the instances a resource reference means, given the expression's index context.
fn select_instances(
    plan: &Plan,
    instances: &[ResId],
    group: &ResourceGroup,
    parsed: &ParsedRefs,
    ctx: &Ctx,
) -> Vec<ResId> {
    select_by_key(
        instances,
        |id: &ResId| plan.resources[*id].address.key.clone(),
        &group.keys,
        parsed,
        ctx,
    )
}

/// Picks the instances (of a resource or a module call) a reference means: its literal keys,
/// else the one at `count.index` (wrapping around, as `element()` does) when the expression uses
/// it and the instances are counted, else the one at `each.key`, else all of them.
fn select_by_key<T: Clone>(
    instances: &[T],
    key_of: impl Fn(&T) -> Option<InstanceKey>,
    keys: &BTreeSet<InstanceKey>,
    parsed: &ParsedRefs,
    ctx: &Ctx,
) -> Vec<T> {
    if !keys.is_empty() {
        return instances
            .iter()
            .filter(|i| key_of(i).is_some_and(|k| keys.contains(&k)))
            .cloned()
            .collect();
    }
    let int_keyed = !instances.is_empty()
        && instances
            .iter()
            .all(|i| matches!(key_of(i), Some(InstanceKey::Int(_))));
    if let (true, Some(i), true) = (parsed.count_index, ctx.count_index, int_keyed) {
        let n = instances.len() as i64;
        return vec![instances[i.rem_euclid(n) as usize].clone()];
    }
    if let (true, Some(k)) = (parsed.each_key, &ctx.each_key) {
        let wanted = InstanceKey::Str(k.clone());
        let matching: Vec<T> = instances
            .iter()
            .filter(|i| key_of(i).as_ref() == Some(&wanted))
            .cloned()
            .collect();
        if !matching.is_empty() {
            return matching;
        }
    }
    instances.to_vec()
}

#[derive(Debug, Default)]
struct ResourceGroup {
    keys: BTreeSet<InstanceKey>,
    attrs: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct ModuleGroup {
    keys: BTreeSet<InstanceKey>,
    outputs: BTreeSet<String>,
    /// Literal indexes applied to an output's value.
    output_keys: BTreeMap<String, BTreeSet<InstanceKey>>,
}

/// The references of one expression, grouped by what they name.
#[derive(Debug, Default)]
struct ParsedRefs {
    resources: BTreeMap<String, ResourceGroup>,
    modules: BTreeMap<String, ModuleGroup>,
    vars: BTreeSet<String>,
    locals: Vec<String>,
    count_index: bool,
    each_key: bool,
    each_value: bool,
}

impl ParsedRefs {
    fn parse(references: &[String]) -> Result<ParsedRefs, String> {
        let mut parsed = ParsedRefs::default();
        for reference in references {
            let Some(segments) = parse_traversal(reference) else {
                return Err(format!(
                    "reference {:?} does not parse",
                    reference.chars().take(80).collect::<String>()
                ));
            };
            let attr = |i: usize| match segments.get(i) {
                Some(Segment::Attr(a)) => Some(a.to_string()),
                _ => None,
            };
            let Some(Segment::Attr(root)) = segments.first() else {
                continue;
            };
            match *root {
                "count" => parsed.count_index |= attr(1).as_deref() == Some("index"),
                "each" => match attr(1).as_deref() {
                    Some("key") => parsed.each_key = true,
                    Some("value") => parsed.each_value = true,
                    _ => {}
                },
                "var" => {
                    if let Some(name) = attr(1) {
                        parsed.vars.insert(name);
                    }
                }
                "local" => {
                    if let Some(name) = attr(1) {
                        parsed.locals.push(name);
                    }
                }
                "module" => {
                    let Some(name) = attr(1) else { continue };
                    let group = parsed.modules.entry(name).or_default();
                    let mut next = 2;
                    if let Some(Segment::Index(k)) = segments.get(2) {
                        group.keys.insert(k.clone());
                        next = 3;
                    }
                    if let Some(output) = attr(next) {
                        // `module.m.ids[0]`: Terraform writes the literal index after the output.
                        if let Some(Segment::Index(k)) = segments.get(next + 1) {
                            group
                                .output_keys
                                .entry(output.clone())
                                .or_default()
                                .insert(k.clone());
                        }
                        group.outputs.insert(output);
                    }
                }
                "path" | "terraform" | "self" | "null" | "true" | "false" => {}
                _ => {
                    let (local, next) = if *root == "data" {
                        match (attr(1), attr(2)) {
                            (Some(t), Some(n)) => (format!("data.{t}.{n}"), 3),
                            _ => continue,
                        }
                    } else {
                        match attr(1) {
                            Some(n) => (format!("{root}.{n}"), 2),
                            None => continue,
                        }
                    };
                    let group = parsed.resources.entry(local).or_default();
                    let mut next = next;
                    if let Some(Segment::Index(k)) = segments.get(next) {
                        group.keys.insert(k.clone());
                        next += 1;
                    }
                    if let Some(a) = attr(next) {
                        group.attrs.insert(a);
                    }
                }
            }
        }
        Ok(parsed)
    }
}
