//! cw-multi-test's staking module with jailing: a jailed validator leaves the bonded set
//! that `StakingQuery::AllValidators` answers (as wasmd's does), which is how the hub tells a
//! bonded validator from a jailed or unbonded one. cw-multi-test itself has no jailing.
//!
//! Two more things x/staking does and cw-multi-test 2.5 does not, both after a slash:
//! - a validator's total tokens never fall below what its delegations are worth (cw-multi-test
//!   rounds the total down at every slash but not the delegations, so after two slashes the
//!   last delegator could not undelegate everything: "Cannot Sub with given operands");
//! - delegation *shares* keep their number while the tokens behind them shrink: the tokens
//!   per share of each validator are kept here, for x/liquid's share tokens.

use cosmwasm_std::{
    from_json, to_json_binary, to_json_vec, Addr, AllValidatorsResponse, Api, Binary, BlockInfo,
    CustomMsg, CustomQuery, Decimal, Decimal256, Querier, StakingMsg, StakingQuery, Storage,
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

fn tokens_per_share_key(validator: &str) -> Vec<u8> {
    [
        b"restake-multitest/tokens_per_share/".as_slice(),
        validator.as_bytes(),
    ]
    .concat()
}

/// Tokens one delegation share of the validator is worth: 1 until the validator is slashed,
/// then the product of `1 − fraction` over its slashes (x/staking's `tokens / delegator_shares`).
pub fn tokens_per_share(storage: &dyn Storage, validator: &str) -> Decimal256 {
    storage
        .get(&tokens_per_share_key(validator))
        .and_then(|raw| from_json(&raw).ok())
        .unwrap_or(Decimal256::one())
}

fn slashed(storage: &mut dyn Storage, validator: &str, fraction: Decimal) -> AnyResult<()> {
    crate::internals::reconcile_validator_stake(storage, validator)?;
    let rate = tokens_per_share(storage, validator) * Decimal256::from(Decimal::one() - fraction);
    storage.set(&tokens_per_share_key(validator), &to_json_vec(&rate)?);
    Ok(())
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
        let StakingSudo::Slash {
            validator,
            percentage,
        } = &msg;
        let (validator, percentage) = (validator.clone(), *percentage);
        let res = self.inner.sudo(api, storage, router, block, msg)?;
        slashed(storage, &validator, percentage)?;
        Ok(res)
    }
}
