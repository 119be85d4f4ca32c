//! The network: every node, and each request or response on the wire as a moving dot.
use super::use_app;
use kafka_sim::types::NodeId;
use yew::prelude::*;

const W: f64 = 1000.0;
const H: f64 = 170.0;

#[function_component(NetworkView)]
pub fn network_view() -> Html {
    let app = use_app();
    let v = &app.view;
    let producers: Vec<String> = v.producers.iter().map(|p| p.id.clone()).collect();
    let consumers: Vec<String> = v.consumers.iter().map(|c| c.id.clone()).collect();
    let clients = app
        .session
        .borrow()
        .cluster
        .clients
        .iter()
        .map(|c| c.name().to_string())
        .collect::<Vec<_>>();
    let nb = v.brokers.len().max(1) as f64;
    let broker_x = |i: usize| 250.0 + (i as f64 + 0.5) * (500.0 / nb);
    // Broker circles shrink to fit a dozen brokers side by side.
    let broker_r = (500.0 / nb / 2.0 - 2.0).clamp(9.0, 17.0);
    let side_pos = |names: &Vec<String>, name: &str, x: f64| -> Option<(f64, f64)> {
        let i = names.iter().position(|n| n == name)?;
        let n = names.len().max(1) as f64;
        Some((x, 40.0 + (i as f64 + 0.5) * ((H - 55.0) / n)))
    };
    let pos = |node: NodeId| -> Option<(f64, f64)> {
        match node {
            NodeId::Controller => Some((W / 2.0, 26.0)),
            NodeId::Broker(b) => v
                .brokers
                .iter()
                .position(|x| x.id == b)
                .map(|i| (broker_x(i), 110.0)),
            NodeId::Client(c) => {
                let name = clients.get(c as usize)?;
                side_pos(&producers, name, 90.0).or_else(|| side_pos(&consumers, name, 910.0))
            }
        }
    };
    let now = v.now as f64;
    let dots = v.in_flight.iter().filter_map(|m| {
        let (x1, y1) = pos(m.from)?;
        let (x2, y2) = pos(m.to)?;
        let span = (m.arrive_at.saturating_sub(m.sent_at)).max(1) as f64;
        let f = ((now - m.sent_at as f64) / span).clamp(0.0, 1.0);
        let kind = if m.name.starts_with("Produce") {
            "produce"
        } else if m.name.starts_with("Fetch") {
            if m.name.contains("replica") { "replica" } else { "fetch" }
        } else if m.name.starts_with("Metadata") || m.name.starts_with("Broker") || m.name.starts_with("Alter") {
            "control"
        } else {
            "other"
        };
        let x = x1 + (x2 - x1) * f;
        let y = y1 + (y2 - y1) * f - (f * (1.0 - f) * 40.0);
        let r = if m.records > 0 { 6.0 } else { 4.0 };
        // Not keyed: most messages live for less than a frame, so reusing the previous
        // frame's circles (new cx, cy, class) is cheaper than creating and removing elements.
        Some(html! { <circle class={classes!("msg", kind)} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={r.to_string()}>
            <title>{ format!("{} {} → {}", m.name, m.from, m.to) }</title></circle> })
    });
    let node = |x: f64, y: f64, r: f64, label: String, class: &'static str| {
        let font = if r < 17.0 {
            format!("font-size:{:.1}px", (r * 0.8).max(8.0))
        } else {
            String::new()
        };
        html! { <g class={classes!("node", class)}><circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{r:.1}")} /><text x={format!("{x:.1}")} y={format!("{:.1}", y + 4.0)} text-anchor="middle" style={font}>{ label }</text></g> }
    };
    // Clients: a dot sized to the space each has in its column, the name beside it (towards
    // the brokers), so long ids and a dozen consumers neither cover the dots nor each other.
    let client = |x: f64, y: f64, label: String, n: usize, left: bool| {
        let slot = (H - 55.0) / n.max(1) as f64;
        let r = (slot / 2.0 - 1.5).clamp(3.0, 9.0);
        let font = (slot - 1.0).clamp(7.0, 13.0);
        let tx = if left { x - r - 5.0 } else { x + r + 5.0 };
        html! {
            <g class="node client">
                <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{r:.1}")} />
                <text x={format!("{tx:.1}")} y={format!("{:.1}", y + font * 0.35)} text-anchor={if left { "end" } else { "start" }}
                    style={format!("font-size:{font:.1}px")}>{ label }</text>
            </g>
        }
    };
    html! {
        <figure class="card network" aria-label="Network: messages in flight">
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="xMidYMid meet" role="img" aria-label={format!("{} messages in flight", v.in_flight.len())}>
                <text class="lane" x="90" y="16" text-anchor="middle">{ "producers" }</text>
                <text class="lane" x="910" y="16" text-anchor="middle">{ "consumers" }</text>
                { for v.brokers.iter().enumerate().map(|(i, b)| node(broker_x(i), 110.0, broker_r, format!("B{}", b.id), if b.alive { "broker" } else { "broker down" })) }
                { node(W / 2.0, 26.0, 17.0, "ctl".into(), "controller") }
                { for producers.iter().filter_map(|p| side_pos(&producers, p, 90.0).map(|(x, y)| client(x, y, p.clone(), producers.len(), false))) }
                { for consumers.iter().filter_map(|c| side_pos(&consumers, c, 910.0).map(|(x, y)| client(x, y, c.clone(), consumers.len(), true))) }
                { for dots }
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
