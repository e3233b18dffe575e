//! Built-in AWS prices per region for the charges vpclint's findings talk about.
//!
//! Figures and sources are in `docs/prices.md` (from the project's egress facts). A region not in
//! the table has no figures: findings say so rather than quote a wrong price.

/// Hours in a billing month, as AWS's own examples use.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Unit prices in one region, USD.
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
    /// When the figures were read, and how sure they are.
    pub as_of: &'static str,
    pub source: &'static str,
}

const ENDPOINT_GB_FIRST_PB: f64 = 0.01;
const PUBLIC_IPV4_HOUR: f64 = 0.005;
const CROSS_AZ_GB: f64 = 0.01;

pub const PRICES: &[RegionPrices] = &[
    RegionPrices {
        region: "ap-northeast-1",
        nat_gateway_hour: 0.062,
        nat_gateway_gb: 0.062,
        interface_endpoint_hour: Some(0.014),
        interface_endpoint_gb: ENDPOINT_GB_FIRST_PB,
        public_ipv4_hour: PUBLIC_IPV4_HOUR,
        cross_az_gb: CROSS_AZ_GB,
        as_of: "2026-09-25",
        source: "AWS Price List (APN1-NatGateway-Hours/Bytes, APN1-VpcEndpoint-Hours)",
    },
    RegionPrices {
        region: "ap-southeast-1",
        nat_gateway_hour: 0.059,
        nat_gateway_gb: 0.059,
        interface_endpoint_hour: None,
        interface_endpoint_gb: ENDPOINT_GB_FIRST_PB,
        public_ipv4_hour: PUBLIC_IPV4_HOUR,
        cross_az_gb: CROSS_AZ_GB,
        as_of: "2026-10",
        source: "third-party price summary, not verified against the AWS Price List",
    },
    RegionPrices {
        region: "eu-central-1",
        nat_gateway_hour: 0.052,
        nat_gateway_gb: 0.052,
        interface_endpoint_hour: None,
        interface_endpoint_gb: ENDPOINT_GB_FIRST_PB,
        public_ipv4_hour: PUBLIC_IPV4_HOUR,
        cross_az_gb: CROSS_AZ_GB,
        as_of: "2026-11",
        source: "AWS VPC pricing page as published; not verified against the AWS Price List",
    },
    RegionPrices {
        region: "eu-west-1",
        nat_gateway_hour: 0.048,
        nat_gateway_gb: 0.048,
        interface_endpoint_hour: None,
        interface_endpoint_gb: ENDPOINT_GB_FIRST_PB,
        public_ipv4_hour: PUBLIC_IPV4_HOUR,
        cross_az_gb: CROSS_AZ_GB,
        as_of: "2026-10-02",
        source: "AWS Price List (EU-NatGateway-Hours/Bytes, publication 2026-09-25)",
    },
    RegionPrices {
        region: "us-east-1",
        nat_gateway_hour: 0.045,
        nat_gateway_gb: 0.045,
        interface_endpoint_hour: Some(0.01),
        interface_endpoint_gb: ENDPOINT_GB_FIRST_PB,
        public_ipv4_hour: PUBLIC_IPV4_HOUR,
        cross_az_gb: CROSS_AZ_GB,
        as_of: "2025-10-28",
        source: "AWS Price List (NatGateway-Hours/Bytes, effective 2025-10-01); endpoint hour from third-party summaries",
    },
    RegionPrices {
        region: "us-east-2",
        nat_gateway_hour: 0.045,
        nat_gateway_gb: 0.045,
        interface_endpoint_hour: None,
        interface_endpoint_gb: ENDPOINT_GB_FIRST_PB,
        public_ipv4_hour: PUBLIC_IPV4_HOUR,
        cross_az_gb: CROSS_AZ_GB,
        as_of: "2026-09-20",
        source: "AWS VPC pricing page worked example (US East (Ohio))",
    },
    RegionPrices {
        region: "us-west-2",
        nat_gateway_hour: 0.045,
        nat_gateway_gb: 0.045,
        interface_endpoint_hour: None,
        interface_endpoint_gb: ENDPOINT_GB_FIRST_PB,
        public_ipv4_hour: PUBLIC_IPV4_HOUR,
        cross_az_gb: CROSS_AZ_GB,
        as_of: "2026-11",
        source: "AWS VPC pricing page as published; not verified against the AWS Price List",
    },
];

/// Prices of a region, if the table has it.
pub fn for_region(region: &str) -> Option<&'static RegionPrices> {
    PRICES.iter().find(|p| p.region == region)
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

    #[test]
    fn monthly_figures_match_hand_computation() {
        let tokyo = for_region("ap-northeast-1").unwrap();
        // 730 h x ($0.062 + $0.005) = $48.91
        assert!((tokyo.nat_gateway_month() - 48.91).abs() < 1e-9);
        // Seed case: 6 endpoints x 2 AZs x $0.014 x 730 h = $122.64
        assert!((6.0 * tokyo.interface_endpoint_month(2).unwrap() - 122.64).abs() < 1e-9);
        let virginia = for_region("us-east-1").unwrap();
        // 730 h x $0.045 = $32.85 plus 730 h x $0.005 = $3.65
        assert!((virginia.nat_gateway_month() - 36.5).abs() < 1e-9);
        assert!(for_region("xx-nowhere-1").is_none());
    }
}
