//! Contracts beside the hub: a service contract, a token, anything a test stores and
//! instantiates on the Suite's chain and talks to.

use anyhow::Result as AnyResult;
use cosmwasm_std::{to_json_binary, Addr, Coin, Empty, StdResult, Uint128};
use cw_multi_test::{AppResponse, Contract, Executor};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::step::Step;
use crate::suite::Suite;

impl Suite {
    /// Stores a contract's code on the chain and returns its code id.
    ///
    /// ```
    /// use restake_multitest::{ContractWrapper, SuiteBuilder};
    /// use cw20_base::contract::{execute, instantiate, query};
    ///
    /// let mut suite = SuiteBuilder::new().build();
    /// let code = suite.store_code(Box::new(ContractWrapper::new(execute, instantiate, query)));
    /// assert!(code > suite.cw20_code);
    /// ```
    pub fn store_code(&mut self, contract: Box<dyn Contract<Empty>>) -> u64 {
        self.app.store_code(contract)
    }

    /// Instantiates stored code. `sender` (an account name or an address) sends the
    /// instantiation and becomes the contract's wasm admin, so it can migrate it later.
    pub fn instantiate_contract<T: Serialize>(
        &mut self,
        code_id: u64,
        sender: &str,
        msg: &T,
        funds: &[Coin],
        label: &str,
    ) -> AnyResult<Addr> {
        let sender = self.addr(sender);
        self.known.insert(sender.clone());
        self.app.instantiate_contract(
            code_id,
            sender.clone(),
            msg,
            funds,
            label,
            Some(sender.to_string()),
        )
    }

    /// Sends a message to any contract (the hub's own helpers use [`Suite::execute`]).
    /// The sender is remembered for the invariant checks, like every Suite sender.
    pub fn execute_contract<T: Serialize + std::fmt::Debug>(
        &mut self,
        sender: &str,
        contract: &Addr,
        msg: &T,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        self.apply(&Step::Wasm {
            sender: sender.to_string(),
            contract: contract.to_string(),
            msg: to_json_binary(msg)?,
            funds: funds.to_vec(),
        })
    }

    /// Queries any contract.
    pub fn query_contract<T: DeserializeOwned, Q: Serialize>(
        &self,
        contract: &Addr,
        msg: &Q,
    ) -> StdResult<T> {
        self.app.wrap().query_wasm_smart(contract, msg)
    }

    /// Migrates a contract to `new_code_id`; `sender` must be its wasm admin.
    pub fn migrate_contract<T: Serialize>(
        &mut self,
        sender: &str,
        contract: &Addr,
        msg: &T,
        new_code_id: u64,
    ) -> AnyResult<AppResponse> {
        let sender = self.addr(sender);
        self.app
            .migrate_contract(sender, contract.clone(), msg, new_code_id)
    }

    /// Sends `amount` of a cw20 token from `from` to a contract with a hook message (the
    /// token's `send`, which calls the contract's `receive`).
    pub fn send_cw20<T: Serialize>(
        &mut self,
        token: &Addr,
        from: &str,
        contract: &Addr,
        amount: u128,
        hook: &T,
    ) -> AnyResult<AppResponse> {
        let send = cw20::Cw20ExecuteMsg::Send {
            contract: contract.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(hook)?,
        };
        self.execute_contract(from, token, &send, &[])
    }
}
