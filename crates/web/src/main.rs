fn main() {
    yew::Renderer::<kafka_playground::App>::new().render();
}
