//! Nothing here: the differential tests are in `tests/differential/` (see its `main.rs`).
