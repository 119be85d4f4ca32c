//! An error message shown next to the control that caused it.
use super::use_app;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The control id the error belongs to.
    pub control: AttrValue,
}

#[function_component(FieldError)]
pub fn field_error(props: &Props) -> Html {
    let app = use_app();
    match app.error(&props.control) {
        Some(msg) => html! {
            <p class="field-error" role="alert" data-testid={format!("error-{}", props.control)}>{ msg.clone() }</p>
        },
        None => html! {},
    }
}
