//! The protobuf (`Stargate` / `Any`) messages the Suite's chain understands, and the errors
//! its modules refuse with.

use cosmwasm_std::{
    Addr, AnyMsg, Api, Binary, BlockInfo, CustomMsg, CustomQuery, GrpcQuery, Querier, Storage,
};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, CosmosRouter, Stargate};
use serde::de::DeserializeOwned;

use crate::distribution::CommunityPoolStargate;
use crate::liquid::Liquid;

/// A refusal by one of the chain's modules, as the Cosmos SDK reports it: a codespace, a code
/// and a log.
///
/// Its text carries both forms a contract meets on a real chain: the log (what a transaction
/// that fails shows) and `codespace: X, code: N`, the only part wasmd 0.50+ passes to a
/// contract's `reply` (it redacts the rest, see docs/gaia.md). Code that reads a reply must
/// therefore look only at the codespace and code: that part is the same here and on gaiad.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainError {
    /// The module (`liquid`, `gov`, `staking`, `sdk`, `wasm`, ...).
    pub codespace: &'static str,
    /// The module's error code.
    pub code: u32,
    /// The error's text in the transaction log.
    pub log: String,
}

impl ChainError {
    /// A refusal by `codespace` with `code` and `log`.
    pub fn new(codespace: &'static str, code: u32, log: impl Into<String>) -> Self {
        ChainError {
            codespace,
            code,
            log: log.into(),
        }
    }

    /// What wasmd passes to a contract's reply: `codespace: X, code: N`.
    pub fn redacted(&self) -> String {
        format!("codespace: {}, code: {}", self.codespace, self.code)
    }
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.log, self.redacted())
    }
}

impl std::error::Error for ChainError {}

/// Refuses with a [`ChainError`].
pub fn refuse<T>(codespace: &'static str, code: u32, log: impl Into<String>) -> AnyResult<T> {
    Err(ChainError::new(codespace, code, log).into())
}

/// wasmd's answer to a protobuf message of a type the chain does not know.
pub fn unknown_type(type_url: &str) -> ChainError {
    ChainError::new(
        "wasm",
        10,
        format!(
            "Cannot unpack proto message with type URL: {type_url}: invalid CosmosMsg from the contract"
        ),
    )
}

/// The Suite's handler of `CosmosMsg::Stargate` and `CosmosMsg::Any`: the community-pool
/// deposit and, unless the chain is built without it, Gaia's x/liquid. Like gaiad, it answers
/// no Stargate or gRPC query.
pub struct SuiteStargate {
    /// `MsgFundCommunityPool`.
    pub community_pool: CommunityPoolStargate,
    /// x/liquid; `None` for a chain without it (its messages are unknown types there).
    pub liquid: Option<Liquid>,
}

impl SuiteStargate {
    #[allow(clippy::too_many_arguments)] // the Stargate trait's arguments, plus the type and value
    fn route<ExecC, QueryC>(
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
        if type_url == crate::distribution::MSG_FUND_COMMUNITY_POOL {
            return self
                .community_pool
                .execute_stargate(api, storage, router, block, sender, type_url, value);
        }
        match &self.liquid {
            Some(liquid) if liquid.handles(&type_url) => {
                liquid.execute(api, storage, router, block, sender, &type_url, &value)
            }
            _ => Err(unknown_type(&type_url).into()),
        }
    }
}

impl Stargate for SuiteStargate {
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
        self.route(api, storage, router, block, sender, type_url, value)
    }

    fn execute_any<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: AnyMsg,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        self.route(api, storage, router, block, sender, msg.type_url, msg.value)
    }

    /// gaiad refuses every Stargate query from a contract.
    fn query_stargate(
        &self,
        _api: &dyn Api,
        _storage: &dyn Storage,
        _querier: &dyn Querier,
        _block: &BlockInfo,
        _path: String,
        _data: Binary,
    ) -> AnyResult<Binary> {
        anyhow::bail!("Unsupported query type: Stargate queries are disabled on this chain")
    }

    /// gaiad refuses every gRPC query from a contract.
    fn query_grpc(
        &self,
        _api: &dyn Api,
        _storage: &dyn Storage,
        _querier: &dyn Querier,
        _block: &BlockInfo,
        _request: GrpcQuery,
    ) -> AnyResult<Binary> {
        anyhow::bail!("Unsupported query type: gRPC queries are disabled on this chain")
    }
}
