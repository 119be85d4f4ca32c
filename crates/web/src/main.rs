fn main() {
    // A phone gets a lower memory limit than a desktop (see heap.rs).
    kafka_playground::heap::set_limit_for_this_device();
    yew::Renderer::<kafka_playground::App>::new().render();
}
