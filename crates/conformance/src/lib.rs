//! Conformance tests for the engine live in `tests/`; they run natively and under wasm32 in Node.
