//! Shared helpers for the scenario tests.

use cosmwasm_std::Record;
use restake_hub::ContractError;
use restake_multitest::{err_text, ChainError, Suite};

/// Every key and value of the hub's storage.
pub fn dump(suite: &Suite) -> Vec<Record> {
    suite.app.dump_wasm_raw(&suite.hub)
}

/// Runs `f`, expects the hub to refuse it, checks that the hub's storage and bank balance
/// did not change, and returns the hub's typed error so the test names the variant:
/// `assert_eq!(refused_with(&mut s, |s| ..), ContractError::Paused)`.
pub fn refused_with<T: std::fmt::Debug>(
    suite: &mut Suite,
    f: impl FnOnce(&mut Suite) -> anyhow::Result<T>,
) -> ContractError {
    let err = refusal(suite, f);
    err.downcast::<ContractError>()
        .unwrap_or_else(|err| panic!("not a refusal of the hub's ContractError: {err:?}"))
}

/// The hub's typed error behind an error, for tests that check more than [`refused_with`]
/// does before they name the variant.
pub fn hub_error(e: &anyhow::Error) -> &ContractError {
    e.downcast_ref::<ContractError>()
        .unwrap_or_else(|| panic!("not a refusal of the hub's ContractError: {e:?}"))
}

/// The chain module's refusal behind an error (the Suite's gov and x/liquid emulations).
pub fn chain_error(e: &anyhow::Error) -> &ChainError {
    e.chain()
        .find_map(|c| c.downcast_ref::<ChainError>())
        .unwrap_or_else(|| panic!("not a chain refusal: {e:?}"))
}

/// Runs `f`, expects it to fail with an error containing `needle`, and checks that the
/// hub's storage and bank balance did not change. Only for refusals that are not the hub's
/// `ContractError` (the chain's bank module, message parsing, cw-multi-test itself), whose
/// only trace is their text; a refusal by the hub goes through [`refused_with`].
pub fn refused<T: std::fmt::Debug>(
    suite: &mut Suite,
    needle: &str,
    f: impl FnOnce(&mut Suite) -> anyhow::Result<T>,
) -> String {
    let text = err_text(&refusal(suite, f));
    assert!(
        text.contains(needle),
        "expected an error containing {needle:?}, got {text:?}"
    );
    text
}

/// The error of `f`, which must fail and leave the hub's storage and balance unchanged.
fn refusal<T: std::fmt::Debug>(
    suite: &mut Suite,
    f: impl FnOnce(&mut Suite) -> anyhow::Result<T>,
) -> anyhow::Error {
    let before = dump(suite);
    let balance_before = suite.hub_balance(&suite.denom.clone());
    let err = f(suite).expect_err("the message should have been refused");
    assert!(
        dump(suite) == before,
        "a refused message changed the hub's storage"
    );
    assert_eq!(suite.hub_balance(&suite.denom.clone()), balance_before);
    err
}

/// The workspace's root folder (the tests crate sits in it).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}
