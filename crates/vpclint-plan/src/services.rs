//! VPC endpoint service names: `com.amazonaws.<region>.<service>`.

/// Services only a Gateway endpoint serves for free (and the only ones a Gateway endpoint serves).
pub const GATEWAY_SERVICES: &[&str] = &["s3", "dynamodb", "s3express"];

/// A parsed AWS service name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceName<'a> {
    pub region: Option<&'a str>,
    /// `s3`, `ecr.dkr`, `dynamodb`; `-fips` variants keep their suffix.
    pub service: &'a str,
}

/// Parses `com.amazonaws.eu-west-1.ecr.dkr`; global names (`com.amazonaws.iam`) have no region.
/// Customer endpoint services (`com.amazonaws.vpce.<region>.vpce-svc-…`) and other names give None.
pub fn parse(name: &str) -> Option<ServiceName<'_>> {
    let rest = name.strip_prefix("com.amazonaws.")?;
    if rest.starts_with("vpce.") {
        return None;
    }
    match rest.split_once('.') {
        Some((region, service)) if looks_like_region(region) => Some(ServiceName {
            region: Some(region),
            service,
        }),
        _ => Some(ServiceName {
            region: None,
            service: rest,
        }),
    }
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
                service: "ecr.dkr"
            })
        );
        assert_eq!(
            parse("com.amazonaws.us-gov-west-1.s3").unwrap().region,
            Some("us-gov-west-1")
        );
        assert_eq!(parse("com.amazonaws.iam").unwrap().region, None);
        assert_eq!(parse("com.amazonaws.vpce.us-east-1.vpce-svc-123"), None);
        assert_eq!(parse("aws.sagemaker.us-east-1.notebook"), None);
    }
}
