//! Call a callback on every animation frame with the real milliseconds since the last one.

use gloo::render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

#[hook]
pub fn use_animation_frame(active: bool, on_frame: Callback<f64>) {
    use_effect_with(active, move |active| {
        let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
        if *active {
            let last: Rc<RefCell<Option<f64>>> = Rc::new(RefCell::new(None));
            fn schedule(
                handle: Rc<RefCell<Option<AnimationFrame>>>,
                last: Rc<RefCell<Option<f64>>>,
                cb: Callback<f64>,
            ) {
                let h2 = handle.clone();
                let frame = request_animation_frame(move |ts| {
                    let dt = match *last.borrow() {
                        Some(prev) => ts - prev,
                        None => 0.0,
                    };
                    *last.borrow_mut() = Some(ts);
                    cb.emit(dt);
                    schedule(h2, last, cb);
                });
                *handle.borrow_mut() = Some(frame);
            }
            schedule(handle.clone(), last, on_frame);
        }
        move || {
            handle.borrow_mut().take();
        }
    });
}
