//! Project automation for Kafka Playground: `cargo xtask <command>` (see `usage()`).
//!
//! Plain std Rust (plus flate2 for gzip) so that it builds in seconds on a fresh machine; it
//! installs every other tool it needs, by version, on first use (see `tools`).

mod bench;
mod bundle;
mod fingerprint;
mod proc;
mod server;
mod test;
mod tools;

use std::process::ExitCode;
use tools::{Ctx, Tool, Tools};

const USAGE: &str = "\
cargo xtask — Kafka Playground project automation

USAGE:
    cargo xtask <COMMAND> [OPTIONS]

COMMANDS:
    serve [--port N] [--release]
        Build the web app with Trunk and serve it at http://127.0.0.1:N/ (default 8080),
        rebuilding on change.
    dist
        Release build of the web app into dist/ and print the gzipped sizes of its
        wasm, js and css.
    test [--quick] [--verbose]
        Everything CI runs (.ci/run): cargo fmt --check, clippy -D warnings, native tests,
        deterministic simulation (kafka-sim fuzz: 400 seeds × 10,000 events, then 10 s of
        byte-level fuzzing per target, with the CLI built --profile fast), engine conformance tests as wasm32 in Node, UI tests as wasm32 in headless Chromium,
        a release build with Trunk, the browser end-to-end suite (tests/) against dist/, and
        a bundle-size check (wasm+js+css gzipped at level 9: fails above the regression
        ceiling; the 350 KiB budget is reported, see BENCHMARKS.md).
        Ends with a line `N passed, M failed` and exits non-zero on any failure.
        --quick    skip the release build, e2e and bundle-size steps, for fast local
                   iteration; NOT what CI runs
        --verbose  echo every step's output as it runs (by default only failures show
                   their last 60 lines; full logs go to target/xtask-logs/)
    bench [--quick]
        Measure the engine (standard workload natively with criterion, as wasm32 under Node,
        a memcpy baseline), memory per stored record (10 million records), the bundle, and
        the page (first draw; frame times at the scale preset in headless Chromium), and
        write them to BENCHMARKS.md with the machine, date and commit.
        --quick    only the bundle-size check against the regression ceiling (reuses
                   dist/ if present); fails only above the ceiling; writes nothing
    sim [--seeds N] [ARGS…]
        Deterministic simulation testing: build the CLI with `--profile fast` and run
        `kafka-sim fuzz --seeds N ARGS…` (default N = 1000; e.g. `cargo xtask sim --seeds
        100000` for the long campaign, `--start S`, `--events E`, `--config safe|weak|all`,
        `--jobs J`, `--out DIR`, `--replay FILE`, `--target json|link|commands|all --time T`).
        Prints each invariant's checks, the weak configurations' anomaly rates and events/s;
        exits non-zero if an invariant failed or a weak configuration never showed its
        anomaly. See docs/simulation-testing.md.
    tools [--check]
        Install any missing or wrong-version tool (--check: only report).
    help, --help, -h
        Print this message.

TOOLS (installed on first use, checked by `--version` on every run):
    wasm32-unknown-unknown   rustup target add
    trunk 0.22.1             cargo install --locked trunk (release LTO off to build faster)
    wasm-bindgen-cli         cargo install, at the wasm-bindgen version in Cargo.lock
    wasm-opt (binaryen 132)  npm binaryen@132.0.0 in ~/.cache/kafka-playground/
    chromium, chromedriver   Debian packages chromium, chromium-driver (apt-get, as root)
    playwright-core          npm ci in tests/
";

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\n");
    eprint!("{USAGE}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        return usage_error("no command given");
    };
    let opts = &args[1..];
    if command == "sim" {
        // Everything after `sim` is kafka-sim fuzz's (its own --help included).
        return sim(opts);
    }
    if opts.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match command.as_str() {
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        "serve" => {
            let mut port: u16 = 8080;
            let mut release = false;
            let mut it = opts.iter();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--release" => release = true,
                    "--port" => match it.next().and_then(|p| p.parse().ok()) {
                        Some(p) => port = p,
                        None => return usage_error("--port needs a port number"),
                    },
                    other => match other.strip_prefix("--port=").map(str::parse) {
                        Some(Ok(p)) => port = p,
                        _ => return usage_error(&format!("unknown option for serve: {other}")),
                    },
                }
            }
            serve(port, release)
        }
        "dist" => match opts.first() {
            Some(other) => usage_error(&format!("unknown option for dist: {other}")),
            None => dist(),
        },
        "test" => {
            let (mut quick, mut verbose) = (false, false);
            for a in opts {
                match a.as_str() {
                    "--quick" => quick = true,
                    "--verbose" | "-v" => verbose = true,
                    other => return usage_error(&format!("unknown option for test: {other}")),
                }
            }
            test::run(quick, verbose)
        }
        "bench" => {
            let mut quick = false;
            for a in opts {
                match a.as_str() {
                    "--quick" => quick = true,
                    other => return usage_error(&format!("unknown option for bench: {other}")),
                }
            }
            bench::run(quick)
        }
        "tools" => {
            let mut ctx = Ctx::new(false);
            for a in opts {
                match a.as_str() {
                    "--check" => ctx.check_only = true,
                    other => return usage_error(&format!("unknown option for tools: {other}")),
                }
            }
            if Tools::ensure(&mut ctx, &Tool::ALL).all_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        other => usage_error(&format!("unknown command `{other}`")),
    }
}

/// The `kafka-sim` binary of the `fast` profile (`cargo build --profile fast -p kafka-sim-cli`).
pub(crate) fn fast_cli(ctx: &Ctx) -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { ctx.root.join(p) })
        .unwrap_or_else(|| ctx.root.join("target"));
    target
        .join("fast")
        .join(format!("kafka-sim{}", std::env::consts::EXE_SUFFIX))
}

/// `cargo xtask sim`: build the fast CLI, then `kafka-sim fuzz` with the given arguments.
fn sim(args: &[String]) -> ExitCode {
    let ctx = Ctx::new(false);
    let mut build = ctx.cargo();
    build.args(["build", "--profile", "fast", "-p", "kafka-sim-cli"]);
    println!("$ {}", tools::cmdline(&build));
    match build.status() {
        Ok(s) if s.success() => {}
        Ok(s) => {
            eprintln!("error: building kafka-sim failed ({s})");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            return ExitCode::FAILURE;
        }
    }
    let mut fuzz_args: Vec<String> = vec!["fuzz".into()];
    let modes = ["--replay", "--target", "--list", "--help", "-h"];
    if !args
        .iter()
        .any(|a| a == "--seeds" || modes.contains(&a.as_str()))
    {
        fuzz_args.extend(["--seeds".to_string(), "1000".to_string()]);
    }
    fuzz_args.extend(args.iter().cloned());
    let mut cmd = std::process::Command::new(fast_cli(&ctx));
    cmd.args(&fuzz_args).current_dir(&ctx.root);
    println!("$ {}", tools::cmdline(&cmd));
    match cmd.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(u8::try_from(s.code().unwrap_or(1)).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", fast_cli(&ctx).display());
            ExitCode::FAILURE
        }
    }
}

/// Tools for building the web app with Trunk (wasm-opt only matters for release builds).
pub(crate) fn web_build_tools(release: bool) -> Vec<Tool> {
    let mut tools = vec![
        Tool::WasmTarget,
        Tool::WasmBindgen,
        Tool::Trunk,
        Tool::TrunkConfig,
        Tool::CrateSources,
    ];
    if release {
        tools.extend([Tool::Node, Tool::WasmOpt]);
    }
    tools
}

fn serve(port: u16, release: bool) -> ExitCode {
    let mut ctx = Ctx::new(false);
    if !Tools::ensure(&mut ctx, &web_build_tools(release)).all_ok() {
        eprintln!(
            "error: cannot serve: a prerequisite is missing or wrong (see the FAIL lines above)"
        );
        return ExitCode::FAILURE;
    }
    let url = format!("http://127.0.0.1:{port}/");
    println!();
    println!("== Kafka Playground will be served at {url} once Trunk's first build finishes");
    println!("   (Ctrl-C to stop; Trunk rebuilds and reloads the page on change)");
    println!();
    let mut cmd = ctx.command("trunk");
    cmd.args(["serve", "--port", &port.to_string()])
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    if release {
        cmd.arg("--release");
    }
    match cmd.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => {
            eprintln!("error: trunk serve exited with {s}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: cannot run trunk: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The hash of the release build's inputs (None if it cannot be computed: then always build).
pub fn release_inputs(ctx: &Ctx) -> Option<u64> {
    let rustc = std::process::Command::new("rustc")
        .arg("-V")
        .current_dir(&ctx.root)
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    fingerprint::release_inputs(&ctx.root, &String::from_utf8_lossy(&rustc.stdout)).ok()
}

fn dist() -> ExitCode {
    let mut ctx = Ctx::new(false);
    if !Tools::ensure(&mut ctx, &web_build_tools(true)).all_ok() {
        eprintln!(
            "error: cannot build: a prerequisite is missing or wrong (see the FAIL lines above)"
        );
        return ExitCode::FAILURE;
    }
    println!();
    println!("== trunk build --release → dist/");
    let inputs = release_inputs(&ctx);
    if inputs.is_some_and(|h| fingerprint::up_to_date(&ctx.root, h)) {
        println!("   up to date: no input of the release build changed since the last one");
    } else {
        fingerprint::forget(&ctx.root);
        let mut cmd = ctx.command("trunk");
        cmd.args(["build", "--release"])
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        match cmd.status() {
            Ok(s) if s.success() => {
                if let Some(h) = inputs {
                    fingerprint::record(&ctx.root, h);
                }
            }
            Ok(s) => {
                eprintln!("error: trunk build --release exited with {s}");
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("error: cannot run trunk: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let dist = ctx.root.join("dist");
    println!();
    println!("== dist/ sizes (gzip -9)");
    match bundle::measure(&dist) {
        Ok(assets) => {
            if !bundle::report(&dist, &assets, "   ") {
                println!("   warning: over the regression ceiling: `cargo xtask test` will fail");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot read dist/: {e}");
            ExitCode::FAILURE
        }
    }
}
