//! A group's total lag over the last minute of simulated time.
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// (simulated time, total lag), oldest first.
    pub points: Rc<Vec<(u64, i64)>>,
}

#[function_component(LagChart)]
pub fn lag_chart(p: &Props) -> Html {
    let points = &p.points;
    if points.len() < 2 {
        // Its room is kept, so that the group's card does not grow when the chart appears.
        return html! { <div class="lag-chart" aria-hidden="true"></div> };
    }
    let (w, h) = (240.0, 36.0);
    let t0 = points.first().map_or(0, |x| x.0) as f64;
    let t1 = points.last().map_or(1, |x| x.0) as f64;
    let span = (t1 - t0).max(1.0);
    let max = points.iter().map(|x| x.1).max().unwrap_or(1).max(1) as f64;
    let path: Vec<String> = points
        .iter()
        .map(|(t, v)| {
            format!(
                "{:.1},{:.1}",
                (*t as f64 - t0) / span * w,
                h - (*v as f64 / max) * (h - 4.0) - 2.0
            )
        })
        .collect();
    html! {
        <svg class="lag-chart" viewBox={format!("0 0 {w} {h}")} preserveAspectRatio="none" role="img"
            aria-label={format!("lag over time, peak {max}")}>
            <polyline points={path.join(" ")} />
            <text x="2" y="10">{ format!("peak {max}") }</text>
        </svg>
    }
}
