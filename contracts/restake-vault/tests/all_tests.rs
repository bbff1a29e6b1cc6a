//! Scenario tests of the vault on the restake-multitest Suite, driven by raw JSON: one
//! binary, one file per feature.

mod suite;
