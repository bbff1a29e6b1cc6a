use cosmwasm_std::{
    CheckedMultiplyRatioError, Decimal, OverflowError, StdError, Timestamp, Uint128,
};
use cw_ownable::OwnershipError;
use cw_utils::PaymentError;
use thiserror::Error;

/// Every refusal names the problem and changes nothing.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Payment(#[from] PaymentError),

    #[error("{0}")]
    Overflow(#[from] OverflowError),

    #[error("{0}")]
    Ownership(#[from] OwnershipError),

    #[error("{0}")]
    Cw20(#[from] cw20_base::ContractError),

    #[error("arithmetic overflow in {0}")]
    MultiplyRatio(#[from] CheckedMultiplyRatioError),

    #[error("this message does not accept funds")]
    NonPayable,

    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },

    #[error("duplicate {field} {value}")]
    Duplicate { field: String, value: String },

    #[error("{field} must be greater than zero")]
    ZeroAmount { field: String },

    #[error("send {denom} (the bonded denom); {sent} is not accepted")]
    WrongDenom { denom: String, sent: String },

    #[error("deposit {amount} is below the vault's minimum {min}")]
    BelowMinDeposit { amount: Uint128, min: Uint128 },

    #[error("deposit {amount} is too small to mint a share at the current price")]
    DepositTooSmall { amount: Uint128 },

    #[error("{shares} shares are worth less than one token at the current price")]
    ExitTooSmall { shares: Uint128 },

    #[error("{owner} holds {balance} shares, fewer than {amount}")]
    InsufficientShares {
        owner: String,
        balance: Uint128,
        amount: Uint128,
    },

    #[error("tokenized shares {denom} cannot be deposited now: {reason}")]
    SharesNotTaken { denom: String, reason: String },

    #[error(
        "no validator of the strategy can take a deposit now: {reason}; try again after the \
         pending slash requests are resolved"
    )]
    NoValidatorForDeposit { reason: String },

    #[error(
        "more than {max} pending slash requests on (service {service_id}, validator \
         {validator}): the vault cannot price a deposit until some are resolved"
    )]
    TooManyPendingSlashes {
        service_id: u64,
        validator: String,
        max: u32,
    },

    #[error("the vault holds no shares of its own: send them to exit instead")]
    TransferToVault,

    #[error("the vault is busy with a reply in this transaction (re-entry refused)")]
    Reentered,

    #[error("you have no exit to claim: {reason}")]
    NothingToClaim { reason: String },

    #[error("you have no reward to claim")]
    NoRewards,

    #[error("strategy: {reason}")]
    InvalidStrategy { reason: String },

    #[error("service {service_id} is {status} at the hub; a strategy takes active services only")]
    ServiceNotActive { service_id: u64, status: String },

    #[error(
        "validators {validator} secures services whose max_slash add up to {total}, above the \
         risk budget {budget}"
    )]
    RiskBudgetExceeded {
        validator: String,
        total: Decimal,
        budget: Decimal,
    },

    #[error(
        "service {service_id} would secure {share} of the stake (by weight), above its cap {cap}"
    )]
    ServiceCapExceeded {
        service_id: u64,
        share: Decimal,
        cap: Decimal,
    },

    #[error("no strategy is pending")]
    NoPendingStrategy,

    #[error("the pending strategy may apply at {effective_at} (unix seconds)")]
    TimelockNotPassed { effective_at: u64 },

    #[error("service {service_id} is not a service of the active strategy")]
    NotInStrategy { service_id: u64 },

    #[error("the vault already left service {service_id}")]
    AlreadyLeft { service_id: u64 },

    #[error("exit batch {id} not found")]
    BatchNotFound { id: u64 },

    #[error("reply {id} is not one the vault sent")]
    UnknownReply { id: u64 },

    #[error("the hub's reply carries no {key} attribute")]
    MissingReplyAttribute { key: String },

    #[error("cannot migrate from contract {found}; this is {expected}")]
    WrongContract { expected: String, found: String },

    #[error("the contract is already at version {version}")]
    AlreadyMigrated { version: String },

    #[error("cannot migrate from version {from} to the older {to}")]
    Downgrade { from: String, to: String },

    #[error("the next exit batch may be sent at {at} (unix seconds)")]
    EpochNotReached { at: Timestamp },
}

restake_types::version_refusal_into!(ContractError);

impl ContractError {
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        ContractError::InvalidInput {
            field: field.to_string(),
            reason: reason.into(),
        }
    }

    pub fn strategy(reason: impl Into<String>) -> Self {
        ContractError::InvalidStrategy {
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
