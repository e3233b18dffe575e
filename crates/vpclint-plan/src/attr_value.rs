//! The values of a resource's trees (`after`, `after_unknown`, `after_sensitive`) as the model
//! keeps them.
//!
//! A `serde_json::Value` is 32 bytes and each of its objects a `BTreeMap`, whose smallest node
//! holds room for eleven members (about 630 bytes, even for `{"references": [...]}`). A plan's
//! values are tens of thousands of small objects, read once and then only looked up: here an
//! object is its members sorted by key in one allocation, searched by bisection, and a value is
//! 24 bytes. At 50,000 instances that is less memory for the kernel to hand over and zero, and
//! fewer allocations to make.

use serde_json::{Number, Value};

/// A JSON value of a resource's trees.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum AttrValue {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Box<str>),
    Array(Box<[AttrValue]>),
    Object(Members),
}

/// Objects up to this size are searched by a scan (see [`Members::get`]).
const SCAN_AT_MOST: usize = 64;

/// An object's members, sorted by key, each key once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Members(Box<[(Box<str>, AttrValue)]>);

impl Members {
    /// The members of an object as read, in any order: a repeated key's last value wins, as in
    /// serde_json's map.
    pub fn new(mut members: Vec<(Box<str>, AttrValue)>) -> Members {
        // Terraform writes members sorted: checking is all the work then.
        if !members.windows(2).all(|pair| pair[0].0 < pair[1].0) {
            // Stable, so a repeated key's values stay in document order; the last is kept.
            members.sort_by(|a, b| a.0.cmp(&b.0));
            let mut unique: Vec<(Box<str>, AttrValue)> = Vec::with_capacity(members.len());
            for member in members {
                match unique.last_mut() {
                    Some(last) if last.0 == member.0 => *last = member,
                    _ => unique.push(member),
                }
            }
            members = unique;
        }
        Members(members.into_boxed_slice())
    }

    pub fn get(&self, key: &str) -> Option<&AttrValue> {
        // Each key is an allocation of its own: a bisection reads one at each of its steps, most
        // of them cache misses. A scan tells most keys apart by their length, which the slice
        // holds, and reads only those as long as `key`; about twice as fast on a plan's objects
        // (tens of members). Large objects, rare in plans, are bisected.
        if self.0.len() <= SCAN_AT_MOST {
            return self
                .0
                .iter()
                .find(|(k, _)| k.len() == key.len() && k.as_ref() == key)
                .map(|(_, v)| v);
        }
        self.0
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// The members in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &AttrValue)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn values(&self) -> impl Iterator<Item = &AttrValue> {
        self.0.iter().map(|(_, v)| v)
    }

    /// The members, to take apart.
    pub fn into_vec(self) -> Vec<(Box<str>, AttrValue)> {
        self.0.into_vec()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl AttrValue {
    pub fn is_null(&self) -> bool {
        matches!(self, AttrValue::Null)
    }

    pub fn is_number(&self) -> bool {
        matches!(self, AttrValue::Number(_))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            AttrValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            AttrValue::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[AttrValue]> {
        match self {
            AttrValue::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Members> {
        match self {
            AttrValue::Object(members) => Some(members),
            _ => None,
        }
    }
}

impl From<Value> for AttrValue {
    fn from(value: Value) -> AttrValue {
        match value {
            Value::Null => AttrValue::Null,
            Value::Bool(b) => AttrValue::Bool(b),
            Value::Number(n) => AttrValue::Number(n),
            Value::String(s) => AttrValue::String(s.into_boxed_str()),
            Value::Array(items) => {
                AttrValue::Array(items.into_iter().map(AttrValue::from).collect())
            }
            Value::Object(map) => AttrValue::Object(Members::new(
                map.into_iter()
                    .map(|(k, v)| (k.into_boxed_str(), AttrValue::from(v)))
                    .collect(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_are_sorted_and_a_repeated_key_keeps_its_last_value() {
        let members = Members::new(vec![
            ("b".into(), AttrValue::Bool(true)),
            ("a".into(), AttrValue::Null),
            ("b".into(), AttrValue::String("last".into())),
            ("c".into(), AttrValue::Bool(false)),
        ]);
        let keys: Vec<&str> = members.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(members.get("b").and_then(AttrValue::as_str), Some("last"));
        assert_eq!(members.get("d"), None);
    }

    /// Back into a `serde_json::Value`, to compare with what was read.
    fn to_value(value: AttrValue) -> Value {
        match value {
            AttrValue::Null => Value::Null,
            AttrValue::Bool(b) => Value::Bool(b),
            AttrValue::Number(n) => Value::Number(n),
            AttrValue::String(s) => Value::String(s.into_string()),
            AttrValue::Array(items) => {
                Value::Array(items.into_vec().into_iter().map(to_value).collect())
            }
            AttrValue::Object(members) => Value::Object(
                members
                    .into_vec()
                    .into_iter()
                    .map(|(k, v)| (k.into_string(), to_value(v)))
                    .collect(),
            ),
        }
    }

    #[test]
    fn converts_from_serde_json_unchanged() {
        let value = json!({"z": [1, -2, 2.5, "s", null, true], "a": {"y": {}, "x": []}, "m": 18446744073709551615u64});
        let attr = AttrValue::from(value.clone());
        assert_eq!(to_value(attr.clone()), value);
        assert_eq!(
            attr.as_object()
                .and_then(|m| m.get("m"))
                .and_then(AttrValue::as_i64),
            None
        );
    }
}
