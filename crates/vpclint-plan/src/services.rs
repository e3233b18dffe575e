//! VPC endpoint service names: `com.amazonaws.<region>.<service>`.

/// Services only a Gateway endpoint serves for free (and the only ones a Gateway endpoint serves).
pub const GATEWAY_SERVICES: &[&str] = &["s3", "dynamodb", "s3express"];

/// A parsed AWS service name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceName<'a> {
    pub region: Option<&'a str>,
    /// `s3`, `ecr.dkr`, `dynamodb`; `-fips` variants keep their suffix; `vpce-svc-…` for a
    /// customer endpoint service.
    pub service: &'a str,
    /// A customer endpoint service (`com.amazonaws.vpce.<region>.vpce-svc-…`), not an AWS service.
    pub customer: bool,
}

/// Parses `com.amazonaws.eu-west-1.ecr.dkr`; global names (`com.amazonaws.iam`) have no region.
/// Customer endpoint services (`com.amazonaws.vpce.<region>.vpce-svc-…`) are marked `customer`;
/// names of other forms (`aws.sagemaker.<region>.notebook`) give None.
pub fn parse(name: &str) -> Option<ServiceName<'_>> {
    let rest = name.strip_prefix("com.amazonaws.")?;
    let (rest, customer) = match rest.strip_prefix("vpce.") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    match rest.split_once('.') {
        Some((region, service)) if looks_like_region(region) => Some(ServiceName {
            region: Some(region),
            service,
            customer,
        }),
        _ if customer => None,
        _ => Some(ServiceName {
            region: None,
            service: rest,
            customer,
        }),
    }
}

/// The short name of an AWS service as a person writes it (`s3`, `ecr.dkr`), given either that or
/// a full endpoint service name (`com.amazonaws.eu-west-1.ecr.dkr`, shortened); `None` when the
/// text is not a plausible service name (lowercase letters, digits, `.` and `-`).
pub fn short_name(text: &str) -> Option<&str> {
    let text = text.trim();
    let short = match parse(text) {
        Some(s) if !s.customer => s.service,
        _ => text,
    };
    let plausible = !short.is_empty()
        && short
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && !short.starts_with('.')
        && !short.ends_with('.');
    plausible.then_some(short)
}

fn looks_like_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

pub fn is_gateway_service(service: &str) -> bool {
    GATEWAY_SERVICES.contains(&service)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_service_names() {
        assert_eq!(
            parse("com.amazonaws.eu-west-1.ecr.dkr"),
            Some(ServiceName {
                region: Some("eu-west-1"),
                service: "ecr.dkr",
                customer: false
            })
        );
        assert_eq!(
            parse("com.amazonaws.us-gov-west-1.s3").unwrap().region,
            Some("us-gov-west-1")
        );
        assert_eq!(parse("com.amazonaws.iam").unwrap().region, None);
        let customer = parse("com.amazonaws.vpce.us-east-1.vpce-svc-123").unwrap();
        assert!(customer.customer);
        assert_eq!(customer.region, Some("us-east-1"));
        assert_eq!(parse("aws.sagemaker.us-east-1.notebook"), None);
    }
}
