//! The JSON interface of the vault.
//!
//! Every message refuses unknown fields, like the hub's, so a typo in an optional field
//! never passes silently on a chain CLI. The share token's messages and queries keep cw20's
//! names and shapes, so wallets and explorers that speak cw20 work unchanged.
//!
//! Why one file: it is the vault's whole JSON interface, so whoever writes a message by hand
//! finds every message and response, with its doc, in one place.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Binary, Decimal, Timestamp, Uint128};
use cw_utils::Expiration;
use restake_types::{OwnershipAction, RewardAmount};

/// One validator of a strategy: its share of the vault's stake and the services the vault's
/// position on it secures.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct ValidatorTarget {
    /// Validator operator address (`cosmosvaloper1...`).
    pub validator: String,
    /// Relative weight (1 to 1,000,000); the target share is weight / Σ weights.
    pub weight: u32,
    /// Services the position on this validator secures; every id must be listed in the
    /// strategy's `services`.
    pub services: Vec<u64>,
}

/// A service the strategy may secure, with its cap.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct ServiceLimit {
    pub service_id: u64,
    /// Largest share of the vault's stake (by target weight) that may secure this service,
    /// in (0, 1].
    pub max_share: Decimal,
}

/// The rule that leaves a service which slashes too much, without the curator.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct SlashLimit {
    /// The vault leaves a service whose slash requests opened in the last `window` seconds
    /// (pending or executed, against any validator, vetoed ones excluded) add up to more than
    /// this fraction.
    pub max_fraction: Decimal,
    /// Seconds.
    pub window: u64,
}

/// What the curator decides. Every change waits the current strategy's `timelock`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    /// Validators and their weights (at least one, at most `max_validators`).
    pub validators: Vec<ValidatorTarget>,
    /// Services the vault may secure, each with its cap.
    pub services: Vec<ServiceLimit>,
    /// Σ `max_slash` of the services one position secures must not exceed this, in [0, 1].
    pub risk_budget: Decimal,
    pub slash_limit: SlashLimit,
    /// Seconds the *next* strategy change must wait after it is proposed (at least the
    /// vault's `min_timelock`).
    pub timelock: u64,
}

#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// The restake-hub contract.
    pub hub: String,
    /// Sets the strategy (a DAO, a multisig). Defaults to the sender. Transferred in two
    /// steps with `update_ownership`.
    pub curator: Option<String>,
    /// Share token name and symbol (cw20 rules: 3 to 50 characters; 3 to 12 letters or `-`).
    pub name: String,
    pub symbol: String,
    /// The first strategy; it applies at once (there are no holders yet).
    pub strategy: Strategy,
    /// Floor for every strategy's `timelock`, fixed for the vault's life (default 1 day).
    pub min_timelock: Option<u64>,
    /// Seconds between two exit batches sent to the hub (default: the hub's
    /// `unbonding_epoch`; at least 1 hour, at most the hub's unbonding period).
    pub exit_epoch: Option<u64>,
    /// Smallest deposit, in the bonded denom (default: the hub's `min_deposit`).
    pub min_deposit: Option<Uint128>,
    /// Most validators a strategy may list (default 10, at most 30).
    pub max_validators: Option<u32>,
    /// Most services a strategy may list (default 8, at most 16).
    pub max_services: Option<u32>,
    /// Most reward assets (besides the bonded denom) the vault credits to holders over its
    /// life (default 16, at most 32).
    pub max_reward_assets: Option<u32>,
}

#[cw_serde]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "interface", derive(cw_orch::ExecuteFns))]
pub enum ExecuteMsg {
    // ---------------------------------------------------------------- holders
    /// Deposit the bonded denom (attached) and receive vault shares at the price that holds
    /// if every pending slash request executes. The vault delegates it through the hub to
    /// its most underweight validator that no pending slash request freezes.
    #[cfg_attr(feature = "interface", cw_orch(payable))]
    Deposit {},
    /// Burn `shares` of the sender's and queue their value for unbonding in the open exit
    /// batch. The batch is sent to the hub once per `exit_epoch` (by this message when due,
    /// or by `process_exits`); `claim` pays it when the hub has returned every token of it.
    Exit {
        shares: Uint128,
        /// Who may claim the exit (default: the sender).
        recipient: Option<String>,
    },
    /// Pay every exit of the sender whose batch has fully returned (at most 10 per message).
    Claim {},
    /// Pay the sender's rewards in every asset other than the bonded denom (service rewards
    /// in native denoms and cw20 tokens). Claims the vault's rewards from the hub first.
    ClaimRewards {},

    // ---------------------------------------------------------------- share token (cw20)
    /// cw20 `transfer`. Rewards earned so far stay with the sender.
    Transfer { recipient: String, amount: Uint128 },
    /// cw20 `send`: transfer and call the recipient contract's `receive`.
    Send {
        contract: String,
        amount: Uint128,
        msg: Binary,
    },
    /// cw20 `burn`: the same as `exit` for the sender (burning shares is how one leaves).
    Burn { amount: Uint128 },
    /// cw20 `transfer_from` with an allowance.
    TransferFrom {
        owner: String,
        recipient: String,
        amount: Uint128,
    },
    /// cw20 `send_from` with an allowance.
    SendFrom {
        owner: String,
        contract: String,
        amount: Uint128,
        msg: Binary,
    },
    /// cw20 `burn_from`: exit with an allowance; the exit belongs to the spender.
    BurnFrom { owner: String, amount: Uint128 },
    IncreaseAllowance {
        spender: String,
        amount: Uint128,
        expires: Option<Expiration>,
    },
    DecreaseAllowance {
        spender: String,
        amount: Uint128,
        expires: Option<Expiration>,
    },

    // ---------------------------------------------------------------- cranks (anyone)
    /// Applies a strategy whose timelock has passed, enforces the rules (leaves services that
    /// are paused, retired, slash too much or raised their terms), opts positions in and out
    /// toward the strategy, completes ready opt-outs, drains validators the strategy dropped
    /// and re-deposits idle tokens into the most underweight validator.
    Rebalance {},
    /// Claims the vault's rewards from the hub: bonded-denom rewards are re-deposited
    /// (compounded into the share price), other assets are credited to holders by index.
    Harvest {},
    /// Sends the open exit batch when its epoch has come and collects matured unbondings
    /// from the hub.
    ProcessExits {},

    // ---------------------------------------------------------------- curator
    /// Propose a new strategy; it may apply once the current strategy's `timelock` has
    /// passed (`rebalance` or `apply_strategy`). Replaces any pending proposal, with a new
    /// timelock.
    ProposeStrategy { strategy: Strategy },
    /// Withdraw the pending proposal.
    CancelStrategy {},
    /// Leave a service now (risk only goes down, so no timelock): opt every position out.
    /// Only a later strategy can bring it back.
    LeaveService { service_id: u64 },
    /// Anyone, once the pending strategy's timelock has passed: apply it (the open exit
    /// batch is sent first, so holders who left during the timelock leave at the old risk).
    ApplyStrategy {},
    /// Two-step curator transfer (cw-ownable).
    UpdateOwnership(OwnershipAction),
}

#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(QueryResponses)]
#[cfg_attr(feature = "interface", derive(cw_orch::QueryFns))]
pub enum QueryMsg {
    /// The vault's fixed settings.
    #[returns(ConfigResponse)]
    Config {},
    /// The active strategy, the pending one (with the time it may apply) and the services
    /// the vault left by rule.
    #[returns(StrategyResponse)]
    Strategy {},
    /// Net asset value, its parts, total shares and the share prices for deposits and exits.
    #[returns(VaultStateResponse)]
    State {},
    /// What a holder has: shares, their value, pending rewards, exits.
    #[returns(HolderResponse)]
    Holder { address: String },
    /// Rewards `claim_rewards` would pay the holder now (assets other than the bonded
    /// denom), read from the hub like the holder's next balance change would.
    #[returns(RewardsResponse)]
    Rewards { address: String },
    /// Shares a deposit of `amount` would mint now.
    #[returns(PreviewResponse)]
    PreviewDeposit { amount: Uint128 },
    /// Bonded tokens `shares` are worth now at the exit price (before the batch is sent).
    #[returns(PreviewResponse)]
    PreviewExit { shares: Uint128 },
    /// A holder's exits in batch order (`limit` default 10, max 30).
    #[returns(ExitsResponse)]
    Exits {
        holder: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// One exit batch.
    #[returns(BatchResponse)]
    Batch { id: u64 },
    /// Exit batches in id order (`limit` default 10, max 30).
    #[returns(BatchesResponse)]
    Batches {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// What the cranks anyone may call (`rebalance`, `harvest`, `process_exits`) would do
    /// now, and why: a keeper sends a crank only when its list is not empty.
    #[returns(CranksResponse)]
    Cranks {},
    /// Reward assets the vault credits to holders, with their totals.
    #[returns(RewardAssetsResponse)]
    RewardAssets {},
    /// The curator (cw-ownable).
    #[returns(cw_ownable::Ownership<String>)]
    Ownership {},

    // ---------------------------------------------------------------- cw20
    #[returns(cw20::BalanceResponse)]
    Balance { address: String },
    #[returns(cw20::TokenInfoResponse)]
    TokenInfo {},
    #[returns(cw20::AllowanceResponse)]
    Allowance { owner: String, spender: String },
    #[returns(cw20::AllAllowancesResponse)]
    AllAllowances {
        owner: String,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(cw20::AllSpenderAllowancesResponse)]
    AllSpenderAllowances {
        spender: String,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(cw20::AllAccountsResponse)]
    AllAccounts {
        start_after: Option<String>,
        limit: Option<u32>,
    },
}

#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {}

#[cw_serde]
pub struct ConfigResponse {
    pub hub: Addr,
    pub bonded_denom: String,
    pub min_deposit: Uint128,
    pub exit_epoch: u64,
    pub min_timelock: u64,
    pub max_validators: u32,
    pub max_services: u32,
    pub max_reward_assets: u32,
    /// The hub's unbonding period when the vault was instantiated.
    pub unbonding_period: u64,
}

/// Why the vault left a service without the curator.
#[cw_serde]
pub struct LeftService {
    pub service_id: u64,
    pub reason: String,
    pub at: Timestamp,
}

#[cw_serde]
pub struct PendingStrategy {
    pub strategy: Strategy,
    pub proposed_at: Timestamp,
    /// Earliest time it may apply.
    pub effective_at: Timestamp,
}

#[cw_serde]
pub struct StrategyResponse {
    pub active: Strategy,
    pub applied_at: Timestamp,
    pub pending: Option<PendingStrategy>,
    /// Services of the active strategy the vault has left (by rule or by the curator).
    pub left: Vec<LeftService>,
}

/// The vault's stake on one validator, as the hub shows it.
#[cw_serde]
pub struct ValidatorAllocation {
    pub validator: String,
    /// Target weight (0: the strategy dropped it and the vault is draining it).
    pub weight: u32,
    /// Bonded tokens of the vault's position at the hub.
    pub bonded: Uint128,
    /// Services the position secures now (pending opt-outs included).
    pub services: Vec<u64>,
    /// Services the strategy wants it to secure (minus those left by rule).
    pub target_services: Vec<u64>,
    /// Tokens the position would lose if every pending slash request on it executed.
    pub pending_slash_loss: Uint128,
    /// The vault's share of a chain slash the hub has not synced yet.
    pub unsynced_chain_loss: Uint128,
    /// A pending slash request freezes the position: no deposit goes there now.
    pub frozen: bool,
}

#[cw_serde]
pub struct VaultStateResponse {
    /// Value owned by shareholders, pessimistic: every pending slash request executes and
    /// every known chain slash is counted (the exit price uses it).
    pub nav: Uint128,
    /// The same, with losses rounded down (the deposit price uses it).
    pub nav_for_deposits: Uint128,
    pub bonded: Uint128,
    /// Tokens the vault itself is unbonding (validators being drained), not exits.
    pub unbonding: Uint128,
    /// Bonded-denom rewards accrued at the hub, not yet harvested.
    pub pending_rewards: Uint128,
    /// Bonded-denom tokens in the vault waiting to be re-deposited.
    pub idle: Uint128,
    /// Σ of the losses counted above (pending slash requests and unsynced chain slashes).
    pub expected_losses: Uint128,
    /// Tokens sent exit batches still wait for beyond their unbondings (paid from idle).
    pub exit_top_ups: Uint128,
    /// Bonded-denom tokens in the vault that belong to exit batches (arrived, not claimed).
    pub exit_reserved: Uint128,
    /// Shares held by holders (the cw20 supply).
    pub supply: Uint128,
    /// Shares burned into the open exit batch, not sent yet (still counted in the price).
    pub open_exit_shares: Uint128,
    /// Bonded tokens per share unit at the exit price, `(nav + 1) / (supply + open_exit_shares
    /// + 1000)`. A share unit starts at 0.001 token: the token has three more decimals than
    /// the bonded denom.
    pub price: Decimal,
    pub validators: Vec<ValidatorAllocation>,
    /// Σ max_slash of the services each position secures, at most (the exposure of the
    /// riskiest position).
    pub max_position_exposure: Decimal,
}

/// Response data of `deposit` (also for tokenized shares, whose data comes from the reply).
#[cw_serde]
pub struct DepositData {
    /// Vault shares minted.
    pub shares: Uint128,
    /// Bonded tokens deposited (for tokenized shares: what their redemption produced).
    pub amount: Uint128,
    /// The validator the tokens went to.
    pub validator: String,
}

/// Response data of `exit` / `burn` / `burn_from`.
#[cw_serde]
pub struct ExitData {
    /// The exit batch the shares joined (`exits`, `batch`).
    pub batch_id: u64,
    /// Shares burned.
    pub shares: Uint128,
}

/// Response data of `claim` and `claim_rewards`: what was paid.
#[cw_serde]
pub struct PaidData {
    pub paid: Vec<RewardAmount>,
}

/// The work each crank has now, one line per piece (an empty list: nothing to do).
#[cw_serde]
pub struct CranksResponse {
    /// A strategy due, services to leave by rule, opt-ins and opt-outs toward the strategy,
    /// validators to drain, idle tokens to pay exit batches or to re-deposit.
    pub rebalance: Vec<String>,
    /// Rewards waiting at the hub: the bonded denom to compound, other assets for holders.
    pub harvest: Vec<String>,
    /// An exit batch due to be sent, matured hub unbondings to collect, top-ups to pay.
    pub process_exits: Vec<String>,
    /// Bonded-denom rewards waiting at the hub (what `harvest` would compound), so a keeper
    /// can wait until a harvest is worth its fee.
    pub pending_bonded_rewards: Uint128,
}

#[cw_serde]
pub struct RewardsResponse {
    pub rewards: Vec<RewardAmount>,
}

#[cw_serde]
pub struct PreviewResponse {
    pub amount: Uint128,
}

#[cw_serde]
pub struct ExitResponse {
    pub batch_id: u64,
    pub shares: Uint128,
    pub status: BatchStatus,
    /// Tokens `claim` would pay for it now (0 until the batch is complete).
    pub claimable: Uint128,
    /// Expected value: the batch's tokens pro rata (moves with slashing until complete).
    pub expected: Uint128,
}

#[cw_serde]
pub struct ExitsResponse {
    pub exits: Vec<ExitResponse>,
}

#[cw_serde]
pub struct HolderResponse {
    pub address: Addr,
    pub shares: Uint128,
    /// Their value at the exit price.
    pub value: Uint128,
    /// Rewards `claim_rewards` would pay (assets other than the bonded denom).
    pub pending_rewards: Vec<RewardAmount>,
    /// Exits not claimed yet (the first 30).
    pub exits: Vec<ExitResponse>,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum BatchStatus {
    /// Collecting exits; sent to the hub at the next epoch.
    Open,
    /// Sent: the hub is unbonding its tokens.
    Unbonding,
    /// Every token has returned; holders claim.
    Complete,
}

impl std::fmt::Display for BatchStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BatchStatus::Open => "open",
            BatchStatus::Unbonding => "unbonding",
            BatchStatus::Complete => "complete",
        })
    }
}

#[cw_serde]
pub struct BatchResponse {
    pub id: u64,
    pub status: BatchStatus,
    /// Shares burned into it.
    pub shares: Uint128,
    /// Tokens they were worth when the batch was sent.
    pub owed: Uint128,
    /// Tokens still unbonding at the hub for it (after slashing, as the hub shows them).
    pub unbonding: Uint128,
    /// Tokens that have arrived for it.
    pub received: Uint128,
    /// Tokens paid to holders.
    pub paid: Uint128,
    /// Hub unbondings it waits for.
    pub hub_unbonding_ids: Vec<u64>,
    pub opened_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    /// When an open batch may be sent.
    pub send_after: Option<Timestamp>,
}

#[cw_serde]
pub struct BatchesResponse {
    pub batches: Vec<BatchResponse>,
}

#[cw_serde]
pub struct RewardAssetResponse {
    /// A native denom ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denom: Option<String>,
    /// ... or a cw20 token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cw20: Option<Addr>,
    /// Accrued to the vault at the hub so far (received + still at the hub), all of it
    /// credited to holders.
    pub credited: Uint128,
    /// Received from the hub so far.
    pub received: Uint128,
    /// Paid to holders so far.
    pub paid: Uint128,
}

#[cw_serde]
pub struct RewardAssetsResponse {
    pub assets: Vec<RewardAssetResponse>,
}
