use cosmwasm_std::{Decimal, OverflowError, StdError, Timestamp, Uint128};
use cw_ownable::OwnershipError;
use cw_utils::PaymentError;
use restake_types::math::MathError;
use restake_types::{ServiceStatus, SlashStatus};
use thiserror::Error;

mod detail;
pub use detail::{ClaimWait, ConfigProblem, Guarded, OptOutWait, Role, VoteProblem};

/// Every refusal names the problem in words a user understands, and changes nothing.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Payment(#[from] PaymentError),

    #[error("{0}")]
    Ownership(#[from] OwnershipError),

    #[error("{0}")]
    Overflow(#[from] OverflowError),

    #[error("{0}")]
    Math(#[from] MathError),

    #[error("this message does not accept funds")]
    NonPayable,

    #[error("unauthorized: only {allowed} may {action}")]
    Unauthorized { action: Guarded, allowed: Role },

    #[error("the hub is paused: deposits and opt-ins are stopped (unbonding, claims and opt-out completions still work)")]
    Paused,

    #[error("service {id} not found")]
    ServiceNotFound { id: u64 },

    #[error("service {id} is {status}: it accepts no {what}")]
    ServiceNotActive {
        id: u64,
        status: ServiceStatus,
        what: String,
    },

    #[error("service {id} is retired; a retired service cannot change status")]
    ServiceRetired { id: u64 },

    #[error("validator {validator} is not a bonded validator of this chain")]
    ValidatorNotBonded { validator: String },

    #[error("the hub has no stake on validator {validator}")]
    UnknownValidator { validator: String },

    #[error("deposit of {amount} is below the minimum deposit {min}")]
    BelowMinDeposit { amount: Uint128, min: Uint128 },

    #[error("you have no position on validator {validator}")]
    NoPosition { validator: String },

    #[error("{field} must not be empty")]
    EmptyList { field: String },

    #[error("duplicate {field} {id}")]
    Duplicate { field: String, id: String },

    #[error("a position may secure at most {max} services; this would make {count}")]
    TooManyServices { count: usize, max: u32 },

    #[error("your position on {validator} already secures service {service_id}")]
    AlreadyOptedIn { service_id: u64, validator: String },

    #[error("your position on {validator} does not secure service {service_id}")]
    NotOptedIn { service_id: u64, validator: String },

    #[error("an opt-out of service {service_id} is already pending on {validator}")]
    OptOutPending { service_id: u64, validator: String },

    #[error("nothing to complete on {validator}: {reason}")]
    NothingToComplete {
        validator: String,
        reason: OptOutWait,
    },

    #[error("{field} must be greater than zero")]
    ZeroAmount { field: String },

    #[error("amount {amount} exceeds your bonded {bonded} on {validator}")]
    AmountExceedsBonded {
        amount: Uint128,
        bonded: Uint128,
        validator: String,
    },

    #[error("stake on {validator} securing service {service_id} is frozen by a pending slash request: new deposits and opt-ins into it wait until the request is executed or vetoed")]
    ExposedStake { service_id: u64, validator: String },

    #[error("validator {validator} already has {max} exposure groups (max_pools_per_validator); choose a service set already used on this validator")]
    PoolCapReached { validator: String, max: u32 },

    #[error("validator {validator} lists {max} exposure groups: this opt-out completes once one of them is freed (an evicted pool's forced opt-out or a returned unbonding); unbond to leave at once")]
    ExitWaitsForRoom { validator: String, max: u32 },

    #[error("fraction must be greater than 0")]
    FractionZero,

    #[error("fraction {fraction} exceeds the service's max_slash {max}")]
    FractionAboveMax { fraction: Decimal, max: Decimal },

    #[error("max_slash {max_slash} must be greater than 0 and at most 1")]
    InvalidMaxSlash { max_slash: Decimal },

    #[error("max_slash can only be lowered: {requested} is above the current {current}")]
    MaxSlashRaised {
        current: Decimal,
        requested: Decimal,
    },

    #[error("veto_period {veto_period} exceeds the hub's max_veto_period {max}")]
    VetoPeriodTooLong { veto_period: u64, max: u64 },

    #[error("opt_out_delay {opt_out_delay} must be at least the veto_period {veto_period}, so no staker can leave between an infraction's slash request and its execution")]
    OptOutDelayTooShort {
        opt_out_delay: u64,
        veto_period: u64,
    },

    #[error("opt_out_delay can only be lengthened: {requested} is below the current {current}")]
    OptOutDelayShortened { current: u64, requested: u64 },

    #[error("invalid denom {denom:?}")]
    InvalidDenom { denom: String },

    #[error("a service may declare at most {max} reward assets; this would make {count}")]
    TooManyRewardAssets { count: usize, max: u32 },

    #[error("{asset} is not a reward asset of service {service_id}")]
    UndeclaredRewardAsset { asset: String, service_id: u64 },

    #[error("no stake is opted into service {service_id}")]
    NoStakeInService { service_id: u64 },

    #[error("no funds sent")]
    NoFunds,

    #[error("{sender} is not a contract, so it cannot be a cw20 token")]
    NotAContract { sender: String },

    #[error("slash request {id} not found")]
    SlashNotFound { id: u64 },

    #[error("slash request {id} is {status}, not pending")]
    SlashNotPending { id: u64, status: SlashStatus },

    #[error("slash request {id} is inside its veto window until {} (unix time)", executable_at.seconds())]
    VetoWindowOpen { id: u64, executable_at: Timestamp },

    #[error("the veto window of slash request {id} closed at {} (unix time)", executable_at.seconds())]
    VetoWindowClosed { id: u64, executable_at: Timestamp },

    #[error("no stake on {validator} secures service {service_id}: nothing to slash")]
    NothingToSlash { service_id: u64, validator: String },

    #[error("nothing to claim: {reason}")]
    NothingToClaim { reason: ClaimWait },

    #[error("no rewards to claim")]
    NoRewards,

    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },

    #[error("invalid {field}: {address:?} is not a valid address ({reason})")]
    InvalidAddress {
        field: String,
        address: String,
        reason: String,
    },

    #[error("invalid validator {validator:?}: {reason}")]
    InvalidValidator { validator: String, reason: String },

    #[error("invalid {field}: {seconds} seconds is longer than the {max} (100 years) allowed")]
    DurationTooLong {
        field: String,
        seconds: u64,
        max: u64,
    },

    #[error("invalid {field}: {problem}")]
    InvalidConfig {
        field: &'static str,
        problem: ConfigProblem,
    },

    #[error("invalid evidence: at most {max} bytes")]
    EvidenceTooLong { max: usize },

    #[error("invalid {field}: must be 1 to {max} characters")]
    InvalidText { field: String, max: usize },

    #[error("invalid {message}: no field to update")]
    NothingToUpdate { message: String },

    #[error("invalid metadata_uri: at most {max} characters")]
    UriTooLong { max: usize },

    #[error("invalid status: service {id} is already {status}")]
    SameStatus { id: u64, status: ServiceStatus },

    #[error("invalid resolver: give a resolver or clear_resolver, not both")]
    ResolverConflict,

    #[error(
        "invalid receive msg: expected {{\"distribute_rewards\":{{\"service_id\":N}}}}: {reason}"
    )]
    InvalidHook { reason: String },

    #[error(
        "this contract is a delegator proxy of the hub {hub}: it only runs the hub's messages"
    )]
    ProxyOnly { hub: String },

    #[error("only a delegator proxy of the hub runs proxy messages")]
    NotAProxy,

    #[error("{denom} are tokenized shares of another validator, not of {validator}: deposit them on their own validator")]
    SharesOfAnotherValidator { denom: String, validator: String },

    #[error("the chain refused the liquid staking message: {error} (tokenized shares need a chain with Gaia's x/liquid module)")]
    LiquidRefused { error: String },

    #[error("the chain's {cap} is reached: no more stake can be tokenized now ({error}); unbond instead")]
    LiquidStakingCap { cap: String, error: String },

    #[error("withdraw_shares is for stake that secures no service; your position on {validator} secures services {service_ids}: opt out first, or unbond")]
    SharesNeedPlainStake {
        validator: String,
        service_ids: String,
    },

    #[error("invalid vote: {reason}")]
    InvalidVote { reason: VoteProblem },

    #[error("the voting period of proposal {proposal_id} is over (the chain refused the hub's vote on it)")]
    ProposalClosed { proposal_id: u64 },

    #[error("you have no bonded stake in the hub to vote with")]
    NoStakeToVote,

    #[error(
        "you already have open votes on {max} proposals (max_open_votes); wait for one to close"
    )]
    TooManyOpenVotes { max: u32 },

    #[error("the reply of {what} is missing {missing}")]
    BadReply { what: String, missing: String },

    #[error("cannot migrate from contract {found}; this is {expected}")]
    WrongContract { expected: String, found: String },

    #[error("the contract is already at version {version}; a migration is applied once")]
    AlreadyMigrated { version: String },

    #[error("this hub (version {version}) still keeps the v0.1 storage layout: migrate it to the restake-migrate-v0_1 code first, then to this one")]
    LayoutNotConverted { version: String },

    #[error(
        "this code only converts a v0.1 hub's storage: migrate the hub to restake-hub v0.2 next"
    )]
    MigratorOnly,

    #[error("cannot migrate from version {from} to the older {to}")]
    Downgrade { from: String, to: String },
}

restake_types::version_refusal_into!(ContractError);

impl ContractError {
    pub fn unauthorized(action: Guarded, allowed: Role) -> Self {
        ContractError::Unauthorized { action, allowed }
    }

    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        ContractError::InvalidInput {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

/// cw-utils' `nonpayable`, with an error text free of its typo.
pub fn nonpayable(info: &cosmwasm_std::MessageInfo) -> Result<(), ContractError> {
    cw_utils::nonpayable(info).map_err(|e| match e {
        PaymentError::NonPayable {} => ContractError::NonPayable,
        other => other.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed refusals read exactly as the strings they replaced: scenarios, CLI golden
    /// outputs and docs quote these texts.
    #[test]
    fn typed_refusals_keep_their_text() {
        let unauthorized =
            |action, allowed| ContractError::unauthorized(action, allowed).to_string();
        for (err, text) in [
            (
                unauthorized(Guarded::UpdateService { id: 1 }, Role::ServiceAdmin),
                "unauthorized: only the service's admin may update service 1",
            ),
            (
                unauthorized(
                    Guarded::SetServiceStatus { id: 2 },
                    Role::HubOwnerOrServiceAdmin,
                ),
                "unauthorized: only the hub owner or the service's admin may set the status of service 2",
            ),
            (
                unauthorized(Guarded::ReactivateOwnerPaused { id: 3 }, Role::HubOwner),
                "unauthorized: only the hub owner may reactivate service 3, which the hub owner paused",
            ),
            (
                unauthorized(
                    Guarded::OpenSlashRequests { service_id: 4 },
                    Role::ServiceSlasher,
                ),
                "unauthorized: only the service's slasher may open slash requests for service 4",
            ),
            (
                unauthorized(Guarded::VetoSlash { id: 5 }, Role::ServiceResolverOrHubOwner),
                "unauthorized: only the service's resolver or the hub owner may veto slash request 5",
            ),
            (
                unauthorized(Guarded::RunProxy, Role::ProxyHub),
                "unauthorized: only the hub that instantiated it may run a delegator proxy",
            ),
        ] {
            assert_eq!(err, text);
        }
        let complete = |reason| {
            ContractError::NothingToComplete {
                validator: "v".into(),
                reason,
            }
            .to_string()
        };
        let claim = |reason| ContractError::NothingToClaim { reason }.to_string();
        let t = Timestamp::from_seconds(1_700_000_000);
        for (err, text) in [
            (
                complete(OptOutWait::Frozen { service_ids: vec![1, 2] }),
                "nothing to complete on v: opt-outs of services 1,2 are frozen by pending slash requests",
            ),
            (
                complete(OptOutWait::NotYet { next: t }),
                "nothing to complete on v: the next opt-out completes at 1700000000 (unix time)",
            ),
            (
                complete(OptOutWait::NonePending),
                "nothing to complete on v: no opt-out is pending",
            ),
            (claim(ClaimWait::NoUnbondings), "nothing to claim: you have no unbondings"),
            (
                claim(ClaimWait::Frozen { held: vec![(3, 1), (4, 2)] }),
                "nothing to claim: unbondings 3 (service 1), 4 (service 2) are frozen by pending slash requests",
            ),
            (
                claim(ClaimWait::NotMatured { next: t }),
                "nothing to claim: no unbonding has matured yet; the next completes at 1700000000 (unix time)",
            ),
            (
                claim(ClaimWait::NotSettled),
                "nothing to claim: your unbondings are due but their tokens are not settled yet: claim again in a later block, or after a process_unbondings",
            ),
        ] {
            assert_eq!(err, text);
        }
        let vote = |reason| ContractError::InvalidVote { reason }.to_string();
        for (err, text) in [
            (
                vote(VoteProblem::OptionAndWeighted),
                "invalid vote: give exactly one of option and weighted",
            ),
            (
                vote(VoteProblem::ZeroWeight),
                "invalid vote: every weight must be greater than 0",
            ),
            (
                vote(VoteProblem::WeightsSum {
                    sum: Decimal::percent(90),
                }),
                "invalid vote: weights must sum to exactly 1, not 0.9",
            ),
            (
                vote(VoteProblem::CountsForNothing {
                    stake: Uint128::new(1),
                }),
                "invalid vote: your stake (1) split this way counts for nothing on the chain; vote one option",
            ),
        ] {
            assert_eq!(err, text);
        }
        let config = |field, problem| ContractError::InvalidConfig { field, problem }.to_string();
        for (err, text) in [
            (
                config("unbonding_period", ConfigProblem::Zero),
                "invalid unbonding_period: must be greater than 0",
            ),
            (
                config("min_deposit", ConfigProblem::BelowOne),
                "invalid min_deposit: must be at least 1",
            ),
            (
                config("max_open_votes", ConfigProblem::AboveMax { max: 64 }),
                "invalid max_open_votes: at most 64",
            ),
            (
                config("unbonding_epoch", ConfigProblem::EpochTooShort { min_epoch: 259_200 }),
                "invalid unbonding_epoch: must be at least unbonding_period / 7 (259200s) so the hub never exceeds 7 unbonding entries per validator",
            ),
        ] {
            assert_eq!(err, text);
        }
    }
}
