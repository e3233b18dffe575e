//! Three-valued attribute values: known, unknown until apply, or absent.
//!
//! A plan gives each resource an `after` object (the values known now), an `after_unknown` tree
//! (`true` where a value is known only after apply, also for whole blocks or sets) and an
//! `after_sensitive` tree. Rules read attributes only through [`Values`], so an unknown value can
//! never be mistaken for an absent one, and a sensitive one is never handed out to be printed.

use serde_json::Value;

use crate::attr_value::{AttrValue, Members};

/// A fact about an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact<T> {
    /// The value is in the plan.
    Known(T),
    /// The value is known only after apply (or is sensitive and withheld).
    Unknown,
    /// The attribute is not set (null or missing) and will not be set by apply.
    Absent,
}

impl<T> Fact<T> {
    pub fn known(self) -> Option<T> {
        match self {
            Fact::Known(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Fact::Unknown)
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fact<U> {
        match self {
            Fact::Known(v) => Fact::Known(f(v)),
            Fact::Unknown => Fact::Unknown,
            Fact::Absent => Fact::Absent,
        }
    }

    /// An absent attribute takes the provider's default.
    pub fn or_default_value(self, default: T) -> Fact<T> {
        match self {
            Fact::Absent => Fact::Known(default),
            other => other,
        }
    }
}

/// One step into a value: an object key or a list position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> From<&'a str> for Step<'a> {
    fn from(key: &'a str) -> Self {
        Step::Key(key)
    }
}

impl From<usize> for Step<'_> {
    fn from(index: usize) -> Self {
        Step::Index(index)
    }
}

/// The values of one resource instance, with their unknown and sensitive marks.
///
/// Boxed, and absent when all three are null: most instances of a real plan are of types whose
/// values are not kept, and an inline `Values` would cost them 216 bytes each.
#[derive(Debug, Clone, Default)]
pub struct Values(Option<Box<Trees>>);

#[derive(Debug, Clone)]
struct Trees {
    after: AttrValue,
    unknown: AttrValue,
    sensitive: AttrValue,
}

static NULL: AttrValue = AttrValue::Null;

fn step<'v>(value: &'v AttrValue, s: Step<'_>) -> Option<&'v AttrValue> {
    match (value, s) {
        (AttrValue::Object(members), Step::Key(k)) => members.get(k),
        (AttrValue::Array(items), Step::Index(i)) => items.get(i),
        _ => None,
    }
}

/// Whether a mark tree (`after_unknown`, `after_sensitive`) marks `path` or one of its parents.
pub fn marked(tree: &AttrValue, path: &[Step<'_>]) -> bool {
    let mut node = tree;
    for s in path {
        if matches!(node, AttrValue::Bool(true)) {
            return true;
        }
        match step(node, *s) {
            Some(next) => node = next,
            None => return false,
        }
    }
    matches!(node, AttrValue::Bool(true))
}

impl Values {
    pub fn new(after: AttrValue, unknown: AttrValue, sensitive: AttrValue) -> Self {
        if after.is_null() && unknown.is_null() && sensitive.is_null() {
            return Values(None);
        }
        Values(Some(Box::new(Trees {
            after,
            unknown,
            sensitive,
        })))
    }

    /// The planned values (`null` when nothing is kept).
    pub fn after(&self) -> &AttrValue {
        self.0.as_ref().map_or(&NULL, |t| &t.after)
    }

    /// Which values are unknown until apply (`true` leaves of a tree shaped like the values).
    pub fn unknown(&self) -> &AttrValue {
        self.0.as_ref().map_or(&NULL, |t| &t.unknown)
    }

    /// Which values are sensitive (`true` leaves).
    pub fn sensitive(&self) -> &AttrValue {
        self.0.as_ref().map_or(&NULL, |t| &t.sensitive)
    }

    /// Replaces the planned values and, when given, the sensitive marks.
    pub fn fill(&mut self, after: AttrValue, sensitive: Option<AttrValue>) {
        let mut trees = self.0.take().map_or(
            Trees {
                after: AttrValue::Null,
                unknown: AttrValue::Null,
                sensitive: AttrValue::Null,
            },
            |t| *t,
        );
        trees.after = after;
        if let Some(sensitive) = sensitive {
            trees.sensitive = sensitive;
        }
        *self = Values::new(trees.after, trees.unknown, trees.sensitive);
    }

    /// Reads the value at `path`.
    pub fn get(&self, path: &[Step<'_>]) -> Fact<&AttrValue> {
        if let Some(Step::Key(k)) = path.first() {
            debug_assert!(
                !DROPPED_ATTRIBUTES.contains(k),
                "`{k}` is not kept when a plan is read: take it out of value::DROPPED_ATTRIBUTES"
            );
        }
        if marked(self.unknown(), path) || marked(self.sensitive(), path) {
            return Fact::Unknown;
        }
        let mut node = self.after();
        for s in path {
            match step(node, *s) {
                Some(next) => node = next,
                None => return Fact::Absent,
            }
        }
        if node.is_null() {
            Fact::Absent
        } else {
            Fact::Known(node)
        }
    }

    pub fn attr(&self, key: &str) -> Fact<&AttrValue> {
        self.get(&[Step::Key(key)])
    }

    /// A string attribute; an empty string counts as absent (how providers write unset inline fields).
    pub fn str(&self, key: &str) -> Fact<&str> {
        str_fact(self.attr(key))
    }

    pub fn str_at(&self, path: &[Step<'_>]) -> Fact<&str> {
        str_fact(self.get(path))
    }

    pub fn bool(&self, key: &str) -> Fact<bool> {
        self.bool_at(&[Step::Key(key)])
    }

    pub fn bool_at(&self, path: &[Step<'_>]) -> Fact<bool> {
        match self.get(path) {
            Fact::Known(AttrValue::Bool(b)) => Fact::Known(*b),
            Fact::Known(AttrValue::String(s)) if &**s == "true" || &**s == "false" => {
                Fact::Known(&**s == "true")
            }
            Fact::Known(_) => Fact::Unknown,
            other => other.map(|_| false),
        }
    }

    pub fn i64_at(&self, path: &[Step<'_>]) -> Fact<i64> {
        match self.get(path) {
            Fact::Known(AttrValue::Number(n)) => n.as_i64().map_or(Fact::Unknown, Fact::Known),
            Fact::Known(AttrValue::String(s)) => s.parse().map_or(Fact::Unknown, Fact::Known),
            Fact::Known(_) => Fact::Unknown,
            other => other.map(|_| 0),
        }
    }

    /// The length of a list (or set) attribute at `path`, when the list itself is known.
    pub fn len_at(&self, path: &[Step<'_>]) -> Fact<usize> {
        match self.get(path) {
            Fact::Known(AttrValue::Array(items)) => Fact::Known(items.len()),
            Fact::Known(_) => Fact::Unknown,
            other => other.map(|_| 0),
        }
    }

    /// A list of strings: the list is known, each element may still be unknown.
    pub fn str_list_at(&self, path: &[Step<'_>]) -> Fact<Vec<Fact<&str>>> {
        match self.len_at(path) {
            Fact::Known(n) => {
                let mut items = Vec::with_capacity(n);
                let mut p = path.to_vec();
                for i in 0..n {
                    p.push(Step::Index(i));
                    items.push(self.str_at(&p));
                    p.pop();
                }
                Fact::Known(items)
            }
            Fact::Unknown => Fact::Unknown,
            Fact::Absent => Fact::Absent,
        }
    }

    pub fn str_list(&self, key: &str) -> Fact<Vec<Fact<&str>>> {
        self.str_list_at(&[Step::Key(key)])
    }

    /// Whether any value at or under `path` is sensitive.
    pub fn is_sensitive(&self, path: &[Step<'_>]) -> bool {
        if marked(self.sensitive(), path) {
            return true;
        }
        let mut node = self.sensitive();
        for s in path {
            match step(node, *s) {
                Some(next) => node = next,
                None => return false,
            }
        }
        any_true(node)
    }
}

/// Top-level attributes of network resources that no rule reads, left out when a plan is read:
/// tags are most of a typical resource's values. Reading one is a bug that debug builds catch.
pub const DROPPED_ATTRIBUTES: &[&str] = &["tags", "tags_all", "timeouts"];

/// Whether a mark tree marks anything: a member without a `true` under it reads like a missing
/// one in [`marked`] and [`Values::is_sensitive`].
fn any_true(v: &AttrValue) -> bool {
    match v {
        AttrValue::Bool(b) => *b,
        AttrValue::Array(items) => items.iter().any(any_true),
        AttrValue::Object(members) => members.values().any(any_true),
        _ => false,
    }
}

/// Which top-level members of a resource's trees are kept when a plan is read ([`read_compacted`]):
/// not the attributes no rule reads ([`DROPPED_ATTRIBUTES`]), nor what no query can tell apart from
/// its absence: null attributes of `after` (a null reads as absent, like a missing one) and the
/// members of the mark trees that mark nothing (no `true` under them).
#[derive(Clone, Copy)]
pub(crate) enum Kept {
    /// `after`: the attributes that are set.
    Values,
    /// `after_unknown`, `after_sensitive`: the members that mark something.
    Marks,
}

impl Kept {
    pub(crate) fn keeps(self, key: &str, value: &AttrValue) -> bool {
        !DROPPED_ATTRIBUTES.contains(&key)
            && match self {
                Kept::Values => !value.is_null(),
                Kept::Marks => any_true(value),
            }
    }
}

/// Reads the JSON text of one of a resource's trees, keeping the top-level members `kept` keeps, in
/// one pass: the attributes no rule reads are skipped unread, and the object is built once, at its
/// exact size (a large plan holds tens of thousands of these). Terraform writes the members
/// sorted; an object whose keys are not (so may repeat) is read whole and then compacted, so that a
/// repeated key's last value wins as in a map.
pub(crate) fn read_compacted(text: &str, kept: Kept) -> Result<AttrValue, serde_json::Error> {
    if let Some(value) = crate::direct::compacted(text, kept) {
        return Ok(value);
    }
    if text.trim_start().starts_with('{') {
        let mut reader = serde_json::Deserializer::from_str(text);
        let members = serde::de::DeserializeSeed::deserialize(KeptMembers(kept), &mut reader)
            .and_then(|members| reader.end().map(|()| members))?;
        if let Some(members) = members {
            return Ok(AttrValue::Object(Members::new(members)));
        }
    }
    let value: Value = serde_json::from_str(text)?;
    Ok(retain(AttrValue::from(value), |k, v| kept.keeps(k, v)))
}

/// The kept members of an object, in order; `None` when its keys are not in increasing order.
struct KeptMembers(Kept);

impl<'de> serde::de::DeserializeSeed<'de> for KeptMembers {
    type Value = Option<Vec<(Box<str>, AttrValue)>>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeptMembers {
    type Value = Option<Vec<(Box<str>, AttrValue)>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        let mut previous: Option<std::borrow::Cow<'de, str>> = None;
        let mut sorted = true;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            sorted &= previous.as_ref().is_none_or(|p| *p < key);
            if DROPPED_ATTRIBUTES.contains(&key.as_ref()) {
                map.next_value::<serde::de::IgnoredAny>()?;
            } else {
                let value = AttrValue::from(map.next_value::<Value>()?);
                if self.0.keeps(&key, &value) {
                    members.push((Box::from(key.as_ref()), value));
                }
            }
            previous = Some(key);
        }
        Ok(sorted.then_some(members))
    }
}

/// An object with only the members `keep` accepts; other values unchanged.
pub(crate) fn retain(value: AttrValue, keep: impl Fn(&str, &AttrValue) -> bool) -> AttrValue {
    let AttrValue::Object(members) = value else {
        return value;
    };
    AttrValue::Object(Members::new(
        members
            .into_vec()
            .into_iter()
            .filter(|(k, v)| keep(k, v))
            .collect(),
    ))
}

fn str_fact(fact: Fact<&AttrValue>) -> Fact<&str> {
    match fact {
        Fact::Known(AttrValue::String(s)) if s.is_empty() => Fact::Absent,
        Fact::Known(AttrValue::String(s)) => Fact::Known(s),
        // A number or bool where a string is expected: not something rules can use.
        Fact::Known(_) => Fact::Unknown,
        Fact::Unknown => Fact::Unknown,
        Fact::Absent => Fact::Absent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// One pass keeps what reading the whole value and then leaving members out keeps, and fails
    /// where reading the whole value fails.
    #[test]
    fn compacted_in_one_pass_as_after_reading_whole() {
        let whole = |text: &str, kept: Kept| {
            serde_json::from_str::<Value>(text)
                .map(|v| retain(AttrValue::from(v), |k, v| kept.keeps(k, v)))
                .map_err(|e| e.to_string())
        };
        for text in [
            r#"{"a":1,"b":null,"tags":{"x":"y"},"tags_all":{},"z":[{"q":null}]}"#,
            r#" { "b" : true , "c" : { "d" : false } , "e" : [ false , true ] } "#,
            // Out of order, with a repeated key whose last value wins (and is null).
            r#"{"b":1,"a":2,"b":null}"#,
            r#"{"a":1,"a":{"x":true}}"#,
            r#"{}"#,
            r#"null"#,
            r#"[1,{"a":null}]"#,
            r#""text""#,
            r#"{"a":1,}"#,
            r#"{"a":1} x"#,
            r#"{"tags":{"x":}}"#,
        ] {
            for kept in [Kept::Values, Kept::Marks] {
                assert_eq!(
                    read_compacted(text, kept).map_err(|e| e.to_string()),
                    whole(text, kept),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn unknown_wins_over_absent_and_covers_children() {
        let v = Values::new(
            json!({"a": null, "route": [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": null}], "s": "x"})
                .into(),
            json!({"a": true, "route": [{"nat_gateway_id": true}], "whole": true}).into(),
            json!({"s": true}).into(),
        );
        assert_eq!(v.str("a"), Fact::Unknown);
        assert_eq!(v.str("missing"), Fact::Absent);
        assert_eq!(
            v.get(&["whole".into(), 0.into(), "x".into()]),
            Fact::Unknown
        );
        assert_eq!(
            v.str_at(&["route".into(), 0.into(), "cidr_block".into()]),
            Fact::Known("0.0.0.0/0")
        );
        assert_eq!(
            v.str_at(&["route".into(), 0.into(), "nat_gateway_id".into()]),
            Fact::Unknown
        );
        // Sensitive values are withheld like unknown ones.
        assert_eq!(v.str("s"), Fact::Unknown);
        assert!(v.is_sensitive(&["s".into()]));
    }
}
