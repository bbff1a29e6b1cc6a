//! cw-multi-test's distribution module does not implement `FundCommunityPool`; this
//! wrapper does (moving the funds to a community-pool account) and forwards the rest.

use cosmwasm_std::{
    Addr, Api, BankMsg, Binary, BlockInfo, CustomMsg, CustomQuery, DistributionMsg,
    DistributionQuery, Empty, Querier, Storage,
};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, CosmosRouter, Distribution, DistributionKeeper, Module};
use serde::de::DeserializeOwned;

use crate::proto;

/// The distribution module of the Suite's chain.
pub struct CommunityPoolDistribution {
    inner: DistributionKeeper,
    /// Where `FundCommunityPool` sends funds.
    pub community_pool: Addr,
}

impl CommunityPoolDistribution {
    /// cw-multi-test's distribution module, with `FundCommunityPool` paying `community_pool`.
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

/// The SDK's community-pool deposit, as a protobuf type URL.
pub const MSG_FUND_COMMUNITY_POOL: &str = "/cosmos.distribution.v1beta1.MsgFundCommunityPool";

/// Handles `/cosmos.distribution.v1beta1.MsgFundCommunityPool` sent as a protobuf message
/// (how the hub routes slashed stake to the community pool); refuses other stargate
/// messages as cw-multi-test's default does.
pub struct CommunityPoolStargate {
    /// Where `MsgFundCommunityPool` sends funds.
    pub community_pool: Addr,
    /// Refuse `MsgFundCommunityPool` (a chain whose community pool takes no deposits).
    pub refuse: bool,
}

impl cw_multi_test::Stargate for CommunityPoolStargate {
    fn execute_stargate<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        type_url: String,
        value: Binary,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        if type_url != MSG_FUND_COMMUNITY_POOL {
            return Err(crate::stargate::unknown_type(&type_url).into());
        }
        if self.refuse {
            anyhow::bail!("the community pool takes no deposits on this chain");
        }
        let (coins, depositor) = decode_fund_community_pool(value.as_slice())?;
        if depositor != sender.as_str() {
            anyhow::bail!("depositor {depositor} is not the signer {sender}");
        }
        router.execute(
            api,
            storage,
            block,
            sender,
            BankMsg::Send {
                to_address: self.community_pool.to_string(),
                amount: coins,
            }
            .into(),
        )
    }

    /// The hub asks no Stargate query (the Cosmos Hub refuses them all); none is answered.
    fn query_stargate(
        &self,
        _api: &dyn Api,
        _storage: &dyn Storage,
        _querier: &dyn Querier,
        _block: &BlockInfo,
        path: String,
        _data: Binary,
    ) -> AnyResult<Binary> {
        anyhow::bail!("unsupported stargate query {path}")
    }
}

fn decode_fund_community_pool(b: &[u8]) -> AnyResult<(Vec<cosmwasm_std::Coin>, String)> {
    let mut coins = vec![];
    let mut depositor = String::new();
    for (field, value) in proto::fields(b)? {
        match field {
            1 => coins.push(proto::coin(&value)?),
            2 => depositor = proto::string(&value)?,
            _ => {}
        }
    }
    Ok((coins, depositor))
}
