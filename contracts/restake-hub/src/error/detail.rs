//! The typed details some refusals carry: what was tried, who may do it, why nothing could
//! complete. Tests match on them; their `Display` writes the words users read.

use cosmwasm_std::{Decimal, Timestamp, Uint128};

use crate::events::join_ids;

/// What a sender tried and was not allowed to do (the `action` of
/// [`ContractError::Unauthorized`](super::ContractError::Unauthorized)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guarded {
    UpdateService {
        id: u64,
    },
    SetServiceStatus {
        id: u64,
    },
    /// Lifting a pause the hub owner set, which only the owner may do.
    ReactivateOwnerPaused {
        id: u64,
    },
    OpenSlashRequests {
        service_id: u64,
    },
    VetoSlash {
        id: u64,
    },
    RunProxy,
}

impl std::fmt::Display for Guarded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Guarded::UpdateService { id } => write!(f, "update service {id}"),
            Guarded::SetServiceStatus { id } => write!(f, "set the status of service {id}"),
            Guarded::ReactivateOwnerPaused { id } => {
                write!(f, "reactivate service {id}, which the hub owner paused")
            }
            Guarded::OpenSlashRequests { service_id } => {
                write!(f, "open slash requests for service {service_id}")
            }
            Guarded::VetoSlash { id } => write!(f, "veto slash request {id}"),
            Guarded::RunProxy => f.write_str("run a delegator proxy"),
        }
    }
}

/// Who may do a [`Guarded`] action (the `allowed` of
/// [`ContractError::Unauthorized`](super::ContractError::Unauthorized)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    HubOwner,
    ServiceAdmin,
    HubOwnerOrServiceAdmin,
    ServiceSlasher,
    ServiceResolverOrHubOwner,
    /// The hub a delegator proxy belongs to.
    ProxyHub,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::HubOwner => "the hub owner",
            Role::ServiceAdmin => "the service's admin",
            Role::HubOwnerOrServiceAdmin => "the hub owner or the service's admin",
            Role::ServiceSlasher => "the service's slasher",
            Role::ServiceResolverOrHubOwner => "the service's resolver or the hub owner",
            Role::ProxyHub => "the hub that instantiated it",
        })
    }
}

/// What is wrong with a configuration field (the `problem` of
/// [`ContractError::InvalidConfig`](super::ContractError::InvalidConfig)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigProblem {
    /// A duration of zero seconds.
    Zero,
    /// A count or amount of zero.
    BelowOne,
    AboveMax {
        max: u32,
    },
    /// An epoch so short that a validator could collect more than the chain's 7 unbonding
    /// entries within one unbonding period.
    EpochTooShort {
        min_epoch: u64,
    },
}

impl std::fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigProblem::Zero => f.write_str("must be greater than 0"),
            ConfigProblem::BelowOne => f.write_str("must be at least 1"),
            ConfigProblem::AboveMax { max } => write!(f, "at most {max}"),
            ConfigProblem::EpochTooShort { min_epoch } => write!(
                f,
                "must be at least unbonding_period / 7 ({min_epoch}s) so the hub never exceeds 7 unbonding entries per validator"
            ),
        }
    }
}

/// Why no opt-out of a position could complete (the `reason` of
/// [`ContractError::NothingToComplete`](super::ContractError::NothingToComplete)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptOutWait {
    /// Ready opt-outs held by slash requests opened before they became ready.
    Frozen {
        service_ids: Vec<u64>,
    },
    NotYet {
        next: Timestamp,
    },
    NonePending,
}

impl std::fmt::Display for OptOutWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptOutWait::Frozen { service_ids } => write!(
                f,
                "opt-outs of services {} are frozen by pending slash requests",
                join_ids(service_ids)
            ),
            OptOutWait::NotYet { next } => write!(
                f,
                "the next opt-out completes at {} (unix time)",
                next.seconds()
            ),
            OptOutWait::NonePending => f.write_str("no opt-out is pending"),
        }
    }
}

/// Why a claim found nothing to pay (the `reason` of
/// [`ContractError::NothingToClaim`](super::ContractError::NothingToClaim)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimWait {
    NoUnbondings,
    /// Matured unbondings held by pending slash requests, as (unbonding id, service id).
    Frozen {
        held: Vec<(u64, u64)>,
    },
    NotMatured {
        next: Timestamp,
    },
    /// Due, but the chain pays a batch at the end of the block past its completion.
    NotSettled,
}

impl std::fmt::Display for ClaimWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClaimWait::NoUnbondings => f.write_str("you have no unbondings"),
            ClaimWait::Frozen { held } => {
                f.write_str("unbondings ")?;
                for (i, (id, service)) in held.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{id} (service {service})")?;
                }
                f.write_str(" are frozen by pending slash requests")
            }
            ClaimWait::NotMatured { next } => write!(
                f,
                "no unbonding has matured yet; the next completes at {} (unix time)",
                next.seconds()
            ),
            ClaimWait::NotSettled => f.write_str(
                "your unbondings are due but their tokens are not settled yet: \
                 claim again in a later block, or after a process_unbondings",
            ),
        }
    }
}

/// What is wrong with a vote (the `reason` of
/// [`ContractError::InvalidVote`](super::ContractError::InvalidVote)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteProblem {
    /// Both `option` and `weighted`, or neither.
    OptionAndWeighted,
    ZeroWeight,
    WeightsSum {
        sum: Decimal,
    },
    /// The staker's stake, split this way, rounds to nothing in every validator's mix, so no
    /// vote would reach the chain.
    CountsForNothing {
        stake: Uint128,
    },
}

impl std::fmt::Display for VoteProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VoteProblem::OptionAndWeighted => {
                f.write_str("give exactly one of option and weighted")
            }
            VoteProblem::ZeroWeight => f.write_str("every weight must be greater than 0"),
            VoteProblem::WeightsSum { sum } => {
                write!(f, "weights must sum to exactly 1, not {sum}")
            }
            VoteProblem::CountsForNothing { stake } => write!(
                f,
                "your stake ({stake}) split this way counts for nothing on the chain; vote one option"
            ),
        }
    }
}
