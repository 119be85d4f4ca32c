//! Running child processes: captured (stdout and stderr merged, in order) with a timeout, a log
//! file and an optional live echo, or interactively with inherited stdio.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// What a captured command did.
pub struct Captured {
    pub status: Option<ExitStatus>,
    pub lines: Vec<String>,
    pub timed_out: bool,
    pub duration: Duration,
}

impl Captured {
    pub fn success(&self) -> bool {
        !self.timed_out && self.status.is_some_and(|s| s.success())
    }

    /// A short description of how the command ended, for failure messages.
    pub fn describe_exit(&self) -> String {
        if self.timed_out {
            return format!("timed out after {}", fmt_duration(self.duration));
        }
        match self.status {
            Some(s) => match s.code() {
                Some(c) => format!("exit code {c}"),
                None => format!("{s}"),
            },
            None => "did not start".to_string(),
        }
    }

    /// The last `n` lines of output.
    pub fn tail(&self, n: usize) -> &[String] {
        &self.lines[self.lines.len().saturating_sub(n)..]
    }
}

pub struct CaptureOptions<'a> {
    /// Kill the command after this long.
    pub timeout: Duration,
    /// Echo each line as it arrives (indented).
    pub echo: bool,
    /// Write the whole output here as well.
    pub log: Option<&'a Path>,
    /// While the command runs without echo, print "still running" every so often with this label.
    pub heartbeat: Option<(&'a str, Duration)>,
}

/// Runs `cmd` to completion with stdin closed and stdout+stderr merged into one captured stream.
/// Returns an error only if the command could not be started.
pub fn run_captured(mut cmd: Command, opts: &CaptureOptions) -> std::io::Result<Captured> {
    let (reader, writer) = std::io::pipe()?;
    cmd.stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer);
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    // The Command owns our copies of the pipe's write end: drop it so the reader sees EOF once
    // the child (and anything it left holding the pipe) is gone.
    drop(cmd);

    let (tx, rx) = mpsc::channel::<String>();
    thread::spawn(move || {
        let mut reader = BufReader::new(reader);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = strip_ansi(&String::from_utf8_lossy(&buf));
                    let line = line.trim_end_matches(['\n', '\r']).to_string();
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });

    let mut log = opts.log.and_then(|p| {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        File::create(p).ok()
    });
    let mut lines = Vec::new();
    let mut status = None;
    let mut exited_at = None;
    let mut timed_out = false;
    let mut next_beat = opts.heartbeat.map(|(_, every)| start + every);
    loop {
        let disconnected = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => {
                if opts.echo {
                    println!("      {line}");
                }
                if let Some(f) = log.as_mut() {
                    let _ = writeln!(f, "{line}");
                }
                lines.push(line);
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => true,
        };
        if status.is_none() {
            if let Some(s) = child.try_wait()? {
                status = Some(s);
                exited_at = Some(Instant::now());
            } else if start.elapsed() > opts.timeout {
                timed_out = true;
                let _ = child.kill();
                status = Some(child.wait()?);
                exited_at = Some(Instant::now());
            }
        }
        if let Some(t) = exited_at {
            // After the child exits, drain what it wrote; give up after a grace period in case a
            // grandchild still holds the pipe open.
            if disconnected || t.elapsed() > Duration::from_secs(3) {
                break;
            }
        }
        if let (Some((label, every)), Some(at)) = (opts.heartbeat, next_beat) {
            if !opts.echo && Instant::now() >= at {
                println!(
                    "      … {label}: still running ({})",
                    fmt_duration(start.elapsed())
                );
                next_beat = Some(at + every);
            }
        }
    }
    Ok(Captured {
        status,
        lines,
        timed_out,
        duration: start.elapsed(),
    })
}

/// Removes terminal escape sequences (colours, charset switches) some tools emit even into pipes.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // CSI: parameters and intermediates up to a final byte in '@'..='~'.
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // Charset designation, e.g. ESC ( B.
            Some('(' | ')') => {
                chars.next();
            }
            _ => {}
        }
    }
    out
}

/// Runs `cmd` and returns its trimmed stdout if it exits successfully (for `--version` probes).
pub fn stdout_of(mut cmd: Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub fn fmt_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_ansi_removes_colours_and_charset_switches() {
        assert_eq!(
            strip_ansi("\u{1b}[31m-    Ok(\u{1b}(B\u{1b}[m x"),
            "-    Ok( x"
        );
        assert_eq!(strip_ansi("plain ℹ pass 3"), "plain ℹ pass 3");
    }
}
