//! End-to-end tests on gaiad v25.1.1: one binary, one file per feature, so that
//! `scripts/gaia-e2e.sh` runs them side by side against one node (see `restake_gaia::lock`
//! for what must not overlap).

mod gaia;
