//! Shared helpers for the scenario tests.

use cosmwasm_std::Record;
use restake_multitest::{err_text, Suite};

/// Every key and value of the hub's storage.
pub fn dump(suite: &Suite) -> Vec<Record> {
    suite.app.dump_wasm_raw(&suite.hub)
}

/// Runs `f`, expects it to fail with an error containing `needle`, and checks that the
/// hub's storage and the hub's bank balances did not change.
pub fn refused<T: std::fmt::Debug>(
    suite: &mut Suite,
    needle: &str,
    f: impl FnOnce(&mut Suite) -> anyhow::Result<T>,
) -> String {
    let before = dump(suite);
    let balance_before = suite.hub_balance(&suite.denom.clone());
    let err = f(suite).expect_err("the message should have been refused");
    let text = err_text(&err);
    assert!(
        text.contains(needle),
        "expected an error containing {needle:?}, got {text:?}"
    );
    assert!(
        dump(suite) == before,
        "a refused message changed the hub's storage"
    );
    assert_eq!(suite.hub_balance(&suite.denom.clone()), balance_before);
    text
}
