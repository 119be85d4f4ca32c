//! Gzipped (level 9) sizes of the shipped wasm, js and css in dist/.

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The budget for wasm + js + css, each gzipped at level 9, together.
pub const LIMIT_BYTES: u64 = 350 * 1024;

pub struct Asset {
    pub path: PathBuf,
    pub raw: u64,
    pub gzipped: u64,
}

pub fn gzip_len(data: &[u8]) -> u64 {
    let mut enc = GzEncoder::new(Vec::new(), Compression::new(9));
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().map(|v| v.len() as u64).unwrap_or(u64::MAX)
}

/// All .wasm/.js/.css files under `dist`, sorted by path.
pub fn measure(dist: &Path) -> std::io::Result<Vec<Asset>> {
    let mut files = Vec::new();
    collect(dist, &mut files)?;
    files.sort();
    let mut assets = Vec::new();
    for path in files {
        let data = std::fs::read(&path)?;
        assets.push(Asset {
            raw: data.len() as u64,
            gzipped: gzip_len(&data),
            path,
        });
    }
    Ok(assets)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("wasm" | "js" | "css")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

pub fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// Prints one line per asset and the total against the limit; returns whether it fits.
pub fn report(dist: &Path, assets: &[Asset], indent: &str) -> bool {
    let total: u64 = assets.iter().map(|a| a.gzipped).sum();
    for a in assets {
        let name = a.path.strip_prefix(dist).unwrap_or(&a.path).display();
        println!(
            "{indent}{:>10} gz  {:>10} raw  {name}",
            kib(a.gzipped),
            kib(a.raw)
        );
    }
    let fits = total <= LIMIT_BYTES;
    println!(
        "{indent}{:>10} gz  total of wasm+js+css (limit {}){}",
        kib(total),
        kib(LIMIT_BYTES),
        if fits { "" } else { "  OVER THE LIMIT" }
    );
    fits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_shrinks_repetitive_data() {
        let data = vec![b'a'; 10_000];
        let len = gzip_len(&data);
        assert!(len > 18 && len < 200, "{len}");
    }
}
