//! [`Client`]: a real chain through CometBFT's RPC — ABCI queries, and transactions
//! simulated, signed with a local key (cosmrs) and broadcast, then waited for.
//!
//! Why one file: every query and transaction goes through the same RPC connection and the
//! same account; the methods are short uses of them.

use std::time::{Duration, Instant};

use cosmrs::proto::cosmos::auth::v1beta1 as auth;
use cosmrs::proto::cosmos::bank::v1beta1 as bank;
use cosmrs::proto::cosmos::base::query::v1beta1::PageRequest;
use cosmrs::proto::cosmos::distribution::v1beta1 as distribution;
use cosmrs::proto::cosmos::gov::v1 as gov;
use cosmrs::proto::cosmos::slashing::v1beta1 as slashing;
use cosmrs::proto::cosmos::staking::v1beta1 as staking;
use cosmrs::proto::cosmos::tx::v1beta1 as txproto;
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::tendermint::chain::Id as ChainId;
use cosmrs::tx::{Body, Fee, SignDoc, SignerInfo};
use cosmrs::Any;
use prost::Message;
use tendermint_rpc::client::CompatMode;
use tendermint_rpc::{Client as _, HttpClient};

use crate::error::{Error, Result};
use crate::key::Key;
use crate::msgs;
use crate::outcome::{Event, TxOutcome};
use crate::types::{
    parse_int, parse_legacy_dec, BlockInfo, Coin, DecCoin, Delegation, LiquidParams, ProposalInfo,
    SigningInfo, SlashingParams, StakingParams, Tally, UnbondingEntry, ValidatorInfo, VoteOption,
};

/// Where and how to talk to a chain.
#[derive(Clone, Debug)]
pub struct ChainConfig {
    /// CometBFT RPC, e.g. `http://127.0.0.1:26657`.
    pub rpc_url: String,
    pub chain_id: String,
    /// Bech32 account prefix (`cosmos`).
    pub prefix: String,
    /// Denom fees are paid in.
    pub fee_denom: String,
    /// Fee per unit of gas limit, in `fee_denom`.
    pub gas_price: f64,
    /// Gas limit = simulated gas × this (with [`Gas::Simulate`]).
    pub gas_adjustment: f64,
    /// How long to wait for a transaction to be included.
    pub tx_timeout: Duration,
    /// How often to poll for a transaction or a height.
    pub poll_interval: Duration,
}

impl ChainConfig {
    pub fn new(
        rpc_url: impl Into<String>,
        chain_id: impl Into<String>,
        prefix: impl Into<String>,
        fee_denom: impl Into<String>,
        gas_price: f64,
    ) -> Self {
        ChainConfig {
            rpc_url: rpc_url.into(),
            chain_id: chain_id.into(),
            prefix: prefix.into(),
            fee_denom: fee_denom.into(),
            gas_price,
            // A simulation in the block before a harvest does not see the withdrawal the real
            // transaction makes (a proxy call): the README advises 2 as well.
            gas_adjustment: 2.0,
            tx_timeout: Duration::from_secs(30),
            poll_interval: Duration::from_millis(200),
        }
    }
}

/// The gas limit of a transaction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Gas {
    /// Simulate first (a transaction the chain would refuse fails here and never lands),
    /// then use the simulated gas × `gas_adjustment`.
    #[default]
    Simulate,
    /// This limit, without simulating: a refused transaction lands in a block with its
    /// code and pays its fee.
    Fixed(u64),
}

/// A signing and query client of one chain.
#[derive(Clone, Debug)]
pub struct Client {
    rpc: HttpClient,
    cfg: ChainConfig,
    chain_id: ChainId,
    /// Queries answer at this height (`None`: the latest).
    height: Option<u64>,
}

fn page(next_key: Vec<u8>) -> Option<PageRequest> {
    Some(PageRequest {
        key: next_key,
        limit: 200,
        ..Default::default()
    })
}

fn to_event(e: &cosmrs::tendermint::abci::Event) -> Event {
    Event {
        kind: e.kind.clone(),
        attributes: e
            .attributes
            .iter()
            .map(|a| {
                (
                    String::from_utf8_lossy(a.key_bytes()).into_owned(),
                    String::from_utf8_lossy(a.value_bytes()).into_owned(),
                )
            })
            .collect(),
    }
}

fn timestamp_secs(t: &Option<cosmrs::proto::Timestamp>) -> i64 {
    t.as_ref().map(|t| t.seconds).unwrap_or(0)
}

impl Client {
    pub fn new(cfg: ChainConfig) -> Result<Self> {
        let url = cfg
            .rpc_url
            .parse()
            .map_err(|e| Error::invalid("RPC URL", e))?;
        let rpc = HttpClient::builder(url)
            .compat_mode(CompatMode::V0_37) // CometBFT 0.37 and 0.38 RPC
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| Error::rpc("connect", e.detail()))?;
        let chain_id = cfg
            .chain_id
            .parse()
            .map_err(|e| Error::invalid("chain id", e))?;
        Ok(Client {
            rpc,
            cfg,
            chain_id,
            height: None,
        })
    }

    /// A copy whose queries all answer at `height` (a consistent snapshot across many
    /// queries; the node must still keep that height's state). Transactions are unaffected.
    pub fn at_height(&self, height: u64) -> Client {
        Client {
            height: Some(height),
            ..self.clone()
        }
    }

    pub fn config(&self) -> &ChainConfig {
        &self.cfg
    }

    // ---------------------------------------------------------------------- low level

    /// A gRPC query through ABCI (`path` = `/cosmos.bank.v1beta1.Query/Balance`, ...).
    pub async fn abci_query<Q: Message, R: Message + Default>(
        &self,
        path: &str,
        request: &Q,
    ) -> Result<R> {
        let bytes = self.abci_query_raw(path, request.encode_to_vec()).await?;
        R::decode(bytes.as_slice()).map_err(|e| Error::decode(path, e))
    }

    /// A raw ABCI query: request and answer bytes.
    pub async fn abci_query_raw(&self, path: &str, data: Vec<u8>) -> Result<Vec<u8>> {
        self.abci_query_raw_at(path, data, self.height).await
    }

    async fn abci_query_raw_at(
        &self,
        path: &str,
        data: Vec<u8>,
        height: Option<u64>,
    ) -> Result<Vec<u8>> {
        let height = height
            .map(cosmrs::tendermint::block::Height::try_from)
            .transpose()
            .map_err(|e| Error::invalid("height", e))?;
        let res = self
            .rpc
            .abci_query(Some(path.to_string()), data, height, false)
            .await
            .map_err(|e| Error::rpc(path, e.detail()))?;
        if res.code.is_err() {
            return Err(Error::Query {
                path: path.to_string(),
                code: res.code.value(),
                codespace: res.codespace,
                log: res.log,
            });
        }
        Ok(res.value)
    }

    /// The latest block's height and time.
    pub async fn latest_block(&self) -> Result<BlockInfo> {
        let status = self
            .rpc
            .status()
            .await
            .map_err(|e| Error::rpc("status", e.detail()))?;
        let nanos = status.sync_info.latest_block_time.unix_timestamp_nanos();
        Ok(BlockInfo {
            height: status.sync_info.latest_block_height.value(),
            time: nanos.div_euclid(1_000_000_000) as i64,
            time_nanos: nanos.rem_euclid(1_000_000_000) as u32,
        })
    }

    /// The chain id the node reports (`node_info.network`), so a client can be built
    /// from an RPC URL alone.
    pub async fn node_chain_id(rpc_url: &str) -> Result<String> {
        let url = rpc_url.parse().map_err(|e| Error::invalid("RPC URL", e))?;
        let rpc = HttpClient::builder(url)
            .compat_mode(CompatMode::V0_37)
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| Error::rpc("connect", e.detail()))?;
        let status = rpc
            .status()
            .await
            .map_err(|e| Error::rpc("status", e.detail()))?;
        Ok(status.node_info.network.to_string())
    }

    pub async fn height(&self) -> Result<u64> {
        Ok(self.latest_block().await?.height)
    }

    /// Waits until the chain has a block at `height` or higher; returns the latest height.
    pub async fn wait_for_height(&self, height: u64, timeout: Duration) -> Result<u64> {
        let start = Instant::now();
        loop {
            let h = self.height().await?;
            if h >= height {
                return Ok(h);
            }
            if start.elapsed() > timeout {
                return Err(Error::Timeout {
                    what: format!("height {height} (at {h})"),
                    seconds: timeout.as_secs(),
                });
            }
            tokio::time::sleep(self.cfg.poll_interval).await;
        }
    }

    /// The last height the application (ABCI `Info`) has committed: the latest height a
    /// query can be pinned to (CometBFT's `status` may already list the next block).
    pub async fn app_height(&self) -> Result<u64> {
        let info = self
            .rpc
            .abci_info()
            .await
            .map_err(|e| Error::rpc("abci_info", e.detail()))?;
        Ok(info.last_block_height.value())
    }

    /// Waits until the application (ABCI `Info`) has committed `height`.
    pub async fn wait_for_app_height(&self, height: u64, timeout: Duration) -> Result<()> {
        let start = Instant::now();
        loop {
            let h = self.app_height().await?;
            if h >= height {
                return Ok(());
            }
            if start.elapsed() > timeout {
                return Err(Error::Timeout {
                    what: format!("app height {height} (at {h})"),
                    seconds: timeout.as_secs(),
                });
            }
            tokio::time::sleep(self.cfg.poll_interval).await;
        }
    }

    /// Waits for `n` more blocks; returns the new height.
    pub async fn wait_blocks(&self, n: u64) -> Result<u64> {
        let h = self.height().await?;
        self.wait_for_height(h + n, Duration::from_secs(10 + 5 * n))
            .await
    }

    /// Waits until a block's time is at or after `unix_seconds` and the application has
    /// committed that block (CometBFT lists a block before the app's Commit, and simulations
    /// run on the app's committed state); returns that block.
    pub async fn wait_for_time(&self, unix_seconds: i64, timeout: Duration) -> Result<BlockInfo> {
        let start = Instant::now();
        loop {
            let b = self.latest_block().await?;
            if b.time >= unix_seconds {
                self.wait_for_app_height(b.height, timeout.saturating_sub(start.elapsed()))
                    .await?;
                return Ok(b);
            }
            if start.elapsed() > timeout {
                return Err(Error::Timeout {
                    what: format!("block time {unix_seconds} (at {})", b.time),
                    seconds: timeout.as_secs(),
                });
            }
            tokio::time::sleep(self.cfg.poll_interval).await;
        }
    }

    /// The block-level events of a height (begin/end-block work such as x/slashing's
    /// `slash` and x/staking's `complete_unbonding`), in order; not the transactions'.
    pub async fn block_events(&self, height: u64) -> Result<Vec<Event>> {
        let h = cosmrs::tendermint::block::Height::try_from(height)
            .map_err(|e| Error::invalid("height", e))?;
        let res = self
            .rpc
            .block_results(h)
            .await
            .map_err(|e| Error::rpc("block_results", e.detail()))?;
        let all = res
            .begin_block_events
            .unwrap_or_default()
            .into_iter()
            .chain(res.finalize_block_events)
            .chain(res.end_block_events.unwrap_or_default());
        Ok(all.map(|e| to_event(&e)).collect())
    }

    // ---------------------------------------------------------------------- transactions

    /// (account number, sequence) of an account the chain knows.
    pub async fn account(&self, address: &str) -> Result<(u64, u64)> {
        let path = "/cosmos.auth.v1beta1.Query/Account";
        let request = auth::QueryAccountRequest {
            address: address.to_string(),
        };
        // always the latest state (a client pinned to a height still signs correctly)
        let bytes = self
            .abci_query_raw_at(path, request.encode_to_vec(), None)
            .await?;
        let res = auth::QueryAccountResponse::decode(bytes.as_slice())
            .map_err(|e| Error::decode(path, e))?;
        let any = res
            .account
            .ok_or_else(|| Error::decode("account", format!("{address}: no account")))?;
        if any.type_url != "/cosmos.auth.v1beta1.BaseAccount" {
            return Err(Error::decode(
                "account",
                format!("{address} is a {}, not a BaseAccount", any.type_url),
            ));
        }
        let acc = auth::BaseAccount::decode(any.value.as_slice())
            .map_err(|e| Error::decode("BaseAccount", e))?;
        Ok((acc.account_number, acc.sequence))
    }

    /// The fee this client pays for a transaction with this gas limit (in `fee_denom`).
    pub fn fee_for(&self, gas_limit: u64) -> u128 {
        (gas_limit as f64 * self.cfg.gas_price).ceil() as u128
    }

    fn sign(
        &self,
        key: &Key,
        msgs: &[Any],
        memo: &str,
        gas_limit: u64,
        account_number: u64,
        sequence: u64,
    ) -> Result<Vec<u8>> {
        let body = Body::new(msgs.to_vec(), memo, 0u32);
        let fee_amount = self.fee_for(gas_limit);
        let fee = Fee::from_amount_and_gas(
            cosmrs::Coin {
                denom: self
                    .cfg
                    .fee_denom
                    .parse()
                    .map_err(|e| Error::invalid("fee denom", e))?,
                amount: fee_amount,
            },
            gas_limit,
        );
        let auth_info = SignerInfo::single_direct(Some(key.public_key()), sequence).auth_info(fee);
        let doc = SignDoc::new(&body, &auth_info, &self.chain_id, account_number)
            .map_err(|e| Error::invalid("transaction", e))?;
        let raw = doc
            .sign(&key.signing_key()?)
            .map_err(|e| Error::Key(format!("signing: {e}")))?;
        raw.to_bytes().map_err(|e| Error::invalid("transaction", e))
    }

    /// The gas these messages use, as the chain simulates them.
    pub async fn simulate(&self, key: &Key, msgs: &[Any]) -> Result<u64> {
        let (number, sequence) = self.account(&key.address()).await?;
        self.simulate_with(key, msgs, number, sequence).await
    }

    async fn simulate_with(
        &self,
        key: &Key,
        msgs: &[Any],
        number: u64,
        sequence: u64,
    ) -> Result<u64> {
        // Simulation meters gas without a limit, but the ante handler still refuses a limit
        // above the block's max gas: a small one passes everywhere.
        let tx_bytes = self.sign(key, msgs, "", 1_000_000, number, sequence)?;
        #[allow(deprecated)]
        let req = txproto::SimulateRequest { tx: None, tx_bytes };
        let path = "/cosmos.tx.v1beta1.Service/Simulate";
        let bytes = self
            .abci_query_raw_at(path, req.encode_to_vec(), None)
            .await
            .map_err(|e| match e {
                Error::Query { log, .. } => Error::Simulation(log),
                e => e,
            })?;
        let res = txproto::SimulateResponse::decode(bytes.as_slice())
            .map_err(|e| Error::decode(path, e))?;
        Ok(res.gas_info.map(|g| g.gas_used).unwrap_or(0))
    }

    /// Signs and broadcasts (sync), then waits for the block. A transaction that fails in
    /// its block is returned as is (`code` ≠ 0); CheckTx and simulation refusals are errors.
    pub async fn broadcast(&self, key: &Key, msgs: &[Any], gas: Gas) -> Result<TxOutcome> {
        self.broadcast_memo(key, msgs, gas, "").await
    }

    pub async fn broadcast_memo(
        &self,
        key: &Key,
        msgs: &[Any],
        gas: Gas,
        memo: &str,
    ) -> Result<TxOutcome> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (number, sequence) = self.account(&key.address()).await?;
            let gas_limit = match gas {
                Gas::Fixed(limit) => limit,
                Gas::Simulate => {
                    let used = self.simulate_with(key, msgs, number, sequence).await?;
                    ((used as f64) * self.cfg.gas_adjustment).ceil() as u64 + 10_000
                }
            };
            let bytes = self.sign(key, msgs, memo, gas_limit, number, sequence)?;
            let res = self
                .rpc
                .broadcast_tx_sync(bytes)
                .await
                .map_err(|e| Error::rpc("broadcast_tx_sync", e.detail()))?;
            if res.code.is_err() {
                // a sequence the mempool has not caught up with yet: retry after a block
                if res.code.value() == 32 && res.codespace == "sdk" && attempt < 4 {
                    self.wait_blocks(1).await?;
                    continue;
                }
                return Err(Error::CheckTx {
                    code: res.code.value(),
                    codespace: res.codespace,
                    log: res.log,
                });
            }
            return self.wait_tx(&res.hash.to_string()).await;
        }
    }

    /// Like [`Client::broadcast`], but a transaction that failed in its block is an
    /// [`Error::TxFailed`].
    pub async fn send(&self, key: &Key, msgs: &[Any], gas: Gas) -> Result<TxOutcome> {
        self.broadcast(key, msgs, gas).await?.into_result()
    }

    /// Waits for a transaction (hex hash) to be in a block.
    pub async fn wait_tx(&self, hash: &str) -> Result<TxOutcome> {
        let parsed: cosmrs::tendermint::Hash = hash
            .parse()
            .map_err(|e| Error::invalid("transaction hash", e))?;
        let start = Instant::now();
        loop {
            if let Ok(res) = self.rpc.tx(parsed, false).await {
                let r = res.tx_result;
                let events = r.events.iter().map(to_event).collect();
                return Ok(TxOutcome {
                    hash: hash.to_string(),
                    height: res.height.value(),
                    code: r.code.value(),
                    codespace: r.codespace,
                    raw_log: r.log,
                    gas_wanted: r.gas_wanted.max(0) as u64,
                    gas_used: r.gas_used.max(0) as u64,
                    events,
                    data: r.data.to_vec(),
                });
            }
            if start.elapsed() > self.cfg.tx_timeout {
                return Err(Error::Timeout {
                    what: format!("transaction {hash}"),
                    seconds: self.cfg.tx_timeout.as_secs(),
                });
            }
            tokio::time::sleep(self.cfg.poll_interval).await;
        }
    }

    // ---------------------------------------------------------------------- CosmWasm

    /// Stores a wasm; returns its code id.
    pub async fn store_code(&self, key: &Key, wasm: &[u8], gas: Gas) -> Result<(u64, TxOutcome)> {
        let out = self
            .send(key, &[msgs::store_code(&key.address(), wasm)?], gas)
            .await?;
        let id = out.require_attr("store_code", "code_id")?;
        let id = id.parse().map_err(|e| Error::decode("code_id", e))?;
        Ok((id, out))
    }

    /// Instantiates; returns the contract's address.
    #[allow(clippy::too_many_arguments)]
    pub async fn instantiate(
        &self,
        key: &Key,
        code_id: u64,
        msg_json: &str,
        label: &str,
        admin: Option<&str>,
        funds: &[Coin],
        gas: Gas,
    ) -> Result<(String, TxOutcome)> {
        let msg = msgs::instantiate(&key.address(), code_id, msg_json, label, admin, funds);
        let out = self.send(key, &[msg], gas).await?;
        let addr = out
            .require_attr("instantiate", "_contract_address")?
            .to_string();
        Ok((addr, out))
    }

    /// Executes a contract with a raw JSON message; a refusal is [`Error::TxFailed`] (or
    /// [`Error::Simulation`] with [`Gas::Simulate`]).
    pub async fn execute(
        &self,
        key: &Key,
        contract: &str,
        msg_json: &str,
        funds: &[Coin],
        gas: Gas,
    ) -> Result<TxOutcome> {
        let msg = msgs::execute(&key.address(), contract, msg_json, funds);
        self.send(key, &[msg], gas).await
    }

    /// A smart query with a raw JSON message; the answer as JSON.
    pub async fn query_smart(&self, contract: &str, msg_json: &str) -> Result<serde_json::Value> {
        let res: wasm::QuerySmartContractStateResponse = self
            .abci_query(
                "/cosmwasm.wasm.v1.Query/SmartContractState",
                &wasm::QuerySmartContractStateRequest {
                    address: contract.to_string(),
                    query_data: msg_json.as_bytes().to_vec(),
                },
            )
            .await?;
        Ok(serde_json::from_slice(&res.data)?)
    }

    // ---------------------------------------------------------------------- bank

    pub async fn balance(&self, address: &str, denom: &str) -> Result<u128> {
        let res: bank::QueryBalanceResponse = self
            .abci_query(
                "/cosmos.bank.v1beta1.Query/Balance",
                &bank::QueryBalanceRequest {
                    address: address.to_string(),
                    denom: denom.to_string(),
                },
            )
            .await?;
        match res.balance {
            Some(c) => parse_int(&c.amount, "balance"),
            None => Ok(0),
        }
    }

    pub async fn all_balances(&self, address: &str) -> Result<Vec<Coin>> {
        let mut out = vec![];
        let mut next = vec![];
        loop {
            let res: bank::QueryAllBalancesResponse = self
                .abci_query(
                    "/cosmos.bank.v1beta1.Query/AllBalances",
                    &bank::QueryAllBalancesRequest {
                        address: address.to_string(),
                        pagination: page(next),
                        resolve_denom: false,
                    },
                )
                .await?;
            for c in &res.balances {
                out.push(Coin::from_proto(c)?);
            }
            next = res.pagination.map(|p| p.next_key).unwrap_or_default();
            if next.is_empty() {
                return Ok(out);
            }
        }
    }

    pub async fn bank_send(&self, key: &Key, to: &str, amount: &[Coin]) -> Result<TxOutcome> {
        self.send(
            key,
            &[msgs::bank_send(&key.address(), to, amount)],
            Gas::Simulate,
        )
        .await
    }

    // ---------------------------------------------------------------------- staking

    pub async fn staking_params(&self) -> Result<StakingParams> {
        let res: staking::QueryParamsResponse = self
            .abci_query(
                "/cosmos.staking.v1beta1.Query/Params",
                &staking::QueryParamsRequest {},
            )
            .await?;
        let p = res
            .params
            .ok_or_else(|| Error::decode("staking params", "empty"))?;
        Ok(StakingParams {
            bond_denom: p.bond_denom,
            unbonding_seconds: p.unbonding_time.map(|d| d.seconds).unwrap_or(0),
            max_entries: p.max_entries,
            max_validators: p.max_validators,
        })
    }

    /// The delegation of `delegator` to `validator`, or `None`.
    pub async fn delegation(&self, delegator: &str, validator: &str) -> Result<Option<Delegation>> {
        let res: Result<staking::QueryDelegationResponse> = self
            .abci_query(
                "/cosmos.staking.v1beta1.Query/Delegation",
                &staking::QueryDelegationRequest {
                    delegator_addr: delegator.to_string(),
                    validator_addr: validator.to_string(),
                },
            )
            .await;
        let res = match res {
            Ok(r) => r,
            Err(Error::Query { log, .. }) if log.contains("not found") => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(d) = res.delegation_response else {
            return Ok(None);
        };
        let shares = d
            .delegation
            .map(|d| parse_legacy_dec(&d.shares, "delegation shares"))
            .transpose()?
            .unwrap_or(0);
        let balance = d
            .balance
            .map(|c| parse_int(&c.amount, "delegation balance"))
            .transpose()?
            .unwrap_or(0);
        Ok(Some(Delegation {
            shares_atto: shares,
            balance,
        }))
    }

    /// Tokens delegated (0 without a delegation).
    pub async fn delegated(&self, delegator: &str, validator: &str) -> Result<u128> {
        Ok(self
            .delegation(delegator, validator)
            .await?
            .map(|d| d.balance)
            .unwrap_or(0))
    }

    fn validator_info(v: staking::Validator) -> Result<ValidatorInfo> {
        Ok(ValidatorInfo {
            moniker: v.description.map(|d| d.moniker).unwrap_or_default(),
            status: v.status,
            jailed: v.jailed,
            tokens: parse_int(&v.tokens, "validator tokens")?,
            delegator_shares_atto: parse_legacy_dec(&v.delegator_shares, "delegator shares")?,
            unbonding_height: v.unbonding_height,
            operator_address: v.operator_address,
        })
    }

    /// Validators with this status (`"BOND_STATUS_BONDED"`, ...) or all (`None`).
    pub async fn validators(&self, status: Option<&str>) -> Result<Vec<ValidatorInfo>> {
        let mut out = vec![];
        let mut next = vec![];
        loop {
            let res: staking::QueryValidatorsResponse = self
                .abci_query(
                    "/cosmos.staking.v1beta1.Query/Validators",
                    &staking::QueryValidatorsRequest {
                        status: status.unwrap_or_default().to_string(),
                        pagination: page(next),
                    },
                )
                .await?;
            for v in res.validators {
                out.push(Self::validator_info(v)?);
            }
            next = res.pagination.map(|p| p.next_key).unwrap_or_default();
            if next.is_empty() {
                return Ok(out);
            }
        }
    }

    pub async fn validator(&self, valoper: &str) -> Result<ValidatorInfo> {
        let res: staking::QueryValidatorResponse = self
            .abci_query(
                "/cosmos.staking.v1beta1.Query/Validator",
                &staking::QueryValidatorRequest {
                    validator_addr: valoper.to_string(),
                },
            )
            .await?;
        Self::validator_info(
            res.validator
                .ok_or_else(|| Error::decode("validator", "empty"))?,
        )
    }

    /// The unbonding entries of (delegator, validator), oldest first (empty without any).
    pub async fn unbonding_entries(
        &self,
        delegator: &str,
        validator: &str,
    ) -> Result<Vec<UnbondingEntry>> {
        let res: Result<staking::QueryUnbondingDelegationResponse> = self
            .abci_query(
                "/cosmos.staking.v1beta1.Query/UnbondingDelegation",
                &staking::QueryUnbondingDelegationRequest {
                    delegator_addr: delegator.to_string(),
                    validator_addr: validator.to_string(),
                },
            )
            .await;
        let res = match res {
            Ok(r) => r,
            Err(Error::Query { log, .. }) if log.contains("not found") => return Ok(vec![]),
            Err(e) => return Err(e),
        };
        let Some(u) = res.unbond else {
            return Ok(vec![]);
        };
        u.entries
            .into_iter()
            .map(|e| {
                Ok(UnbondingEntry {
                    creation_height: e.creation_height,
                    completion_time: timestamp_secs(&e.completion_time),
                    initial_balance: parse_int(&e.initial_balance, "initial balance")?,
                    balance: parse_int(&e.balance, "entry balance")?,
                })
            })
            .collect()
    }

    /// Creates a validator operated by `key` with a fresh ed25519 consensus key that no
    /// node holds: it never signs, so the chain jails and slashes it for downtime.
    /// Returns the operator address and the consensus address (`{prefix}valcons1...`).
    pub async fn create_validator(
        &self,
        key: &Key,
        moniker: &str,
        self_bond: &Coin,
    ) -> Result<(String, String, TxOutcome)> {
        let consensus = ed25519_consensus::SigningKey::new(rand_core::OsRng);
        let public = consensus.verification_key().to_bytes();
        let valoper = key.valoper()?;
        let msg = msgs::create_validator(
            &valoper, public, moniker, self_bond, "0.1", "0.2", "0.01", 1,
        )?;
        let out = self.send(key, &[msg], Gas::Simulate).await?;
        let pk = cosmrs::tendermint::PublicKey::from_raw_ed25519(&public)
            .ok_or_else(|| Error::invalid("consensus key", "not ed25519"))?;
        let id = cosmrs::tendermint::account::Id::from(pk);
        let valcons = cosmrs::AccountId::new(&format!("{}valcons", key.prefix()), id.as_bytes())
            .map_err(|e| Error::invalid("consensus address", e))?;
        Ok((valoper, valcons.to_string(), out))
    }

    pub async fn slashing_params(&self) -> Result<SlashingParams> {
        let res: slashing::QueryParamsResponse = self
            .abci_query(
                "/cosmos.slashing.v1beta1.Query/Params",
                &slashing::QueryParamsRequest {},
            )
            .await?;
        SlashingParams::from_proto(
            res.params
                .ok_or_else(|| Error::decode("slashing params", "empty"))?,
        )
    }

    /// A validator's signing record (by consensus address).
    pub async fn signing_info(&self, valcons: &str) -> Result<SigningInfo> {
        let res: slashing::QuerySigningInfoResponse = self
            .abci_query(
                "/cosmos.slashing.v1beta1.Query/SigningInfo",
                &slashing::QuerySigningInfoRequest {
                    cons_address: valcons.to_string(),
                },
            )
            .await?;
        let i = res
            .val_signing_info
            .ok_or_else(|| Error::decode("signing info", "empty"))?;
        Ok(SigningInfo {
            address: i.address,
            start_height: i.start_height,
            index_offset: i.index_offset,
            jailed_until: timestamp_secs(&i.jailed_until),
            tombstoned: i.tombstoned,
            missed_blocks_counter: i.missed_blocks_counter,
        })
    }

    // ---------------------------------------------------------------------- distribution

    /// Rewards `delegator` could withdraw from `validator` now.
    pub async fn delegation_rewards(
        &self,
        delegator: &str,
        validator: &str,
    ) -> Result<Vec<DecCoin>> {
        let res: distribution::QueryDelegationRewardsResponse = self
            .abci_query(
                "/cosmos.distribution.v1beta1.Query/DelegationRewards",
                &distribution::QueryDelegationRewardsRequest {
                    delegator_address: delegator.to_string(),
                    validator_address: validator.to_string(),
                },
            )
            .await?;
        res.rewards
            .iter()
            .map(|c| {
                Ok(DecCoin {
                    denom: c.denom.clone(),
                    atto: parse_legacy_dec(&c.amount, "reward")?,
                })
            })
            .collect()
    }

    /// The address a delegator's rewards are paid to.
    pub async fn withdraw_address(&self, delegator: &str) -> Result<String> {
        let res: distribution::QueryDelegatorWithdrawAddressResponse = self
            .abci_query(
                "/cosmos.distribution.v1beta1.Query/DelegatorWithdrawAddress",
                &distribution::QueryDelegatorWithdrawAddressRequest {
                    delegator_address: delegator.to_string(),
                },
            )
            .await?;
        Ok(res.withdraw_address)
    }

    // ---------------------------------------------------------------------- auth, gov

    /// A module account's address (`gov` is the authority of governance messages).
    pub async fn module_address(&self, name: &str) -> Result<String> {
        let res: auth::QueryModuleAccountByNameResponse = self
            .abci_query(
                "/cosmos.auth.v1beta1.Query/ModuleAccountByName",
                &auth::QueryModuleAccountByNameRequest {
                    name: name.to_string(),
                },
            )
            .await?;
        let any = res
            .account
            .ok_or_else(|| Error::decode("module account", "empty"))?;
        let acc = auth::ModuleAccount::decode(any.value.as_slice())
            .map_err(|e| Error::decode("ModuleAccount", e))?;
        acc.base_account
            .map(|b| b.address)
            .ok_or_else(|| Error::decode("module account", "no base account"))
    }

    /// Submits a gov v1 proposal; returns its id.
    pub async fn submit_proposal(
        &self,
        key: &Key,
        messages: Vec<Any>,
        deposit: &[Coin],
        title: &str,
        summary: &str,
        expedited: bool,
    ) -> Result<(u64, TxOutcome)> {
        let msg =
            msgs::submit_proposal(&key.address(), messages, deposit, title, summary, expedited);
        let out = self.send(key, &[msg], Gas::Simulate).await?;
        let id = out
            .require_attr("submit_proposal", "proposal_id")?
            .parse()
            .map_err(|e| Error::decode("proposal_id", e))?;
        Ok((id, out))
    }

    pub async fn vote(&self, key: &Key, proposal_id: u64, option: VoteOption) -> Result<TxOutcome> {
        self.send(
            key,
            &[msgs::vote(&key.address(), proposal_id, option)],
            Gas::Simulate,
        )
        .await
    }

    /// The vote `voter` cast on a proposal in its voting period, as (option, weight × 10^18)
    /// pairs; `None` when it has not voted (or the proposal's votes are gone: the chain
    /// deletes them when it tallies).
    pub async fn vote_of(
        &self,
        proposal_id: u64,
        voter: &str,
    ) -> Result<Option<Vec<(VoteOption, u128)>>> {
        let res: Result<gov::QueryVoteResponse> = self
            .abci_query(
                "/cosmos.gov.v1.Query/Vote",
                &gov::QueryVoteRequest {
                    proposal_id,
                    voter: voter.to_string(),
                },
            )
            .await;
        let res = match res {
            Ok(r) => r,
            Err(Error::Query { log, .. }) if log.contains("not found") => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(vote) = res.vote else {
            return Ok(None);
        };
        vote.options
            .iter()
            .map(|o| {
                let option = VoteOption::from_i32(o.option)
                    .ok_or_else(|| Error::decode("vote option", o.option))?;
                Ok((option, crate::types::parse_dec_string(&o.weight, "weight")?))
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    /// The current tally (counted from the votes cast so far).
    pub async fn tally(&self, proposal_id: u64) -> Result<Tally> {
        let res: gov::QueryTallyResultResponse = self
            .abci_query(
                "/cosmos.gov.v1.Query/TallyResult",
                &gov::QueryTallyResultRequest { proposal_id },
            )
            .await?;
        Self::to_tally(res.tally)
    }

    fn to_tally(t: Option<gov::TallyResult>) -> Result<Tally> {
        let Some(t) = t else {
            return Ok(Tally::default());
        };
        Ok(Tally {
            yes: parse_int(&t.yes_count, "tally")?,
            abstain: parse_int(&t.abstain_count, "tally")?,
            no: parse_int(&t.no_count, "tally")?,
            no_with_veto: parse_int(&t.no_with_veto_count, "tally")?,
        })
    }

    pub async fn proposal(&self, proposal_id: u64) -> Result<ProposalInfo> {
        let res: gov::QueryProposalResponse = self
            .abci_query(
                "/cosmos.gov.v1.Query/Proposal",
                &gov::QueryProposalRequest { proposal_id },
            )
            .await?;
        let p = res
            .proposal
            .ok_or_else(|| Error::decode("proposal", "empty"))?;
        Ok(ProposalInfo {
            id: p.id,
            status: p.status,
            final_tally: Self::to_tally(p.final_tally_result)?,
            voting_end_time: timestamp_secs(&p.voting_end_time),
            failed_reason: p.failed_reason,
        })
    }

    /// Waits until a proposal has left its deposit and voting periods.
    pub async fn wait_proposal_final(
        &self,
        proposal_id: u64,
        timeout: Duration,
    ) -> Result<ProposalInfo> {
        let start = Instant::now();
        loop {
            let p = self.proposal(proposal_id).await?;
            if p.status >= 3 {
                return Ok(p);
            }
            if start.elapsed() > timeout {
                return Err(Error::Timeout {
                    what: format!("proposal {proposal_id} to end (status {})", p.status),
                    seconds: timeout.as_secs(),
                });
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    // ---------------------------------------------------------------------- Gaia x/liquid

    pub async fn liquid_params(&self) -> Result<LiquidParams> {
        let res: msgs::liquid::QueryParamsResponse = self
            .abci_query(
                "/gaia.liquid.v1beta1.Query/Params",
                &msgs::liquid::QueryParamsRequest {},
            )
            .await?;
        let p = res
            .params
            .ok_or_else(|| Error::decode("liquid params", "empty"))?;
        Ok(LiquidParams {
            global_liquid_staking_cap_atto: parse_legacy_dec(&p.global_liquid_staking_cap, "cap")?,
            validator_liquid_staking_cap_atto: parse_legacy_dec(
                &p.validator_liquid_staking_cap,
                "cap",
            )?,
        })
    }

    /// Tokens tokenized chain-wide (what the global cap measures).
    pub async fn total_liquid_staked(&self) -> Result<u128> {
        let res: msgs::liquid::QueryTotalLiquidStakedResponse = self
            .abci_query(
                "/gaia.liquid.v1beta1.Query/TotalLiquidStaked",
                &msgs::liquid::QueryTotalLiquidStaked {},
            )
            .await?;
        parse_int(&res.tokens, "total liquid staked")
    }

    /// Tokenizes part of the key's own delegation; returns the share tokens it received.
    pub async fn tokenize_shares(
        &self,
        key: &Key,
        validator: &str,
        amount: &Coin,
        tokenized_share_owner: &str,
        gas: Gas,
    ) -> Result<(Coin, TxOutcome)> {
        let msg = msgs::tokenize_shares(&key.address(), validator, amount, tokenized_share_owner);
        let out = self.send(key, &[msg], gas).await?;
        let shares =
            Self::response_coin::<msgs::liquid::MsgTokenizeSharesResponse>(&out, |r| r.amount)?;
        Ok((shares, out))
    }

    /// Redeems share tokens into a delegation of the key; returns the tokens delegated.
    pub async fn redeem_tokens_for_shares(
        &self,
        key: &Key,
        shares: &Coin,
        gas: Gas,
    ) -> Result<(Coin, TxOutcome)> {
        let msg = msgs::redeem_tokens_for_shares(&key.address(), shares);
        let out = self.send(key, &[msg], gas).await?;
        let tokens =
            Self::response_coin::<msgs::liquid::MsgRedeemTokensForSharesResponse>(&out, |r| {
                r.amount
            })?;
        Ok((tokens, out))
    }

    fn response_coin<R: Message + Default>(
        out: &TxOutcome,
        get: impl Fn(R) -> Option<cosmrs::proto::cosmos::base::v1beta1::Coin>,
    ) -> Result<Coin> {
        let responses = out.msg_responses()?;
        let first = responses
            .first()
            .ok_or_else(|| Error::decode("message response", "none"))?;
        let r = R::decode(first.value.as_slice()).map_err(|e| Error::decode(&first.type_url, e))?;
        let c = get(r).ok_or_else(|| Error::decode(&first.type_url, "no amount"))?;
        Coin::from_proto(&c)
    }
}
