//! The standard workload's measured window outside criterion, for profilers and quick
//! comparisons of two builds:
//!
//! - `window N`: run N windows one after another on one session (for
//!   `valgrind --tool=callgrind --toggle-collect='kafka_sim_bench::run_window'`; with
//!   `WINDOW_TIMES=1` it prints each window's wall time);
//! - `window --clones N`: time N windows, each on a fresh clone of the warmed-up session
//!   (what the criterion bench times), and print the median.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let clones = args.first().is_some_and(|a| a == "--clones");
    let n: u32 = args
        .get(usize::from(clones))
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let mut s = kafka_sim_bench::standard_session();
    if clones {
        let mut times: Vec<f64> = (0..n)
            .map(|_| {
                let mut c = s.clone();
                let t = Instant::now();
                kafka_sim_bench::run_window(&mut c);
                let ms = t.elapsed().as_secs_f64() * 1e3;
                drop(c);
                ms
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
        println!("median {median:.1} ms per window over {n} clones");
        return;
    }
    let before = kafka_sim_bench::records_sent(&s);
    let polled = kafka_sim_bench::records_polled(&s);
    for i in 0..n {
        let t = Instant::now();
        kafka_sim_bench::run_window(&mut s);
        if std::env::var_os("WINDOW_TIMES").is_some() {
            println!("window {i}: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let records = kafka_sim_bench::records_sent(&s) - before;
    let polled = kafka_sim_bench::records_polled(&s) - polled;
    println!(
        "{records} records produced and {polled} polled in {n} windows, trace hash {:016x}",
        s.cluster.trace_hash()
    );
}
