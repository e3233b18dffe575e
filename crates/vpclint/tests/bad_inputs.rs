//! The table of bad inputs in `docs/reliability.md`: each one either exits 2 with one clear line
//! on standard error (the file, the reason, and for JSON the line and column) or, when it is a valid
//! plan whose references cannot be followed, is read and reports what stayed unknown. Never a panic,
//! never exit code 101, never a plan value in an error.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// A value planted in bad inputs; no error may print it.
const CANARY: &str = "SECRETCANARY7f3a";
const CANARY_NUMBER: &str = "918273645546";

/// What a row must do.
enum Expect {
    /// Exit 2; the error contains each of these.
    Error(&'static [&'static str]),
    /// Exit 2 with a JSON error at exactly this line and column.
    JsonError(usize, usize, &'static str),
    /// Read: exit 0 or 1, and `vpclint graph` lists these `(address, attribute)` under `unknown`.
    Reads(&'static [(&'static str, &'static str)]),
}

fn write_temp(content: &[u8], suffix: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    file.write_all(content).unwrap();
    file.flush().unwrap();
    file
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(common::fixtures().join(path)).unwrap()
}

/// Runs `vpclint check PATH` and checks the outcome against `expect`.
fn check_row(name: &str, path: &Path, expect: &Expect) {
    let output = common::vpclint().arg("check").arg(path).output().unwrap();
    let code = output.status.code();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(
        !stderr.contains("panicked") && code != Some(101),
        "{name}: panic: {stderr}"
    );
    let display = path.display().to_string();
    match expect {
        Expect::Error(_) | Expect::JsonError(..) => {
            assert_eq!(code, Some(2), "{name}: {stderr}");
            let lines: Vec<&str> = stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{name}: not one line: {stderr}");
            let prefix = format!("error: {display}: ");
            assert!(
                lines[0].starts_with(&prefix),
                "{name}: does not name the file first: {stderr}"
            );
            assert!(
                !stderr.contains(CANARY) && !stderr.contains(CANARY_NUMBER),
                "{name}: prints a plan value: {stderr}"
            );
            assert!(lines[0].len() < 400, "{name}: too long: {stderr}");
            match expect {
                Expect::Error(parts) => {
                    for part in *parts {
                        assert!(stderr.contains(part), "{name}: expected {part:?}: {stderr}");
                    }
                }
                Expect::JsonError(line, column, reason) => {
                    let position = format!("invalid JSON at line {line} column {column}: ");
                    assert!(
                        stderr.contains(&position),
                        "{name}: expected {position:?}: {stderr}"
                    );
                    assert!(
                        stderr.contains(reason),
                        "{name}: expected {reason:?}: {stderr}"
                    );
                }
                Expect::Reads(_) => unreachable!(),
            }
            // `vpclint graph` refuses it the same way.
            let graph = common::vpclint().arg("graph").arg(path).output().unwrap();
            assert_eq!(graph.status.code(), Some(2), "{name}: graph");
            let graph_err = String::from_utf8_lossy(&graph.stderr);
            assert_eq!(graph_err.lines().count(), 1, "{name}: graph: {graph_err}");
            assert!(graph_err.contains(&display), "{name}: graph: {graph_err}");
        }
        Expect::Reads(unknown) => {
            assert!(
                matches!(code, Some(0 | 1)),
                "{name}: exit {code:?}: {stderr}"
            );
            let graph = common::vpclint()
                .args(["graph", "--format", "json"])
                .arg(path)
                .output()
                .unwrap();
            assert_eq!(graph.status.code(), Some(0), "{name}: graph");
            let doc: Value = serde_json::from_slice(&graph.stdout).unwrap();
            let listed: Vec<(String, String)> = doc["unknown"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| {
                    (
                        u["address"].as_str().unwrap().to_string(),
                        u["attribute"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            for (address, attribute) in *unknown {
                assert!(
                    listed.iter().any(|(a, at)| a == address && at == attribute),
                    "{name}: {address} {attribute} is not under unknown: {listed:?}"
                );
            }
        }
    }
}

/// A plan with one `aws_vpc` whose `after` is `after`.
fn vpc_plan(after: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "format_version": "1.2",
        "resource_changes": [{
            "address": "aws_vpc.main",
            "mode": "managed", "type": "aws_vpc", "name": "main",
            "change": {"actions": ["create"], "after": after}
        }]
    }))
    .unwrap()
}

/// A stored (uncompressed) zip archive holding one file.
fn zip_with(name: &str, data: &[u8]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let crc = crc32(data);
    let size = data.len() as u32;
    let name_len = name.len() as u16;
    let mut zip = Vec::new();
    // Local file header.
    zip.extend_from_slice(b"PK\x03\x04");
    zip.extend_from_slice(&20u16.to_le_bytes()); // version needed
    zip.extend_from_slice(&[0; 4]); // flags, method (stored)
    zip.extend_from_slice(&[0; 4]); // time, date
    zip.extend_from_slice(&crc.to_le_bytes());
    zip.extend_from_slice(&size.to_le_bytes());
    zip.extend_from_slice(&size.to_le_bytes());
    zip.extend_from_slice(&name_len.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip.extend_from_slice(name.as_bytes());
    zip.extend_from_slice(data);
    // Central directory.
    let central_at = zip.len() as u32;
    zip.extend_from_slice(b"PK\x01\x02");
    zip.extend_from_slice(&20u16.to_le_bytes()); // version made by
    zip.extend_from_slice(&20u16.to_le_bytes()); // version needed
    zip.extend_from_slice(&[0; 8]); // flags, method, time, date
    zip.extend_from_slice(&crc.to_le_bytes());
    zip.extend_from_slice(&size.to_le_bytes());
    zip.extend_from_slice(&size.to_le_bytes());
    zip.extend_from_slice(&name_len.to_le_bytes());
    zip.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
    zip.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    zip.extend_from_slice(name.as_bytes());
    let central_len = zip.len() as u32 - central_at;
    // End of central directory.
    zip.extend_from_slice(b"PK\x05\x06");
    zip.extend_from_slice(&[0; 4]);
    zip.extend_from_slice(&1u16.to_le_bytes());
    zip.extend_from_slice(&1u16.to_le_bytes());
    zip.extend_from_slice(&central_len.to_le_bytes());
    zip.extend_from_slice(&central_at.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip
}

/// Line and column (1-based, in bytes) just past the end of `text`, where serde reports an EOF.
fn end_position(text: &[u8]) -> (usize, usize) {
    let line = text.iter().filter(|b| **b == b'\n').count() + 1;
    let column = match text.iter().rposition(|b| *b == b'\n') {
        Some(nl) => text.len() - nl - 1,
        None => text.len(),
    };
    (line, column)
}

fn deep(open: &str, close: &str, depth: usize, inner: &str) -> String {
    let mut s = String::with_capacity(depth * (open.len() + close.len()) + inner.len());
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(inner);
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

/// Missing referents: a subnet whose VPC, a route table whose module and an association whose
/// table are not in the plan. Valid JSON of a valid plan; the references stay unknown.
fn dangling_references() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
             "change": {"actions": ["create"], "after": {"cidr_block": "10.0.1.0/24"},
                        "after_unknown": {"id": true, "vpc_id": true}}},
            {"address": "aws_route_table.rt", "mode": "managed", "type": "aws_route_table", "name": "rt",
             "change": {"actions": ["create"], "after": {}, "after_unknown": {"id": true, "vpc_id": true}}},
            {"address": "aws_route_table_association.a", "mode": "managed",
             "type": "aws_route_table_association", "name": "a",
             "change": {"actions": ["create"], "after": {},
                        "after_unknown": {"id": true, "subnet_id": true, "route_table_id": true}}}
        ],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
             "expressions": {"vpc_id": {"references": ["aws_vpc.missing.id", "aws_vpc.missing"]}}},
            {"address": "aws_route_table.rt", "mode": "managed", "type": "aws_route_table", "name": "rt",
             "expressions": {"vpc_id": {"references": ["module.nowhere.vpc_id", "module.nowhere"]}}},
            {"address": "aws_route_table_association.a", "mode": "managed",
             "type": "aws_route_table_association", "name": "a",
             "expressions": {
                 "subnet_id": {"references": ["aws_subnet.a.id", "aws_subnet.a"]},
                 "route_table_id": {"references": ["aws_route_table.gone[3].id", "aws_route_table.gone"]}}}
        ]}}
    }))
    .unwrap()
}

/// Module outputs in a cycle: module.a's input is module.b's output and the other way round, and
/// module.c's output is its child's output fed by its own input.
fn output_cycles() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "format_version": "1.2",
        "resource_changes": [
            {"address": "module.a.aws_subnet.s", "module_address": "module.a", "mode": "managed",
             "type": "aws_subnet", "name": "s",
             "change": {"actions": ["create"], "after": {"cidr_block": "10.0.1.0/24"},
                        "after_unknown": {"id": true, "vpc_id": true}}},
            {"address": "aws_route_table.rt", "mode": "managed", "type": "aws_route_table", "name": "rt",
             "change": {"actions": ["create"], "after": {}, "after_unknown": {"id": true, "vpc_id": true}}}
        ],
        "configuration": {"root_module": {
            "resources": [
                {"address": "aws_route_table.rt", "mode": "managed", "type": "aws_route_table", "name": "rt",
                 "expressions": {"vpc_id": {"references": ["module.c.self_ref", "module.c"]}}}
            ],
            "module_calls": {
                "a": {"source": "./a",
                      "expressions": {"in": {"references": ["module.b.y", "module.b"]}},
                      "module": {
                          "resources": [{"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet",
                                         "name": "s", "expressions": {"vpc_id": {"references": ["var.in"]}}}],
                          "outputs": {"x": {"expression": {"references": ["var.in"]}}},
                          "variables": {"in": {}}}},
                "b": {"source": "./b",
                      "expressions": {"in": {"references": ["module.a.x", "module.a"]}},
                      "module": {
                          "outputs": {"y": {"expression": {"references": ["var.in"]}}},
                          "variables": {"in": {}}}},
                "c": {"source": "./c", "expressions": {},
                      "module": {
                          "outputs": {"self_ref": {"expression": {"references": ["module.d.out", "module.d"]}}},
                          "module_calls": {"d": {"source": "./d",
                              "expressions": {"v": {"references": ["module.d.out", "module.d"]}},
                              "module": {"outputs": {"out": {"expression": {"references": ["var.v"]}}},
                                         "variables": {"v": {}}}}}}}
            }
        }}
    }))
    .unwrap()
}

/// Numbers beyond 64 bits in values, variables and configuration constants.
fn huge_numbers() -> Vec<u8> {
    let huge = format!("1{}", "0".repeat(400));
    format!(
        r#"{{"format_version": "1.2",
  "variables": {{"big": {{"value": -{huge}}}, "e": {{"value": 1e400}}}},
  "resource_changes": [
    {{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
      "change": {{"actions": ["create"],
        "after": {{"cidr_block": "10.0.0.0/16", "enable_dns_support": true, "enable_dns_hostnames": true,
                  "u64_plus_one": 18446744073709551616, "i64_min_minus_one": -9223372036854775809,
                  "beyond_f64": {huge}, "exp": 1e400, "tiny": 1e-400,
                  "tags": {{"n": 123456789012345678901234567890}}}},
        "after_unknown": {{"id": true}}}}}},
    {{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
      "change": {{"actions": ["create"], "after": {{"n": -1e999}}}}}}
  ],
  "configuration": {{"root_module": {{"resources": [
    {{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
      "expressions": {{"cidr_block": {{"constant_value": "10.0.0.0/16"}},
                      "tags": {{"constant_value": {{"n": {huge}}}}}}}}}]}}}}
}}"#
    )
    .into_bytes()
}

#[test]
fn bad_inputs_table() {
    let truncated = {
        let full = fixture("graph/same-module/plan.json");
        full[..full.len() / 2].to_vec()
    };
    let (t_line, t_column) = end_position(&truncated);
    let invalid_utf8 = {
        let mut text = fixture("graph/same-module/plan.json");
        // Inside the first string value after the opening brace: `"format_version": "\xff..`.
        let at = text.windows(2).position(|w| w == b": ").unwrap() + 3;
        text.insert(at, 0xff);
        text
    };
    let binary = {
        let mut elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
        elf.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        elf
    };
    let wrong = |section: &str, value: Value| -> Vec<u8> {
        let mut doc = json!({"format_version": "1.2", "resource_changes": []});
        doc[section] = value;
        serde_json::to_vec(&doc).unwrap()
    };
    let rc = |change: Value| -> Vec<u8> {
        serde_json::to_vec(&json!({"format_version": "1.2", "resource_changes": [change]})).unwrap()
    };
    let deep_top = deep("[", "]", 100_000, "");
    let deep_value = String::from_utf8(vpc_plan(json!("DEEP")))
        .unwrap()
        .replace("\"DEEP\"", &deep("{\"a\":", "}", 100_000, "1"));
    // serde stops at the value's 128th `{` (1-based column).
    let deep_value_column = deep_value.find("{\"a\":").unwrap() + 127 * 5 + 1;
    let deep_unread = format!(
        r#"{{"format_version":"1.2","resource_changes":[],"x":{}}}"#,
        deep("[", "]", 100_000, "")
    );
    let deep_unread_value = String::from_utf8(rc(json!({
        "address": "aws_s3_bucket.b", "change": {"actions": ["create"], "after": "DEEP"}
    })))
    .unwrap()
    .replace("\"DEEP\"", &deep("[", "]", 100_000, ""));
    let deep_config = format!(
        r#"{{"format_version":"1.2","configuration":{{"root_module":{{"resources":[{{"address":"aws_vpc.a","expressions":{{"cidr_block":{{"constant_value":{}}}}}}}]}}}}}}"#,
        deep("[", "]", 100_000, "")
    );

    let rows: Vec<(&str, Vec<u8>, Expect)> = vec![
        ("empty file", b"".to_vec(), Expect::Error(&["empty file"])),
        (
            "whitespace",
            b" \n\t\r\n ".to_vec(),
            Expect::Error(&["empty file"]),
        ),
        (
            "null",
            b"null".to_vec(),
            Expect::Error(&["not a Terraform plan or state: the document is not a JSON object"]),
        ),
        (
            "[]",
            b"[]".to_vec(),
            Expect::Error(&["not a Terraform plan or state: the document is not a JSON object"]),
        ),
        (
            "a string",
            format!("\"{CANARY}\"").into_bytes(),
            Expect::Error(&["not a JSON object"]),
        ),
        (
            "truncated JSON",
            truncated,
            Expect::JsonError(t_line, t_column, "EOF while parsing"),
        ),
        (
            "invalid UTF-8",
            invalid_utf8,
            Expect::Error(&[
                "invalid JSON at line 2 column",
                "invalid unicode code point",
            ]),
        ),
        (
            "binary non-plan file",
            binary,
            Expect::JsonError(1, 1, "expected value"),
        ),
        (
            "zip that is not a Terraform plan",
            zip_with("readme.txt", b"hello"),
            Expect::Error(&[
                "not a Terraform plan or state: a zip archive without a `tfplan` entry",
            ]),
        ),
        (
            "truncated zip",
            zip_with("tfplan", b"x")[..40].to_vec(),
            Expect::Error(&["a zip archive without a `tfplan` entry"]),
        ),
        (
            "JSON that is not a plan",
            br#"{"name": "left-pad", "version": "1.3.0"}"#.to_vec(),
            Expect::Error(&["not a Terraform plan or state: no format_version field"]),
        ),
        (
            "format_version only",
            br#"{"format_version": "1.2"}"#.to_vec(),
            Expect::Error(&["not a Terraform plan or state: none of resource_changes"]),
        ),
        (
            "format_version 9.0",
            br#"{"format_version": "9.0", "values": {}}"#.to_vec(),
            Expect::Error(&["unsupported format_version \"9.0\""]),
        ),
        (
            "format_version a number",
            br#"{"format_version": 1.2, "values": {}}"#.to_vec(),
            Expect::Error(&["not a Terraform plan or state: format_version is not a string"]),
        ),
        (
            "format_version not a version",
            format!(r#"{{"format_version": "{CANARY}", "values": {{}}}}"#).into_bytes(),
            Expect::Error(&[
                "not a Terraform plan or state: format_version is not a version number",
            ]),
        ),
        (
            "format_version very long",
            format!(
                r#"{{"format_version": "7{}", "values": {{}}}}"#,
                "9".repeat(10_000)
            )
            .into_bytes(),
            Expect::Error(&["format_version is not a version number"]),
        ),
        (
            "resource_changes an object",
            wrong("resource_changes", json!({"aws_vpc.a": {}})),
            Expect::JsonError(1, 43, "invalid type: map, expected a sequence"),
        ),
        (
            "values a string",
            br#"{"format_version": "1.2", "values": "SECRETCANARY7f3a"}"#.to_vec(),
            Expect::JsonError(
                1,
                54,
                "invalid type: string, expected an object with `root_module`",
            ),
        ),
        (
            "planned_values an array",
            wrong("planned_values", json!([])),
            Expect::Error(&["expected an object with `root_module`"]),
        ),
        (
            "prior_state a number",
            wrong("prior_state", json!(918_273_645_546_u64)),
            Expect::Error(&["invalid type: integer, expected a state object with `values`"]),
        ),
        (
            "configuration a string",
            wrong("configuration", json!(CANARY)),
            Expect::Error(&["invalid type: string, expected a configuration object"]),
        ),
        (
            "variables a list",
            wrong("variables", json!([CANARY])),
            Expect::Error(&["invalid type: sequence, expected a map"]),
        ),
        (
            "variable without an object",
            wrong("variables", json!({"password": CANARY})),
            Expect::Error(&["invalid type: string, expected a variable object with `value`"]),
        ),
        (
            "address a number",
            rc(json!({"address": 918_273_645_546_u64})),
            Expect::Error(&["invalid type: integer, expected a string"]),
        ),
        (
            "address a boolean",
            rc(json!({"address": true})),
            Expect::Error(&["invalid type: boolean, expected a string"]),
        ),
        (
            "resource change a string",
            rc(json!(CANARY)),
            Expect::Error(&["expected a resource change object"]),
        ),
        (
            "change a string",
            rc(json!({"address": "aws_vpc.a", "change": "create"})),
            Expect::Error(&["invalid type: string, expected a change object"]),
        ),
        (
            "actions a string",
            rc(json!({"address": "aws_vpc.a", "change": {"actions": "create"}})),
            Expect::Error(&["invalid type: string, expected a sequence"]),
        ),
        (
            "actions a list of numbers",
            rc(json!({"address": "aws_vpc.a", "change": {"actions": [918_273_645_546_u64]}})),
            Expect::Error(&["invalid type: integer, expected a string"]),
        ),
        (
            "module resources an object",
            wrong(
                "planned_values",
                json!({"root_module": {"resources": {"a": 1}}}),
            ),
            Expect::Error(&["invalid type: map, expected a sequence"]),
        ),
        (
            "child_modules a string",
            wrong(
                "planned_values",
                json!({"root_module": {"child_modules": CANARY}}),
            ),
            Expect::Error(&["invalid type: string, expected a sequence"]),
        ),
        (
            "module_calls a list",
            wrong(
                "configuration",
                json!({"root_module": {"module_calls": []}}),
            ),
            Expect::Error(&["invalid type: sequence, expected a map"]),
        ),
        (
            "provider_config a list",
            wrong("configuration", json!({"provider_config": []})),
            Expect::Error(&["invalid type: sequence, expected a map"]),
        ),
        (
            "configuration resource without address",
            wrong(
                "configuration",
                json!({"root_module": {"resources": [{"mode": "managed"}]}}),
            ),
            Expect::Error(&["missing field `address`"]),
        ),
        (
            "address that does not parse",
            rc(json!({"address": "not an address"})),
            Expect::Error(&["resource address \"not an address\" does not parse"]),
        ),
        (
            "address with an index beyond 64 bits",
            rc(json!({"address": "aws_subnet.a[99999999999999999999]"})),
            Expect::Error(&["does not parse"]),
        ),
        (
            "address in planned_values that does not parse",
            wrong(
                "planned_values",
                json!({"root_module": {"resources": [{"address": "module..aws_vpc.a"}]}}),
            ),
            Expect::Error(&["resource address \"module..aws_vpc.a\" does not parse"]),
        ),
        (
            // Valid JSON, checked without recursion: not an object.
            "100,000-deep nesting at the top",
            deep_top.into_bytes(),
            Expect::Error(&["not a Terraform plan or state: the document is not a JSON object"]),
        ),
        (
            // The position is in the file, not in the value (parsed on its own).
            "100,000-deep nesting in a value",
            deep_value.into_bytes(),
            Expect::JsonError(
                1,
                deep_value_column,
                "recursion limit exceeded: nested deeper than 128 levels",
            ),
        ),
        (
            "100,000-deep nesting in configuration",
            deep_config.into_bytes(),
            Expect::Error(&[
                "invalid JSON at line 1 column",
                "nested deeper than 128 levels",
            ]),
        ),
        // Valid plans that vpclint reads: what it cannot follow is listed under `unknown`.
        (
            "references to resources that do not exist",
            dangling_references(),
            Expect::Reads(&[
                ("aws_subnet.a", "vpc_id"),
                ("aws_route_table.rt", "vpc_id"),
                ("aws_route_table_association.a", "route_table_id"),
            ]),
        ),
        (
            "cycles in module outputs",
            output_cycles(),
            Expect::Reads(&[
                ("module.a.aws_subnet.s", "vpc_id"),
                ("aws_route_table.rt", "vpc_id"),
            ]),
        ),
        ("numbers beyond 64 bits", huge_numbers(), Expect::Reads(&[])),
        (
            "after a string",
            rc(json!({"address": "aws_vpc.a", "change": {"actions": ["create"], "after": CANARY}})),
            Expect::Reads(&[]),
        ),
        (
            "terraform_version a number and expressions a string",
            serde_json::to_vec(&json!({
                "format_version": "1.2", "terraform_version": 1.9,
                "resource_changes": [],
                "configuration": {"root_module": {"resources": [
                    {"address": "aws_vpc.a", "expressions": CANARY}]}}
            }))
            .unwrap(),
            Expect::Reads(&[]),
        ),
        (
            "100,000-deep nesting in a field vpclint does not read",
            deep_unread.into_bytes(),
            Expect::Reads(&[]),
        ),
        (
            "100,000-deep nesting in a value vpclint does not read",
            deep_unread_value.into_bytes(),
            Expect::Reads(&[]),
        ),
        (
            "deep nesting within the limit",
            vpc_plan(serde_json::from_str(&deep("[", "]", 100, "")).unwrap()),
            Expect::Reads(&[]),
        ),
    ];
    for (name, content, expect) in &rows {
        let file = write_temp(content, ".json");
        check_row(name, file.path(), expect);
    }
}

#[test]
fn unreadable_paths() {
    // (A directory is not an error: `vpclint check DIR` checks the plans in it.)
    let dir = tempfile::tempdir().unwrap();
    check_row(
        "a missing file",
        &dir.path().join("nope.json"),
        &Expect::Error(&["cannot read:"]),
    );
}

#[test]
fn numbers_beyond_64_bits_are_read_not_refused() {
    let file = write_temp(&huge_numbers(), ".json");
    let output = common::vpclint()
        .args(["graph", "--format", "json"])
        .arg(file.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    let ids: Vec<&str> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["aws_vpc.main", "aws_vpc.main:main_route_table"]);
}

#[test]
fn a_2_gb_file_is_refused_before_it_is_read() {
    let file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    // Sparse: the test does not write 2 GB.
    file.as_file().set_len(2 << 30).unwrap();
    let started = std::time::Instant::now();
    check_row(
        "2 GB file",
        file.path(),
        &Expect::Error(&["file is 2147483648 bytes, over the 1073741824-byte limit"]),
    );
    // Refused from its size, not read: four runs (check and graph) in well under a second each.
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn the_input_limit_can_be_lowered() {
    let plan: PathBuf = common::fixtures().join("graph/same-module/plan.json");
    let size = std::fs::metadata(&plan).unwrap().len();
    let output = common::vpclint()
        .env("VPCLINT_MAX_INPUT_BYTES", "1000")
        .arg("check")
        .arg(&plan)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("file is {size} bytes, over the 1000-byte limit")),
        "{stderr}"
    );
    // Standard input is read up to the limit only, and the rest is counted, not kept.
    let output = common::vpclint()
        .env("VPCLINT_MAX_INPUT_BYTES", "1000")
        .args(["check", "-"])
        .write_stdin(std::fs::read(&plan).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "<stdin>: file is {size} bytes, over the 1000-byte limit"
        )),
        "{stderr}"
    );
    // At the limit it is read as usual.
    let output = common::vpclint()
        .env("VPCLINT_MAX_INPUT_BYTES", size.to_string())
        .arg("check")
        .arg(&plan)
        .output()
        .unwrap();
    assert!(matches!(output.status.code(), Some(0 | 1)), "{output:?}");
}

#[test]
fn one_bad_plan_among_many_loses_nothing() {
    let good = [
        common::fixtures().join("graph/same-module/plan.json"),
        common::fixtures().join("N001/fail/plan.json"),
        common::fixtures().join("example/plan.json"),
    ];
    let empty = write_temp(b"", ".json");
    let truncated = write_temp(&fixture("graph/splat/plan.json")[..500], ".json");
    let zip = write_temp(&zip_with("readme.txt", b"hello"), ".zip");
    let bad = [empty.path(), truncated.path(), zip.path()];

    // Each plan alone, for comparison.
    let mut alone = Vec::new();
    for plan in &good {
        let output = common::vpclint()
            .args(["check", "--format", "json", "--no-timing"])
            .arg(plan)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        alone.push(report["findings"].as_array().unwrap().len());
    }

    // Interleaved: good, bad, good, bad, good, bad.
    let mut cmd = common::vpclint();
    cmd.args(["check", "--format", "json", "--no-timing"]);
    for (g, b) in good.iter().zip(bad) {
        cmd.arg(g).arg(b);
    }
    let output = cmd.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    for path in bad {
        let name = path.display().to_string();
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with(&format!("error: {name}: ")))
                .count(),
            1,
            "{name}: {stderr}"
        );
    }
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["plans"], 3);
    assert_eq!(report["summary"]["errors"], 3);
    let errors: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["plan"].as_str().unwrap())
        .collect();
    // Listed by name, whatever order they were given in (see tests/determinism.rs).
    let mut bad_names: Vec<String> = bad.iter().map(|p| p.display().to_string()).collect();
    bad_names.sort();
    assert_eq!(errors, bad_names);
    // Every good plan's findings are there, as many as when it is checked alone.
    let findings = report["findings"].as_array().unwrap();
    for (plan, count) in good.iter().zip(&alone) {
        let name = plan.display().to_string();
        let n = findings
            .iter()
            .filter(|f| f["plan"] == name.as_str())
            .count();
        assert_eq!(n, *count, "{name}");
    }
    assert!(
        alone.iter().sum::<usize>() > 0,
        "the good plans have findings"
    );
}
