//! The binary's link (build.rs): where the build script linked it statically, through linker
//! scripts standing in for the libraries rustc names, a script the linker did not take would
//! leave a dynamic binary without its interpreter. So: no interpreter, no dynamic section,
//! and it runs.

/// The ELF program header types of `bytes` (64-bit little-endian files only).
fn program_header_types(bytes: &[u8]) -> Vec<u32> {
    assert_eq!(&bytes[..4], b"\x7fELF", "not an ELF file");
    assert_eq!(bytes[4], 2, "not a 64-bit ELF file");
    let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]) as usize;
    let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap()) as usize;
    let (off, size, count) = (u64_at(0x20), u16_at(0x36), u16_at(0x38));
    (0..count)
        .map(|i| {
            let o = off + i * size;
            u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap())
        })
        .collect()
}

#[test]
fn binary_runs_and_a_static_link_is_static() {
    let bin = env!("CARGO_BIN_EXE_chartgate");
    let out = std::process::Command::new(bin)
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("chartgate "));
    if option_env!("CHARTGATE_STATIC_LINK").is_none() {
        return;
    }
    const PT_DYNAMIC: u32 = 2;
    const PT_INTERP: u32 = 3;
    let types = program_header_types(&std::fs::read(bin).unwrap());
    assert!(!types.is_empty());
    assert!(!types.contains(&PT_INTERP), "interpreter in {bin}");
    assert!(!types.contains(&PT_DYNAMIC), "dynamic section in {bin}");
}
