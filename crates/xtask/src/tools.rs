//! The tools the build and tests need, each installed on first use and checked by version on
//! every run (`X --version` compared with the pinned version), never re-installed when the right
//! version is present.
//!
//! | tool | pinned to | installed with |
//! |---|---|---|
//! | wasm32-unknown-unknown | the active toolchain | `rustup target add` |
//! | trunk | [`TRUNK_VERSION`] | `cargo install --locked trunk` (opt-level 0, no LTO: ~3 min instead of ~9) |
//! | wasm-bindgen, wasm-bindgen-test-runner | the `wasm-bindgen` version in Cargo.lock | `cargo install wasm-bindgen-cli` (opt-level 1; not `--locked`: a locked dependency is missing from the registry) |
//! | wasm-opt | npm `binaryen@`[`BINARYEN_VERSION`] | `npm install` into a version-keyed cache dir, put first on PATH |
//! | chromium, chromedriver | Debian's packages (majors must match) | `apt-get install chromium chromium-driver` (root on Debian only) |
//! | playwright-core | tests/package-lock.json | `npm ci` in tests/ |
//!
//! When trunk and wasm-bindgen-cli are both missing, their `cargo install`s run at the same time.

use crate::proc::{fmt_duration, run_captured, stdout_of, CaptureOptions};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub const TRUNK_VERSION: &str = "0.22.1";
pub const BINARYEN_VERSION: &str = "132.0.0";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
const NODE_MIN_MAJOR: u32 = 20;

/// Paths and settings shared by every command xtask runs.
pub struct Ctx {
    pub root: PathBuf,
    cargo: OsString,
    /// Directories searched before the inherited PATH (first = highest priority).
    path_front: Vec<PathBuf>,
    inherited_path: OsString,
    pub verbose: bool,
    /// Report what would be installed instead of installing it.
    pub check_only: bool,
}

impl Ctx {
    pub fn new(verbose: bool) -> Ctx {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut ctx = Ctx {
            root,
            cargo,
            path_front: Vec::new(),
            inherited_path: std::env::var_os("PATH").unwrap_or_default(),
            verbose,
            check_only: false,
        };
        // `cargo install` puts binaries here; make sure they win over other copies on PATH.
        ctx.prepend_path(cargo_home().join("bin"));
        ctx
    }

    pub fn prepend_path(&mut self, dir: PathBuf) {
        self.path_front.retain(|d| d != &dir);
        self.path_front.insert(0, dir);
    }

    pub fn path_var(&self) -> OsString {
        let inherited: Vec<PathBuf> = std::env::split_paths(&self.inherited_path).collect();
        let all = self.path_front.iter().cloned().chain(inherited);
        std::env::join_paths(all).unwrap_or_else(|_| self.inherited_path.clone())
    }

    /// A command run in the repo root with xtask's PATH.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let program = program.as_ref();
        let resolved = self
            .which(program)
            .unwrap_or_else(|| PathBuf::from(program));
        let mut cmd = Command::new(resolved);
        cmd.env("PATH", self.path_var()).current_dir(&self.root);
        cmd
    }

    pub fn cargo(&self) -> Command {
        let mut cmd = Command::new(&self.cargo);
        cmd.env("PATH", self.path_var()).current_dir(&self.root);
        cmd
    }

    /// Looks `name` up on xtask's PATH.
    pub fn which(&self, name: impl AsRef<OsStr>) -> Option<PathBuf> {
        let name = name.as_ref();
        if Path::new(name).components().count() > 1 {
            return Some(PathBuf::from(name));
        }
        std::env::split_paths(&self.path_var())
            .map(|dir| dir.join(name))
            .find(|p| is_executable(p))
    }

    pub fn log_path(&self, slug: &str) -> PathBuf {
        self.root
            .join("target")
            .join("xtask-logs")
            .join(format!("{slug}.log"))
    }
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root"))
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
}

/// Where npm-installed tools are cached, keyed by version.
pub fn binaryen_dir() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cache"));
    cache
        .join("kafka-playground")
        .join(format!("binaryen-{BINARYEN_VERSION}"))
}

pub fn chromium_path() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

pub fn chromedriver_path() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Tool {
    WasmTarget,
    Node,
    WasmBindgen,
    Trunk,
    TrunkConfig,
    WasmOpt,
    CrateSources,
    Browser,
    E2eDeps,
}

impl Tool {
    /// Install/check order (later tools may rely on earlier ones, e.g. npm).
    pub const ALL: [Tool; 9] = [
        Tool::WasmTarget,
        Tool::Node,
        Tool::WasmBindgen,
        Tool::Trunk,
        Tool::TrunkConfig,
        Tool::WasmOpt,
        Tool::CrateSources,
        Tool::Browser,
        Tool::E2eDeps,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tool::WasmTarget => "rust target wasm32-unknown-unknown",
            Tool::Node => "node + npm",
            Tool::WasmBindgen => "wasm-bindgen-cli",
            Tool::Trunk => "trunk",
            Tool::TrunkConfig => "Trunk.toml pins",
            Tool::WasmOpt => "wasm-opt (npm binaryen)",
            Tool::CrateSources => "crate sources (cargo fetch)",
            Tool::Browser => "chromium + chromedriver",
            Tool::E2eDeps => "tests/ npm deps",
        }
    }
}

/// Outcome of ensuring a set of tools.
pub struct Tools {
    failed: HashMap<Tool, String>,
}

impl Tools {
    /// Ensures `wanted` (in dependency order), printing one line per tool.
    pub fn ensure(ctx: &mut Ctx, wanted: &[Tool]) -> Tools {
        let mut failed = HashMap::new();
        println!(
            "== Tools ({}; each is checked by version and installed only when missing or wrong)",
            if ctx.check_only {
                "check only"
            } else {
                "install on first use"
            }
        );
        let parallel_failures = install_cargo_tools_in_parallel(ctx, wanted);
        for tool in Tool::ALL.into_iter().filter(|t| wanted.contains(t)) {
            let needs_node = matches!(tool, Tool::WasmOpt | Tool::E2eDeps);
            let result = if let Some(e) = parallel_failures.get(&tool) {
                Err(e.clone())
            } else if needs_node && failed.contains_key(&Tool::Node) {
                Err("needs node + npm, which are unavailable".to_string())
            } else {
                ensure_one(ctx, tool)
            };
            match result {
                Ok(msg) => println!("   ok    {:<36} {msg}", tool.label()),
                Err(msg) => {
                    println!("   FAIL  {:<36} {msg}", tool.label());
                    failed.insert(tool, msg);
                }
            }
        }
        Tools { failed }
    }

    /// Labels of the tools among `needs` that are unavailable.
    pub fn missing(&self, needs: &[Tool]) -> Vec<&'static str> {
        needs
            .iter()
            .filter(|t| self.failed.contains_key(t))
            .map(|t| t.label())
            .collect()
    }

    pub fn all_ok(&self) -> bool {
        self.failed.is_empty()
    }
}

fn ensure_one(ctx: &mut Ctx, tool: Tool) -> Result<String, String> {
    match tool {
        Tool::WasmTarget => ensure_wasm_target(ctx),
        Tool::Node => ensure_node(ctx),
        Tool::WasmBindgen | Tool::Trunk => ensure_cargo_tool(ctx, tool),
        Tool::TrunkConfig => check_trunk_config(ctx),
        Tool::WasmOpt => ensure_wasm_opt(ctx),
        Tool::CrateSources => fetch_crates(ctx),
        Tool::Browser => ensure_browser(ctx),
        Tool::E2eDeps => ensure_e2e_deps(ctx),
    }
}

/// Shows a command line (with its non-PATH environment) as a user could paste it.
pub fn cmdline(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter(|(k, v)| *k != "PATH" && v.is_some())
        .map(|(k, v)| {
            let v = v.unwrap_or_default().to_string_lossy();
            if v.contains('\n') || v.len() > 60 {
                format!("{}=<{} lines>", k.to_string_lossy(), v.lines().count())
            } else {
                format!("{}={v}", k.to_string_lossy())
            }
        })
        .collect();
    // Programs are resolved to full paths on xtask's PATH; show the short name.
    let program = Path::new(cmd.get_program());
    let program = program.file_name().unwrap_or(program.as_os_str());
    parts.push(program.to_string_lossy().into_owned());
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// Runs an install command, quietly unless --verbose, with a heartbeat and a log file.
fn install(ctx: &Ctx, what: &str, why: &str, cmd: Command, slug: &str) -> Result<(), String> {
    let line = cmdline(&cmd);
    if ctx.check_only {
        return Err(format!("{why}; would run: {line}"));
    }
    println!("   ..    {:<36} {why}; installing: {line}", what);
    let log = ctx.log_path(slug);
    let label = format!("installing {what}");
    let opts = CaptureOptions {
        timeout: Duration::from_secs(45 * 60),
        echo: ctx.verbose,
        log: Some(&log),
        heartbeat: Some((&label, Duration::from_secs(60))),
    };
    let cap = run_captured(cmd, &opts).map_err(|e| format!("could not run `{line}`: {e}"))?;
    if cap.success() {
        println!(
            "         {:<36} installed in {}",
            what,
            fmt_duration(cap.duration)
        );
        Ok(())
    } else {
        for l in cap.tail(30) {
            println!("         | {l}");
        }
        Err(format!(
            "`{line}` failed ({}); full log: {}",
            cap.describe_exit(),
            log.display()
        ))
    }
}

/// Runs `program --version` on xtask's PATH; `None` if it is missing or fails.
fn version_of(ctx: &Ctx, program: &str) -> Option<String> {
    let path = ctx.which(program)?;
    let mut cmd = ctx.command(&path);
    cmd.arg("--version");
    stdout_of(cmd)
}

/// The second whitespace-separated word: "trunk 0.22.1" -> "0.22.1".
fn second_word(s: &str) -> Option<&str> {
    s.lines().next()?.split_whitespace().nth(1)
}

fn ensure_wasm_target(ctx: &mut Ctx) -> Result<String, String> {
    let mut list = ctx.command("rustup");
    list.args(["target", "list", "--installed"]);
    match stdout_of(list) {
        Some(out) if out.lines().any(|l| l.trim() == WASM_TARGET) => Ok("installed".into()),
        Some(_) => {
            let mut add = ctx.command("rustup");
            add.args(["target", "add", WASM_TARGET]);
            install(
                ctx,
                WASM_TARGET,
                "not installed",
                add,
                "install-wasm-target",
            )?;
            Ok("installed now".into())
        }
        None => {
            // No rustup: accept a toolchain that ships the target's std.
            let mut sysroot = ctx.command("rustc");
            sysroot.args(["--print", "sysroot"]);
            let has = stdout_of(sysroot)
                .map(|s| Path::new(&s).join("lib/rustlib").join(WASM_TARGET).is_dir())
                .unwrap_or(false);
            if has {
                Ok("present in the rustc sysroot (no rustup)".into())
            } else {
                Err(format!(
                    "rustup not found and the toolchain lacks {WASM_TARGET}: install rustup \
                     (https://rustup.rs) and run `rustup target add {WASM_TARGET}`"
                ))
            }
        }
    }
}

fn ensure_node(ctx: &mut Ctx) -> Result<String, String> {
    let hint = format!(
        "install Node.js >= {NODE_MIN_MAJOR} with npm (Debian 12's nodejs is 18: use the \
         NodeSource/nvm builds); it runs the wasm engine tests, wasm-opt and the e2e suite"
    );
    let Some(v) = version_of(ctx, "node") else {
        return Err(format!("node not found: {hint}"));
    };
    let major: u32 = v
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < NODE_MIN_MAJOR {
        return Err(format!("node {v} is too old: {hint}"));
    }
    let Some(npm) = version_of(ctx, "npm") else {
        return Err(format!("npm not found (node {v} is): {hint}"));
    };
    Ok(format!("node {v}, npm {npm}"))
}

/// `version = "…"` of package `name` in Cargo.lock; an error if absent or ambiguous.
pub fn lock_version(lock: &str, name: &str) -> Result<String, String> {
    let mut found = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{name}\"") {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
            {
                found.push(v.to_string());
            }
        }
    }
    match found.as_slice() {
        [v] => Ok(v.clone()),
        [] => Err(format!("no `{name}` package in Cargo.lock")),
        many => Err(format!(
            "Cargo.lock has several `{name}` versions ({}); there must be exactly one",
            many.join(", ")
        )),
    }
}

pub fn wasm_bindgen_version(ctx: &Ctx) -> Result<String, String> {
    let lock = std::fs::read_to_string(ctx.root.join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    lock_version(&lock, "wasm-bindgen")
}

/// A tool installed with `cargo install`: what to check, and how to install it.
struct CargoTool {
    what: &'static str,
    slug: &'static str,
    /// `None` when the right version is present, else why it must be installed.
    why: Option<String>,
    cmd: Command,
    /// Message for the `ok` line.
    ok: String,
}

fn wasm_bindgen_check(ctx: &Ctx, want: &str) -> Result<(), String> {
    for bin in ["wasm-bindgen", "wasm-bindgen-test-runner"] {
        match version_of(ctx, bin) {
            Some(out) if second_word(&out) == Some(want) => {}
            Some(out) => return Err(format!("found {out}")),
            None => return Err(format!("{bin} not found")),
        }
    }
    Ok(())
}

fn plan_wasm_bindgen(ctx: &Ctx) -> Result<CargoTool, String> {
    let want = wasm_bindgen_version(ctx)?;
    let why = wasm_bindgen_check(ctx, &want)
        .err()
        .map(|e| format!("{e}, need {want} (the wasm-bindgen version in Cargo.lock)"));
    let mut cmd = ctx.cargo();
    // Not --locked: wasm-bindgen-cli's locked webpki-roots is missing from the registry mirror.
    // opt-level 1 builds in about half the time of its release profile; binding the page's
    // wasm takes 0.40 s instead of 0.33 s.
    cmd.args(["install", "wasm-bindgen-cli", "--version", &want, "--force"])
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .current_dir(home());
    Ok(CargoTool {
        what: "wasm-bindgen-cli",
        slug: "install-wasm-bindgen-cli",
        why,
        cmd,
        ok: format!("{want} (= wasm-bindgen in Cargo.lock)"),
    })
}

fn plan_trunk(ctx: &Ctx) -> Result<CargoTool, String> {
    let why = match version_of(ctx, "trunk") {
        Some(out) if second_word(&out) == Some(TRUNK_VERSION) => None,
        Some(out) => Some(format!("found {out}, need {TRUNK_VERSION} (takes ~3 min)")),
        None => Some("not found (takes ~3 min on 2 cores)".to_string()),
    };
    let mut cmd = ctx.cargo();
    // Trunk's own release profile is fat LTO with one codegen unit (~9 min on 2 cores). Trunk
    // only orchestrates (cargo, wasm-bindgen and wasm-opt do the work), so it is built
    // unoptimised: ~3 min, and a release build of the page takes the same time with it (27 s
    // against 26 s, identical output). Trunk 0.22 declares a newer rust-version than it needs.
    cmd.args([
        "install",
        "--locked",
        "trunk",
        "--version",
        TRUNK_VERSION,
        "--ignore-rust-version",
        "--force",
    ])
    .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
    .env("CARGO_PROFILE_RELEASE_LTO", "off")
    .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
    .current_dir(home());
    Ok(CargoTool {
        what: "trunk",
        slug: "install-trunk",
        why,
        cmd,
        ok: TRUNK_VERSION.to_string(),
    })
}

fn plan_cargo_tool(ctx: &Ctx, tool: Tool) -> Option<Result<CargoTool, String>> {
    match tool {
        Tool::WasmBindgen => Some(plan_wasm_bindgen(ctx)),
        Tool::Trunk => Some(plan_trunk(ctx)),
        _ => None,
    }
}

/// Checks the installed version again after an install.
fn verify_cargo_tool(ctx: &Ctx, tool: Tool) -> Result<(), String> {
    let plan = plan_cargo_tool(ctx, tool).unwrap_or_else(|| Err("not a cargo tool".into()))?;
    let bin = if tool == Tool::Trunk {
        "trunk"
    } else {
        "wasm-bindgen"
    };
    match plan.why {
        None => Ok(()),
        Some(still) => Err(format!(
            "installed {} but the version check still fails ({still}); `{bin}` resolves to {:?}: \
             is another copy earlier on PATH?",
            plan.what,
            ctx.which(bin)
        )),
    }
}

fn ensure_cargo_tool(ctx: &mut Ctx, tool: Tool) -> Result<String, String> {
    let plan = plan_cargo_tool(ctx, tool).unwrap_or_else(|| Err("not a cargo tool".into()))?;
    let Some(why) = plan.why else {
        return Ok(plan.ok);
    };
    install(ctx, plan.what, &why, plan.cmd, plan.slug)?;
    verify_cargo_tool(ctx, tool)?;
    Ok(format!("{} (installed now)", plan.ok))
}

/// Runs the `cargo install`s of several missing tools at once: each build has long
/// single-threaded stretches, so two together finish sooner on 2 cores than one after another.
/// Returns the failures; the regular per-tool pass then reports each tool.
fn install_cargo_tools_in_parallel(ctx: &Ctx, wanted: &[Tool]) -> HashMap<Tool, String> {
    let mut failures = HashMap::new();
    if ctx.check_only {
        return failures;
    }
    let plans: Vec<(Tool, CargoTool)> = wanted
        .iter()
        .filter_map(|&t| match plan_cargo_tool(ctx, t) {
            Some(Ok(plan)) if plan.why.is_some() => Some((t, plan)),
            _ => None,
        })
        .collect();
    if plans.len() < 2 {
        return failures;
    }
    let names: Vec<&str> = plans.iter().map(|(_, p)| p.what).collect();
    println!("   ..    installing {} in parallel", names.join(" and "));
    let results: Vec<(Tool, Result<(), String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = plans
            .into_iter()
            .map(|(tool, plan)| {
                let why = plan.why.unwrap_or_default();
                let handle = s.spawn(move || install(ctx, plan.what, &why, plan.cmd, plan.slug));
                (tool, handle)
            })
            .collect();
        handles
            .into_iter()
            .map(|(tool, h)| {
                let result = h
                    .join()
                    .unwrap_or_else(|_| Err("installer thread panicked".into()));
                (tool, result)
            })
            .collect()
    });
    for (tool, result) in results {
        if let Err(e) = result.and_then(|()| verify_cargo_tool(ctx, tool)) {
            failures.insert(tool, e);
        }
    }
    failures
}

/// `key = "value"` inside `[tools]` of Trunk.toml.
pub fn trunk_tool_pin(trunk_toml: &str, key: &str) -> Option<String> {
    let mut in_tools = false;
    for line in trunk_toml.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            in_tools = line == "[tools]";
            continue;
        }
        if !in_tools {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            if k.trim() == key {
                return Some(v.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

fn check_trunk_config(ctx: &mut Ctx) -> Result<String, String> {
    let toml = std::fs::read_to_string(ctx.root.join("Trunk.toml"))
        .map_err(|e| format!("cannot read Trunk.toml: {e}"))?;
    let lock = wasm_bindgen_version(ctx)?;
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    let want_opt = format!("version_{major}");
    match trunk_tool_pin(&toml, "wasm_bindgen") {
        Some(v) if v == lock => {}
        Some(v) => {
            return Err(format!(
                "Trunk.toml pins [tools] wasm_bindgen = \"{v}\" but Cargo.lock has wasm-bindgen \
                 {lock}: set wasm_bindgen = \"{lock}\" in Trunk.toml"
            ))
        }
        None => {
            return Err(format!(
                "Trunk.toml lacks [tools] wasm_bindgen = \"{lock}\" (the Cargo.lock version)"
            ))
        }
    }
    match trunk_tool_pin(&toml, "wasm_opt") {
        Some(v) if v == want_opt => {}
        other => {
            return Err(format!(
                "Trunk.toml must pin [tools] wasm_opt = \"{want_opt}\" (npm binaryen@{BINARYEN_VERSION}), found {other:?}"
            ))
        }
    }
    Ok(format!(
        "wasm_bindgen = {lock} (= Cargo.lock), wasm_opt = {want_opt}"
    ))
}

fn ensure_wasm_opt(ctx: &mut Ctx) -> Result<String, String> {
    let dir = binaryen_dir();
    let bin_dir = dir.join("node_modules").join(".bin");
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    let check = |ctx: &Ctx| -> Result<(), String> {
        let mut cmd = ctx.command(bin_dir.join("wasm-opt"));
        cmd.arg("--version");
        match stdout_of(cmd) {
            Some(out) if out.contains(&format!("version {major}")) => Ok(()),
            Some(out) => Err(format!("found {out}")),
            None => Err(format!("not in {}", bin_dir.display())),
        }
    };
    if let Err(why) = check(ctx) {
        if !ctx.check_only {
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let manifest = dir.join("package.json");
            if !manifest.exists() {
                std::fs::write(
                    &manifest,
                    "{ \"name\": \"kafka-playground-tools\", \"private\": true }\n",
                )
                .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
            }
        }
        let mut cmd = ctx.command("npm");
        cmd.args([
            "install",
            "--no-audit",
            "--no-fund",
            "--save-exact",
            &format!("binaryen@{BINARYEN_VERSION}"),
        ])
        .current_dir(&dir);
        let why = format!(
            "{why}; need binaryen {major} (Debian's binaryen and the wasm-opt crate are too old \
             for today's rustc output)"
        );
        install(ctx, "wasm-opt", &why, cmd, "install-binaryen")?;
        check(ctx)?;
    }
    ctx.prepend_path(bin_dir.clone());
    Ok(format!("version_{major} ({})", bin_dir.display()))
}

/// Trunk builds with `cargo build --offline` (Trunk.toml `offline = true`), which fails on a
/// fresh machine whose cargo cache lacks the crates: download them first (instant when cached).
fn fetch_crates(ctx: &mut Ctx) -> Result<String, String> {
    if ctx.check_only {
        return Ok("not checked (`cargo fetch` runs before each Trunk build)".into());
    }
    let mut cmd = ctx.cargo();
    cmd.arg("fetch");
    let line = cmdline(&cmd);
    let opts = CaptureOptions {
        timeout: Duration::from_secs(20 * 60),
        echo: ctx.verbose,
        log: Some(&ctx.log_path("cargo-fetch")),
        heartbeat: Some(("cargo fetch", Duration::from_secs(60))),
    };
    let cap = run_captured(cmd, &opts).map_err(|e| format!("could not run `{line}`: {e}"))?;
    if cap.success() {
        Ok("all crates in Cargo.lock are in the local cache".into())
    } else {
        for l in cap.tail(20) {
            println!("         | {l}");
        }
        Err(format!("`{line}` failed ({})", cap.describe_exit()))
    }
}

fn is_root() -> bool {
    let mut id = Command::new("id");
    id.arg("-u");
    stdout_of(id).as_deref() == Some("0")
}

fn major_of(version_line: &str) -> Option<String> {
    version_line
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .and_then(|w| w.split('.').next())
        .map(str::to_string)
}

fn ensure_browser(ctx: &mut Ctx) -> Result<String, String> {
    let chromium = chromium_path();
    let driver = chromedriver_path();
    let hint = "install Debian's `chromium` and `chromium-driver` packages (as root: apt-get \
                update && apt-get install -y chromium chromium-driver); elsewhere install \
                Chromium and a chromedriver of the same major version and set CHROMIUM and \
                CHROMEDRIVER to their paths";
    if !is_executable(&chromium) || !is_executable(&driver) {
        let missing: Vec<String> = [&chromium, &driver]
            .into_iter()
            .filter(|p| !is_executable(p))
            .map(|p| p.display().to_string())
            .collect();
        let why = format!("missing {}", missing.join(" and "));
        let debian = Path::new("/etc/debian_version").exists();
        let apt = ctx.which("apt-get");
        match apt {
            Some(apt) if debian && is_root() => {
                let mut update = ctx.command(&apt);
                update
                    .arg("update")
                    .env("DEBIAN_FRONTEND", "noninteractive");
                install(ctx, "apt-get update", &why, update, "apt-get-update")?;
                let mut cmd = ctx.command(&apt);
                cmd.args(["install", "-y", "chromium", "chromium-driver"])
                    .env("DEBIAN_FRONTEND", "noninteractive");
                install(ctx, "chromium", &why, cmd, "install-chromium")?;
            }
            _ => return Err(format!("{why}: {hint}")),
        }
        if !is_executable(&chromium) || !is_executable(&driver) {
            return Err(format!(
                "still missing {} or {} after apt-get install: {hint}",
                chromium.display(),
                driver.display()
            ));
        }
    }
    let cv = stdout_of({
        let mut c = ctx.command(&chromium);
        c.arg("--version");
        c
    })
    .unwrap_or_default();
    let dv = stdout_of({
        let mut c = ctx.command(&driver);
        c.arg("--version");
        c
    })
    .unwrap_or_default();
    let (cm, dm) = (major_of(&cv), major_of(&dv));
    if cm.is_none() || cm != dm {
        return Err(format!(
            "chromium ({cv:?}) and chromedriver ({dv:?}) must have the same major version: {hint}"
        ));
    }
    let short = |s: &str| s.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    Ok(format!("{}, {}", short(&cv), short(&dv)))
}

fn ensure_e2e_deps(ctx: &mut Ctx) -> Result<String, String> {
    let tests = ctx.root.join("tests");
    let lock_path = tests.join("package-lock.json");
    let lock = std::fs::read(&lock_path)
        .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    // `npm ci` wipes node_modules and reinstalls, so only run it when the lock file changed.
    let stamp = tests.join("node_modules").join(".xtask-package-lock.json");
    let installed = tests.join("node_modules").join("playwright-core");
    if installed.is_dir() && std::fs::read(&stamp).ok().as_deref() == Some(lock.as_slice()) {
        return Ok("up to date with tests/package-lock.json".into());
    }
    let mut cmd = ctx.command("npm");
    cmd.args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&tests);
    install(
        ctx,
        "tests/ npm deps",
        "tests/node_modules missing or older than package-lock.json",
        cmd,
        "npm-ci-tests",
    )?;
    std::fs::write(&stamp, &lock).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok("installed now (npm ci)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_version_finds_the_exact_package() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.1\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"x\"\n";
        assert_eq!(lock_version(lock, "wasm-bindgen").as_deref(), Ok("0.2.130"));
        assert!(lock_version(lock, "yew").is_err());
        let twice = format!("{lock}[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.99\"\n");
        assert!(lock_version(&twice, "wasm-bindgen").is_err());
    }

    #[test]
    fn trunk_tool_pin_reads_only_the_tools_table() {
        let toml = "[build]\nwasm_bindgen = \"no\"\n\n[tools]\n# c\nwasm_bindgen = \"0.2.130\" # pin\nwasm_opt = \"version_132\"\n[serve]\nport = 8080\n";
        assert_eq!(
            trunk_tool_pin(toml, "wasm_bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            trunk_tool_pin(toml, "wasm_opt").as_deref(),
            Some("version_132")
        );
        assert_eq!(trunk_tool_pin(toml, "port"), None);
    }

    #[test]
    fn the_repo_pins_match() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
        let toml = std::fs::read_to_string(root.join("Trunk.toml")).unwrap();
        assert_eq!(
            trunk_tool_pin(&toml, "wasm_bindgen"),
            Some(lock_version(&lock, "wasm-bindgen").unwrap()),
            "Trunk.toml [tools] wasm_bindgen must equal the wasm-bindgen version in Cargo.lock"
        );
    }

    #[test]
    fn version_words() {
        assert_eq!(second_word("trunk 0.22.1\n"), Some("0.22.1"));
        assert_eq!(
            major_of("Chromium 156.0.8078.108 built on Debian").as_deref(),
            Some("156")
        );
        assert_eq!(
            major_of("ChromeDriver 156.0.8078.108 (730482a9)").as_deref(),
            Some("156")
        );
    }
}
