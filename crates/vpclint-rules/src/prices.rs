//! AWS unit prices per region for the charges vpclint talks about, each figure with its date and
//! source.
//!
//! The built-in figures come from AWS price-list data quoted in public sources (and the project's
//! egress facts); `docs/prices-sources.md` lists every one with its source, so that a maintainer
//! can re-check it. A figure no source gives is `None`, and whatever needs it is reported as
//! unknown rather than priced with a guess. Users add or correct figures per region with
//! [`PriceOverrides`] (the `[prices.<region>]` tables of `vpclint.toml`).
//!
//! One [`PriceTable`] (the built-in figures with the overrides) serves the cost report, path
//! traces and the rules: the rules get it through [`crate::RuleOptions::prices`], so a finding's
//! [`crate::Cost`] quotes the same figure `vpclint cost` does.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

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
// The built-in figures. Each constant is the source shown beside the figure; the comment above it
// says where the figure was read, so that a maintainer can re-check it. docs/prices-sources.md lists
// them all, with the sources that corroborate or disagree. "Index id" is the id of a public file in
// the stored index of public repositories the figures were searched in (its repository is not
// exposed there); the Price List offer files themselves are the authority.
// ---------------------------------------------------------------------------------------------

// Public file "AWS VPC and NAT Gateway Pricing (us-east-1)", via the project's egress facts.
const PL_USE1_NAT: &str =
    "AWS Price List, NatGateway-Hours/Bytes (SKU M2YSHUBETB3JX4M4, effective 2025-10-01)";
// raw.githubusercontent.com/api-evangelist/amazon-vpc/refs/heads/main/plans/amazon-vpc-plans-pricing.yml
const PAGE_OHIO_NAT: &str = "AWS VPC pricing page, worked example for US East (Ohio)";
// Pricing API values in a NAT-versus-endpoint cost analysis (index ids 56183452909, 56376765243);
// the hourly rate also from aws.amazon.com/vpc/pricing/, checked 2026-10-01 (index id 71631573162).
const PL_USW2_NAT_HOUR: &str = "AWS Pricing API, USW2-NatGateway-Hours (AmazonEC2, US West (Oregon)); AWS VPC pricing page, read 2026-10-01";
const PL_USW2_NAT_GB: &str =
    "AWS Pricing API, USW2-NatGateway-Bytes (AmazonEC2, US West (Oregon)), quoted without a date";
// Via the project's egress facts.
const PL_EU_NAT: &str =
    "AWS Price List, EU-NatGateway-Hours/Bytes (AmazonEC2 eu-west-1, publication 2026-09-25)";
// Rate card FR12 ($/h) and FR4 ($/GB) of a public eu-central-1 cost report (index ids 70887821152,
// 70986246835); its CUR bills 4 NAT hours at $0.2080.
const RATE_CARD_EUC1_NAT: &str = "rate card of a published eu-central-1 cost report, from the AWS Price List API and CUR (as of 2026-09-09)";
// Via the project's egress facts.
const PL_APN1_NAT: &str = "AWS Price List, APN1-NatGateway-Hours/Bytes";
// "Price Reference — ap-southeast-1, collected 2026-08-12" (index id 71363509372); the same rates on
// an AWS bill for May 2025 (rahmat-ullah/DocParser, backend/sample_full_document.md).
const PL_APS1_NAT: &str =
    "AWS Pricing API, APS1-NatGateway-Hours/Bytes (Asia Pacific (Singapore), collected 2026-08-12)";
// "22 - AWS network and address pricing" (index id 71085696288).
const PL_USE1_ENDPOINT: &str =
    "AWS Price List, USE1-VpcEndpoint-Hours (AmazonVPC us-east-1, publication 2026-09-17)";
// A references page, checked 2026-10-06 (index id 71631573162; Korean copy 71082095721).
const PL_USW2_ENDPOINT: &str = "AWS Pricing API, USW2-VpcEndpoint-Hours (read 2026-10-06)";
// An audit report dated 2026-05-01, region tested eu-west-1 (index id 53577950661).
const PL_EU_ENDPOINT: &str =
    "AWS Pricing API, AmazonVPC VpcEndpoint PrivateLink (SKU H37WJ97MHYGDXG2A, eu-west-1)";
// A cost report's task log: Price List API pulled 2026-09-22, equal to CUR (index id 71014389131).
const PL_EUC1_ENDPOINT: &str =
    "AWS Price List API, EUC1-VpcEndpoint-Hours (pulled 2026-09-22, equal to CUR)";
// Via the project's egress facts.
const PL_APN1_ENDPOINT: &str = "AWS Price List, APN1-VpcEndpoint-Hours";
// Same file as PL_APS1_NAT (index id 71363509372); $0.013 again on 2026-08-21 (index id 65849972716).
const PL_APS1_ENDPOINT: &str =
    "AWS Pricing API, APS1-VpcEndpoint-Hours (Asia Pacific (Singapore), collected 2026-08-12)";
// Same file as PL_USE1_ENDPOINT (index id 71085696288): ranges 0-1048576, 1048576-5242880,
// 5242880-Inf GB; the first tier also confirmed in APN1, EUC1, USW2, APS1 and eu-west-1.
const PL_ENDPOINT_TIERS: &str = "AWS Price List, USE1-VpcEndpoint-Bytes tiers (publication 2026-09-17); they count all Interface endpoints in a region";
// Same file as PL_USE1_ENDPOINT (index id 71085696288); APN1 via the project's egress facts.
const PUBLIC_IPV4: &str = "AWS Price List, USE1- and APN1-PublicIPv4:InUseAddress (publication 2026-09-17); charged since 2024-02-01 (AWS networking blog)";
// Via the project's egress facts.
const CROSS_AZ: &str = "AWS EC2 on-demand pricing page ($0.01/GB in each direction); AWS Price List EU-DataTransfer-Regional-Bytes";

/// 1 PB as the AWS Price List counts it for the Interface endpoint tiers: 1,048,576 GB.
const PB: f64 = 1_048_576.0;

static ENDPOINT_GB_TIERS: [Tier; 3] = [
    Tier {
        next_gb: Some(PB),
        price: Price::builtin(0.01, "2026-09-29", PL_ENDPOINT_TIERS),
    },
    Tier {
        next_gb: Some(4.0 * PB),
        price: Price::builtin(0.006, "2026-09-29", PL_ENDPOINT_TIERS),
    },
    Tier {
        next_gb: None,
        price: Price::builtin(0.004, "2026-09-29", PL_ENDPOINT_TIERS),
    },
];

type Figure = Option<(f64, &'static str, &'static str)>;

const fn figure(f: Figure) -> Option<Price> {
    match f {
        Some((usd, as_of, source)) => Some(Price::builtin(usd, as_of, source)),
        None => None,
    }
}

/// The figures of one region that differ between regions; `None` where no source gives one.
struct RegionFigures {
    name: &'static str,
    nat_gateway_hour: Figure,
    nat_gateway_gb: Figure,
    interface_endpoint_hour: Figure,
}

/// A region's figures with the region-independent ones (public IPv4, cross-AZ transfer,
/// Interface endpoint tiers).
const fn region(f: RegionFigures) -> UnitPrices {
    UnitPrices {
        region: Cow::Borrowed(f.name),
        nat_gateway_hour: figure(f.nat_gateway_hour),
        nat_gateway_gb: figure(f.nat_gateway_gb),
        interface_endpoint_hour: figure(f.interface_endpoint_hour),
        interface_endpoint_gb: Cow::Borrowed(&ENDPOINT_GB_TIERS),
        public_ipv4_hour: Some(Price::builtin(0.005, "2026-09-29", PUBLIC_IPV4)),
        cross_az_gb: Some(Price::builtin(0.01, "2025/2026", CROSS_AZ)),
    }
}

/// The built-in table, by region name. us-east-2's Interface endpoint hour is the one figure no
/// source gave: it stays unknown.
pub static BUILTIN: [UnitPrices; 7] = [
    region(RegionFigures {
        name: "ap-northeast-1",
        nat_gateway_hour: Some((0.062, "2026-09-25", PL_APN1_NAT)),
        nat_gateway_gb: Some((0.062, "2026-09-25", PL_APN1_NAT)),
        interface_endpoint_hour: Some((0.014, "2026-09-25", PL_APN1_ENDPOINT)),
    }),
    region(RegionFigures {
        name: "ap-southeast-1",
        nat_gateway_hour: Some((0.059, "2026-08-12", PL_APS1_NAT)),
        nat_gateway_gb: Some((0.059, "2026-08-12", PL_APS1_NAT)),
        interface_endpoint_hour: Some((0.013, "2026-08-12", PL_APS1_ENDPOINT)),
    }),
    region(RegionFigures {
        name: "eu-central-1",
        nat_gateway_hour: Some((0.052, "2026-09-09", RATE_CARD_EUC1_NAT)),
        nat_gateway_gb: Some((0.052, "2026-09-09", RATE_CARD_EUC1_NAT)),
        interface_endpoint_hour: Some((0.012, "2026-09-22", PL_EUC1_ENDPOINT)),
    }),
    region(RegionFigures {
        name: "eu-west-1",
        nat_gateway_hour: Some((0.048, "2026-10-02", PL_EU_NAT)),
        nat_gateway_gb: Some((0.048, "2026-10-02", PL_EU_NAT)),
        interface_endpoint_hour: Some((0.011, "2026-05-01", PL_EU_ENDPOINT)),
    }),
    region(RegionFigures {
        name: "us-east-1",
        nat_gateway_hour: Some((0.045, "2025-10-28", PL_USE1_NAT)),
        nat_gateway_gb: Some((0.045, "2025-10-28", PL_USE1_NAT)),
        interface_endpoint_hour: Some((0.01, "2026-09-29", PL_USE1_ENDPOINT)),
    }),
    region(RegionFigures {
        name: "us-east-2",
        nat_gateway_hour: Some((0.045, "2026-09-20", PAGE_OHIO_NAT)),
        nat_gateway_gb: Some((0.045, "2026-09-20", PAGE_OHIO_NAT)),
        interface_endpoint_hour: None,
    }),
    region(RegionFigures {
        name: "us-west-2",
        nat_gateway_hour: Some((0.045, "2026-10-01", PL_USW2_NAT_HOUR)),
        nat_gateway_gb: Some((0.045, "undated", PL_USW2_NAT_GB)),
        interface_endpoint_hour: Some((0.01, "2026-10-06", PL_USW2_ENDPOINT)),
    }),
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

    fn builtin(region: &str) -> UnitPrices {
        PriceTable::builtin().region(region).unwrap().clone()
    }

    #[test]
    fn monthly_figures_match_hand_computation() {
        let tokyo = builtin("ap-northeast-1");
        // 730 h x ($0.062 + $0.005) = $48.91
        assert!(close(
            tokyo.nat_gateway_hours_month().unwrap() + tokyo.public_ipv4_month(1).unwrap(),
            48.91
        ));
        // Seed case: 6 endpoints x 2 AZs x $0.014 x 730 h = $122.64
        assert!(close(
            6.0 * tokyo.interface_endpoint_month(2).unwrap(),
            122.64
        ));
        let virginia = builtin("us-east-1");
        // 730 h x $0.045 = $32.85 plus 730 h x $0.005 = $3.65
        assert!(close(
            virginia.nat_gateway_hours_month().unwrap() + virginia.public_ipv4_month(1).unwrap(),
            36.5
        ));
        // Frankfurt: 4 endpoints x 3 AZs x $0.012 x 730 h = $105.12
        assert!(close(
            4.0 * builtin("eu-central-1").interface_endpoint_month(3).unwrap(),
            105.12
        ));
        assert!(PriceTable::builtin().region("xx-nowhere-1").is_none());
    }

    #[test]
    fn the_figures_found_since_the_facts_are_in_the_table() {
        // Each is sourced in docs/prices-sources.md; a change here is a change there.
        let expect = [
            ("us-west-2", 0.045, 0.045, Some(0.01)),
            ("eu-central-1", 0.052, 0.052, Some(0.012)),
            ("eu-west-1", 0.048, 0.048, Some(0.011)),
            ("ap-southeast-1", 0.059, 0.059, Some(0.013)),
            ("us-east-1", 0.045, 0.045, Some(0.01)),
            ("us-east-2", 0.045, 0.045, None),
        ];
        for (region, hour, gb, endpoint_hour) in expect {
            let p = builtin(region);
            assert_eq!(p.nat_gateway_hour.as_ref().unwrap().usd, hour, "{region}");
            assert_eq!(p.nat_gateway_gb.as_ref().unwrap().usd, gb, "{region}");
            assert_eq!(
                p.interface_endpoint_hour.as_ref().map(|h| h.usd),
                endpoint_hour,
                "{region}"
            );
            assert!(close(p.cross_az_gb.as_ref().unwrap().usd, 0.01));
        }
        // The one figure no source gave stays unknown, not borrowed from us-east-1.
        assert!(builtin("us-east-2").interface_endpoint_month(2).is_none());
        // us-west-2's per-GB figure has no date in its source, and says so.
        assert_eq!(
            builtin("us-west-2").nat_gateway_gb.unwrap().as_of,
            "undated"
        );
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
    fn interface_endpoint_tiers_follow_the_price_list() {
        let ireland = builtin("eu-west-1");
        let tiers: Vec<(Option<f64>, f64)> = ireland
            .interface_endpoint_gb
            .iter()
            .map(|t| (t.next_gb, t.price.usd))
            .collect();
        // 0-1048576 GB, 1048576-5242880 GB, above.
        assert_eq!(
            tiers,
            [
                (Some(1_048_576.0), 0.01),
                (Some(4_194_304.0), 0.006),
                (None, 0.004)
            ]
        );
        assert_eq!(ireland.interface_endpoint_gb_first().unwrap().usd, 0.01);
    }

    #[test]
    fn interface_processing_goes_through_the_tiers() {
        let table = PriceTable::builtin();
        let tokyo = table.region("ap-northeast-1").unwrap();
        assert!(close(
            tokyo.interface_endpoint_processing(1000.0).unwrap(),
            10.0
        ));
        // 1 PB at $0.01, 4 PB at $0.006, 1 PB at $0.004, a PB being 1,048,576 GB
        let six_pb = tokyo.interface_endpoint_processing(6.0 * PB).unwrap();
        assert!((six_pb - 1_048_576.0 * (0.01 + 4.0 * 0.006 + 0.004)).abs() < 1e-6);
    }

    #[test]
    fn overrides_replace_and_add_figures() {
        let overrides: PriceOverrides = serde_json::from_value(serde_json::json!({
            "eu-central-1": {"nat_gateway_hour": 0.055, "nat_gateway_gb": 0.055, "as_of": "2026-11-02"},
            "sa-east-1": {"interface_endpoint_gb": 0.02},
            "eu-west-1": {"interface_endpoint_hour": 0.0095, "source": "EDP"}
        }))
        .unwrap();
        let table = PriceTable::builtin().with_overrides(&overrides).unwrap();
        let frankfurt = table.region("eu-central-1").unwrap();
        assert_eq!(frankfurt.nat_gateway_gb.as_ref().unwrap().usd, 0.055);
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
        // and the built-in table is left as it was
        assert_eq!(
            PriceTable::builtin()
                .region("eu-central-1")
                .unwrap()
                .nat_gateway_gb
                .as_ref()
                .unwrap()
                .as_of,
            "2026-09-09"
        );
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
