//! cw-multi-test's staking module with jailing: a jailed validator leaves the bonded set
//! that `StakingQuery::AllValidators` answers (as wasmd's does), which is how the hub tells a
//! bonded validator from a jailed or unbonded one. cw-multi-test itself has no jailing.

use cosmwasm_std::{
    from_json, to_json_binary, Addr, AllValidatorsResponse, Api, Binary, BlockInfo, CustomMsg,
    CustomQuery, Querier, StakingMsg, StakingQuery, Storage,
};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{
    AppResponse, CosmosRouter, Module, StakeKeeper, Staking, StakingInfo, StakingSudo,
};
use serde::de::DeserializeOwned;

/// Storage key (in the app's storage) marking a validator as jailed.
pub fn jailed_key(validator: &str) -> Vec<u8> {
    [
        b"restake-multitest/jailed/".as_slice(),
        validator.as_bytes(),
    ]
    .concat()
}

/// The Suite's staking module: cw-multi-test's, with jailed validators left out of the
/// bonded set.
#[derive(Default)]
pub struct JailingStaking {
    inner: StakeKeeper,
}

impl JailingStaking {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the staking parameters (see `StakeKeeper::setup`).
    pub fn setup(&self, storage: &mut dyn Storage, info: StakingInfo) -> AnyResult<()> {
        self.inner.setup(storage, info)
    }

    /// Adds a validator (see `StakeKeeper::add_validator`).
    pub fn add_validator(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        block: &BlockInfo,
        validator: cosmwasm_std::Validator,
    ) -> AnyResult<()> {
        self.inner.add_validator(api, storage, block, validator)
    }
}

impl Staking for JailingStaking {
    fn process_queue<ExecC: CustomMsg, QueryC: CustomQuery>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
    ) -> AnyResult<AppResponse> {
        Staking::process_queue(&self.inner, api, storage, router, block)
    }
}

impl Module for JailingStaking {
    type ExecT = StakingMsg;
    type QueryT = StakingQuery;
    type SudoT = StakingSudo;

    fn execute<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: StakingMsg,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        self.inner.execute(api, storage, router, block, sender, msg)
    }

    fn query(
        &self,
        api: &dyn Api,
        storage: &dyn Storage,
        querier: &dyn Querier,
        block: &BlockInfo,
        request: StakingQuery,
    ) -> AnyResult<Binary> {
        let all = matches!(request, StakingQuery::AllValidators {});
        let answer = self.inner.query(api, storage, querier, block, request)?;
        if !all {
            return Ok(answer);
        }
        let mut r: AllValidatorsResponse = from_json(&answer)?;
        r.validators
            .retain(|v| storage.get(&jailed_key(&v.address)).is_none());
        Ok(to_json_binary(&r)?)
    }

    fn sudo<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        msg: StakingSudo,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        self.inner.sudo(api, storage, router, block, msg)
    }
}
