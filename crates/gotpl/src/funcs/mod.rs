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
mod prime_x86;
pub mod reflect;
pub mod regex;
pub mod semver;
mod semver_grammar;
pub mod serial;
pub mod strings;
pub mod urls;

use crate::func::FuncDef;

/// The generator behind every random function: ChaCha20 keyed from the OS, or from `seed` for
/// reproducible output (whose passwords and keys are then public: tests and diffs only).
pub(crate) fn rng_from(seed: Option<u64>) -> chacha20::ChaCha20Rng {
    use rand_core::SeedableRng;
    let mut key = [0u8; 32];
    match seed {
        Some(s) => key[..8].copy_from_slice(&s.to_le_bytes()),
        // Without OS randomness there is nothing safe to fall back to but the clock and
        // an address, as Go's runtime does; getrandom only fails on exotic platforms.
        None => {
            if getrandom::fill(&mut key).is_err() {
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                let addr = &t as *const u128 as u64;
                key[..16].copy_from_slice(&t.to_le_bytes());
                key[16..24].copy_from_slice(&addr.to_le_bytes());
            }
        }
    }
    chacha20::ChaCha20Rng::from_seed(key)
}

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
