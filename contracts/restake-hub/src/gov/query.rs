//! The governance queries: a proposal's tallies and casts, and a staker's vote.

use cosmwasm_std::{Addr, Decimal, Env, Uint128};
use restake_types::VoteOption;

use crate::error::ContractError;
use crate::state::books::Books;
use crate::state::{keys, Tally};
use crate::validate;

use super::tally::{option, weighted};

pub fn proposal_votes(
    deps: cosmwasm_std::Deps,
    env: &Env,
    proposal_id: u64,
) -> Result<restake_types::ProposalVotesResponse, ContractError> {
    use restake_types::{OptionStake, ValidatorCast};
    let mut books = Books::read(deps.storage)?;
    let hub = books.tally(proposal_id, None)?;
    let account_cast = books.account_tally(proposal_id)?.cast;
    let mut by_validator = vec![];
    let mut weighted_sum: Vec<cosmwasm_std::Uint256> = vec![cosmwasm_std::Uint256::zero(); 4];
    let mut delegated_total = cosmwasm_std::Uint256::zero();
    let mut hub_bonded = Uint128::zero();
    for vid in 0..books.totals()?.next_validator {
        hub_bonded += books.validator(vid)?.bonded;
        let own = books
            .existing::<Tally>(keys::tally(proposal_id, Some(vid)))?
            .cloned();
        // What the chain counts for the validator's delegation: its delegator's vote (the
        // hub account's shared one for a v0.1 validator, its voters or not).
        let cast = if books.on_hub_account(vid)? {
            account_cast.clone()
        } else {
            own.as_ref().map(|t| t.cast.clone()).unwrap_or_default()
        };
        if own.is_none() && cast.is_empty() {
            continue;
        }
        let delegation = books.validator(vid)?.expected_delegation();
        if !cast.is_empty() {
            delegated_total += cosmwasm_std::Uint256::from(delegation);
            for (o, w) in &cast {
                weighted_sum[usize::from(*o)] += cosmwasm_std::Uint256::from(delegation)
                    * cosmwasm_std::Uint256::from(w.atomics());
            }
        }
        by_validator.push(ValidatorCast {
            validator: books.valoper(vid)?,
            weights: weighted(&cast),
            voters_stake: own.map(|t| t.voters).unwrap_or_default(),
            delegation,
        });
    }
    let mut cast = vec![];
    if !delegated_total.is_zero() {
        let mut parts: Vec<(u8, Decimal)> = weighted_sum
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.is_zero())
            .map(|(i, s)| {
                let atomics = *s / delegated_total;
                (
                    i as u8,
                    Decimal::new(cosmwasm_std::Uint128::try_from(atomics).unwrap_or_default()),
                )
            })
            .collect();
        let sum: Decimal = parts.iter().map(|(_, w)| *w).sum();
        if let Some(b) = parts.iter_mut().max_by_key(|(_, w)| *w) {
            b.1 += Decimal::one() - sum.min(Decimal::one());
        }
        cast = weighted(&parts);
    }
    let _ = env;
    let options = if hub.options.len() < 4 {
        vec![Uint128::zero(); 4]
    } else {
        hub.options.clone()
    };
    Ok(restake_types::ProposalVotesResponse {
        proposal_id,
        tally: VoteOption::ALL
            .iter()
            .zip(options)
            .map(|(o, s)| OptionStake {
                option: *o,
                stake: s,
            })
            .collect(),
        voters_stake: hub.voters,
        hub_bonded,
        cast,
        by_validator,
        closed: hub.closed,
    })
}

pub fn staker_vote(
    deps: cosmwasm_std::Deps,
    proposal_id: u64,
    staker: String,
) -> Result<restake_types::StakerVoteResponse, ContractError> {
    let addr: Addr = validate::addr(deps.api, "staker", &staker)?;
    let key = validate::canonical(deps.api, &addr)?;
    let mut books = Books::read(deps.storage)?;
    let ballot = books.ballot(proposal_id, &key)?;
    let (option, weighted_options, stake) = match ballot {
        None => (None, None, Uint128::zero()),
        Some(b) => {
            let stake = b.counted.iter().map(|(_, s)| *s).sum();
            if b.single {
                (b.weights.first().map(|(o, _)| option(*o)), None, stake)
            } else {
                (None, Some(weighted(&b.weights)), stake)
            }
        }
    };
    Ok(restake_types::StakerVoteResponse {
        proposal_id,
        staker: addr,
        option,
        weighted: weighted_options,
        stake,
    })
}
