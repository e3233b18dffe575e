//! The command line's arguments. Their doc comments are the `--help` texts, which name the
//! configuration file's tables as TOML writes them (`[prices]`): not links.
#![allow(rustdoc::broken_intra_doc_links)]

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
    /// Print the network graph vpclint builds from a plan (JSON), or draw it (Mermaid, DOT).
    Graph(GraphArgs),
    /// The monthly cost of NAT gateways and endpoints per VPC, and the alternatives.
    Cost(CostArgs),
    /// The path traffic takes from a subnet or workload to a destination, hop by hop.
    Trace(TraceArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain {
        /// A rule id (`C001`) or slug (`gateway-service-via-nat`).
        rule: String,
    },
    /// Write a commented default `vpclint.toml` in the current directory.
    Init {
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print the settings in force: `vpclint.toml` (found upward, or --config) and the defaults.
    Config {
        /// The configuration file [default: vpclint.toml here or in a parent directory].
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
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
    /// Report format on standard output.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Also write a report to a file, as FORMAT=PATH (repeatable): `--output sarif=vpclint.sarif`.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<OutputArg>,
    /// The root module's directory, for locating findings in `.tf` files [default: the plan's
    /// directory, then the current directory].
    #[arg(long, value_name = "DIR")]
    pub source_dir: Option<PathBuf>,
    /// Paths in SARIF and GitHub output are relative to this directory [default: the git top-level
    /// of the source directory].
    #[arg(long, value_name = "DIR")]
    pub repo_root: Option<PathBuf>,
    /// SARIF `automationDetails.id`, to tell apart several vpclint analyses of one commit.
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// When to colour the human report (`auto` honours NO_COLOR and whether stdout is a terminal).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Leave the elapsed time out of the human summary (reproducible output).
    #[arg(long)]
    pub no_timing: bool,
    /// Run only these rules (ids or slugs, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not run these rules (ids or slugs, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Exit 1 when a finding at or above this severity remains [default: warning, or the
    /// configuration's fail-on].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// The configuration file [default: vpclint.toml here or in a parent directory].
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Drop findings on resources whose address matches this glob (repeatable), as `exclude` in
    /// the configuration: `module.legacy_*.**`.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Report only findings whose resource or related resources this plan creates, updates or
    /// replaces.
    #[arg(long)]
    pub changed_only: bool,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in a baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report `# vpclint:ignore` comments in the `.tf` sources that suppress no finding of a rule
    /// that ran; each counts as a warning for --fail-on. (A comment without a reason, or next to no
    /// block, is always reported and suppresses nothing.)
    #[arg(long)]
    pub report_unused_ignores: bool,
    /// Plans read and checked at once [default: the number of cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Diagnostics with the `.tf` snippet, then a summary.
    Human,
    /// Findings with their locations, for scripts.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands: inline pull-request annotations.
    Github,
    /// A table for a pull-request comment.
    Markdown,
}

impl CheckFormat {
    pub fn report_format(self) -> vpclint_report::Format {
        match self {
            CheckFormat::Human => vpclint_report::Format::Human,
            CheckFormat::Json => vpclint_report::Format::Json,
            CheckFormat::Sarif => vpclint_report::Format::Sarif,
            CheckFormat::Github => vpclint_report::Format::Github,
            CheckFormat::Markdown => vpclint_report::Format::Markdown,
        }
    }
}

/// `--output FORMAT=PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputArg {
    pub format: vpclint_report::Format,
    pub path: PathBuf,
}

fn parse_output(text: &str) -> Result<OutputArg, String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=PATH, got {text:?}"))?;
    let format: vpclint_report::Format = format.parse()?;
    if path.is_empty() {
        return Err(format!("no path after {format}="));
    }
    if path == "-" {
        return Err("standard output takes --format, not --output".to_string());
    }
    Ok(OutputArg {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
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
    /// Draw only this VPC (its address, or any resource's in it).
    #[arg(long, value_name = "ADDRESS")]
    pub vpc: Option<String>,
    /// Draw every subnet, instead of one node for alike subnets of an AZ.
    #[arg(long)]
    pub no_collapse: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Nodes, edges (with how each was resolved) and what stayed unknown.
    Json,
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

#[derive(Debug, Args)]
pub struct CostArgs {
    #[arg(value_name = "PLAN")]
    pub plan: String,
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value_t = CostFormat::Human)]
    pub format: CostFormat,
    /// Monthly traffic assumption, SERVICE=SIZE or SERVICE@VPC=SIZE (repeatable): `s3=2TB`.
    #[arg(long, value_name = "SERVICE=SIZE")]
    pub traffic: Vec<String>,
    /// The configuration file (for [prices] and [traffic]).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CostFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct TraceArgs {
    #[arg(value_name = "PLAN")]
    pub plan: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// A subnet or workload address.
    #[arg(long, value_name = "ADDRESS")]
    pub from: String,
    /// `internet`, `internet6`, `s3`, `dynamodb` or a service name (`ecr.dkr`).
    #[arg(long, value_name = "DEST")]
    pub to: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
    /// The configuration file (for [prices]).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
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
