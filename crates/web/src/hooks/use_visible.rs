//! Whether an element is on screen (or within a margin of it), kept current by an
//! `IntersectionObserver` as the page scrolls.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::prelude::*;

/// `true` while the element behind `node` is within `margin` (a CSS margin, e.g. `"400px"`)
/// of the viewport, or of its nearest scrolling ancestor (the side column scrolls on its own
/// on wide screens; an observer of the viewport would see its contents clipped by it, margin
/// or not). `true` before the element is mounted and where the browser has no
/// `IntersectionObserver`, so that a caller that skips work off screen never hides anything
/// it should not.
#[hook]
pub fn use_visible(node: NodeRef, margin: &'static str) -> bool {
    let visible = use_state_eq(|| true);
    {
        let visible = visible.clone();
        use_effect_with(node, move |node| {
            let watch = node.cast::<web_sys::Element>().and_then(|el| {
                let w = Watch::new(&el, margin, visible)?;
                w.observer.observe(&el);
                Some(w)
            });
            move || {
                if let Some(w) = watch {
                    w.observer.disconnect();
                }
            }
        });
    }
    *visible
}

/// The nearest ancestor of `el` that scrolls its content (`overflow-y` auto or scroll).
fn scrolling_ancestor(el: &web_sys::Element) -> Option<web_sys::Element> {
    let window = web_sys::window()?;
    let mut at = el.parent_element();
    while let Some(e) = at {
        let overflow = window
            .get_computed_style(&e)
            .ok()
            .flatten()
            .and_then(|s| s.get_property_value("overflow-y").ok())
            .unwrap_or_default();
        if overflow == "auto" || overflow == "scroll" {
            return Some(e);
        }
        at = e.parent_element();
    }
    None
}

/// Like [`use_visible`], for the first element inside `wrapper` (an element styled
/// `display: contents`, which has no box of its own to observe). The child is looked up after
/// every render and observed afresh when it changed (a component may replace its root). With
/// no child element, or where the browser has no `IntersectionObserver`, it is `true`.
#[hook]
pub fn use_first_child_visible(wrapper: NodeRef, margin: &'static str) -> bool {
    let visible = use_state_eq(|| true);
    let watch = use_mut_ref(|| None::<Watch>);
    {
        let visible = visible.clone();
        let watch = watch.clone();
        use_effect(move || {
            let Some(el) = wrapper.cast::<web_sys::Element>() else {
                return;
            };
            let child = el.first_element_child();
            let mut w = watch.borrow_mut();
            if w.is_none() {
                *w = Watch::new(&el, margin, visible.clone());
            }
            if let Some(w) = w.as_mut() {
                w.follow(child, &visible);
            }
        });
    }
    use_effect_with((), move |_| {
        move || {
            if let Some(w) = watch.borrow_mut().take() {
                w.observer.disconnect();
            }
        }
    });
    *visible
}

/// An observer that sets a visibility state from its latest entry, and its callback (which
/// must live as long as it). [`use_first_child_visible`] moves it from element to element.
struct Watch {
    observer: IntersectionObserver,
    watched: Option<web_sys::Element>,
    _on_change: Closure<dyn FnMut(js_sys::Array)>,
}

impl Watch {
    /// An observer within `margin` of the viewport or of `near`'s nearest scrolling ancestor.
    fn new(near: &web_sys::Element, margin: &str, visible: UseStateHandle<bool>) -> Option<Self> {
        let on_change = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // The latest entry is the element's current state.
            if let Some(e) = entries
                .iter()
                .last()
                .and_then(|e| e.dyn_into::<IntersectionObserverEntry>().ok())
            {
                visible.set(e.is_intersecting());
            }
        });
        let init = IntersectionObserverInit::new();
        init.set_root_margin(margin);
        if let Some(root) = scrolling_ancestor(near) {
            init.set_root(Some(&root));
        }
        let observer =
            IntersectionObserver::new_with_options(on_change.as_ref().unchecked_ref(), &init)
                .ok()?;
        Some(Watch {
            observer,
            watched: None,
            _on_change: on_change,
        })
    }

    /// Watch `child` instead of what was watched; no child counts as visible.
    fn follow(&mut self, child: Option<web_sys::Element>, visible: &UseStateHandle<bool>) {
        if self.watched == child {
            return;
        }
        if let Some(old) = self.watched.take() {
            self.observer.unobserve(&old);
        }
        match &child {
            Some(c) => self.observer.observe(c),
            None => visible.set(true),
        }
        self.watched = child;
    }
}
