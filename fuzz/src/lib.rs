//! What both fuzz targets run, and the structure-aware mutator of `plan_structured`.
//!
//! The harness reads the input as a plan, builds the network, exports the graph and runs every
//! rule; an input that is not a plan must give a one-line error that names the file and does not
//! quote a planted value. Any panic (index out of bounds, overflow in debug builds, a stack
//! overflow) is a crash.

use serde_json::{Map, Value};
use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::Network;
use vpclint_plan::{Plan, PlanError};
use vpclint_rules::RuleOptions;

/// The name the harness gives its input; every error must start with it.
pub const NAME: &str = "fuzz-input.json";

/// A value the structure-aware mutator plants; no input error may print it.
pub const CANARY: &str = "SECRETCANARY7f3a";
/// A number the mutator plants, for the same check.
pub const CANARY_NUMBER: i64 = 918_273_645_546;

/// Runs one input through everything vpclint does with a plan.
pub fn check(data: &[u8]) {
    if data.starts_with(b"PK\x03\x04") {
        check_binary(data);
        return;
    }
    match Plan::from_json(NAME, data) {
        Ok(plan) => analyze(&plan),
        Err(e) => check_error(&e),
    }
}

fn analyze(plan: &Plan) {
    let network = Network::build(plan);
    let graph = vpclint_plan::export::graph_json(&network);
    // Serialising the graph must not fail either (it goes to standard output).
    serde_json::to_vec(&graph).expect("graph serialises");
    let outcome = vpclint_rules::run(&network, &RuleOptions::default());
    for finding in &outcome.findings {
        std::hint::black_box(format!("{finding:?}"));
    }
}

/// An input error: one line, naming the input, quoting no planted value.
pub fn check_error(e: &PlanError) {
    let text = e.to_string();
    assert!(!text.contains('\n'), "error is not one line: {text}");
    assert!(
        text.starts_with(&format!("{}: ", e.file)),
        "error does not start with the file name: {text}"
    );
    // Addresses are named in errors on purpose (they are not values).
    if !text.contains("resource address") {
        assert!(!text.contains(CANARY), "error quotes a value: {text}");
        assert!(
            !text.contains(&CANARY_NUMBER.to_string()),
            "error quotes a value: {text}"
        );
    }
}

/// A zip: the reader looks for a `tfplan` entry in the central directory before running
/// terraform. The program it would run does not exist, so this never leaves the process.
fn check_binary(data: &[u8]) {
    let path = std::env::temp_dir().join(format!("vpclint-fuzz-{}.zip", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let options = ReadOptions {
        terraform_bin: Some("/nonexistent/vpclint-fuzz-terraform".into()),
    };
    let result = vpclint_plan::input::read_source(&Source::File(path.clone()), &options);
    let _ = std::fs::remove_file(&path);
    match result {
        Ok(input) => {
            if let Ok(plan) = Plan::from_input(input) {
                analyze(&plan);
            }
        }
        Err(e) => check_error(&e),
    }
}

/// A small deterministic generator (xorshift64*), seeded by libFuzzer.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u32) -> Self {
        Rng(u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// One step of a path into a JSON document.
#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

/// The path of a node picked uniformly at random (the root included), found in one walk that
/// keeps a reservoir sample, so that the whole tree is not copied.
fn random_path(root: &Value, rng: &mut Rng) -> Vec<PathStep> {
    let mut chosen: Vec<PathStep> = Vec::new();
    let mut seen = 1usize;
    let mut path: Vec<PathStep> = Vec::new();
    // (node, depth of its path): children are pushed in reverse so the walk is in order.
    let mut stack: Vec<(Option<PathStep>, &Value, usize)> = vec![(None, root, 0)];
    while let Some((step, node, depth)) = stack.pop() {
        path.truncate(depth);
        if let Some(step) = step {
            path.push(step);
            seen += 1;
            if rng.below(seen) == 0 {
                chosen = path.clone();
            }
        }
        let depth = path.len();
        match node {
            Value::Object(map) => {
                for (k, v) in map.iter().rev() {
                    stack.push((Some(PathStep::Key(k.clone())), v, depth));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate().rev() {
                    stack.push((Some(PathStep::Index(i)), v, depth));
                }
            }
            _ => {}
        }
    }
    chosen
}

fn get_mut<'v>(root: &'v mut Value, path: &[PathStep]) -> Option<&'v mut Value> {
    let mut node = root;
    for step in path {
        node = match (node, step) {
            (Value::Object(map), PathStep::Key(k)) => map.get_mut(k)?,
            (Value::Array(items), PathStep::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

fn get<'v>(root: &'v Value, path: &[PathStep]) -> Option<&'v Value> {
    let mut node = root;
    for step in path {
        node = match (node, step) {
            (Value::Object(map), PathStep::Key(k)) => map.get(k)?,
            (Value::Array(items), PathStep::Index(i)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// A sample of the document's strings and keys (addresses, references, ids), to reuse elsewhere
/// in it: a reference pointed at another resource, an id copied into another attribute, a cycle
/// between module outputs.
fn strings(root: &Value, rng: &mut Rng) -> Vec<String> {
    const SAMPLE: usize = 64;
    fn take<'v>(s: &'v str, out: &mut Vec<&'v str>, seen: &mut usize, rng: &mut Rng) {
        *seen += 1;
        if out.len() < SAMPLE {
            out.push(s);
        } else {
            let j = rng.below(*seen);
            if j < SAMPLE {
                out[j] = s;
            }
        }
    }
    let mut out: Vec<&str> = Vec::with_capacity(SAMPLE);
    let mut seen = 0usize;
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node {
            Value::String(s) => take(s, &mut out, &mut seen, rng),
            Value::Object(map) => {
                for k in map.keys() {
                    take(k, &mut out, &mut seen, rng);
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out.into_iter().map(str::to_string).collect()
}

const INTERESTING_STRINGS: &[&str] = &[
    "",
    CANARY,
    "aws_vpc.this",
    "aws_subnet.private[0]",
    "aws_subnet.private",
    "aws_subnet.private[\"a\"]",
    "aws_route_table.private[count.index]",
    "aws_nat_gateway.this[0].id",
    "aws_vpc.this.main_route_table_id",
    "aws_vpc.this.default_route_table_id",
    "module.vpc",
    "module.vpc.private_subnets",
    "module.vpc[0].vpc_id",
    "module.vpc[\"x\"].vpc_id",
    "module.vpc.ids[0]",
    "module.a.module.b.aws_subnet.x[1]",
    "count.index",
    "each.key",
    "each.value",
    "each.value.id",
    "var.vpc_id",
    "var.region",
    "local.x",
    "data.aws_vpc.main",
    "data.aws_vpc.main.id",
    "self",
    "path.module",
    "vpc-0123456789abcdef0",
    "subnet-0123",
    "rtb-0123",
    "nat-0123",
    "igw-0123",
    "vpce-0123",
    "sg-0123",
    "pl-0123",
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/16",
    "com.amazonaws.us-east-1.s3",
    "com.amazonaws.us-east-1.dynamodb",
    "com.amazonaws.vpce.us-east-1.vpce-svc-0123",
    "us-east-1",
    "ap-northeast-1a",
    "Gateway",
    "Interface",
    "create",
    "delete",
    "update",
    "read",
    "no-op",
    "forget",
    "0.1",
    "1.2",
    "9.0",
    "aws",
    "module.vpc:aws",
    "aws_vpc.a[",
    "aws_vpc.a[\"x]",
    "aws_vpc.a[99999999999999999999]",
    "aws_vpc.a[-1]",
    "a.b.c.d.e.f",
    "[0]",
    "module.",
    "\u{0}",
    "é",
];

const INTERESTING_KEYS: &[&str] = &[
    "address",
    "mode",
    "type",
    "name",
    "index",
    "module_address",
    "change",
    "actions",
    "before",
    "after",
    "after_unknown",
    "after_sensitive",
    "values",
    "sensitive_values",
    "resources",
    "child_modules",
    "root_module",
    "resource_changes",
    "planned_values",
    "prior_state",
    "configuration",
    "variables",
    "format_version",
    "module_calls",
    "module",
    "outputs",
    "expression",
    "expressions",
    "references",
    "constant_value",
    "count_expression",
    "for_each_expression",
    "provider_config",
    "provider_config_key",
    "region",
    "default",
    "value",
    "id",
    "vpc_id",
    "subnet_id",
    "subnet_ids",
    "route_table_id",
    "route_table_ids",
    "nat_gateway_id",
    "gateway_id",
    "route",
    "cidr_block",
    "security_group_ids",
    "vpc_endpoint_type",
    "service_name",
    "private_dns_enabled",
    "main_route_table_id",
    "default_route_table_id",
    "db_subnet_group_name",
    "vpc_config",
    "ingress",
    "egress",
    "from_port",
    "to_port",
    "policy",
];

fn interesting_value(rng: &mut Rng, dict: &[String]) -> Value {
    match rng.below(22) {
        0 => Value::Null,
        1 => Value::Bool(true),
        2 => Value::Bool(false),
        3 => Value::from(0),
        4 => Value::from(-1),
        5 => Value::from(u64::MAX),
        6 => Value::from(i64::MIN),
        7 => Value::from(CANARY_NUMBER),
        8 => Value::from(1.5),
        9 => Value::Array(Vec::new()),
        10 => Value::Object(Map::new()),
        11 => Value::String(CANARY.to_string()),
        12 | 13 => {
            Value::String(INTERESTING_STRINGS[rng.below(INTERESTING_STRINGS.len())].to_string())
        }
        14..=16 if !dict.is_empty() => Value::String(dict[rng.below(dict.len())].clone()),
        17 => {
            // A configuration expression with references.
            let n = 1 + rng.below(3);
            let refs: Vec<Value> = (0..n)
                .map(|_| {
                    if !dict.is_empty() && rng.chance(2) {
                        Value::String(dict[rng.below(dict.len())].clone())
                    } else {
                        Value::String(
                            INTERESTING_STRINGS[rng.below(INTERESTING_STRINGS.len())].to_string(),
                        )
                    }
                })
                .collect();
            let mut m = Map::new();
            m.insert("references".into(), Value::Array(refs));
            Value::Object(m)
        }
        18 => {
            let mut m = Map::new();
            m.insert(
                "constant_value".into(),
                Value::String(
                    INTERESTING_STRINGS[rng.below(INTERESTING_STRINGS.len())].to_string(),
                ),
            );
            Value::Object(m)
        }
        19 => {
            // Nesting up to a few hundred levels.
            let depth = 1 + rng.below(300);
            let mut v = Value::Null;
            for _ in 0..depth {
                v = if rng.chance(2) {
                    Value::Array(vec![v])
                } else {
                    let mut m = Map::new();
                    m.insert("a".into(), v);
                    Value::Object(m)
                };
            }
            v
        }
        _ => {
            let mut m = Map::new();
            m.insert(
                INTERESTING_KEYS[rng.below(INTERESTING_KEYS.len())].into(),
                Value::Bool(true),
            );
            Value::Object(m)
        }
    }
}

/// Applies one structural mutation to a parsed plan. Returns false if nothing changed.
fn mutate_value(root: &mut Value, rng: &mut Rng) -> bool {
    let path = random_path(root, rng);
    let dict = strings(root, rng);
    match rng.below(12) {
        // Replace the node with an interesting value.
        0..=2 => {
            let v = interesting_value(rng, &dict);
            if let Some(node) = get_mut(root, &path) {
                *node = v;
            }
        }
        // Delete the node from its parent.
        3 => {
            let Some((last, parent)) = path.split_last() else {
                return false;
            };
            match (get_mut(root, parent), last) {
                (Some(Value::Object(map)), PathStep::Key(k)) => {
                    map.shift_remove(k);
                }
                (Some(Value::Array(items)), PathStep::Index(i)) if *i < items.len() => {
                    items.remove(*i);
                }
                _ => return false,
            }
        }
        // Duplicate an array element, or copy an object member under another key.
        4 => {
            let Some((last, parent)) = path.split_last() else {
                return false;
            };
            match (get_mut(root, parent), last) {
                (Some(Value::Array(items)), PathStep::Index(i)) if *i < items.len() => {
                    let copy = items[*i].clone();
                    let at = rng.below(items.len() + 1);
                    items.insert(at, copy);
                }
                (Some(Value::Object(map)), PathStep::Key(k)) => {
                    if let Some(v) = map.get(k).cloned() {
                        let key = INTERESTING_KEYS[rng.below(INTERESTING_KEYS.len())];
                        map.insert(key.into(), v);
                    }
                }
                _ => return false,
            }
        }
        // Graft another subtree of the document here.
        5 | 6 => {
            let from = random_path(root, rng);
            let Some(v) = get(root, &from).cloned() else {
                return false;
            };
            if let Some(node) = get_mut(root, &path) {
                *node = v;
            }
        }
        // Reuse another string of the document (an address as a reference, an id elsewhere).
        7 => {
            if dict.is_empty() {
                return false;
            }
            let s = dict[rng.below(dict.len())].clone();
            match get_mut(root, &path) {
                Some(Value::Array(items)) => items.push(Value::String(s)),
                Some(node) => *node = Value::String(s),
                None => return false,
            }
        }
        // Byte-level mutation inside one string.
        8 => match get_mut(root, &path) {
            Some(Value::String(s)) => {
                let mut bytes = s.clone().into_bytes();
                let len = bytes.len();
                bytes.resize(len + 16, 0);
                let n = libfuzzer_sys::fuzzer_mutate(&mut bytes, len, len + 16);
                bytes.truncate(n);
                *s = String::from_utf8_lossy(&bytes).into_owned();
            }
            Some(Value::Number(n)) => {
                *n = match rng.below(4) {
                    0 => (n.as_i64().unwrap_or(0).wrapping_add(1)).into(),
                    1 => (n.as_i64().unwrap_or(0).wrapping_neg()).into(),
                    2 => serde_json::Number::from(i64::MAX),
                    _ => serde_json::Number::from_f64(1e300).unwrap_or_else(|| 0.into()),
                }
            }
            _ => return false,
        },
        // Rename an object key.
        9 => {
            let Some((PathStep::Key(k), parent)) = path.split_last() else {
                return false;
            };
            let new_key = if rng.chance(2) && !dict.is_empty() {
                dict[rng.below(dict.len())].clone()
            } else {
                INTERESTING_KEYS[rng.below(INTERESTING_KEYS.len())].to_string()
            };
            if let Some(Value::Object(map)) = get_mut(root, parent) {
                if let Some(v) = map.shift_remove(k) {
                    map.insert(new_key, v);
                }
            }
        }
        // Insert a new member or element.
        10 => {
            let v = interesting_value(rng, &dict);
            match get_mut(root, &path) {
                Some(Value::Object(map)) => {
                    let key = INTERESTING_KEYS[rng.below(INTERESTING_KEYS.len())];
                    map.insert(key.into(), v);
                }
                Some(Value::Array(items)) => {
                    let at = rng.below(items.len() + 1);
                    items.insert(at, v);
                }
                _ => return false,
            }
        }
        // Mark the node unknown: wrap it the way after_unknown marks a whole block.
        _ => match get_mut(root, &path) {
            Some(node @ Value::Object(_)) | Some(node @ Value::Array(_)) => {
                if rng.chance(2) {
                    *node = Value::Bool(true);
                } else if let Value::Array(items) = node {
                    items.reverse();
                } else {
                    return false;
                }
            }
            _ => return false,
        },
    }
    true
}

/// The structure-aware mutator: parse the input as JSON, change its structure, print it compact.
/// Inputs that are not JSON (and one mutation in twenty) get libFuzzer's byte-level mutations.
pub fn mutate(data: &mut [u8], size: usize, max_size: usize, seed: u32) -> usize {
    let mut rng = Rng::new(seed);
    let parsed = serde_json::from_slice::<Value>(&data[..size]).ok();
    let Some(mut doc) = parsed.filter(|_| !rng.chance(20)) else {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    };
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        mutate_value(&mut doc, &mut rng);
    }
    let Ok(out) = serde_json::to_vec(&doc) else {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    };
    if out.len() > max_size {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    }
    data[..out.len()].copy_from_slice(&out);
    out.len()
}

/// Crossover: a random subtree of the second plan grafted into the first.
pub fn crossover(data1: &[u8], data2: &[u8], out: &mut [u8], seed: u32) -> usize {
    let mut rng = Rng::new(seed);
    let (Ok(mut a), Ok(b)) = (
        serde_json::from_slice::<Value>(data1),
        serde_json::from_slice::<Value>(data2),
    ) else {
        let n = data1.len().min(out.len());
        out[..n].copy_from_slice(&data1[..n]);
        return n;
    };
    let to = random_path(&a, &mut rng);
    let from = random_path(&b, &mut rng);
    if let (Some(v), Some(node)) = (get(&b, &from).cloned(), get_mut(&mut a, &to)) {
        *node = v;
    }
    match serde_json::to_vec(&a) {
        Ok(bytes) if bytes.len() <= out.len() => {
            out[..bytes.len()].copy_from_slice(&bytes);
            bytes.len()
        }
        _ => {
            let n = data1.len().min(out.len());
            out[..n].copy_from_slice(&data1[..n]);
            n
        }
    }
}
