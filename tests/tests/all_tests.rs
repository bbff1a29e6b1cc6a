//! Scenario tests: one binary, one file per feature (mars-style).

mod suite;
