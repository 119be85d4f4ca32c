//! Skipping a release build whose inputs have not changed.
//!
//! `trunk build --release` always re-runs wasm-bindgen and `wasm-opt -Oz` (about a minute on
//! two cores) even when Cargo has nothing to rebuild. `cargo xtask test` and `cargo xtask dist`
//! hash everything the release build reads (the sources of the app and the engine, the HTML
//! entry, static files, the manifests, the lockfile, Trunk's config, the Rust toolchain's
//! version and the environment variables that change code generation) and reuse `dist/` when
//! the hash equals the one written after the last successful build and `dist/` still holds
//! the files that build produced. A fresh clone has no stamp, so it always builds.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

/// Where the last successful build's input hash and output list are kept.
fn stamp_path(root: &Path) -> PathBuf {
    root.join("target").join("xtask-release-build.stamp")
}

/// Files and directories (relative to the workspace root) the release build reads.
const INPUTS: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "Trunk.toml",
    ".cargo/config.toml",
    "rust-toolchain.toml",
    "web",
    "static",
    "crates/web/Cargo.toml",
    "crates/web/build.rs",
    "crates/web/src",
    "crates/engine",
];

/// Environment variables that change what Cargo or Trunk produce.
const ENV: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_PROFILE_RELEASE_OPT_LEVEL",
    "CARGO_PROFILE_RELEASE_LTO",
    "TRUNK_BUILD_PUBLIC_URL",
];

/// A 64-bit FNV-1a hash (stable across runs and Rust versions, unlike `DefaultHasher`).
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path)? {
        let p = entry?.path();
        // Build output and editor droppings are not inputs.
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name == "target" || name == "node_modules" || name.starts_with('.') {
            continue;
        }
        collect(&p, out)?;
    }
    Ok(())
}

/// The hash of every input of the release build, given the toolchain's `rustc -V` line.
pub fn release_inputs(root: &Path, rustc_version: &str) -> std::io::Result<u64> {
    let mut files = Vec::new();
    for rel in INPUTS {
        collect(&root.join(rel), &mut files)?;
    }
    files.sort();
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    h.write(rustc_version.as_bytes());
    for var in ENV {
        h.write(var.as_bytes());
        h.write(std::env::var(var).unwrap_or_default().as_bytes());
        h.write(&[0xff]);
    }
    for f in files {
        let rel = f.strip_prefix(root).unwrap_or(&f);
        h.write(rel.to_string_lossy().as_bytes());
        h.write(&[0]);
        let data = std::fs::read(&f)?;
        h.write(&(data.len() as u64).to_le_bytes());
        h.write(&data);
    }
    Ok(h.finish())
}

/// The files of `dist/` (relative paths with sizes), to tell whether it was changed since.
fn dist_listing(dist: &Path) -> std::io::Result<Vec<String>> {
    let mut files = Vec::new();
    collect(dist, &mut files)?;
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let len = std::fs::metadata(&f)?.len();
            let rel = f
                .strip_prefix(dist)
                .unwrap_or(&f)
                .to_string_lossy()
                .into_owned();
            Ok(format!("{rel}\t{len}"))
        })
        .collect()
}

fn stamp_text(inputs: u64, listing: &[String]) -> String {
    let mut s = format!("inputs {inputs:016x}\n");
    for l in listing {
        s.push_str(l);
        s.push('\n');
    }
    s
}

/// Whether `dist/` is the output of a successful release build of exactly these inputs.
pub fn up_to_date(root: &Path, inputs: u64) -> bool {
    let Ok(stamp) = std::fs::read_to_string(stamp_path(root)) else {
        return false;
    };
    let dist = root.join("dist");
    if !dist.join("index.html").is_file() {
        return false;
    }
    match dist_listing(&dist) {
        Ok(listing) => !listing.is_empty() && stamp == stamp_text(inputs, &listing),
        Err(_) => false,
    }
}

/// Record that `dist/` now holds the build of these inputs.
pub fn record(root: &Path, inputs: u64) {
    if let Ok(listing) = dist_listing(&root.join("dist")) {
        let _ = std::fs::create_dir_all(root.join("target"));
        let _ = std::fs::write(stamp_path(root), stamp_text(inputs, &listing));
    }
}

/// Forget the last build (before a build starts, so a failed one never counts as done).
pub fn forget(root: &Path) {
    let _ = std::fs::remove_file(stamp_path(root));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-fingerprint-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("crates/engine/src")).unwrap();
        std::fs::create_dir_all(dir.join("dist")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[workspace]").unwrap();
        std::fs::write(dir.join("crates/engine/src/lib.rs"), "pub fn a() {}").unwrap();
        std::fs::write(dir.join("dist/index.html"), "<html>").unwrap();
        std::fs::write(dir.join("dist/app.wasm"), "wasm").unwrap();
        dir
    }

    #[test]
    fn an_unchanged_tree_is_up_to_date_and_any_change_is_not() {
        let root = tree();
        let h = release_inputs(&root, "rustc 1.0").unwrap();
        assert!(!up_to_date(&root, h), "no stamp yet: must build");
        record(&root, h);
        assert!(up_to_date(&root, h));

        // A source edit changes the hash.
        std::fs::write(root.join("crates/engine/src/lib.rs"), "pub fn b() {}").unwrap();
        let h2 = release_inputs(&root, "rustc 1.0").unwrap();
        assert_ne!(h, h2);
        assert!(!up_to_date(&root, h2));
        // So does another toolchain.
        assert_ne!(release_inputs(&root, "rustc 1.1").unwrap(), h2);
        // Build output under target/ is not an input.
        std::fs::create_dir_all(root.join("crates/engine/target")).unwrap();
        std::fs::write(root.join("crates/engine/target/x"), "y").unwrap();
        assert_eq!(release_inputs(&root, "rustc 1.0").unwrap(), h2);

        // dist/ changed behind our back (a file removed or rewritten): build again.
        record(&root, h2);
        assert!(up_to_date(&root, h2));
        std::fs::write(root.join("dist/app.wasm"), "other wasm").unwrap();
        assert!(!up_to_date(&root, h2));
        record(&root, h2);
        std::fs::remove_file(root.join("dist/index.html")).unwrap();
        assert!(!up_to_date(&root, h2));

        // A failed build forgets the stamp.
        std::fs::write(root.join("dist/index.html"), "<html>").unwrap();
        record(&root, h2);
        forget(&root);
        assert!(!up_to_date(&root, h2));
        let _ = std::fs::remove_dir_all(&root);
    }
}
