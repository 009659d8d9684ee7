//! Embeds the built-in policy library (policies/*.rego, without tests) into the binary.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // The binary is position-dependent on x86-64 Linux, as Go builds helm: a PIE spends ~0.5 ms
    // of every run applying 26k relocations (a quarter of a small chart's render). Libraries,
    // heap and stack stay randomised.
    if std::env::var("TARGET").as_deref() == Ok("x86_64-unknown-linux-gnu") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        link_statically();
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

/// Links the binary statically against glibc, where the C toolchain has the static libraries:
/// loading libc, libm and libgcc_s cost ~0.45 ms of every run (`chartgate --version` 1.11 ->
/// 0.65 ms), a tenth of a small chart's render. `-C target-feature=+crt-static` would do it,
/// but cargo cannot give it to one binary: set for the host it also reaches the proc-macros,
/// which cannot be static. So the binary alone gets `-static` (static start files, no
/// interpreter), and the libraries rustc names for a dynamic link (`-Bdynamic -lc -lgcc_s
/// ...`, fixed by the standard library) are found first in OUT_DIR as linker scripts of the
/// same names that pull in the static archives, the way glibc's own libc.so is a script.
/// A build with crt-static on, a cross build, one with CHARTGATE_DYNAMIC=1 or without the
/// static archives links the usual way. glibc's resolver works in the static binary
/// (`install` resolving the API server's name) given the glibc it was built with, which a
/// build from source has.
fn link_statically() {
    println!("cargo:rerun-if-env-changed=CHARTGATE_DYNAMIC");
    println!("cargo:rerun-if-env-changed=CC");
    let crt_static = std::env::var("CARGO_CFG_TARGET_FEATURE")
        .is_ok_and(|f| f.split(',').any(|x| x == "crt-static"));
    // The toolchain asked below is the host's: only a native build can use its archives.
    let native = std::env::var("HOST").ok() == std::env::var("TARGET").ok();
    if crt_static || !native || std::env::var_os("CHARTGATE_DYNAMIC").is_some() {
        return;
    }
    // `cc -print-file-name=libX.a` prints its full path when the toolchain has it, else the
    // name alone.
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let archive = |name: &str| {
        std::process::Command::new(&cc)
            .arg(format!("-print-file-name=lib{name}.a"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|p| std::path::PathBuf::from(p.trim()))
            .filter(|p| p.is_absolute())
    };
    let (Some(c), Some(gcc), Some(eh)) = (archive("c"), archive("gcc"), archive("gcc_eh")) else {
        return;
    };
    // What the standard library links for linux-gnu, each with the archives standing for
    // it: libc's group holds the compiler runtime too, which libc and libgcc_eh call into.
    let mut scripts = vec![
        ("c", vec![c, gcc.clone(), eh.clone()]),
        ("gcc_s", vec![eh, gcc]),
    ];
    for name in ["m", "util", "rt", "pthread", "dl"] {
        let Some(a) = archive(name) else {
            return;
        };
        scripts.push((name, vec![a]));
    }
    let Some(out) = std::env::var_os("OUT_DIR") else {
        return;
    };
    let dir = Path::new(&out).join("static-libs");
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    for (name, archives) in scripts {
        let list: Vec<String> = archives.iter().map(|a| a.display().to_string()).collect();
        let text = format!(
            "/* static link: see build.rs */\nGROUP ( {} )\n",
            list.join(" ")
        );
        if std::fs::write(dir.join(format!("lib{name}.so")), text).is_err() {
            return;
        }
    }
    println!("cargo:rustc-link-arg-bins=-static");
    println!("cargo:rustc-link-arg-bins=-L{}", dir.display());
    // For tests/link.rs: the binary must then have no interpreter.
    println!("cargo:rustc-env=CHARTGATE_STATIC_LINK=1");
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
