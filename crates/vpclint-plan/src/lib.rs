//! Reads `terraform show -json` output (plans and states, every format version) into a typed model
//! of resource instances and builds the AWS network graph that vpclint's rules query.
//!
//! Data flows one way: [`input`] (bytes) → [`model::Plan`] → [`network::Network`].

pub mod address;
pub mod attr_value;
pub mod config;
mod direct;
pub mod error;
pub mod export;
pub mod input;
pub mod model;
pub mod network;
mod parallel;
pub mod query;
mod raw;
pub mod resolve;
pub mod services;
mod skip;
pub mod text;
pub mod value;

pub use address::{Address, InstanceKey, ModulePath};
pub use attr_value::AttrValue;
pub use error::{PlanError, PlanErrorKind};
pub use model::{Action, DocumentKind, JsonEntry, Plan, ResId, Resource};
pub use text::{InputBytes, SourceText};
pub use value::{Fact, Step};

/// Reads and parses one input: a JSON plan or state, standard input, or a binary plan.
pub fn load(source: &input::Source, options: &input::ReadOptions) -> Result<Plan, PlanError> {
    Plan::from_input(input::read_source(source, options)?)
}

/// A directory of this test process's own under the system's temporary directory, named after
/// `name` and created if need be.
#[cfg(test)]
pub(crate) fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vpclint-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
