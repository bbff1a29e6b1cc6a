//! cw-multi-test's distribution module does not implement `FundCommunityPool`; this
//! wrapper does (moving the funds to a community-pool account) and forwards the rest.

use cosmwasm_std::{
    Addr, Api, BankMsg, Binary, BlockInfo, CustomMsg, CustomQuery, DistributionMsg,
    DistributionQuery, Empty, Querier, Storage,
};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, CosmosRouter, Distribution, DistributionKeeper, Module};
use serde::de::DeserializeOwned;

/// The distribution module of the Suite's chain.
pub struct CommunityPoolDistribution {
    inner: DistributionKeeper,
    /// Where `FundCommunityPool` sends funds.
    pub community_pool: Addr,
}

impl CommunityPoolDistribution {
    pub fn new(community_pool: Addr) -> Self {
        CommunityPoolDistribution {
            inner: DistributionKeeper::new(),
            community_pool,
        }
    }
}

impl Distribution for CommunityPoolDistribution {}

impl Module for CommunityPoolDistribution {
    type ExecT = DistributionMsg;
    type QueryT = DistributionQuery;
    type SudoT = Empty;

    fn execute<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: DistributionMsg,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        match msg {
            DistributionMsg::FundCommunityPool { amount } => router.execute(
                api,
                storage,
                block,
                sender,
                BankMsg::Send {
                    to_address: self.community_pool.to_string(),
                    amount,
                }
                .into(),
            ),
            other => self
                .inner
                .execute(api, storage, router, block, sender, other),
        }
    }

    fn query(
        &self,
        api: &dyn Api,
        storage: &dyn Storage,
        querier: &dyn Querier,
        block: &BlockInfo,
        request: DistributionQuery,
    ) -> AnyResult<Binary> {
        self.inner.query(api, storage, querier, block, request)
    }

    fn sudo<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        msg: Empty,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        self.inner.sudo(api, storage, router, block, msg)
    }
}
