//! A governance module for the Suite's chain: proposals in their voting period, and the
//! votes on them, as the Cosmos SDK's x/gov (v0.53) takes them from a contract.
//!
//! - Proposals are opened by the Suite (`Suite::open_proposal(voting_period)`): no deposits,
//!   no messages; a proposal is in its voting period from the block that opened it until
//!   `voting_period` seconds later (a vote at or after that time is refused).
//! - `GovMsg::Vote` and `GovMsg::VoteWeighted` are checked as x/gov's `MsgServer` and
//!   `AddVote` check them, in the same order and with the same codes: no options (sdk 18), an
//!   option twice (gov 7 "duplicated vote option"), weights summing above or below 1 (gov 7
//!   "total weight overflow 1.00" / "total weight lower than 1.00"), a proposal that is not
//!   in its voting period, unknown ones included (gov 3 "N: inactive proposal", what gaiad
//!   answered, docs/gaia.md f), a weight of zero (gov 7 "invalid vote option").
//! - A voter's later vote replaces its earlier one.
//! - `Suite::gov_tally` counts delegators' votes as x/gov's tally does: each voter's
//!   delegations on bonded validators × its weights, per option, truncated at the end.
//!   Validators do not vote here, so stake whose delegator did not vote is not counted (on a
//!   chain it follows its validator's vote, if the validator voted).
//!
//! Not emulated: deposits and the deposit period, proposal messages and their execution,
//! the end of voting (quorum, threshold, burning), vote metadata.

use std::collections::BTreeMap;

use cosmwasm_std::{
    from_json, to_json_vec, Addr, Api, Binary, BlockInfo, CustomMsg, CustomQuery, Decimal, Empty,
    Event, GovMsg, Querier, Storage, Timestamp, VoteOption, WeightedVoteOption,
};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{AppResponse, CosmosRouter, Gov, Module};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::stargate::refuse;

/// A proposal and the votes cast on it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub id: u64,
    pub voting_start_time: Timestamp,
    pub voting_end_time: Timestamp,
    /// Each voter's (address's) last vote.
    pub votes: BTreeMap<String, Vec<WeightedVoteOption>>,
}

impl Proposal {
    /// Whether a vote at `time` is taken.
    pub fn in_voting_period(&self, time: Timestamp) -> bool {
        self.voting_start_time <= time && time < self.voting_end_time
    }
}

const LAST_ID_KEY: &[u8] = b"restake-multitest/gov/last_proposal_id";
const PROPOSAL_PREFIX: &[u8] = b"restake-multitest/gov/proposal/";

fn proposal_key(id: u64) -> Vec<u8> {
    [PROPOSAL_PREFIX, &id.to_be_bytes()].concat()
}

/// A proposal, if it exists.
pub fn proposal(storage: &dyn Storage, id: u64) -> Option<Proposal> {
    storage
        .get(&proposal_key(id))
        .and_then(|raw| from_json(&raw).ok())
}

fn save(storage: &mut dyn Storage, p: &Proposal) -> AnyResult<()> {
    storage.set(&proposal_key(p.id), &to_json_vec(p)?);
    Ok(())
}

/// Opens a proposal whose voting period starts now and lasts `voting_period` seconds;
/// returns its id (from 1).
pub fn open_proposal(
    storage: &mut dyn Storage,
    block: &BlockInfo,
    voting_period: u64,
) -> AnyResult<u64> {
    let id = storage
        .get(LAST_ID_KEY)
        .and_then(|raw| from_json::<u64>(&raw).ok())
        .unwrap_or(0)
        + 1;
    storage.set(LAST_ID_KEY, &to_json_vec(&id)?);
    save(
        storage,
        &Proposal {
            id,
            voting_start_time: block.time,
            voting_end_time: block.time.plus_seconds(voting_period),
            votes: BTreeMap::new(),
        },
    )?;
    Ok(id)
}

/// x/gov's name of an option (`VoteOption.String()`).
pub fn option_name(o: &VoteOption) -> &'static str {
    match o {
        VoteOption::Yes => "VOTE_OPTION_YES",
        VoteOption::No => "VOTE_OPTION_NO",
        VoteOption::Abstain => "VOTE_OPTION_ABSTAIN",
        VoteOption::NoWithVeto => "VOTE_OPTION_NO_WITH_VETO",
    }
}

fn options_text(options: &[WeightedVoteOption]) -> String {
    let parts: Vec<String> = options
        .iter()
        .map(|o| {
            format!(
                "{{\"option\":\"{}\",\"weight\":\"{}\"}}",
                option_name(&o.option),
                o.weight
            )
        })
        .collect();
    format!("[{}]", parts.join(","))
}

/// The Suite's governance module.
#[derive(Default)]
pub struct SuiteGov;

impl SuiteGov {
    fn vote(
        storage: &mut dyn Storage,
        block: &BlockInfo,
        voter: Addr,
        proposal_id: u64,
        options: Vec<WeightedVoteOption>,
        weighted: bool,
    ) -> AnyResult<AppResponse> {
        if weighted {
            // x/gov's msgServer.VoteWeighted
            if options.is_empty() {
                return refuse("sdk", 18, "[]: invalid request");
            }
            let mut total = Decimal::zero();
            for (i, o) in options.iter().enumerate() {
                total = total.checked_add(o.weight)?;
                if options[..i].iter().any(|p| p.option == o.option) {
                    return refuse("gov", 7, "duplicated vote option: invalid vote option");
                }
            }
            if total > Decimal::one() {
                return refuse("gov", 7, "total weight overflow 1.00: invalid vote option");
            }
            if total < Decimal::one() {
                return refuse(
                    "gov",
                    7,
                    "total weight lower than 1.00: invalid vote option",
                );
            }
        }
        // x/gov's keeper.AddVote
        let Some(mut p) = proposal(storage, proposal_id).filter(|p| p.in_voting_period(block.time))
        else {
            return refuse("gov", 3, format!("{proposal_id}: inactive proposal"));
        };
        for o in &options {
            if o.weight.is_zero() || o.weight > Decimal::one() {
                return refuse(
                    "gov",
                    7,
                    format!(
                        "{}: invalid vote option",
                        options_text(std::slice::from_ref(o))
                    ),
                );
            }
        }
        let event = Event::new("proposal_vote")
            .add_attribute("voter", &voter)
            .add_attribute("option", options_text(&options))
            .add_attribute("proposal_id", proposal_id.to_string());
        p.votes.insert(voter.to_string(), options);
        save(storage, &p)?;
        Ok(AppResponse {
            events: vec![event],
            ..Default::default()
        })
    }
}

impl Gov for SuiteGov {}

impl Module for SuiteGov {
    type ExecT = GovMsg;
    type QueryT = Empty;
    type SudoT = Empty;

    fn execute<ExecC, QueryC>(
        &self,
        _api: &dyn Api,
        storage: &mut dyn Storage,
        _router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: GovMsg,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        match msg {
            GovMsg::Vote {
                proposal_id,
                option,
            } => Self::vote(
                storage,
                block,
                sender,
                proposal_id,
                vec![WeightedVoteOption {
                    option,
                    weight: Decimal::one(),
                }],
                false,
            ),
            GovMsg::VoteWeighted {
                proposal_id,
                options,
            } => Self::vote(storage, block, sender, proposal_id, options, true),
        }
    }

    fn query(
        &self,
        _api: &dyn Api,
        _storage: &dyn Storage,
        _querier: &dyn Querier,
        _block: &BlockInfo,
        _request: Empty,
    ) -> AnyResult<Binary> {
        anyhow::bail!("contracts cannot query x/gov")
    }

    fn sudo<ExecC, QueryC>(
        &self,
        _api: &dyn Api,
        _storage: &mut dyn Storage,
        _router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        _block: &BlockInfo,
        _msg: Empty,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        anyhow::bail!("the gov module has no sudo messages; use Suite::open_proposal")
    }
}
