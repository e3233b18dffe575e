//! The shape of `terraform show -json` output, as serde reads it.
//!
//! Resource values are borrowed as raw JSON text: most resources in a real plan are of types no rule
//! needs, and their values are skipped without building a tree. Every section is optional, since
//! real plans are often trimmed by hand. Each struct says what it expects, so that a wrong type
//! reads "expected a resource change object" in the error rather than a Rust type name.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::{Error as _, Unexpected};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

/// A JSON value's text, borrowed from the document and well-formed: read by serde as a
/// [`RawValue`], or by [`crate::direct`], which checks it as strictly.
#[derive(Clone, Copy, Debug)]
pub struct Json<'a>(pub &'a str);

impl<'de: 'a, 'a> Deserialize<'de> for Json<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <&'de RawValue>::deserialize(deserializer).map(|raw| Json(raw.get()))
    }
}

/// The document. `C` is how `resource_changes` is read: as entries, or skipped
/// ([`serde::de::IgnoredAny`]) when another thread reads them (see `crate::parallel`).
#[derive(Deserialize)]
#[serde(expecting = "a plan or state object")]
pub struct RawDocument<'a, C = Vec<RawResourceChange<'a>>> {
    pub format_version: Option<Value>,
    pub terraform_version: Option<Value>,
    pub variables: Option<BTreeMap<String, RawVariable>>,
    #[serde(borrow)]
    pub planned_values: Option<RawValues<'a>>,
    #[serde(borrow)]
    pub prior_state: Option<RawState<'a>>,
    /// A state file (`terraform show -json` without a plan) has `values` at the top level.
    #[serde(borrow)]
    pub values: Option<RawValues<'a>>,
    pub resource_changes: Option<C>,
    pub configuration: Option<RawConfig>,
}

#[derive(Deserialize)]
#[serde(expecting = "a variable object with `value`")]
pub struct RawVariable {
    pub value: Option<Value>,
}

#[derive(Deserialize)]
#[serde(expecting = "a state object with `values`")]
pub struct RawState<'a> {
    #[serde(borrow)]
    pub values: Option<RawValues<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "an object with `root_module`")]
pub struct RawValues<'a> {
    #[serde(borrow)]
    pub root_module: Option<RawModule<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a module object with `resources` and `child_modules`")]
pub struct RawModule<'a> {
    #[serde(borrow)]
    pub resources: Option<Vec<RawStateResource<'a>>>,
    #[serde(borrow)]
    pub child_modules: Option<Vec<RawModule<'a>>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a resource object with `address`")]
pub struct RawStateResource<'a> {
    #[serde(borrow)]
    pub address: RawAddress<'a>,
    #[serde(borrow)]
    pub values: Option<Json<'a>>,
    #[serde(borrow)]
    pub sensitive_values: Option<Json<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a resource change object with `address` and `change`")]
pub struct RawResourceChange<'a> {
    #[serde(borrow)]
    pub address: RawAddress<'a>,
    #[serde(borrow)]
    pub change: Option<RawChange<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a change object with `actions` and `after`")]
pub struct RawChange<'a> {
    pub actions: Option<Vec<String>>,
    #[serde(borrow)]
    pub after: Option<Json<'a>>,
    #[serde(borrow)]
    pub after_unknown: Option<Json<'a>>,
    #[serde(borrow)]
    pub after_sensitive: Option<Json<'a>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(expecting = "a configuration object")]
pub struct RawConfig {
    pub provider_config: Option<BTreeMap<String, RawProviderConfig>>,
    pub root_module: Option<RawConfigModule>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(expecting = "a provider configuration object")]
pub struct RawProviderConfig {
    pub name: Option<String>,
    pub module_address: Option<String>,
    pub expressions: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(expecting = "a configuration module object")]
pub struct RawConfigModule {
    pub resources: Option<Vec<RawConfigResource>>,
    pub module_calls: Option<BTreeMap<String, RawModuleCall>>,
    pub outputs: Option<BTreeMap<String, RawOutput>>,
    pub variables: Option<BTreeMap<String, RawConfigVariable>>,
}

#[derive(Deserialize, Debug)]
#[serde(expecting = "a variable declaration object")]
pub struct RawConfigVariable {
    pub default: Option<Value>,
}

/// A resource block of the configuration. Its `expressions` are read only for the types vpclint
/// models: no rule or reference walk reads another type's (their values are not kept either, so a
/// reference through them stops at their values), and in a real plan they are most of the
/// configuration. Terraform writes `type` before `expressions`; when it comes after, the
/// expressions are read.
#[derive(Debug)]
pub struct RawConfigResource {
    pub address: String,
    pub provider_config_key: Option<String>,
    pub expressions: Option<crate::config::ExprTree>,
    pub count_expression: Option<crate::config::ExprTree>,
    pub for_each_expression: Option<crate::config::ExprTree>,
}

impl<'de> Deserialize<'de> for RawConfigResource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawConfigResource;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a configuration resource object with `address`")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawConfigResource, A::Error> {
                let mut address = None;
                let mut modelled: Option<bool> = None;
                let mut resource = RawConfigResource {
                    address: String::new(),
                    provider_config_key: None,
                    expressions: None,
                    count_expression: None,
                    for_each_expression: None,
                };
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "address" => address = Some(map.next_value::<String>()?),
                        "type" => {
                            let rtype = map.next_value::<Option<Cow<'de, str>>>()?;
                            modelled =
                                Some(rtype.is_none_or(|t| crate::model::is_network_type(&t)));
                        }
                        "provider_config_key" => resource.provider_config_key = map.next_value()?,
                        "expressions" if modelled == Some(false) => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                        "expressions" => resource.expressions = map.next_value()?,
                        "count_expression" => resource.count_expression = map.next_value()?,
                        "for_each_expression" => resource.for_each_expression = map.next_value()?,
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                resource.address = address.ok_or_else(|| A::Error::missing_field("address"))?;
                Ok(resource)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[derive(Deserialize, Debug)]
#[serde(expecting = "a module call object")]
pub struct RawModuleCall {
    pub source: Option<String>,
    pub expressions: Option<crate::config::ModuleInputs>,
    pub module: Option<RawConfigModule>,
    /// Only whether they are there is read.
    pub count_expression: Option<serde::de::IgnoredAny>,
    pub for_each_expression: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize, Debug)]
#[serde(expecting = "an output object with `expression`")]
pub struct RawOutput {
    pub expression: Option<crate::config::ExprTree>,
}

/// A resource's `address`: its text, borrowed when it has no escapes, and the JSON string it was
/// read from, whose place in the document is where the reports point (`module.m["prod"]` is
/// written with escapes, so the decoded text alone could not say where it is).
pub struct RawAddress<'a> {
    pub text: Cow<'a, str>,
    pub json: Json<'a>,
}

impl<'a> RawAddress<'a> {
    /// The address in `json`, a well-formed JSON string, `escaped` when it has escapes; `None`
    /// when they do not decode (a lone surrogate).
    pub(crate) fn from_string(json: Json<'a>, escaped: bool) -> Option<RawAddress<'a>> {
        let raw = json.0;
        // A reading that hands the text back to the kernel as it goes keeps its own copy.
        let owned = crate::text::passed(raw.as_ptr());
        let text = if escaped {
            // Escapes are rare in addresses but usual in `for_each` keys: decode those only.
            Cow::Owned(crate::skip::decode_string(raw)?)
        } else if owned {
            Cow::Owned(raw[1..raw.len() - 1].to_string())
        } else {
            Cow::Borrowed(&raw[1..raw.len() - 1])
        };
        Some(RawAddress { text, json })
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawAddress<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = Json::deserialize(deserializer)?;
        let raw = json.0;
        if !raw.starts_with('"') {
            // Named the way serde names it for a `String`, without echoing the value.
            let unexpected = match raw.as_bytes().first() {
                Some(b'{') => Unexpected::Map,
                Some(b'[') => Unexpected::Seq,
                Some(b't' | b'f') => Unexpected::Other("boolean"),
                Some(b'n') => Unexpected::Other("null"),
                _ if raw.contains(['.', 'e', 'E']) => Unexpected::Other("floating point"),
                _ => Unexpected::Other("integer"),
            };
            return Err(D::Error::invalid_type(unexpected, &"a string"));
        }
        RawAddress::from_string(json, raw.contains('\\'))
            .ok_or_else(|| D::Error::custom("the address is not a valid string"))
    }
}
