//! Embeds the built-in policy library (policies/*.rego, without tests) into the binary.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // The binary is position-dependent on x86-64 Linux, as Go builds helm: a PIE spends ~0.5 ms
    // of every run applying 26k relocations (a quarter of a small chart's render). Libraries,
    // heap and stack stay randomised.
    if std::env::var("TARGET").as_deref() == Ok("x86_64-unknown-linux-gnu") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        // The functions a render runs go first in the code, together (tools/hot-symbols.py
        // explains the list): each 64 KiB of code costs a page fault on first use, ~8 µs in a
        // VM, and a small render's code lay in ~60 of them instead of ~25. rustc links with
        // its own lld here; names the build does not define (another compiler version) are
        // skipped. CHARTGATE_NO_SYMBOL_ORDER=1 leaves it out (for another linker).
        println!("cargo:rerun-if-env-changed=CHARTGATE_NO_SYMBOL_ORDER");
        println!("cargo:rerun-if-changed=tools/hot-symbols.txt");
        let list = Path::new("tools/hot-symbols.txt");
        if std::env::var_os("CHARTGATE_NO_SYMBOL_ORDER").is_none() && list.exists() {
            let abs = std::fs::canonicalize(list).expect("hot-symbols.txt");
            println!(
                "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
                abs.display()
            );
            println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
        }
    }
    let dir = Path::new("policies");
    println!("cargo:rerun-if-changed=policies");
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    let mut out = String::from("/// (name, text) of every built-in module, libraries first.\npub const LIBRARY: &[(&str, &str)] = &[\n");
    // Libraries first so packages can import them in any order.
    files.sort_by_key(|p| (!p.starts_with("policies/lib"), p.clone()));
    for f in &files {
        let name = f.strip_prefix("policies/").unwrap_or(f);
        let abs = std::fs::canonicalize(f).expect("policy file");
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("policies.rs");
    std::fs::write(dest, out).unwrap();
}

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        println!("cargo:rerun-if-changed={}", p.display());
        if p.is_dir() {
            collect(&p, out);
        } else {
            let s = p.to_string_lossy().replace('\\', "/");
            if s.ends_with(".rego") && !s.ends_with("_test.rego") {
                out.push(s);
            }
        }
    }
}
