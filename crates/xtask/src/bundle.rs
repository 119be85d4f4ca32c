//! Gzipped (level 9) sizes of the shipped wasm, js and css in dist/.

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The budget for wasm + js + css, each gzipped at level 9, together: reported as met
/// or missed (with the gap), never failed on.
pub const BUDGET_BYTES: u64 = 350 * 1024;

/// The regression ceiling: a little above the size measured when it was set (see
/// BENCHMARKS.md). `cargo xtask test` and `cargo xtask bench` fail only above it.
pub const CEILING_BYTES: u64 = 772 * 1024;

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

/// The total of the assets against the budget and the ceiling.
pub struct Verdict {
    pub total: u64,
    /// Within [`BUDGET_BYTES`] (the goal).
    pub within_budget: bool,
    /// Within [`CEILING_BYTES`] (what CI enforces).
    pub within_ceiling: bool,
}

pub fn verdict(assets: &[Asset]) -> Verdict {
    let total: u64 = assets.iter().map(|a| a.gzipped).sum();
    Verdict {
        total,
        within_budget: total <= BUDGET_BYTES,
        within_ceiling: total <= CEILING_BYTES,
    }
}

/// Prints one line per asset and the total against the budget and the ceiling; returns
/// whether it is within the regression ceiling (the budget is only reported).
pub fn report(dist: &Path, assets: &[Asset], indent: &str) -> bool {
    for a in assets {
        let name = a.path.strip_prefix(dist).unwrap_or(&a.path).display();
        println!(
            "{indent}{:>10} gz  {:>10} raw  {name}",
            kib(a.gzipped),
            kib(a.raw)
        );
    }
    let v = verdict(assets);
    println!("{indent}{:>10} gz  total of wasm+js+css", kib(v.total));
    println!("{indent}{}", budget_line(&v));
    println!(
        "{indent}regression ceiling {}: {}",
        kib(CEILING_BYTES),
        if v.within_ceiling {
            "ok"
        } else {
            "EXCEEDED (a regression: find what grew, or raise CEILING_BYTES with a reason in BENCHMARKS.md)"
        }
    );
    v.within_ceiling
}

/// "budget 350.0 KiB: met" or "budget 350.0 KiB: missed by N KiB".
pub fn budget_line(v: &Verdict) -> String {
    if v.within_budget {
        format!(
            "budget {}: met ({} to spare)",
            kib(BUDGET_BYTES),
            kib(BUDGET_BYTES - v.total)
        )
    } else {
        format!(
            "budget {}: missed by {} ({:.2}x the budget)",
            kib(BUDGET_BYTES),
            kib(v.total - BUDGET_BYTES),
            v.total as f64 / BUDGET_BYTES as f64
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_is_above_the_budget() {
        const { assert!(CEILING_BYTES > BUDGET_BYTES) };
        let a = |gz| Asset {
            path: PathBuf::from("x.wasm"),
            raw: gz,
            gzipped: gz,
        };
        let v = verdict(&[a(BUDGET_BYTES + 1)]);
        assert!(!v.within_budget && v.within_ceiling);
        assert!(budget_line(&v).contains("missed by"));
        let v = verdict(&[a(CEILING_BYTES + 1)]);
        assert!(!v.within_ceiling);
    }

    #[test]
    fn gzip_shrinks_repetitive_data() {
        let data = vec![b'a'; 10_000];
        let len = gzip_len(&data);
        assert!(len > 18 && len < 200, "{len}");
    }
}
