//! Link flags for the warroom binary only.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        // A position-independent binary carries one 24-byte relocation per pointer in its
        // tables (48,000 of them, 1.1 MiB), and the loader reads them all at start; the pages
        // stay resident for the life of the process. RELR packs them into 20 KiB and keeps
        // ASLR: a megabyte less RSS on a screen that runs all day. Linking needs binutils
        // 2.38 or lld 15; the binary needs glibc 2.36, which the linker records as a
        // versioned dependency, so an older loader refuses it by name instead of misloading.
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
