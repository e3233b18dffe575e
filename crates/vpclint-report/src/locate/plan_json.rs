//! Byte spans of resource objects in a plan or state JSON, from one pass over its text.
//!
//! A resource object is an element of a `resource_changes` or `resources` array that has an
//! `"address"` string member, in one of the sections that list resource instances. `resource_changes` wins over
//! `planned_values`, then `prior_state`, then a state's `values`; `configuration`,
//! `resource_drift` and the others are never used.

use std::collections::HashMap;
use std::ops::Range;

/// Where a resource instance is in the plan text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanJsonEntry {
    /// The whole `{...}` object.
    pub object: Range<usize>,
    /// The `"address": "..."` member.
    pub member: Range<usize>,
    /// Which section it came from (`resource_changes`, `planned_values`, ...).
    pub section: &'static str,
}

/// The resource objects of a plan, by instance address.
#[derive(Debug, Default)]
pub struct PlanJsonIndex {
    entries: HashMap<String, (u8, PlanJsonEntry)>,
}

const SECTIONS: &[&str] = &[
    "resource_changes",
    "planned_values",
    "prior_state",
    "values",
];

struct Frame {
    start: usize,
    object: bool,
    expect_key: bool,
    last_key: Range<usize>,
    address: Option<(String, Range<usize>)>,
    /// The key this value is under in its parent object (quotes included; empty in an array).
    in_key: Range<usize>,
}

impl PlanJsonIndex {
    pub fn build(text: &str) -> PlanJsonIndex {
        let b = text.as_bytes();
        let mut entries: HashMap<String, (u8, PlanJsonEntry)> = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut section: Option<u8> = None;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                open @ (b'{' | b'[') => {
                    let in_key = match stack.last() {
                        Some(parent) if parent.object => parent.last_key.clone(),
                        _ => 0..0,
                    };
                    stack.push(Frame {
                        start: i,
                        object: open == b'{',
                        expect_key: open == b'{',
                        last_key: 0..0,
                        address: None,
                        in_key,
                    });
                    i += 1;
                }
                b'}' | b']' => {
                    if let Some(frame) = stack.pop() {
                        let in_list = stack.last().is_some_and(|list| {
                            !list.object
                                && matches!(
                                    &b[list.in_key.clone()],
                                    b"\"resources\"" | b"\"resource_changes\""
                                )
                        });
                        if let (Some(rank), Some((address, member)), true) =
                            (section, frame.address, in_list)
                        {
                            let better = entries.get(&address).is_none_or(|(r, _)| rank < *r);
                            if better {
                                entries.insert(
                                    address,
                                    (
                                        rank,
                                        PlanJsonEntry {
                                            object: frame.start..i + 1,
                                            member,
                                            section: SECTIONS[rank as usize],
                                        },
                                    ),
                                );
                            }
                        }
                    }
                    i += 1;
                }
                b'"' => {
                    let end = string_end(b, i);
                    let depth = stack.len();
                    if let Some(frame) = stack.last_mut() {
                        if frame.object && frame.expect_key {
                            frame.expect_key = false;
                            frame.last_key = i..end;
                            if depth == 1 {
                                let key = &b[(i + 1).min(end)..end.saturating_sub(1).max(i + 1)];
                                section = SECTIONS
                                    .iter()
                                    .position(|s| s.as_bytes() == key)
                                    .map(|p| p as u8);
                            }
                        } else if frame.object
                            && &b[frame.last_key.clone()] == b"\"address\""
                            && frame.address.is_none()
                        {
                            if let Ok(address) = serde_json::from_str::<String>(&text[i..end]) {
                                frame.address = Some((address, frame.last_key.start..end));
                            }
                        }
                    }
                    i = end;
                }
                b',' => {
                    if let Some(frame) = stack.last_mut() {
                        if frame.object {
                            frame.expect_key = true;
                        }
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        PlanJsonIndex { entries }
    }

    pub fn get(&self, address: &str) -> Option<&PlanJsonEntry> {
        self.entries.get(address).map(|(_, e)| e)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The resource object whose `"address"` value starts at `value_start` (as the parser recorded
/// it), when `address` is the object's first member, as Terraform writes it. Costs the size of
/// that one object, where [`PlanJsonIndex::build`] reads the whole plan.
pub fn object_at_address(text: &str, value_start: usize) -> Option<PlanJsonEntry> {
    let b = text.as_bytes();
    let (open, key_start) = vpclint_plan::text::address_member_start(b, value_start)?;
    let member = key_start..string_end(b, value_start);
    // The object's end, found as the plan's reading finds it (16 bytes of a string at a time).
    let end = vpclint_plan::text::json_value_end(b, open)?;
    Some(PlanJsonEntry {
        object: open..end,
        member,
        section: "",
    })
}

/// The index just after the closing quote of the string starting at `start`.
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{
  "format_version": "1.2",
  "configuration": {"root_module": {"resources": [{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc"}]}},
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "values": {"tags": {"address": "x"}}},
    {"address": "aws_subnet.a[\"b\"]", "mode": "managed", "type": "aws_subnet", "values": {}}
  ]}},
  "resource_changes": [
    {"address" :  "aws_vpc.main", "mode": "managed", "type": "aws_vpc",
     "change": {"after": {"note": "a \" } brace", "address": "aws_subnet.a[\"b\"]", "type": "x"}}}
  ]
}"#;

    #[test]
    fn the_object_around_an_address_matches_the_index() {
        let index = PlanJsonIndex::build(PLAN);
        for address in ["aws_vpc.main", "aws_subnet.a[\"b\"]"] {
            let entry = index.get(address).unwrap();
            let value = PLAN[entry.member.clone()].find(':').unwrap() + entry.member.start;
            let value = value + PLAN[value + 1..].find('"').unwrap() + 1;
            let found = object_at_address(PLAN, value).unwrap();
            assert_eq!(
                (found.object, found.member),
                (entry.object.clone(), entry.member.clone())
            );
        }
        // Not the start of an address value.
        assert!(object_at_address(PLAN, 0).is_none());
        assert!(object_at_address(PLAN, PLAN.find("\"mode\"").unwrap() + 8).is_none());
    }

    /// Every plan in `fixtures/`: where the parser placed each resource is where the full scan
    /// finds it, so the fast path and the fallback point at the same object.
    #[test]
    fn recorded_offsets_agree_with_the_scan_on_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut plans = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.file_name().is_some_and(|n| n == "plan.json") {
                    plans.push(path);
                }
            }
        }
        assert!(plans.len() > 50, "fixtures found: {}", plans.len());
        let mut checked = 0;
        for path in plans {
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(plan) = vpclint_plan::Plan::from_json("plan.json", text.as_bytes()) else {
                continue;
            };
            let index = PlanJsonIndex::build(&text);
            for resource in &plan.resources {
                let at = resource.json_offset.expect("read from this text");
                let found = object_at_address(&text, at);
                let scanned = index.get(&resource.id);
                assert_eq!(
                    found.map(|f| (f.object, f.member)),
                    scanned.map(|s| (s.object.clone(), s.member.clone())),
                    "{} in {}",
                    resource.id,
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    /// A large plan is read in parts, which record where each `resource_changes` entry is: exactly
    /// what the reports find from the address's offset, or nothing where they find nothing.
    #[test]
    fn recorded_entries_are_where_the_address_leads() {
        use std::fmt::Write as _;
        let entry = |i: usize| {
            let address = match i % 4 {
                0 => format!(r#""aws_subnet.s[{i}]""#),
                1 => format!(r#""aws_subnet.t[\"k{i}\"]""#),
                2 => format!(r#""module.m[\"a\"].aws_subnet.u[{i}]""#),
                _ => format!(r#""aws_subnet.v[{i}]""#),
            };
            let values = format!(
                r#"{{"id":"subnet-{i}","vpc_id":"vpc-1","pad":"{}"}}"#,
                "x".repeat(300)
            );
            let change = format!(
                r#""change":{{"actions":["create"],"after":{values},"after_unknown":{{}},"after_sensitive":{{}}}}"#
            );
            match i % 5 {
                // Whitespace around the address member.
                0 => format!(r#"{{ "address" :  {address} ,"type":"aws_subnet",{change}}}"#),
                // The address after another member: not recorded, nor found from the offset.
                1 => format!(r#"{{"type":"aws_subnet","address":{address},{change}}}"#),
                _ => format!(r#"{{"address":{address},"type":"aws_subnet",{change}}}"#),
            }
        };
        let mut text = String::from(r#"{"format_version":"1.2","resource_changes":["#);
        for i in 0..12_000 {
            let _ = write!(text, "{}{}", if i > 0 { "," } else { "" }, entry(i));
        }
        text.push_str("]}");
        assert!(text.len() > 4 << 20, "{}", text.len());
        let plan = vpclint_plan::Plan::from_json("plan.json", text.as_bytes()).unwrap();
        assert_eq!(plan.resources.len(), 12_000);
        let mut recorded = 0;
        for resource in &plan.resources {
            let found = object_at_address(&text, resource.json_offset.unwrap());
            match &resource.json_entry {
                Some(entry) => {
                    recorded += 1;
                    let found = found.expect("found from the offset");
                    assert_eq!(
                        (&entry.object, &entry.member),
                        (&found.object, &found.member)
                    );
                }
                // Read in one pass (a single thread): nothing recorded, as for a small plan.
                None => assert!(found.is_none() || rayon::current_num_threads() == 1),
            }
        }
        if rayon::current_num_threads() > 1 {
            assert_eq!(
                recorded,
                12_000 - 12_000 / 5,
                "entries with `address` first"
            );
        }
    }

    #[test]
    fn finds_resource_objects_preferring_resource_changes() {
        let index = PlanJsonIndex::build(PLAN);
        let vpc = index.get("aws_vpc.main").unwrap();
        assert_eq!(vpc.section, "resource_changes");
        let obj = &PLAN[vpc.object.clone()];
        assert!(obj.starts_with("{\"address\" :  \"aws_vpc.main\""), "{obj}");
        assert!(obj.ends_with("}}}"), "{obj}");
        assert_eq!(&PLAN[vpc.member.clone()], "\"address\" :  \"aws_vpc.main\"");
        // An attribute object that looks like a resource does not win over the real one.
        let subnet = index.get("aws_subnet.a[\"b\"]").unwrap();
        assert_eq!(subnet.section, "planned_values");
        assert!(PLAN[subnet.object.clone()].contains("\"values\": {}"));
        assert!(index.get("x").is_none());
    }
}
