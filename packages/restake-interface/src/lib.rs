#![doc = include_str!("../README.md")]

use cw_orch::prelude::*;

pub use restake_types::{
    ExecuteMsg, ExecuteMsgFns, InstantiateMsg, MigrateMsg, QueryMsg, QueryMsgFns,
};
// The vault's messages share names with the hub's (`deposit`, `harvest`, `config`): its
// traits under their own names, so a script can use both contracts in one scope.
pub use restake_vault::msg::{
    ExecuteMsgFns as VaultExecuteMsgFns, QueryMsgFns as VaultQueryMsgFns,
};
pub use vault::RestakeVault;

/// The hub, as cw-orch sees it: upload, instantiate, migrate, and one typed method per
/// message (`ExecuteMsgFns`, `QueryMsgFns` from restake-types' `interface` feature).
#[cw_orch::interface(InstantiateMsg, ExecuteMsg, QueryMsg, MigrateMsg, id = "restake-hub")]
pub struct RestakeHub;

impl<Chain> Uploadable for RestakeHub<Chain> {
    /// `artifacts/restake_hub.wasm`, the optimized build of scripts/build-wasm.sh (the one a
    /// governance proposal's checksum names), or the file `RESTAKE_HUB_WASM` points at.
    fn wasm(_chain: &ChainInfoOwned) -> WasmPath {
        let path = std::env::var("RESTAKE_HUB_WASM").unwrap_or_else(|_| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../artifacts/restake_hub.wasm"
            )
            .to_string()
        });
        // The trait returns no Result: a missing file is a set-up mistake, named here.
        WasmPath::new(&path)
            .unwrap_or_else(|e| panic!("{path}: {e} (build it with scripts/build-wasm.sh)"))
    }

    /// The contract's own entry points, for cw-orch's `Mock` (cw-multi-test). The hub
    /// instantiates its delegator proxies from its own code id, so the reply handler is part
    /// of every deposit's path.
    fn wrapper() -> Box<dyn MockContract<Empty>> {
        Box::new(
            ContractWrapper::new_with_empty(
                restake_hub::contract::execute,
                restake_hub::contract::instantiate,
                restake_hub::contract::query,
            )
            .with_reply(restake_hub::contract::reply)
            .with_migrate(restake_hub::contract::migrate),
        )
    }
}

pub mod vault {
    //! The auto-allocating vault (contracts/restake-vault), a staker of the hub.
    use cw_orch::prelude::*;
    pub use restake_vault::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

    #[cw_orch::interface(InstantiateMsg, ExecuteMsg, QueryMsg, MigrateMsg, id = "restake-vault")]
    pub struct RestakeVault;

    impl<Chain> Uploadable for RestakeVault<Chain> {
        /// `artifacts/restake_vault.wasm` (`scripts/build-wasm.sh vault`), or the file
        /// `RESTAKE_VAULT_WASM` points at.
        fn wasm(_chain: &ChainInfoOwned) -> WasmPath {
            let path = std::env::var("RESTAKE_VAULT_WASM").unwrap_or_else(|_| {
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../artifacts/restake_vault.wasm"
                )
                .to_string()
            });
            WasmPath::new(&path).unwrap_or_else(|e| {
                panic!("{path}: {e} (build it with scripts/build-wasm.sh vault)")
            })
        }

        fn wrapper() -> Box<dyn MockContract<Empty>> {
            Box::new(
                ContractWrapper::new_with_empty(
                    restake_vault::contract::execute,
                    restake_vault::contract::instantiate,
                    restake_vault::contract::query,
                )
                .with_reply(restake_vault::contract::reply)
                .with_migrate(restake_vault::contract::migrate),
            )
        }
    }
}
