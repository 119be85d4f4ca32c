//! The network: every node, and each request or response on the wire as a moving dot.
use super::use_app;
use crate::hooks::use_media_query;
use kafka_sim::types::NodeId;
use std::fmt::Write as _;
use yew::prelude::*;

/// The message paths, by kind and then size (without records, with): class and description.
const MSG_PATHS: [(&str, &str); 10] = [
    ("produce", "produce responses"),
    ("produce", "produce requests"),
    ("replica", "replica fetch requests and empty responses"),
    ("replica", "replica fetch responses with records"),
    ("fetch", "consumer fetch requests and empty responses"),
    ("fetch", "consumer fetch responses with records"),
    ("control", "metadata and controller messages"),
    ("control", "metadata and controller messages with records"),
    ("other", "other messages"),
    ("other", "other messages with records"),
];

/// Where the diagram puts things: a wide band (producers left, brokers in the middle,
/// consumers right) or, at phone width, a tall one (producers on top, then the controller and
/// the brokers, consumers at the bottom), so labels stay readable instead of shrinking.
#[derive(Clone, Copy)]
struct Geometry {
    tall: bool,
    w: f64,
    h: f64,
    /// Tall only: room added above the producers' row and below the consumers' row for
    /// labels slanted because the row is too crowded for them to sit level.
    top: f64,
    /// Tall only: whether the producers' and the consumers' labels are slanted.
    slant: (bool, bool),
}

/// Font size of slanted labels, and the slant's sine (45°).
const SLANT_FONT: f64 = 10.0;
const SIN45: f64 = std::f64::consts::FRAC_1_SQRT_2;
/// Width along a row for the clients of a tall diagram.
const ROW: f64 = 300.0;
/// Least height of a client's slot in a wide diagram's column (its label is a unit smaller).
const WIDE_SLOT: f64 = 15.0;

impl Geometry {
    /// `clients` holds, for producers and consumers, how many there are and their longest
    /// name (in characters).
    fn new(tall: bool, clients: [(usize, usize); 2]) -> Self {
        if !tall {
            // A column gives each client at least `WIDE_SLOT` units, so that a dozen
            // consumers' names stay readable: the band grows taller instead.
            let most = clients[0].0.max(clients[1].0) as f64;
            return Geometry {
                tall,
                w: 1000.0,
                h: (55.0 + most * WIDE_SLOT).max(170.0),
                top: 0.0,
                slant: (false, false),
            };
        }
        // Level labels get the row's slot; a label wider than its slot is slanted, and the
        // diagram grows by the slanted label's height.
        let fits = |(n, len): (usize, usize)| {
            let font = Self::level_font(ROW / n.max(1) as f64);
            n <= 1 || len as f64 * font * 0.6 <= ROW / n as f64 - 4.0
        };
        let extra = |(n, len): (usize, usize)| {
            if fits((n, len)) {
                0.0
            } else {
                (len as f64 * SLANT_FONT * 0.6 * SIN45).min(90.0)
            }
        };
        let [p, c] = clients;
        let top = extra(p);
        Geometry {
            tall,
            w: 360.0,
            h: 250.0 + top + extra(c),
            top,
            slant: (!fits(p), !fits(c)),
        }
    }
    fn level_font(slot: f64) -> f64 {
        (slot * 0.45).clamp(7.0, 12.0)
    }
    /// Room along a row (tall) or a column (wide) for clients.
    fn client_span(&self) -> f64 {
        if self.tall {
            ROW
        } else {
            self.h - 55.0
        }
    }
    fn client(&self, producer: bool, i: usize, n: usize) -> (f64, f64) {
        let step = self.client_span() / n.max(1) as f64;
        let along = (i as f64 + 0.5) * step;
        match (self.tall, producer) {
            (true, true) => (50.0 + along, self.top + 40.0),
            (true, false) => (50.0 + along, self.top + 205.0),
            (false, true) => (90.0, 40.0 + along),
            (false, false) => (910.0, 40.0 + along),
        }
    }
    fn broker_span(&self) -> (f64, f64, f64) {
        if self.tall {
            (10.0, 340.0, self.top + 150.0)
        } else {
            // Level with the middle of the client columns (110 in the usual 170-unit band).
            (250.0, 500.0, (self.h - 55.0) / 2.0 + 52.5)
        }
    }
    fn broker(&self, i: usize, n: usize) -> (f64, f64) {
        let (x0, span, y) = self.broker_span();
        (x0 + (i as f64 + 0.5) * (span / n.max(1) as f64), y)
    }
    /// Broker circles shrink to fit a dozen brokers side by side.
    fn broker_r(&self, n: usize) -> f64 {
        let (_, span, _) = self.broker_span();
        (span / n.max(1) as f64 / 2.0 - 2.0).clamp(9.0, 17.0)
    }
    fn controller(&self) -> (f64, f64) {
        if self.tall {
            (self.w / 2.0, self.top + 95.0)
        } else {
            (self.w / 2.0, 26.0)
        }
    }
}

#[function_component(NetworkView)]
pub fn network_view() -> Html {
    let app = use_app();
    let tall = use_media_query("(max-width: 600px)");
    let v = &app.view;
    let producers: Vec<String> = v.producers.iter().map(|p| p.id.clone()).collect();
    let consumers: Vec<String> = v.consumers.iter().map(|c| c.id.clone()).collect();
    let longest = |names: &[String]| names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let g = Geometry::new(
        tall,
        [
            (producers.len(), longest(&producers)),
            (consumers.len(), longest(&consumers)),
        ],
    );
    let clients = app
        .session
        .borrow()
        .cluster
        .clients
        .iter()
        .map(|c| c.name().to_string())
        .collect::<Vec<_>>();
    let nb = v.brokers.len();
    let broker_r = g.broker_r(nb);
    let side_pos = |names: &Vec<String>, name: &str, producer: bool| -> Option<(f64, f64)> {
        let i = names.iter().position(|n| n == name)?;
        Some(g.client(producer, i, names.len()))
    };
    let pos = |node: NodeId| -> Option<(f64, f64)> {
        match node {
            NodeId::Controller => Some(g.controller()),
            NodeId::Broker(b) => v
                .brokers
                .iter()
                .position(|x| x.id == b)
                .map(|i| g.broker(i, nb)),
            NodeId::Client(c) => {
                let name = clients.get(c as usize)?;
                side_pos(&producers, name, true).or_else(|| side_pos(&consumers, name, false))
            }
        }
    };
    let now = v.now as f64;
    // Every message in flight as a circle in one path per kind and size: at a dozen brokers
    // hundreds of messages are on the wire, and ten paths whose `d` changes cost the page far
    // less than hundreds of circles moving (each its own element, attributes and tooltip).
    let mut paths: [(String, usize); MSG_PATHS.len()] = Default::default();
    for m in &v.in_flight {
        let (Some((x1, y1)), Some((x2, y2))) = (pos(m.from), pos(m.to)) else {
            continue;
        };
        let span = (m.arrive_at.saturating_sub(m.sent_at)).max(1) as f64;
        let f = ((now - m.sent_at as f64) / span).clamp(0.0, 1.0);
        let kind = if m.name.starts_with("Produce") {
            0
        } else if m.name.starts_with("Fetch") {
            if m.name.contains("replica") {
                1
            } else {
                2
            }
        } else if m.name.starts_with("Metadata")
            || m.name.starts_with("Broker")
            || m.name.starts_with("Alter")
        {
            3
        } else {
            4
        };
        let big = m.records > 0;
        let x = x1 + (x2 - x1) * f;
        let y = y1 + (y2 - y1) * f - (f * (1.0 - f) * 40.0);
        let r = if big { 6 } else { 4 };
        let Some((d, n)) = paths.get_mut(kind * 2 + usize::from(big)) else {
            continue;
        };
        // A circle: move to its left edge, two half arcs.
        let _ = write!(
            d,
            "M{:.1} {y:.1}a{r} {r} 0 1 0 {} 0a{r} {r} 0 1 0 -{} 0",
            x - f64::from(r),
            2 * r,
            2 * r
        );
        *n += 1;
    }
    let dots = MSG_PATHS.iter().zip(paths).map(|((class, what), (d, n))| {
        html! { <path class={classes!("msg", *class)} d={d}><title>{ format!("{n} {what} in flight") }</title></path> }
    });
    let node = |x: f64, y: f64, r: f64, label: String, class: &'static str| {
        let font = if r < 17.0 {
            format!("font-size:{:.1}px", (r * 0.8).max(8.0))
        } else {
            String::new()
        };
        html! { <g class={classes!("node", class)}><circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{r:.1}")} /><text x={format!("{x:.1}")} y={format!("{:.1}", y + 4.0)} text-anchor="middle" style={font}>{ label }</text></g> }
    };
    // Clients: a dot sized to the space each has in its column (or row), the name beside it
    // towards the brokers (or under it), so long ids and a dozen consumers neither cover the
    // dots nor each other.
    let client = |(x, y): (f64, f64), label: String, n: usize, producer: bool| {
        let slot = g.client_span() / n.max(1) as f64;
        let r = (slot / 2.0 - 1.5).clamp(3.0, 9.0);
        let slanted = if producer { g.slant.0 } else { g.slant.1 };
        let (tx, ty, anchor, font) = if g.tall && slanted {
            // Slanted at 45°, away from the brokers and to the left, ending at the dot (the
            // row starts 50 units in, the right edge is nearer).
            let ty = if producer { y - r - 3.0 } else { y + r + 3.0 };
            (x, ty, "end", SLANT_FONT)
        } else if g.tall {
            let font = Geometry::level_font(slot);
            let ty = if producer { y - r - 4.0 } else { y + r + font };
            (x, ty, "middle", font)
        } else {
            let font = (slot - 1.0).clamp(7.0, 13.0);
            let tx = if producer { x + r + 5.0 } else { x - r - 5.0 };
            (
                tx,
                y + font * 0.35,
                if producer { "start" } else { "end" },
                font,
            )
        };
        let transform = (g.tall && slanted).then(|| {
            let angle = if producer { 45 } else { -45 };
            format!("rotate({angle} {tx:.1} {ty:.1})")
        });
        html! {
            <g class="node client">
                <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{r:.1}")} />
                <text x={format!("{tx:.1}")} y={format!("{ty:.1}")} text-anchor={anchor} transform={transform}
                    style={format!("font-size:{font:.1}px")}>{ label }</text>
            </g>
        }
    };
    // Lane titles: above and below the rows when tall, over the columns when wide.
    let (lane_p, lane_c) = if g.tall {
        ((6.0, 14.0, "start"), (6.0, g.h - 6.0, "start"))
    } else {
        ((90.0, 16.0, "middle"), (910.0, 16.0, "middle"))
    };
    let (cx, cy) = g.controller();
    html! {
        <figure class={classes!("card", "network", g.tall.then_some("tall"))} data-shape={if g.tall { "tall" } else { "wide" }} aria-label="Network: messages in flight">
            <svg viewBox={format!("0 0 {} {}", g.w, g.h)} preserveAspectRatio="xMidYMid meet" role="img" aria-label={format!("{} messages in flight", v.in_flight.len())}
                style={(!g.tall).then(|| format!("--net-h:{:.0}px", g.h))}>
                <text class="lane" x={lane_p.0.to_string()} y={lane_p.1.to_string()} text-anchor={lane_p.2}>{ "producers" }</text>
                <text class="lane" x={lane_c.0.to_string()} y={lane_c.1.to_string()} text-anchor={lane_c.2}>{ "consumers" }</text>
                // Messages first, in their own group: they pass under the nodes, so the brokers'
                // labels stay readable, and the nodes after them keep their elements however
                // many messages there are.
                <g class="msgs">{ for dots }</g>
                { for v.brokers.iter().enumerate().map(|(i, b)| { let (x, y) = g.broker(i, nb); node(x, y, broker_r, format!("B{}", b.id), if b.alive { "broker" } else { "broker down" }) }) }
                { node(cx, cy, 17.0, "ctl".into(), "controller") }
                { for producers.iter().enumerate().map(|(i, p)| client(g.client(true, i, producers.len()), p.clone(), producers.len(), true)) }
                { for consumers.iter().enumerate().map(|(i, c)| client(g.client(false, i, consumers.len()), c.clone(), consumers.len(), false)) }
            </svg>
            <figcaption class="net-legend">
                <span><i class="dot produce"></i>{ "produce" }</span>
                <span><i class="dot replica"></i>{ "replication fetch" }</span>
                <span><i class="dot fetch"></i>{ "consumer fetch" }</span>
                <span><i class="dot control"></i>{ "metadata / controller" }</span>
            </figcaption>
        </figure>
    }
}
