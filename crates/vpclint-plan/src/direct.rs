//! Reading the plan's resource lists, its configuration and the modelled resources' values
//! straight from the text, without serde's machinery.
//!
//! `resource_changes`, `planned_values` and `prior_state` are most of a plan, and most of their
//! bytes are values vpclint keeps as text or skips ([`Json`], and the members no struct names).
//! Read through serde, every one of those bytes passes through serde_json's reader a token at a
//! time; here each list entry's members are found by a small loop and their values are skipped by
//! [`crate::skip::value_end`], which checks them as strictly as serde_json does. The configuration
//! is read the same way ([`config`]), and the values of the modelled types straight into `Value`s
//! ([`compacted`]).
//!
//! Each reader gives exactly what serde gives for the same struct, or `None`. `None` is not an
//! error: the caller then reads the same value through serde (see `crate::parallel::ReadAt`),
//! whose result or error stands. So a reader may decline whatever it does not expect (a repeated
//! member, a struct written as an array, a deep module tree) but must never accept what serde
//! would refuse. The tests hold each reader to serde on good and broken entries.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;

use crate::address::Address;
use crate::attr_value::{AttrValue, Members};
use crate::raw::{Json, RawAddress, RawChange, RawModule, RawResourceChange, RawState};
use crate::raw::{RawConfig, RawConfigModule, RawConfigResource, RawModuleCall};
use crate::raw::{RawStateResource, RawValues};
use crate::skip::{decode_string, literal, number_end, object_members, skip_whitespace};
use crate::skip::{string_span, value_end};
use crate::value::{Kept, DROPPED_ATTRIBUTES};

/// Child modules nested deeper than this are left to serde (whose recursion limit then applies).
const MAX_MODULE_DEPTH: usize = 24;

/// A `resource_changes` entry starting at `at`, and where it ends.
#[cfg(test)]
pub(crate) fn resource_change(text: &str, at: usize) -> Option<(RawResourceChange<'_>, usize)> {
    change_read(text, at).map(|(read, end)| (read.entry, end))
}

/// What the model takes from a `resource_changes` entry read directly: the entry, its address
/// parsed, and, for the types whose values are kept, the values of its trees.
pub(crate) struct ChangeRead<'a> {
    pub entry: RawResourceChange<'a>,
    /// `None` when the address did not parse (the entry's preparing then says why).
    pub address: Option<Address>,
    /// `after`, `after_unknown`, `after_sensitive`, read in the same pass as the entry rather
    /// than skipped and then read again: known from the address, which Terraform writes before
    /// `change`. `None` when they were not read here (another type, members in another order, a
    /// tree [`compacted`] declines); [`crate::value::read_compacted`] then reads them.
    pub trees: Option<[AttrValue; 3]>,
    /// Where the entry is in the text, when `address` is its first member (see
    /// [`crate::model::JsonEntry`]).
    pub json_entry: Option<crate::model::JsonEntry>,
}

/// A `resource_changes` entry starting at `at`, and where it ends.
pub(crate) fn change_read(text: &str, at: usize) -> Option<(ChangeRead<'_>, usize)> {
    let open = at;
    let mut address = Once::default();
    let mut parsed = None;
    let mut member = None;
    let mut change = Once::default();
    let end = object(text, at, |key, at| match key {
        "address" => {
            let (raw, end) = address_at(text, at)?;
            parsed = Address::parse(&raw.text);
            // As the reports look for it, from the value back (see `JsonEntry`): while the text is
            // at hand rather than once its pages were handed back.
            member = crate::text::address_member_start(text.as_bytes(), at)
                .filter(|&(object, _)| object == open)
                .map(|(_, key)| key..end);
            address.set((raw, end))
        }
        "change" => {
            let trees = parsed
                .as_ref()
                .is_some_and(|a: &Address| crate::model::is_network_type(&a.rtype));
            change.set(nullable(text, at, |at| raw_change(text, at, trees))?)
        }
        _ => value_end(text.as_bytes(), at),
    })?;
    let (change, trees) = change.value.flatten().unzip();
    Some((
        ChangeRead {
            entry: RawResourceChange {
                address: address.value?,
                change,
            },
            address: parsed,
            trees: trees.flatten(),
            json_entry: member.map(|member| crate::model::JsonEntry {
                object: open..end,
                member,
            }),
        },
        end,
    ))
}

/// A `change` object; with `trees`, the values of its trees too (see [`ChangeRead::trees`]).
#[allow(clippy::type_complexity)]
fn raw_change(
    text: &str,
    at: usize,
    trees: bool,
) -> Option<((RawChange<'_>, Option<[AttrValue; 3]>), usize)> {
    let mut actions = Once::default();
    let mut after = Once::default();
    let mut after_unknown = Once::default();
    let mut after_sensitive = Once::default();
    // A member that is not there reads as null, as its absent span does.
    let mut values = [
        Some(AttrValue::Null),
        Some(AttrValue::Null),
        Some(AttrValue::Null),
    ];
    let mut tree = |at: usize, kept: Kept, slot: usize| match trees {
        true => {
            let (span, value, end) = kept_tree(text, at, kept)?;
            values[slot] = value;
            Some((span, end))
        }
        false => nullable_json(text, at),
    };
    let end = object(text, at, |key, at| match key {
        "actions" => actions.set(nullable(text, at, |at| strings(text, at))?),
        "after" => after.set(tree(at, Kept::Values, 0)?),
        "after_unknown" => after_unknown.set(tree(at, Kept::Marks, 1)?),
        "after_sensitive" => after_sensitive.set(tree(at, Kept::Marks, 2)?),
        _ => value_end(text.as_bytes(), at),
    })?;
    let [after_value, unknown_value, sensitive_value] = values;
    let read = match (trees, after_value, unknown_value, sensitive_value) {
        (true, Some(a), Some(u), Some(s)) => Some([a, u, s]),
        _ => None,
    };
    Some((
        (
            RawChange {
                actions: actions.value.flatten(),
                after: after.value.flatten(),
                after_unknown: after_unknown.value.flatten(),
                after_sensitive: after_sensitive.value.flatten(),
            },
            read,
        ),
        end,
    ))
}

/// One of a resource's trees at `at`: its text (`None` for `null`), its value as [`compacted`]
/// reads it when it does, and its end.
#[allow(clippy::type_complexity)]
fn kept_tree(
    text: &str,
    at: usize,
    kept: Kept,
) -> Option<(Option<Json<'_>>, Option<AttrValue>, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) == Some(&b'n') {
        let end = literal(bytes, at, b"null")?;
        return Some((None, Some(AttrValue::Null), end));
    }
    match compacted_at(text, at, kept) {
        Some((value, end)) => Some((Some(Json(&text[at..end])), Some(value), end)),
        None => {
            let end = value_end(bytes, at)?;
            Some((Some(Json(&text[at..end])), None, end))
        }
    }
}

/// `planned_values` (or a state's `values`) starting at `at`.
pub(crate) fn values(text: &str, at: usize) -> Option<(RawValues<'_>, usize)> {
    let mut root_module = Once::default();
    let end = object(text, at, |key, at| match key {
        "root_module" => root_module.set(nullable(text, at, |at| module(text, at, 0))?),
        _ => value_end(text.as_bytes(), at),
    })?;
    Some((
        RawValues {
            root_module: root_module.value.flatten(),
        },
        end,
    ))
}

/// `prior_state` starting at `at`.
pub(crate) fn state(text: &str, at: usize) -> Option<(RawState<'_>, usize)> {
    let mut read = Once::default();
    let end = object(text, at, |key, at| match key {
        "values" => read.set(nullable(text, at, |at| values(text, at))?),
        _ => value_end(text.as_bytes(), at),
    })?;
    Some((
        RawState {
            values: read.value.flatten(),
        },
        end,
    ))
}

fn module(text: &str, at: usize, depth: usize) -> Option<(RawModule<'_>, usize)> {
    if depth > MAX_MODULE_DEPTH {
        return None;
    }
    let mut resources = Once::default();
    let mut child_modules = Once::default();
    let end = object(text, at, |key, at| match key {
        "resources" => resources.set(nullable(text, at, |at| {
            list(text, at, |at| state_resource(text, at))
        })?),
        "child_modules" => child_modules.set(nullable(text, at, |at| {
            list(text, at, |at| module(text, at, depth + 1))
        })?),
        _ => value_end(text.as_bytes(), at),
    })?;
    Some((
        RawModule {
            resources: resources.value.flatten(),
            child_modules: child_modules.value.flatten(),
        },
        end,
    ))
}

fn state_resource(text: &str, at: usize) -> Option<(RawStateResource<'_>, usize)> {
    let mut address = Once::default();
    let mut values = Once::default();
    let mut sensitive_values = Once::default();
    let end = object(text, at, |key, at| match key {
        "address" => address.set(address_at(text, at)?),
        "values" => values.set(nullable_json(text, at)?),
        "sensitive_values" => sensitive_values.set(nullable_json(text, at)?),
        _ => value_end(text.as_bytes(), at),
    })?;
    Some((
        RawStateResource {
            address: address.value?,
            values: values.value.flatten(),
            sensitive_values: sensitive_values.value.flatten(),
        },
        end,
    ))
}

/// `configuration` starting at `at`. Its resource blocks are read directly, their `expressions`
/// skipped for the types vpclint does not model, as [`RawConfigResource`]'s serde reading does;
/// expressions that are kept, outputs, variables and provider configurations are read by serde in
/// place.
pub(crate) fn config(text: &str, at: usize) -> Option<(RawConfig, usize)> {
    let mut provider_config = Once::default();
    let mut root_module = Once::default();
    let end = object(text, at, |key, at| match key {
        "provider_config" => provider_config.set(serde_at(text, at)?),
        "root_module" => root_module.set(nullable(text, at, |at| config_module(text, at, 0))?),
        _ => value_end(text.as_bytes(), at),
    })?;
    Some((
        RawConfig {
            provider_config: provider_config.value.flatten(),
            root_module: root_module.value.flatten(),
        },
        end,
    ))
}

fn config_module(text: &str, at: usize, depth: usize) -> Option<(RawConfigModule, usize)> {
    if depth > MAX_MODULE_DEPTH {
        return None;
    }
    let mut resources = Once::default();
    let mut module_calls = Once::default();
    let mut outputs = Once::default();
    let mut variables = Once::default();
    let end = object(text, at, |key, at| match key {
        "resources" => resources.set(nullable(text, at, |at| {
            list(text, at, |at| config_resource(text, at))
        })?),
        "module_calls" => module_calls.set(nullable(text, at, |at| {
            map(text, at, |at| module_call(text, at, depth))
        })?),
        "outputs" => outputs.set(serde_at(text, at)?),
        "variables" => variables.set(serde_at(text, at)?),
        _ => value_end(text.as_bytes(), at),
    })?;
    Some((
        RawConfigModule {
            resources: resources.value.flatten(),
            module_calls: module_calls.value.flatten(),
            outputs: outputs.value.flatten(),
            variables: variables.value.flatten(),
        },
        end,
    ))
}

fn module_call(text: &str, at: usize, depth: usize) -> Option<(RawModuleCall, usize)> {
    let mut source = Once::default();
    let mut expressions = Once::default();
    let mut module = Once::default();
    let mut count_expression = Once::default();
    let mut for_each_expression = Once::default();
    let end = object(text, at, |key, at| match key {
        "source" => source.set(nullable(text, at, |at| owned_string(text, at))?),
        "expressions" => expressions.set(serde_at(text, at)?),
        "module" => module.set(nullable(text, at, |at| config_module(text, at, depth + 1))?),
        "count_expression" => count_expression.set(serde_at(text, at)?),
        "for_each_expression" => for_each_expression.set(serde_at(text, at)?),
        _ => value_end(text.as_bytes(), at),
    })?;
    Some((
        RawModuleCall {
            source: source.value.flatten(),
            expressions: expressions.value.flatten(),
            module: module.value.flatten(),
            count_expression: count_expression.value.flatten(),
            for_each_expression: for_each_expression.value.flatten(),
        },
        end,
    ))
}

/// A resource block, as [`RawConfigResource`]'s own serde reading reads it: its `expressions`
/// are skipped when a `type` before them is one vpclint does not model. (That reading lets a
/// repeated member's last value win; this one declines them.)
fn config_resource(text: &str, at: usize) -> Option<(RawConfigResource, usize)> {
    let mut address = Once::default();
    let mut modelled = Once::default();
    let mut provider_config_key = Once::default();
    let mut expressions = Once::default();
    let mut count_expression = Once::default();
    let mut for_each_expression = Once::default();
    let end = object(text, at, |key, at| match key {
        "address" => address.set(owned_string(text, at)?),
        "type" => modelled.set({
            let (rtype, end) = nullable(text, at, |at| string(text, at))?;
            (rtype.is_none_or(|t| crate::model::is_network_type(&t)), end)
        }),
        "provider_config_key" => {
            provider_config_key.set(nullable(text, at, |at| owned_string(text, at))?)
        }
        "expressions" if modelled.value == Some(false) => {
            expressions.set((None, value_end(text.as_bytes(), at)?))
        }
        "expressions" => expressions.set(serde_at(text, at)?),
        "count_expression" => count_expression.set(serde_at(text, at)?),
        "for_each_expression" => for_each_expression.set(serde_at(text, at)?),
        _ => value_end(text.as_bytes(), at),
    })?;
    Some((
        RawConfigResource {
            address: address.value?,
            provider_config_key: provider_config_key.value.flatten(),
            expressions: expressions.value.flatten(),
            count_expression: count_expression.value.flatten(),
            for_each_expression: for_each_expression.value.flatten(),
        },
        end,
    ))
}

/// Values nested deeper than this are left to serde, whose own limit (128) then applies.
const MAX_VALUE_DEPTH: usize = 100;

/// One of a resource's trees (the whole of `text`), its top-level members kept as `kept` keeps
/// them, as [`crate::value::read_compacted`] reads it through serde: the members left out are
/// skipped unread. Declines an object whose keys are not in increasing order (serde's reading
/// then compacts it after reading it whole).
pub(crate) fn compacted(text: &str, kept: Kept) -> Option<AttrValue> {
    let bytes = text.as_bytes();
    let (value, end) = compacted_at(text, skip_whitespace(bytes, 0), kept)?;
    (skip_whitespace(bytes, end) == bytes.len()).then_some(value)
}

/// [`compacted`] for the value starting at `at`, and where it ends.
fn compacted_at(text: &str, at: usize, kept: Kept) -> Option<(AttrValue, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'{') {
        return json_value(text, at, 0);
    }
    let mut members: Vec<(Box<str>, AttrValue)> = Vec::new();
    let mut previous: Option<Cow<'_, str>> = None;
    let end = object_with_keys(text, at, |key, at| {
        if previous.as_ref().is_some_and(|previous| *previous >= key) {
            return None;
        }
        let end = if DROPPED_ATTRIBUTES.contains(&key.as_ref()) {
            value_end(bytes, at)?
        } else {
            let (value, end) = json_value(text, at, 1)?;
            if kept.keeps(&key, &value) {
                members.push((Box::from(key.as_ref()), value));
            }
            end
        };
        previous = Some(key);
        Some(end)
    })?;
    Some((AttrValue::Object(Members::new(members)), end))
}

/// The value starting at `at` as an [`AttrValue`], as serde_json reads it (then converted),
/// `depth` arrays and objects in.
fn json_value(text: &str, at: usize, depth: usize) -> Option<(AttrValue, usize)> {
    let bytes = text.as_bytes();
    match *bytes.get(at)? {
        b'"' => string(text, at).map(|(s, end)| (AttrValue::String(s.into()), end)),
        b'{' if depth < MAX_VALUE_DEPTH => {
            let mut members: Vec<(Box<str>, AttrValue)> = Vec::new();
            let end = object_with_keys(text, at, |key, at| {
                let (value, end) = json_value(text, at, depth + 1)?;
                members.push((key.into(), value));
                Some(end)
            })?;
            // A repeated key's last value wins, as in serde_json's map.
            Some((AttrValue::Object(Members::new(members)), end))
        }
        b'[' if depth < MAX_VALUE_DEPTH => list(text, at, |at| json_value(text, at, depth + 1))
            .map(|(items, end)| (AttrValue::Array(items.into_boxed_slice()), end)),
        b'n' => literal(bytes, at, b"null").map(|end| (AttrValue::Null, end)),
        b't' => literal(bytes, at, b"true").map(|end| (AttrValue::Bool(true), end)),
        b'f' => literal(bytes, at, b"false").map(|end| (AttrValue::Bool(false), end)),
        b'0'..=b'9' => {
            let end = number_end(bytes, at)?;
            let digits = &text[at..end];
            // A plain integer of up to 19 digits is a u64, as serde_json reads it; every other
            // number (negative, fractional, huge) is read by serde_json itself.
            let number = match digits.len() <= 19 && bytes[at..end].iter().all(u8::is_ascii_digit) {
                true => serde_json::Number::from(digits.parse::<u64>().ok()?),
                false => serde_json::from_str(digits).ok()?,
            };
            Some((AttrValue::Number(number), end))
        }
        b'-' => {
            let end = number_end(bytes, at + 1)?;
            Some((
                AttrValue::Number(serde_json::from_str(&text[at..end]).ok()?),
                end,
            ))
        }
        _ => None,
    }
}

/// A value read by serde where it starts in the text, and where it ends.
fn serde_at<'a, T: Deserialize<'a>>(text: &'a str, at: usize) -> Option<(T, usize)> {
    let stream = serde_json::Deserializer::from_str(&text[at..]).into_iter();
    crate::parallel::first_value(stream, at).ok()
}

/// An object read into a map, each value by `value`; a repeated key's last value wins, as in
/// serde's reading of a map.
fn map<T>(
    text: &str,
    at: usize,
    mut value: impl FnMut(usize) -> Option<(T, usize)>,
) -> Option<(BTreeMap<String, T>, usize)> {
    let mut read = BTreeMap::new();
    let end = object(text, at, |key, at| {
        let (item, end) = value(at)?;
        read.insert(key.to_string(), item);
        Some(end)
    })?;
    Some((read, end))
}

/// A struct's member, which serde refuses to read twice.
struct Once<T> {
    value: Option<T>,
}

impl<T> Default for Once<T> {
    fn default() -> Self {
        Once { value: None }
    }
}

impl<T> Once<T> {
    /// Keeps a member's value read; `None` (decline) when it was read before.
    fn set(&mut self, (value, end): (T, usize)) -> Option<usize> {
        if self.value.is_some() {
            return None;
        }
        self.value = Some(value);
        Some(end)
    }
}

/// A resource's address: a string, as [`RawAddress`]'s serde reading requires.
fn address_at(text: &str, at: usize) -> Option<(RawAddress<'_>, usize)> {
    if text.as_bytes().get(at) != Some(&b'"') {
        return None;
    }
    let (end, escaped) = string_span(text.as_bytes(), at)?;
    Some((RawAddress::from_string(Json(&text[at..end]), escaped)?, end))
}

/// `null`, read as `None` as serde reads an `Option`, or what `read` reads.
fn nullable<T>(
    text: &str,
    at: usize,
    read: impl FnOnce(usize) -> Option<(T, usize)>,
) -> Option<(Option<T>, usize)> {
    if text.as_bytes().get(at) == Some(&b'n') {
        return literal(text.as_bytes(), at, b"null").map(|end| (None, end));
    }
    read(at).map(|(value, end)| (Some(value), end))
}

fn nullable_json(text: &str, at: usize) -> Option<(Option<Json<'_>>, usize)> {
    nullable(text, at, |at| {
        let end = value_end(text.as_bytes(), at)?;
        Some((Json(&text[at..end]), end))
    })
}

fn owned_string(text: &str, at: usize) -> Option<(String, usize)> {
    string(text, at).map(|(string, end)| (string.into_owned(), end))
}

/// A list of strings, decoded.
fn strings(text: &str, at: usize) -> Option<(Vec<String>, usize)> {
    list(text, at, |at| owned_string(text, at))
}

/// The string starting at `at`, decoded, and where it ends.
fn string(text: &str, at: usize) -> Option<(Cow<'_, str>, usize)> {
    if text.as_bytes().get(at) != Some(&b'"') {
        return None;
    }
    let (end, escaped) = string_span(text.as_bytes(), at)?;
    Some((decoded(text, at..end, escaped)?, end))
}

/// The string at `span` (with its quotes), decoded: borrowed when it has no escapes.
fn decoded(text: &str, span: Range<usize>, escaped: bool) -> Option<Cow<'_, str>> {
    if escaped {
        return decode_string(&text[span]).map(Cow::Owned);
    }
    Some(Cow::Borrowed(&text[span.start + 1..span.end - 1]))
}

/// The array starting at `at`, each element read by `element`.
fn list<T>(
    text: &str,
    at: usize,
    mut element: impl FnMut(usize) -> Option<(T, usize)>,
) -> Option<(Vec<T>, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'[') {
        return None;
    }
    let mut items = Vec::new();
    let mut at = skip_whitespace(bytes, at + 1);
    if bytes.get(at) == Some(&b']') {
        return Some((items, at + 1));
    }
    loop {
        let (item, end) = element(at)?;
        items.push(item);
        at = skip_whitespace(bytes, end);
        match bytes.get(at)? {
            b',' => at = skip_whitespace(bytes, at + 1),
            b']' => return Some((items, at + 1)),
            _ => return None,
        }
    }
}

/// The object starting at `at`: `member(key, start)` reads each member's value, starting at
/// `start`, and gives where it ends. Gives where the object ends.
fn object(
    text: &str,
    at: usize,
    mut member: impl FnMut(&str, usize) -> Option<usize>,
) -> Option<usize> {
    object_with_keys(text, at, |key, at| member(&key, at))
}

/// [`object`], handing each key over decoded (borrowed when it has no escapes).
fn object_with_keys<'a>(
    text: &'a str,
    at: usize,
    mut member: impl FnMut(Cow<'a, str>, usize) -> Option<usize>,
) -> Option<usize> {
    object_members(text.as_bytes(), at, |key, escaped, start| {
        member(decoded(text, key, escaped)?, start)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skip::tests::mutations;

    /// Where a borrowed piece of `text` is, to compare two readings of it.
    fn span(text: &str, piece: &str) -> (usize, usize) {
        let at = piece.as_ptr() as usize - text.as_ptr() as usize;
        (at, at + piece.len())
    }

    fn json(text: &str, json: Option<Json<'_>>) -> Option<(usize, usize)> {
        json.map(|json| span(text, json.0))
    }

    fn address(text: &str, address: &RawAddress<'_>) -> String {
        format!("{:?} {:?}", address.text, span(text, address.json.0))
    }

    fn change(text: &str, rc: &RawResourceChange<'_>) -> String {
        let change = rc.change.as_ref().map(|change| {
            format!(
                "{:?} {:?} {:?} {:?}",
                change.actions,
                json(text, change.after),
                json(text, change.after_unknown),
                json(text, change.after_sensitive)
            )
        });
        format!("{} {change:?}", address(text, &rc.address))
    }

    fn module(text: &str, module: &RawModule<'_>) -> String {
        let resources = module.resources.as_ref().map(|resources| {
            resources
                .iter()
                .map(|r| {
                    format!(
                        "{} {:?} {:?}",
                        address(text, &r.address),
                        json(text, r.values),
                        json(text, r.sensitive_values)
                    )
                })
                .collect::<Vec<_>>()
        });
        // Joined, not `Debug`: nested escaping would double at each level.
        let children = module.child_modules.as_ref().map(|children| {
            let children: Vec<String> = children.iter().map(|m| self::module(text, m)).collect();
            format!("[{}]", children.join(", "))
        });
        format!("{resources:?} {}", children.as_deref().unwrap_or("None"))
    }

    fn state(text: &str, state: &RawState<'_>) -> String {
        format!("{:?}", state.values.as_ref().map(|v| values(text, v)))
    }

    fn values(text: &str, values: &RawValues<'_>) -> String {
        format!("{:?}", values.root_module.as_ref().map(|m| module(text, m)))
    }

    /// serde's reading of `text`: what it read, described, and where it ended.
    fn serde_reading<'a, T: serde::Deserialize<'a>>(
        text: &'a str,
        describe: impl Fn(&'a str, &T) -> String,
    ) -> Option<(String, usize)> {
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<T>();
        match stream.next() {
            Some(Ok(value)) => Some((describe(text, &value), stream.byte_offset())),
            _ => None,
        }
    }

    /// Holds a direct reader to serde on `text`: where it reads, it reads what serde reads;
    /// where serde refuses, it declines. Gives whether it read.
    fn agrees<'a, T: serde::Deserialize<'a>>(
        text: &'a str,
        direct: impl Fn(&'a str, usize) -> Option<(T, usize)>,
        describe: impl Fn(&'a str, &T) -> String + Copy,
    ) -> bool {
        let ours = direct(text, 0).map(|(value, end)| (describe(text, &value), end));
        let theirs = serde_reading(text, describe);
        if let Some(ours) = &ours {
            assert_eq!(Some(ours), theirs.as_ref(), "{text}");
        }
        ours.is_some()
    }

    const CHANGE: &str = r#"{"address":"module.m[\"a\"].aws_vpc.v","mode":"managed","type":"aws_vpc","index":0,"change":{"actions":["no-op"],"before":{"x":1},"after":{"cidr_block":"10.0.0.0/16","n":[1,2.5e3,null,true]},"after_unknown":{"id":true},"before_sensitive":false,"after_sensitive":{}}}"#;

    const PLANNED: &str = r#"{"root_module":{"resources":[{"address":"aws_vpc.v","values":{"a":"b"},"sensitive_values":{}}],"child_modules":[{"address":"module.m","resources":[{"address":"module.m.aws_subnet.s[0]","values":null}],"child_modules":[]}]}}"#;

    #[test]
    fn entries_read_as_serde_reads_them() {
        let describe = |text, rc: &RawResourceChange<'_>| change(text, rc);
        assert!(agrees(CHANGE, resource_change, describe));
        for text in [
            r#"{"address":"a.b"}"#,
            r#"{"address":"a.b","change":null}"#,
            r#"{"address":"a.b","change":{}}"#,
            r#"{"address":"a.b","change":{"actions":null,"after":null}}"#,
            r#" {"address":"a.b"}"#,
            r#"{ "address" : "a.b" , "change" : { "after" : [ ] } }"#,
            r#"{"addr\u0065ss":"a.b","change":{"act\u0069ons":["cr\u00e9ate"]}}"#,
            r#"{"address":"a\"b\u00e9\ud83d\ude00"}"#,
            r#"{"address":"a\ud800"}"#,
            r#"{"address":"a.b","address":"c.d"}"#,
            r#"{"address":"a.b","change":{"after":1,"after":2}}"#,
            r#"{"address":1}"#,
            r#"{"address":null}"#,
            r#"{"change":{}}"#,
            r#"["a.b",null]"#,
            r#"{"address":"a.b","change":{"actions":[1]}}"#,
            r#"{"address":"a.b","change":{"after":nul}}"#,
            r#"{"address":"a.b","change":{"after":nullx}}"#,
            r#"{"address":"a.b","x":01}"#,
        ] {
            agrees(text, resource_change, describe);
        }
        let mut read = 0;
        let all = mutations(CHANGE);
        for text in &all {
            read += usize::from(agrees(text, resource_change, describe));
        }
        // Most edits break the entry; some are still entries, and those read directly.
        assert!(read > 50 && read < all.len() / 2, "{read} of {}", all.len());
    }

    const AFTER: &str = r#"{"arn":null,"cidr_block":"10.0.0.0/16","enable":true,"id":"x\"y\u00e9","ingress":[{"from_port":443,"cidr_blocks":["0.0.0.0/0"],"n":-1,"f":2.5,"e":1E+2,"big":123456789012345678901,"z":-0}],"nested":{"a":{"b":[[],{}]},"a":null},"tags":{"Name":"n"},"timeouts":null,"u":false}"#;

    /// What serde reads for a resource's tree: the whole value, then its members left out.
    fn compacted_by_serde(text: &str, kept: Kept) -> Option<AttrValue> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        Some(crate::value::retain(AttrValue::from(value), |k, v| {
            kept.keeps(k, v)
        }))
    }

    #[test]
    fn values_read_as_serde_reads_them() {
        for kept in [Kept::Values, Kept::Marks] {
            let mut read = 0;
            let samples = [
                AFTER,
                "{}",
                "null",
                "[1,{\"a\":null}]",
                "\"s\"",
                " { \"a\" : [ true ] } ",
                "{\"b\":1,\"a\":2}",
                "{\"a\":1,\"a\":2}",
                "1e999",
                "{\"a\":1e999}",
                "-9223372036854775808",
                "-9223372036854775809",
                "18446744073709551615",
                "18446744073709551616",
                "0.1",
                "-0",
                "-0.0",
            ];
            let mut texts: Vec<String> = samples.iter().map(|s| s.to_string()).collect();
            texts.extend(mutations(AFTER));
            for text in &texts {
                let ours = compacted(text, kept);
                if let Some(ours) = &ours {
                    read += 1;
                    let theirs = compacted_by_serde(text, kept);
                    assert_eq!(Some(ours), theirs.as_ref(), "{text}");
                    // Numbers compare by value: also their kind (integer, negative, float).
                    assert_eq!(format!("{ours:?}"), format!("{:?}", theirs.unwrap()));
                }
            }
            assert!(read > 100, "{read}");
        }
        let mut deep = "[".repeat(MAX_VALUE_DEPTH + 1);
        deep.push_str(&"]".repeat(MAX_VALUE_DEPTH + 1));
        assert_eq!(compacted(&deep, Kept::Values), None);
        assert!(compacted_by_serde(&deep, Kept::Values).is_some());
    }

    const CONFIG: &str = r#"{"provider_config":{"aws":{"name":"aws","expressions":{"region":{"constant_value":"us-east-1"}}}},"root_module":{"resources":[{"address":"aws_vpc.v","mode":"managed","type":"aws_vpc","provider_config_key":"aws","expressions":{"cidr_block":{"references":["var.cidr"]},"tags":{"constant_value":{"a":"b"}}},"schema_version":1,"count_expression":{"constant_value":2}},{"address":"aws_s3_bucket.b","type":"aws_s3_bucket","expressions":{"bucket":{"constant_value":"x"}}},{"address":"aws_s3_bucket.c","expressions":{"bucket":{"constant_value":"x"}},"type":"aws_s3_bucket"}],"module_calls":{"net":{"source":"./net","expressions":{"cidr":{"constant_value":"10.0.0.0/16"}},"for_each_expression":{"references":["local.envs"]},"module":{"resources":[],"outputs":{"id":{"expression":{"references":["aws_vpc.v.id"]}}},"variables":{"cidr":{"default":null}}}}},"outputs":{"o":{"expression":{"references":["module.net.id"]},"sensitive":true}},"variables":{"cidr":{"default":"10.0.0.0/8","description":"x"}}}}"#;

    #[test]
    fn configurations_read_as_serde_reads_them() {
        let describe = |_: &str, config: &RawConfig| format!("{config:?}");
        assert!(agrees(CONFIG, config, describe));
        for text in [
            r#"{}"#,
            r#"{"root_module":null,"provider_config":null}"#,
            r#"{"root_module":{"resources":[{"type":"aws_vpc"}]}}"#,
            r#"{"root_module":{"resources":[{"address":"a.b","type":null,"expressions":{"x":{"constant_value":1}}}]}}"#,
            r#"{"root_module":{"resources":[{"address":"a.b","address":"a.c"}]}}"#,
            r#"{"root_module":{"module_calls":{"m":{},"m":{"source":"x"}}}}"#,
            r#"{"root_module":{"module_calls":{"m":{"source":1}}}}"#,
        ] {
            agrees(text, config, describe);
        }
        let mut read = 0;
        let all = mutations(CONFIG);
        for text in &all {
            read += usize::from(agrees(text, config, describe));
        }
        assert!(read > 100, "{read} of {}", all.len());
    }

    #[test]
    fn module_trees_read_as_serde_reads_them() {
        let describe = |text, v: &RawValues<'_>| values(text, v);
        assert!(agrees(PLANNED, super::values, describe));
        let state_text = format!(r#"{{"format_version":"1.0","values":{PLANNED}}}"#);
        assert!(agrees(&state_text, super::state, |text, s| state(text, s)));
        for text in [
            r#"{}"#,
            r#"{"root_module":null}"#,
            r#"{"root_module":{"resources":null,"child_modules":null}}"#,
            r#"{"root_module":{"resources":[],"resources":[]}}"#,
            r#"{"root_module":{"resources":[{"values":{}}]}}"#,
            r#"{"root_module":{"child_modules":[{"child_modules":[{}]}]}}"#,
        ] {
            agrees(text, super::values, describe);
        }
        let mut read = 0;
        let all = mutations(PLANNED);
        for text in &all {
            read += usize::from(agrees(text, super::values, describe));
        }
        assert!(read > 50, "{read} of {}", all.len());
        // Deeper than the direct reader goes: serde reads it.
        let mut deep = String::from(r#"{"root_module":"#);
        for _ in 0..=MAX_MODULE_DEPTH + 1 {
            deep.push_str(r#"{"child_modules":["#);
        }
        deep.push_str("{}");
        for _ in 0..=MAX_MODULE_DEPTH + 1 {
            deep.push_str("]}");
        }
        deep.push('}');
        assert!(!agrees(&deep, super::values, describe));
        assert!(serde_reading(&deep, describe).is_some());
    }
}
