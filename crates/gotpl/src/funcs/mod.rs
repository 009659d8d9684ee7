//! Function libraries: text/template builtins, Sprig v3 (as helm exposes it) and helm's own.
//! Each module exports `FUNCS`, a table built with the `funcs!` macro.

pub mod semver;

use crate::func::FuncDef;

/// The tables in override order: later entries win on a shared name.
pub fn tables() -> Vec<&'static [FuncDef]> {
    vec![
        // Task C (sprig regex, semver, dates, encoding, crypto, network, paths, urls).
        semver::FUNCS,
    ]
}
