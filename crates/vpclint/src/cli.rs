use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Static analysis of AWS VPC egress (NAT gateways, VPC endpoints, route tables) in Terraform plans.
#[derive(Debug, Parser)]
#[command(name = "vpclint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check plans: `terraform show -json` output, state JSON, or binary plan files (`-` reads stdin).
    Check(CheckArgs),
    /// Print the network graph vpclint builds from a plan.
    Graph(GraphArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain {
        /// A rule id (`C001`) or slug (`gateway-service-via-nat`).
        rule: String,
    },
}

#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Program that converts binary plans to JSON (default: `terraform`, then `tofu`, from PATH).
    #[arg(long, value_name = "PATH")]
    pub terraform_bin: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Plan or state files.
    #[arg(required = true, value_name = "PLAN")]
    pub plans: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Run only these rules (ids or slugs, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not run these rules (ids or slugs, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[arg(value_name = "PLAN")]
    pub plan: String,
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value_t = GraphFormat::Json)]
    pub format: GraphFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}
