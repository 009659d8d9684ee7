//! Function libraries: text/template builtins, Sprig v3 (as helm exposes it) and helm's own.
//! Each module exports `FUNCS`, a table built with the `funcs!` macro.

pub mod builtins;
#[cfg(test)]
mod c_e2e;
#[cfg(test)]
pub(crate) mod c_testutil;
pub mod certs;
pub mod conv;
pub mod crypto;
pub mod dates;
pub mod defaults;
pub mod dicts;
pub mod encoding;
pub mod helm;
pub mod lists;
pub mod math;
pub mod network;
pub mod paths;
pub mod reflect;
pub mod regex;
pub mod semver;
pub mod serial;
pub mod strings;
pub mod urls;

use crate::func::FuncDef;

/// The tables in override order: later entries win on a shared name.
pub fn tables() -> Vec<&'static [FuncDef]> {
    vec![
        // Task A: text/template builtins first, so sprig may override them.
        builtins::FUNCS,
        // Task B (sprig strings, conversions, lists, dicts, math, defaults, reflection).
        strings::FUNCS,
        conv::FUNCS,
        lists::FUNCS,
        dicts::FUNCS,
        math::FUNCS,
        defaults::FUNCS,
        reflect::FUNCS,
        // Task C (sprig regex, semver, dates, encoding, crypto, network, paths, urls).
        regex::FUNCS,
        semver::FUNCS,
        encoding::FUNCS,
        paths::FUNCS,
        urls::FUNCS,
        crypto::FUNCS,
        certs::FUNCS,
        dates::FUNCS,
        network::FUNCS,
        // Task D (toYaml/fromYaml/toJson/fromJson/toToml/fromToml; helm's override sprig's).
        serial::FUNCS,
        // Task A: helm's engine functions override everything (e.g. sprig `fail`).
        helm::FUNCS,
    ]
}
