//! A steady producer workload: records at a rate, keyed from a small key space or keyless.
//! Drives the page's "produce continuously" switch and the benchmarks.

use crate::types::Millis;
use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;
use serde::{Deserialize, Serialize};

/// Padding for values shorter than `value_bytes`.
const DOTS: &[u8; 128] = &[b'.'; 128];

/// `n` in decimal, as `write!(buf, "{n}")` writes it (without the formatting machinery,
/// which was a visible share of the workload's time in the page's size-optimised build).
#[cfg(test)]
fn push_decimal(buf: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let i = decimal(&mut digits, n);
    buf.extend_from_slice(digits.get(i..).unwrap_or_default());
}

/// "00", "01", … "99": two digits per division.
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes `n`'s decimal digits at the end of `digits`; returns where they start.
fn decimal(digits: &mut [u8; 20], n: u64) -> usize {
    decimal_before(digits, 20, n)
}

/// Writes `n`'s decimal digits into `digits` to end just before `end`; returns where they
/// start. (`digits` must have room: up to 20 digits.)
fn decimal_before(digits: &mut [u8], end: usize, mut n: u64) -> usize {
    let mut i = end;
    while n >= 10 && i >= 2 {
        let pair = (n % 100) as usize * 2;
        // Byte by byte: `copy_from_slice` of two bytes is a call in the page's size-optimised build.
        for k in 0..2 {
            if let (Some(d), Some(s)) = (digits.get_mut(i - 2 + k), DIGIT_PAIRS.get(pair + k)) {
                *d = *s;
            }
        }
        i -= 2;
        n /= 100;
    }
    if n > 0 || i == end {
        i = i.saturating_sub(1);
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + n as u8;
        }
    }
    i
}

/// Add one to the decimal number in `digits[start..end]`, in place; false (and the digits
/// left as they were) if the result needs another digit, or there are none.
fn increment_decimal(digits: &mut [u8], start: usize, end: usize) -> bool {
    let Some(d) = digits.get_mut(start..end) else {
        return false;
    };
    match d.iter().rposition(|&c| c != b'9') {
        Some(i) => {
            for c in d.iter_mut().skip(i + 1) {
                *c = b'0';
            }
            if let Some(c) = d.get_mut(i) {
                *c += 1;
            }
            true
        }
        None => false,
    }
}

/// `n` in decimal, as `write!(s, "{n}")` writes it, without the formatting machinery (the
/// trace's message summaries write several numbers per message).
pub(crate) fn push_int(s: &mut String, n: i64) {
    if n < 0 {
        s.push('-');
    }
    let mut digits = [0u8; 20];
    let i = decimal(&mut digits, n.unsigned_abs());
    s.extend(
        digits
            .get(i..)
            .unwrap_or_default()
            .iter()
            .map(|d| char::from(*d)),
    );
}

/// One tick's records, keys and values in one buffer (no allocation per record).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TickRecords {
    data: Vec<u8>,
    /// Per record: where its key starts, the key's length (`None`: no key), where its value ends.
    spans: Vec<(usize, Option<usize>, usize)>,
}

impl TickRecords {
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    pub fn len(&self) -> usize {
        self.spans.len()
    }
    /// Each record's key (if any) and value.
    pub fn iter(&self) -> impl Iterator<Item = (Option<&[u8]>, &[u8])> {
        self.iter_joined().map(|(key, value, _)| (key, value))
    }

    /// As [`TickRecords::iter`], with each record's key and value bytes as one slice (the
    /// key is followed by the value in `data`).
    pub fn iter_joined(&self) -> impl Iterator<Item = (Option<&[u8]>, &[u8], Option<&[u8]>)> {
        self.spans.iter().map(|&(start, key_len, end)| {
            let value_start = start + key_len.unwrap_or(0);
            (
                key_len.and_then(|k| self.data.get(start..start + k)),
                self.data.get(value_start..end).unwrap_or_default(),
                self.data.get(start..end),
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    pub topic: String,
    pub rate_per_sec: f64,
    /// Keys `"{key_prefix}{n}"` with n drawn uniformly from `0..keys`; `None` = keyless.
    pub keys: Option<u32>,
    pub key_prefix: String,
    pub value_bytes: usize,
    pub tick_ms: Millis,
    pub until: Option<Millis>,
    carry: f64,
    counter: u64,
}

impl Workload {
    pub fn new(
        topic: &str,
        rate_per_sec: f64,
        keys: Option<u32>,
        key_prefix: &str,
        value_bytes: usize,
        until: Option<Millis>,
    ) -> Self {
        let rate = if rate_per_sec.is_finite() {
            rate_per_sec.clamp(0.0, 10_000_000.0)
        } else {
            0.0
        };
        // Tick often enough to spread records, but not more than every millisecond.
        let tick_ms = if rate >= 1000.0 {
            1
        } else if rate >= 100.0 {
            10
        } else {
            50
        };
        Workload {
            topic: topic.to_string(),
            rate_per_sec: rate,
            keys: keys.filter(|k| *k > 0),
            key_prefix: key_prefix.to_string(),
            value_bytes: value_bytes.clamp(1, 1 << 20),
            tick_ms,
            until,
            carry: 0.0,
            counter: 0,
        }
    }

    pub fn finished(&self, now: Millis) -> bool {
        self.until.is_some_and(|u| now >= u)
    }

    /// The (key, value) records to send at this tick, as bytes: the same records, drawing
    /// the same random numbers, as [`Workload::next_batch`] sent through
    /// `Cluster::produce` (which turns `{i}` in a key into `0`), without formatting strings.
    pub fn next_records(&mut self, rng: &mut ChaCha8Rng) -> TickRecords {
        self.carry += self.rate_per_sec * self.tick_ms as f64 / 1000.0;
        let n = self.carry.floor() as u64;
        self.carry -= n as f64;
        let prefix = if self.key_prefix.contains("{i}") {
            self.key_prefix.replace("{i}", "0")
        } else {
            self.key_prefix.clone()
        };
        let per_record = self.keys.map_or(0, |_| prefix.len() + 10) + self.value_bytes.max(21);
        let mut out = TickRecords {
            data: Vec::with_capacity(n as usize * per_record),
            spans: Vec::with_capacity(n as usize),
        };
        // The key's prefix and digits, then `v` and the counter's digits, written backwards
        // to end at `HEAD`, followed by the padding, already in place: each record is copied
        // once (a copy is a call in the page's size-optimised build). Only bytes before `HEAD`
        // are ever written, so the padding stays.
        const HEAD: usize = 64;
        let mut head = [b'.'; HEAD + DOTS.len()];
        // Where the `v` is: the counter's digits follow it, and the next record's counter is
        // written by adding one to them in place (a whole new number only when its length
        // changes).
        let mut v_at: Option<usize> = None;
        // Where the prefix was last written: digits and counter are written after it, so it
        // is still there when the next key's digits start at the same place (most keys of a
        // range have its longest length).
        let mut prefix_at: Option<usize> = None;
        for _ in 0..n {
            self.counter += 1;
            let start = out.data.len();
            let v_at = match v_at.filter(|&at| increment_decimal(&mut head, at + 1, HEAD)) {
                Some(at) => at,
                None => {
                    let at = decimal_before(&mut head, HEAD, self.counter).saturating_sub(1);
                    if let Some(v) = head.get_mut(at) {
                        *v = b'v';
                    }
                    v_at = Some(at);
                    at
                }
            };
            let (from, key_len) = match self.keys {
                Some(k) => {
                    let digits = decimal_before(&mut head, v_at, u64::from(rng.next_u32() % k));
                    let key_len = Some(prefix.len() + (v_at - digits));
                    let room = digits.checked_sub(prefix.len());
                    let from = match room.and_then(|at| Some((at, head.get_mut(at..digits)?))) {
                        Some((at, _)) if prefix_at == Some(at) => at,
                        Some((at, room)) => {
                            room.copy_from_slice(prefix.as_bytes());
                            prefix_at = Some(at);
                            at
                        }
                        // A prefix longer than the room before the digits: copied on its own.
                        None => {
                            out.data.extend_from_slice(prefix.as_bytes());
                            digits
                        }
                    };
                    (from, key_len)
                }
                None => (v_at, None),
            };
            // The value so far: `v` and the counter's digits.
            let mut pad = self.value_bytes.saturating_sub(HEAD - v_at);
            let inline = pad.min(DOTS.len());
            out.data
                .extend_from_slice(head.get(from..HEAD + inline).unwrap_or_default());
            pad -= inline;
            while pad > 0 {
                // Copied from a constant rather than `resize`d: the page's size-optimised
                // build fills a `resize` a byte at a time.
                let n = pad.min(DOTS.len());
                out.data
                    .extend_from_slice(DOTS.get(..n).unwrap_or_default());
                pad -= n;
            }
            out.spans.push((start, key_len, out.data.len()));
        }
        out
    }

    /// The (key, value) pairs to send at this tick.
    pub fn next_batch(
        &mut self,
        _now: Millis,
        rng: &mut ChaCha8Rng,
    ) -> Vec<(Option<String>, String)> {
        self.carry += self.rate_per_sec * self.tick_ms as f64 / 1000.0;
        let n = self.carry.floor() as u64;
        self.carry -= n as f64;
        let mut out = Vec::with_capacity(n as usize);
        for _ in 0..n {
            self.counter += 1;
            let key = self
                .keys
                .map(|k| format!("{}{}", self.key_prefix, rng.next_u32() % k));
            let mut value = format!("v{}", self.counter);
            while value.len() < self.value_bytes {
                value.push('.');
            }
            out.push((key, value));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;

    #[test]
    fn push_decimal_writes_what_display_writes() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            12_345,
            u64::from(u32::MAX),
            u64::MAX - 1,
            u64::MAX,
        ]
        .into_iter()
        .chain((0..20_000).chain((0..20).map(|e| 10u64.pow(e))))
        .chain((1..20).map(|e| 10u64.pow(e) - 1))
        {
            let mut buf = b"k".to_vec();
            push_decimal(&mut buf, n);
            assert_eq!(buf, format!("k{n}").into_bytes());
        }
    }

    #[test]
    fn push_int_writes_what_display_writes() {
        for n in [
            0,
            1,
            -1,
            9,
            -10,
            12_345,
            -99_999,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ] {
            let mut s = String::from("x=");
            push_int(&mut s, n);
            assert_eq!(s, format!("x={n}"));
        }
    }

    #[test]
    fn increment_decimal_adds_one_or_says_it_needs_another_digit() {
        let cases = [
            0u64,
            1,
            8,
            9,
            10,
            19,
            99,
            100,
            4_999,
            9_998,
            9_999,
            123_456_789,
        ];
        for n in cases {
            let mut d = [b'.'; 24];
            let start = decimal_before(&mut d, 24, n);
            let fits = increment_decimal(&mut d, start, 24);
            let next = (n + 1).to_string();
            if next.len() == 24 - start {
                assert!(fits, "{n}");
                assert_eq!(&d[start..], next.as_bytes());
            } else {
                assert!(!fits, "{n}");
                assert_eq!(&d[start..], n.to_string().as_bytes(), "left as it was");
            }
        }
        assert!(!increment_decimal(&mut [b'1'; 3], 3, 3), "no digits");
    }

    #[test]
    fn next_records_matches_next_batch_as_produce_sends_it() {
        for (keys, prefix, value_bytes) in [
            (Some(10_000), "", 100),
            (Some(7), "user-{i}-", 3),
            (None, "", 1),
            // Longer than one copy of the padding.
            (Some(5), "k", 300),
            // Keys of one to four digits after a prefix (written once per key length).
            (Some(10_000), "key-", 100),
            // A prefix longer than the room before the digits.
            (
                Some(3),
                "a-prefix-longer-than-the-room-before-the-key-digits-",
                10,
            ),
        ] {
            let mut a = Workload::new("t", 12_345.0, keys, prefix, value_bytes, None);
            let mut b = a.clone();
            let mut ra = ChaCha8Rng::seed_from_u64(9);
            let mut rb = ChaCha8Rng::seed_from_u64(9);
            for tick in 0..20 {
                let old: Vec<(Option<Vec<u8>>, Vec<u8>)> = a
                    .next_batch(tick, &mut ra)
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            k.map(|k| k.replace("{i}", "0").into_bytes()),
                            v.into_bytes(),
                        )
                    })
                    .collect();
                let new: Vec<(Option<Vec<u8>>, Vec<u8>)> = b
                    .next_records(&mut rb)
                    .iter()
                    .map(|(k, v)| (k.map(<[u8]>::to_vec), v.to_vec()))
                    .collect();
                assert_eq!(old, new);
            }
            assert_eq!(ra.next_u64(), rb.next_u64());
        }
    }
}
