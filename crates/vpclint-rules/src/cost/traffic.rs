//! Traffic assumptions: GB per month from a VPC's private subnets to each destination.
//!
//! From the command line (`--traffic s3=2TB`, `--traffic ecr.dkr@module.vpc.aws_vpc.this[0]=100GB`)
//! or `vpclint.toml`:
//!
//! ```toml
//! [traffic]
//! s3 = "2TB"
//! internet = "1.5TB"
//!
//! [traffic.vpc."module.network.aws_vpc.this"]
//! dynamodb = "500GB"
//! ```
//!
//! Sizes are decimal (`1 TB` = 1000 GB) unless written in binary units (`GiB`, `TiB`).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use vpclint_plan::services;

/// Where traffic goes: `internet`, `s3`, `dynamodb`, or an Interface endpoint service (`ecr.dkr`).
pub type Service = String;

/// Traffic assumptions, GB per month by destination: for every VPC, and per VPC address.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Traffic {
    /// For every VPC that has no assumption of its own for the destination.
    pub all: BTreeMap<Service, f64>,
    /// Per VPC address (`module.network.aws_vpc.this`).
    pub vpc: BTreeMap<String, BTreeMap<Service, f64>>,
}

impl Traffic {
    pub fn is_empty(&self) -> bool {
        self.all.is_empty() && self.vpc.values().all(BTreeMap::is_empty)
    }

    /// Adds one `SERVICE=SIZE` or `SERVICE@VPC=SIZE` assignment (the `--traffic` syntax). A later
    /// assignment of the same destination replaces the earlier one.
    pub fn add(&mut self, assignment: &str) -> Result<(), TrafficError> {
        let (left, size) = assignment
            .rsplit_once('=')
            .ok_or_else(|| TrafficError::Syntax(assignment.to_string()))?;
        let (service, vpc) = match left.split_once('@') {
            Some((s, v)) => (s, Some(v.trim())),
            None => (left, None),
        };
        let service = normalize_service(service)?;
        let gb = parse_size(size)?;
        match vpc {
            Some("") => return Err(TrafficError::Syntax(assignment.to_string())),
            Some(v) => {
                self.vpc
                    .entry(v.to_string())
                    .or_default()
                    .insert(service, gb);
            }
            None => {
                self.all.insert(service, gb);
            }
        }
        Ok(())
    }

    /// Parses several assignments.
    pub fn parse<'a>(
        assignments: impl IntoIterator<Item = &'a str>,
    ) -> Result<Traffic, TrafficError> {
        let mut t = Traffic::default();
        for a in assignments {
            t.add(a)?;
        }
        Ok(t)
    }

    /// `self` with `other`'s assumptions on top (command line over `vpclint.toml`).
    pub fn merged(mut self, other: &Traffic) -> Traffic {
        for (s, gb) in &other.all {
            self.all.insert(s.clone(), *gb);
        }
        for (v, m) in &other.vpc {
            let entry = self.vpc.entry(v.clone()).or_default();
            for (s, gb) in m {
                entry.insert(s.clone(), *gb);
            }
        }
        self
    }

    /// The assumptions for one VPC (by address, `None` when its address is unknown): its own
    /// over the ones for every VPC.
    pub fn for_vpc(&self, vpc: Option<&str>) -> BTreeMap<Service, f64> {
        let mut out = self.all.clone();
        if let Some(own) = vpc.and_then(|v| self.vpc.get(v)) {
            for (s, gb) in own {
                out.insert(s.clone(), *gb);
            }
        }
        out
    }
}

/// A traffic assumption that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrafficError {
    /// Not `SERVICE=SIZE` or `SERVICE@VPC=SIZE`.
    Syntax(String),
    /// Not a destination name.
    Service(String),
    /// Not a size with a unit.
    Size(String),
}

impl fmt::Display for TrafficError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrafficError::Syntax(t) => write!(
                f,
                "traffic {t:?}: expected SERVICE=SIZE or SERVICE@VPC_ADDRESS=SIZE, like s3=2TB"
            ),
            TrafficError::Service(s) => write!(
                f,
                "traffic destination {s:?}: expected internet, s3, dynamodb or an endpoint service name like ecr.dkr"
            ),
            TrafficError::Size(s) => write!(
                f,
                "traffic size {s:?}: expected a number of GB, TB, GiB or TiB (per month), like 500GB or 1.5TB"
            ),
        }
    }
}

impl std::error::Error for TrafficError {}

/// `s3`, `ecr.dkr`, or a full service name (`com.amazonaws.eu-west-1.ecr.dkr`) shortened.
fn normalize_service(text: &str) -> Result<Service, TrafficError> {
    let text = text.trim();
    match services::short_name(text) {
        Some(short) if short != "internet6" => Ok(short.to_string()),
        _ => Err(TrafficError::Service(text.to_string())),
    }
}

/// `2TB`, `500 GB`, `1.5TiB`, `100GB/month` in GB (decimal).
pub fn parse_size(text: &str) -> Result<f64, TrafficError> {
    let err = || TrafficError::Size(text.to_string());
    let mut t = text.trim().to_ascii_lowercase();
    for suffix in ["/month", "/mo"] {
        if let Some(rest) = t.strip_suffix(suffix) {
            t = rest.trim_end().to_string();
        }
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(err)?;
    let (number, unit) = t.split_at(split);
    let value: f64 = number.parse().map_err(|_| err())?;
    let factor = match unit.trim() {
        "mb" => 1e-3,
        "gb" => 1.0,
        "tb" => 1e3,
        "pb" => 1e6,
        "mib" => 1024.0 * 1024.0 / 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0 / 1e9,
        "tib" => 1024.0f64.powi(4) / 1e9,
        _ => return Err(err()),
    };
    let gb = value * factor;
    if !gb.is_finite() {
        return Err(err());
    }
    Ok(gb)
}

/// A size in `vpclint.toml`: a string with a unit, or a number of GB.
#[derive(Deserialize)]
#[serde(untagged)]
enum SizeValue {
    Text(String),
    Gb(f64),
}

impl SizeValue {
    fn gb(self) -> Result<f64, TrafficError> {
        match self {
            SizeValue::Text(t) => parse_size(&t),
            SizeValue::Gb(v) if v.is_finite() && v >= 0.0 => Ok(v),
            SizeValue::Gb(v) => Err(TrafficError::Size(v.to_string())),
        }
    }
}

fn size_map<E: de::Error>(map: BTreeMap<String, SizeValue>) -> Result<BTreeMap<Service, f64>, E> {
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let service = normalize_service(&k).map_err(E::custom)?;
        out.insert(service, v.gb().map_err(E::custom)?);
    }
    Ok(out)
}

impl<'de> Deserialize<'de> for Traffic {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Traffic, D::Error> {
        struct TrafficVisitor;

        impl<'de> Visitor<'de> for TrafficVisitor {
            type Value = Traffic;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of destination = size, and an optional `vpc` table of them per VPC address")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Traffic, A::Error> {
                let mut traffic = Traffic::default();
                let mut all = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "vpc" {
                        let per: BTreeMap<String, BTreeMap<String, SizeValue>> =
                            map.next_value()?;
                        for (vpc, sizes) in per {
                            traffic.vpc.insert(vpc, size_map::<A::Error>(sizes)?);
                        }
                    } else {
                        all.insert(key, map.next_value::<SizeValue>()?);
                    }
                }
                traffic.all = size_map::<A::Error>(all)?;
                Ok(traffic)
            }
        }

        deserializer.deserialize_map(TrafficVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sizes() {
        assert_eq!(parse_size("2TB").unwrap(), 2000.0);
        assert_eq!(parse_size("500GB").unwrap(), 500.0);
        assert_eq!(parse_size("1.5 tb").unwrap(), 1500.0);
        assert_eq!(parse_size("100GB/month").unwrap(), 100.0);
        assert!((parse_size("1GiB").unwrap() - 1.073741824).abs() < 1e-12);
        assert!((parse_size("1TiB").unwrap() - 1099.511627776).abs() < 1e-9);
        for bad in ["", "2", "TB", "2XB", "-1GB", "1..2GB", "1e3GB"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_assignments() {
        let t = Traffic::parse([
            "s3=2TB",
            "dynamodb=500GB",
            "internet=1.5TB",
            "com.amazonaws.eu-west-1.ecr.dkr=100GB",
            "logs@module.network.aws_vpc.this=10GB",
        ])
        .unwrap();
        assert_eq!(t.all["s3"], 2000.0);
        assert_eq!(t.all["dynamodb"], 500.0);
        assert_eq!(t.all["internet"], 1500.0);
        assert_eq!(t.all["ecr.dkr"], 100.0);
        assert_eq!(t.vpc["module.network.aws_vpc.this"]["logs"], 10.0);
        let own = t.for_vpc(Some("module.network.aws_vpc.this"));
        assert_eq!(own.len(), 5);
        assert_eq!(t.for_vpc(None).len(), 4);
    }

    #[test]
    fn a_vpc_address_may_hold_an_equals_sign() {
        let t = Traffic::parse(["s3@aws_vpc.this[\"a=b\"]=1TB"]).unwrap();
        assert_eq!(t.vpc["aws_vpc.this[\"a=b\"]"]["s3"], 1000.0);
    }

    #[test]
    fn rejects_bad_assignments_with_a_clear_error() {
        assert_eq!(
            Traffic::parse(["s3"]).unwrap_err(),
            TrafficError::Syntax("s3".into())
        );
        assert_eq!(
            Traffic::parse(["S3 Bucket=1TB"]).unwrap_err(),
            TrafficError::Service("S3 Bucket".into())
        );
        assert_eq!(
            Traffic::parse(["s3=lots"]).unwrap_err(),
            TrafficError::Size("lots".into())
        );
        assert_eq!(
            Traffic::parse(["s3@=1TB"]).unwrap_err(),
            TrafficError::Syntax("s3@=1TB".into())
        );
        let msg = TrafficError::Size("2".into()).to_string();
        assert!(msg.contains("GB, TB, GiB or TiB"), "{msg}");
    }

    #[test]
    fn deserializes_from_a_config_table() {
        let t: Traffic = serde_json::from_value(serde_json::json!({
            "s3": "2TB",
            "internet": 300,
            "vpc": {"aws_vpc.main": {"ecr.dkr": "100GB"}}
        }))
        .unwrap();
        assert_eq!(t.all["s3"], 2000.0);
        assert_eq!(t.all["internet"], 300.0);
        assert_eq!(t.vpc["aws_vpc.main"]["ecr.dkr"], 100.0);
        let err = serde_json::from_value::<Traffic>(serde_json::json!({"s3": "2 bananas"}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("2 bananas"), "{err}");
    }

    #[test]
    fn merged_prefers_the_later_source() {
        let file = Traffic::parse(["s3=1TB", "internet=1TB"]).unwrap();
        let cli = Traffic::parse(["s3=2TB"]).unwrap();
        let t = file.merged(&cli);
        assert_eq!(t.all["s3"], 2000.0);
        assert_eq!(t.all["internet"], 1000.0);
    }
}
