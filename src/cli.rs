//! Command-line interface: `chartgate <subcommand> …`.
//!
//! Each subcommand lives in its own module under `src/cli/` with a clap `Args` struct and a
//! `run(&Args) -> Outcome` function; add a variant to [`Command`] and an arm in [`run`].

pub mod docs;
pub mod install;
pub mod rules;
pub mod scan;
pub mod template;
pub mod values;

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::Write;

#[derive(Parser, Debug)]
#[command(
    name = "chartgate",
    version,
    about = "A gate between Helm charts and Kubernetes"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Each command's arguments are defined only when that command runs (`defer`): building every
/// command's arguments took ~0.1 ms and a tenth of a small render's page faults. Deferred
/// arguments are added last, so the arguments structs carry `//` comments, not doc comments,
/// which would replace the command's description.
#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum Command {
    /// Scan charts or manifests: render, lint, values, policies, secrets; exit 1 on findings
    /// at or above --fail-on, 2 on usage or input errors.
    Scan(scan::ScanArgs),
    /// Gate, then install a chart: server-side apply in helm's order, hooks, --wait, helm's
    /// release record, rollback on failure. Exit 1 when the gate fails (cluster untouched),
    /// 2 on usage or input errors, 3 when the install failed and was rolled back.
    Install(install::InstallArgs),
    /// Render chart templates locally and print the manifests, byte-identical to `helm template`.
    Template(template::TemplateArgs),
    /// List every rule chartgate can report.
    Rules(rules::RulesArgs),
    /// Show the documentation of one rule.
    Explain(rules::ExplainArgs),
    /// Policy tools (`policy test DIR` runs Rego unit tests).
    #[command(subcommand)]
    Policy(rules::PolicyCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(docs::CompletionsArgs),
    /// Print the man page (roff).
    Man,
    /// Maintainer tool: run many `template` command lines in one process and time them.
    #[command(hide = true)]
    BenchTemplate(template::BenchArgs),
}

/// What a command produced: exit code and the text for stdout/stderr.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn ok(stdout: String) -> Outcome {
        Outcome {
            code: 0,
            stdout,
            stderr: String::new(),
        }
    }
    /// A usage or input error (exit 2), printed as `Error: MSG`.
    pub fn usage(message: impl std::fmt::Display) -> Outcome {
        Outcome {
            code: 2,
            stdout: String::new(),
            stderr: format!("Error: {message}\n"),
        }
    }
    /// A failure printed like helm: `Error: MSG`.
    pub fn error(message: impl std::fmt::Display) -> Outcome {
        Outcome {
            code: 1,
            stdout: String::new(),
            stderr: format!("Error: {message}\n"),
        }
    }
}

/// Parses `args` (program name first) and runs the command in this thread. Usage errors exit
/// with 2 (clap), command failures with 1.
pub fn run<I, T>(args: I) -> Outcome
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code();
            let text = e.render().to_string();
            return if code == 0 {
                Outcome::ok(text)
            } else {
                Outcome {
                    code,
                    stdout: String::new(),
                    stderr: text,
                }
            };
        }
    };
    match &cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Completions(a) => docs::completions(a),
        Command::Man => docs::man(),
        Command::Rules(a) => rules::rules(a),
        Command::Explain(a) => rules::explain(a),
        Command::Policy(c) => rules::policy(c),
        Command::Template(a) => template::run(a),
        Command::Install(a) => install::run(a),
        Command::BenchTemplate(a) => template::bench(a),
    }
}

/// Stack for the command thread: template recursion (`include` nests up to 1000 deep in helm,
/// several KiB of native stack per level) must never overflow and abort the process.
pub const STACK_SIZE: usize = 256 << 20;

/// Runs `f` with [`STACK_SIZE`] of stack (on this thread where the stack can be switched,
/// see [`crate::stack`]); a panic becomes exit code 1 without taking the process down with an
/// unhelpful message.
pub fn with_big_stack<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    crate::stack::run(STACK_SIZE, f)
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    let args: Vec<OsString> = std::env::args_os().collect();
    crate::oneshot::set(true);
    let outcome = match with_big_stack(move || run(args)) {
        Ok(o) => o,
        Err(e) => Outcome::error(e),
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(outcome.stdout.as_bytes());
    let _ = out.flush();
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(outcome.stderr.as_bytes());
    let _ = err.flush();
    let code = outcome.code;
    crate::oneshot::dispose(outcome);
    code
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Deferred arguments are added after the command's own settings, so a doc comment on an
    /// arguments struct would replace the command's description once it is built.
    #[test]
    fn deferred_arguments_keep_each_commands_description() {
        let before = super::Cli::command();
        let mut after = super::Cli::command();
        after.build();
        for sub in before.get_subcommands() {
            let built = after
                .find_subcommand(sub.get_name())
                .expect("same subcommands");
            assert_eq!(
                sub.get_about().map(|s| s.to_string()),
                built.get_about().map(|s| s.to_string()),
                "{}",
                sub.get_name()
            );
            assert_eq!(
                sub.get_long_about().map(|s| s.to_string()),
                built.get_long_about().map(|s| s.to_string()),
                "{}",
                sub.get_name()
            );
        }
    }
}
