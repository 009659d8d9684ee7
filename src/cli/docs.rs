//! `chartgate completions SHELL` and `chartgate man`: generated from the clap definitions, so
//! they never drift from the real flags.

use super::{Cli, Outcome};
use clap::{Args, CommandFactory};

#[derive(Args, Debug, Clone)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    pub shell: clap_complete::Shell,
}

pub fn completions(a: &CompletionsArgs) -> Outcome {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "chartgate", &mut buf);
    Outcome::ok(String::from_utf8_lossy(&buf).into_owned())
}

/// The man page (roff) of chartgate and its subcommands, concatenated.
pub fn man() -> Outcome {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    let render = |c: clap::Command, buf: &mut Vec<u8>| clap_mangen::Man::new(c).render(buf);
    if let Err(e) = render(cmd.clone(), &mut buf) {
        return Outcome::error(e);
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("chartgate-{}", sub.get_name());
        if let Err(e) = render(sub.clone().name(name), &mut buf) {
            return Outcome::error(e);
        }
    }
    Outcome::ok(String::from_utf8_lossy(&buf).into_owned())
}
