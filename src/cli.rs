//! Command-line interface.

use clap::Parser;

#[derive(Parser)]
#[command(
    name = "chartgate",
    version,
    about = "A gate between Helm charts and Kubernetes"
)]
struct Cli {}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    let _ = Cli::parse();
    0
}
