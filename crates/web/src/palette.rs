//! Colours for record keys: a colour-blind-safe palette (Okabe–Ito, plus two tones), chosen
//! per key by a stable hash so the same key always has the same colour. Presentation only.

pub const KEY_COLOURS: [&str; 8] = [
    "#E69F00", // orange
    "#56B4E9", // sky blue
    "#009E73", // bluish green
    "#F0E442", // yellow
    "#0072B2", // blue
    "#D55E00", // vermillion
    "#CC79A7", // reddish purple
    "#8C8C8C", // grey
];

/// Text colour that stays readable on each palette colour.
pub const KEY_TEXT: [&str; 8] = [
    "#1b1b1b", "#1b1b1b", "#ffffff", "#1b1b1b", "#ffffff", "#ffffff", "#1b1b1b", "#ffffff",
];

/// Index into the palette for a key (FNV-1a; any stable hash will do for colours).
pub fn key_index(key: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in key.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % 7) as usize
}

pub fn key_style(key: Option<&str>) -> String {
    match key {
        Some(k) => {
            let i = key_index(k);
            format!("background:{};color:{}", KEY_COLOURS[i], KEY_TEXT[i])
        }
        None => String::new(),
    }
}

/// Colours for consumers (chips and the partition → consumer links).
pub const CONSUMER_COLOURS: [&str; 8] = [
    "#4263eb", "#e8590c", "#2b8a3e", "#ae3ec9", "#1098ad", "#d6336c", "#5c940d", "#b08900",
];

pub fn consumer_colour(index: usize) -> &'static str {
    CONSUMER_COLOURS[index % CONSUMER_COLOURS.len()]
}
