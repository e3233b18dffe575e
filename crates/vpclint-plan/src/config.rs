//! The `configuration` section: expressions with their references, module calls, outputs and
//! provider configurations. This is what lets vpclint follow a value that is unknown until apply
//! back to the resource it comes from.

use std::collections::BTreeMap;

use foldhash::HashMap;

use serde_json::Value;

use crate::raw::{RawConfig, RawConfigModule};

/// An expression as Terraform writes it: references and/or a constant value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expr {
    pub references: Vec<String>,
    pub constant: Option<Value>,
}

impl Expr {
    /// Reads `{"references": [...]}` / `{"constant_value": ...}`; `None` for other shapes (blocks).
    pub fn from_json(value: &Value) -> Option<Expr> {
        let obj = value.as_object()?;
        let references = obj.get("references");
        let constant = obj.get("constant_value");
        if references.is_none() && constant.is_none() {
            return None;
        }
        Some(Expr {
            references: references
                .and_then(Value::as_array)
                .map(|refs| {
                    refs.iter()
                        .filter_map(|r| r.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            constant: constant.cloned(),
        })
    }
}

/// The `expressions` of a resource block: an expression per attribute, nested blocks as lists of
/// objects. Read straight from the JSON into this shape, without a `serde_json::Value` tree: a
/// large plan's configuration holds tens of thousands of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum ExprTree {
    /// An object with `references` or `constant_value`.
    Expr(Box<Expr>),
    /// Any other object (attributes, or a nested block's attributes), in document order.
    Object(Vec<(String, ExprTree)>),
    /// Nested blocks.
    List(Vec<ExprTree>),
    /// Anything else (null, a scalar): no expression.
    #[default]
    Other,
}

impl<'de> serde::Deserialize<'de> for ExprTree {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ExprTree;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("configuration expressions")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ExprTree, A::Error> {
                let mut members = Vec::new();
                let mut references: Option<Value> = None;
                let mut constant: Option<Value> = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "references" => references = Some(map.next_value()?),
                        "constant_value" => constant = Some(map.next_value()?),
                        _ => members.push((key.into_owned(), map.next_value::<ExprTree>()?)),
                    }
                }
                if references.is_none() && constant.is_none() {
                    members.shrink_to_fit();
                    return Ok(ExprTree::Object(members));
                }
                // The same reading as `Expr::from_json`: other members of an expression are unused.
                let references = match references {
                    Some(Value::Array(refs)) => {
                        let mut out = Vec::with_capacity(refs.len());
                        out.extend(refs.into_iter().filter_map(|r| match r {
                            Value::String(s) => Some(s),
                            _ => None,
                        }));
                        out
                    }
                    _ => Vec::new(),
                };
                Ok(ExprTree::Expr(Box::new(Expr {
                    references,
                    constant,
                })))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ExprTree, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<ExprTree>()? {
                    items.push(item);
                }
                items.shrink_to_fit();
                Ok(ExprTree::List(items))
            }

            fn visit_bool<E>(self, _: bool) -> Result<ExprTree, E> {
                Ok(ExprTree::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<ExprTree, E> {
                Ok(ExprTree::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<ExprTree, E> {
                Ok(ExprTree::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<ExprTree, E> {
                Ok(ExprTree::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<ExprTree, E> {
                Ok(ExprTree::Other)
            }
            fn visit_unit<E>(self) -> Result<ExprTree, E> {
                Ok(ExprTree::Other)
            }
            fn visit_none<E>(self) -> Result<ExprTree, E> {
                Ok(ExprTree::Other)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<ExprTree, D::Error> {
                d.deserialize_any(Visitor)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl ExprTree {
    /// The expression this is, when it is one (as [`Expr::from_json`] reads a value).
    pub fn into_expr(self) -> Option<Expr> {
        match self {
            ExprTree::Expr(expr) => Some(*expr),
            _ => None,
        }
    }
}

/// A module call's `expressions`: the input expressions by name, as [`Expr::from_json`] reads each
/// member of the object. Members that are not expressions give none, and so does anything but an
/// object. Read straight into this shape: as `serde_json::Value`s, each `{"references": [...]}`
/// would be a map node of room for eleven members.
#[derive(Debug, Default, PartialEq)]
pub struct ModuleInputs(pub BTreeMap<String, Expr>);

impl<'de> serde::Deserialize<'de> for ModuleInputs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Read {
            // A repeated name's last value wins, as in a map, even when it is no expression.
            Object(BTreeMap<String, ExprTree>),
            Other(serde::de::IgnoredAny),
        }
        Ok(ModuleInputs(match Read::deserialize(deserializer)? {
            Read::Object(members) => members
                .into_iter()
                .filter_map(|(name, tree)| Some((name, tree.into_expr()?)))
                .collect(),
            Read::Other(_) => BTreeMap::new(),
        }))
    }
}

/// A resource block in configuration.
#[derive(Debug, Clone, Default)]
pub struct ConfigResource {
    /// The `expressions` object, keyed by attribute; nested blocks are lists of objects.
    pub expressions: ExprTree,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub provider_config_key: Option<String>,
}

impl ConfigResource {
    /// The expression of an attribute at a path of keys and block indexes.
    ///
    /// An attribute-as-block (`route`, `ingress`, `egress`) is one expression for all its elements:
    /// when the walk meets an expression before the path ends, that expression is returned.
    pub fn expr_at(&self, path: &[crate::value::Step<'_>]) -> Option<&Expr> {
        use crate::value::Step;
        let mut node = &self.expressions;
        for step in path {
            if let ExprTree::Expr(expr) = node {
                return Some(expr);
            }
            node = match (node, step) {
                (ExprTree::Object(members), Step::Key(k)) => {
                    // The last of a repeated key wins, as in a JSON object read into a map.
                    &members.iter().rev().find(|(name, _)| name == k)?.1
                }
                (ExprTree::List(items), Step::Index(i)) => items.get(*i).or(items.first())?,
                // A single nested block written without a list.
                (ExprTree::Object(_), Step::Index(_)) => node,
                _ => return None,
            };
        }
        match node {
            ExprTree::Expr(expr) => Some(expr),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ModuleCall {
    pub source: Option<String>,
    pub expressions: BTreeMap<String, Expr>,
    pub module: ConfigModule,
    pub has_count: bool,
    pub has_for_each: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ConfigModule {
    /// Keyed by the resource's address inside the module: `aws_subnet.a`, `data.aws_vpc.main`.
    pub resources: HashMap<String, ConfigResource>,
    pub calls: BTreeMap<String, ModuleCall>,
    pub outputs: BTreeMap<String, Expr>,
    /// Variable defaults, used when the module call does not set the variable.
    pub variable_defaults: BTreeMap<String, Value>,
}

/// A provider configuration (`provider "aws" { region = ... }`).
#[derive(Debug, Clone, Default)]
pub struct ProviderConfig {
    pub name: String,
    pub module_address: Option<String>,
    pub region: Option<Expr>,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub root: ConfigModule,
    pub providers: BTreeMap<String, ProviderConfig>,
    /// False when the plan has no `configuration` section: nothing can be resolved by reference.
    pub present: bool,
}

impl Config {
    pub fn from_raw(raw: Option<RawConfig>) -> Config {
        let Some(raw) = raw else {
            return Config::default();
        };
        let providers = raw
            .provider_config
            .unwrap_or_default()
            .into_iter()
            .map(|(key, p)| {
                let region = p
                    .expressions
                    .as_ref()
                    .and_then(|e| e.get("region"))
                    .and_then(Expr::from_json);
                (
                    key,
                    ProviderConfig {
                        name: p.name.unwrap_or_default(),
                        module_address: p.module_address,
                        region,
                    },
                )
            })
            .collect();
        Config {
            root: raw.root_module.map(module_from_raw).unwrap_or_default(),
            providers,
            present: true,
        }
    }

    /// The configuration of the module a module instance is an instance of (`module.vpc[0]`
    /// and `module.vpc[1]` share one), found by its call names.
    pub fn module(&self, instance: &crate::address::ModulePath) -> Option<&ConfigModule> {
        let mut module = &self.root;
        for step in instance.0.iter() {
            module = &module.calls.get(&step.name)?.module;
        }
        Some(module)
    }

    /// The call `name` inside the module `parent` is an instance of.
    pub fn call(&self, parent: &crate::address::ModulePath, name: &str) -> Option<&ModuleCall> {
        self.module(parent)?.calls.get(name)
    }
}

fn module_from_raw(raw: RawConfigModule) -> ConfigModule {
    let resources = raw
        .resources
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            (
                r.address,
                ConfigResource {
                    expressions: r.expressions.unwrap_or_default(),
                    count: r.count_expression.and_then(ExprTree::into_expr),
                    for_each: r.for_each_expression.and_then(ExprTree::into_expr),
                    provider_config_key: r.provider_config_key,
                },
            )
        })
        .collect();
    let calls = raw
        .module_calls
        .unwrap_or_default()
        .into_iter()
        .map(|(name, call)| {
            let expressions = call.expressions.map(|inputs| inputs.0).unwrap_or_default();
            (
                name,
                ModuleCall {
                    source: call.source,
                    expressions,
                    module: call.module.map(module_from_raw).unwrap_or_default(),
                    has_count: call.count_expression.is_some(),
                    has_for_each: call.for_each_expression.is_some(),
                },
            )
        })
        .collect();
    let outputs = raw
        .outputs
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, o)| o.expression?.into_expr().map(|e| (name, e)))
        .collect();
    let variable_defaults = raw
        .variables
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, v)| v.default.map(|d| (name, d)))
        .collect();
    ConfigModule {
        resources,
        calls,
        outputs,
        variable_defaults,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Module inputs read straight from the text as `Expr::from_json` reads each member of the
    /// object read as a `Value`.
    #[test]
    fn module_inputs_read_as_from_json_reads_them() {
        let by_value = |text: &str| -> BTreeMap<String, Expr> {
            match serde_json::from_str::<Value>(text).unwrap() {
                Value::Object(map) => map
                    .iter()
                    .filter_map(|(k, v)| Expr::from_json(v).map(|e| (k.clone(), e)))
                    .collect(),
                _ => BTreeMap::new(),
            }
        };
        for text in [
            r#"{"a":{"references":["var.x","var.x.id"]},"b":{"constant_value":3},"c":{"x":1},"d":5}"#,
            r#"{"a":{"references":["var.x"]},"a":{"constant_value":null}}"#,
            r#"{"a":{"references":["var.x"]},"a":7}"#,
            r#"{"references":["var.x"],"b":{"references":null,"constant_value":[1]}}"#,
            r#"[{"references":["var.x"]}]"#,
            r#""text""#,
            r#"{}"#,
        ] {
            let direct: ModuleInputs = serde_json::from_str(text).unwrap();
            assert_eq!(direct.0, by_value(text), "{text}");
        }
    }
}
