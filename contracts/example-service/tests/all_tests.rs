//! Scenario tests of the example service on the restake-multitest Suite: one binary, one
//! file per feature.

mod suite;
