//! AWS unit prices per region for the charges vpclint talks about, each figure with its date and
//! source.
//!
//! The built-in figures come from the project's egress facts (`aws-egress-facts.md`); `docs/cost.md`
//! lists them with their sources. A figure the facts do not give is `None`, and whatever needs it is
//! reported as unknown rather than priced with a guess. Users add or correct figures per region with
//! [`PriceOverrides`] (the `[prices.<region>]` tables of `vpclint.toml`).
//!
//! Two views of the same figures:
//! - [`PriceTable`] (with overrides), which the cost report and path traces use;
//! - [`for_region`], the built-in figures of regions with known NAT gateway prices, which the
//!   rules use for their findings' [`crate::Cost`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Hours in a billing month, as AWS's own examples use.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// One unit price in USD, with when it was read and where from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Price {
    pub usd: f64,
    /// When the figure was read or took effect (`2026-09-25`, `2026-05`), or `undated` when the
    /// source gives no date.
    pub as_of: Cow<'static, str>,
    pub source: Cow<'static, str>,
}

impl Price {
    const fn builtin(usd: f64, as_of: &'static str, source: &'static str) -> Price {
        Price {
            usd,
            as_of: Cow::Borrowed(as_of),
            source: Cow::Borrowed(source),
        }
    }
}

/// One tier of a tiered per-GB price.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tier {
    /// GB per month this tier covers, counted from the previous tier's end; `None` for the last.
    pub next_gb: Option<f64>,
    pub price: Price,
}

/// The unit prices of one region. `None` is a figure the facts do not give.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitPrices {
    pub region: Cow<'static, str>,
    /// NAT gateway, per gateway per hour.
    pub nat_gateway_hour: Option<Price>,
    /// NAT gateway data processing, per GB in either direction.
    pub nat_gateway_gb: Option<Price>,
    /// Interface endpoint, per endpoint per Availability Zone per hour.
    pub interface_endpoint_hour: Option<Price>,
    /// Interface endpoint data processing, tiered over every Interface endpoint of the account
    /// in the region in a month. Empty when unknown.
    pub interface_endpoint_gb: Cow<'static, [Tier]>,
    /// Public IPv4 address (a public NAT gateway's Elastic IPs), per address per hour.
    pub public_ipv4_hour: Option<Price>,
    /// Data transfer between Availability Zones, per GB in each direction.
    pub cross_az_gb: Option<Price>,
}

impl UnitPrices {
    /// The first-tier Interface endpoint per-GB price: the marginal rate of any traffic below 1 PB
    /// a month.
    pub fn interface_endpoint_gb_first(&self) -> Option<&Price> {
        self.interface_endpoint_gb.first().map(|t| &t.price)
    }

    /// Interface endpoint data processing for `gb` a month, through the tiers. `None` when the
    /// tiers are unknown.
    pub fn interface_endpoint_processing(&self, gb: f64) -> Option<f64> {
        if self.interface_endpoint_gb.is_empty() {
            return None;
        }
        let mut left = gb.max(0.0);
        let mut total = 0.0;
        for tier in self.interface_endpoint_gb.iter() {
            let here = match tier.next_gb {
                Some(size) => left.min(size),
                None => left,
            };
            total += here * tier.price.usd;
            left -= here;
            if left <= 0.0 {
                break;
            }
        }
        Some(total)
    }

    /// A zonal NAT gateway's hours for a month.
    pub fn nat_gateway_hours_month(&self) -> Option<f64> {
        self.nat_gateway_hour
            .as_ref()
            .map(|p| p.usd * HOURS_PER_MONTH)
    }

    /// `addresses` public IPv4 addresses for a month.
    pub fn public_ipv4_month(&self, addresses: usize) -> Option<f64> {
        self.public_ipv4_hour
            .as_ref()
            .map(|p| p.usd * HOURS_PER_MONTH * addresses as f64)
    }

    /// One Interface endpoint in `azs` Availability Zones for a month.
    pub fn interface_endpoint_month(&self, azs: usize) -> Option<f64> {
        self.interface_endpoint_hour
            .as_ref()
            .map(|p| p.usd * HOURS_PER_MONTH * azs as f64)
    }
}

// ---------------------------------------------------------------------------------------------
// The built-in figures. Every one is in the egress facts, with the source and date given here.
// ---------------------------------------------------------------------------------------------

const PL_USE1_NAT: &str =
    "AWS Price List, NatGateway-Hours/Bytes (SKU M2YSHUBETB3JX4M4, effective 2025-10-01)";
const PAGE_OHIO_NAT: &str = "AWS VPC pricing page, worked example for US East (Ohio)";
const PL_EU_NAT: &str =
    "AWS Price List, EU-NatGateway-Hours/Bytes (AmazonEC2 eu-west-1, publication 2026-09-25)";
const PL_APN1_NAT: &str = "AWS Price List, APN1-NatGateway-Hours/Bytes";
const THIRD_PARTY_APSE1_NAT: &str =
    "third-party price summary (basavytix.com); not verified against the AWS Price List";
const THIRD_PARTY_USE1_ENDPOINT: &str =
    "third-party summaries (awsnegotiations.com, knbrlo.com); the AWS page renders it dynamically";
const PL_APN1_ENDPOINT: &str = "AWS Price List, APN1-VpcEndpoint-Hours";
const PAGE_PRIVATELINK_TIERS: &str =
    "AWS PrivateLink pricing page (tiers aggregate all Interface endpoints in a region)";
const PUBLIC_IPV4: &str = "AWS public IPv4 charge since 2024-02-01 (AWS networking blog); rate from AWS Price List APN1-PublicIPv4:InUseAddress and third-party summaries";
const CROSS_AZ: &str = "AWS EC2 on-demand pricing page ($0.01/GB in each direction); AWS Price List EU-DataTransfer-Regional-Bytes";

/// 1 PB and 4 PB, in (decimal) GB.
const PB: f64 = 1_000_000.0;

static ENDPOINT_GB_TIERS: [Tier; 3] = [
    Tier {
        next_gb: Some(PB),
        price: Price::builtin(0.01, "undated", PAGE_PRIVATELINK_TIERS),
    },
    Tier {
        next_gb: Some(4.0 * PB),
        price: Price::builtin(0.006, "undated", PAGE_PRIVATELINK_TIERS),
    },
    Tier {
        next_gb: None,
        price: Price::builtin(0.004, "undated", PAGE_PRIVATELINK_TIERS),
    },
];

type Figure = Option<(f64, &'static str, &'static str)>;

const fn figure(f: Figure) -> Option<Price> {
    match f {
        Some((usd, as_of, source)) => Some(Price::builtin(usd, as_of, source)),
        None => None,
    }
}

/// A region's figures: NAT gateway (the same rate per hour and per GB in every region of the
/// facts) and Interface endpoint hour where the facts give them, and the region-independent
/// figures (public IPv4, cross-AZ transfer, Interface endpoint tiers).
const fn region(name: &'static str, nat: Figure, endpoint_hour: Figure) -> UnitPrices {
    UnitPrices {
        region: Cow::Borrowed(name),
        nat_gateway_hour: figure(nat),
        nat_gateway_gb: figure(nat),
        interface_endpoint_hour: figure(endpoint_hour),
        interface_endpoint_gb: Cow::Borrowed(&ENDPOINT_GB_TIERS),
        public_ipv4_hour: Some(Price::builtin(0.005, "2024-02-01", PUBLIC_IPV4)),
        cross_az_gb: Some(Price::builtin(0.01, "2025/2026", CROSS_AZ)),
    }
}

/// The built-in table, by region name. us-west-2 and eu-central-1 have no NAT gateway or endpoint
/// hour figure in the facts: they are listed with the region-independent figures only.
pub static BUILTIN: [UnitPrices; 7] = [
    region(
        "ap-northeast-1",
        Some((0.062, "2026-09-25", PL_APN1_NAT)),
        Some((0.014, "2026-09-25", PL_APN1_ENDPOINT)),
    ),
    region(
        "ap-southeast-1",
        Some((0.059, "undated", THIRD_PARTY_APSE1_NAT)),
        None,
    ),
    region("eu-central-1", None, None),
    region("eu-west-1", Some((0.048, "2026-10-02", PL_EU_NAT)), None),
    region(
        "us-east-1",
        Some((0.045, "2025-10-28", PL_USE1_NAT)),
        Some((0.01, "2026-05", THIRD_PARTY_USE1_ENDPOINT)),
    ),
    region(
        "us-east-2",
        Some((0.045, "2026-09-20", PAGE_OHIO_NAT)),
        None,
    ),
    region("us-west-2", None, None),
];

// ---------------------------------------------------------------------------------------------
// The table with overrides.
// ---------------------------------------------------------------------------------------------

/// Unit prices by region: the built-in figures, with the user's overrides applied.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceTable {
    regions: BTreeMap<String, UnitPrices>,
}

impl Default for PriceTable {
    fn default() -> Self {
        PriceTable::builtin()
    }
}

impl PriceTable {
    /// The built-in figures.
    pub fn builtin() -> PriceTable {
        PriceTable {
            regions: BUILTIN
                .iter()
                .map(|p| (p.region.to_string(), p.clone()))
                .collect(),
        }
    }

    /// This table with `overrides` applied: each figure given replaces the built-in one (or adds
    /// it, for a figure or region the built-in table does not have).
    pub fn with_overrides(mut self, overrides: &PriceOverrides) -> Result<PriceTable, PriceError> {
        for (region, o) in &overrides.regions {
            if !looks_like_region(region) {
                return Err(PriceError::Region(region.clone()));
            }
            let entry = self
                .regions
                .entry(region.clone())
                .or_insert_with(|| UnitPrices {
                    region: Cow::Owned(region.clone()),
                    nat_gateway_hour: None,
                    nat_gateway_gb: None,
                    interface_endpoint_hour: None,
                    interface_endpoint_gb: Cow::Borrowed(&[]),
                    public_ipv4_hour: None,
                    cross_az_gb: None,
                });
            let as_of: Cow<'static, str> =
                Cow::Owned(o.as_of.clone().unwrap_or_else(|| "undated".to_string()));
            let source: Cow<'static, str> = Cow::Owned(
                o.source
                    .clone()
                    .unwrap_or_else(|| "vpclint.toml override".to_string()),
            );
            let price =
                |field: &'static str, value: Option<f64>| -> Result<Option<Price>, PriceError> {
                    match value {
                        None => Ok(None),
                        Some(v) if v.is_finite() && v >= 0.0 => Ok(Some(Price {
                            usd: v,
                            as_of: as_of.clone(),
                            source: source.clone(),
                        })),
                        Some(v) => Err(PriceError::Value {
                            region: region.clone(),
                            field,
                            value: v,
                        }),
                    }
                };
            if let Some(p) = price("nat_gateway_hour", o.nat_gateway_hour)? {
                entry.nat_gateway_hour = Some(p);
            }
            if let Some(p) = price("nat_gateway_gb", o.nat_gateway_gb)? {
                entry.nat_gateway_gb = Some(p);
            }
            if let Some(p) = price("interface_endpoint_hour", o.interface_endpoint_hour)? {
                entry.interface_endpoint_hour = Some(p);
            }
            if let Some(p) = price("interface_endpoint_gb", o.interface_endpoint_gb)? {
                // A flat rate replaces the tiers (a negotiated price rarely keeps them).
                entry.interface_endpoint_gb = Cow::Owned(vec![Tier {
                    next_gb: None,
                    price: p,
                }]);
            }
            if let Some(p) = price("public_ipv4_hour", o.public_ipv4_hour)? {
                entry.public_ipv4_hour = Some(p);
            }
            if let Some(p) = price("cross_az_gb", o.cross_az_gb)? {
                entry.cross_az_gb = Some(p);
            }
        }
        Ok(self)
    }

    /// The prices of a region; `None` when the table has nothing for it.
    pub fn region(&self, region: &str) -> Option<&UnitPrices> {
        self.regions.get(region)
    }

    /// Every region, by name.
    pub fn regions(&self) -> impl Iterator<Item = &UnitPrices> {
        self.regions.values()
    }
}

/// Per-region price overrides, as the `[prices]` table of `vpclint.toml` gives them:
///
/// ```toml
/// [prices.eu-central-1]
/// nat_gateway_hour = 0.052
/// nat_gateway_gb = 0.052
/// as_of = "2026-11-02"
/// source = "AWS Price List, EUC1-NatGateway-Hours/Bytes"
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct PriceOverrides {
    pub regions: BTreeMap<String, RegionOverride>,
}

/// The figures overridden in one region, in USD. Each figure given replaces the built-in one.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionOverride {
    pub nat_gateway_hour: Option<f64>,
    pub nat_gateway_gb: Option<f64>,
    pub interface_endpoint_hour: Option<f64>,
    /// A flat per-GB rate that replaces the tiers.
    pub interface_endpoint_gb: Option<f64>,
    pub public_ipv4_hour: Option<f64>,
    pub cross_az_gb: Option<f64>,
    /// When these figures were read (shown beside them); `undated` when left out.
    pub as_of: Option<String>,
    /// Where they come from; `vpclint.toml override` when left out.
    pub source: Option<String>,
}

/// A price override that cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum PriceError {
    /// The key is not a region name (`eu-west-1`).
    Region(String),
    /// A negative, infinite or NaN price.
    Value {
        region: String,
        field: &'static str,
        value: f64,
    },
}

impl fmt::Display for PriceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PriceError::Region(r) => write!(
                f,
                "price override for {r:?}: not a region name (like \"eu-west-1\")"
            ),
            PriceError::Value {
                region,
                field,
                value,
            } => write!(
                f,
                "price override {region}.{field} = {value}: a price must be a finite number of USD, 0 or more"
            ),
        }
    }
}

impl std::error::Error for PriceError {}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-5`.
fn looks_like_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

// ---------------------------------------------------------------------------------------------
// The rules' view.
// ---------------------------------------------------------------------------------------------

/// The built-in prices of one region whose NAT gateway figures are known, as the rules quote them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionPrices {
    pub region: &'static str,
    pub nat_gateway_hour: f64,
    pub nat_gateway_gb: f64,
    /// Interface endpoint, per endpoint per AZ per hour.
    pub interface_endpoint_hour: Option<f64>,
    /// Interface endpoint data processing, first PB tier.
    pub interface_endpoint_gb: f64,
    pub public_ipv4_hour: f64,
    /// Data transfer between AZs, per GB in each direction.
    pub cross_az_gb: f64,
    /// When the NAT gateway figures were read.
    pub as_of: &'static str,
    pub source: &'static str,
}

fn rule_prices() -> &'static [RegionPrices] {
    static VIEW: OnceLock<Vec<RegionPrices>> = OnceLock::new();
    VIEW.get_or_init(|| {
        BUILTIN
            .iter()
            .filter_map(|p| {
                let hour = p.nat_gateway_hour.as_ref()?;
                let gb = p.nat_gateway_gb.as_ref()?;
                let region: &'static str = match &p.region {
                    Cow::Borrowed(r) => r,
                    Cow::Owned(_) => return None,
                };
                let (as_of, source): (&'static str, &'static str) = match (&gb.as_of, &gb.source) {
                    (Cow::Borrowed(a), Cow::Borrowed(s)) => (a, s),
                    _ => return None,
                };
                Some(RegionPrices {
                    region,
                    nat_gateway_hour: hour.usd,
                    nat_gateway_gb: gb.usd,
                    interface_endpoint_hour: p.interface_endpoint_hour.as_ref().map(|h| h.usd),
                    interface_endpoint_gb: p.interface_endpoint_gb_first()?.usd,
                    public_ipv4_hour: p.public_ipv4_hour.as_ref()?.usd,
                    cross_az_gb: p.cross_az_gb.as_ref()?.usd,
                    as_of,
                    source,
                })
            })
            .collect()
    })
}

/// Built-in prices of a region, if its NAT gateway figures are known.
pub fn for_region(region: &str) -> Option<&'static RegionPrices> {
    rule_prices().iter().find(|p| p.region == region)
}

impl RegionPrices {
    /// A NAT gateway's fixed monthly cost: its hours plus one public IPv4 address.
    pub fn nat_gateway_month(&self) -> f64 {
        (self.nat_gateway_hour + self.public_ipv4_hour) * HOURS_PER_MONTH
    }

    /// An Interface endpoint's fixed monthly cost across `azs` Availability Zones.
    pub fn interface_endpoint_month(&self, azs: usize) -> Option<f64> {
        self.interface_endpoint_hour
            .map(|h| h * HOURS_PER_MONTH * azs as f64)
    }
}

/// Dollars with cents, as messages print them.
pub fn usd(amount: f64) -> String {
    if amount < 0.1 {
        format!("${amount:.3}")
    } else {
        format!("${amount:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn monthly_figures_match_hand_computation() {
        let tokyo = for_region("ap-northeast-1").unwrap();
        // 730 h x ($0.062 + $0.005) = $48.91
        assert!(close(tokyo.nat_gateway_month(), 48.91));
        // Seed case: 6 endpoints x 2 AZs x $0.014 x 730 h = $122.64
        assert!(close(
            6.0 * tokyo.interface_endpoint_month(2).unwrap(),
            122.64
        ));
        let virginia = for_region("us-east-1").unwrap();
        // 730 h x $0.045 = $32.85 plus 730 h x $0.005 = $3.65
        assert!(close(virginia.nat_gateway_month(), 36.5));
        assert!(for_region("xx-nowhere-1").is_none());
    }

    #[test]
    fn regions_without_facts_have_no_nat_figures() {
        for region in ["us-west-2", "eu-central-1"] {
            assert!(for_region(region).is_none(), "{region}");
            let p = PriceTable::builtin();
            let p = p.region(region).unwrap();
            assert!(p.nat_gateway_hour.is_none() && p.nat_gateway_gb.is_none());
            assert!(p.interface_endpoint_hour.is_none());
            assert!(close(p.cross_az_gb.as_ref().unwrap().usd, 0.01));
        }
    }

    #[test]
    fn the_issue_regions_are_all_in_the_table() {
        let table = PriceTable::builtin();
        for region in [
            "us-east-1",
            "us-east-2",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-northeast-1",
            "ap-southeast-1",
        ] {
            let p = table.region(region).unwrap_or_else(|| panic!("{region}"));
            for price in [
                &p.nat_gateway_hour,
                &p.nat_gateway_gb,
                &p.interface_endpoint_hour,
                &p.public_ipv4_hour,
                &p.cross_az_gb,
            ]
            .into_iter()
            .flatten()
            {
                assert!(!price.as_of.is_empty() && !price.source.is_empty());
            }
        }
        assert!(table.region("sa-east-1").is_none());
    }

    #[test]
    fn the_rules_view_keeps_the_built_in_figures() {
        let ireland = for_region("eu-west-1").unwrap();
        assert_eq!(ireland.nat_gateway_gb, 0.048);
        assert_eq!(ireland.as_of, "2026-10-02");
        assert_eq!(ireland.interface_endpoint_hour, None);
        assert_eq!(ireland.interface_endpoint_gb, 0.01);
        assert_eq!(
            for_region("us-east-1").unwrap().interface_endpoint_hour,
            Some(0.01)
        );
    }

    #[test]
    fn interface_processing_goes_through_the_tiers() {
        let table = PriceTable::builtin();
        let tokyo = table.region("ap-northeast-1").unwrap();
        assert!(close(
            tokyo.interface_endpoint_processing(1000.0).unwrap(),
            10.0
        ));
        // 1 PB at $0.01, 4 PB at $0.006, 1 PB at $0.004
        let six_pb = tokyo.interface_endpoint_processing(6.0 * PB).unwrap();
        assert!(close(six_pb, 10_000.0 + 24_000.0 + 4_000.0));
    }

    #[test]
    fn overrides_replace_and_add_figures() {
        let overrides: PriceOverrides = serde_json::from_value(serde_json::json!({
            "eu-central-1": {"nat_gateway_hour": 0.052, "nat_gateway_gb": 0.052, "as_of": "2026-11-02"},
            "sa-east-1": {"interface_endpoint_gb": 0.02},
            "eu-west-1": {"interface_endpoint_hour": 0.011, "source": "EDP"}
        }))
        .unwrap();
        let table = PriceTable::builtin().with_overrides(&overrides).unwrap();
        let frankfurt = table.region("eu-central-1").unwrap();
        assert_eq!(frankfurt.nat_gateway_gb.as_ref().unwrap().usd, 0.052);
        assert_eq!(
            frankfurt.nat_gateway_gb.as_ref().unwrap().as_of,
            "2026-11-02"
        );
        assert_eq!(
            frankfurt.nat_gateway_gb.as_ref().unwrap().source,
            "vpclint.toml override"
        );
        let brazil = table.region("sa-east-1").unwrap();
        assert!(brazil.nat_gateway_hour.is_none());
        assert!(close(
            brazil.interface_endpoint_processing(2000.0).unwrap(),
            40.0
        ));
        let ireland = table.region("eu-west-1").unwrap();
        assert_eq!(
            ireland.interface_endpoint_hour.as_ref().unwrap().source,
            "EDP"
        );
        // untouched figures stay built in
        assert_eq!(ireland.nat_gateway_gb.as_ref().unwrap().as_of, "2026-10-02");
        // and the rules keep the built-in view
        assert!(for_region("eu-central-1").is_none());
    }

    #[test]
    fn bad_overrides_are_errors() {
        let unknown_field = serde_json::from_value::<PriceOverrides>(serde_json::json!({
            "eu-west-1": {"nat_hour": 0.05}
        }));
        assert!(unknown_field
            .unwrap_err()
            .to_string()
            .contains("unknown field"));
        let bad_region: PriceOverrides =
            serde_json::from_value(serde_json::json!({"europe": {"nat_gateway_gb": 0.05}}))
                .unwrap();
        assert_eq!(
            PriceTable::builtin()
                .with_overrides(&bad_region)
                .unwrap_err(),
            PriceError::Region("europe".into())
        );
        let negative: PriceOverrides =
            serde_json::from_value(serde_json::json!({"eu-west-1": {"nat_gateway_gb": -1.0}}))
                .unwrap();
        let err = PriceTable::builtin().with_overrides(&negative).unwrap_err();
        assert!(err.to_string().contains("eu-west-1.nat_gateway_gb"));
    }
}
