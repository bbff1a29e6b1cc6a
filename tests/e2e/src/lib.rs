//! Harness for restake-hub's end-to-end tests on a real Cosmos SDK chain.
//!
//! `osmosis-test-tube` runs a whole Osmosis v26 node in process (Cosmos SDK 0.50, wasmd 0.53,
//! wasmvm 2.1): the hub is stored from `artifacts/restake_hub.wasm`, every call is a signed
//! transaction in its own block, and balances, delegations and unbonding entries are read back
//! through the chain's own gRPC queries. [`Osmosis`] wraps the app with the chain operations the
//! tests need (governance, a second validator, rewards deposits, jailing) and records the real
//! `gas_used` of every hub transaction.
//!
//! Why one file: the harness is one object (the in-process chain with its accounts, gas log
//! and the hub's handle); every test uses all of it.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use cosmwasm_std::Coin;
use osmosis_test_tube::cosmrs::proto::prost::Message;
use osmosis_test_tube::osmosis_std::shim::{Any, Duration};
use osmosis_test_tube::osmosis_std::types::cosmos::auth::v1beta1::{
    ModuleAccount, QueryModuleAccountByNameRequest, QueryModuleAccountByNameResponse,
};
use osmosis_test_tube::osmosis_std::types::cosmos::bank::v1beta1::{MsgSend, QueryBalanceRequest};
use osmosis_test_tube::osmosis_std::types::cosmos::base::v1beta1::Coin as ProtoCoin;
use osmosis_test_tube::osmosis_std::types::cosmos::crypto::ed25519::PubKey as Ed25519PubKey;
use osmosis_test_tube::osmosis_std::types::cosmos::distribution::v1beta1::{
    MsgDepositValidatorRewardsPool, MsgDepositValidatorRewardsPoolResponse,
    QueryDelegationRewardsRequest, QueryDelegationRewardsResponse,
};
use osmosis_test_tube::osmosis_std::types::cosmos::gov::v1 as gov;
use osmosis_test_tube::osmosis_std::types::cosmos::staking::v1beta1::{
    CommissionRates, Description, MsgCreateValidator, MsgCreateValidatorResponse, MsgDelegate,
    MsgDelegateResponse, MsgUndelegate, MsgUndelegateResponse, MsgUpdateParams,
    Params as StakingParams, QueryDelegationRequest, QueryDelegationResponse, QueryParamsRequest,
    QueryParamsResponse, QueryUnbondingDelegationRequest, QueryUnbondingDelegationResponse,
    QueryValidatorRequest, QueryValidatorResponse, Validator,
};
use osmosis_test_tube::osmosis_std::types::cosmwasm::wasm::v1::MsgExecuteContractResponse;
use osmosis_test_tube::osmosis_std::types::osmosis::tokenfactory::v1beta1::{
    MsgCreateDenom, MsgMint,
};
use osmosis_test_tube::{
    Account, Bank, ExecuteResponse, FeeSetting, Module, OsmosisTestApp, Runner, RunnerError,
    SigningAccount, TokenFactory, Wasm,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The chain's bonded denom (read from the chain by the hub; the tests check it).
pub const DENOM: &str = "uosmo";
/// Fixed fee of every transaction the tests sign. Osmosis enforces a minimum gas price of
/// 0.0025 uosmo even when blocks are finalized directly: fee ≥ gas limit / 400.
pub const FEE: u128 = 50_000;
/// Gas limit of every transaction (far above anything the hub needs; `gas_used` is what
/// the chain really consumed).
pub const GAS_LIMIT: u64 = 20_000_000;
/// uosmo every test account starts with.
pub const START_BALANCE: u128 = 1_000_000_000_000;
/// Staking status `BOND_STATUS_BONDED`.
pub const BONDED: i32 = 3;

/// `artifacts/restake_hub.wasm` (absolute path).
pub fn artifact_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/restake_hub.wasm")
}

/// The optimized hub artifact, as built by `scripts/build-wasm.sh` (stored as is).
pub fn read_artifact() -> Vec<u8> {
    let path = artifact_path();
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}. Build the optimized wasm first: scripts/build-wasm.sh",
            path.display()
        )
    })
}

/// The artifact's sha256 as recorded by `scripts/build-wasm.sh` in `artifacts/checksums.txt`.
pub fn artifact_checksum() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/checksums.txt");
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find(|l| l.ends_with("restake_hub.wasm"))
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_string)
}

/// One measured transaction.
#[derive(Clone, Debug)]
pub struct GasStep {
    pub message: String,
    pub scenario: String,
    pub gas_used: u64,
}

/// An in-process Osmosis chain with helpers and a gas log.
pub struct Osmosis {
    pub app: OsmosisTestApp,
    gas: RefCell<Vec<GasStep>>,
}

impl Default for Osmosis {
    fn default() -> Self {
        Self::new()
    }
}

impl Osmosis {
    pub fn new() -> Self {
        Osmosis {
            app: OsmosisTestApp::new(),
            gas: RefCell::new(vec![]),
        }
    }

    pub fn wasm(&self) -> Wasm<'_, OsmosisTestApp> {
        Wasm::new(&self.app)
    }

    /// A new account holding `START_BALANCE` uosmo plus `extra`, paying the fixed fee.
    pub fn account(&self, extra: &[Coin]) -> SigningAccount {
        let mut coins = vec![Coin::new(START_BALANCE, DENOM)];
        coins.extend_from_slice(extra);
        with_fixed_fee(self.app.init_account(&coins).expect("init_account"))
    }

    pub fn now(&self) -> u64 {
        self.app.get_block_time_seconds() as u64
    }

    /// Produces one empty block `seconds` after the last one.
    pub fn advance(&self, seconds: u64) {
        self.app.increase_time(seconds);
    }

    /// Produces one empty block at exactly `time` (seconds).
    pub fn advance_to(&self, time: u64) {
        let now = self.now();
        assert!(time > now, "cannot go back from {now} to {time}");
        self.app.increase_time(time - now);
    }

    pub fn record(&self, message: &str, scenario: &str, gas_used: u64) {
        self.gas.borrow_mut().push(GasStep {
            message: message.to_string(),
            scenario: scenario.to_string(),
            gas_used,
        });
    }

    pub fn gas_steps(&self) -> Vec<GasStep> {
        self.gas.borrow().clone()
    }

    /// A plain bank transfer, recorded as the baseline every transaction pays (ante handler:
    /// signature, transaction bytes, fee) plus one transfer.
    pub fn record_baseline(&self, from: &SigningAccount, to: &str) {
        let res = Bank::new(&self.app)
            .send(
                MsgSend {
                    from_address: from.address(),
                    to_address: to.to_string(),
                    amount: vec![proto_coin(1, DENOM)],
                },
                from,
            )
            .expect("bank send");
        self.record(
            "(baseline) bank MsgSend",
            "signed tx of 1 transfer, for comparison",
            res.gas_info.gas_used,
        );
    }

    // ------------------------------------------------------------------ chain queries

    pub fn balance(&self, address: &str, denom: &str) -> u128 {
        Bank::new(&self.app)
            .query_balance(&QueryBalanceRequest {
                address: address.to_string(),
                denom: denom.to_string(),
            })
            .expect("bank balance")
            .balance
            .map(|c| c.amount.parse().expect("amount"))
            .unwrap_or(0)
    }

    pub fn staking_params(&self) -> StakingParams {
        let res: QueryParamsResponse = self
            .app
            .query(
                "/cosmos.staking.v1beta1.Query/Params",
                &QueryParamsRequest {},
            )
            .expect("staking params");
        res.params.expect("params")
    }

    /// Tokens `delegator` has delegated to `validator` (0 without a delegation).
    pub fn delegation(&self, delegator: &str, validator: &str) -> u128 {
        let res: Result<QueryDelegationResponse, _> = self.app.query(
            "/cosmos.staking.v1beta1.Query/Delegation",
            &QueryDelegationRequest {
                delegator_addr: delegator.to_string(),
                validator_addr: validator.to_string(),
            },
        );
        match res {
            Ok(r) => r
                .delegation_response
                .and_then(|d| d.balance)
                .map(|c| c.amount.parse().expect("amount"))
                .unwrap_or(0),
            Err(RunnerError::QueryError { msg }) if msg.contains("not found") => 0,
            Err(e) => panic!("delegation query: {e}"),
        }
    }

    /// The chain's unbonding entries of `delegator` on `validator`: (balance, completion time
    /// in seconds).
    pub fn unbonding_entries(&self, delegator: &str, validator: &str) -> Vec<(u128, u64)> {
        let res: Result<QueryUnbondingDelegationResponse, _> = self.app.query(
            "/cosmos.staking.v1beta1.Query/UnbondingDelegation",
            &QueryUnbondingDelegationRequest {
                delegator_addr: delegator.to_string(),
                validator_addr: validator.to_string(),
            },
        );
        match res {
            Ok(r) => r
                .unbond
                .map(|u| {
                    u.entries
                        .into_iter()
                        .map(|e| {
                            (
                                e.balance.parse().expect("balance"),
                                e.completion_time.expect("completion").seconds as u64,
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            Err(RunnerError::QueryError { msg }) if msg.contains("not found") => vec![],
            Err(e) => panic!("unbonding delegation query: {e}"),
        }
    }

    /// Rewards the distribution module holds for `delegator` on `validator`, truncated to
    /// whole units (what a withdrawal would pay), in `denom`.
    pub fn delegation_rewards(&self, delegator: &str, validator: &str, denom: &str) -> u128 {
        let res: QueryDelegationRewardsResponse = self
            .app
            .query(
                "/cosmos.distribution.v1beta1.Query/DelegationRewards",
                &QueryDelegationRewardsRequest {
                    delegator_address: delegator.to_string(),
                    validator_address: validator.to_string(),
                },
            )
            .expect("delegation rewards");
        res.rewards
            .iter()
            .find(|c| c.denom == denom)
            .map(|c| dec_to_units(&c.amount))
            .unwrap_or(0)
    }

    pub fn validator(&self, validator: &str) -> Validator {
        let res: QueryValidatorResponse = self
            .app
            .query(
                "/cosmos.staking.v1beta1.Query/Validator",
                &QueryValidatorRequest {
                    validator_addr: validator.to_string(),
                },
            )
            .expect("validator");
        res.validator.expect("validator")
    }

    pub fn module_address(&self, name: &str) -> String {
        let res: QueryModuleAccountByNameResponse = self
            .app
            .query(
                "/cosmos.auth.v1beta1.Query/ModuleAccountByName",
                &QueryModuleAccountByNameRequest {
                    name: name.to_string(),
                },
            )
            .expect("module account");
        ModuleAccount::decode(res.account.expect("account").value.as_slice())
            .expect("module account")
            .base_account
            .expect("base account")
            .address
    }

    // ------------------------------------------------------------------ chain operations

    /// Changes the chain's unbonding time through a governance proposal carrying
    /// `MsgUpdateParams`, voted through by the genesis validator. Call it before anyone else
    /// delegates: the genesis validator's vote must carry the quorum.
    pub fn set_unbonding_time(&self, seconds: i64) {
        let authority = self.module_address("gov");
        let params: gov::QueryParamsResponse = self
            .app
            .query(
                "/cosmos.gov.v1.Query/Params",
                &gov::QueryParamsRequest {
                    params_type: "deposit".to_string(),
                },
            )
            .expect("gov params");
        let gov_params = params.params.expect("gov params");
        let mut staking = self.staking_params();
        staking.unbonding_time = Some(Duration { seconds, nanos: 0 });
        let update = MsgUpdateParams {
            authority,
            params: Some(staking),
        };
        let proposer = self.account(&[]);
        let submit: ExecuteResponse<gov::MsgSubmitProposalResponse> = self
            .app
            .execute(
                gov::MsgSubmitProposal {
                    messages: vec![any("/cosmos.staking.v1beta1.MsgUpdateParams", &update)],
                    initial_deposit: gov_params.min_deposit.clone(),
                    proposer: proposer.address(),
                    metadata: String::new(),
                    title: "shorter unbonding time for the e2e tests".to_string(),
                    summary: "restake-hub e2e".to_string(),
                    expedited: false,
                },
                "/cosmos.gov.v1.MsgSubmitProposal",
                &proposer,
            )
            .expect("submit proposal");
        let proposal_id = submit.data.proposal_id;
        let voter = with_fixed_fee(
            self.app
                .get_first_validator_signing_account()
                .expect("validator account"),
        );
        self.app
            .execute::<_, gov::MsgVoteResponse>(
                gov::MsgVote {
                    proposal_id,
                    voter: voter.address(),
                    option: gov::VoteOption::Yes.into(),
                    metadata: String::new(),
                },
                "/cosmos.gov.v1.MsgVote",
                &voter,
            )
            .expect("vote");
        let voting = gov_params.voting_period.expect("voting period").seconds as u64;
        self.advance(voting + 1);
        let got = self
            .staking_params()
            .unbonding_time
            .expect("unbonding time")
            .seconds;
        assert_eq!(got, seconds, "governance did not change the unbonding time");
    }

    /// Creates a validator operated by a fresh account: `self_bond` uosmo, the given
    /// `min_self_delegation` and commission (in permille). Returns (operator, valoper).
    #[allow(deprecated)] // MsgCreateValidator.delegator_address is deprecated in SDK 0.50
    pub fn create_validator(
        &self,
        moniker: &str,
        self_bond: u128,
        min_self_delegation: u128,
        commission_permille: u128,
        key_seed: u8,
    ) -> (SigningAccount, String, u64) {
        let operator = self.account(&[]);
        let valoper = valoper_of(&operator);
        let msg = MsgCreateValidator {
            description: Some(Description {
                moniker: moniker.to_string(),
                ..Default::default()
            }),
            commission: Some(CommissionRates {
                rate: permille_dec(commission_permille),
                max_rate: permille_dec(200),
                max_change_rate: permille_dec(10),
            }),
            min_self_delegation: min_self_delegation.to_string(),
            delegator_address: String::new(),
            validator_address: valoper.clone(),
            // ed25519 is the consensus key type the chain's consensus params allow.
            pubkey: Some(any(
                "/cosmos.crypto.ed25519.PubKey",
                &Ed25519PubKey {
                    key: [key_seed; 32].to_vec(),
                },
            )),
            value: Some(proto_coin(self_bond, DENOM)),
        };
        let res: ExecuteResponse<MsgCreateValidatorResponse> = self
            .app
            .execute(msg, "/cosmos.staking.v1beta1.MsgCreateValidator", &operator)
            .expect("create validator");
        (operator, valoper, res.gas_info.gas_used)
    }

    /// A plain `MsgDelegate` (not through the hub).
    pub fn delegate(&self, delegator: &SigningAccount, validator: &str, amount: u128) {
        self.app
            .execute::<_, MsgDelegateResponse>(
                MsgDelegate {
                    delegator_address: delegator.address(),
                    validator_address: validator.to_string(),
                    amount: Some(proto_coin(amount, DENOM)),
                },
                "/cosmos.staking.v1beta1.MsgDelegate",
                delegator,
            )
            .expect("delegate");
    }

    /// A plain `MsgUndelegate` (not through the hub); the chain's error text on refusal.
    /// An operator undelegating below its `min_self_delegation` jails its validator.
    pub fn undelegate(
        &self,
        delegator: &SigningAccount,
        validator: &str,
        amount: u128,
    ) -> Result<(), String> {
        self.app
            .execute::<_, MsgUndelegateResponse>(
                MsgUndelegate {
                    delegator_address: delegator.address(),
                    validator_address: validator.to_string(),
                    amount: Some(proto_coin(amount, DENOM)),
                },
                "/cosmos.staking.v1beta1.MsgUndelegate",
                delegator,
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Credits `amount` uosmo of staking rewards to `validator` through the real
    /// distribution module (`MsgDepositValidatorRewardsPool`, SDK 0.50): the validator's
    /// commission is taken and the rest is shared by its delegators.
    pub fn deposit_validator_rewards(
        &self,
        funder: &SigningAccount,
        validator: &str,
        amount: u128,
    ) {
        self.app
            .execute::<_, MsgDepositValidatorRewardsPoolResponse>(
                MsgDepositValidatorRewardsPool {
                    depositor: funder.address(),
                    validator_address: validator.to_string(),
                    amount: vec![proto_coin(amount, DENOM)],
                },
                "/cosmos.distribution.v1beta1.MsgDepositValidatorRewardsPool",
                funder,
            )
            .expect("deposit validator rewards pool");
    }

    /// Creates the tokenfactory denom `factory/{creator}/{subdenom}` and mints `amount` of
    /// it to the creator.
    pub fn create_token(&self, creator: &SigningAccount, subdenom: &str, amount: u128) -> String {
        let tf = TokenFactory::new(&self.app);
        let denom = tf
            .create_denom(
                MsgCreateDenom {
                    sender: creator.address(),
                    subdenom: subdenom.to_string(),
                },
                creator,
            )
            .expect("create denom")
            .data
            .new_token_denom;
        tf.mint(
            MsgMint {
                sender: creator.address(),
                amount: Some(proto_coin(amount, &denom)),
                mint_to_address: creator.address(),
            },
            creator,
        )
        .expect("mint");
        denom
    }
}

/// The hub contract on the chain: raw JSON in, typed responses out, gas recorded.
pub struct Hub<'a> {
    pub chain: &'a Osmosis,
    pub addr: String,
}

impl<'a> Hub<'a> {
    /// The account holding the hub's delegation on `validator`: its delegator proxy.
    pub fn delegator(&self, validator: &str) -> String {
        let v: Value = self.query(serde_json::json!({"validator": {"validator": validator}}));
        v["delegator"].as_str().unwrap_or(&self.addr).to_string()
    }

    /// Executes `msg` (the interface's JSON as a CLI user types it) and records its gas
    /// under the message's name and `scenario`. Panics with the chain's error text on failure.
    pub fn exec(
        &self,
        signer: &SigningAccount,
        msg: Value,
        funds: &[Coin],
        scenario: &str,
    ) -> ExecuteResponse<MsgExecuteContractResponse> {
        let name = message_name(&msg);
        let res = self
            .chain
            .wasm()
            .execute(&self.addr, &msg, &sorted(funds), signer)
            .unwrap_or_else(|e| panic!("{name} ({scenario}) failed on chain: {e}\nmessage: {msg}"));
        self.chain.record(&name, scenario, res.gas_info.gas_used);
        res
    }

    /// Executes `msg` expecting the chain to refuse it; returns the chain's error text.
    pub fn exec_err(&self, signer: &SigningAccount, msg: Value, funds: &[Coin]) -> String {
        match self
            .chain
            .wasm()
            .execute(&self.addr, &msg, &sorted(funds), signer)
        {
            Ok(_) => panic!("the chain accepted {msg}, a refusal was expected"),
            Err(e) => e.to_string(),
        }
    }

    pub fn query<T: DeserializeOwned>(&self, msg: Value) -> T {
        let raw: Value = self
            .chain
            .wasm()
            .query(&self.addr, &msg)
            .unwrap_or_else(|e| panic!("query {msg} failed: {e}"));
        serde_json::from_value(raw.clone())
            .unwrap_or_else(|e| panic!("query {msg}: unexpected response {raw}: {e}"))
    }
}

/// The wasm event attribute `key` of a hub transaction.
pub fn wasm_attr(res: &ExecuteResponse<MsgExecuteContractResponse>, key: &str) -> Option<String> {
    res.events
        .iter()
        .filter(|e| e.ty == "wasm")
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

/// Every event of type `ty` as a list of (key, value) attribute lists.
pub fn events_of<R: Message + Default>(
    res: &ExecuteResponse<R>,
    ty: &str,
) -> Vec<Vec<(String, String)>> {
    res.events
        .iter()
        .filter(|e| e.ty == ty)
        .map(|e| {
            e.attributes
                .iter()
                .map(|a| (a.key.clone(), a.value.clone()))
                .collect()
        })
        .collect()
}

/// The first key of a message object: `{"deposit":{..}}` → `deposit`.
pub fn message_name(msg: &Value) -> String {
    msg.as_object()
        .and_then(|o| o.keys().next().cloned())
        .unwrap_or_else(|| "?".to_string())
}

fn sorted(funds: &[Coin]) -> Vec<Coin> {
    // The chain refuses unsorted coins.
    let mut funds = funds.to_vec();
    funds.sort_by(|a, b| a.denom.cmp(&b.denom));
    funds
}

pub fn with_fixed_fee(account: SigningAccount) -> SigningAccount {
    account.with_fee_setting(FeeSetting::Custom {
        amount: Coin::new(FEE, DENOM),
        gas_limit: GAS_LIMIT,
    })
}

/// The operator address (`osmovaloper1…`) with the same bytes as the account.
pub fn valoper_of(account: &SigningAccount) -> String {
    let bytes = account
        .public_key()
        .account_id("osmo")
        .expect("account id")
        .to_bytes();
    osmosis_test_tube::cosmrs::AccountId::new("osmovaloper", &bytes)
        .expect("valoper")
        .to_string()
}

pub fn any<M: Message>(type_url: &str, msg: &M) -> Any {
    Any {
        type_url: type_url.to_string(),
        value: msg.encode_to_vec(),
    }
}

pub fn proto_coin(amount: u128, denom: &str) -> ProtoCoin {
    ProtoCoin {
        denom: denom.to_string(),
        amount: amount.to_string(),
    }
}

/// SDK 0.50 `LegacyDec` travels in protobuf as the integer value × 10^18.
fn permille_dec(permille: u128) -> String {
    (permille * 1_000_000_000_000_000).to_string()
}

/// Whole units of a protobuf `LegacyDec` (10^18-scaled integer string), truncated.
pub fn dec_to_units(atomics: &str) -> u128 {
    let atomics: u128 = atomics.parse().expect("decimal atomics");
    atomics / 1_000_000_000_000_000_000
}

// ---------------------------------------------------------------------- gas report

/// The gas table, one row per measured transaction.
pub fn gas_table(steps: &[GasStep]) -> String {
    let w_msg = steps
        .iter()
        .map(|s| s.message.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let w_sc = steps
        .iter()
        .map(|s| s.scenario.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut out = format!(
        "| {:<w_msg$} | {:<w_sc$} | {:>9} |\n|{}|{}|{}|\n",
        "message",
        "scenario",
        "gas_used",
        "-".repeat(w_msg + 2),
        "-".repeat(w_sc + 2),
        "-".repeat(11),
    );
    for s in steps {
        out += &format!(
            "| {:<w_msg$} | {:<w_sc$} | {:>9} |\n",
            s.message, s.scenario, s.gas_used
        );
    }
    out
}

/// `docs/gas-chain.json`: provenance, then one `{"message", "scenario", "gas_used"}` line
/// per measured transaction, in the order they ran (keys kept in this order by hand:
/// the workspace's serde_json sorts object keys).
pub fn gas_json(steps: &[GasStep]) -> String {
    let s = |v: &str| Value::String(v.to_string()).to_string();
    let mut out = String::from("{\n");
    out += &format!(
        "  \"chain\": {},\n",
        s("osmosis-test-tube 26.0.1 (Osmosis v26.0.1: Cosmos SDK 0.50.6, wasmd 0.53.0, wasmvm 2.1.2)")
    );
    out += &format!(
        "  \"artifact\": {},\n  \"artifact_sha256\": {},\n",
        s("artifacts/restake_hub.wasm"),
        artifact_checksum().map_or("null".to_string(), |c| s(&c))
    );
    out += &format!(
        "  \"gas_unit\": {},\n  \"fee_per_tx\": {},\n  \"steps\": [\n",
        s("SDK gas of the whole transaction as the chain reports it: ante handler, contract, and the messages the hub emits"),
        s(&format!("{FEE}{DENOM}, gas limit {GAS_LIMIT}"))
    );
    let rows: Vec<String> = steps
        .iter()
        .map(|st| {
            format!(
                "    {{\"message\": {}, \"scenario\": {}, \"gas_used\": {}}}",
                s(&st.message),
                s(&st.scenario),
                st.gas_used
            )
        })
        .collect();
    out += &rows.join(",\n");
    out += "\n  ]\n}\n";
    out
}

// ---------------------------------------------------------------------- wasm capabilities

/// The capabilities a wasm module requires: its `requires_*` function exports.
pub fn required_capabilities(wasm: &[u8]) -> Vec<String> {
    let mut caps = vec![];
    for (kind, name) in exports(wasm) {
        if kind == 0 {
            if let Some(cap) = name.strip_prefix("requires_") {
                caps.push(cap.to_string());
            }
        }
    }
    caps.sort();
    caps
}

/// (kind, name) of every export of a wasm module.
fn exports(wasm: &[u8]) -> Vec<(u8, String)> {
    assert_eq!(&wasm[..4], b"\0asm", "not a wasm module");
    let mut pos = 8;
    let mut out = vec![];
    while pos < wasm.len() {
        let id = wasm[pos];
        let (size, body) = leb(wasm, pos + 1);
        if id == 7 {
            let (count, mut p) = leb(wasm, body);
            for _ in 0..count {
                let (len, q) = leb(wasm, p);
                let name = String::from_utf8_lossy(&wasm[q..q + len]).to_string();
                let kind = wasm[q + len];
                let (_, next) = leb(wasm, q + len + 1);
                out.push((kind, name));
                p = next;
            }
        }
        pos = body + size;
    }
    out
}

fn leb(buf: &[u8], mut pos: usize) -> (usize, usize) {
    let (mut value, mut shift) = (0usize, 0);
    loop {
        let b = buf[pos];
        pos += 1;
        value |= ((b & 0x7f) as usize) << shift;
        shift += 7;
        if b < 0x80 {
            return (value, pos);
        }
    }
}

fn push_leb(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn section(out: &mut Vec<u8>, id: u8, content: &[u8]) {
    out.push(id);
    push_leb(out, content.len());
    out.extend_from_slice(content);
}

/// The smallest module the CosmWasm VM accepts at store time (memory, `allocate`,
/// `deallocate`, `interface_version_8`) that requires exactly `capabilities`. Storing it
/// asks the chain whether it offers them.
pub fn capability_probe(capabilities: &[&str]) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    // types: 0 = (i32) -> i32, 1 = (i32) -> (), 2 = () -> ()
    section(
        &mut m,
        1,
        &[3, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 1, 0x7f, 0, 0x60, 0, 0],
    );
    // functions: allocate, deallocate, marker (shared by every marker export)
    section(&mut m, 3, &[3, 0, 1, 2]);
    // one memory of one page
    section(&mut m, 5, &[1, 0, 1]);
    let mut exports: Vec<(String, u8, u8)> = vec![
        ("memory".into(), 2, 0),
        ("allocate".into(), 0, 0),
        ("deallocate".into(), 0, 1),
        ("interface_version_8".into(), 0, 2),
    ];
    for cap in capabilities {
        exports.push((format!("requires_{cap}"), 0, 2));
    }
    let mut e = vec![];
    push_leb(&mut e, exports.len());
    for (name, kind, index) in &exports {
        push_leb(&mut e, name.len());
        e.extend_from_slice(name.as_bytes());
        e.push(*kind);
        e.push(*index);
    }
    section(&mut m, 7, &e);
    // bodies: i32.const 0; nothing; nothing
    section(
        &mut m,
        10,
        &[3, 4, 0, 0x41, 0, 0x0b, 2, 0, 0x0b, 2, 0, 0x0b],
    );
    m
}
