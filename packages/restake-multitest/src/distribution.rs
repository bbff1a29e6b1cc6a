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
        if type_url != "/cosmos.distribution.v1beta1.MsgFundCommunityPool" {
            anyhow::bail!("unsupported stargate message {type_url}");
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

/// Reads the length-delimited fields of a protobuf message: (field number, bytes).
fn proto_fields(mut b: &[u8]) -> AnyResult<Vec<(u64, &[u8])>> {
    let mut out = vec![];
    while !b.is_empty() {
        let (tag, rest) = varint(b)?;
        if tag & 7 != 2 {
            anyhow::bail!("unexpected wire type in MsgFundCommunityPool");
        }
        let (len, rest) = varint(rest)?;
        let len = len as usize;
        if rest.len() < len {
            anyhow::bail!("truncated protobuf");
        }
        out.push((tag >> 3, &rest[..len]));
        b = &rest[len..];
    }
    Ok(out)
}

fn varint(b: &[u8]) -> AnyResult<(u64, &[u8])> {
    let mut v = 0u64;
    for (i, byte) in b.iter().enumerate().take(10) {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((v, &b[i + 1..]));
        }
    }
    anyhow::bail!("bad varint")
}

fn decode_fund_community_pool(b: &[u8]) -> AnyResult<(Vec<cosmwasm_std::Coin>, String)> {
    let mut coins = vec![];
    let mut depositor = String::new();
    for (field, bytes) in proto_fields(b)? {
        match field {
            1 => {
                let mut denom = String::new();
                let mut amount = 0u128;
                for (f, v) in proto_fields(bytes)? {
                    match f {
                        1 => denom = String::from_utf8(v.to_vec())?,
                        2 => amount = std::str::from_utf8(v)?.parse()?,
                        _ => {}
                    }
                }
                coins.push(cosmwasm_std::coin(amount, denom));
            }
            2 => depositor = String::from_utf8(bytes.to_vec())?,
            _ => {}
        }
    }
    Ok((coins, depositor))
}
