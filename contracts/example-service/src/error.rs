use cosmwasm_std::{Decimal, OverflowError, StdError, Timestamp};
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

    #[error("this message does not accept funds")]
    NonPayable,

    #[error("unauthorized: only {allowed} may {action}")]
    Unauthorized { action: String, allowed: String },

    #[error("{sender} is not a committee member")]
    NotAMember { sender: String },

    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },

    #[error("threshold {threshold} must be between 1 and the {members} committee members")]
    InvalidThreshold { threshold: u32, members: usize },

    #[error("duplicate {field} {value}")]
    Duplicate { field: String, value: String },

    #[error("fraction must be greater than 0")]
    FractionZero,

    #[error("fraction {fraction} exceeds the service's max_slash {max}")]
    FractionAboveMax { fraction: Decimal, max: Decimal },

    #[error("validator {validator} is not a validator of this chain")]
    UnknownValidator { validator: String },

    #[error("proposal {id} not found")]
    ProposalNotFound { id: u64 },

    #[error("proposal {id} is {status}, not open")]
    ProposalNotOpen { id: u64, status: String },

    #[error("{voter} already voted for proposal {id}")]
    AlreadyVoted { id: u64, voter: String },

    #[error("{asset} is not a fee asset of this service")]
    UndeclaredFeeAsset { asset: String },

    #[error("no fees sent")]
    NoFees,

    #[error("fee amount must be greater than zero")]
    ZeroAmount,

    #[error("the next distribution may run at {next_at}")]
    EpochNotReached { next_at: Timestamp },

    #[error("no fees are pending")]
    NoFeesPending,

    #[error("service {service_id} is retired")]
    ServiceRetired { service_id: u64 },

    #[error("service {service_id} is {status}; fees can be withdrawn only after it is retired")]
    NotRetired { service_id: u64, status: String },

    #[error("the hub's reply to {what} carries no response data")]
    MissingReplyData { what: String },

    #[error("cannot migrate from contract {found}; this is {expected}")]
    WrongContract { expected: String, found: String },

    #[error("the contract is already at version {version}")]
    AlreadyMigrated { version: String },

    #[error("cannot migrate from version {from} to the older {to}")]
    Downgrade { from: String, to: String },
}

restake_types::version_refusal_into!(ContractError);

impl ContractError {
    pub fn unauthorized(action: &str, allowed: &str) -> Self {
        ContractError::Unauthorized {
            action: action.to_string(),
            allowed: allowed.to_string(),
        }
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
